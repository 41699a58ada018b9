"""The canonical village workbook (DESIGN §4): what `giamngheo template` hands to villages.

Two sheets: "Thông tin chung" (label in A, value in B) and "Danh sách hộ" (one header row, one
row per surveyed household), with drop-downs for Khu vực, Phân loại and the indicator marks.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from giamngheo.transforms.columns import (
    AREAS,
    CLASS_LABELS,
    HOUSEHOLD_COLUMNS,
    INDICATOR_COLUMNS,
    METADATA_FIELDS,
    NOT_POOR,
    TEMPLATE_HEADERS,
)
from giamngheo.workbooks.cells import write_text, write_value
from giamngheo.workbooks.grid import column_letter

INFO_SHEET = "Thông tin chung"
LIST_SHEET = "Danh sách hộ"
TEMPLATE_ROWS = 400  # rows carrying drop-downs in an empty template
_MARK_FIELDS = (*INDICATOR_COLUMNS, "has_merit", "social_protection")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def write_village_workbook(
    path: Path,
    metadata: Mapping[str, object],
    households: pd.DataFrame | None = None,
) -> Path:
    """Write a village workbook: metadata filled in, and the households if given.

    `metadata` uses the keys of `METADATA_FIELDS` (area as rural | urban); `households` uses
    the canonical columns, with `claimed_class` as a class code and marks as booleans.
    """
    wb = Workbook()
    info = wb.active
    info.title = INFO_SHEET
    _write_info(info, metadata)
    ws = wb.create_sheet(LIST_SHEET)
    _write_list(ws, households)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _write_info(ws, metadata: Mapping[str, object]) -> None:
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 32
    area_row = None
    for r, (name, label) in enumerate(METADATA_FIELDS.items(), start=1):
        write_text(ws, r, 1, label).font = Font(bold=True)
        value = metadata.get(name)
        if name == "area" and value in AREAS:
            value = AREAS[value]
            area_row = r
        if name.endswith("_code") or name in ("commune_name", "village_name", "prepared_by"):
            write_text(ws, r, 2, value)
        else:
            write_value(ws, r, 2, value)
    area_row = area_row or list(METADATA_FIELDS).index("area") + 1
    dv = DataValidation(type="list", formula1=f'"{",".join(AREAS.values())}"', allow_blank=False)
    ws.add_data_validation(dv)
    dv.add(f"B{area_row}")


def _write_list(ws, households: pd.DataFrame | None) -> None:
    for c, name in enumerate(HOUSEHOLD_COLUMNS, start=1):
        cell = write_text(ws, 1, c, TEMPLATE_HEADERS[name])
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[column_letter(c - 1)].width = 6 if name in _MARK_FIELDS else 16
    ws.freeze_panes = "C2"
    n = 0 if households is None else len(households)
    if households is not None:
        _write_rows(ws, households)
    last = max(n + 1, TEMPLATE_ROWS)
    labels = [v for k, v in CLASS_LABELS.items() if k != NOT_POOR]
    class_dv = DataValidation(type="list", formula1=f'"{",".join(labels)}"', allow_blank=True)
    mark_dv = DataValidation(type="list", formula1='"x"', allow_blank=True)
    ws.add_data_validation(class_dv)
    ws.add_data_validation(mark_dv)
    cols = {name: column_letter(i) for i, name in enumerate(HOUSEHOLD_COLUMNS)}
    class_dv.add(f"{cols['claimed_class']}2:{cols['claimed_class']}{last}")
    mark_dv.add(f"{cols[_MARK_FIELDS[0]]}2:{cols[_MARK_FIELDS[-1]]}{last}")


def _write_rows(ws, households: pd.DataFrame) -> None:
    """Marks as "x", classes as their labels, codes and names as text, numbers as numbers.

    A value of another kind than its column expects is written as it is, so a workbook can
    carry exactly what an officer typed (tests build broken workbooks this way).
    """
    text_fields = {"household_code", "head_name", "ethnicity", "note"}
    records = households.reindex(columns=list(HOUSEHOLD_COLUMNS)).to_dict("records")
    for r, rec in enumerate(records, start=2):
        for c, name in enumerate(HOUSEHOLD_COLUMNS, start=1):
            value = rec[name]
            if name in _MARK_FIELDS and isinstance(value, bool | np.bool_):
                if value:
                    write_text(ws, r, c, "x")
            elif name == "claimed_class" and value in CLASS_LABELS:
                write_text(ws, r, c, CLASS_LABELS[value])
            elif name in text_fields and isinstance(value, str):
                write_text(ws, r, c, value)
            else:
                write_value(ws, r, c, value)


def write_plan_workbook(
    path: Path, commune_name: str, year: int, rows: list[dict], total: dict
) -> Path:
    """A commune plan table in the seed's layout: title block, two-row header, Tổng cộng row.

    `rows` hold unit_name, poor_households, poor_rate_pct, target_households, target_rate_pct
    (None leaves a cell empty); `total` the same figures for the Tổng cộng row.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = f"Kế hoạch {year}"
    write_text(ws, 1, 1, f"UBND {commune_name.upper()}").font = Font(bold=True)
    write_text(ws, 1, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").font = Font(bold=True)
    write_text(ws, 2, 5, "Độc lập - Tự do - Hạnh phúc")
    write_text(ws, 4, 1, "KẾ HOẠCH").font = Font(bold=True)
    write_text(ws, 5, 1, f"Thực hiện chương trình mục tiêu quốc gia giảm nghèo năm {year}")
    write_text(ws, 7, 1, f"Chỉ tiêu giảm hộ nghèo năm {year}, cụ thể các thôn như sau:")
    top = 9
    for col, label in ((1, "Stt"), (2, "Đơn vị")):
        write_text(ws, top, col, label).font = Font(bold=True)
        ws.merge_cells(start_row=top, start_column=col, end_row=top + 1, end_column=col)
    for col, label in ((3, f"Hộ nghèo năm {year}"), (5, f"Chỉ tiêu giảm nghèo năm {year}")):
        write_text(ws, top, col, label).font = Font(bold=True)
        ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + 1)
        write_text(ws, top + 1, col, "Hộ")
        write_text(ws, top + 1, col + 1, "Tỷ lệ %")
    figures = ("poor_households", "poor_rate_pct", "target_households", "target_rate_pct")
    r = top + 2
    for seq, row in enumerate([*rows, {**total, "unit_name": "Tổng cộng"}], start=1):
        if row["unit_name"] != "Tổng cộng":
            write_value(ws, r, 1, seq)
        write_text(ws, r, 2, row["unit_name"])
        for col, name in enumerate(figures, start=3):
            write_value(ws, r, col, row.get(name), "0.00" if name.endswith("_pct") else None)
        r += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
