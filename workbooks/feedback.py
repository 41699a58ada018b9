"""The feedback workbook a village gets back: its own data, each wrong cell marked and explained.

For an .xlsx/.xlsm file the village's own workbook is reopened (its layout and fonts kept,
macros dropped); for .xls, .ods, HTML or CSV the cells are copied into a new .xlsx. Each cell
with an issue is filled red and carries a comment in Vietnamese; a first sheet "Lỗi" lists
every issue with a link to its cell.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.cell import coordinate_from_string

from giamngheo.transforms.issues import ISSUE_COLUMNS, Issue
from giamngheo.transforms.rules import ERROR
from giamngheo.workbooks.cells import safe_text, write_text
from giamngheo.workbooks.formats import XLSX, sniff
from giamngheo.workbooks.reader import DEFAULT_LIMITS, ReaderLimits, Refused, load_any

ISSUES_SHEET = "Lỗi"
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
_HEADERS = ("STT", "Mức độ", "Mã lỗi", "Sheet", "Ô", "Cột", "Giá trị", "Nội dung", "Message")


def write_feedback(
    original: Path | None,
    issues: Sequence[Issue],
    out: Path,
    limits: ReaderLimits = DEFAULT_LIMITS,
) -> Path:
    """Write the feedback workbook for `original` to `out` (always an .xlsx).

    Without an `original` (a file the reader refused, timed out on or crashed on, which must
    not be opened again) the workbook holds the list of issues only.
    """
    wb = _village_workbook(original, limits) if original else _empty_workbook()
    by_cell: dict[tuple[str, str], list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.sheet and issue.cell and issue.sheet in wb.sheetnames:
            by_cell[(issue.sheet, issue.cell)].append(issue)
    for (sheet, ref), found in by_cell.items():
        try:
            coordinate_from_string(ref)
        except ValueError:
            continue
        cell = wb[sheet][ref]
        worst = ERROR if any(i.severity == ERROR for i in found) else "warning"
        cell.fill = ERROR_FILL if worst == ERROR else WARNING_FILL
        text = "\n".join(f"[{i.code}] {i.message_vi}" for i in found)
        cell.comment = Comment(safe_text(text), "giamngheo", width=320, height=120)
    _issues_sheet(wb, issues)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


# A workbook larger than this gets its cells copied into a new one (calamine, seconds) instead
# of being reopened with its formatting (openpyxl: a 99,000-row file takes minutes and GBs).
REOPEN_MAX_BYTES = 5_000_000


def _village_workbook(original: Path, limits: ReaderLimits) -> Workbook:
    """The village's own workbook when openpyxl can keep it, else its cells in a new one."""
    try:
        small = original.stat().st_size <= REOPEN_MAX_BYTES
        if small and sniff(original, limits.max_uncompressed_bytes).format == XLSX:
            return load_workbook(original, keep_vba=False, rich_text=False)
    except Exception:  # noqa: BLE001 - fall back to the cell values below
        pass
    wb = _empty_workbook()
    try:
        _, grids = load_any(original, limits)
    except (Refused, Exception):  # noqa: BLE001 - an unreadable file gets only the list
        return _with_one_sheet(wb)
    for name, grid in grids.items():
        ws = wb.create_sheet(_sheet_title(name, wb.sheetnames))
        for r, row in enumerate(grid, start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, str):
                    if value:
                        write_text(ws, r, c, value)
                elif value is not None:
                    ws.cell(row=r, column=c, value=value)
    return _with_one_sheet(wb)


def _empty_workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    return wb


def _with_one_sheet(wb: Workbook) -> Workbook:
    if not wb.sheetnames:
        wb.create_sheet("Dữ liệu")
    return wb


def _sheet_title(name: str, taken: list[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Sheet"
    title, n = base, 1
    while title in taken:
        n += 1
        title = f"{base[:28]} {n}"
    return title


def _issues_sheet(wb: Workbook, issues: Sequence[Issue]) -> None:
    if ISSUES_SHEET in wb.sheetnames:
        del wb[ISSUES_SHEET]
    ws = wb.create_sheet(ISSUES_SHEET, 0)
    for c, header in enumerate(_HEADERS, start=1):
        write_text(ws, 1, c, header).font = Font(bold=True)
    for r, issue in enumerate(issues, start=2):
        ws.cell(row=r, column=1, value=r - 1)
        write_text(ws, r, 2, "Lỗi" if issue.severity == ERROR else "Cảnh báo")
        write_text(ws, r, 3, issue.code)
        write_text(ws, r, 4, issue.sheet)
        cell = write_text(ws, r, 5, issue.cell)
        if issue.sheet and issue.cell and issue.sheet in wb.sheetnames:
            quoted = issue.sheet.replace("'", "''")
            cell.hyperlink = f"#'{quoted}'!{issue.cell}"
            cell.font = Font(color="0563C1", underline="single")
        write_text(ws, r, 6, issue.column)
        write_text(ws, r, 7, issue.value)
        write_text(ws, r, 8, issue.message_vi)
        write_text(ws, r, 9, issue.message_en)
    for letter, width in zip("ABCDEFGHI", (5, 9, 20, 16, 7, 24, 18, 80, 60), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    wb.active = 0


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """A CSV field a spreadsheet opens as text: a leading = + - @ gets a quote mark first."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def write_issues_csv(issues: Sequence[Issue], out: Path) -> Path:
    """issues.csv (UTF-8 with BOM, so Excel shows Vietnamese), formula-safe."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(ISSUE_COLUMNS)
        for issue in issues:
            writer.writerow([csv_safe(getattr(issue, c)) for c in ISSUE_COLUMNS])
    return out
