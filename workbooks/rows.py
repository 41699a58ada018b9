"""Reading the household rows of a located table: which rows are households, each cell parsed
as its field declares (`transforms/fields.py`), the deprivations by indicator of the list's
standard, and everything unreadable an Issue at its cell."""

from __future__ import annotations

import json
import re
import statistics
import unicodedata
from collections.abc import Callable
from operator import itemgetter

from giamngheo.transforms import normalize as nz
from giamngheo.transforms import totals
from giamngheo.transforms.columns import (
    BIRTH_DATE,
    DEPRIVATIONS,
    NATIONAL_ID,
    REQUIRED_FIELDS,
    REVIEW_DATE,
    SIDE_HEADERS,
    TEMPLATE_HEADERS,
    VILLAGE,
    fold,
)
from giamngheo.transforms.fields import FIELDS, Field
from giamngheo.transforms.headers import HeaderMatcher, Resolved, resolve_indicators
from giamngheo.transforms.issues import make_issue
from giamngheo.transforms.standards import Catalog, Standard
from giamngheo.transforms.submission import Submission
from giamngheo.workbooks.grid import Grid, cell_ref, column_letter
from giamngheo.workbooks.handtyped import parse_date, parse_national_id
from giamngheo.workbooks.locate import MIN_HEADER_FIELDS, TableLocation, count_fields
from giamngheo.workbooks.villages import is_page_row, is_signature_row, section_label

FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
# How a cell of each kind is read; the field says which rule a bad cell breaks.
PARSERS: dict[str, Callable[[object], object]] = {
    "seq": nz.parse_whole,
    "code": nz.parse_code,
    "text": nz.clean_text,
    "whole": nz.parse_whole,
    "number": nz.parse_number,
    "mark": nz.parse_mark,
    "class": nz.parse_class,
}
MARK_RULE = "HH-MARK"
_KEPT_SIDE_FIELDS = (REVIEW_DATE, NATIONAL_ID, BIRTH_DATE)  # stored in `extra`, typed


def choose_standard(loc: TableLocation, catalog: Catalog, year: object) -> Standard | None:
    """The standard whose indicator set the list is read under: its year's national standard,
    or (a year no standard covers: the year is an issue anyway) the set its columns fit best."""
    standard = catalog.national(year)
    if standard is not None or not catalog.sets:
        return standard
    texts = {c: "" for c in loc.indicators}
    scored = [
        (len(resolve_indicators(loc.indicators, texts, s, catalog).columns), s.first_year, s)
        for s in catalog.sets
    ]
    return max(scored, key=lambda t: (t[0], t[1]))[2]


