"""Nothing a village does or does not send stops reporting: a missing list in a planned
commune, a rejected list, a plan naming a village the registry lacks, a plan without targets,
a year with one village. One inbox holds every case; ingest and report run end to end, as the
nightly schedule and an officer run them, and never fail (exit 0 or 3)."""

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from giamngheo.flows.admin import load_registry
from giamngheo.flows.nightly import run_nightly
from giamngheo.flows.reporting import write_unit_reports
from giamngheo.flows.settings import Settings
from giamngheo.transforms.synthetic import (
    DIEN_HOA,
    DIEN_HOA_PLAN_2024,
    DIEN_HOA_POOR_2024,
    sample_lists,
)
from giamngheo.warehouse.registry import sample_registry_path
from giamngheo.warehouse.store import Warehouse
from giamngheo.workbooks.template import write_plan_workbook, write_village_workbook
from tests.conftest import invoke

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]
SEED_PLAN = Path(__file__).parents[1] / "data" / "ke_hoach_dien_hoa_2024.xlsx"
TOWN = "19819"  # Thị trấn Phong Điền: lists of 2025 and a plan that sets no target
LATE = "19834-03"  # Điền Hòa's Thôn 3 sends no 2024 list
REFUSED = "19834-05"  # Thôn 5's 2025 list is rejected


