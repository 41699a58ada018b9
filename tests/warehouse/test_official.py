"""`registry import` on the real official lists of the 2025 reorganisation, as published."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from giamngheo.errors import RegistryError
from giamngheo.transforms.registry import registry_at, registry_problems
from giamngheo.transforms.reorganisation import unassigned_villages
from giamngheo.warehouse.official import detect, import_file
from giamngheo.warehouse.registry import read_registry, sample_registry_path

REFERENCE = Path(__file__).parents[2] / "warehouse" / "reference" / "admin-2025"
UNITS = REFERENCE / "don-vi-2025-01-04.csv"
CHANGES = REFERENCE / "chuyen-doi-2025-07-01.csv"
PROVINCES = REFERENCE / "tinh-2025-07-01.csv"
COMMUNES = REFERENCE / "xa-2025-07-01.csv"
HUE_WARDS = {  # July 2025: the wards of Thành phố Huế that took Thị xã Phong Điền
    "19819": "Phường Phong Điền",
    "19828": "Phường Phong Phú",
    "19831": "Phường Phong Dinh",
    "19864": "Phường Phong Thái",  # 19858 in the old→new table: the commune list's code wins
    "19873": "Phường Phong Quảng",
}


@pytest.fixture(scope="module")
def national():
    """The bundled registry, then every official file in date order, each imported twice."""
    units = read_registry(sample_registry_path())
    steps = {}
    for path, day in (
        (UNITS, dt.date(2025, 1, 1)),
        (CHANGES, None),
        (PROVINCES, None),
        (COMMUNES, None),
    ):
        done = import_file(units, path, day)
        again = import_file(done.units, path, day)
        steps[path.name] = (done, again)
        units = done.units
    return units, steps


def test_each_file_is_recognised_by_its_content():
    import csv

    kinds = {}
    for path in (UNITS, CHANGES, PROVINCES, COMMUNES):
        with path.open(encoding="utf-8") as fh:
            kinds[path.name] = detect([r for r in csv.reader(fh) if any(r)][:50])
    assert kinds == {
        UNITS.name: "units",
        CHANGES.name: "changes",
        PROVINCES.name: "provinces",
        COMMUNES.name: "communes",
    }


def test_the_whole_national_files_load_and_a_second_import_changes_nothing(national):
    units, steps = national
    assert registry_problems(units) == []
    for name, (done, again) in steps.items():
        assert again.changed == 0, name
        assert again.units.equals(done.units), name
    assert steps[CHANGES.name][0].day == dt.date(2025, 7, 1)  # the reorganisation's default
    counts = {
        year: registry_at(units, year)["level"].value_counts().to_dict() for year in (2025, 2026)
    }
    # 2025-01-04: 63 provinces, 696 districts, 10,051 communes; from July: 34 and 3,321, no district
    assert {k: counts[2025][k] for k in ("province", "district", "commune")} == {
        "province": 63,
        "district": 696,
        "commune": 10051,
    }
    assert {k: counts[2026].get(k, 0) for k in ("province", "district", "commune")} == {
        "province": 34,
        "district": 0,
        "commune": 3321,
    }


def test_the_hue_rows_give_the_five_new_wards_and_their_old_units(national):
    units, _ = national
    now = registry_at(units, 2026).set_index("code")
    for code, name in HUE_WARDS.items():
        assert now.loc[code, "name"] == name and now.loc[code, "parent_code"] == "46"
        assert now.loc[code, "area"] == "urban"
    assert now.loc["46", "name"] == "Thành phố Huế"
    before = registry_at(units, 2024).set_index("code")
    assert before.loc["19834", "parent_code"] == "476"  # Điền Hòa, of Huyện Phong Điền
    assert before.loc["46", "name"] == "Tỉnh Thừa Thiên Huế"
    # Xã Phong Chương (19837), merged whole into Phong Dinh: its villages followed it, and
    # turned urban with their ward; in 2024 they are still Phong Chương's.
    village = "19837-01"
    assert before.loc[village, "parent_code"] == "19837"
    assert (now.loc[village, "parent_code"], now.loc[village, "area"]) == ("19831", "urban")
    # Phong Sơn (19864 before July) went into Phong Thái, which took its code.
    assert now.loc["19864-01", "parent_code"] == "19864"


def test_villages_of_a_commune_no_list_names_wait_for_an_assignment(national, tmp_path):
    units, _ = national
    waiting = unassigned_villages(units)
    # Điền Hòa (19834) and three more communes of the sample ended on 1 January 2025, when
    # they were merged: the official lists do not say into which commune their villages went.
    assert sorted(set(waiting["last_commune"])) == ["19822", "19834", "19840", "19849"]
    assert set(waiting["ended"]) == {dt.date(2025, 1, 1)}
    assignment = tmp_path / "gan_thon.csv"
    rows = [f"{code},19828" for code in waiting.loc[waiting["last_commune"] == "19834", "code"]]
    assignment.write_text("code,new_parent\n" + "\n".join(rows) + "\n", encoding="utf-8")
    done = import_file(units, assignment)
    assert import_file(done.units, assignment).changed == 0
    assert "19834" not in set(unassigned_villages(done.units)["last_commune"])
    for year, parent in ((2024, "19834"), (2025, "19828"), (2026, "19828")):
        at = registry_at(done.units, year).set_index("code")
        assert at.loc["19834-01", "parent_code"] == parent, year
    assert registry_at(done.units, 2026).set_index("code").loc["19828", "name"] == (
        "Phường Phong Phú"
    )


def test_an_assignment_follows_its_commune_through_a_later_merge(national, tmp_path):
    units, _ = national
    # Xã Điền Hương (19822) went into Xã Phong Thạnh (19825) in January 2025, which went whole
    # into Phường Phong Phú (19828) in July: the village assigned to Phong Thạnh follows it.
    # A village assigned to a commune whose villages the registry does not know (Xã Quảng Công,
    # merged whole into Phong Quảng in July) cannot be followed: it waits again from that day.
    assignment = tmp_path / "gan_thon.csv"
    assignment.write_text("code,new_parent\n19822-01,19825\n19822-02,19879\n", encoding="utf-8")
    done = import_file(units, assignment)
    assert import_file(done.units, assignment).changed == 0
    for year, parent in ((2024, "19822"), (2025, "19825"), (2026, "19828")):
        at = registry_at(done.units, year).set_index("code")
        assert at.loc["19822-01", "parent_code"] == parent, year
    assert registry_problems(done.units) == []
    assert registry_at(done.units, 2025).set_index("code").loc["19822-02", "parent_code"] == "19879"
    waiting = unassigned_villages(done.units).set_index("code")
    assert "19822-01" not in waiting.index
    assert (waiting.loc["19822-02", "last_commune"], waiting.loc["19822-02", "ended"]) == (
        "19879",
        dt.date(2025, 7, 1),
    )


def test_a_file_of_another_kind_is_refused_naming_what_was_expected(tmp_path):
    other = tmp_path / "bang.csv"
    other.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="bảng chuyển đổi xã cũ"):
        import_file(read_registry(sample_registry_path()), other)


def test_an_assignment_to_no_such_village_is_refused(tmp_path):
    assignment = tmp_path / "gan.csv"
    assignment.write_text("code,new_parent\n99999-01,19828\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="99999-01"):
        import_file(read_registry(sample_registry_path()), assignment, dt.date(2025, 7, 1))


def test_the_project_csv_with_periods(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "code,level,name,parent_code,area,valid_from,valid_to\n"
        "46,province,Tỉnh Thừa Thiên Huế,,,,2025-01-01\n"
        "46,province,Thành phố Huế,,,2025-01-01,\n",
        encoding="utf-8",
    )
    done = import_file(pd.DataFrame(columns=["code", "level", "name", "parent_code", "area"]), path)
    names = {
        y: registry_at(done.units, y).set_index("code").loc["46", "name"] for y in (2024, 2026)
    }
    assert names == {2024: "Tỉnh Thừa Thiên Huế", 2026: "Thành phố Huế"}


def _placed(units, metadata: dict):
    """How the batch places a list with this metadata: (village, findings' codes, details)."""
    from giamngheo.transforms import batch
    from giamngheo.transforms.assemble import assemble
    from giamngheo.transforms.checks import run_checks
    from giamngheo.transforms.submission import HOUSEHOLDS, Submission

    sub = Submission("a" * 16, "x.xlsx", HOUSEHOLDS, metadata=metadata, sheet="Danh sách hộ")
    assembled = assemble([sub], units)
    found = [
        f
        for f in run_checks(assembled.check_input(batch.Reference(units)))
        if f.code.startswith("VR-") and f.code not in ("VR-MISSING", "VR-TOO-MANY")
    ]
    return assembled.reports["village_code"].iloc[0], found


def test_a_list_naming_its_old_commune_is_placed_with_a_warning(national, tmp_path):
    units, _ = national
    assignment = tmp_path / "gan.csv"
    codes = [f"19834-{i:02d}" for i in range(1, 12)]
    assignment.write_text("code,new_parent\n" + "".join(f"{c},19828\n" for c in codes))
    units = import_file(units, assignment).units
    meta = {"commune_name": "Xã Điền Hòa", "village_name": "Thôn 3", "total_households": 100}
    village, found = _placed(units, {**meta, "year": 2026})
    assert village == "19834-03"
    [warning] = found
    assert warning.code == "VR-OLD-COMMUNE"
    assert dict(warning.details)["now"] == "Phường Phong Phú (19828)"
    assert _placed(units, {**meta, "year": 2024}) == ("19834-03", [])
    # a commune that holds in no period up to the list's year is an error
    village, found = _placed(units, {**meta, "commune_code": "19873", "year": 2024})
    assert [f.code for f in found][:1] == ["VR-UNKNOWN-COMMUNE"]


def test_the_command_imports_reports_and_refuses_in_one_line(tmp_path):
    from tests.conftest import invoke

    home = tmp_path / "home"
    assert invoke(home, "registry", "load", str(sample_registry_path())).exit_code == 0
    done = invoke(home, "registry", "import", str(CHANGES))
    assert done.exit_code == 0, done.output
    assert "từ (from) 2025-07-01" in done.output and "26 thôn chưa có xã mới" in done.output
    again = invoke(home, "registry", "import", str(CHANGES))
    assert "0 thay đổi (changes)" in again.output
    bad = tmp_path / "gan.csv"
    bad.write_text("code,new_parent\n99999-01,19828\n", encoding="utf-8")
    refused = invoke(home, "registry", "import", str(bad))
    assert refused.exit_code == 2 and "99999-01" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    dated = invoke(home, "registry", "import", str(CHANGES), "--valid-from", "2025-13-01")
    assert dated.exit_code == 2