def read_households(
    grid: Grid,
    loc: TableLocation,
    sub: Submission,
    matcher: HeaderMatcher,
    standard: Standard | None,
    skip: set[int] = frozenset(),
) -> list | None:
    """The household rows into `sub.rows`, and each row's village (label, cell) when the table
    holds several villages (None when it names none). Rows in `skip` belong to another table
    (the villages' totals)."""
    sub.sheet = loc.sheet
    codes: tuple[str, ...] = ()
    if standard is not None:
        texts = {c: loc.header_text(grid, c).strip() for c in loc.indicators}
        resolved = resolve_indicators(loc.indicators, texts, standard, matcher.catalog)
        if not _indicators_usable(sub, resolved, standard):
            sub.columns = {f: column_letter(c) for f, c in loc.columns.items()}
            return None
        codes = standard.codes
        loc.columns = {**loc.columns, **resolved.columns}
        loc.extra = {**loc.extra, **resolved.foreign}
        for code, c in resolved.columns.items():
            loc.headers[code] = texts.get(c) or _label(standard, code)
            sub.headers[code] = loc.headers[code]
    sub.columns = {f: column_letter(c) for f, c in loc.columns.items()}
    missing = [f for f in REQUIRED_FIELDS if f not in loc.columns]
    for name in missing:
        _issue(sub, "FILE-MISSING-COLUMN", value=TEMPLATE_HEADERS[name])
    if missing:
        return None
    for c, header in loc.extra.items():
        _issue(
            sub,
            "FILE-EXTRA-COLUMN",
            cell=cell_ref(loc.header_row, c),
            column=header,
            value=header,
        )
    used = list(loc.columns.values())
    grid = _padded(grid, max([*used, *loc.extra]) + 1)
    data_rows, labels, grand_totals = _scan_rows(grid, loc, sub, skip, matcher, codes)
    data_rows, labels = _latest_reviews(grid, loc, sub, data_rows, labels)
    extras = _extras(grid, loc, sub, data_rows)
    values: dict[str, list[object]] = {}
    for name, cells in _columns(grid, data_rows, loc, codes).items():
        c = loc.columns.get(name)
        values[name] = (
            [None] * len(data_rows)
            if c is None
            else _parse_column(sub, loc, name, cells, data_rows, c)
        )
    if loc.income_factor != 1:
        values["income_kvnd"] = [
            None if v is None else v / loc.income_factor for v in values["income_kvnd"]
        ]
    marks = [values.pop(code) for code in codes]
    deprived = [
        tuple(c for c, m in zip(codes, row, strict=True) if m) for row in zip(*marks, strict=True)
    ]
    sub.rows = {
        "submission_id": [sub.submission_id] * len(data_rows),
        "source_sheet": [loc.sheet] * len(data_rows),
        "source_row": [r + 1 for r in data_rows],
        **values,
        DEPRIVATIONS: deprived if codes else [()] * len(data_rows),
        "extra": extras,
    }
    _check_income_unit(sub, loc)
    if not any(labels):
        sub.totals += [stated for _, stated in grand_totals]
        return None
    for r, stated in grand_totals:
        _check_grand_total(sub, loc, stated, r, data_rows, codes)
    return labels


def _label(standard: Standard, code: str) -> str:
    indicator = standard.indicator(code)
    return f"{indicator.number}. {indicator.name}" if indicator else code


def _indicators_usable(sub: Submission, resolved: Resolved, standard: Standard) -> bool:
    """Whether the list's indicator columns are its standard's: a list made with another
    period's set gets one issue naming both (not a class mismatch per row), a list short of
    some indicators one issue per indicator missing."""
    if resolved.fits_instead is not None:
        other = resolved.fits_instead
        needed = [_label(standard, c) for c in resolved.missing]
        extra = sorted(resolved.foreign.values())
        _issue(
            sub,
            "VR-INDICATOR-SET",
            value=other.period,
            year=sub.metadata.get("year") or "?",
            other_period=other.period,
            other_basis=other.legal_basis,
            period=standard.period,
            basis=standard.legal_basis + (" (tạm)" if standard.provisional else ""),
            needed=", ".join(needed) or "?",
            dropped=f", không còn cột {', '.join(extra)}" if extra else "",
            dropped_en=f", no longer the columns {', '.join(extra)}" if extra else "",
        )
        return False
    for code in resolved.missing:
        _issue(sub, "FILE-MISSING-COLUMN", value=_label(standard, code))
    return not resolved.missing


def _extras(grid: Grid, loc: TableLocation, sub: Submission, data_rows: list[int]) -> list:
    """Each row's columns outside the template, and the side fields kept typed, as JSON."""
    side = {f: loc.columns[f] for f in _KEPT_SIDE_FIELDS if f in loc.columns}
    kept_columns = {**loc.extra, **{c: loc.header_text(grid, c).strip() for c in side.values()}}
    extras: list[str | None] = []
    for r in data_rows:
        row = grid[r]
        kept = {h: nz.clean_text(row[c]) for c, h in loc.extra.items()}
        for name, c in side.items():
            kept[kept_columns[c]] = _side_value(sub, name, row[c], r, c)
        kept = {h: v for h, v in kept.items() if v is not None}
        extras.append(json.dumps(kept, ensure_ascii=False) if kept else None)
    return extras


