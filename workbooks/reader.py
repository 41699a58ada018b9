"""Read one submitted workbook into the canonical household frame, its metadata and Issues.

The reader never raises on bad input: whatever it cannot resolve becomes an Issue located at
the file, sheet and Excel cell, and the rest of the batch goes on. Its parts: the file into cell
grids (`grid.py`, `formats.py`, `texttables.py`, `fonts.py`), the table found by its header
(`locate.py`), the list's metadata and year (`metadata.py`), the household rows read under the
indicator set of the list's standard (`rows.py`), and a commune-wide list split into its
villages (`villages.py`).
"""

from __future__ import annotations

import functools
from pathlib import Path

from giamngheo.transforms.headers import HeaderMatcher
from giamngheo.transforms.issues import make_issue
from giamngheo.transforms.standards import Catalog, shipped
from giamngheo.transforms.submission import HOUSEHOLDS, UNREADABLE, Submission, with_frame
from giamngheo.workbooks.fonts import fix_legacy_text
from giamngheo.workbooks.formats import CSV, HTML, sniff
from giamngheo.workbooks.grid import Grid, UnreadableWorkbook, cell_ref, load_grids
from giamngheo.workbooks.limits import DEFAULT_LIMITS, ReaderLimits
from giamngheo.workbooks.locate import TableLocation, locate_household_table
from giamngheo.workbooks.metadata import read_list_metadata
from giamngheo.workbooks.plan import read_plan
from giamngheo.workbooks.rows import choose_standard, read_households
from giamngheo.workbooks.texttables import read_csv_grid, read_html_grids
from giamngheo.workbooks.villages import split, village_totals

__all__ = ["DEFAULT_LIMITS", "ReaderLimits", "TableLocation", "read_submission", "unreadable"]


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
    catalog: Catalog | None = None,
) -> Submission:
    """Read a village household list or a commune plan table. Never raises for bad content.

    The household rows come as the submission's `households` frame, or with `frame=False` as
    its `rows` (columns of Python values), for a batch to make one frame of many files. The
    indicator columns are read under the list's standard in `catalog` (by default the
    standards shipped with the product).
    """
    name = file_name or path.name
    try:
        sub = _read(path, submission_id, name, limits, catalog or shipped())
        return with_frame(sub) if frame else sub
    except Exception as exc:  # noqa: BLE001 - a reader failure must cost one file, not the batch
        return unreadable(
            submission_id, name, "FILE-UNREADABLE", "lỗi khi đọc tệp", f"reader failure: {exc!r}"
        )


@functools.lru_cache(maxsize=4)
def matcher_of(catalog: Catalog) -> HeaderMatcher:
    """One header matcher per catalog in a process: it remembers what each text names."""
    return HeaderMatcher(catalog)


def _read(
    path: Path, submission_id: str, name: str, limits: ReaderLimits, catalog: Catalog
) -> Submission:
    try:
        _, grids = load_any(path, limits)
    except Refused as exc:
        return unreadable(submission_id, name, exc.code, exc.detail_vi, exc.detail_en)
    matcher = matcher_of(catalog)
    location = locate_household_table(grids, matcher)
    if location is None:
        plan = read_plan(grids, submission_id, name)
        if plan is not None:
            return plan
    sub = Submission(submission_id=submission_id, file=name, kind=HOUSEHOLDS)
    header = (location.sheet, location.header_row) if location else None
    totals, spans = village_totals(grids)
    read_list_metadata(grids, sub, header, spans, catalog)
    if location is None:
        sub.issues.append(make_issue("FILE-NO-TABLE", submission_id=submission_id, file=name))
        return sub
    skip = {r for sheet, r in spans if sheet == location.sheet}
    standard = choose_standard(location, catalog, sub.metadata.get("year"))
    grid = grids[location.sheet]
    labels = read_households(grid, location, sub, matcher, standard, skip)
    if labels:
        split(sub, labels, totals)
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
