"""`giamngheo demo`, run once as an officer runs it (a subprocess), and what it leaves.

- It runs from the wheel a user installs: built from the repository and installed in a fresh
  virtual environment outside it, so the package carries every file it needs.
- It prints the figures of each year, and a second run changes nothing.
- Personal data stays in the warehouse: its logs, its Prefect artifacts and logs, its
  validation pages, reports and analyst snapshot hold none of the sample's names, and none of
  the names, ID numbers and phone numbers a village typed into notes and added columns.
- Its reports and a village template print readably (tests/flows/printing.py).
"""

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from giamngheo.cli import cli
from giamngheo.workbooks.preview import main as preview
from giamngheo.workbooks.preview import render_pdf
from giamngheo.workbooks.reader import read_submission
from tests.flows.printing import check_workbook, needs_tools, overlaps, pages, pieces
from tests.listing import HEADERS

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]
GIAMNGHEO = Path(sys.executable).with_name("giamngheo")
ROOT = Path(__file__).parents[2]


@dataclass(frozen=True)
class DemoRun:
    """The demo's home, what it printed, and the environment the wheel was installed in."""

    home: Path
    stdout: str
    stderr: str
    venv: Path


def install_wheel(tmp: Path) -> Path:
    """The project built as a wheel from a copy of the repository (building in place would
    leave build/ behind) and installed in a fresh virtual environment; its dependencies come
    from this environment's site-packages as a path, where the editable install of the project
    is not active, so what runs is the wheel's own content."""
    source = tmp / "source"
    ignore = shutil.ignore_patterns(".venv", ".git", "build", "data", "*.egg-info", "__pycache__")
    shutil.copytree(ROOT, source, ignore=ignore)
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp), str(source)]
    subprocess.run(build, check=True, capture_output=True, timeout=300)
    [wheel] = tmp.glob("giamngheo-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q"]
    subprocess.run([*install, str(wheel)], check=True, capture_output=True, timeout=300)
    where = [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
    site = Path(subprocess.check_output(where, text=True).strip())
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory) -> DemoRun:
    """The demo, run once for the module by the installed wheel (its Prefect logs at INFO in
    the session's API); the tests read its home and leave it as they found it."""
    from prefect.settings import PREFECT_API_URL

    venv = install_wheel(tmp_path_factory.mktemp("wheel"))
    home = tmp_path_factory.mktemp("demo") / "home"
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    env["PREFECT_LOGGING_LEVEL"] = "INFO"
    done = subprocess.run(
        [str(venv / "bin" / "giamngheo"), "--home", str(home), "demo"],
        cwd=home.parent,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return DemoRun(home, done.stdout, done.stderr, venv)


def test_the_demo_ran_from_the_wheel_and_wrote_its_reports(demo_run):
    python = demo_run.venv / "bin" / "python"
    where = [str(python), "-c", "import giamngheo.warehouse.store as s; print(s.__file__)"]
    found = subprocess.check_output(where, cwd=demo_run.home.parent, text=True)
    assert found.startswith(str(demo_run.venv)), found
    assert "Xã Điền Hòa" in demo_run.stdout
    assert list((demo_run.home / "reports").glob("*.xlsx"))
    # the web app's pages and assets are package data the wheel must carry
    files = "from importlib import resources; w = resources.files('giamngheo.web'); "
    files += "print([(w / p).is_file() for p in ('templates/login.html', 'static/app.css')])"
    listed = subprocess.check_output(
        [str(python), "-c", files], cwd=demo_run.home.parent, text=True
    )
    assert listed.strip() == "[True, True]"


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
    # last year's households pre-filled with their data, but not their 2026 class: the 2027
    # lists are decided under Nghị định 351/2025
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows and "19834-03-" in first_list_page
    column = [str(c.value) for c in ws[1]].index(HEADERS["claimed_class"])
    assert {r[column] for r in rows} == {None}


@needs_tools
def test_the_preview_writes_a_png_per_page_and_refuses_a_missing_file(demo_home, tmp_path, capsys):
    report = demo_home / "reports" / "bao_cao_476_2024.xlsx"
    assert preview([str(tmp_path), str(report)]) == 0
    pngs = sorted((tmp_path / "bao_cao_476_2024").glob("trang-*.png"))
    assert len(pngs) >= 8 and all(p.read_bytes()[:4] == b"\x89PNG" for p in pngs)
    assert preview([str(tmp_path), str(tmp_path / "nope.xlsx")]) == 2
    assert "make demo" in capsys.readouterr().err


def _texts(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


VILLAGE_LABEL = re.compile(r"^(Thôn|Tổ dân phố) .*\(.*mã \d{5}-\d{2}\)$")


def test_no_village_label_repeats_on_any_sheet_of_the_2025_and_2026_reports(demo_home):
    for name in ("bao_cao_476_2025.xlsx", "bao_cao_46_2026.xlsx"):
        wb = load_workbook(demo_home / "reports" / name)
        for ws in wb.worksheets:
            labels = [t for t in _texts(ws) if VILLAGE_LABEL.match(t)]
            assert len(labels) == len(set(labels)), (name, ws.title)
        ward = wb["Phường Phong Phú"] if "Phường Phong Phú" in wb.sheetnames else None
        if ward is not None:  # 2026: Điền Hòa's eleven "Thôn N" each say where they come from
            labels = [t for t in _texts(ward) if VILLAGE_LABEL.match(t)]
            assert sum("(Điền Hòa cũ, mã 19834-" in t for t in labels) == 11
            assert "Cộng Điền Hòa cũ" in _texts(ward)


def test_a_wards_villages_are_in_one_order_on_every_sheet(demo_home, tmp_path):
    args = ["report", "--year", "2026", "--unit", "19828", "--out", str(tmp_path)]
    assert CliRunner().invoke(cli, ["--home", str(demo_home), *args]).exit_code == 0
    wb = load_workbook(tmp_path / "bao_cao_19828_2026.xlsx")
    orders = {
        ws.title: [
            t for t in (c.value for c in ws["B"]) if isinstance(t, str) and VILLAGE_LABEL.match(t)
        ]
        for ws in wb.worksheets
        if not ws._charts
    }
    orders = {title: labels for title, labels in orders.items() if labels}
    first = orders["Tổng hợp"]
    assert len(first) == 28 and len(set(first)) == 28
    codes = [re.search(r"mã (\d{5}-\d{2})", t)[1] for t in first]
    assert codes == sorted(codes, key=lambda c: (c[:5], int(c[6:])))  # by former commune, number
    for title, labels in orders.items():
        assert labels == first, title


def test_the_signer_is_a_unit_in_force_on_the_reports_day(demo_home):
    from giamngheo.transforms.registry import registry_on
    from giamngheo.warehouse.store import Warehouse

    with Warehouse(demo_home / "published" / "current.duckdb", read_only=True) as wh:
        units = wh.admin_units()
    for name in ("bao_cao_476_2024.xlsx", "bao_cao_476_2025.xlsx", "bao_cao_46_2026.xlsx"):
        wb = load_workbook(demo_home / "reports" / name)
        ws = wb["Tổng hợp"]
        day = re.search(r"ngày (\d+) tháng (\d+) năm (\d+)", " ".join(_texts(ws)))
        in_force = registry_on(units, dt.date(int(day[3]), int(day[2]), int(day[1])))
        names = {n.upper() for n in in_force["name"]}
        for sheet in wb.worksheets:
            assert sheet["A2"].value in names, (name, sheet.title, sheet["A2"].value)
    old = load_workbook(demo_home / "reports" / "bao_cao_476_2024.xlsx")["Tổng hợp"]
    assert old["A2"].value == "THÀNH PHỐ HUẾ"  # the district ended; the province signs
    assert "CỦA HUYỆN PHONG ĐIỀN (CŨ) NĂM 2024" in " ".join(_texts(old))


def test_a_partial_province_total_says_what_it_sums(demo_home, tmp_path):
    wb = load_workbook(demo_home / "reports" / "bao_cao_46_2026.xlsx")
    head = next(r for r in wb["Tổng hợp"].iter_rows(values_only=True) if r[0] == "1")
    assert head[1] == "Thành phố Huế (cộng 5/40 xã, phường có số liệu)"
    quality = next(r for r in wb["Chất lượng dữ liệu"].iter_rows(values_only=True) if r[0] == "1")
    assert quality[2:5] == (40, 5, 12.5)  # communes in force, with lists, the rate
    assert quality[9] is None  # no village rate for a unit the registry knows in part
    assert "Danh mục chỉ có thôn của 5/40 xã, phường" in quality[12]
    args = ["report", "--year", "2024", "--unit", "46", "--out", str(tmp_path)]
    assert CliRunner().invoke(cli, ["--home", str(demo_home), *args]).exit_code == 0
    # the registry knows the province's other districts only from 2025: its 2024 figures,
    # one district's, are said to be maybe a part of it
    province = " ".join(_texts(load_workbook(tmp_path / "bao_cao_46_2024.xlsx")["Tổng hợp"]))
    assert re.search(
        r"dùng cho năm 2024 chỉ có 1 đơn vị trực thuộc Tỉnh Thừa Thiên Huế, danh mục từ ngày "
        r"01/01/2025 có \d+: số liệu năm 2024 của Tỉnh Thừa Thiên Huế có thể chỉ là một phần",
        province,
    )


def test_a_verdict_on_todays_units_counts_only_the_targeted_villages(demo_home, tmp_path):
    args = ["report", "--year", "2024", "--units", "current", "--unit", "46"]
    result = CliRunner().invoke(cli, ["--home", str(demo_home), *args, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(tmp_path / "bao_cao_46_2024_don_vi_hien_nay.xlsx")
    row = next(
        r
        for r in wb["Chỉ tiêu & thực hiện"].iter_rows(values_only=True)
        if r[1] == "Phường Phong Phú"
    )
    snapshot = demo_home / "published" / "current.duckdb"
    with duckdb.connect(str(snapshot), read_only=True) as con:
        targeted, exits, every = con.execute(
            """
            select count(*), sum(d.out_improved_to_near_poor + d.out_above_near_poor),
                (select sum(out_improved_to_near_poor + out_above_near_poor)
                 from household_dynamics h join admin_units u on u.code = h.village_code
                 where h.year = 2025 and h.status = 'poor' and h.measure = 'households'
                   and u.valid_to is null and u.parent_code = '19828')
            from plan_targets t
            join household_dynamics d on d.village_code = t.village_code and d.year = 2025
            where t.year = 2024 and d.status = 'poor' and d.measure = 'households'
            """
        ).fetchone()
    assert targeted == 5 and row[3] == 5  # the seed plan's five targets, no zeros for blanks
    assert row[5] == exits and exits != every  # exits of those five villages, not the ward's
    assert row[6] == ("Đạt" if exits >= 5 else "Không đạt")
    ward = wb["Phường Phong Phú"]
    subtotal = next(r for r in ward.iter_rows(values_only=True) if r[1] == "Cộng Điền Hòa cũ")
    assert subtotal[6:10] == (15, 1.06, 5, 3.99)  # the plan's own figures beside its villages
    assert any("ke_hoach_19834_2024.xlsx" in t for t in _texts(ward))
    assert any("tỷ lệ Tổng cộng ghi 3,99" in t for t in _texts(wb["Chất lượng dữ liệu"]))
    assert any("ke_hoach_19834_2024.xlsx" in t for t in _texts(wb["Nguồn"]))
    for r in wb["Chỉ tiêu & thực hiện"].iter_rows(values_only=True):
        if isinstance(r[0], str) and r[3] is None:
            assert r[6] not in ("Đạt", "Không đạt")  # no verdict where no target was set
