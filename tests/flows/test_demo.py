"""`giamngheo demo`, run once as an officer runs it (a subprocess), and what it leaves.

- It prints the figures of each year, and a second run changes nothing.
- Personal data stays in the warehouse: its logs, its Prefect artifacts and logs, its
  validation pages, reports and analyst snapshot hold none of the sample's names, and none of
  the names, ID numbers and phone numbers a village typed into notes and added columns.
- Its reports and a village template print readably (tests/flows/printing.py).
"""

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from giamngheo.flows.cli import cli
from giamngheo.workbooks.preview import main as preview
from giamngheo.workbooks.preview import render_pdf
from giamngheo.workbooks.reader import read_submission
from tests.flows.printing import check_workbook, needs_tools, overlaps, pages, pieces

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]
GIAMNGHEO = Path(sys.executable).with_name("giamngheo")


@dataclass(frozen=True)
class DemoRun:
    """The demo's home and what it printed."""

    home: Path
    stdout: str
    stderr: str


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory) -> DemoRun:
    """The demo, run once for the module (its Prefect logs at INFO in the session's API); the
    tests read its home and leave it as they found it."""
    from prefect.settings import PREFECT_API_URL

    home = tmp_path_factory.mktemp("demo") / "home"
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    env["PREFECT_LOGGING_LEVEL"] = "INFO"
    done = subprocess.run(
        [str(GIAMNGHEO), "--home", str(home), "demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return DemoRun(home, done.stdout, done.stderr)


def sample_names(inbox: Path) -> set[str]:
    """Every head name in the sample inbox (full names: two words or more)."""
    names: set[str] = set()
    for path in inbox.rglob("*.xls*"):
        households = read_submission(path, "s").households
        names |= {n for n in households["head_name"].dropna() if len(n.split()) >= 2}
    return names


def texts_under(folder: Path) -> str:
    parts = []
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".csv", ".md", ".txt", ".log"):
            parts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


def report_cells(folder: Path) -> str:
    from python_calamine import CalamineWorkbook

    cells = []
    for path in folder.glob("*.xlsx"):
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            cells += [str(v) for row in book.get_sheet_by_name(name).to_python() for v in row]
    return "\n".join(cells)


def prefect_records() -> tuple[int, str]:
    """The number of artifacts, and the text of every artifact and log the API holds."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, LogFilter

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter())
        logs = client.read_logs(log_filter=LogFilter())
    texts = [str(a.data) + str(a.description) for a in artifacts] + [log.message for log in logs]
    return len(artifacts), "\n".join(texts)


def swap_names_into_members(inbox: Path, out: Path) -> None:
    """A sample list again, with names typed into the members column (and members into the
    name column)."""
    from openpyxl import load_workbook

    for source in sorted(inbox.rglob("*_2025.xlsx")):
        wb = load_workbook(source)
        if "Danh sách hộ" in wb.sheetnames:
            break
    ws = wb["Danh sách hộ"]
    header = ws[1]
    columns = {cell.value: cell.column for cell in header if cell.value}
    name, members = columns["Họ và tên chủ hộ"], columns["Số nhân khẩu"]
    for row in ws.iter_rows(min_row=2):
        a, b = row[name - 1], row[members - 1]
        if a.value:
            a.value, b.value = b.value, a.value
    wb.save(out)


SPOUSES = ["Lê Thị Hồng Nhung", "Trần Văn Quyết", "Nguyễn Thị Mỹ Lệ"]
ID_NUMBERS = ["046090012345", "046190054321", "191234567"]
PHONES = ["0905123456", "0914 765 432", "+84 935 111 222"]


def add_personal_columns(inbox: Path, out: Path) -> set[str]:
    """A sample list again, with the head's name, a spouse's name, an ID number and a phone
    number in the notes, and the same in columns added outside the template. Returns the
    values a reader of anything but the warehouse must never see."""
    from openpyxl import load_workbook

    source = sorted(inbox.rglob("*_2025.xlsx"))[3]
    wb = load_workbook(source)
    ws = wb["Danh sách hộ"]
    header = {cell.value: cell.column for cell in ws[1] if cell.value}
    width = ws.max_column
    for offset, title in enumerate(("Số CCCD", "Số điện thoại", "Họ tên vợ/chồng"), start=1):
        ws.cell(row=1, column=width + offset, value=title)
    planted = set()
    for i, row in enumerate(ws.iter_rows(min_row=2, max_row=ws.max_row), start=0):
        name = row[header["Họ và tên chủ hộ"] - 1].value
        if not name:
            continue
        spouse, number, phone = (values[i % 3] for values in (SPOUSES, ID_NUMBERS, PHONES))
        row[
            header["Ghi chú"] - 1
        ].value = f"Chủ hộ {name} đang nằm viện; vợ/chồng {spouse}, CCCD {number}, ĐT {phone}"
        ws.cell(row=row[0].row, column=width + 1, value=number)
        ws.cell(row=row[0].row, column=width + 2, value=phone)
        ws.cell(row=row[0].row, column=width + 3, value=spouse)
        planted |= {name, spouse, number, phone, phone.replace(" ", "")}
    wb.save(out)
    return planted


def scan(home: Path, logs: str) -> dict[str, str]:
    """Every place a run writes text that is not the warehouse itself or a village's feedback."""
    artifacts, records = prefect_records()
    assert artifacts >= 1 and "Loaded" in records  # the artifacts and logs really were captured
    outputs = {
        "terminal and log output": logs,
        "Prefect artifacts and logs": records,
        "Data Docs": texts_under(home / "data_docs"),
        "report CSVs": texts_under(home / "reports"),
        "report workbooks": report_cells(home / "reports"),
    }
    snapshot = home / "published" / "current.duckdb"
    with duckdb.connect(str(snapshot), read_only=True) as con:
        outputs["analyst snapshot"] = "\n".join(
            str(v)
            for t in con.execute("select table_name from duckdb_tables()").fetchall()
            for row in con.execute(f'select * from "{t[0]}"').fetchall()
            for v in row
        )
    # The file's bytes too (DuckDB may compress strings, so the values above are the proof
    # that matters; the bytes catch anything stored outside the tables).
    outputs["analyst snapshot file"] = snapshot.read_bytes().decode("utf-8", errors="replace")
    return outputs


def test_demo_outputs_hold_no_head_name(demo_run, tmp_path):
    from prefect.settings import PREFECT_API_URL

    home = tmp_path / "home"
    shutil.copytree(demo_run.home, home)  # the demo's home is shared: change a copy
    env = {
        **os.environ,
        "PREFECT_API_URL": PREFECT_API_URL.value(),
        "PREFECT_LOGGING_LEVEL": "INFO",
        "GIAMNGHEO_SETTLE_SECONDS": "0",
    }
    command = [str(GIAMNGHEO), "--verbose", "--home", str(home)]

    def run(*args: str) -> str:
        done = subprocess.run(
            [*command, *args], capture_output=True, text=True, env=env, timeout=300
        )
        assert done.returncode in (0, 3), done.stderr[-2000:]
        return done.stdout + done.stderr

    logs = demo_run.stdout + demo_run.stderr
    names = sample_names(home / "inbox")
    assert len(names) > 1000  # the sample district's households, read back from its workbooks
    with duckdb.connect(str(home / "warehouse" / "giamngheo.duckdb"), read_only=True) as con:
        stored = {n for (n,) in con.execute("select distinct head_name from households").fetchall()}
    assert len(stored & names) > 1000  # the names really were loaded
    # A village that typed its names into the members column: the issues quote those cells.
    swap_names_into_members(home / "inbox", home / "inbox" / "sai_cot.xlsx")
    planted = add_personal_columns(home / "inbox", home / "inbox" / "ghi_chu.xlsx")
    logs += run("ingest")
    assert "sai_cot.xlsx" in logs  # rejected, and said so
    with duckdb.connect(str(home / "warehouse" / "giamngheo.duckdb"), read_only=True) as con:
        notes = " ".join(n for (n,) in con.execute("select note from households").fetchall() if n)
        extra = " ".join(e for (e,) in con.execute("select extra from households").fetchall() if e)
    assert SPOUSES[0] in notes and ID_NUMBERS[0] in extra  # kept for the officers
    for where, text in scan(home, logs).items():
        leaked = sorted(n for n in names | planted if n in text)
        assert not leaked, f"{where} holds {len(leaked)} personal value(s), e.g. {leaked[:3]}"


def test_demo_in_a_subprocess_is_quiet_and_a_second_run_changes_nothing(demo_run):
    first = demo_run
    assert "Traceback" not in first.stderr and "telemetry" not in first.stderr.lower()
    assert "│ 19834 │ Xã Điền Hòa" in first.stdout and "1415 │       15 │ 1,06" in first.stdout
    assert "│ Thôn 7  │        159 │        1 │ 0,63" in first.stdout
    second = subprocess.run(
        [str(GIAMNGHEO), "--home", str(first.home), "demo"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (
        second.returncode == 0
        and "0 nạp (loaded)" in second.stdout
        and "400 đã nạp trước" in second.stdout
    )
    figures = [line for line in first.stdout.splitlines() if line.startswith("│ 198")]
    assert figures == [line for line in second.stdout.splitlines() if line.startswith("│ 198")]
    # 2026 by the wards of Thành phố Huế; 2024 on today's wards is the sum of the old communes
    # whose villages each ward took (Phong Phú: Điền Hương, Điền Môn, Điền Lộc, Điền Hòa).
    tables = first.stdout.split("Hộ nghèo theo xã, phường năm ")[1:]
    by_year = {t[:4]: _rows(t) for t in tables}
    assert set(by_year["2026"]) == {"19819", "19828", "19831", "19864", "19873"}
    side = _rows(first.stdout.split("trên các xã, phường hiện nay")[1])
    old = by_year["2024"]
    assert side["19828"][2] == str(
        sum(int(old[c][3]) for c in ("19822", "19825", "19828", "19834"))
    )
    assert side["19828"][5] == by_year["2026"]["19828"][3]


def _rows(text: str) -> dict[str, list[str]]:
    """The rows of the first table in `text`, by their first cell."""
    rows = {}
    for line in text.splitlines():
        if line.startswith("└"):
            break
        if line.startswith("│ 198"):
            cells = [c.strip() for c in line.strip("│").split("│")]
            rows[cells[0]] = cells
    return rows


@pytest.fixture
def demo_home(demo_run):
    return demo_run.home


@needs_tools
def test_the_demo_report_prints_readably(demo_home, tmp_path):
    problems = check_workbook(demo_home / "reports" / "bao_cao_476_2025.xlsx", tmp_path)
    assert problems == []


@needs_tools
def test_the_village_template_prints_readably(demo_home, tmp_path):
    # the 2027 lists, reviewed now by the wards that took Điền Hòa's villages
    args = ["template", "--commune", "19828", "--year", "2027", "--out", str(tmp_path / "mau")]
    result = CliRunner().invoke(cli, ["--home", str(demo_home), *args])
    assert result.exit_code == 0, result.output
    template = tmp_path / "mau" / "19834-03_2027.xlsx"
    pdf = render_pdf(template, tmp_path)
    printed = pages(pdf)
    assert all(not overlaps(words) for words in printed)
    ws = load_workbook(template)["Danh sách hộ"]
    header = {w for c in ws[1] if c.value for w in pieces(str(c.value))}
    first_list_page = next(
        "".join(w[4] for w in words) for words in printed if "Họ" in {w[4] for w in words}
    )
    # every header word on the list's first page: the sheet is one page wide
    assert {w for w in header if w not in first_list_page} == set()
    assert "Nghèo" in first_list_page  # last year's households, pre-filled


@needs_tools
def test_the_preview_writes_a_png_per_page_and_refuses_a_missing_file(demo_home, tmp_path, capsys):
    report = demo_home / "reports" / "bao_cao_476_2024.xlsx"
    assert preview([str(tmp_path), str(report)]) == 0
    pngs = sorted((tmp_path / "bao_cao_476_2024").glob("trang-*.png"))
    assert len(pngs) >= 8 and all(p.read_bytes()[:4] == b"\x89PNG" for p in pngs)
    assert preview([str(tmp_path), str(tmp_path / "nope.xlsx")]) == 2
    assert "make demo" in capsys.readouterr().err
