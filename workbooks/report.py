"""The district report workbook (DESIGN §7), and the same tables as CSV files beside it.

Every figure comes from `transforms.reports`; this module only lays it out: Tổng hợp (with a
bar chart of the poverty rate by commune), one sheet per commune in the layout of the commune
plan, Diễn biến hộ nghèo and hộ cận nghèo, Thiếu hụt (counts and %), Chỉ tiêu & thực hiện,
Chất lượng dữ liệu and Nguồn. Numbers are stored as numbers, rates with 2 decimals.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from giamngheo.transforms.reports import SUMMARY_COLUMNS
from giamngheo.workbooks.cells import write_text, write_value
from giamngheo.workbooks.feedback import csv_safe
from giamngheo.workbooks.report_tables import (
    BOLD,
    BOX,
    COUNT_FORMAT,
    RATE_FORMAT,
    Header,
    deprivation_sheet,
    dynamics_sheet,
    header_block,
    merged,
    official_sheet,
    plain_sheet,
    print_setup,
)


@dataclass
class CommuneSheet:
    """One commune's table in the plan's layout, and its goal line (may be empty)."""

    code: str
    name: str
    table: pd.DataFrame
    goal_line: str = ""


@dataclass
class ReportData:
    """Everything one report workbook shows, already computed."""

    parent_name: str
    year: int
    summary: pd.DataFrame
    communes: list[CommuneSheet] = field(default_factory=list)
    dynamics_poor: pd.DataFrame | None = None
    dynamics_near_poor: pd.DataFrame | None = None
    deprivation: pd.DataFrame | None = None
    targets: pd.DataFrame | None = None
    quality: pd.DataFrame | None = None
    sources: pd.DataFrame | None = None


def write_report(path: Path, data: ReportData) -> Path:
    """Write the workbook (atomically: a temporary file renamed into place) and the CSV files."""
    authority = f"Ủy ban nhân dân {data.parent_name}"
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    _summary_sheet(ws, authority, data.year, data.summary)
    used = {ws.title}
    for commune in data.communes:
        sheet = wb.create_sheet(_sheet_title(commune.name, commune.code, used))
        _commune_sheet(sheet, commune, data.year)
    tables: dict[str, pd.DataFrame] = {"tong_hop": data.summary}
    if data.dynamics_poor is not None:
        dynamics_sheet(
            wb.create_sheet("Diễn biến hộ nghèo"), authority, data.year, "poor", data.dynamics_poor
        )
        tables["dien_bien_ho_ngheo"] = data.dynamics_poor
    if data.dynamics_near_poor is not None:
        dynamics_sheet(
            wb.create_sheet("Diễn biến hộ cận nghèo"),
            authority,
            data.year,
            "near_poor",
            data.dynamics_near_poor,
        )
        tables["dien_bien_ho_can_ngheo"] = data.dynamics_near_poor
    if data.deprivation is not None:
        deprivation_sheet(
            wb.create_sheet("Thiếu hụt"), authority, data.year, data.deprivation, percent=False
        )
        deprivation_sheet(
            wb.create_sheet("Thiếu hụt (%)"), authority, data.year, data.deprivation, percent=True
        )
        tables["thieu_hut"] = data.deprivation
    if data.targets is not None:
        plain_sheet(
            wb.create_sheet("Chỉ tiêu & thực hiện"),
            f"Chỉ tiêu giảm nghèo năm {data.year} và thực hiện",
            data.targets,
            TARGET_LABELS,
            note=TARGET_NOTE,
        )
        tables["chi_tieu_thuc_hien"] = data.targets
    if data.quality is not None:
        plain_sheet(
            wb.create_sheet("Chất lượng dữ liệu"),
            f"Chất lượng dữ liệu năm {data.year}",
            data.quality,
            QUALITY_LABELS,
        )
        tables["chat_luong_du_lieu"] = data.quality
    if data.sources is not None:
        plain_sheet(
            wb.create_sheet("Nguồn"), f"Nguồn số liệu năm {data.year}", data.sources, SOURCE_LABELS
        )
        tables["nguon"] = data.sources
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)
    for commune in data.communes:
        tables[f"xa_{commune.code}"] = commune.table
    _write_csvs(path.with_suffix(""), tables)
    return path


TARGET_LABELS = {
    "tt": "TT",
    "unit_name": "Phường/Xã",
    "target_households": "Chỉ tiêu giảm (hộ)",
    "poor_households": "Hộ nghèo đầu năm",
    "actual_exits": "Thoát nghèo thực tế (hộ)",
    "met": "Kết quả",
}
TARGET_NOTE = (
    "Thoát nghèo thực tế lấy từ danh sách năm sau (hộ nghèo thoát nghèo: cột 2 + 3 của "
    "diễn biến); để trống khi chưa có danh sách năm sau."
)
QUALITY_LABELS = {
    "commune_code": "Mã xã",
    "commune_name": "Phường/Xã",
    "villages_expected": "Số thôn",
    "villages_submitted": "Đã nộp",
    "villages_rejected_only": "Bị từ chối",
    "villages_missing": "Chưa nộp",
    "reporting_rate_pct": "Tỷ lệ nộp (%)",
    "warnings": "Cảnh báo",
}
SOURCE_LABELS = {
    "file_path": "Tệp",
    "kind": "Loại",
    "village_code": "Mã thôn",
    "commune_code": "Mã xã",
    "status": "Trạng thái",
    "household_count": "Số hộ",
    "processed_at": "Thời điểm xử lý",
    "sha256": "SHA-256",
}


def _sheet_title(name: str, code: str, used: set[str]) -> str:
    """An Excel-safe, unique sheet title (≤ 31 characters, none of []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or code
    title = base if base not in used else f"{base[: 31 - len(code) - 1]} {code}"
    used.add(title)
    return title


def _summary_sheet(ws: Worksheet, authority: str, year: int, summary: pd.DataFrame) -> None:
    headers = [
        Header(1, 1, "TT", rows=3),
        Header(1, 2, "Phường/Xã", rows=3),
        Header(1, 3, "Tổng số hộ dân cư", rows=2, cols=2),
        Header(3, 3, "Số hộ"),
        Header(3, 4, "Nhân khẩu"),
        Header(1, 5, "Kết quả rà soát về hộ", cols=6),
        Header(1, 11, "Kết quả rà soát về khẩu", cols=6),
    ]
    for base, unit in ((5, "Số hộ"), (11, "Số khẩu")):
        for g, label in enumerate(("Hộ nghèo", "Hộ cận nghèo", "Hộ có mức sống trung bình")):
            c = base + 2 * g
            headers += [
                Header(2, c, label, cols=2),
                Header(3, c, unit),
                Header(3, c + 1, "Tỷ lệ (%)"),
            ]
    numbering = [
        "A",
        "B",
        "1",
        "2",
        "3",
        "4=3/1*100",
        "5",
        "6=5/1*100",
        "7",
        "8=7/1*100",
        "9",
        "10=9/2*100",
        "11",
        "12=11/2*100",
        "13",
        "14=13/2*100",
    ]
    official_sheet(
        ws,
        authority=authority,
        title=f"Tổng hợp kết quả rà soát hộ nghèo, hộ cận nghèo, hộ có mức sống trung bình năm {year}",
        headers=headers,
        numbering=numbering,
        table=summary,
        columns=["tt", "unit_name", *SUMMARY_COLUMNS],
        rate_columns=frozenset(c for c in SUMMARY_COLUMNS if c.endswith("_pct")),
    )
    first = 10  # header block (5 rows) + 3 header rows + numbering row, then the total row
    communes = len(summary) - 1
    if communes > 0:
        chart = BarChart()
        chart.type = "col"
        chart.title = f"Tỷ lệ hộ nghèo theo xã năm {year} (%)"
        chart.y_axis.title = "%"
        rates = Reference(ws, min_col=6, min_row=first + 1, max_row=first + communes)
        chart.add_data(rates, titles_from_data=False)
        chart.set_categories(Reference(ws, min_col=2, min_row=first + 1, max_row=first + communes))
        chart.series[0].tx = None
        chart.legend = None
        chart.height, chart.width = 9, 24
        ws.add_chart(chart, f"B{first + communes + 3}")


def _commune_sheet(ws: Worksheet, commune: CommuneSheet, year: int) -> None:
    width = 7
    top = header_block(
        ws, width, f"Ủy ban nhân dân {commune.name}", f"Hộ nghèo và chỉ tiêu giảm nghèo năm {year}"
    )
    low = top + 1
    merged(ws, top, 1, low, 1, "Stt")
    merged(ws, top, 2, low, 2, "Đơn vị")
    merged(ws, top, 3, top, 4, f"Hộ nghèo năm {year}")
    merged(ws, top, 5, top, 6, f"Chỉ tiêu giảm nghèo năm {year}")
    merged(ws, top, 7, low, 7, "Ghi chú")
    for c, label in ((3, "Hộ"), (4, "Tỷ lệ %"), (5, "Hộ"), (6, "Tỷ lệ %")):
        merged(ws, low, c, low, c, label)
    r = low + 1
    for row in commune.table.itertuples(index=False):
        write_text(ws, r, 1, row.stt)
        write_text(ws, r, 2, row.unit_name)
        write_value(ws, r, 3, row.poor_households, COUNT_FORMAT)
        write_value(ws, r, 4, row.poor_rate_pct, RATE_FORMAT)
        write_value(ws, r, 5, row.target_households, COUNT_FORMAT)
        write_value(ws, r, 6, row.target_rate_pct, RATE_FORMAT)
        if not row.submitted and not row.is_total:
            write_text(ws, r, 7, "Chưa có danh sách")
        for c in range(1, width + 1):
            ws.cell(row=r, column=c).border = BOX
            if row.is_total:
                ws.cell(row=r, column=c).font = BOLD
        r += 1
    if commune.goal_line:
        write_text(ws, r + 1, 1, commune.goal_line).font = Font(italic=True)
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 22
    for c in "CDEF":
        ws.column_dimensions[c].width = 11
    ws.column_dimensions["G"].width = 18
    print_setup(ws, f"{top}:{low}", f"C{low + 1}")


def _write_csvs(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Each table as CSV (UTF-8 with BOM), text that starts like a formula kept as text."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(table.columns)
            for row in table.itertuples(index=False):
                writer.writerow(
                    [
                        ""
                        if v is None or (not isinstance(v, str) and pd.isna(v))
                        else csv_safe(v)
                        if isinstance(v, str)
                        else v
                        for v in row
                    ]
                )
