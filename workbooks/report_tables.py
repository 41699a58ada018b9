"""Sheets of the district report beyond Tổng hợp: the official forms and the annexes.

Each form: the header block, a bold upper-case title, a merged header, a row that numbers
the columns with their formulas, then the body with TT as text ("1", "1.1" …), the parent
unit in bold.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from giamngheo.transforms.columns import INDICATORS
from giamngheo.workbooks.cells import write_text, write_value
from giamngheo.workbooks.grid import column_letter

RATE_FORMAT = "0.00"
COUNT_FORMAT = "#,##0"
_THIN = Side(style="thin")
BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
BOLD = Font(bold=True)


@dataclass(frozen=True)
class Header:
    """A header cell: rows and columns it spans (1-based within the header), and its text."""

    row: int
    col: int
    text: str
    rows: int = 1
    cols: int = 1


def header_block(ws: Worksheet, width: int, authority: str, title: str) -> int:
    """Official header block and title; returns the next free row."""
    half = max(2, width // 2)
    for row, col, end, text in (
        (1, 1, half, authority.upper()),
        (1, half + 1, width, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        (2, half + 1, width, "Độc lập - Tự do - Hạnh phúc"),
        (4, 1, width, title.upper()),
    ):
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=end)
        cell = write_text(ws, row, col, text)
        cell.font = Font(bold=True, size=13 if row == 4 else 11)
        cell.alignment = CENTER
    return 6


def merged(ws: Worksheet, r1: int, c1: int, r2: int, c2: int, text: str) -> None:
    if (r1, c1) != (r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    cell = write_text(ws, r1, c1, text)
    cell.font = BOLD
    cell.alignment = CENTER
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            ws.cell(row=r, column=c).border = BOX


def print_setup(ws: Worksheet, header_rows: str, freeze: str) -> None:
    ws.freeze_panes = freeze
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = header_rows


def official_sheet(
    ws: Worksheet,
    *,
    authority: str,
    title: str,
    headers: list[Header],
    numbering: list[str],
    table: pd.DataFrame,
    columns: list[str],
    rate_columns: frozenset[str] = frozenset(),
    label_columns: int = 2,
) -> None:
    """Lay out one official form. `columns` are the table's columns, written from column A;
    the first `label_columns` are text (TT, name, …), the rest numbers."""
    width = len(columns)
    top = header_block(ws, width, authority, title)
    depth = max(h.row + h.rows - 1 for h in headers)
    for h in headers:
        merged(ws, top + h.row - 1, h.col, top + h.row + h.rows - 2, h.col + h.cols - 1, h.text)
    number_row = top + depth
    for c, label in enumerate(numbering, start=1):
        cell = write_text(ws, number_row, c, label)
        cell.font = Font(italic=True)
        cell.alignment = CENTER
        cell.border = BOX
    r = number_row + 1
    for row in table.to_dict("records"):
        for c, name in enumerate(columns, start=1):
            value = row.get(name)
            if c <= label_columns:
                write_text(ws, r, c, "" if value is None or value is pd.NA else value)
            else:
                fmt = RATE_FORMAT if name in rate_columns else COUNT_FORMAT
                write_value(ws, r, c, value, fmt)
            ws.cell(row=r, column=c).border = BOX
            if row.get("is_total"):
                ws.cell(row=r, column=c).font = BOLD
        r += 1
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 24
    for c in range(label_columns + 1, width + 1):
        ws.column_dimensions[column_letter(c - 1)].width = 10
    print_setup(ws, f"{top}:{number_row}", f"{column_letter(label_columns)}{number_row + 1}")


def dynamics_sheet(
    ws: Worksheet, authority: str, year: int, status: str, table: pd.DataFrame
) -> None:
    """Tổng hợp diễn biến hộ nghèo / hộ cận nghèo (two rows per unit: Hộ, Nhân khẩu)."""
    who = "hộ nghèo" if status == "poor" else "hộ cận nghèo"
    if status == "poor":
        decrease = [
            Header(2, 5, "Thoát nghèo", cols=2),
            Header(3, 5, "Trở thành hộ cận nghèo"),
            Header(3, 6, "Vượt chuẩn cận nghèo"),
        ]
        increase = [
            Header(2, 8, "Hộ cận nghèo trở thành hộ nghèo", rows=2),
            Header(2, 9, "Số hộ bổ sung", cols=2),
            Header(3, 9, "Tái nghèo"),
            Header(3, 10, "Phát sinh mới"),
        ]
    else:
        decrease = [
            Header(2, 5, "Số hộ thoát cận nghèo", rows=2),
            Header(2, 6, "Số hộ cận nghèo trở thành hộ nghèo", rows=2),
        ]
        increase = [
            Header(2, 8, "Số hộ nghèo trở thành hộ cận nghèo", rows=2),
            Header(2, 9, "Số hộ bổ sung", cols=2),
            Header(3, 9, "Tái cận nghèo"),
            Header(3, 10, "Phát sinh mới"),
        ]
    headers = [
        Header(1, 1, "TT", rows=3),
        Header(1, 2, "Phường/Xã", rows=3),
        Header(1, 3, "Phân tổ", rows=3),
        Header(1, 4, f"Tổng số {who} đầu kỳ", rows=3),
        Header(1, 5, "Diễn biến giảm", cols=3),
        *decrease,
        Header(2, 7, "Giảm khác: thay đổi nhân khẩu, chết, chuyển đi, tách hộ", rows=2),
        Header(1, 8, f"Diễn biến tăng số {who}", cols=4),
        *increase,
        Header(2, 11, "Tăng khác: chuyển đến, tách hộ, thay đổi nhân khẩu", rows=2),
        Header(1, 12, f"Tổng số {who} cuối kỳ", rows=3),
    ]
    numbering = ["A", "B", "C", "1", "2", "3", "4", "5", "6", "7", "8", "9=1-2-3-4+5+6+7+8"]
    shown = table.assign(
        tt=table["tt"].where(table["measure"] == "Hộ", ""),
        unit_name=table["unit_name"].where(table["measure"] == "Hộ", ""),
    )
    official_sheet(
        ws,
        authority=authority,
        title=f"Tổng hợp diễn biến {who} năm {year}",
        headers=headers,
        numbering=numbering,
        table=shown,
        columns=["tt", "unit_name", "measure", *[f"c{i}" for i in range(1, 10)]],
        label_columns=3,
    )


def deprivation_sheet(
    ws: Worksheet, authority: str, year: int, table: pd.DataFrame, percent: bool
) -> None:
    """Phân tích các chỉ số thiếu hụt của hộ nghèo (counts, or % of poor households)."""
    suffix = "_pct" if percent else ""
    headers = [
        Header(1, 1, "TT", rows=2),
        Header(1, 2, "Phường/Xã", rows=2),
        Header(1, 3, "Tổng số hộ nghèo", rows=2),
        Header(1, 4, "Tổng số thiếu hụt", rows=2),
        Header(1, 5, "Các chỉ số thiếu hụt" + (" (%)" if percent else " (số hộ)"), cols=12),
        *[Header(2, 4 + i, f"{i}. {name}") for i, name in enumerate(INDICATORS, start=1)],
    ]
    numbering = ["A", "B", "1", "2", *[str(i + 2) for i in range(1, 13)]]
    columns = [
        "tt",
        "unit_name",
        "households",
        "deprivations",
        *[f"d{i:02d}{suffix}" for i in range(1, 13)],
    ]
    official_sheet(
        ws,
        authority=authority,
        title=f"Phân tích các chỉ số thiếu hụt của hộ nghèo năm {year}"
        + (" (tỷ lệ %)" if percent else ""),
        headers=headers,
        numbering=numbering,
        table=table,
        columns=columns,
        rate_columns=frozenset(c for c in columns if c.endswith("_pct")),
    )


def plain_sheet(
    ws: Worksheet, title: str, table: pd.DataFrame, labels: dict[str, str], note: str = ""
) -> None:
    """An annex: a title, a note, and a plain table with Vietnamese column names."""
    write_text(ws, 1, 1, title.upper()).font = Font(bold=True, size=13)
    if note:
        write_text(ws, 2, 1, note).font = Font(italic=True)
    for c, label in enumerate(labels.values(), start=1):
        cell = write_text(ws, 4, c, label)
        cell.font = BOLD
        cell.alignment = CENTER
        cell.border = BOX
        ws.column_dimensions[column_letter(c - 1)].width = max(10, min(40, len(label) + 4))
    for r, row in enumerate(table.to_dict("records"), start=5):
        for c, name in enumerate(labels, start=1):
            value = row.get(name)
            if isinstance(value, bool):
                value = "Đạt" if value else "Chưa đạt"
            if isinstance(value, str) or name in ("tt", "unit_name", "file_path", "sha256"):
                write_text(ws, r, c, None if value is None or value is pd.NA else value)
            else:
                write_value(ws, r, c, value, RATE_FORMAT if name.endswith("_pct") else None)
            ws.cell(row=r, column=c).border = BOX
            if row.get("is_total"):
                ws.cell(row=r, column=c).font = BOLD
    ws.freeze_panes = "A5"
    print_setup(ws, "4:4", "A5")
