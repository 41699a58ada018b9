"""Read one submitted workbook into the canonical household frame, its metadata and Issues.

The reader never raises on bad input: whatever it cannot resolve becomes an Issue located at
the file, sheet and Excel cell, and the rest of the batch goes on.
"""

from __future__ import annotations

import dataclasses
import json
import re
import statistics
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from giamngheo.transforms import normalize as nz
from giamngheo.transforms.columns import (
    BIRTH_DATE,
    HOUSEHOLD_COLUMNS,
    INDICATOR_COLUMNS,
    NATIONAL_ID,
    REQUIRED_FIELDS,
    REVIEW_DATE,
    SIDE_HEADERS,
    TEMPLATE_HEADERS,
    VILLAGE,
    fold,
    income_unit_factor,
    match_header,
)
from giamngheo.transforms.issues import make_issue
from giamngheo.transforms.registry import village_key
from giamngheo.transforms.submission import HOUSEHOLDS, UNREADABLE, Submission, with_frame
from giamngheo.workbooks.fonts import fix_legacy_text
from giamngheo.workbooks.formats import CSV, HTML, sniff
from giamngheo.workbooks.grid import Grid, UnreadableWorkbook, cell_ref, column_letter, load_grids
from giamngheo.workbooks.handtyped import parse_date, parse_national_id
from giamngheo.workbooks.limits import DEFAULT_LIMITS, ReaderLimits
from giamngheo.workbooks.metadata import read_metadata, read_title_block, set_metadata
from giamngheo.workbooks.plan import read_plan
from giamngheo.workbooks.texttables import read_csv_grid, read_html_grids
from giamngheo.workbooks.villages import (
    VillageTotal,
    is_page_row,
    is_signature_row,
    part_id,
    section_label,
    village_totals,
)

# How far down a sheet the header row may sit, and how many fields make a header.
HEADER_SEARCH_ROWS = 40
MIN_HEADER_FIELDS = 4


@dataclass
class TableLocation:
    """Where the household table sits: its sheet, header rows and field → column index."""

    sheet: str
    header_row: int
    first_data_row: int
    columns: dict[str, int]
    income_factor: int = 1
    extra: dict[int, str] = field(default_factory=dict)  # column → header, outside the template


def load_any(path: Path, limits: ReaderLimits = DEFAULT_LIMITS) -> tuple[str, dict[str, Grid]]:
    """Cell grids of any supported file, whatever its extension, legacy fonts converted.

    Raises `Refused` with an Issue code when the file cannot or must not be read.
    """
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise Refused(
            "FILE-TOO-LARGE",
            f"tệp {size // 1_000_000} MB, vượt giới hạn {limits.max_file_bytes // 1_000_000} MB",
            f"{size:,} bytes, over the limit of {limits.max_file_bytes:,}",
        )
    sniffed = sniff(path, limits.max_uncompressed_bytes)
    if sniffed.refusal:
        raise Refused(sniffed.refusal, sniffed.detail_vi, sniffed.detail_en)
    if sniffed.format == HTML:
        grids = read_html_grids(path)
    elif sniffed.format == CSV:
        grids = read_csv_grid(path)
    else:
        try:
            grids = load_grids(path, limits.max_sheets, limits.max_rows)
        except UnreadableWorkbook as exc:
            raise Refused(exc.code, exc.detail_vi, exc.detail_en) from exc
        fix_legacy_text(path, sniffed.format, grids)
    _check_sizes(grids, limits)
    return sniffed.format, grids


def _check_sizes(grids: dict[str, Grid], limits: ReaderLimits) -> None:
    """Refuse sheets and cells beyond the limits (text tables are checked here too)."""
    if len(grids) > limits.max_sheets:
        raise Refused(
            "FILE-TOO-LARGE",
            f"có {len(grids)} bảng, vượt giới hạn {limits.max_sheets}",
            f"{len(grids)} tables, over the limit of {limits.max_sheets}",
        )
    for name, grid in grids.items():
        if len(grid) > limits.max_rows:
            raise Refused(
                "FILE-TOO-LARGE",
                f"'{name}' có {len(grid)} dòng, vượt giới hạn {limits.max_rows}",
                f"'{name}' has {len(grid)} rows, over the limit of {limits.max_rows}",
            )
        limit = limits.max_text
        lengths = [len(v) for row in grid for v in row if v.__class__ is str]
        if not lengths or max(lengths) <= limit:
            continue  # the common case, checked in one pass over the sheet
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if isinstance(value, str) and len(value) > limit:
                    raise Refused(
                        "FILE-TOO-LARGE",
                        f"ô {cell_ref(r, c)} của '{name}' dài {len(value)} ký tự, vượt giới hạn {limits.max_text}",
                        f"cell {cell_ref(r, c)} of '{name}' holds {len(value)} characters, over {limits.max_text}",
                    )


