"""What a list's "Tổng cộng" row should state: one rule for the reader (a commune-wide list's
grand total, checked as it is read) and the domain check of each list's own totals row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from giamngheo.transforms.fields import COUNTED, FIELDS, MARKED, SUMMED

# How a totals row states each field (`fields.py`); an indicator's column counts its marks.
FIELD_TOTALS: dict[str, str] = {f.name: f.total for f in FIELDS if f.total}


def total_kind(name: str, indicator_codes: Iterable[str] = ()) -> str | None:
    """COUNTED, SUMMED or MARKED for a field or an indicator code; None for what a totals row
    does not state."""
    if name in FIELD_TOTALS:
        return FIELD_TOTALS[name]
    return MARKED if name in set(indicator_codes) else None


def expected_total(kind: str, values: Sequence) -> int:
    """What the rows' `values` of a column add up to, as a totals row states it: the rows
    counted, the values summed, or the rows marked counted."""
    if kind == COUNTED:
        return len(values)
    if kind == SUMMED:
        return int(sum(v for v in values if v is not None and v == v))
    return sum(1 for v in values if v is True or (v is not None and v == v and bool(v)))


def differences(
    stated: Mapping[str, object], columns: Mapping[str, Sequence], indicator_codes: Iterable[str]
) -> list[tuple[str, float, int]]:
    """(field or code, the number stated, what the rows give) for every figure of a totals
    row that its rows contradict. `columns` holds the rows' values per field, and per
    indicator code whether each row is deprived in it."""
    codes = set(indicator_codes)
    out = []
    for name, number in stated.items():
        kind = total_kind(name, codes)
        if kind is None or number is None or number != number:
            continue
        expected = expected_total(kind, columns.get(name, ()))
        if float(number) != expected:
            out.append((name, float(number), expected))
    return out
