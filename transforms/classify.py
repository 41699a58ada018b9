"""Classification of households under the multidimensional poverty standards (chuẩn nghèo)."""

from __future__ import annotations

import pandas as pd

from giamngheo.transforms.columns import (
    AVERAGE,
    DEPRIVATIONS,
    NEAR_POOR,
    NOT_POOR,
    POOR,
    deprivation_codes,
)
from giamngheo.transforms.standards import Catalog, Standard, shipped


def classify(households: pd.DataFrame, catalog: Catalog | None = None) -> pd.DataFrame:
    """Add `deprivation_count`, `computed_class` (under the national standard of the row's
    year) and `local_class` (under its province's own standard, where it has one) to a
    household frame.

    Needs the columns `year`, `area` (rural | urban), `income_kvnd` (nghìn đồng per person per
    month) and `deprivations` (the codes of the indicators of the list's standard the
    household is deprived in); `province_code` for the local class. The rules, per standard
    and area:

    - income ≤ poverty line and deprivations ≥ the threshold → poor (hộ nghèo)
    - income ≤ poverty line and fewer deprivations → near_poor (hộ cận nghèo)
    - poverty line < income ≤ near-poor line, where the standard sets one → near_poor
    - above that, up to the average band's upper bound → average (mức sống trung bình)
    - above that → not_poor

    A class is missing where no standard covers the year, the income is missing, or the
    income falls above the lines in a period whose average band is not published.
    """
    catalog = catalog or shipped()
    out = households.copy()
    deprivations = out[DEPRIVATIONS] if DEPRIVATIONS in out else pd.Series([()] * len(out))
    counts = deprivations.map(lambda codes: len(deprivation_codes(codes)))
    out["deprivation_count"] = counts.astype("Int64").to_numpy()
    income_vnd = (out["income_kvnd"].astype("Float64") * 1000).round()
    computed = pd.Series(pd.NA, index=out.index, dtype="string")
    local = pd.Series(pd.NA, index=out.index, dtype="string")
    years = out["year"]
    area = out["area"].astype("string")
    for standard in catalog.standards:
        in_year = years.between(standard.first_year, standard.last_year).fillna(False)
        if not in_year.any():
            continue
        if standard.province is None:
            _class_under(standard, in_year.astype(bool), area, income_vnd, out, computed)
        elif "province_code" in out:
            mine = in_year.astype(bool) & out["province_code"].eq(standard.province).fillna(False)
            _class_under(standard, mine.astype(bool), area, income_vnd, out, local)
    out["computed_class"] = computed
    out["local_class"] = local
    return out


def _class_under(
    standard: Standard,
    rows: pd.Series,
    area: pd.Series,
    income_vnd: pd.Series,
    households: pd.DataFrame,
    classes: pd.Series,
) -> None:
    """Set `classes` of the `rows` under `standard`, area by area."""
    count = households["deprivation_count"]
    if standard.indicators and standard.province is not None:  # counted on its own set
        own = set(standard.codes)
        count = households[DEPRIVATIONS].map(
            lambda codes: len(own.intersection(deprivation_codes(codes)))
        )
    for name, lines in standard.lines.items():
        in_force = rows & area.eq(name).fillna(False).astype(bool)  # no area: unknown
        if not in_force.any():
            continue
        below_line = in_force & (income_vnd <= lines.poverty).fillna(False)
        poor = below_line & (count >= standard.min_deprivations_poor).fillna(False)
        classes[poor] = POOR
        classes[below_line & ~poor] = NEAR_POOR
        above = in_force & (income_vnd > lines.poverty).fillna(False)
        if lines.near_poor is not None:
            near = above & (income_vnd <= lines.near_poor).fillna(False)
            classes[near] = NEAR_POOR
            above = above & ~near
        if lines.average_upper is not None:
            average = above & (income_vnd <= lines.average_upper).fillna(False)
            classes[average] = AVERAGE
            classes[above & ~average] = NOT_POOR
