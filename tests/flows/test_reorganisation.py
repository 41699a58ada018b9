"""Lists on both sides of the 2025 reorganisation: 2024 made by Xã Điền Hòa of Huyện Phong
Điền, 2026 by the wards of Thành phố Huế that took its villages (the official old→new table,
then an assignment file for the commune it does not name; one village left unassigned)."""

import pandas as pd
import pytest

from giamngheo.flows.admin import import_registry, load_registry
from giamngheo.flows.nightly import run_nightly
from giamngheo.flows.reporting import write_unit_report
from giamngheo.transforms.registry import registry_at
from giamngheo.transforms.synthetic import DIEN_HOA, sample_lists
from giamngheo.warehouse.report_frames import year_frames
from giamngheo.warehouse.store import Warehouse
from giamngheo.workbooks.reader import read_submission
from giamngheo.workbooks.template import write_village_workbook
from tests.conftest import invoke
from tests.warehouse.test_official import CHANGES

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

# Điền Hòa's villages after July 2025 (illustrative: the official table does not name Điền
# Hòa, which was merged in January 2025): 1–6 to Phường Phong Phú, 7–10 to Phường Phong
# Quảng, Thôn 11 not yet assigned.
WARD_OF = {**{f"19834-{i:02d}": "19828" for i in range(1, 7)}}
WARD_OF |= {f"19834-{i:02d}": "19873" for i in range(7, 11)}


@pytest.fixture
def reorganised(settings, registry, tmp_path):
    load_registry(settings, registry)
    import_registry(settings, CHANGES)
    assignment = tmp_path / "gan_thon.csv"
    lines = [f"{village},{ward}" for village, ward in WARD_OF.items()]
    assignment.write_text("code,new_parent\n" + "\n".join(lines) + "\n", encoding="utf-8")
    import_registry(settings, assignment)
    units = registry[
        (registry["code"] == DIEN_HOA)
        | (registry["parent_code"] == DIEN_HOA)
        | registry["level"].isin(["province", "district"])
    ].reset_index(drop=True)
    lists = sample_lists(units, years=(2024, 2026), seed=7)
    for v in lists:
        meta = dict(v.metadata)
        if meta["year"] == 2026 and meta["village_code"] in WARD_OF:
            meta["commune_code"] = WARD_OF[meta["village_code"]]
        path = settings.inbox / str(meta["year"]) / f"{meta['village_code']}.xlsx"
        write_village_workbook(path, meta, v.households)
    summary = run_nightly(settings, runner="thread")
    assert (summary.loaded, summary.rejected) == (22, 0), summary.rejected_files[:3]
    return settings


def test_both_sides_of_the_reorganisation(reorganised):
    with Warehouse(reorganised.published_path, read_only=True) as wh:
        villages = wh.sql("select * from village_poverty")
        communes = wh.sql("select * from commune_poverty order by year, commune_code")
        districts = wh.sql("select district_code, year from district_poverty")
        provinces = wh.sql("select province_code, province_name, year from province_poverty")
        today = wh.sql("select * from commune_poverty_current_units order by year, commune_code")
        units = wh.admin_units()
    # The same households, counted once per year.
    for year in (2024, 2026):
        listed = int(villages.loc[villages["year"] == year, "total_households"].sum())
        assert int(today.loc[today["year"] == year, "total_households"].sum()) == listed
    # Each year on its own hierarchy: 2024 in the district, 2026 directly in the province.
    by_year = {y: sorted(g["commune_code"].dropna()) for y, g in communes.groupby("year")}
    assert by_year == {2024: ["19834"], 2026: ["19828", "19873"]}
    assert set(communes.loc[communes["year"] == 2026, "district_code"].dropna()) == set()
    assert districts.values.tolist() == [["476", 2024]]
    assert sorted(map(tuple, provinces.values.tolist())) == [
        ("46", "Thành phố Huế", 2026),
        ("46", "Tỉnh Thừa Thiên Huế", 2024),
    ]
    # 2024 on today's communes: each ward's figures are the sums of its old parts.
    v2024 = villages[villages["year"] == 2024].set_index("village_code")
    for ward in ("19828", "19873"):
        parts = [v for v, w in WARD_OF.items() if w == ward]
        row = today[(today["year"] == 2024) & (today["commune_code"] == ward)].iloc[0]
        assert sorted(row["village_codes"]) == parts
        for measure in ("total_households", "poor_households", "near_poor_households"):
            assert row[measure] == v2024.loc[parts, measure].sum()
    # The village left unassigned is reported in a row of its own, not lost.
    lost = today[today["commune_code"].isna()]
    assert sorted(lost["year"]) == [2024, 2026]
    assert all(list(codes) == ["19834-11"] for codes in lost["village_codes"])
    assert registry_at(units, 2026).set_index("code").loc["19828", "parent_code"] == "46"