def _scan_rows(
    grid: Grid,
    loc: TableLocation,
    sub: Submission,
    skip: set[int],
    matcher: HeaderMatcher,
    codes: tuple[str, ...],
):
    """The household rows below the header, each one's village (label, cell) or None, and the
    totals rows that close the table (row, stated numbers).

    Passed over: blank rows, the row numbering the columns, the header repeated where a
    printed page was copied, page numbers and the signature block. A section row sets the
    village of the rows below it; a village cell sets it for its row and those below whose
    cell is blank. A subtotal ("Cộng thôn 1") goes to the village above it.
    """
    used = sorted(loc.columns.values())  # left to right, as a numbering row counts
    code_col = loc.columns["household_code"]
    figures = [loc.columns["members"], loc.columns["income_kvnd"]]
    village_col = loc.columns.get(VILLAGE)
    data_rows: list[int] = []
    labels: list[tuple[str, str] | None] = []
    grand_totals: list[tuple[int, dict]] = []
    current: tuple[str, str] | None = None
    for r in range(loc.first_data_row, len(grid)):
        row = grid[r]
        if r in skip:
            continue
        if _is_blank_row(row, used):
            if (label := section_label(row)) is not None:
                current = (label, cell_ref(r, _first_filled(row)))
            continue
        total = _total_kind(row, loc)
        if total:
            stated = _total_row(row, r, loc, codes)
            if total == "part" and current is not None:
                sub.totals.append({**stated, "part": current[0]})
            else:
                grand_totals.append((r, stated))
            continue
        code = row[code_col]
        # A household row has its code; only a row without one, or with a short or header-like
        # one, may be structure (a cheap test: most rows of a list are households).
        if (
            code.__class__ is not str
            or len(code) <= 6
            or " " in code
            or (not code[0].isdigit() and matcher.match(code))
        ):
            if _is_numbering_row(row, used) or is_page_row(row):
                continue
            if count_fields(row, matcher) >= MIN_HEADER_FIELDS:
                continue  # the header again, where a printed page was copied
            label = section_label(row)
            if label is not None and nz.is_blank(code):
                current = (label, cell_ref(r, _first_filled(row)))
                continue
            if is_signature_row(row, figures):
                continue
        if village_col is not None and not nz.is_blank(row[village_col]):
            value = row[village_col]
            text = str(int(value)) if value.__class__ is float and value.is_integer() else value
            current = (nz.clean_text(text), cell_ref(r, village_col))
        data_rows.append(r)
        labels.append(current)
    return data_rows, labels, grand_totals


def _first_filled(row: list[object]) -> int:
    return next(c for c, v in enumerate(row) if not nz.is_blank(v))


def _lenient(parser: Callable[[object], object], value: object) -> object:
    try:
        return parser(value)
    except nz.CellError:
        return None


def _latest_reviews(grid: Grid, loc: TableLocation, sub: Submission, data_rows, labels):
    """Rows of a household reviewed more than once (the provincial export repeats a household
    once per review round) reduced to its latest review by date, each repetition reported."""
    date_col = loc.columns.get(REVIEW_DATE)
    if date_col is None or not data_rows:
        return data_rows, labels
    code_col = loc.columns["household_code"]
    by_code: dict[str, list[int]] = {}
    for i, r in enumerate(data_rows):
        code = _lenient(nz.parse_code, grid[r][code_col])
        if code:
            by_code.setdefault(code, []).append(i)
    dropped: set[int] = set()
    for code, found in by_code.items():
        if len(found) < 2:
            continue
        dated = [(_review_date(grid[data_rows[i]][date_col]), i) for i in found]
        latest, kept = max(dated)  # the latest date; of equal dates, the last row
        dropped |= {i for _, i in dated if i != kept}
        _issue(
            sub,
            "HH-REVIEW-REPEATED",
            cell=cell_ref(data_rows[kept], code_col),
            column=TEMPLATE_HEADERS["household_code"],
            value=code,
            rows=", ".join(str(data_rows[i] + 1) for i in found),
            kept=data_rows[kept] + 1,
            date=latest or "?",
        )
    keep = [i for i in range(len(data_rows)) if i not in dropped]
    return [data_rows[i] for i in keep], [labels[i] for i in keep]


