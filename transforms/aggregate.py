"""Counts and rates per village, rolled up to commune, district or any parent unit.

Rates follow the official rule: ``tỷ lệ % = households ÷ total households × 100``, rounded half
up to 2 decimals, and a total's rate is computed from the totals, never summed from the rows'
rates (the seed's "Tổng cộng … 3,99" is exactly that mistake).
"""

from __future__ import annotations

import pandas as pd

from giamngheo.transforms.columns import AVERAGE, NEAR_POOR, POOR

# Count columns of a poverty summary, and each rate with its numerator and denominator.
COUNT_COLUMNS: tuple[str, ...] = (
    "total_households",
    "total_persons",
    "poor_households",
    "near_poor_households",
    "average_households",
    "poor_persons",
    "near_poor_persons",
    "average_persons",
)
RATE_COLUMNS: dict[str, tuple[str, str]] = {
    "poor_rate_pct": ("poor_households", "total_households"),
    "near_poor_rate_pct": ("near_poor_households", "total_households"),
    "average_rate_pct": ("average_households", "total_households"),
    "poor_persons_rate_pct": ("poor_persons", "total_persons"),
    "near_poor_persons_rate_pct": ("near_poor_persons", "total_persons"),
    "average_persons_rate_pct": ("average_persons", "total_persons"),
}
_CLASS_PREFIX = {POOR: "poor", NEAR_POOR: "near_poor", AVERAGE: "average"}


def rate_pct(numerator, denominator):
    """numerator ÷ denominator × 100, rounded half up to 2 decimals; missing when ÷ 0.

    Works on integers or integer Series. Computed in integers so 1/8 gives exactly 12.5 and
    1/800 gives 0.13 — no binary floating-point surprises at the half.
    """
    if isinstance(numerator, pd.Series) or isinstance(denominator, pd.Series):
        num = pd.Series(numerator).astype("Int64")
        den = pd.Series(denominator).astype("Int64")
        den = den.where(den > 0)
        scaled = (2 * num * 10_000 + den) // (2 * den)
        return (scaled.astype("Float64") / 100).astype("Float64")
    if numerator is None or denominator is None or pd.isna(numerator) or pd.isna(denominator):
        return None
    if int(denominator) <= 0:
        return None
    return ((2 * int(numerator) * 10_000 + int(denominator)) // (2 * int(denominator))) / 100


def add_rates(summary: pd.DataFrame) -> pd.DataFrame:
    """Recompute every rate column of a summary from its count columns."""
    out = summary.copy()
    for rate, (num, den) in RATE_COLUMNS.items():
        out[rate] = rate_pct(out[num], out[den])
    return out


def village_summary(
    households: pd.DataFrame,
    villages: pd.DataFrame,
    keys: tuple[str, ...] = ("village_code", "year"),
) -> pd.DataFrame:
    """One row per village list: household and person counts by class, and their rates.

    `households`: the current households, with the `keys` (village_code and year by default,
    or submission_id), `poverty_class` and `members`. `villages`: one row per village list
    with the keys, `total_households` and `total_persons` (may be missing); other columns are
    kept. Villages whose list has no household are still there, with zero counts.
    """
    keys = list(keys)
    listed = households[households["poverty_class"].isin(_CLASS_PREFIX)]
    grouped = listed.groupby(keys + ["poverty_class"], observed=True).agg(
        households=("poverty_class", "size"), persons=("members", "sum")
    )
    wide = grouped.unstack("poverty_class")
    counts = pd.DataFrame(index=wide.index)
    for cls, prefix in _CLASS_PREFIX.items():
        for measure in ("households", "persons"):
            col = (measure, cls)
            counts[f"{prefix}_{measure}"] = wide[col] if col in wide.columns else 0
    counts = counts.reset_index()
    out = villages.merge(counts, on=keys, how="left")
    for col in COUNT_COLUMNS[2:]:
        out[col] = out[col].fillna(0).astype("Int64")
    for col in COUNT_COLUMNS[:2]:
        out[col] = out[col].astype("Int64")
    return add_rates(out)


def rollup(summary: pd.DataFrame, parent_of: pd.Series, child: str, parent: str) -> pd.DataFrame:
    """Sum a summary's counts into parent units and recompute the rates from the totals.

    `child` and `parent` name the code columns (e.g. "village_code" → "commune_code");
    `parent_of` maps a child code to its parent's code. The result has the parent code, `year`,
    `child_count`, the count columns and the rate columns. A total of persons is missing when
    any child's is missing: a partial total would read as a real one.
    """
    frame = summary.copy()
    frame[parent] = frame[child].map(parent_of)
    counts = list(COUNT_COLUMNS)
    grouped = frame.groupby([parent, "year"], observed=True, dropna=False)
    totals = grouped[counts].sum(min_count=1)
    incomplete = frame[counts].isna().groupby([frame[parent], frame["year"]], dropna=False).any()
    totals = totals.mask(incomplete).astype("Int64").reset_index()
    totals.insert(2, "child_count", grouped.size().to_numpy())
    return add_rates(totals)