class Refused(Exception):
    """A file the reader will not read, with the Issue code that says why."""

    def __init__(self, code: str, detail_vi: str, detail_en: str):
        super().__init__(detail_en)
        self.code, self.detail_vi, self.detail_en = code, detail_vi, detail_en


def read_submission(
    path: Path,
    submission_id: str,
    file_name: str | None = None,
    limits: ReaderLimits = DEFAULT_LIMITS,
    *,
    frame: bool = True,
) -> Submission:
    """Read a village household list or a commune plan table. Never raises for bad content.

    The household rows come as the submission's `households` frame, or with `frame=False` as
    its `rows` (columns of Python values), for a batch to make one frame of many files.
    """
    name = file_name or path.name
    try:
        sub = _read(path, submission_id, name, limits)
        return with_frame(sub) if frame else sub
    except Exception as exc:  # noqa: BLE001 - a reader failure must cost one file, not the batch
        return unreadable(
            submission_id, name, "FILE-UNREADABLE", "lỗi khi đọc tệp", f"reader failure: {exc!r}"
        )


def _read(path: Path, submission_id: str, name: str, limits: ReaderLimits) -> Submission:
    try:
        _, grids = load_any(path, limits)
    except Refused as exc:
        return unreadable(submission_id, name, exc.code, exc.detail_vi, exc.detail_en)
    location = locate_household_table(grids)
    if location is None:
        plan = read_plan(grids, submission_id, name)
        if plan is not None:
            return plan
    sub = Submission(submission_id=submission_id, file=name, kind=HOUSEHOLDS)
    header = (location.sheet, location.header_row) if location else None
    totals, spans = village_totals(grids)
    read_metadata(grids, sub, header, spans)
    read_title_block(grids, sub, header)
    if location is None:
        sub.issues.append(make_issue("FILE-NO-TABLE", submission_id=submission_id, file=name))
        return sub
    skip = {r for sheet, r in spans if sheet == location.sheet}
    labels = _read_households(grids[location.sheet], location, sub, skip)
    if labels:
        _split(sub, labels, totals)
    return sub


def unreadable(
    submission_id: str, name: str, code: str, detail_vi: str, detail_en: str
) -> Submission:
    issue = make_issue(
        code,
        submission_id=submission_id,
        file=name,
        value=name,
        detail_vi=detail_vi,
        detail_en=detail_en,
    )
    return Submission(submission_id=submission_id, file=name, kind=UNREADABLE, issues=[issue])


def locate_household_table(grids: dict[str, Grid]) -> TableLocation | None:
    """Find the household table by its header on any sheet; the best-matching header wins.

    A header is a row naming at least `MIN_HEADER_FIELDS` canonical fields. When the row below
    names further fields in columns the first left open (a group header such as "Các chỉ số
    thiếu hụt" over columns numbered 1–12), the two rows are one header.
    """
    best: TableLocation | None = None
    for sheet, grid in grids.items():
        for r, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
            if (
                best
                and best.sheet == sheet
                and r >= best.first_data_row
                and len(best.columns) >= 10
            ):
                break  # below this sheet's header: household rows, not headers
            columns = _match_row(row, taken={})
            if len(columns) < MIN_HEADER_FIELDS:
                continue
            first_data = r + 1
            if r + 1 < len(grid):
                below = _match_row(grid[r + 1], taken=columns)
                again = _match_row(grid[r + 1], taken={})
                if len(below) >= 3:
                    columns = {**columns, **below}
                    first_data = r + 2
                elif len(again) >= MIN_HEADER_FIELDS and all(
                    columns.get(f, c) == c for f, c in again.items()
                ):  # a second row naming the same columns (the export's technical names)
                    columns = {**again, **columns}
                    first_data = r + 2
            if best is None or len(columns) > len(best.columns):
                factor = 1
                if "income_kvnd" in columns:
                    income_header = _header_text(grid, r, first_data, columns["income_kvnd"])
                    factor = income_unit_factor(income_header)
                extra = _extra_columns(grid, r, first_data, columns)
                best = TableLocation(sheet, r, first_data, columns, factor, extra)
    return best