def _review_date(raw: object) -> str:
    value, problem = parse_date(raw)
    return "" if problem or value is None else value


def _side_value(sub: Submission, name: str, raw: object, r: int, c: int):
    """A review date, national ID or birth date typed by hand, as clean text; what cannot be
    read for sure is kept as typed and reported (never turned into another date or number)."""
    if nz.is_blank(raw):
        return None
    if name == NATIONAL_ID:
        value, problem = parse_national_id(raw)
        code = "HH-NATIONAL-ID"
    else:
        value, problem = parse_date(raw)
        code = "HH-DATE"
    if problem:
        shown = nz.clean_text(raw if not isinstance(raw, float) else f"{raw:.0f}") or ""
        _issue(
            sub,
            code,
            cell=cell_ref(r, c),
            column=SIDE_HEADERS[name],
            value=shown,
            problem_vi=problem[0],
            problem_en=problem[1],
        )
        return shown
    return value


# A median income per person per month above this many nghìn đồng (20 million đồng) is
# implausible, and below this many (20 nghìn đồng) too: the unit is then likely the other one.
_PLAUSIBLE_MEDIAN_KVND = (20, 20_000)


def _check_income_unit(sub: Submission, loc: TableLocation) -> None:
    income = [v for v in sub.rows["income_kvnd"] if v is not None]
    if len(income) < 3:
        return
    median = float(statistics.median(income))
    low, high = _PLAUSIBLE_MEDIAN_KVND
    stated, likely = ("nghìn đồng", "đồng") if loc.income_factor == 1 else ("đồng", "nghìn đồng")
    if (loc.income_factor == 1 and median > high) or (loc.income_factor != 1 and median < low):
        shown = median * loc.income_factor
        _issue(
            sub,
            "HH-INCOME-UNIT",
            cell=cell_ref(loc.header_row, loc.columns["income_kvnd"]),
            column=TEMPLATE_HEADERS["income_kvnd"],
            value=f"{shown:,.0f}",
            stated=stated,
            likely=likely,
            median=f"{shown:,.0f}".replace(",", "."),
        )


def _columns(
    grid: Grid, data_rows: list[int], loc: TableLocation, codes: tuple[str, ...]
) -> dict[str, tuple]:
    """The cells of each household field and indicator over the data rows, picked in one pass
    (itemgetter and zip work in C); a field the table lacks gets no cells."""
    names = [f.name for f in FIELDS] + list(codes)
    present = [name for name in names if name in loc.columns]
    pick = itemgetter(*(loc.columns[name] for name in present), -1)  # -1: always a tuple
    picked = [pick(grid[r]) for r in data_rows]
    table = list(zip(*picked, strict=True))[:-1] if picked else [() for _ in present]
    cells = dict(zip(present, table, strict=True))
    return {name: cells.get(name, ()) for name in names}


def _kind(name: str) -> str:
    """How a column's cells are read: its field's kind; an indicator's are marks."""
    return FIELD_BY_NAME[name].parse if name in FIELD_BY_NAME else "mark"


_FAST_MARKS = {"x": True, "X": True, "": False, None: False}
_SLOW = object()  # a cell the fast path leaves to `_parse_cell`


