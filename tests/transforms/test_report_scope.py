"""What a report covers and who signs it: rows, their order and labels, parts, the signer."""

import datetime as dt

import pandas as pd
import pytest

from giamngheo.transforms.report_scope import (
    listed_parts,
    parts_words,
    scope,
    signer,
    village_labels,
    village_order,
)
from giamngheo.transforms.synthetic import DIEN_HOA, DIEN_HOA_TOTALS

VILLAGES = [f"{DIEN_HOA}-{i:02d}" for i in range(1, len(DIEN_HOA_TOTALS) + 1)]


@pytest.fixture
def district(registry):
    return scope(registry, "476")


def test_a_district_scope_numbers_its_communes_under_it(district, registry):
    assert [r.tt for r in district.rows[:3]] == ["1", "1.1", "1.2"]
    assert district.rows[0].bold and not district.rows[1].bold
    assert len(district.rows) == 17 and district.child_label == "Phường/Xã"
    dien_hoa = next(r for r in district.rows if r.code == DIEN_HOA)
    assert dien_hoa.villages == frozenset(VILLAGES)
    assert district.villages == frozenset(registry.loc[registry["level"] == "village", "code"])
    assert district.place == "Phong Điền"
    assert (district.rows[0].parts, district.rows[0].part_level) == (16, "commune")


def test_a_commune_scope_lists_its_villages_in_number_order_with_their_codes(registry):
    commune = scope(registry, DIEN_HOA)
    assert [r.name for r in commune.rows[1:4]] == [
        "Thôn 1 (mã 19834-01)",
        "Thôn 2 (mã 19834-02)",
        "Thôn 3 (mã 19834-03)",
    ]
    assert commune.rows[-1].name == "Thôn 11 (mã 19834-11)"
    assert commune.child_label == "Thôn, tổ dân phố"


def test_a_province_scope_has_its_total_then_each_district_and_its_communes(registry):
    province = scope(registry, "46")
    assert (province.rows[0].tt, province.rows[0].bold) == ("", True)
    assert (province.rows[1].tt, province.rows[1].code) == ("1", "476")
    assert province.rows[2].tt == "1.1"
    without_districts = registry[registry["level"] != "district"].assign(
        parent_code=lambda f: f["parent_code"].where(f["level"] != "commune", "46")
    )
    direct = scope(without_districts, "46")
    assert [r.tt for r in direct.rows[:2]] == ["1", "1.1"] and len(direct.rows) == 17


def test_a_unit_the_registry_has_no_village_of_is_named_not_a_row_but_counted(registry):
    # a province after July 2025 holds communes whose villages the registry does not know yet
    extra = pd.DataFrame(
        [
            {"code": "19753", "level": "commune", "name": "Phường Thuận Hóa", "parent_code": "476"},
            {"code": "19880", "level": "commune", "name": "Xã Quảng Điền", "parent_code": "476"},
            {"code": "474", "level": "district", "name": "Thị xã Hương Trà", "parent_code": "46"},
            {"code": "19700", "level": "commune", "name": "Xã Hương Toàn", "parent_code": "474"},
        ]
    )
    units = pd.concat([registry, extra], ignore_index=True)
    district = scope(units, "476")
    assert {r.code for r in district.rows}.isdisjoint({"19753", "19880"})
    assert len(district.rows) == 17
    assert district.without_villages == ("Phường Thuận Hóa", "Xã Quảng Điền")
    assert (district.rows[0].parts, len(district.rows[0].children)) == (18, 16)
    assert scope(registry, "476").without_villages == ()
    assert scope(units, DIEN_HOA).without_villages == ()  # a commune's rows are villages
    # a district without any village is named too, and its province counts it
    province = scope(units, "46")
    assert "474" not in {r.code for r in province.rows}
    assert province.without_villages[0] == "Thị xã Hương Trà"
    assert province.rows[0].parts == 2 and province.rows[0].part_level == "district"


@pytest.mark.parametrize(
    ("parts", "listed", "words"),
    [
        (40, 5, "cộng 5/40 xã, phường có số liệu"),
        (40, 40, ""),
        (40, 0, "cộng 0/40 xã, phường có số liệu"),
    ],
)
def test_a_total_says_how_many_of_its_units_it_sums(registry, parts, listed, words):
    row = scope(registry, "476").rows[0]
    row = type(row)(**{**row.__dict__, "parts": parts})
    assert parts_words(row, listed) == words