def _extra_columns(
    grid: Grid, header: int, first_data: int, columns: dict[str, int]
) -> dict[int, str]:
    """Header cells naming no canonical field: kept aside and reported, never dropped."""
    used = set(columns.values())
    width = max(len(grid[r]) for r in range(header, first_data))
    extra: dict[int, str] = {}
    for c in range(width):
        if c in used:
            continue
        text = " ".join(
            nz.clean_text(grid[r][c]) or "" for r in range(header, first_data) if c < len(grid[r])
        ).strip()
        if text:
            extra[c] = text
    return extra


def _match_row(row: list[object], taken: dict[str, int]) -> dict[str, int]:
    """Fields named by a row's cells, skipping fields and columns already matched."""
    used_cols = set(taken.values())
    found: dict[str, int] = {}
    for c, value in enumerate(row):
        if c in used_cols or nz.is_blank(value):
            continue
        matched = match_header(value)
        if matched and matched not in taken and matched not in found:
            found[matched] = c
    return found


def _header_text(grid: Grid, header_row: int, first_data: int, col: int) -> str:
    return " ".join(str(grid[r][col]) for r in range(header_row, first_data) if col < len(grid[r]))


# field -> (parser, issue code when it fails or is blank; None = blank is fine)
_FIELD_PARSERS: dict[str, tuple[Callable[[object], object], str | None]] = {
    "seq": (lambda v: _lenient(nz.parse_whole, v), None),
    "household_code": (nz.parse_code, "HH-ID-MISSING"),
    "head_name": (nz.clean_text, "HH-NAME-MISSING"),
    "ethnicity": (nz.clean_text, None),
    "members": (nz.parse_whole, "HH-MEMBERS"),
    "income_kvnd": (nz.parse_number, "HH-INCOME-NAN"),
    **{col: (nz.parse_mark, "HH-MARK") for col in INDICATOR_COLUMNS},
    "has_merit": (nz.parse_mark, "HH-MARK"),
    "social_protection": (nz.parse_mark, "HH-MARK"),
    "claimed_class": (nz.parse_class, "HH-CLASS"),
    "note": (nz.clean_text, None),
}
# Fields whose blank cell is itself an error (marks: blank means "not deprived").
_BLANK_IS_ERROR = frozenset(
    {"household_code", "head_name", "members", "income_kvnd", "claimed_class"}
)


def _lenient(parser: Callable[[object], object], value: object) -> object:
    try:
        return parser(value)
    except nz.CellError:
        return None


_SIDE_FIELDS = frozenset(SIDE_HEADERS)
_KEPT_SIDE_FIELDS = (REVIEW_DATE, NATIONAL_ID, BIRTH_DATE)  # stored in `extra`, typed


def _read_households(
    grid: Grid, loc: TableLocation, sub: Submission, skip: set[int] = frozenset()
) -> list | None:
    """The household rows into `sub.rows`, and each row's village (label, cell) when the table
    holds several villages (None when it names none). Rows in `skip` belong to another table
    (the villages' totals)."""
    sub.sheet = loc.sheet
    sub.columns = {f: column_letter(c) for f, c in loc.columns.items()}
    missing = [f for f in REQUIRED_FIELDS if f not in loc.columns]
    for name in missing:
        _issue(
            sub,
            "FILE-MISSING-COLUMN",
            value=TEMPLATE_HEADERS[name],
        )
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
    data_rows, labels, grand_totals = _scan_rows(grid, loc, sub, skip)
    data_rows, labels = _latest_reviews(grid, loc, sub, data_rows, labels)
    side = {f: loc.columns[f] for f in _KEPT_SIDE_FIELDS if f in loc.columns}
    kept_columns = {
        **loc.extra,
        **{
            c: _header_text(grid, loc.header_row, loc.first_data_row, c).strip()
            for c in side.values()
        },
    }
    extras: list[str | None] = []
    for r in data_rows:
        row = grid[r]
        kept = {h: nz.clean_text(row[c]) for c, h in loc.extra.items()}
        for name, c in side.items():
            kept[kept_columns[c]] = _side_value(sub, loc, name, row[c], r, c)
        kept = {h: v for h, v in kept.items() if v is not None}
        extras.append(json.dumps(kept, ensure_ascii=False) if kept else None)
    rows = [r + 1 for r in data_rows]
    values: dict[str, list[object]] = {}
    for name, cells in _columns(grid, data_rows, loc).items():
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
    sub.rows = {
        "submission_id": [sub.submission_id] * len(rows),
        "source_sheet": [loc.sheet] * len(rows),
        "source_row": rows,
        **values,
        "extra": extras,
    }
    _check_income_unit(sub, loc)
    if not any(labels):
        sub.totals += [stated for _, stated in grand_totals]
        return None
    for r, stated in grand_totals:
        _check_grand_total(sub, loc, stated, r, data_rows)
    return labels


