"""Which cells are typed in a legacy Vietnamese font (.VnTime, VNI-Times…), and their text fixed.

Cell values come from calamine; fonts are looked up only when the file mentions a legacy font
at all (a byte search), with openpyxl for .xlsx and xlrd for .xls, so a modern file never pays
for it.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from giamngheo.transforms.legacy import decode, encoding_for_font
from giamngheo.workbooks.formats import XLS, XLSX
from giamngheo.workbooks.grid import Grid

_LEGACY_NAME = re.compile(rb"\.vn|vni[- ]", re.IGNORECASE)


def mentions_legacy_font(path: Path, fmt: str) -> bool:
    """Cheap test: does the file name a legacy font anywhere?"""
    if fmt == XLSX:
        try:
            with zipfile.ZipFile(path) as archive:
                styles = archive.read("xl/styles.xml")
        except (KeyError, zipfile.BadZipFile, OSError):
            return False
        return bool(_LEGACY_NAME.search(styles))
    if fmt == XLS:
        data = path.read_bytes()
        utf16 = data.replace(b"\x00", b"")  # BIFF8 may store font names as UTF-16
        return bool(_LEGACY_NAME.search(data) or _LEGACY_NAME.search(utf16))
    return False


def fix_legacy_text(path: Path, fmt: str, grids: dict[str, Grid]) -> int:
    """Convert, in place, every text cell typed in a legacy font; returns how many changed."""
    if not mentions_legacy_font(path, fmt):
        return 0
    fonts = _xlsx_fonts(path) if fmt == XLSX else _xls_fonts(path)
    changed = 0
    for sheet, cells in fonts.items():
        grid = grids.get(sheet)
        if grid is None:
            continue
        for (r, c), encoding in cells.items():
            if r < len(grid) and c < len(grid[r]) and isinstance(grid[r][c], str):
                fixed = decode(grid[r][c], encoding)
                if fixed != grid[r][c]:
                    grid[r][c] = fixed
                    changed += 1
    return changed


def _xlsx_fonts(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    from openpyxl import load_workbook

    out: dict[str, dict[tuple[int, int], str]] = {}
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            cells: dict[tuple[int, int], str] = {}
            for row in ws.iter_rows():
                for cell in row:
                    if not isinstance(getattr(cell, "value", None), str):
                        continue
                    encoding = encoding_for_font(cell.font.name if cell.font else None)
                    if encoding:
                        cells[(cell.row - 1, cell.column - 1)] = encoding
            out[ws.title] = cells
    finally:
        wb.close()
    return out


def _xls_fonts(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    import xlrd

    out: dict[str, dict[tuple[int, int], str]] = {}
    book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    try:
        for sheet in book.sheets():
            cells: dict[tuple[int, int], str] = {}
            for r in range(sheet.nrows):
                for c in range(sheet.ncols):
                    if sheet.cell_type(r, c) != xlrd.XL_CELL_TEXT:
                        continue
                    font = book.font_list[book.xf_list[sheet.cell_xf_index(r, c)].font_index]
                    encoding = encoding_for_font(font.name)
                    if encoding:
                        cells[(r, c)] = encoding
            out[sheet.name] = cells
    finally:
        book.release_resources()
    return out
