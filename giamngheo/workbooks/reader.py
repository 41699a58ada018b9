"""Read one submitted workbook into the canonical household frame, its metadata and Issues.

The reader never raises on bad input: whatever it cannot resolve becomes an Issue located at
the file, sheet and Excel cell, and the rest of the batch goes on.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from giamngheo.transforms import normalize as nz
from giamngheo.transforms.columns import (
    HOUSEHOLD_COLUMNS,
    HOUSEHOLD_DTYPES,
    INDICATOR_COLUMNS,
    REQUIRED_FIELDS,
    TEMPLATE_HEADERS,
    fold,
    income_unit_factor,
    match_header,
)
from giamngheo.transforms.issues import make_issue
from giamngheo.workbooks.fonts import fix_legacy_text
from giamngheo.workbooks.formats import CSV, HTML, sniff
from giamngheo.workbooks.grid import Grid, UnreadableWorkbook, cell_ref, column_letter, load_grids
from giamngheo.workbooks.metadata import read_metadata, read_title_block
from giamngheo.workbooks.plan import read_plan
from giamngheo.workbooks.submission import (
    HOUSEHOLDS,
    UNREADABLE,
    Submission,
)
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
        raise Refused("FILE-TOO-LARGE", f"có {len(grids)} bảng, vượt giới hạn {limits.max_sheets}",
                      f"{len(grids)} tables, over the limit of {limits.max_sheets}")  # fmt: skip
    for name, grid in grids.items():
        if len(grid) > limits.max_rows:
            raise Refused("FILE-TOO-LARGE", f"'{name}' có {len(grid)} dòng, vượt giới hạn {limits.max_rows}",
                          f"'{name}' has {len(grid)} rows, over the limit of {limits.max_rows}")  # fmt: skip
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if isinstance(value, str) and len(value) > limits.max_text:
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
) -> Submission:
    """Read a village household list or a commune plan table. Never raises for bad content."""
    name = file_name or path.name
    try:
        _, grids = load_any(path, limits)
    except Refused as exc:
        return unreadable(submission_id, name, exc.code, exc.detail_vi, exc.detail_en)
    except Exception as exc:  # noqa: BLE001 - a reader crash must not stop the batch
        return unreadable(
            submission_id, name, "FILE-UNREADABLE", "lỗi khi đọc tệp", f"reader failure: {exc!r}"
        )
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
    for r in range(loc.first_data_row, len(grid)):
        row = grid[r]
        if all(nz.is_blank(row[c]) if c < len(row) else True for c in used):
            continue
        if _is_total_row(row, loc):
            sub.totals.append(_total_row(row, r, loc))
            continue
        if _is_numbering_row(row, key_cols):
            continue
        data_rows.append(r)
        kept = {h: nz.clean_text(row[c]) for c, h in loc.extra.items() if c < len(row)}
        kept = {h: v for h, v in kept.items() if v is not None}
        extras.append(json.dumps(kept, ensure_ascii=False) if kept else None)
    rows = [r + 1 for r in data_rows]
    values: dict[str, list[object]] = {}
    for name in HOUSEHOLD_COLUMNS:
        c = loc.columns.get(name)
        if c is None:
            values[name] = [None] * len(data_rows)
            continue
        cells = [grid[r][c] if c < len(grid[r]) else None for r in data_rows]
        values[name] = _parse_column(sub, loc, name, cells, data_rows, c)
    if loc.income_factor != 1:
        values["income_kvnd"] = [
            None if v is None else v / loc.income_factor for v in values["income_kvnd"]
        ]
    columns = {
        "submission_id": [sub.submission_id] * len(rows),
        "source_sheet": [loc.sheet] * len(rows),
        "source_row": rows,
        **values,
        "extra": extras,
    }
    sub.households = pd.DataFrame(
        {name: pd.array(data, dtype=HOUSEHOLD_DTYPES[name]) for name, data in columns.items()}
    )
    _check_income_unit(sub, loc)


# A median income per person per month above this many nghìn đồng (20 million đồng) is
# implausible, and below this many (20 nghìn đồng) too: the unit is then likely the other one.
_PLAUSIBLE_MEDIAN_KVND = (20, 20_000)


def _check_income_unit(sub: Submission, loc: TableLocation) -> None:
    income = sub.households["income_kvnd"].dropna()
    if len(income) < 3:
        return
    median = float(income.median())
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


_FAST_MARKS = {"x": True, "X": True, "": False, None: False}


def _parse_column(
    sub: Submission, loc: TableLocation, name: str, cells: list, data_rows: list[int], c: int
) -> list:
    """A column's values, with fast paths for the common clean cells.

    Most cells of a village list are already what their column needs (a float for a count,
    "x" for a mark, plain NFC text for a name); only the others go through the full parsers
    of `_parse_cell`, which also report what they cannot read.
    """
    out: list = []
    append = out.append
    if name in _MARK_FIELDS:
        for raw, r in zip(cells, data_rows, strict=True):
            fast = _FAST_MARKS.get(raw) if isinstance(raw, str) or raw is None else None
            append(fast if fast is not None else _parse_cell(sub, loc, name, raw, r, c))
    elif name in ("members", "seq"):
        for raw, r in zip(cells, data_rows, strict=True):
            if type(raw) is float and raw.is_integer():
                append(int(raw))
            else:
                append(_parse_cell(sub, loc, name, raw, r, c))
    elif name == "income_kvnd":
        for raw, r in zip(cells, data_rows, strict=True):
            append(raw if type(raw) is float else _parse_cell(sub, loc, name, raw, r, c))
    elif name == "claimed_class":
        known: dict[str, object] = {}
        for raw, r in zip(cells, data_rows, strict=True):
            if isinstance(raw, str) and raw in known:
                append(known[raw])
                continue
            value = _parse_cell(sub, loc, name, raw, r, c)
            if isinstance(raw, str) and value is not None:
                known[raw] = value
            append(value)
    elif name in ("head_name", "ethnicity", "note", "household_code"):
        for raw, r in zip(cells, data_rows, strict=True):
            if type(raw) is str and _is_plain_text(raw):
                append(raw)
            else:
                append(_parse_cell(sub, loc, name, raw, r, c))
    else:
        for raw, r in zip(cells, data_rows, strict=True):
            append(_parse_cell(sub, loc, name, raw, r, c))
    return out


def _is_plain_text(text: str) -> bool:
    """Text already clean: not blank, trimmed, single-spaced, NFC, not an error value."""
    return (
        bool(text)
        and not text[0].isspace()
        and not text[-1].isspace()
        and "  " not in text
        and "\n" not in text
        and "\t" not in text
        and text[0] != "#"
        and text.isprintable()
        and unicodedata.is_normalized("NFC", text)
    )


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
            key = fold(row[c])
            if key in ("cong", "tong", "tong cong", "tong so", "cong thon") or key.startswith(
                "tong cong"
            ):
                return True
    return False


def _is_numbering_row(row: list[object], key_cols: list[int]) -> bool:
    """A row under the header that numbers the columns ("1", "2", "(3)"…), not a household."""
    cells = [row[c] if c < len(row) else None for c in key_cols]
    numbers = []
    for cell in cells:
        text = (nz.clean_text(cell) or "").strip("()")
        if not text.isdigit():
            return False
        numbers.append(int(text))
    return numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
