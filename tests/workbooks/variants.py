"""Seeded generator of the shapes real village workbooks take, all from the same households.

Each variant writes the same list the way some village really sends it: title rows, merged
two-row headers, headers without diacritics, synonyms, shuffled and extra columns, numbers
typed as text, income in đồng, other indicator marks, blank and total rows, NFD text, legacy
TCVN3 and VNI fonts. Reading any of them must give the canonical frame back.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from giamngheo.transforms.columns import (
    CLASS_LABELS,
    HOUSEHOLD_COLUMNS,
    INDICATOR_COLUMNS,
    METADATA_FIELDS,
    TEMPLATE_HEADERS,
)
from giamngheo.transforms.legacy import TCVN3, VNI_PAIRS, VNI_SINGLE
from giamngheo.transforms.synthetic import VillageList

MARK_FIELDS = (*INDICATOR_COLUMNS, "has_merit", "social_protection")
TCVN3_ENCODE = {v: k for k, v in TCVN3.items()}
VNI_ENCODE = {v: k for k, v in {**VNI_SINGLE, **VNI_PAIRS}.items() if k != v}


def to_tcvn3(text: str) -> str:
    """Unicode → what a .VnTime cell holds (each TCVN3 byte as its Latin-1 character)."""
    return "".join(TCVN3_ENCODE.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def to_vni(text: str) -> str:
    """Unicode → what a VNI-Times cell holds."""
    return "".join(VNI_ENCODE.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


class Sheet:
    """A tiny cell writer that remembers fonts and merges, on top of openpyxl."""

    def __init__(self, ws, font: str | None = None):
        self.ws, self.font = ws, font

    def put(self, row: int, col: int, value, font: str | None = None) -> None:
        cell = self.ws.cell(row=row, column=col)
        if value is None:
            return
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"
        name = font or self.font
        if name:
            cell.font = Font(name=name)


def _cell_value(
    name: str,
    value,
    *,
    marks: tuple[str, ...] = ("x",),
    text_numbers: bool = False,
    dong: bool = False,
    rng: random.Random | None = None,
):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if name in MARK_FIELDS:
        return (rng.choice(marks) if rng else marks[0]) if value else None
    if name == "claimed_class":
        return CLASS_LABELS[value]
    if name == "income_kvnd":
        amount = value * 1000 if dong else value
        return f"{int(amount):,}".replace(",", ".") if text_numbers else amount
    if name in ("members", "seq") and text_numbers:
        return str(int(value))
    return value


def write_variant(
    path: Path,
    village: VillageList,
    *,
    seed: int = 0,
    headers: dict[str, str] | None = None,
    order: list[str] | None = None,
    extra_column: bool = False,
    title_rows: bool = False,
    info_sheet: bool = True,
    two_row_header: bool = False,
    numbering_row: bool = False,
    blank_rows: bool = False,
    total_row: bool = False,
    text_numbers: bool = False,
    dong: bool = False,
    marks: tuple[str, ...] = ("x",),
    text: Callable[[str], str] = lambda s: s,
    font: str | None = None,
    title_only_metadata: bool = False,
) -> Path:
    """Write one variant of a village list; see the module docstring."""
    rng = random.Random(seed)
    meta = village.metadata
    wb = Workbook()
    ws = wb.active
    ws.title = text("Danh sách hộ")
    sheet = Sheet(ws, font)
    row = 1
    if info_sheet and not title_only_metadata:
        info = Sheet(wb.create_sheet(text("Thông tin chung"), 0), font)
        for r, (name, label) in enumerate(METADATA_FIELDS.items(), start=1):
            value = meta.get(name)
            if name == "area":
                value = {"rural": "Nông thôn", "urban": "Thành thị"}[value]
            info.put(r, 1, text(label))
            info.put(r, 2, text(value) if isinstance(value, str) else value)
    if title_rows or title_only_metadata:
        sheet.put(row, 1, text(f"ỦY BAN NHÂN DÂN {meta['commune_name'].upper()}"))
        row += 1
        sheet.put(row, 1, text(f"DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {meta['year']}"))
        row += 1
        sheet.put(
            row, 1, text(f"{meta['village_name']} – {meta['commune_name']}, huyện Phong Điền")
        )
        row += 1
        if title_only_metadata:
            sheet.put(row, 1, text("Tổng số hộ dân cư:"))
            sheet.put(row, 2, meta["total_households"])
            row += 1
        elif not info_sheet:
            for name in ("village_code", "year", "area", "total_households", "total_persons"):
                value = meta[name]
                if name == "area":
                    value = {"rural": "Nông thôn", "urban": "Thành thị"}[value]
                sheet.put(row, 1, text(METADATA_FIELDS[name] + ":"))
                sheet.put(row, 3, text(value) if isinstance(value, str) else value)
                row += 1
        row += 1
    columns = list(order or HOUSEHOLD_COLUMNS)
    names = {**TEMPLATE_HEADERS, **(headers or {})}
    if extra_column:
        columns.insert(rng.randrange(1, len(columns)), "__extra__")
        names["__extra__"] = "Số điện thoại"
    if two_row_header:
        first = columns.index("d01")
        for c, name in enumerate(columns, start=1):
            if name in INDICATOR_COLUMNS:
                sheet.put(row + 1, c, str(INDICATOR_COLUMNS.index(name) + 1))
            else:
                sheet.put(row, c, text(names[name]))
                ws.merge_cells(start_row=row, start_column=c, end_row=row + 1, end_column=c)
        sheet.put(row, first + 1, text("Các chỉ số thiếu hụt dịch vụ xã hội cơ bản"))
        ws.merge_cells(start_row=row, start_column=first + 1, end_row=row, end_column=first + 12)
        row += 2
    else:
        for c, name in enumerate(columns, start=1):
            sheet.put(row, c, text(names[name]))
        row += 1
    if numbering_row:
        for c in range(1, len(columns) + 1):
            sheet.put(row, c, f"({c})")
        row += 1
    households = village.households
    for i, rec in enumerate(households.to_dict("records")):
        if blank_rows and i % 4 == 2:
            row += 1
        for c, name in enumerate(columns, start=1):
            if name == "__extra__":
                sheet.put(row, c, f"09{rng.randrange(10**7, 10**8)}")
                continue
            value = _cell_value(
                name, rec[name], marks=marks, text_numbers=text_numbers, dong=dong, rng=rng
            )
            sheet.put(row, c, text(value) if isinstance(value, str) else value)
        row += 1
    if total_row:
        sheet.put(row, columns.index("head_name") + 1, text("Tổng cộng"))
        sheet.put(row, columns.index("members") + 1, int(households["members"].sum()))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


NO_DIACRITICS = {
    "seq": "TT",
    "household_code": "MA SO HO",
    "head_name": "HO TEN\nCHU HO",
    "ethnicity": "DAN TOC",
    "members": "SO KHAU",
    "income_kvnd": "TNBQ (nghin dong)",
    "claimed_class": "PHAN LOAI HO",
    "has_merit": "HO CO NGUOI CO CONG",
    "social_protection": "HO BAO TRO XA HOI",
    "note": "GHI CHU",
    **{c: str(i) for i, c in enumerate(INDICATOR_COLUMNS, start=1)},
}


def shuffled(seed: int) -> list[str]:
    columns = list(HOUSEHOLD_COLUMNS)
    random.Random(seed).shuffle(columns)
    return columns


# name → keyword arguments of write_variant, and the warnings that variant must raise.
VARIANTS: dict[str, tuple[dict, list[str]]] = {
    "canonical": ({}, []),
    "title_rows": ({"title_rows": True}, []),
    "labels_above_table": ({"title_rows": True, "info_sheet": False}, []),
    "two_row_merged_header": ({"two_row_header": True, "numbering_row": True}, []),
    "no_diacritics_synonyms": ({"headers": NO_DIACRITICS}, []),
    "shuffled_and_extra_column": (
        {"order": shuffled(7), "extra_column": True},
        ["FILE-EXTRA-COLUMN"],
    ),
    "numbers_as_text": ({"text_numbers": True}, []),
    "income_in_dong": (
        {
            "dong": True,
            "text_numbers": True,
            "headers": {"income_kvnd": "Thu nhập bình quân (đồng/người/tháng)"},
        },
        [],
    ),
    "other_marks": ({"marks": ("X", "1", "có", "✓", "v")}, []),
    "blank_and_total_rows": ({"blank_rows": True, "total_row": True}, []),
    "nfd_text": ({"text": nfd}, []),
    "tcvn3_font": ({"text": to_tcvn3, "font": ".VnTime"}, []),
    "vni_font": ({"text": to_vni, "font": "VNI-Times"}, []),
}
