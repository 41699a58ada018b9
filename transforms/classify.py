"""Classification of households under the multidimensional poverty standard (DESIGN §2)."""

from __future__ import annotations

import pandas as pd

from giamngheo.transforms.columns import AVERAGE, INDICATOR_COLUMNS, NEAR_POOR, NOT_POOR, POOR
from giamngheo.transforms.standards import STANDARDS


def classify(households: pd.DataFrame, standards: pd.DataFrame = STANDARDS) -> pd.DataFrame:
    """Add `deprivation_count` and `computed_class` to a household frame.

    Needs the columns `year`, `area` (rural | urban), `income_kvnd` (nghìn đồng per person per
    month) and the 12 indicator columns `d01`…`d12` (True = deprived; missing counts as not
    deprived). The rules, per the standard in force for the row's year and area:

    - income ≤ poverty line and deprivations ≥ 3 → poor (hộ nghèo)
    - income ≤ poverty line and deprivations < 3 → near_poor (hộ cận nghèo)
    - poverty line < income ≤ average upper bound → average (mức sống trung bình)
    - above that → not_poor

    `computed_class` is missing where no standard covers the year, the income is missing, or
    the income falls above the poverty line in a period whose average band is not published.
    """
    out = households.copy()
    deprived = out[list(INDICATOR_COLUMNS)].astype("boolean").fillna(False)
    out["deprivation_count"] = deprived.sum(axis=1).astype("Int64")
    income_vnd = (out["income_kvnd"].astype("Float64") * 1000).round()
    computed = pd.Series(pd.NA, index=out.index, dtype="string")
    for std in standards.itertuples(index=False):
        in_year = out["year"].between(std.first_year, std.last_year).fillna(False)
        in_area = out["area"].astype("string").eq(std.area).fillna(False)  # none: unknown
        in_force = in_year.astype(bool) & in_area.astype(bool)
        if not in_force.any():
            continue
        below_line = in_force & (income_vnd <= std.poverty_line_vnd).fillna(False)
        poor = below_line & (out["deprivation_count"] >= std.min_deprivations_poor)
        computed[poor] = POOR
        computed[below_line & ~poor] = NEAR_POOR
        above_line = in_force & (income_vnd > std.poverty_line_vnd).fillna(False)
        if pd.notna(std.average_upper_vnd):
            average = above_line & (income_vnd <= std.average_upper_vnd).fillna(False)
            computed[average] = AVERAGE
            computed[above_line & ~average] = NOT_POOR
    out["computed_class"] = computed
    return out
