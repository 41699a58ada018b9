"""What a header cell names: a household field, or a deprivation indicator of some standard.

Fields are matched by their declared spellings (`columns.match_header`). An indicator header
names it by its name ("Xử lý rác thải sinh hoạt"), by its number ("9", "(9)", "Chỉ số 9") or
both ("9. Nguồn nước sinh hoạt"); a number alone means the indicator of that number in the
set of the list's own standard, which is known only once the list's year is read, so a header
is matched to candidates first (`IndicatorHeader`) and resolved against the list's standard
afterwards (`resolve_indicators`). A name wins over a number: columns copied from another
period's form keep their meaning, and a list made with another period's set is told so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from giamngheo.transforms.columns import fold, match_header
from giamngheo.transforms.standards import Catalog, Standard

# "1", "1 viec lam", "chi so 3 dinh duong", "12 phuong tien phuc vu tiep can thong tin".
_NUMBERED = re.compile(r"(?:chi so )?(\d{1,2})(?: (.*))?")


@dataclass(frozen=True)
class IndicatorHeader:
    """An indicator header before the list's standard is known: the codes its name may mean
    (in any standard's set) and the number it states."""

    codes: frozenset[str] = frozenset()
    number: int | None = None


class HeaderMatcher:
    """Matches header cells against the fields and the indicator sets of a catalog; each
    folded text is matched once."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.largest = max((len(s.indicators) for s in catalog.standards), default=0)
        self._names: list[tuple[str, str]] = [
            (key, indicator.code)
            for standard in catalog.standards
            for indicator in standard.indicators
            for key in indicator.keys
        ]
        self._cache: dict[str, object] = {}

    def match(self, text: object) -> str | IndicatorHeader | None:
        """A field name, an `IndicatorHeader`, or None when the cell names neither."""
        found = match_header(text)
        if found is not None:
            return found
        if text.__class__ is float and text.is_integer():
            text = int(text)  # Excel stores a typed 9 as the number 9.0
        key = fold(text)
        if key not in self._cache:
            self._cache[key] = self._indicator(key)
        return self._cache[key]

    def _indicator(self, key: str) -> IndicatorHeader | None:
        if not key:
            return None
        numbered = _NUMBERED.fullmatch(key)
        number, rest = (int(numbered[1]), numbered[2] or "") if numbered else (None, key)
        if number is not None and not 1 <= number <= self.largest:
            return None
        if not rest:
            return IndicatorHeader(frozenset(), number)
        if number is None:  # a name alone: the whole name, or the name then more words
            codes = frozenset(
                code for name, code in self._names if rest == name or rest.startswith(name + " ")
            )
        else:  # after a number a name may be cut short ("9 nguon nuoc")
            codes = frozenset(
                code for name, code in self._names if name.startswith(rest) or rest.startswith(name)
            )
        if not codes:
            return None
        return IndicatorHeader(codes, number)


@dataclass
class Resolved:
    """The indicator columns of a list under its standard: code → column, the columns that
    name indicators of another set (column → header), the standard's indicators the list
    lacks, and another standard whose set the columns fit instead (a list made on another
    period's form)."""

    columns: dict[str, int] = field(default_factory=dict)
    foreign: dict[int, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    fits_instead: Standard | None = None


def resolve_indicators(
    headers: dict[int, IndicatorHeader], texts: dict[int, str], standard: Standard, catalog: Catalog
) -> Resolved:
    """The indicator columns (`headers`, by column; `texts` their header text) under
    `standard`, and whether another set fits them better."""
    found = _assign(headers, standard)
    out = Resolved(columns=found)
    taken = set(found.values())
    out.foreign = {c: texts.get(c, "") for c in headers if c not in taken}
    out.missing = [code for code in standard.codes if code not in found]
    if out.missing or out.foreign:
        for other in catalog.sets:
            if other.id == standard.id:
                continue
            theirs = _assign(headers, other)
            if len(theirs) == len(other.indicators) and len(theirs) > len(found):
                out.fits_instead = other
                break
    return out


def _assign(headers: dict[int, IndicatorHeader], standard: Standard) -> dict[str, int]:
    """code → column under `standard`: a column naming one of its indicators takes it (by name
    first, then by the number it states); a bare number, the indicator of that number."""
    codes = set(standard.codes)
    found: dict[str, int] = {}
    # named headers first: their names decide, whatever number they carry
    for col, header in sorted(headers.items()):
        fitting = sorted(header.codes & codes, key=standard.codes.index)
        if not fitting:
            continue
        by_number = [
            c for c in fitting if header.number and standard.indicator(c).number == header.number
        ]
        code = (by_number or fitting)[0]
        if code not in found:
            found[code] = col
    for col, header in sorted(headers.items()):
        if header.codes or header.number is None or col in found.values():
            continue
        if header.number <= len(standard.indicators):
            code = standard.indicators[header.number - 1].code
            if code not in found:
                found[code] = col
    return found
