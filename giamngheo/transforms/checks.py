"""Domain rules that a column-wise expectation cannot express (DESIGN §5).

Each check is a pure function over frames and returns `Finding`s; the caller locates them.
"""

from __future__ import annotations

import pandas as pd

from giamngheo.transforms.columns import AVERAGE, CLASS_LABELS, METADATA_FIELDS, NOT_POOR
from giamngheo.transforms.issues import Finding
from giamngheo.transforms.standards import STANDARDS, covered_years


def check_village_reports(
    reports: pd.DataFrame, registry: pd.DataFrame, standards: pd.DataFrame = STANDARDS
) -> list[Finding]:
    """Metadata of each list: village known to the registry, year covered, totals present.

    `reports` has one row per submission: submission_id, village_code, year, total_households.
    """
    findings: list[Finding] = []
    villages = set(registry.loc[registry["level"] == "village", "code"])
    first, last = covered_years(standards)
    for r in reports.itertuples(index=False):
        sid = r.submission_id
        for name in ("village_code", "year", "total_households"):
            if pd.isna(getattr(r, name)):
                findings.append(Finding("VR-MISSING", sid, name, value=METADATA_FIELDS[name]))
        if pd.notna(r.village_code) and r.village_code not in villages:
            findings.append(
                Finding("VR-UNKNOWN-VILLAGE", sid, "village_code", value=r.village_code)
            )
        if pd.notna(r.year) and not first <= int(r.year) <= last:
            findings.append(
                Finding(
                    "VR-BAD-YEAR",
                    sid,
                    "year",
                    value=int(r.year),
                    details=(("first", first), ("last", last)),
                )
            )
        if pd.notna(r.total_households) and int(r.total_households) <= 0:
            findings.append(
                Finding("VR-BAD-TOTAL", sid, "total_households", value=r.total_households)
            )
    return findings


def check_listed_within_total(households: pd.DataFrame, reports: pd.DataFrame) -> list[Finding]:
    """A list cannot name more households than the village has (Tổng số hộ dân cư)."""
    listed = households.groupby("submission_id").size().rename("listed")
    joined = reports.set_index("submission_id").join(listed, how="inner")
    over = joined[
        joined["total_households"].notna() & (joined["listed"] > joined["total_households"])
    ]
    return [
        Finding(
            "VR-TOO-MANY",
            sid,
            "total_households",
            value=int(row.listed),
            details=(("total", int(row.total_households)),),
        )
        for sid, row in over.iterrows()
    ]


def check_claimed_class(classified: pd.DataFrame) -> list[Finding]:
    """The class a village wrote must be the class the standard gives (see `classify`).

    Where the standard gives no class above the poverty line (the average band of a period
    not published yet), "average" and "not poor" are both accepted.
    """
    claimed = classified["claimed_class"]
    computed = classified["computed_class"]
    undecided_above_line = computed.isna() & classified["income_kvnd"].notna()
    acceptable = (claimed == computed).fillna(False) | (
        undecided_above_line & claimed.isin([AVERAGE, NOT_POOR])
    )
    wrong = classified[claimed.notna() & ~acceptable & classified["income_kvnd"].notna()]
    return [
        Finding(
            "HH-CLASS-MISMATCH",
            row.submission_id,
            "claimed_class",
            row=int(row.source_row),
            value=CLASS_LABELS.get(row.claimed_class, row.claimed_class),
            details=(
                ("income", f"{row.income_kvnd:,.0f}".replace(",", ".")),
                ("deprivations", int(row.deprivation_count)),
                (
                    "expected",
                    CLASS_LABELS.get(row.computed_class, "?")
                    if pd.notna(row.computed_class)
                    else "?",
                ),
            ),
        )
        for row in wrong.itertuples(index=False)
    ]
