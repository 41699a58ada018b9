"""The 2027 lists end to end, as an officer runs them: a province's own standard imported
before the lists arrive classes them a second time, in the views and in the province's
report; the decree's official text imported later classes them again on `ingest --force`,
which says how many households changed class."""

import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from giamngheo.transforms.columns import DEPRIVATIONS
from giamngheo.transforms.synthetic import sample_lists
from giamngheo.warehouse.registry import sample_registry_path
from giamngheo.warehouse.store import Warehouse
from giamngheo.workbooks.template import write_village_workbook
from tests.conftest import invoke
from tests.flows.printing import check_workbook, needs_tools
from tests.flows.test_validation import under_the_2027_lines
from tests.transforms.test_standards import PROVINCE
from tests.warehouse.test_standards import OFFICIAL

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]
PROVISIONAL = "tạm theo thông tin công bố"


def under_the_province(households: pd.DataFrame, area: str) -> list[object]:
    """The class under the province's standard of the test (PROVINCE): 30 M đồng a year
    (2.5 M a month) in both areas, and a near-poor line of 36 M (3 M a month) in rural ones;
    deprivations counted on the national set."""
    line, near = {"rural": (2500, 3000), "urban": (3000, None)}[area]
    out = []
    for income, deprived in zip(households["income_kvnd"], households[DEPRIVATIONS], strict=True):
        if income <= line:
            out.append("poor" if len(deprived) >= 3 else "near_poor")
        else:
            out.append("near_poor" if near is not None and income <= near else None)
    return out


def ingest(home: Path, *args: str) -> dict:
    os.environ["GIAMNGHEO_SETTLE_SECONDS"] = "0"
    try:
        result = invoke(home, "ingest", "--runner", "thread", "--json", *args)
    finally:
        del os.environ["GIAMNGHEO_SETTLE_SECONDS"]
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def lists(dien_hoa_registry):
    return sample_lists(dien_hoa_registry, years=(2026, 2027), seed=2027)


@pytest.fixture(scope="module")
def home(tmp_path_factory, lists, prefect_harness):
    home = tmp_path_factory.mktemp("standards") / "home"
    for v in lists:
        m = v.metadata
        write_village_workbook(
            home / "inbox" / f"{m['village_code']}_{m['year']}.xlsx", m, v.households
        )
    assert invoke(home, "registry", "load", str(sample_registry_path())).exit_code == 0
    standard = home.parent / "tinh-46.toml"
    standard.write_text(PROVINCE, encoding="utf-8")
    imported = invoke(home, "standards", "import", str(standard))
    assert imported.exit_code == 0 and "Đã nhập chuẩn" in imported.output
    assert ingest(home)["loaded"] == len(lists)
    return home


def expected(lists, year: int, rule) -> dict[str, dict[str, int]]:
    """Per village, the households of each class by `rule`, counted from the lists sent."""
    out = {}
    for v in lists:
        if v.metadata["year"] == year:
            classes = rule(v.households, v.metadata["area"])
            out[v.metadata["village_code"]] = {c: classes.count(c) for c in ("poor", "near_poor")}
    return out


def test_the_2027_lists_are_classed_under_the_decree_and_the_province(home, lists):
    with Warehouse(home / "published" / "current.duckdb", read_only=True) as wh:
        villages = wh.sql("select * from village_poverty where year = 2027").set_index(
            "village_code"
        )
        communes = wh.sql("select * from commune_poverty where year = 2027")
        before = wh.sql("select * from village_poverty where year = 2026")
    national = expected(lists, 2027, under_the_2027_lines)
    local = expected(lists, 2027, under_the_province)
    assert sorted(villages.index) == sorted(national)
    for code, row in villages.iterrows():
        assert (row.poor_households, row.near_poor_households) == tuple(national[code].values())
        assert (row.local_poor_households, row.local_near_poor_households) == tuple(
            local[code].values()
        )
        assert pd.isna(row.average_households)  # not published: blank, never 0
    assert set(villages["standard_id"]) == {"nd-351-2025"}
    assert set(villages["local_standard_id"]) == {"tinh-46"}
    assert int(communes["local_poor_households"].iloc[0]) == sum(v["poor"] for v in local.values())
    # 2026 is under 07/2021 and before the province's standard: one class, the average known
    assert (
        before["local_poor_households"].isna().all() and before["average_households"].notna().all()
    )
    assert sum(v["poor"] for v in local.values()) > sum(v["poor"] for v in national.values())


