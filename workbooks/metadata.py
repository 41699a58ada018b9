"""Village metadata of a submitted list: labelled values, or the title block as a fallback."""

from __future__ import annotations

import re
from collections.abc import Callable

from giamngheo.transforms import list_year
from giamngheo.transforms import normalize as nz
from giamngheo.transforms.columns import METADATA_FIELDS, fold, match_metadata_label
from giamngheo.transforms.issues import make_issue
from giamngheo.transforms.list_year import YearStatement
from giamngheo.transforms.standards import Catalog, shipped
from giamngheo.transforms.submission import Submission
from giamngheo.workbooks.grid import Grid, cell_ref

SEARCH_ROWS = 40  # how far down a sheet without a table labels are looked for
INSTRUCTIONS = ("huong dan",)  # a sheet of instructions ("Hướng dẫn") holds no metadata


def read_list_metadata(
    grids: dict[str, Grid],
    sub: Submission,
    header: tuple[str, int] | None,
    skip: set[tuple[str, int]] = frozenset(),
    catalog: Catalog | None = None,
) -> None:
    """The list's metadata: its labelled values, what the title block says, and its year
    from every place that states one (`transforms.list_year`), two that disagree an issue."""
    years: list[YearStatement] = []
    read_metadata(grids, sub, header, skip, years, catalog)
    read_title_block(grids, sub, header, years)
    _settle_year(sub, years)


def read_metadata(
    grids: dict[str, Grid],
    sub: Submission,
    header: tuple[str, int] | None,
    skip: set[tuple[str, int]] = frozenset(),
    years: list[YearStatement] | None = None,
    catalog: Catalog | None = None,
) -> None:
    """Label/value pairs anywhere above the household table ("Mã thôn" | "19834-03"); the
    labels that state a year go to `years`.

    `header` is the (sheet, row) of the household table's header, if one was found; the
    (sheet, row) pairs in `skip` belong to another table (the villages' totals).
    """
    years = [] if years is None else years
    for sheet, grid in grids.items():
        if fold(sheet).startswith(INSTRUCTIONS):
            continue
        last_row = header[1] if header and header[0] == sheet else SEARCH_ROWS
        for r, row in enumerate(grid[:last_row]):
            if (sheet, r) in skip:
                continue
            for c, label in enumerate(row):
                if not isinstance(label, str):
                    continue
                key = fold(label)
                offset = list_year.label_offset(key)
                field_name = "year" if offset is not None else match_metadata_label(label)
                if field_name is None or (field_name in sub.metadata and field_name != "year"):
                    continue
                for vc in range(c + 1, min(c + 4, len(row))):
                    if nz.is_blank(row[vc]):
                        continue
                    if field_name == "year":
                        _year_label(
                            sub, row[vc], offset, label, sheet, cell_ref(r, vc), years, catalog
                        )
                    else:
                        set_metadata(sub, field_name, row[vc], sheet, cell_ref(r, vc), catalog)
                    break
                else:  # a label with no value: an issue will point at the cell to fill
                    sub.metadata_cells.setdefault(field_name, (sheet, cell_ref(r, c + 1)))


def _year_label(
    sub: Submission,
    raw: object,
    offset: int,
    label: str,
    sheet: str,
    cell: str,
    years: list[YearStatement],
    catalog: Catalog | None,
) -> None:
    try:
        written = nz.parse_whole(raw)
    except nz.CellError:
        set_metadata(sub, "year", raw, sheet, cell, catalog)  # VR-BAD-YEAR at its cell
        return
    if written is None:
        return
    words = nz.clean_text(label).rstrip(":").strip() if isinstance(label, str) else "Năm"
    years.append(YearStatement(written + offset, written, sheet, cell, words))


def _settle_year(sub: Submission, years: list[YearStatement]) -> None:
    year, disagreeing = list_year.settle(years)
    if year is None:
        return
    first = years[0]
    sub.metadata["year"] = year
    sub.metadata_cells["year"] = (first.sheet, first.cell)
    for other in disagreeing:
        sub.issues.append(
            make_issue(
                "VR-YEAR-CONFLICT",
                submission_id=sub.submission_id,
                file=sub.file,
                sheet=other.sheet,
                cell=other.cell,
                column=METADATA_FIELDS["year"],
                value=other.written,
                words=other.words,
                means=other.year,
                first_words=first.words,
                first_cell=first.cell,
                first_written=first.written,
                first_means=first.year,
            )
        )