def _parse_column(
    sub: Submission, loc: TableLocation, name: str, cells: tuple, data_rows: list[int], c: int
) -> list:
    """A column's values, with fast paths for the common clean cells.

    Most cells of a village list are already what their column needs (a float for a count,
    "x" for a mark, plain NFC text for a name): a comprehension takes those, and only the
    others go through the full parsers of `_parse_cell`, which also report what they cannot
    read.
    """
    kind = _kind(name)
    if kind == "mark":
        marks = _FAST_MARKS
        out = [marks.get(v, _SLOW) if v.__class__ is str or v is None else _SLOW for v in cells]
    elif kind in ("whole", "seq"):
        out = [int(v) if v.__class__ is float and v.is_integer() else _SLOW for v in cells]
    elif kind == "number":
        out = [v if v.__class__ is float else _SLOW for v in cells]
    elif kind in ("text", "code"):
        nfc = unicodedata.is_normalized
        out = [
            v
            if v.__class__ is str
            and v
            and v[0] != "#"
            and v.isprintable()
            and v == v.strip()
            and "  " not in v
            and nfc("NFC", v)
            else _SLOW
            for v in cells
        ]
    else:
        out = [_SLOW] * len(cells)
    known: dict[object, object] = {}  # claimed classes repeat: parse each spelling once
    for i, value in enumerate(out):
        if value is not _SLOW:
            continue
        raw = cells[i]
        if kind == "class" and raw.__class__ is str and raw in known:
            out[i] = known[raw]
            continue
        out[i] = _parse_cell(sub, loc, name, raw, data_rows[i], c)
        if kind == "class" and raw.__class__ is str and out[i] is not None:
            known[raw] = out[i]
    return out


def _padded(grid: Grid, width: int) -> Grid:
    """The grid with every row at least `width` cells long (text tables can be ragged)."""
    if all(len(row) >= width for row in grid):
        return grid
    return [row if len(row) >= width else [*row, *[None] * (width - len(row))] for row in grid]


def _is_blank_row(row: list, used: list[int]) -> bool:
    for c in used:
        v = row[c]
        if v is None or v == "":
            continue
        if v.__class__ is str:
            if v.strip():
                return False
        elif not (v.__class__ is float and v != v):  # NaN is blank
            return False
    return True


def _parse_cell(sub: Submission, loc: TableLocation, name: str, raw: object, r: int, c) -> object:
    declared = FIELD_BY_NAME.get(name)
    kind = _kind(name)
    rule = declared.bad_cell if declared else MARK_RULE
    if c is None:
        return None
    if nz.is_formula_error(raw):
        _cell_issue(sub, loc, "HH-FORMULA-ERROR", name, raw, r, c)
        return None
    if isinstance(raw, str) and nz.has_control_characters(raw):
        _cell_issue(sub, loc, "TEXT-CONTROL-CHARS", name, nz.remove_control_characters(raw), r, c)
        raw = nz.remove_control_characters(raw)
    parser = PARSERS[kind]
    if kind == "seq":  # a row number that cannot be read is no problem: rows are counted
        return _lenient(parser, raw)
    try:
        value = parser(raw)
    except nz.CellError:
        if rule:
            _cell_issue(sub, loc, rule, name, raw, r, c)
        return None
    if value is None and declared is not None and declared.blank_is_error:
        _cell_issue(sub, loc, rule, name, raw, r, c)
    return value


def _issue(sub: Submission, code: str, **fields: object) -> None:
    """An issue of the list's household table: its cell, column, value and the rule's details."""
    sub.issues.append(
        make_issue(code, submission_id=sub.submission_id, file=sub.file, sheet=sub.sheet, **fields)
    )


def column_header(loc: TableLocation, name: str) -> str:
    """A column's header in issues: the template's for a field, the list's for an indicator."""
    return TEMPLATE_HEADERS.get(name) or loc.headers.get(name, name)


def _cell_issue(sub: Submission, loc: TableLocation, code: str, name: str, raw, r: int, c: int):
    _issue(
        sub,
        code,
        cell=cell_ref(r, c),
        column=column_header(loc, name),
        value=nz.clean_text(raw) or "",
    )