def texts(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def rows_of(ws, columns: int) -> dict[str, list]:
    """The body rows of a form by their unit's name (a total's "(cộng …)" left off)."""
    out = {}
    for row in ws.iter_rows(values_only=True):
        tt, name = row[0], row[1]
        if isinstance(tt, str) and re.fullmatch(r"\d+(\.\d+)?", tt) and isinstance(name, str):
            out[re.sub(r" \(cộng [^)]*\)$", "", name)] = list(row[:columns])
    return out


@pytest.fixture(scope="module")
def gaps(tmp_path_factory, registry, prefect_harness):
    """Every case in one inbox, ingested once by the command line, then `report` per year."""
    home = tmp_path_factory.mktemp("gaps") / "home"
    inbox = home / "inbox"
    keep = (
        registry["code"].isin([DIEN_HOA, TOWN])
        | registry["parent_code"].isin([DIEN_HOA, TOWN])
        | registry["level"].isin(["province", "district"])
    )
    lists = sample_lists(registry[keep].reset_index(drop=True), years=(2024, 2025, 2026), seed=9)
    for v in lists:
        m = v.metadata
        code, year = m["village_code"], m["year"]
        if (code, year) == (LATE, 2024) or (year == 2026 and code != f"{DIEN_HOA}-01"):
            continue  # Thôn 3 is late; 2026 has one village only
        if code.startswith(TOWN) and year != 2025:
            continue
        households = v.households.copy().astype(object)
        if (code, year) == (REFUSED, 2025):
            households.at[0, "members"] = 40  # HH-MEMBERS: the list is rejected
        path = inbox / str(year) / f"{code}.xlsx"
        write_village_workbook(path, m, households)
    shutil.copy(SEED_PLAN, inbox / "2024" / "ke_hoach_dien_hoa.xlsx")
    unknown = [
        {
            "unit_name": f"Thôn {i}",
            "poor_households": p,
            "poor_rate_pct": None,
            "target_households": 1,
            "target_rate_pct": None,
        }
        for i, p in enumerate(DIEN_HOA_POOR_2024, start=1)
    ] + [
        {
            "unit_name": "Thôn 12",
            "poor_households": 1,
            "poor_rate_pct": None,
            "target_households": 1,
            "target_rate_pct": None,
        }
    ]
    write_plan_workbook(
        inbox / "2025" / "ke_hoach_dien_hoa_2025.xlsx",
        "Xã Điền Hòa",
        2025,
        unknown,
        {**DIEN_HOA_PLAN_2024["total"], "poor_rate_pct": None, "target_rate_pct": None},
    )
    town = [
        {
            "unit_name": f"Tổ dân phố {i}",
            "poor_households": None,
            "poor_rate_pct": None,
            "target_households": None,
            "target_rate_pct": None,
        }
        for i in range(1, 9)
    ]
    write_plan_workbook(
        inbox / "2025" / "ke_hoach_phong_dien.xlsx",
        "Thị trấn Phong Điền",
        2025,
        town,
        {
            "poor_households": None,
            "poor_rate_pct": None,
            "target_households": None,
            "target_rate_pct": None,
        },
    )
    assert invoke(home, "registry", "load", str(sample_registry_path())).exit_code == 0
    os.environ["GIAMNGHEO_SETTLE_SECONDS"] = "0"
    try:
        ingest = invoke(home, "ingest", "--runner", "thread", "--json")
    finally:
        del os.environ["GIAMNGHEO_SETTLE_SECONDS"]
    summary = json.loads(ingest.output)
    reports = {
        year: invoke(home, "report", "--year", str(year), "--out", str(home / "out"))
        for year in (2024, 2025, 2026)
    }
    yield home, ingest, summary, reports
    shutil.rmtree(home, ignore_errors=True)


def test_ingest_and_report_never_fail_on_what_villages_send(gaps):
    home, ingest, summary, reports = gaps
    assert ingest.exit_code == 3, ingest.output  # rejected files, never a failure
    assert summary["report_failures"] == []
    assert sorted(Path(p).name for p in summary["reports"]) == [
        "bao_cao_476_2024.xlsx",
        "bao_cao_476_2025.xlsx",
        "bao_cao_476_2026.xlsx",
    ]
    for year, result in reports.items():
        assert result.exit_code == 0, (year, result.output)
        assert (home / "out" / f"bao_cao_476_{year}.xlsx").exists()
    rejected = {r["file"].split("/")[-1]: r for r in summary["rejected_files"]}
    assert set(rejected) == {f"{REFUSED}.xlsx", "ke_hoach_dien_hoa_2025.xlsx"}


def test_a_late_village_of_a_planned_commune_is_blank_and_named(gaps):
    home = gaps[0]
    wb = load_workbook(home / "reports" / "bao_cao_476_2024.xlsx")
    sheet = rows_of(wb["Xã Điền Hòa"], 11)
    thon3 = sheet["Thôn 3 (mã 19834-03)"]
    assert thon3[2] is None and thon3[3] is None  # its computed cells are blank, not 0
    assert thon3[6:8] == [3, 2.61]  # what the plan wrote stays beside them
    assert thon3[10] == "Chưa có danh sách năm 2024: không đối chiếu được với kế hoạch"
    total = next(r for r in wb["Xã Điền Hòa"].iter_rows(values_only=True) if r[1] == "Tổng cộng")
    assert total[10].startswith("Chỉ cộng 10/11 thôn có danh sách năm 2024")
    quality = texts(wb["Chất lượng dữ liệu"])
    assert any("chưa nộp: Thôn 3 (mã 19834-03)" in t for t in quality)
    assert any("Xã Điền Hòa (10/11 thôn)" in t for t in texts(wb["Tổng hợp"]))


def test_a_rejected_list_is_listed_and_counted_and_the_rest_reported(gaps):
    home = gaps[0]
    wb = load_workbook(home / "reports" / "bao_cao_476_2025.xlsx")
    quality = wb["Chất lượng dữ liệu"]
    completeness = rows_of(quality, 14)
    dien_hoa = completeness["Xã Điền Hòa"]
    assert dien_hoa[6:9] == [10, 1, 0]  # submitted, rejected, missing
    assert "bị từ chối: Thôn 5 (mã 19834-05)" in dien_hoa[12]
    listed = [r for r in quality.iter_rows(values_only=True) if r[7] in ("Lỗi", "Cảnh báo")]
    errors = [r for r in listed if r[7] == "Lỗi"]
    assert any(str(r[2]).endswith(f"{REFUSED}.xlsx") for r in errors)
    # every counter equals the list beneath it
    head = next(iter(completeness.values()))
    assert head[10] == len(errors) and head[11] == len(listed) - len(errors)
    summary = rows_of(wb["Tổng hợp"], 16)
    assert summary["Xã Điền Hòa"][2] is not None


def test_a_plan_naming_a_village_the_registry_lacks_is_refused_at_its_cell(gaps):
    home = gaps[0]
    issues = json.loads(invoke(home, "issues", "--json").output)
    unknown = [i for i in issues if i["code"] == "PLAN-UNKNOWN-VILLAGE"]
    assert len(unknown) == 1 and unknown[0]["value"] == "Thôn 12" and unknown[0]["cell"]
    wb = load_workbook(home / "reports" / "bao_cao_476_2025.xlsx")
    assert any("Thôn 12" in t for t in texts(wb["Chất lượng dữ liệu"]))
    assert any("ke_hoach_dien_hoa_2025.xlsx" in t for t in texts(wb["Nguồn"]))


def test_a_plan_without_targets_gives_no_verdict(gaps):
    home = gaps[0]
    wb = load_workbook(home / "reports" / "bao_cao_476_2025.xlsx")
    town = rows_of(wb["Chỉ tiêu & thực hiện"], 8)["Thị trấn Phong Điền"]
    assert town[3] is None and town[4] is None  # no target, not 0 / 0,00
    assert town[6] == "Chưa giao chỉ tiêu"
    for name, row in rows_of(wb["Chỉ tiêu & thực hiện"], 8).items():
        if row[3] is None:
            assert row[6] not in ("Đạt", "Không đạt"), name  # no verdict where no target
    sheet = wb["Thị trấn Phong Điền"]
    for row in sheet.iter_rows(values_only=True):
        if isinstance(row[0], str) and row[0].isdigit():
            assert row[4] is None and row[5] is None


def test_a_year_with_one_village_is_reported_and_says_what_it_covers(gaps):
    home = gaps[0]
    wb = load_workbook(home / "reports" / "bao_cao_476_2026.xlsx")
    summary = rows_of(wb["Tổng hợp"], 16)
    assert summary["Xã Điền Hòa"][2] is not None and summary["Xã Điền Hòa"][2] > 0
    head = next(r for r in wb["Tổng hợp"].iter_rows(values_only=True) if r[0] == "1")
    assert head[1] == "Huyện Phong Điền (cộng 1/16 xã, phường có số liệu)"
    dynamics = texts(wb["Diễn biến hộ nghèo"])
    assert any("Chỉ gồm 1/" in t for t in dynamics)  # one village with both years' lists


def test_a_report_that_fails_is_recorded_and_the_others_are_written(
    settings, registry, dien_hoa_inbox, monkeypatch
):
    from giamngheo.flows import reporting

    real = reporting.write_report

    def failing(path, data):
        if data.year == 2025:
            raise RuntimeError("disk full")
        return real(path, data)

    monkeypatch.setattr(reporting, "write_report", failing)
    load_registry(settings, registry)
    summary = run_nightly(settings, runner="thread")
    assert summary.loaded == 22 and summary.exit_code == 1
    assert [Path(p).name for p in summary.reports] == ["bao_cao_476_2024.xlsx"]
    assert summary.report_failures == [
        {"year": 2025, "unit": "476", "error": "RuntimeError: disk full"}
    ]
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        owed = wh.pending_work()
    assert owed[["kind", "unit_code", "year"]].values.tolist() == [["report", "476", 2025]]
    monkeypatch.setattr(reporting, "write_report", real)
    again = run_nightly(settings, runner="thread")  # the next night writes what is owed
    assert [Path(p).name for p in again.reports] == ["bao_cao_476_2025.xlsx"]
    assert again.report_failures == [] and again.exit_code == 0


def test_one_units_failure_does_not_stop_the_next_units_report(gaps, tmp_path, monkeypatch):
    from giamngheo.flows import reporting

    real = reporting.report_data

    def failing(t, sc, today):
        if sc.code == DIEN_HOA:
            raise KeyError("a bug")
        return real(t, sc, today)

    monkeypatch.setattr(reporting, "report_data", failing)
    settings = Settings.load(gaps[0])
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        outcomes = write_unit_reports(wh, [(2024, DIEN_HOA), (2024, "476")], tmp_path)
    assert [(o.unit, o.path is not None, o.error) for o in outcomes] == [
        (DIEN_HOA, False, "KeyError: 'a bug'"),
        ("476", True, ""),
    ]
