"""The reports, end to end: true figures on every sheet, nothing claimed that was not measured,
the commune's plan on its page, and a report for a unit of any level."""

import csv
import gc
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from giamngheo.cli import cli
from giamngheo.flows.admin import load_registry
from giamngheo.flows.nightly import run_nightly
from giamngheo.flows.reporting import write_reports, write_unit_report
from giamngheo.flows.settings import Settings
from giamngheo.warehouse.store import Warehouse
from tests.conftest import write_inbox

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]
SEED_PLAN = Path(__file__).parents[1] / "data" / "ke_hoach_dien_hoa_2024.xlsx"
CELLS = [f"c{i}" for i in range(1, 10)]


@pytest.fixture(scope="module")
def report_home(tmp_path_factory, registry, dien_hoa_lists, prefect_harness):
    """Điền Hòa's lists and its 2024 plan, loaded once: the tests that take it only read."""
    settings = Settings.load(
        tmp_path_factory.mktemp("reports") / "home", settle_seconds=0, max_workers=2
    )
    write_inbox(settings.inbox, dien_hoa_lists)
    shutil.copy(SEED_PLAN, settings.inbox / "19834" / "ke_hoach.xlsx")
    renamed = registry.copy()
    renamed.loc[renamed["code"] == "19819-01", "name"] = '=HYPERLINK("http://x","Tổ 1")'
    load_registry(settings, renamed)
    summary = run_nightly(settings, runner="thread")
    assert summary.loaded == 23
    return settings


def table_below(ws, first_label: str, columns: int) -> pd.DataFrame:
    """The body of a form: the rows from the one whose TT is `first_label`, until a blank TT
    column and name column, as values."""
    start = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == first_label)
    rows = []
    for r in range(start, ws.max_row + 1):
        values = [ws.cell(r, c).value for c in range(1, columns + 1)]
        if values[0] is None and values[1] is None and values[2] is None:
            break
        rows.append(values)
    return pd.DataFrame(rows, dtype=object)


def unit_of(name: str) -> str:
    """A row's unit, without what a total says it sums ("Huyện Phong Điền (cộng 1/16 …)")."""
    return re.sub(r" \(cộng \d+/\d+ [^)]*\)$", "", name)


def dynamics_rows(ws) -> dict[str, dict[str, list]]:
    """Diễn biến: unit name → {"Hộ": columns 1–9 and the note, "Nhân khẩu": columns 1–9}."""
    body = table_below(ws, "1", 13)
    out, name = {}, None
    for row in body.itertuples(index=False):
        name = unit_of(row[1]) if isinstance(row[1], str) and row[1] else name
        out.setdefault(name, {})[row[2]] = [None if pd.isna(v) else v for v in row[3:13]]
    return out


def summary_rows(ws) -> dict[str, list]:
    body = table_below(ws, "1", 16)
    return {unit_of(row[1]): list(row) for row in body.itertuples(index=False)}


