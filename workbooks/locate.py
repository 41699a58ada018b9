"""Finding the household table: its sheet, header rows, and which column holds which field
or indicator (`transforms.headers` says what a header cell names)."""

from __future__ import annotations

from dataclasses import dataclass, field

from giamngheo.transforms import normalize as nz
from giamngheo.transforms.columns import income_unit_factor
from giamngheo.transforms.headers import HeaderMatcher, IndicatorHeader
from giamngheo.workbooks.grid import Grid

# How far down a sheet the header row may sit, and how many fields make a header.
HEADER_SEARCH_ROWS = 40
MIN_HEADER_FIELDS = 4


@dataclass
class TableLocation:
    """Where the household table sits: its sheet, header rows, field → column index, and the
    indicator headers by column (resolved against the list's standard once its year is read,
    into `columns` under the indicators' codes)."""

    sheet: str
    header_row: int
    first_data_row: int
    columns: dict[str, int]
    income_factor: int = 1
    extra: dict[int, str] = field(default_factory=dict)  # column → header, outside the template
    indicators: dict[int, IndicatorHeader] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # field or code → header as written

    def header_text(self, grid: Grid, col: int) -> str:
        return header_text(grid, self.header_row, self.first_data_row, col)


def locate_household_table(grids: dict[str, Grid], matcher: HeaderMatcher) -> TableLocation | None:
    """Find the household table by its header on any sheet; the best-matching header wins.

    A header is a row naming at least `MIN_HEADER_FIELDS` fields or indicators. When the row
    below names further ones in columns the first left open (a group header such as "Các chỉ
    số thiếu hụt" over columns numbered 1–12), the two rows are one header.
    """
    best: TableLocation | None = None
    for sheet, grid in grids.items():
        for r, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
            if best and best.sheet == sheet and r >= best.first_data_row and _size(best) >= 10:
                break  # below this sheet's header: household rows, not headers
            columns, indicators = match_row(row, matcher)
            if len(columns) + len(indicators) < MIN_HEADER_FIELDS:
                continue
            first_data = r + 1
            if r + 1 < len(grid):
                taken = set(columns.values()) | set(indicators)
                below, below_ind = match_row(grid[r + 1], matcher, columns, taken)
                again, _ = match_row(grid[r + 1], matcher)
                if len(below) + len(below_ind) >= 3:
                    columns, indicators = {**columns, **below}, {**indicators, **below_ind}
                    first_data = r + 2
                elif len(again) >= MIN_HEADER_FIELDS and all(
                    columns.get(f, c) == c for f, c in again.items()
                ):  # a second row naming the same columns (the export's technical names)
                    columns = {**again, **columns}
                    first_data = r + 2
            if best is None or len(columns) + len(indicators) > _size(best):
                factor = 1
                if "income_kvnd" in columns:
                    factor = income_unit_factor(
                        header_text(grid, r, first_data, columns["income_kvnd"])
                    )
                used = set(columns.values()) | set(indicators)
                extra = _extra_columns(grid, r, first_data, used)
                headers = {
                    f: header_text(grid, r, first_data, c).strip() for f, c in columns.items()
                }
                best = TableLocation(
                    sheet, r, first_data, columns, factor, extra, indicators, headers
                )
    return best


def _size(location: TableLocation) -> int:
    return len(location.columns) + len(location.indicators)


def match_row(
    row: list[object],
    matcher: HeaderMatcher,
    taken: dict[str, int] | None = None,
    used: set[int] | None = None,
) -> tuple[dict[str, int], dict[int, IndicatorHeader]]:
    """The fields (field → column) and indicator headers (column → header) a row's cells
    name, skipping fields and columns already matched."""
    taken = taken or {}
    used = used if used is not None else set(taken.values())
    found: dict[str, int] = {}
    indicators: dict[int, IndicatorHeader] = {}
    for c, value in enumerate(row):
        if c in used or nz.is_blank(value):
            continue
        matched = matcher.match(value)
        if isinstance(matched, IndicatorHeader):
            indicators[c] = matched
        elif matched and matched not in taken and matched not in found:
            found[matched] = c
    return found, indicators


def count_fields(row: list[object], matcher: HeaderMatcher) -> int:
    """How many fields and indicators a row names (a header repeated where a page was copied)."""
    columns, indicators = match_row(row, matcher)
    return len(columns) + len([h for h in indicators.values() if h.codes])


def _extra_columns(grid: Grid, header: int, first_data: int, used: set[int]) -> dict[int, str]:
    """Header cells naming no field or indicator: kept aside and reported, never dropped."""
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


def header_text(grid: Grid, header_row: int, first_data: int, col: int) -> str:
    return " ".join(str(grid[r][col]) for r in range(header_row, first_data) if col < len(grid[r]))