_TITLE_VILLAGE = re.compile(
    r"\b(thon|to dan pho|ban|xom|ap|khoi|to) ([a-z0-9]+(?: [a-z0-9]+)*?)"
    r"(?= xa\b| phuong\b| thi tran\b| huyen\b| nam\b|$)"
)
_TITLE_COMMUNE = re.compile(
    r"\b(xa|phuong|thi tran) ([a-z0-9]+(?: [a-z0-9]+)*?)(?= huyen\b| thi xa\b| tinh\b| nam\b|$)"
)
# "Ủy ban nhân dân" holds "bản" (a hamlet) and is never a place name.
_AUTHORITY = re.compile(r"\b(uy ban nhan dan|ubnd|hoi dong nhan dan|cong hoa xa hoi chu nghia)\b")


def read_title_block(
    grids: dict[str, Grid],
    sub: Submission,
    header: tuple[str, int] | None,
    years: list[YearStatement] | None = None,
) -> None:
    """Village and commune from title lines ("Thôn 3 – xã Điền Hòa … năm 2024"), and the
    year each title states (to `years`, see `transforms.list_year`).

    Only fills what labelled metadata left open; names are kept folded and resolved against
    the registry later.
    """
    wanted = {"village_name": _TITLE_VILLAGE, "commune_name": _TITLE_COMMUNE}
    years = [] if years is None else years
    for sheet, grid in grids.items():
        if fold(sheet).startswith(INSTRUCTIONS):
            continue  # its sentences name villages and years only as examples
        last = header[1] if header and header[0] == sheet else min(len(grid), 15)
        for r, row in enumerate(grid[:last]):
            for c, value in enumerate(row):
                if not isinstance(value, str) or match_metadata_label(value):
                    continue
                key = _AUTHORITY.sub(" ", fold(value)).strip()
                stated = list_year.title_year(key)
                if stated is not None and not any(y.cell == cell_ref(r, c) for y in years):
                    year, written, words = stated
                    years.append(YearStatement(year, written, sheet, cell_ref(r, c), words))
                for name, pattern in wanted.items():
                    if sub.metadata.get(name) is not None:
                        continue
                    for part in re.split(r" (?=xa |phuong |thi tran |nam )", key):
                        found = pattern.search(part)
                        if found:
                            sub.metadata[name] = found.group(0)
                            sub.metadata_cells[name] = (sheet, cell_ref(r, c))
                            break


_METADATA_PARSERS: dict[str, Callable[[object], object]] = {
    "province_code": nz.parse_code,
    "district_code": nz.parse_code,
    "commune_code": nz.parse_code,
    "village_code": nz.parse_code,
    "year": nz.parse_whole,
    "area": nz.parse_area,
    "total_households": nz.parse_whole,
    "total_persons": nz.parse_whole,
}
_METADATA_ISSUES = {
    "year": "VR-BAD-YEAR",
    "area": "VR-BAD-AREA",
    "total_households": "VR-BAD-TOTAL",
}


def set_metadata(
    sub: Submission, name: str, raw: object, sheet: str, cell: str, catalog: Catalog | None = None
) -> None:
    """Parse one metadata value into `sub`, with an issue at its cell when it does not parse."""
    sub.metadata_cells[name] = (sheet, cell)
    parser = _METADATA_PARSERS.get(name, nz.clean_text)
    try:
        sub.metadata[name] = parser(raw)
    except nz.CellError:
        sub.metadata[name] = None
        code = _METADATA_ISSUES.get(name, "VR-MISSING")
        value = raw if code != "VR-MISSING" else METADATA_FIELDS[name]
        first, last = (catalog or shipped()).covered_years()
        sub.issues.append(
            make_issue(
                code,
                submission_id=sub.submission_id,
                file=sub.file,
                sheet=sheet,
                cell=cell,
                column=METADATA_FIELDS[name],
                value=value,
                first=first,
                last=last,
            )
        )
