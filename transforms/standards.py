"""Poverty standards (chuẩn nghèo đa chiều) as data, keyed by period and area.

A new decree is a new row in `STANDARDS`, never a new `if`. Amounts are VND per person per
month. `average_upper_vnd` is the upper bound of "hộ có mức sống trung bình"; it is None where
the decree has not published it yet (Nghị định 351/2025/NĐ-CP for 2027–2030).
"""

from __future__ import annotations

import pandas as pd

STANDARD_COLUMNS = (
    "decree",
    "first_year",
    "last_year",
    "area",
    "poverty_line_vnd",
    "average_upper_vnd",
    "min_deprivations_poor",
)

STANDARDS: pd.DataFrame = pd.DataFrame(
    [
        ("07/2021/NĐ-CP", 2022, 2026, "rural", 1_500_000, 2_250_000, 3),
        ("07/2021/NĐ-CP", 2022, 2026, "urban", 2_000_000, 3_000_000, 3),
        ("351/2025/NĐ-CP", 2027, 2030, "rural", 2_200_000, None, 3),
        ("351/2025/NĐ-CP", 2027, 2030, "urban", 2_800_000, None, 3),
    ],
    columns=list(STANDARD_COLUMNS),
).astype(
    {
        "first_year": "int64",
        "last_year": "int64",
        "poverty_line_vnd": "int64",
        "average_upper_vnd": "Int64",
        "min_deprivations_poor": "int64",
    }
)


def standard_for(year: int, area: str, standards: pd.DataFrame = STANDARDS) -> pd.Series | None:
    """The standard row in force for a list of `year` in `area`, or None if none covers it."""
    hit = standards[
        (standards["first_year"] <= year)
        & (standards["last_year"] >= year)
        & (standards["area"] == area)
    ]
    if hit.empty:
        return None
    return hit.iloc[0]


def covered_years(standards: pd.DataFrame = STANDARDS) -> tuple[int, int]:
    """First and last list year any standard covers."""
    return int(standards["first_year"].min()), int(standards["last_year"].max())