def test_the_2026_province_report_has_one_row_per_new_commune_and_no_district(reorganised):
    out = reorganised.reports
    with Warehouse(reorganised.warehouse_path, read_only=True) as wh:
        path = write_unit_report(wh, "46", 2026, out)
        tables = year_frames(wh, 2024, current_units=True)
        on_today = write_unit_report(wh, "46", 2024, out, tables)
        old = write_unit_report(wh, "476", 2024, out)
    sheet = pd.read_excel(path, sheet_name="Tổng hợp", header=None, dtype=str)
    text = " ".join(sheet.fillna("").to_numpy().ravel())
    assert "Phường Phong Phú" in text and "Phường Phong Quảng" in text
    assert "Huyện" not in text
    # the unassigned village's list is named under the table, not silently left out
    assert "Thôn 11 (19834-11), trước thuộc Xã Điền Hòa" in text
    assert on_today.name == "bao_cao_46_2024_don_vi_hien_nay.xlsx"
    today_text = " ".join(
        pd.read_excel(on_today, sheet_name="Tổng hợp", header=None, dtype=str)
        .fillna("")
        .to_numpy()
        .ravel()
    )
    assert "Phường Phong Phú" in today_text and "Huyện Phong Điền" not in today_text
    assert "tính theo đơn vị hành chính hiện nay" in today_text
    assert "Thôn 11 (19834-11)" in today_text
    assert old.name == "bao_cao_476_2024.xlsx"
    # Chất lượng dữ liệu names the unassigned village and its list's warning; the 2024 report
    # on the units of 2024, where Thôn 11 still belonged to Điền Hòa, does not.
    quality = {
        p.name: " ".join(
            pd.read_excel(p, sheet_name="Chất lượng dữ liệu", header=None, dtype=str)
            .fillna("")
            .to_numpy()
            .ravel()
        )
        for p in (path, on_today, old)
    }
    waiting = "Thôn 11 (19834-11) của Xã Điền Hòa chưa thuộc xã nào từ ngày 01/07/2025"
    assert waiting in quality[path.name] and waiting in quality[on_today.name]
    assert "chưa thuộc xã nào" not in quality[old.name]
    assert "chưa thuộc xã nào: xã cũ của thôn đã sáp nhập" in quality[path.name]
    # The officer's commands: the registry's unassigned village is shown by status.
    shown = invoke(reorganised.home, "status").output
    assert "19834-11" in shown and "chưa có xã mới" in shown


def test_templates_for_the_2027_lists_come_from_the_new_wards(reorganised, tmp_path):
    out = str(tmp_path / "mau")
    gone = invoke(
        reorganised.home, "template", "--commune", DIEN_HOA, "--year", "2027", "--out", out
    )
    assert gone.exit_code == 2
    assert "Xã Điền Hòa (19834) không còn từ ngày 01/07/2025" in gone.output
    made = invoke(
        reorganised.home, "template", "--commune", "19873", "--year", "2027", "--out", out
    )
    assert made.exit_code == 0, made.output
    written = sorted(p.name for p in (tmp_path / "mau").iterdir())
    # Điền Hòa's villages 7–10 with Phong Hải's (merged whole); Thôn 11, unassigned, is not
    assert {f"19834-{i:02d}_2027.xlsx" for i in range(7, 11)} <= set(written)
    assert "19843-01_2027.xlsx" in written and "19834-11_2027.xlsx" not in written
    meta = read_submission(tmp_path / "mau" / "19834-07_2027.xlsx", "t").metadata
    assert (meta["province_code"], meta.get("district_code")) == ("46", None)
    assert (meta["commune_code"], meta["commune_name"]) == ("19873", "Phường Phong Quảng")
