"""Which year a list is: the year it applies to, whatever year its sheet states.

The review at the end of year Y makes the list that applies in Y + 1 ("kết quả rà soát năm
2023" are the poor households of 2024). A list says its year in a label ("Năm: 2027", "Năm rà
soát: 2026") or in its title ("Danh sách hộ nghèo năm 2027", "Kết quả rà soát hộ nghèo năm
2026"). Each way of saying it is declared once here, with the years it adds; the list's year
is what they say, and two that disagree are an issue at both cells (VR-YEAR-CONFLICT).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Metadata labels (folded) that state a year, and the years to add to it.
YEAR_LABELS: dict[str, int] = {
    "nam": 0,
    "danh sach nam": 0,
    "nam ap dung": 0,
    "nam cua danh sach": 0,
    "nam ra soat": 1,
    "ra soat nam": 1,
    "ket qua ra soat nam": 1,
}
# Phrases of a title (folded), tried in this order; the first that fits says the year.
YEAR_PHRASES: tuple[tuple[re.Pattern, int], ...] = (
    (re.compile(r"\bra soat cuoi nam (20\d\d)\b"), 1),
    (re.compile(r"\bket qua ra soat\b.*?\bnam (20\d\d)\b"), 1),
    (re.compile(r"\bnam ra soat (20\d\d)\b"), 1),
    (re.compile(r"\bnam (20\d\d)\b"), 0),
)


@dataclass(frozen=True)
class YearStatement:
    """A place where a list states its year: the year it means (offset applied), the year
    as written, where it is (sheet, cell) and how it said it."""

    year: int
    written: int
    sheet: str
    cell: str
    words: str  # the label or the phrase ("Năm rà soát", "Kết quả rà soát … năm")


def label_offset(label: str) -> int | None:
    """The years a label (folded) adds to the year beside it, or None when it states none."""
    return YEAR_LABELS.get(label)


def title_year(text: str) -> tuple[int, int, str] | None:
    """(the list's year, the year written, the words that said it) of a title (folded)."""
    for pattern, offset in YEAR_PHRASES:
        found = pattern.search(text)
        if found:
            written = int(found.group(1))
            words = "rà soát … năm" if offset else "năm"
            return written + offset, written, words
    return None


def settle(statements: list[YearStatement]) -> tuple[int | None, list[YearStatement]]:
    """The list's year from what it states (a label over a title), and the statements that
    disagree with it (empty when they all agree)."""
    if not statements:
        return None, []
    chosen = statements[0]
    return chosen.year, [s for s in statements[1:] if s.year != chosen.year]