def _scan_rows(grid: Grid, loc: TableLocation, sub: Submission, skip: set[int]):
    """The household rows below the header, each one's village (label, cell) or None, and the
    totals rows that close the table (row, stated numbers).

    Passed over: blank rows, the row numbering the columns, the header repeated where a
    printed page was copied, page numbers and the signature block. A section row sets the
    village of the rows below it; a village cell sets it for its row and those below whose
    cell is blank. A subtotal ("Cộng thôn 1") goes to the village above it.
    """
    used = list(loc.columns.values())
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
            stated = _total_row(row, r, loc)
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
            or (not code[0].isdigit() and match_header(code))
        ):
            if _is_numbering_row(row, used) or is_page_row(row):
                continue
            if len(_match_row(row, taken={})) >= MIN_HEADER_FIELDS:
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


def _side_value(sub: Submission, loc: TableLocation, name: str, raw: object, r: int, c: int):
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


def _columns(grid: Grid, data_rows: list[int], loc: TableLocation) -> dict[str, tuple]:
    """The cells of each household field over the data rows, picked in one pass (itemgetter
    and zip work in C); a field the table lacks gets no cells."""
    fields = [name for name in HOUSEHOLD_COLUMNS if name in loc.columns]
    pick = itemgetter(*(loc.columns[name] for name in fields), -1)  # -1: always a tuple
    picked = [pick(grid[r]) for r in data_rows]
    table = list(zip(*picked, strict=True))[:-1] if picked else [() for _ in fields]
    cells = dict(zip(fields, table, strict=True))
    return {name: cells.get(name, ()) for name in HOUSEHOLD_COLUMNS}


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
    if name in _MARK_FIELDS:
        marks = _FAST_MARKS
        out = [marks.get(v, _SLOW) if v.__class__ is str or v is None else _SLOW for v in cells]
    elif name in ("members", "seq"):
        out = [int(v) if v.__class__ is float and v.is_integer() else _SLOW for v in cells]
    elif name == "income_kvnd":
        out = [v if v.__class__ is float else _SLOW for v in cells]
    elif name in ("head_name", "ethnicity", "note", "household_code"):
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
        if name == "claimed_class" and raw.__class__ is str and raw in known:
            out[i] = known[raw]
            continue
        out[i] = _parse_cell(sub, loc, name, raw, data_rows[i], c)
        if name == "claimed_class" and raw.__class__ is str and out[i] is not None:
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
    parser, code = _FIELD_PARSERS[name]
    if c is None:
        return None
    if nz.is_formula_error(raw):
        _cell_issue(sub, loc, "HH-FORMULA-ERROR", name, raw, r, c)
        return None
    if isinstance(raw, str) and nz.has_control_characters(raw):
        _cell_issue(sub, loc, "TEXT-CONTROL-CHARS", name, nz.remove_control_characters(raw), r, c)
        raw = nz.remove_control_characters(raw)
    try:
        value = parser(raw)
    except nz.CellError:
        if code:
            _cell_issue(sub, loc, code, name, raw, r, c)
        return None
    if value is None and name in _BLANK_IS_ERROR:
        _cell_issue(sub, loc, code, name, raw, r, c)
    return value


def _issue(sub: Submission, code: str, **fields: object) -> None:
    """An issue of the list's household table: its cell, column, value and the rule's details."""
    sub.issues.append(
        make_issue(code, submission_id=sub.submission_id, file=sub.file, sheet=sub.sheet, **fields)
    )


def _cell_issue(sub: Submission, loc: TableLocation, code: str, name: str, raw, r: int, c: int):
    _issue(
        sub,
        code,
        cell=cell_ref(r, c),
        column=TEMPLATE_HEADERS[name],
        value=nz.clean_text(raw) or "",
    )


_MARK_FIELDS = frozenset((*INDICATOR_COLUMNS, "has_merit", "social_protection"))
_SUMMED_FIELDS = (
    "seq",
    "household_code",
    "members",
    *INDICATOR_COLUMNS,
    "has_merit",
    "social_protection",
)