def summary_rows(ws) -> dict[str, list]:
    return {
        row[1]: list(row)
        for row in ws.iter_rows(values_only=True)
        if isinstance(row[0], str) and re.fullmatch(r"\d+", row[0]) and isinstance(row[1], str)
    }


def test_the_province_report_shows_both_classes_and_says_the_standard_is_provisional(home, lists):
    result = invoke(home, "report", "--year", "2027", "--unit", "46")
    assert result.exit_code == 0, result.output
    wb = load_workbook(home / "reports" / "bao_cao_46_2027.xlsx")
    ws = wb["Tổng hợp"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("Theo chuẩn nghèo của tỉnh (Nghị quyết của HĐND tỉnh)") for t in texts)
    [row] = summary_rows(ws).values()  # one commune: Điền Hòa
    local = expected(lists, 2027, under_the_province)
    national = expected(lists, 2027, under_the_2027_lines)
    assert row[16] == sum(v["poor"] for v in local.values())
    assert row[18] == sum(v["near_poor"] for v in local.values())
    assert row[4] == sum(v["poor"] for v in national.values())
    assert row[8] is None and row[9] is None  # the average band: blank, with a note
    assert any("mức sống trung bình" in t and "chưa" in t for t in texts)
    for sheet in wb.worksheets:
        words = " ".join(c.value for r in sheet.iter_rows() for c in r if isinstance(c.value, str))
        assert PROVISIONAL in words, sheet.title
    deprivation = " ".join(
        c.value for r in wb["Thiếu hụt hộ nghèo"].iter_rows() for c in r if isinstance(c.value, str)
    )
    assert "Xử lý rác thải sinh hoạt" in deprivation
    assert "Phương tiện phục vụ tiếp cận thông tin" not in deprivation


@needs_tools
def test_the_2027_report_prints_readably(home, tmp_path):
    report = home / "reports" / "bao_cao_46_2027.xlsx"
    if not report.exists():
        assert invoke(home, "report", "--year", "2027", "--unit", "46").exit_code == 0
    assert check_workbook(report, tmp_path) == []


def test_the_official_text_classes_the_lists_again_and_says_how_many_changed(home, lists):
    official = home.parent / "nd-351-2025-chinh-thuc.toml"
    official.write_text(OFFICIAL, encoding="utf-8")  # publishes the rural average band
    imported = invoke(home, "standards", "import", str(official))
    assert imported.exit_code == 0, imported.output
    assert "11 danh sách thôn" in imported.output and "ingest --force" in imported.output
    again = invoke(home, "standards", "import", str(official))
    assert "Chuẩn không đổi" in again.output
    # the households above the rural line had no class; now the band is published they do
    above = sum(
        int((v.households["income_kvnd"] > 2200).sum())
        for v in lists
        if v.metadata["year"] == 2027 and v.metadata["area"] == "rural"
    )
    assert above > 0
    summary = ingest(home, "--force")
    assert summary["reclassified"] == above
    assert summary["rejected"] == 0
    assert invoke(home, "report", "--year", "2027", "--unit", "46").exit_code == 0
    wb = load_workbook(home / "reports" / "bao_cao_46_2027.xlsx")
    for sheet in wb.worksheets:
        words = " ".join(c.value for r in sheet.iter_rows() for c in r if isinstance(c.value, str))
        assert PROVISIONAL not in words, sheet.title
    [row] = summary_rows(wb["Tổng hợp"]).values()
    assert row[8] is not None  # the average band counted
    shown = invoke(home, "standards", "--year", "2027", "--json")
    [national, provincial] = json.loads(shown.output)
    assert (national["standard_id"], national["provisional"]) == ("nd-351-2025", False)
    assert national["source"] == official.name and provincial["province_code"] == "46"
