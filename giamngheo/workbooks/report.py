"""The district report workbook (DESIGN §7): Tổng hợp and one sheet per commune.

Every figure comes from `transforms.reports`; this module only lays it out in the official
shape: header block, bold upper-case title, merged two-row header, a row numbering the columns
with their formulas, then the body. Numbers are stored as numbers, rates with 2 decimals.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from giamngheo.transforms.reports import SUMMARY_COLUMNS
from giamngheo.workbooks.cells import write_text, write_value
from giamngheo.workbooks.grid import column_letter

RATE_FORMAT = "0.00"
COUNT_FORMAT = "#,##0"
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_BOLD = Font(bold=True)


def write_report(
    path: Path,
    *,
    parent_name: str,
    year: int,
    summary: pd.DataFrame,
    communes: Sequence[tuple[str, str, pd.DataFrame]],
) -> Path:
    """Write the report workbook. `communes` holds (code, name, seed-layout table) triples."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    _write_summary(ws, parent_name, year, summary)
    used: set[str] = {ws.title}
    for code, name, table in communes:
        title = _sheet_title(name, code, used)
        _write_commune(wb.create_sheet(title), name, year, table)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)
    return path


def _sheet_title(name: str, code: str, used: set[str]) -> str:
    """An Excel-safe, unique sheet title (≤ 31 characters, none of []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or code
    title = base
    if title in used:
        title = f"{base[: 31 - len(code) - 1]} {code}"
    used.add(title)
    return title


def _header_block(ws: Worksheet, width: int, left: str, title: str) -> int:
    """Official header block and title; returns the next free row."""
    half = max(2, width // 2)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=half)
    write_text(ws, 1, 1, left.upper()).font = _BOLD
    ws.merge_cells(start_row=1, start_column=half + 1, end_row=1, end_column=width)
    write_text(ws, 1, half + 1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").font = _BOLD
    ws.merge_cells(start_row=2, start_column=half + 1, end_row=2, end_column=width)
    write_text(ws, 2, half + 1, "Độc lập - Tự do - Hạnh phúc").font = _BOLD
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=width)
    cell = write_text(ws, 4, 1, title.upper())
    cell.font = Font(bold=True, size=13)
    for r in (1, 2, 4):
        for c in (1, half + 1):
            ws.cell(row=r, column=c).alignment = _CENTER
    return 6


def _merged(ws: Worksheet, r1: int, c1: int, r2: int, c2: int, text: str) -> None:
    if (r1, c1) != (r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    cell = write_text(ws, r1, c1, text)
    cell.font = _BOLD
    cell.alignment = _CENTER
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            ws.cell(row=r, column=c).border = _BOX


def _print_setup(ws: Worksheet, header_rows: str, freeze: str) -> None:
    ws.freeze_panes = freeze
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = header_rows


def _write_summary(ws: Worksheet, parent_name: str, year: int, summary: pd.DataFrame) -> None:
    width = 2 + len(SUMMARY_COLUMNS)
    r = _header_block(
        ws,
        width,
        f"Ủy ban nhân dân {parent_name}",
        f"Tổng hợp kết quả rà soát hộ nghèo, hộ cận nghèo, hộ có mức sống trung bình năm {year}",
    )
    top, mid, low = r, r + 1, r + 2
    _merged(ws, top, 1, low, 1, "TT")
    _merged(ws, top, 2, low, 2, "Phường/Xã")
    _merged(ws, top, 3, mid, 4, "Tổng số hộ dân cư")
    _merged(ws, low, 3, low, 3, "Số hộ")
    _merged(ws, low, 4, low, 4, "Nhân khẩu")
    _merged(ws, top, 5, top, 10, "Kết quả rà soát về hộ")
    _merged(ws, top, 11, top, 16, "Kết quả rà soát về khẩu")
    groups = ("Hộ nghèo", "Hộ cận nghèo", "Hộ có mức sống trung bình")
    for base, unit in ((5, "Số hộ"), (11, "Số khẩu")):
        for g, label in enumerate(groups):
            c = base + 2 * g
            _merged(ws, mid, c, mid, c + 1, label)
            _merged(ws, low, c, low, c, unit)
            _merged(ws, low, c + 1, low, c + 1, "Tỷ lệ (%)")
    numbering = ["A", "B", "1", "2", "3", "4=3/1*100", "5", "6=5/1*100", "7", "8=7/1*100",
                 "9", "10=9/2*100", "11", "12=11/2*100", "13", "14=13/2*100"]  # fmt: skip
    for c, label in enumerate(numbering, start=1):
        cell = write_text(ws, low + 1, c, label)
        cell.alignment = _CENTER
        cell.font = Font(italic=True)
        cell.border = _BOX
    r = low + 2
    for row in summary.itertuples(index=False):
        write_text(ws, r, 1, row.tt)
        write_text(ws, r, 2, row.unit_name)
        for c, name in enumerate(SUMMARY_COLUMNS, start=3):
            fmt = RATE_FORMAT if name.endswith("_pct") else COUNT_FORMAT
            write_value(ws, r, c, getattr(row, name), fmt)
        for c in range(1, width + 1):
            ws.cell(row=r, column=c).border = _BOX
            if row.is_total:
                ws.cell(row=r, column=c).font = _BOLD
        r += 1
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 24
    for c in range(3, width + 1):
        ws.column_dimensions[column_letter(c - 1)].width = 10
    _print_setup(ws, f"{top}:{low + 1}", f"C{low + 2}")


def _write_commune(ws: Worksheet, commune_name: str, year: int, table: pd.DataFrame) -> None:
    width = 7
    r = _header_block(
        ws,
        width,
        f"Ủy ban nhân dân {commune_name}",
        f"Hộ nghèo và chỉ tiêu giảm nghèo năm {year}",
    )
    top, low = r, r + 1
    _merged(ws, top, 1, low, 1, "Stt")
    _merged(ws, top, 2, low, 2, "Đơn vị")
    _merged(ws, top, 3, top, 4, f"Hộ nghèo năm {year}")
    _merged(ws, top, 5, top, 6, f"Chỉ tiêu giảm nghèo năm {year}")
    _merged(ws, top, 7, low, 7, "Ghi chú")
    for c, label in ((3, "Hộ"), (4, "Tỷ lệ %"), (5, "Hộ"), (6, "Tỷ lệ %")):
        _merged(ws, low, c, low, c, label)
    r = low + 1
    for row in table.itertuples(index=False):
        write_text(ws, r, 1, row.stt)
        write_text(ws, r, 2, row.unit_name)
        write_value(ws, r, 3, row.poor_households, COUNT_FORMAT)
        write_value(ws, r, 4, row.poor_rate_pct, RATE_FORMAT)
        write_value(ws, r, 5, row.target_households, COUNT_FORMAT)
        write_value(ws, r, 6, row.target_rate_pct, RATE_FORMAT)
        if not row.submitted and not row.is_total:
            write_text(ws, r, 7, "Chưa có danh sách")
        for c in range(1, width + 1):
            ws.cell(row=r, column=c).border = _BOX
            if row.is_total:
                ws.cell(row=r, column=c).font = _BOLD
        r += 1
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 22
    for c in "CDEF":
        ws.column_dimensions[c].width = 11
    ws.column_dimensions["G"].width = 18
    _print_setup(ws, f"{top}:{low}", f"C{low + 1}")
