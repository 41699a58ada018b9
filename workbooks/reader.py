"""Read one submitted workbook into the canonical household frame, its metadata and Issues.

The reader never raises on bad input: whatever it cannot resolve becomes an Issue located at
the file, sheet and Excel cell, and the rest of the batch goes on.
"""

from __future__ import annotations

import json
import statistics
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from giamngheo.transforms import normalize as nz
from giamngheo.transforms.columns import (
    HOUSEHOLD_COLUMNS,
    INDICATOR_COLUMNS,
    REQUIRED_FIELDS,
    TEMPLATE_HEADERS,
    fold,
    income_unit_factor,
    match_header,
)
from giamngheo.transforms.issues import make_issue
from giamngheo.transforms.submission import HOUSEHOLDS, UNREADABLE, Submission, with_frame
from giamngheo.workbooks.fonts import fix_legacy_text
from giamngheo.workbooks.formats import CSV, HTML, sniff
from giamngheo.workbooks.grid import Grid, UnreadableWorkbook, cell_ref, column_letter, load_grids
from giamngheo.workbooks.metadata import read_metadata, read_title_block
from giamngheo.workbooks.plan import read_plan
from giamngheo.workbooks.texttables import read_csv_grid, read_html_grids

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


@dataclass(frozen=True)
class ReaderLimits:
    """Resource limits a file must stay within (settings: GIAMNGHEO_MAX_*)."""

    max_uncompressed_bytes: int = 200_000_000
    max_file_bytes: int = 50_000_000
    max_sheets: int = 50
    max_rows: int = 100_000
    max_text: int = 10_000  # characters in one cell


DEFAULT_LIMITS = ReaderLimits()


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
        for r, row in enumerate(grid):
            if not any(v.__class__ is str and len(v) > limit for v in row):
                continue
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
    read_metadata(grids, sub, header)
    read_title_block(grids, sub, header)
    if location is None:
        sub.issues.append(make_issue("FILE-NO-TABLE", submission_id=submission_id, file=name))
        return sub
    _read_households(grids[location.sheet], location, sub)
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
                if len(below) >= 3:
                    columns = {**columns, **below}
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


def _read_households(grid: Grid, loc: TableLocation, sub: Submission) -> None:
    sub.sheet = loc.sheet
    sub.columns = {f: column_letter(c) for f, c in loc.columns.items()}
    missing = [f for f in REQUIRED_FIELDS if f not in loc.columns]
    for name in missing:
        sub.issues.append(
            make_issue(
                "FILE-MISSING-COLUMN",
                submission_id=sub.submission_id,
                file=sub.file,
                sheet=loc.sheet,
                value=TEMPLATE_HEADERS[name],
            )
        )
    if missing:
        return
    for c, header in loc.extra.items():
        sub.issues.append(
            make_issue(
                "FILE-EXTRA-COLUMN",
                submission_id=sub.submission_id,
                file=sub.file,
                sheet=loc.sheet,
                cell=cell_ref(loc.header_row, c),
                column=header,
                value=header,
            )
        )
    extras: list[str | None] = []
    data_rows: list[int] = []
    key_cols = [loc.columns[f] for f in ("household_code", "head_name", "members", "income_kvnd")]
    used = list(loc.columns.values())
    grid = _padded(grid, max([*used, *loc.extra]) + 1)
    for r in range(loc.first_data_row, len(grid)):
        row = grid[r]
        if _is_blank_row(row, used):
            continue
        if _is_total_row(row, loc):
            sub.totals.append(_total_row(row, r, loc))
            continue
        if _is_numbering_row(row, key_cols):
            continue
        data_rows.append(r)
        kept = {h: nz.clean_text(row[c]) for c, h in loc.extra.items()}
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
        sub.issues.append(
            make_issue(
                "HH-INCOME-UNIT",
                submission_id=sub.submission_id,
                file=sub.file,
                sheet=loc.sheet,
                cell=cell_ref(loc.header_row, loc.columns["income_kvnd"]),
                column=TEMPLATE_HEADERS["income_kvnd"],
                value=f"{shown:,.0f}",
                stated=stated,
                likely=likely,
                median=f"{shown:,.0f}".replace(",", "."),
            )
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


def _cell_issue(sub: Submission, loc: TableLocation, code: str, name: str, raw, r: int, c: int):
    sub.issues.append(
        make_issue(
            code,
            submission_id=sub.submission_id,
            file=sub.file,
            sheet=loc.sheet,
            cell=cell_ref(r, c),
            column=TEMPLATE_HEADERS[name],
            value=nz.clean_text(raw) or "",
        )
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


def _is_total_row(row: list[object], loc: TableLocation) -> bool:
    for name in ("seq", "household_code", "head_name"):
        c = loc.columns.get(name)
        if c is not None and c < len(row) and isinstance(row[c], str) and row[c][:1] in "TtCc":
            if not fold(row[c][:6]).startswith(("tong", "cong")):
                continue  # "Trần Văn A": the prefix tells (prefixes repeat, so fold's cache hits)
            key = fold(row[c])
            if key in ("cong", "tong", "tong cong", "tong so", "cong thon") or key.startswith(
                "tong cong"
            ):
                return True
    return False


def _is_numbering_row(row: list[object], key_cols: list[int]) -> bool:
    """A row under the header that numbers the columns ("1", "2", "(3)"…), not a household."""
    first = row[key_cols[0]] if key_cols[0] < len(row) else None
    if first.__class__ is str and not first.strip(" ()").isdigit():
        return False  # a household code such as "19834-01-0011"
    cells = [row[c] if c < len(row) else None for c in key_cols]
    numbers = []
    for cell in cells:
        text = (nz.clean_text(cell) or "").strip("()")
        if not text.isdigit():
            return False
        numbers.append(int(text))
    return numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
