"""Writing cells that stay what they are: text as text, numbers as numbers."""

from __future__ import annotations

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

EXCEL_MAX_TEXT = 32_767


def safe_text(value: object) -> str:
    """Text openpyxl can store: control characters removed, cut to Excel's cell limit."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return text[:EXCEL_MAX_TEXT]


def write_text(ws: Worksheet, row: int, col: int, value: object):
    """Write a string cell that never becomes a formula ("=HYPERLINK(…)" stays text)."""
    cell = ws.cell(row=row, column=col)
    if value is None:
        return cell
    cell.value = safe_text(value)
    cell.data_type = "s"
    return cell


def write_value(ws: Worksheet, row: int, col: int, value: object, number_format: str | None = None):
    """Write a number as a number, a missing value as an empty cell and anything else as text."""
    if value is None or (
        not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)
    ):
        return ws.cell(row=row, column=col)
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalar → Python number
    if isinstance(value, bool) or not isinstance(value, int | float):
        return write_text(ws, row, col, value)
    cell = ws.cell(row=row, column=col, value=value)
    if number_format:
        cell.number_format = number_format
    return cell