def _total_row(row: list[object], r: int, loc: TableLocation, codes: tuple[str, ...]) -> dict:
    """The numbers a totals row states, by field or indicator (names and labels are skipped)."""
    stated: dict = {"source_row": r + 1}
    for name in (*totals.FIELD_TOTALS, *codes):
        c = loc.columns.get(name)
        if (
            c is None
            or c >= len(row)
            or isinstance(row[c], str)
            and not row[c].strip()[:1].isdigit()
        ):
            continue
        try:
            number = nz.parse_number(row[c])
        except nz.CellError:
            continue
        if number is not None:
            stated[name] = number
    return stated


# A subtotal of one village ("Cộng thôn 1", "Cộng TDP 2"); other totals close the table.
_SUBTOTAL = re.compile(
    r"^(?:cong|tong cong|tong|cong rieng) (?:thon|to dan pho|tdp|to|ap|ban|xom|khu pho|khu|khoi)\b"
)


def _total_kind(row: list[object], loc: TableLocation) -> str | None:
    """ "part" for a village's subtotal, "table" for a Tổng cộng row, None for other rows."""
    for name in ("seq", "household_code", "head_name"):
        c = loc.columns.get(name)
        if c is not None and c < len(row) and isinstance(row[c], str) and row[c][:1] in "TtCc":
            if not fold(row[c][:6]).startswith(("tong", "cong")):
                continue  # "Trần Văn A": the prefix tells (prefixes repeat, so fold's cache hits)
            key = fold(row[c])
            if _SUBTOTAL.match(key):
                return "part"
            if key in ("cong", "tong", "tong cong", "tong so", "cong thon") or key.startswith(
                "tong cong"
            ):
                return "table"
    return None


_NUMBER_TOKEN = re.compile(r"\(?(\d{1,3})\)?\.?")


def _is_numbering_row(row: list[object], used: list[int]) -> bool:
    """A row that numbers the columns ("1", "2", "(3)"…, or "A", "B", "C", 1, 2…), or the
    indicator numbers 1–12 of a two-row header repeated: at least three numbers, rising, and
    nothing else but letters A, B, C… in order."""
    numbers: list[int] = []
    letters: list[str] = []
    for c in used:
        v = row[c]
        if nz.is_blank(v):
            continue
        if v.__class__ is float or v.__class__ is int:
            if not float(v).is_integer():
                return False
            numbers.append(int(v))
            continue
        text = str(v).strip()
        if (m := _NUMBER_TOKEN.fullmatch(text)) is not None:
            numbers.append(int(m[1]))
        elif len(text) == 1 and "A" <= text <= "Z" and not numbers:
            letters.append(text)
        else:
            return False
    if len(numbers) < 3 or any(b <= a for a, b in zip(numbers, numbers[1:], strict=False)):
        return False
    return letters == [chr(ord("A") + i) for i in range(len(letters))]


def _check_grand_total(
    sub: Submission,
    loc: TableLocation,
    stated: dict,
    r: int,
    data_rows: list[int],
    codes: tuple[str, ...],
) -> None:
    """A Tổng cộng row over several villages, checked against the rows above it (a warning:
    each village's own figures are what is loaded)."""
    above = [i for i, row in enumerate(data_rows) if row < r]
    rows = sub.rows
    columns: dict[str, list] = {
        name: [rows[name][i] for i in above] for name in stated if name in rows
    }
    for code in codes:
        columns[code] = [code in rows[DEPRIVATIONS][i] for i in above]
    figures = {k: v for k, v in stated.items() if k != "source_row"}
    for name, number, expected in totals.differences(figures, columns, codes):
        _issue(
            sub,
            "FILE-TOTAL-ROW",
            cell=cell_ref(r, loc.columns[name]),
            column=column_header(loc, name),
            value=f"{number:g}",
            expected=expected,
        )
