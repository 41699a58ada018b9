"""The district report, end to end: golden figures, every sheet read back, LibreOffice opens it."""

import csv
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from giamngheo.flows.nightly import load_registry, run_nightly
from giamngheo.flows.reporting import write_unit_report
from giamngheo.warehouse.store import Warehouse

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]
SEED_PLAN = Path(__file__).parents[1] / "data" / "ke_hoach_dien_hoa_2024.xlsx"


@pytest.fixture
def report_home(settings, registry, dien_hoa_inbox):
    shutil.copy(SEED_PLAN, dien_hoa_inbox / "19834" / "ke_hoach.xlsx")
    renamed = registry.copy()
    renamed.loc[renamed["code"] == "19819-01", "name"] = '=HYPERLINK("http://x","Tổ 1")'
    load_registry(settings, renamed)
    summary = run_nightly(settings, runner="thread")
    assert summary.loaded == 23
    return settings


def sheet_rows(ws) -> dict[str, list]:
    return {
        str(ws.cell(r, 2).value): [ws.cell(r, c).value for c in range(1, ws.max_column + 1)]
        for r in range(1, ws.max_row + 1)
        if ws.cell(r, 2).value is not None
    }


def test_dien_hoa_sheet_reproduces_the_seed_with_correct_target_rates(report_home):
    path = report_home.reports / "bao_cao_476_2024.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames[:2] == ["Tổng hợp", "Thị trấn Phong Điền"]
    assert {
        "Diễn biến hộ nghèo",
        "Diễn biến hộ cận nghèo",
        "Thiếu hụt",
        "Thiếu hụt (%)",
        "Chỉ tiêu & thực hiện",
        "Chất lượng dữ liệu",
        "Nguồn",
    } <= set(wb.sheetnames)
    rows = sheet_rows(wb["Xã Điền Hòa"])
    expected = {
        "Thôn 1": (3, 2.22, 1, 0.74),
        "Thôn 2": (1, 0.85, 0, 0),
        "Thôn 3": (3, 2.61, 1, 0.87),
        "Thôn 4": (1, 0.79, 0, 0),
        "Thôn 5": (2, 1.47, 0, 0),
        "Thôn 6": (2, 1.39, 1, 0.69),
        "Thôn 7": (1, 0.63, 1, 0.63),
        "Thôn 8": (0, 0, 0, 0),
        "Thôn 9": (0, 0, 0, 0),
        "Thôn 10": (0, 0, 0, 0),
        "Thôn 11": (2, 2.15, 1, 1.08),
        "Tổng cộng": (15, 1.06, 5, 0.35),
    }
    for name, figures in expected.items():
        assert tuple(rows[name][2:6]) == figures, name
    formula_name = '=HYPERLINK("http://x","Tổ 1")'
    town = wb["Thị trấn Phong Điền"]
    cell = next(c for row in town.iter_rows() for c in row if c.value == formula_name)
    assert cell.data_type == "s" and town.cell(cell.row, 7).value == "Chưa có danh sách"
    ws = wb["Xã Điền Hòa"]
    goal = next(
        c.value
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("Mục tiêu")
    )
    assert goal == (
        "Mục tiêu: giảm còn dưới 1,00 % hộ nghèo. Nếu đạt các chỉ tiêu, còn 10 hộ nghèo trên "
        "1.415 hộ = 0,71 %: đạt mục tiêu."
    )
    summary = sheet_rows(wb["Tổng hợp"])
    assert summary["Xã Điền Hòa"][2] == 1415 and summary["Xã Điền Hòa"][5] == 1.06
    assert wb["Tổng hợp"]._charts, "a native bar chart of the poverty rate by commune"
    assert wb["Tổng hợp"].page_setup.orientation == "landscape" and wb["Tổng hợp"].freeze_panes
    with (path.with_suffix("") / "xa_19834.csv").open(encoding="utf-8-sig") as fh:
        assert list(csv.DictReader(fh))[-1]["poor_rate_pct"] == "1.06"
    with (path.with_suffix("") / "xa_19819.csv").open(encoding="utf-8-sig") as fh:
        assert next(r for r in csv.DictReader(fh) if "HYPERLINK" in r["unit_name"])[
            "unit_name"
        ].startswith("'=")


def test_2025_report_shows_dynamics_that_balance_and_targets_against_exits(report_home):
    path = report_home.reports / "bao_cao_476_2025.xlsx"
    wb = load_workbook(path)
    rows = sheet_rows(wb["Diễn biến hộ nghèo"])
    dien_hoa = next(r for k, r in rows.items() if k == "Xã Điền Hòa")
    start, *moves, end = dien_hoa[3:12]
    assert start == 15 and end == start - sum(moves[:3]) + sum(moves[3:])
    with Warehouse(report_home.published_path, read_only=True) as wh:
        assert wh.sql("select bool_and(balances) ok from household_dynamics").iloc[0, 0]
        progress = wh.sql(
            "select sum(target_households) t, sum(actual_exits) e from target_progress where year = 2024"
        )
        assert progress.iloc[0].tolist() == [5, moves[0] + moves[1]]
    targets = sheet_rows(
        load_workbook(report_home.reports / "bao_cao_476_2024.xlsx")["Chỉ tiêu & thực hiện"]
    )
    assert targets["Xã Điền Hòa"][2] == 5


def test_libreoffice_opens_the_report_and_renders_a_pdf(report_home, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed (.ci/run installs it)")
    report = report_home.reports / "bao_cao_476_2024.xlsx"
    done = subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(report),
        ],
        capture_output=True,
        timeout=300,
    )
    pdf = tmp_path / "bao_cao_476_2024.pdf"
    assert done.returncode == 0 and pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 20_000


def test_report_command_for_one_unit(report_home, tmp_path):
    with Warehouse(report_home.published_path, read_only=True) as wh:
        path = write_unit_report(wh, "476", 2024, tmp_path)
    assert path.exists() and (tmp_path / "bao_cao_476_2024" / "tong_hop.csv").exists()


def test_a_run_rewrites_the_reports_of_the_units_and_years_its_lists_change(
    settings, registry, dien_hoa_inbox, make_workbook
):
    from giamngheo.flows.nightly import load_registry, run_nightly

    other = pd.DataFrame(
        [
            ("477", "district", "Huyện Khác", "46", None),
            ("19999", "commune", "Xã Khác", "477", "rural"),
            ("19999-01", "village", "Thôn 1", "19999", "rural"),
        ],
        columns=["code", "level", "name", "parent_code", "area"],
    )
    load_registry(settings, pd.concat([registry, other], ignore_index=True))
    first = run_nightly(settings, runner="thread")
    assert sorted(Path(p).name for p in first.reports) == [
        "bao_cao_476_2024.xlsx",
        "bao_cao_476_2025.xlsx",
    ]
    # A corrected 2024 list arrives late: 2024 changes, and so does 2025, whose movements
    # start from the 2024 lists (there is no 2023 list: nothing to write for it).
    make_workbook(
        "19834-03", 2024, metadata={"total_households": 117}, folder=settings.inbox / "late"
    )
    second = run_nightly(settings, runner="thread")
    assert second.loaded == 1 and second.superseded == 1
    assert sorted(Path(p).name for p in second.reports) == [
        "bao_cao_476_2024.xlsx",
        "bao_cao_476_2025.xlsx",
    ]
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        assert wh.pending_work().empty
