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

from giamngheo.transforms.columns import CLASS_LABELS, METADATA_FIELDS
from giamngheo.transforms.legacy import TCVN3, VNI_PAIRS, VNI_SINGLE
from giamngheo.transforms.synthetic import VillageList
from tests.listing import HEADERS, INDICATOR_CODES, LIST_COLUMNS, records

MARK_FIELDS = (*INDICATOR_CODES, "has_merit", "social_protection")
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
    numbers: bool = False,
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
    columns = list(order or LIST_COLUMNS)
    names = {**HEADERS, **(headers or {})}
    if extra_column:
        columns.insert(rng.randrange(1, len(columns)), "__extra__")
        names["__extra__"] = "Số điện thoại"
    if two_row_header:
        first = columns.index(INDICATOR_CODES[0])
        for c, name in enumerate(columns, start=1):
            if name in INDICATOR_CODES:
                number = INDICATOR_CODES.index(name) + 1
                sheet.put(row + 1, c, number if numbers else str(number))
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
    for i, rec in enumerate(records(households)):
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
    **{c: str(i) for i, c in enumerate(INDICATOR_CODES, start=1)},
}


def shuffled(seed: int) -> list[str]:
    columns = list(LIST_COLUMNS)
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


# Spellings of a village in a commune-wide list: section rows and "Thôn" cells vary.
def _village_label(name: str, i: int, bare: bool) -> str:
    """ "Thôn 1", "THÔN 2", "Thôn 03", "thôn 4", and in a village column "5" alone."""
    number = name.rsplit(" ", 1)[-1]
    if not number.isdigit():
        return name
    forms = (name, name.upper(), f"Thôn {int(number):02d}", name.lower(), number)
    return forms[i % (5 if bare else 4)]


def write_commune_wide(
    path: Path,
    lists: list[VillageList],
    *,
    village_column: bool = False,
    repeated_header: bool = True,
    summary_sheet: bool = True,
    numbers_as_numbers: bool = True,
    subtotals: bool = False,
) -> Path:
    """One commune's lists of one year in one workbook, as communes keep them.

    A title naming the commune and year; a two-row header whose indicator columns are
    numbered 1–12 (as numbers) under a merged group; a row numbering the columns. Each
    village's households under a bold section row merged across the table ("Thôn 1",
    "THÔN 2", "Thôn 03"…), or with `village_column` in a "Thôn" column whose cell is left
    blank below the first household of each village. The header and a "Trang 2" row come
    again half-way, as where a printed page was copied; a Tổng cộng row and a signature
    block close the table. A second sheet holds each village's totals.
    """
    meta = lists[0].metadata
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách hộ"
    sheet = Sheet(ws)
    sheet.put(1, 1, f"ỦY BAN NHÂN DÂN {str(meta['commune_name']).upper()}")
    sheet.put(2, 1, f"DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {meta['year']}")
    sheet.put(3, 1, f"{meta['commune_name']}, huyện Phong Điền, tỉnh Thừa Thiên Huế")
    columns = (["__village__"] if village_column else []) + list(LIST_COLUMNS)
    names = {**HEADERS, "__village__": "Thôn"}
    width = len(columns)

    def header(row: int) -> int:
        first = columns.index(INDICATOR_CODES[0]) + 1
        for c, name in enumerate(columns, start=1):
            if name in INDICATOR_CODES:
                number = INDICATOR_CODES.index(name) + 1
                sheet.put(row + 1, c, number if numbers_as_numbers else str(number))
            else:
                sheet.put(row, c, names[name])
                ws.merge_cells(start_row=row, start_column=c, end_row=row + 1, end_column=c)
        sheet.put(row, first, "Các chỉ số thiếu hụt dịch vụ xã hội cơ bản")
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=first + 11)
        for c in range(1, width + 1):
            sheet.put(row + 2, c, f"({c})")
        return row + 3

    row = header(5)
    half = len(lists) // 2
    for i, village in enumerate(lists):
        if repeated_header and i == half:
            sheet.put(row, 1, "Trang 2")
            row = header(row + 1)
        label = _village_label(str(village.metadata["village_name"]), i, village_column)
        if not village_column:
            cell = ws.cell(row=row, column=1, value=label)
            cell.font = Font(bold=True)
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            row += 1
        for j, rec in enumerate(records(village.households)):
            for c, name in enumerate(columns, start=1):
                if name == "__village__":
                    sheet.put(row, c, label if j == 0 else None)
                    continue
                value = _cell_value(name, rec[name])
                sheet.put(row, c, value)
            row += 1
        if subtotals:
            sheet.put(
                row, columns.index("head_name") + 1, f"Cộng {village.metadata['village_name']}"
            )
            sheet.put(row, columns.index("members") + 1, int(village.households["members"].sum()))
            row += 1
    everyone = pd.concat([v.households for v in lists])
    sheet.put(row, columns.index("head_name") + 1, "Tổng cộng")
    sheet.put(row, columns.index("members") + 1, int(everyone["members"].sum()))
    row += 2
    sheet.put(row, 2, "Người lập biểu")
    sheet.put(row, 10, f"TM. ỦY BAN NHÂN DÂN {str(meta['commune_name']).upper()}")
    sheet.put(row + 1, 2, "(Ký, ghi rõ họ tên)")
    sheet.put(row + 1, 10, "CHỦ TỊCH")
    if summary_sheet:
        totals = Sheet(wb.create_sheet("Tổng hợp"))
        totals.put(1, 1, f"TỔNG HỢP SỐ HỘ DÂN CƯ CÁC THÔN NĂM {meta['year']}")
        for c, label in enumerate(("STT", "Thôn", "Tổng số hộ dân cư", "Tổng số nhân khẩu"), 1):
            totals.put(3, c, label)
        for i, village in enumerate(lists, start=1):
            m = village.metadata
            totals.put(3 + i, 1, i)
            totals.put(3 + i, 2, m["village_name"])
            totals.put(3 + i, 3, m["total_households"])
            totals.put(3 + i, 4, m.get("total_persons"))
        last = 4 + len(lists)
        totals.put(last, 2, "Cộng")
        totals.put(last, 3, sum(int(v.metadata["total_households"]) for v in lists))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def to_cp1258(text: str) -> bytes:
    """Unicode → Windows-1258 bytes: a toned vowel as its base letter and a combining tone."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = [m for m in parts if m in "\u0300\u0301\u0303\u0309\u0323"]
            base = "".join(m for m in parts if m not in tones)
            out += unicodedata.normalize("NFC", base).encode("cp1258")
            out += "".join(tones).encode("cp1258")
    return bytes(out)
