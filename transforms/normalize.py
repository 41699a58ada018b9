"""Turning raw cell values into typed values, the way a Vietnamese officer wrote them.

Each parser takes what a spreadsheet reader returns for a cell (str, float, int, bool, date or
empty string) and returns a typed value, None for an empty cell, or raises `CellError` with the
reason; the reader turns that into an Issue at the cell.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from giamngheo.transforms.columns import AVERAGE, NEAR_POOR, NOT_POOR, POOR, fold

FORMULA_ERRORS = frozenset(
    {"#DIV/0!", "#REF!", "#VALUE!", "#N/A", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA"}
)


class CellError(ValueError):
    """A cell's value cannot be read as the type its column needs."""


def is_blank(value: object) -> bool:
    """True for an empty cell: None, NaN, or a string of white space only."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def has_control_characters(text: str) -> bool:
    """Control, zero-width, BOM or bidirectional-override characters (never typed on purpose)."""
    return _CONTROL.search(text) is not None


def remove_control_characters(text: str) -> str:
    return _CONTROL.sub("", text)


def is_formula_error(value: object) -> bool:
    """True when the cell holds an Excel error value such as #DIV/0!."""
    return isinstance(value, str) and "#" in value and value.strip().upper() in FORMULA_ERRORS


def clean_text(value: object) -> str | None:
    """Cell as text: Unicode NFC, trimmed, inner white space collapsed; None when blank.

    Whole numbers stored as floats lose their ".0" (a code typed as 123 reads "123").
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = unicodedata.normalize("NFC", str(value))
    return re.sub(r"\s+", " ", text).strip() or None


_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_INT = re.compile(r"[+-]?\d+")
_VI_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+")
_VI_DECIMAL = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})*,\d+|[+-]?\d+,\d+")
_EN_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?")
_DOT_DECIMAL = re.compile(r"[+-]?\d*\.\d+")


def parse_number(value: object) -> float | None:
    """A number from a numeric cell or from text written the Vietnamese way.

    "1.500.000" → 1500000, "2,22" → 2.22, "1.234,5" → 1234.5, "1 500" → 1500. A dot followed
    by other than groups of three digits is a decimal point ("2.5" → 2.5); several comma
    groups are thousands ("1,500,000"). Anything else (units, words, "1,5tr") raises.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("a TRUE/FALSE value is not a number")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise CellError("not a finite number")
        return float(value)
    if not isinstance(value, str):
        raise CellError(f"a {type(value).__name__} is not a number")
    text = _SPACES.sub("", unicodedata.normalize("NFKC", value))
    if _INT.fullmatch(text):
        return float(text)
    if _VI_THOUSANDS.fullmatch(text):
        return float(text.replace(".", ""))
    if _VI_DECIMAL.fullmatch(text):
        return float(text.replace(".", "").replace(",", "."))
    if _EN_THOUSANDS.fullmatch(text):
        return float(text.replace(",", ""))
    if _DOT_DECIMAL.fullmatch(text):
        return float(text)
    raise CellError("not a number")


def parse_whole(value: object) -> int | None:
    """A whole number (e.g. members of a household); 3.0 is fine, 3.5 raises."""
    number = parse_number(value)
    if number is None:
        return None
    if not number.is_integer():
        raise CellError("not a whole number")
    return int(number)


_MARK_TRUE = frozenset({"x", "1", "co", "v", "✓", "✔", "☑", "+", "yes", "true"})
_MARK_FALSE = frozenset({"0", "khong", "-", "no", "false"})


def parse_mark(value: object) -> bool:
    """An indicator mark: x / X / 1 / có / ✓ / v mean True; blank, 0, không mean False."""
    if value == "x" or value == "X":
        return True
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise CellError("a mark is x or blank")
    text = unicodedata.normalize("NFC", str(value)).strip()
    key = fold(text) or text
    if key in _MARK_TRUE or text in _MARK_TRUE:
        return True
    if key in _MARK_FALSE:
        return False
    raise CellError("a mark is x or blank")


_CLASS_SPELLINGS: dict[str, str] = {
    **dict.fromkeys(("ngheo", "ho ngheo", "hn"), POOR),
    **dict.fromkeys(("can ngheo", "ho can ngheo", "hcn", "cn"), NEAR_POOR),
    **dict.fromkeys(
        (
            "muc song trung binh",
            "ho co muc song trung binh",
            "ho muc song trung binh",
            "trung binh",
            "mstb",
            "tb",
        ),
        AVERAGE,
    ),
    **dict.fromkeys(("khong ngheo", "ho khong ngheo", "kn"), NOT_POOR),
}


def parse_class(value: object) -> str | None:
    """A household class code from how officers write it ("Hộ cận nghèo" → near_poor)."""
    if is_blank(value):
        return None
    code = _CLASS_SPELLINGS.get(fold(value))
    if code is None:
        raise CellError("not a household class")
    return code


_AREA_SPELLINGS: dict[str, str] = {
    **dict.fromkeys(("nong thon", "khu vuc nong thon", "rural", "nt"), "rural"),
    # 2027–2030: "khu vực đô thị" (Nghị định 351/2025), before "thành thị"
    **dict.fromkeys(
        ("thanh thi", "khu vuc thanh thi", "do thi", "khu vuc do thi", "urban", "tt"), "urban"
    ),
}


def parse_area(value: object) -> str | None:
    """rural | urban from "Nông thôn" / "Thành thị", "Đô thị" (and their common spellings)."""
    if is_blank(value):
        return None
    area = _AREA_SPELLINGS.get(fold(value))
    if area is None:
        raise CellError("not an area")
    return area


def parse_code(value: object) -> str | None:
    """An identifier as text: no "123.0", leading zeros kept when the cell was text."""
    text = clean_text(value)
    return text.replace(" ", "") if text else None