def test_listed_parts_count_the_rows_under_each_row_with_a_list(district):
    counts = listed_parts(district, {VILLAGES[0], "19819-01"})
    assert counts[0] == 2 and all(c == 0 for c in counts[1:])


def ward_units() -> pd.DataFrame:
    """A ward of 2026 holding villages of three former communes, one of them its own code."""
    rows = [
        ("46", "province", "Thành phố Huế", None),
        ("19828", "commune", "Phường Phong Phú", "46"),
        *((f"19828-{i:02d}", "village", f"Thôn {i}", "19828") for i in (1, 2)),
        *((f"19834-{i:02d}", "village", f"Thôn {i}", "19828") for i in (1, 2, 10)),
        ("19843-01", "village", "Thôn 1", "19828"),
    ]
    return pd.DataFrame(rows, columns=["code", "level", "name", "parent_code"]).assign(area="urban")


def ward_history() -> pd.DataFrame:
    before = pd.DataFrame(
        [
            ("46", "province", "Tỉnh Thừa Thiên Huế", None, None, "2025-01-01"),
            ("476", "district", "Huyện Phong Điền", "46", None, "2025-07-01"),
            ("19828", "commune", "Xã Phong Phú", "476", None, "2025-07-01"),
            ("19834", "commune", "Xã Điền Hòa", "476", None, "2025-07-01"),
            ("19843", "commune", "Xã Điền Hải", "476", None, "2025-07-01"),
            *(
                (f"19828-{i:02d}", "village", f"Thôn {i}", "19828", None, "2025-07-01")
                for i in (1, 2)
            ),
            *(
                (f"19834-{i:02d}", "village", f"Thôn {i}", "19834", None, "2025-07-01")
                for i in (1, 2, 10)
            ),
            ("19843-01", "village", "Thôn 1", "19843", None, "2025-07-01"),
        ],
        columns=["code", "level", "name", "parent_code", "valid_from", "valid_to"],
    )
    after = ward_units().assign(valid_from="2025-07-01", valid_to=None)
    after.loc[after["code"] == "46", "valid_from"] = "2025-01-01"
    every = pd.concat([before, after], ignore_index=True).assign(area="urban")
    for column in ("valid_from", "valid_to"):
        every[column] = pd.to_datetime(every[column]).dt.date
    return every


def test_a_merged_wards_villages_name_their_former_commune_and_are_grouped_by_it():
    labels = village_labels(ward_units(), ward_history())
    assert labels["19834-01"] == "Thôn 1 (Điền Hòa cũ, mã 19834-01)"
    assert labels["19828-01"] == "Thôn 1 (Phong Phú cũ, mã 19828-01)"
    assert labels["19843-01"] == "Thôn 1 (Điền Hải cũ, mã 19843-01)"
    assert len(set(labels.values())) == len(labels)  # no two rows read alike
    ward = scope(ward_units(), "19828", ward_history())
    assert [r.code for r in ward.rows[1:]] == sorted(
        [r.code for r in ward.rows[1:]], key=village_order
    )
    assert [r.code for r in ward.rows[1:]] == [
        "19828-01",
        "19828-02",
        "19834-01",
        "19834-02",
        "19834-10",
        "19843-01",
    ]


def test_the_signer_is_the_unit_in_force_on_the_reports_day():
    history = ward_history()
    units_2024 = history[history["valid_from"].isna()].drop(columns=["valid_from", "valid_to"])
    day = dt.date(2026, 12, 2)
    # a commune merged away: the ward that holds its villages signs
    dien_hoa = scope(units_2024, "19834", history)
    assert signer(history, dien_hoa, day).name == "Phường Phong Phú"
    assert signer(history, dien_hoa, day).made_by == "Xã Điền Hòa (cũ)"
    # a district abolished: the province that holds its communes now
    district = scope(units_2024, "476", history)
    assert (signer(history, district, day).code, signer(history, district, day).name) == (
        "46",
        "Thành phố Huế",
    )
    # a unit renamed signs under its name of the day, and says what it was
    province = scope(units_2024, "46", history)
    assert signer(history, province, day).name == "Thành phố Huế"
    assert signer(history, province, day).made_by == "Tỉnh Thừa Thiên Huế (cũ)"
    # a unit in force signs itself; before the change, the old units sign
    ward = scope(ward_units(), "19828", history)
    assert signer(history, ward, day).name == "Phường Phong Phú"
    assert signer(history, ward, day).made_by == ""
    assert signer(history, dien_hoa, dt.date(2024, 12, 31)).name == "Xã Điền Hòa"
