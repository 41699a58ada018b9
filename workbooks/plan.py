"""The commune plan table (the seed's layout), recognised in the same inbox as village lists.

Stt · Đơn vị · Hộ nghèo năm Y (Hộ, Tỷ lệ %) · Chỉ tiêu giảm nghèo năm Y (Hộ, Tỷ lệ %), a
two-row header, one row per village and a "Tổng cộng" row, usually under a title block that
names the commune ("UBND xã Điền Hòa", "Kế hoạch … năm 2024").
"""

from __future__ import annotations

import re

import pandas as pd

from giamngheo.transforms import normalize as nz
from giamngheo.transforms.columns import fold
from giamngheo.transforms.submission import PLAN, Submission
from giamngheo.workbooks.grid import Grid, cell_ref, column_letter

PLAN_COLUMNS = (
    "seq",
    "unit_name",
    "poor_households",
    "poor_rate_pct",
    "target_households",
    "target_rate_pct",
    "is_total",
    "source_row",
)
_YEAR = re.compile(r"nam (\d{4})")
_COMMUNE = re.compile(
    r"\b(?:ubnd |uy ban nhan dan )?(xa|phuong|thi tran) ([a-z0-9 ]+?)(?: huyen\b| thi xa\b| tinh\b| nam\b|$)"
)
_TOTAL = ("tong cong", "cong", "tong so", "tong")
# The goal a plan states (folded text): a rate to fall below ("… giảm còn dưới 1% hộ nghèo",
# "dưới 1,5 %") or one to reach ("giảm tỷ lệ hộ nghèo xuống còn 0,9%").
_GOAL_BELOW = re.compile(r"\bduoi (\d+)(?: (\d+))? ?%")
_GOAL_AT_MOST = re.compile(r"\b(?:xuong|giam) con (\d+)(?: (\d+))? ?%")
_SEARCH_ROWS = 60


def read_plan(grids: dict[str, Grid], submission_id: str, name: str) -> Submission | None:
    """The plan rows of a workbook holding a plan table, or None when it holds none."""
    for sheet, grid in grids.items():
        header = _find_header(grid)
        if header is None:
            continue
        r, cols, year = header
        sub = Submission(submission_id=submission_id, file=name, kind=PLAN, sheet=sheet)
        sub.metadata["year"] = year
        sub.metadata_cells["year"] = (sheet, cell_ref(r, cols["poor_households"]))
        _commune_from_title(grid[:r], sub, sheet)
        sub.plan = _rows(grid, r + 2, cols)
        sub.columns = {k: column_letter(v) for k, v in cols.items()}
        return sub
    return None


def _find_header(grid: Grid) -> tuple[int, dict[str, int], int | None] | None:
    for r, row in enumerate(grid[:_SEARCH_ROWS]):
        keys = [fold(v) if isinstance(v, str) else "" for v in row]
        unit = next((c for c, k in enumerate(keys) if k in ("don vi", "thon", "ten don vi")), None)
        poor = next((c for c, k in enumerate(keys) if k.startswith("ho ngheo")), None)
        target = next((c for c, k in enumerate(keys) if k.startswith("chi tieu")), None)
        if unit is None or poor is None or target is None or r + 1 >= len(grid):
            continue
        below = [fold(v) if isinstance(v, str) else "" for v in grid[r + 1]]
        if not _is_count_then_rate(below, poor) or not _is_count_then_rate(below, target):
            continue
        year_match = _YEAR.search(keys[poor]) or _YEAR.search(keys[target])
        cols = {
            "seq": next((c for c, k in enumerate(keys) if k in ("stt", "tt")), None),
            "unit_name": unit,
            "poor_households": poor,
            "poor_rate_pct": poor + 1,
            "target_households": target,
            "target_rate_pct": target + 1,
        }
        return (
            r,
            {k: v for k, v in cols.items() if v is not None},
            (int(year_match.group(1)) if year_match else None),
        )
    return None


def _is_count_then_rate(below: list[str], c: int) -> bool:
    return c + 1 < len(below) and below[c] in ("ho", "so ho") and below[c + 1].startswith("ty le")


def _commune_from_title(rows: Grid, sub: Submission, sheet: str) -> None:
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if not isinstance(value, str):
                continue
            key = fold(value)
            match = _COMMUNE.search(key)
            if match and "commune_name" not in sub.metadata:
                sub.metadata["commune_name"] = (
                    match.group(0).removeprefix("ubnd ").removeprefix("uy ban nhan dan ")
                )
                sub.metadata_cells["commune_name"] = (sheet, cell_ref(r, c))
            year = _YEAR.search(key)
            if year and sub.metadata.get("year") is None:
                sub.metadata["year"] = int(year.group(1))
            if "goal_rate_pct" not in sub.metadata:
                _goal(key, sub, (sheet, cell_ref(r, c)))


def _goal(key: str, sub: Submission, where: tuple[str, str]) -> None:
    for pattern, at_most in ((_GOAL_BELOW, False), (_GOAL_AT_MOST, True)):
        goal = pattern.search(key)
        if goal:
            sub.metadata["goal_rate_pct"] = float(f"{goal.group(1)}.{goal.group(2) or 0}")
            sub.metadata["goal_at_most"] = at_most
            sub.metadata_cells["goal_rate_pct"] = where
            return


def _rows(grid: Grid, start: int, cols: dict[str, int]) -> pd.DataFrame:
    records = []
    for r in range(start, len(grid)):
        row = grid[r]

        def cell(name: str, row=row):
            c = cols.get(name)
            return row[c] if c is not None and c < len(row) else None

        unit = nz.clean_text(cell("unit_name"))
        if not unit:
            if all(nz.is_blank(v) for v in row):
                continue
            break
        is_total = fold(unit) in _TOTAL
        records.append(
            {
                "seq": nz.clean_text(cell("seq")),
                "unit_name": unit,
                "poor_households": _number(cell("poor_households")),
                "poor_rate_pct": _number(cell("poor_rate_pct")),
                "target_households": _number(cell("target_households")),
                "target_rate_pct": _number(cell("target_rate_pct")),
                "is_total": is_total,
                "source_row": r + 1,
            }
        )
        if is_total:
            break
    frame = pd.DataFrame(records, columns=list(PLAN_COLUMNS))
    return frame.astype(
        {
            "poor_households": "Float64",
            "poor_rate_pct": "Float64",
            "target_households": "Float64",
            "target_rate_pct": "Float64",
            "source_row": "Int64",
        }
    )


def _number(value: object) -> float | None:
    try:
        return nz.parse_number(value)
    except nz.CellError:
        return None