def texts_of(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_the_end_of_every_complete_diễn_biến_row_is_that_years_poor_count(report_home):
    empty = load_workbook(report_home.reports / "bao_cao_476_2024.xlsx")["Diễn biến hộ nghèo"]
    # no 2023 list: nothing measured, nothing claimed, and no empty table printed
    assert any(t.startswith("Chưa có danh sách năm 2023") for t in texts_of(empty))
    assert not any(ws_value == "Phân tổ" for ws_value in texts_of(empty))
    wb = load_workbook(report_home.reports / "bao_cao_476_2025.xlsx")
    summary = summary_rows(wb["Tổng hợp"])
    dynamics = dynamics_rows(wb["Diễn biến hộ nghèo"])
    for name, measures in dynamics.items():
        households = measures["Hộ"][:9]
        if all(v is None for v in households):
            continue
        start, *moves, end = households
        if moves[4] is None:  # no list before 2024: returning households are in column 7
            moves[4] = 0
        assert end == start - sum(moves[:3]) + sum(moves[3:]), name  # every row balances
        if not measures["Hộ"][9]:  # no note: every village of the row is in
            assert end == summary[name][4], name
    assert dynamics["Xã Điền Hòa"]["Hộ"][8] == summary["Xã Điền Hòa"][4]
    assert dynamics["Huyện Phong Điền"]["Hộ"][8] == summary["Huyện Phong Điền"][4]


def test_a_village_whose_first_list_is_missing_leaves_a_complete_annotated_row(
    settings, registry, dien_hoa_inbox
):
    (dien_hoa_inbox / "19834" / "19834-03_2024.xlsx").unlink()
    load_registry(settings, registry)
    run_nightly(settings, runner="thread")
    wb = load_workbook(settings.reports / "bao_cao_476_2025.xlsx")
    dien_hoa = dynamics_rows(wb["Diễn biến hộ nghèo"])["Xã Điền Hòa"]["Hộ"]
    # columns 1–9 over the ten villages with both lists, and the note says so
    assert all(v is not None for i, v in enumerate(dien_hoa[:9]) if i != 5)
    assert dien_hoa[5] is None  # no list before 2024: said under the table
    assert any(t.startswith("Cột 6 để trống") for t in texts_of(wb["Diễn biến hộ nghèo"]))
    assert dien_hoa[8] == dien_hoa[0] - sum(dien_hoa[1:4]) + dien_hoa[4] + sum(dien_hoa[6:8])
    assert "Chỉ gồm 10/11 thôn có đủ danh sách năm 2024 và 2025" in dien_hoa[9]
    assert "Thiếu danh sách năm 2024: Thôn 3 (mã 19834-03)" in dien_hoa[9]
    texts = texts_of(wb["Chất lượng dữ liệu"])
    assert any("thiếu danh sách năm 2024 của Thôn 3 (mã 19834-03)" in t for t in texts)


def test_the_seed_plan_shows_its_own_figures_its_slips_and_its_goal(report_home):
    wb = load_workbook(report_home.reports / "bao_cao_476_2024.xlsx")
    ws = wb["Xã Điền Hòa"]
    body = table_below(ws, "1", 11)
    rows = {row[1].split(" (mã")[0]: list(row) for row in body.itertuples(index=False)}
    expected = {
        "Thôn 1": (3, 2.22, 1, 0.74),
        "Thôn 2": (1, 0.85, None, None),  # blank in the plan: no target, not 0
        "Thôn 3": (3, 2.61, 1, 0.87),
        "Thôn 7": (1, 0.63, 1, 0.63),
        "Thôn 11": (2, 2.15, 1, 1.08),
        "Tổng cộng": (15, 1.06, 5, 0.35),
    }
    for name, figures in expected.items():
        assert tuple(rows[name][2:6]) == figures, name
    assert rows["Tổng cộng"][6:10] == [15, 1.06, 5, 3.99]  # what the plan wrote, beside
    total = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Tổng cộng")
    assert ws.cell(total, 10).fill.fgColor.rgb.endswith("FFEB9C")
    assert "Kế hoạch ghi 3,99 %; tính lại: 5 ÷ 1.415 × 100 = 0,35 %" in ws.cell(total, 11).value
    goal = next(
        c.value
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("Mục tiêu")
    )
    assert "giảm còn dưới 1,00 % hộ nghèo" in goal
    assert re.search(
        r"Thực tế theo danh sách năm sau: \d+ hộ nghèo trên [\d.]+ hộ = [\d,]+ %: (ĐẠT|KHÔNG ĐẠT)",
        goal,
    )
    quality = [
        c.value
        for row in wb["Chất lượng dữ liệu"].iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    assert any("tỷ lệ Tổng cộng ghi 3,99" in t for t in quality)  # each finding in words
    assert sum("tỷ lệ ghi" in t for t in quality) == 2  # Thôn 7's 0,62 and Thôn 11's 1,07
    formula_name = '=HYPERLINK("http://x","Tổ 1") (mã 19819-01)'
    town = wb["Thị trấn Phong Điền"]
    cell = next(c for row in town.iter_rows() for c in row if c.value == formula_name)
    assert cell.data_type == "s"
    with (report_home.reports / "bao_cao_476_2024" / "xa_19834.csv").open(
        encoding="utf-8-sig"
    ) as fh:
        assert list(csv.DictReader(fh))[-1]["poor_rate_pct"] == "1.06"


def test_targets_against_what_the_next_years_lists_show(report_home):
    wb = load_workbook(report_home.reports / "bao_cao_476_2024.xlsx")
    body = table_below(wb["Chỉ tiêu & thực hiện"], "1", 8)
    rows = {unit_of(row[1]): list(row) for row in body.itertuples(index=False)}
    summary = summary_rows(wb["Tổng hợp"])
    district = rows["Huyện Phong Điền"]
    assert district[2] == summary["Huyện Phong Điền"][4]  # the real poor count
    assert district[3] == 5  # the targets set under it: Điền Hòa's only
    dien_hoa = rows["Xã Điền Hòa"]
    assert dien_hoa[2:4] == [15, 5] and dien_hoa[5] is not None
    assert dien_hoa[6] == ("Đạt" if dien_hoa[5] >= 5 else "Không đạt")
    assert "Chỉ tiêu giao cho 5/11 thôn" in dien_hoa[7]  # exits of those five villages only
    assert district[5] == dien_hoa[5] and district[6] == dien_hoa[6]
    town = rows["Thị trấn Phong Điền"]
    assert town[6] == "Chưa có danh sách năm 2024"  # no list: nothing to measure
    later = load_workbook(report_home.reports / "bao_cao_476_2025.xlsx")["Chỉ tiêu & thực hiện"]
    verdicts = {
        unit_of(row[1]): row[6] for row in table_below(later, "1", 8).itertuples(index=False)
    }
    assert verdicts["Xã Điền Hòa"] == "Chưa giao chỉ tiêu"  # no 2025 plan, no 2026 list


@pytest.mark.parametrize(
    ("unit", "first_rows"),
    [
        (
            "46",
            [
                ("", "Tỉnh Thừa Thiên Huế"),
                ("1", "Huyện Phong Điền"),
                ("1.1", "Thị trấn Phong Điền"),
            ],
        ),
        ("476", [("1", "Huyện Phong Điền"), ("1.1", "Thị trấn Phong Điền")]),
        (
            "19834",
            [
                ("1", "Xã Điền Hòa"),
                ("1.1", "Thôn 1 (mã 19834-01)"),
                ("1.2", "Thôn 2 (mã 19834-02)"),
            ],
        ),
    ],
)
def test_report_unit_works_at_every_level(report_home, tmp_path, unit, first_rows):
    result = CliRunner().invoke(
        cli,
        [
            "--home",
            str(report_home.home),
            "report",
            "--year",
            "2025",
            "--unit",
            unit,
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    wb = load_workbook(tmp_path / f"bao_cao_{unit}_2025.xlsx")
    ws = wb["Tổng hợp"]
    start = next(
        r
        for r in range(1, ws.max_row + 1)
        if (ws.cell(r, 1).value or "") == first_rows[0][0]
        and unit_of(ws.cell(r, 2).value or "") == first_rows[0][1]
    )
    got = [
        (ws.cell(start + i, 1).value or "", unit_of(ws.cell(start + i, 2).value))
        for i in range(len(first_rows))
    ]
    assert got == first_rows
    dien_hoa = (
        summary_rows(ws).get("Xã Điền Hòa") if unit != "19834" else summary_rows(ws)["Xã Điền Hòa"]
    )
    assert dien_hoa[4] is not None


def test_a_year_or_unit_without_data_is_refused(report_home, tmp_path):
    for args in (
        ["--year", "2019"],
        ["--year", "2025", "--unit", "19819-01"],
        ["--year", "2025", "--unit", "99999"],
    ):
        result = CliRunner().invoke(
            cli, ["--home", str(report_home.home), "report", *args, "--out", str(tmp_path)]
        )
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
    assert not list(tmp_path.glob("*.xlsx"))


def test_a_household_that_leaves_a_list_without_a_class_is_not_an_exit(
    settings, registry, dien_hoa_lists, dien_hoa_inbox
):
    from giamngheo.workbooks.template import write_village_workbook

    before = next(
        v
        for v in dien_hoa_lists
        if v.metadata["village_code"] == "19834-01" and v.metadata["year"] == 2024
    )
    after = next(
        v
        for v in dien_hoa_lists
        if v.metadata["village_code"] == "19834-01" and v.metadata["year"] == 2025
    )
    poor = set(
        before.households.loc[before.households["claimed_class"] == "poor", "household_code"]
    )
    kept = after.households[
        ~after.households["household_code"].isin(poor)
    ]  # every poor one dropped
    write_village_workbook(dien_hoa_inbox / "19834" / "19834-01_2025.xlsx", after.metadata, kept)
    load_registry(settings, registry)
    run_nightly(settings, runner="thread")
    wb = load_workbook(settings.reports / "bao_cao_476_2025.xlsx")
    thon1 = dynamics_rows(wb["Diễn biến hộ nghèo"])
    dien_hoa = thon1["Xã Điền Hòa"]["Hộ"]
    assert dien_hoa[3] >= len(poor)  # giảm khác, not exits
    texts = [
        c.value
        for row in wb["Chất lượng dữ liệu"].iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    for code in poor:
        assert code in texts  # named, so that the commune says why


def test_report_command_for_one_unit(report_home, tmp_path):
    with Warehouse(report_home.warehouse_path, read_only=True) as wh:
        path = write_unit_report(wh, "476", 2024, tmp_path)
    assert path.exists() and (tmp_path / "bao_cao_476_2024" / "tong_hop.csv").exists()


def test_a_run_rewrites_the_reports_of_the_units_and_years_its_lists_change(
    settings, registry, dien_hoa_inbox, make_workbook, monkeypatch
):
    from giamngheo.flows import nightly
    from giamngheo.flows.admin import load_registry
    from giamngheo.flows.nightly import run_nightly

    handed: list[tuple[int, str]] = []

    def writers(warehouse, out_dir, jobs, workers=1):
        handed.extend(jobs)
        return write_reports(warehouse, out_dir, jobs, workers)

    monkeypatch.setattr(nightly, "write_reports", writers)

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
    handed.clear()
    second = run_nightly(settings, runner="thread")
    assert second.loaded == 1 and second.superseded == 1
    assert sorted(Path(p).name for p in second.reports) == [
        "bao_cao_476_2024.xlsx",
        "bao_cao_476_2025.xlsx",
    ]
    assert handed == [(2024, "476"), (2025, "476")]  # 2023 is owed, but has no list
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        assert wh.pending_work().empty  # … and is done


def test_reports_written_by_two_processes_hold_what_one_process_writes(report_home, tmp_path):
    # the path of a large run: each writer opens the warehouse read-only in its own process
    jobs = [(2024, "476"), (2024, "19834"), (2025, "476"), (2025, "19834")]
    one = sorted(
        o.path for o in write_reports(report_home.warehouse_path, tmp_path / "one", jobs, 1)
    )
    two = sorted(
        o.path for o in write_reports(report_home.warehouse_path, tmp_path / "two", jobs, 2)
    )
    assert gc.isenabled()  # this process wrote its share with the collector off, then on again
    assert [p.name for p in one] == [p.name for p in two] and len(one) == 4
    for a, b in zip(one, two, strict=True):
        sheets_a, sheets_b = load_workbook(a), load_workbook(b)
        assert sheets_a.sheetnames == sheets_b.sheetnames
        for name in sheets_a.sheetnames:
            values_a = [[c.value for c in row] for row in sheets_a[name].iter_rows()]
            values_b = [[c.value for c in row] for row in sheets_b[name].iter_rows()]
            assert values_a == values_b, (a.name, name)
    with Warehouse(report_home.warehouse_path):  # opened for writing: no writer holds it
        pass


def test_a_report_writer_keeps_its_duckdb_memory_small(report_home, tmp_path, monkeypatch):
    """DuckDB caches what a writer read for the year's tables up to its limit (by default
    80 % of the machine): two writers and the run would hold gigabytes."""
    from giamngheo.flows import reporting

    opened = []

    def warehouse(path, read_only=False, memory_limit=None):
        opened.append((read_only, memory_limit))
        return Warehouse(path, read_only, memory_limit)

    monkeypatch.setattr(reporting, "Warehouse", warehouse)
    written = list(write_reports(report_home.warehouse_path, tmp_path, [(2024, "476")]))
    assert len(written) == 1 and written[0].path.exists()
    assert opened == [(True, reporting.REPORT_MEMORY)]