def _total_row(row: list[object], r: int, loc: TableLocation) -> dict:
    """The numbers a totals row states, by field (names and labels are skipped)."""
    stated: dict = {"source_row": r + 1}
    for name in _SUMMED_FIELDS:
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
    sub: Submission, loc: TableLocation, stated: dict, r: int, data_rows: list[int]
) -> None:
    """A Tổng cộng row over several villages, checked against the rows above it (a warning:
    each village's own figures are what is loaded)."""
    above = [i for i, row in enumerate(data_rows) if row < r]
    rows = sub.rows
    for name, number in stated.items():
        if name == "source_row":
            continue
        if name == "members":
            expected = sum(rows["members"][i] or 0 for i in above)
        elif name in ("seq", "household_code"):
            expected = len(above)
        else:
            expected = sum(1 for i in above if rows[name][i])
        if float(number) != expected:
            _issue(
                sub,
                "FILE-TOTAL-ROW",
                cell=cell_ref(r, loc.columns[name]),
                column=TEMPLATE_HEADERS[name],
                value=f"{number:g}",
                expected=expected,
            )


# Metadata of the file that each village keeps; its own name and totals come from the table.
_VILLAGE_OWN = ("village_code", "village_name", "total_households", "total_persons")
_VILLAGE_CODE = re.compile(r"\d{5}-\d{2}")


def _split(sub: Submission, labels: list, totals: dict[str, VillageTotal]) -> None:
    """Make `sub.parts` of a table whose rows name villages: one submission per village, with
    its rows, the issues of its rows, its subtotals and its totals from the summary table.
    Issues of the file as a whole (a column, the Tổng cộng row) go to every village.

    A table naming a single village, every row under it, stays one submission.
    """
    keys: dict[str, tuple[str, str]] = {}
    for found in labels:
        if found is not None:
            keys.setdefault(village_key(found[0]) or fold(found[0]), found)
    if len(keys) == 1 and None not in labels:
        label, cell = next(iter(keys.values()))
        if not (sub.metadata.get("village_code") or sub.metadata.get("village_name")):
            _name_village(sub, label, (sub.sheet, cell))
        return
    rows_of: dict[str, list[int]] = {}
    for i, found in enumerate(labels):
        key = "" if found is None else village_key(found[0]) or fold(found[0])
        rows_of.setdefault(key, []).append(i)
    row_key = {sub.rows["source_row"][i]: key for key, idx in rows_of.items() for i in idx}
    for key, indices in rows_of.items():
        part = Submission(
            submission_id=part_id(sub.submission_id, key),
            file=sub.file,
            kind=HOUSEHOLDS,
            metadata={k: v for k, v in sub.metadata.items() if k not in _VILLAGE_OWN},
            metadata_cells={k: v for k, v in sub.metadata_cells.items() if k not in _VILLAGE_OWN},
            sheet=sub.sheet,
            columns=sub.columns,
            file_id=sub.submission_id,
        )
        part.rows = {name: [values[i] for i in indices] for name, values in sub.rows.items()}
        part.rows["submission_id"] = [part.submission_id] * len(indices)
        own_rows = set(part.rows["source_row"])
        if key:
            label, cell = keys[key]
            part.part = label
            _name_village(part, label, (sub.sheet, cell))
            _village_totals(part, totals.get(key), label)
        else:
            part.part = "?"
            for r in part.rows["source_row"]:
                column = sub.columns.get(VILLAGE) or sub.columns["household_code"]
                _issue(part, "HH-VILLAGE-MISSING", cell=f"{column}{r}")
        for issue in sub.issues:
            row = _issue_row(issue)
            if issue.sheet != sub.sheet or row not in row_key or row in own_rows:
                part.issues.append(dataclasses.replace(issue, submission_id=part.submission_id))
        part.totals = [
            {k: v for k, v in t.items() if k != "part"}
            for t in sub.totals
            if village_key(t.get("part", "")) == key
        ]
        sub.parts.append(part)
    sub.rows = None


def _name_village(sub: Submission, label: str, cell: tuple[str, str]) -> None:
    field = "village_code" if _VILLAGE_CODE.fullmatch(label) else "village_name"
    sub.metadata[field] = label
    sub.metadata_cells[field] = cell
    sub.metadata_cells.setdefault("village_code", cell)


def _village_totals(part: Submission, total: VillageTotal | None, label: str) -> None:
    if total is None:
        return  # VR-MISSING names the total to give
    set_metadata(part, "total_households", total.households, total.sheet, total.households_cell)
    if total.persons_cell is not None and not nz.is_blank(total.persons):
        set_metadata(part, "total_persons", total.persons, total.sheet, total.persons_cell)


_CELL_ROW = re.compile(r"[A-Z]+(\d+)")


def _issue_row(issue) -> int | None:
    match = _CELL_ROW.fullmatch(issue.cell or "")
    return int(match[1]) if match else None
