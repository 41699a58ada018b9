"""Personal data stays in the warehouse: `giamngheo demo`'s logs, its Prefect artifacts and
logs, its validation pages, reports and analyst snapshot hold none of the sample's names, and
none of the names, ID numbers and phone numbers a village typed into notes and added columns."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from giamngheo.workbooks.reader import read_submission

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]


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
    assert artifacts >= 1 and "Loaded" in logs  # the artifacts and logs really were captured
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


def test_demo_outputs_hold_no_head_name(tmp_path):
    from prefect.settings import PREFECT_API_URL

    home = tmp_path / "home"
    env = {
        **os.environ,
        "PREFECT_API_URL": PREFECT_API_URL.value(),
        "PREFECT_LOGGING_LEVEL": "INFO",
        "GIAMNGHEO_SETTLE_SECONDS": "0",
    }
    command = [str(Path(sys.executable).parent / "giamngheo"), "--verbose", "--home", str(home)]

    def run(*args: str) -> str:
        done = subprocess.run(
            [*command, *args], capture_output=True, text=True, env=env, timeout=300
        )
        assert done.returncode in (0, 3), done.stderr[-2000:]
        return done.stdout + done.stderr

    logs = run("demo")
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
