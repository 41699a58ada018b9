"""The villages of a commune-wide list: which village each household row belongs to, the rows
that only structure the table, and the villages' totals from a summary table.

Communes keep one list for all their villages. A row's village comes from a village column
("Thôn", "Tổ dân phố", "Ấp"…) or from the last section row above it (a row whose only text is
a village's name, "Thôn 1", "THÔN 2", "II. Thôn 03"); a blank village cell inherits the one
above. The denominators (Tổng số hộ dân cư, Tổng số nhân khẩu) sit in a summary table, one
row per village, on any sheet. Names are only read here; they are matched to the registry
(`transforms.registry.match_village`) when the batch is assembled.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass

from giamngheo.transforms import normalize as nz
from giamngheo.transforms.columns import VILLAGE, fold, match_header
from giamngheo.transforms.issues import make_issue
from giamngheo.transforms.registry import village_key
from giamngheo.transforms.submission import HOUSEHOLDS, Submission
from giamngheo.workbooks.grid import Grid, cell_ref
from giamngheo.workbooks.metadata import set_metadata

# A section row: optional enumerator ("I.", "2)", "a."), a village kind word, then a name.
_SECTION = re.compile(
    r"^(?:(?:[ivxlc]+|\d{1,2}|[a-z])[.)]\s*)?"
    r"((?:thon|to dan pho|tdp|to|ap|ban|xom|khu pho|khu|khoi|lang|buon|bon|plei|doi)"
    r"\s+\S.*)$",
    re.IGNORECASE,
)
_ENUMERATOR = re.compile(r"^\s*(?:[IVXLCivxlc]+|\d{1,2}|[a-zA-Z])[.)]\s*")
# "Trang 2", "Trang 2/5", "Page 3", "- 4 -": a printed page's number copied into the sheet.
_PAGE = re.compile(r"^(?:(?:trang|page|to) \d+(?: (?:tren|of) \d+| \d+)?|\d{1,3})$")
# Words of a signature block and of the lines around it.
_SIGNATURE = (
    "nguoi lap",
    "ky ghi ro",
    "ky ten",
    "ky dong dau",
    "xac nhan",
    "truong thon",
    "to truong",
    "chu tich",
    "tm uy ban",
    "tm ubnd",
    "can bo",
    "thu truong",
    "ngay thang nam",
    "ban chi dao",
)
# Header cells of a summary table of the villages' totals.
_TOTAL_HOUSEHOLDS = ("tong so ho dan cu", "tong so ho", "so ho dan cu", "tong ho dan cu", "so ho")
_TOTAL_PERSONS = ("tong so nhan khau", "tong so khau", "so nhan khau", "tong nhan khau")
_UNIT_HEADERS = ("don vi", "ten don vi", "dia ban")


def part_id(file_id: str, key: str) -> str:
    """The submission id of one village of a file: stable for the same bytes and name."""
    return hashlib.sha256(f"{file_id}\0{key}".encode()).hexdigest()[:16]


def section_label(row: list[object]) -> str | None:
    """The village a section row names, or None when the row is not one."""
    texts = [v for v in row if not nz.is_blank(v)]
    if len(texts) != 1 or not isinstance(texts[0], str):
        return None
    text = nz.clean_text(texts[0]) or ""
    if len(text) > 60 or not _SECTION.match(fold(text)):
        return None
    return _ENUMERATOR.sub("", text).strip()


def is_page_row(row: list[object]) -> bool:
    """A row holding only a printed page number ("Trang 2", "- 3 -")."""
    texts = [v for v in row if not nz.is_blank(v)]
    return len(texts) == 1 and isinstance(texts[0], str) and bool(_PAGE.fullmatch(fold(texts[0])))


def is_signature_row(row: list[object], blank_at: list[int]) -> bool:
    """A line of the signature block: its words, and nothing in the household figures at
    `blank_at` (members, income), so that no household is ever taken for one."""
    if any(c < len(row) and not nz.is_blank(row[c]) for c in blank_at):
        return False
    words = " ".join(fold(v) for v in row if isinstance(v, str) and v.strip())
    return any(w in words for w in _SIGNATURE)


@dataclass(frozen=True)
class VillageTotal:
    """A village's denominators as its commune's summary table states them."""

    label: str
    households: object  # the raw cell: parsed, and any error reported, like metadata
    persons: object
    sheet: str
    households_cell: str
    persons_cell: str | None


def village_totals(grids: dict[str, Grid]) -> tuple[dict[str, VillageTotal], set[tuple]]:
    """The villages' totals from a summary table on any sheet, by `village_key`, and the
    (sheet, row) of every row the table spans (metadata is not looked for there).

    A summary table has a header naming the village (Thôn, Tên thôn, Đơn vị…) and Tổng số hộ
    dân cư (Tổng số nhân khẩu is optional); one row per village follows, up to a blank or a
    Cộng row.
    """
    found: dict[str, VillageTotal] = {}
    spans: set[tuple] = set()
    for sheet, grid in grids.items():
        # above a list, or below it (a summary after the households, as pasted text has it)
        for r in sorted({*range(min(60, len(grid))), *range(max(0, len(grid) - 300), len(grid))}):
            columns = _summary_header(grid[r])
            if columns is None:
                continue
            name_col, households_col, persons_col = columns
            spans.add((sheet, r))
            for rr in range(r + 1, len(grid)):
                cells = grid[rr]
                label = nz.clean_text(cells[name_col]) if name_col < len(cells) else None
                if label is None:
                    if all(nz.is_blank(v) for v in cells):
                        break
                    continue
                spans.add((sheet, rr))
                key = village_key(label)
                if not key or fold(label).startswith(("cong", "tong")):
                    continue
                found.setdefault(
                    key,
                    VillageTotal(
                        label,
                        cells[households_col] if households_col < len(cells) else None,
                        cells[persons_col]
                        if persons_col is not None and persons_col < len(cells)
                        else None,
                        sheet,
                        cell_ref(rr, households_col),
                        None if persons_col is None else cell_ref(rr, persons_col),
                    ),
                )
    return found, spans


_INITIALS: dict[str, bool] = {}


def _may_count_households(text: str) -> bool:
    """Whether `text` may begin "Tổng số hộ…" or "Số hộ…" (its first two letters fold to "to"
    or "so"), looked up by those letters."""
    initials = text.lstrip()[:2]
    found = _INITIALS.get(initials)
    if found is None:
        if len(_INITIALS) > 10_000:  # any two letters of any text: keep the table small
            _INITIALS.clear()
        found = _INITIALS[initials] = fold(initials) in ("to", "so")
    return found


def _summary_header(row: list[object]) -> tuple[int, int, int | None] | None:
    # Most rows are households: a row without a cell that may read "Tổng số hộ…" / "Số hộ…"
    # is passed over before any header matching.
    if row and isinstance(row[0], int | float):  # a numbered row: data, not a header
        return None
    if not any(isinstance(v, str) and _may_count_households(v) for v in row):
        return None
    name_col = households_col = persons_col = None
    for c, value in enumerate(row):
        if not isinstance(value, str):
            continue
        key = fold(value)
        if name_col is None and (match_header(value) == VILLAGE or key in _UNIT_HEADERS):
            name_col = c
        elif households_col is None and key.startswith(_TOTAL_HOUSEHOLDS) and "ngheo" not in key:
            households_col = c
        elif persons_col is None and key.startswith(_TOTAL_PERSONS):
            persons_col = c
    if name_col is None or households_col is None:
        return None
    return name_col, households_col, persons_col


# Metadata of the file that each village keeps; its own name and totals come from the table.
_VILLAGE_OWN = ("village_code", "village_name", "total_households", "total_persons")
_VILLAGE_CODE = re.compile(r"\d{5}-\d{2}")


def split(sub: Submission, labels: list, totals: dict[str, VillageTotal]) -> None:
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
            headers=sub.headers,
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
                part.issues.append(
                    make_issue(
                        "HH-VILLAGE-MISSING",
                        submission_id=part.submission_id,
                        file=part.file,
                        sheet=part.sheet,
                        cell=f"{column}{r}",
                    )
                )
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
