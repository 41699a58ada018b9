"""Domain rules that a column-wise expectation cannot express (DESIGN §5).

Each check is a pure function over frames and returns `Finding`s; the caller locates them.
"""

from __future__ import annotations

import pandas as pd

from giamngheo.transforms.aggregate import rate_pct
from giamngheo.transforms.columns import AVERAGE, CLASS_LABELS, METADATA_FIELDS, NOT_POOR
from giamngheo.transforms.issues import Finding
from giamngheo.transforms.standards import STANDARDS, covered_years
from giamngheo.transforms.vietnamese import vi_int, vi_pct


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


def check_claimed_class(
    classified: pd.DataFrame, standards: pd.DataFrame = STANDARDS
) -> list[Finding]:
    """The class a village wrote must be the class the standard gives (see `classify`).

    Where the standard gives no class above the poverty line (the average band of a period
    not published yet), "average" and "not poor" are both accepted. Lists of a year no
    standard covers are left to VR-BAD-YEAR.
    """
    first, last = covered_years(standards)
    classified = classified[classified["year"].between(first, last).fillna(False)]
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
                ("income", vi_int(round(row.income_kvnd))),
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


def check_total_rows(totals: pd.DataFrame, households: pd.DataFrame) -> list[Finding]:
    """A "Tổng cộng" row must equal its rows: members summed, marks and households counted.

    `totals` has one row per totals row: submission_id, source_row and the numbers it states
    per field (missing where it states none).
    """
    findings: list[Finding] = []
    if totals.empty:
        return findings
    grouped = households.groupby("submission_id")
    for row in totals.to_dict("records"):
        sid = row["submission_id"]
        rows = grouped.get_group(sid) if sid in grouped.groups else households.iloc[:0]
        for field, stated in row.items():
            if field in ("submission_id", "source_row") or stated is None or pd.isna(stated):
                continue
            if field == "members":
                expected = int(rows["members"].sum())
            elif field in ("seq", "household_code"):
                expected = len(rows)
            else:
                expected = int(rows[field].fillna(False).sum())
            if float(stated) != expected:
                findings.append(
                    Finding(
                        "HH-TOTAL-ROW",
                        sid,
                        field,
                        row=int(row["source_row"]),
                        value=_number(stated),
                        details=(("expected", expected),),
                    )
                )
    return findings


def check_codes_elsewhere(households: pd.DataFrame, known: pd.DataFrame) -> list[Finding]:
    """A household code already on another village's list of the same year (a warning).

    `households`: the batch (submission_id, source_row, village_code, year, household_code).
    `known`: current lists in the warehouse (village_code, year, household_code), whose own
    villages' rows are ignored because this batch replaces them.
    """
    batch = households[["submission_id", "source_row", "village_code", "year", "household_code"]]
    batch = batch.dropna(subset=["household_code", "village_code"])
    others = known[~known["village_code"].isin(batch["village_code"])]
    pool = pd.concat(
        [batch[["village_code", "year", "household_code"]], others], ignore_index=True
    ).drop_duplicates()
    merged = batch.merge(pool, on=["year", "household_code"], suffixes=("", "_other"))
    merged = merged[merged["village_code"] != merged["village_code_other"]]
    others = merged.groupby(["submission_id", "source_row", "household_code", "year"], sort=True)
    return [
        Finding(
            "HH-ID-OTHER-VILLAGE",
            sid,
            "household_code",
            row=int(row),
            value=code,
            details=(
                ("year", int(year)),
                ("other", ", ".join(sorted(group["village_code_other"]))),
            ),
        )
        for (sid, row, code, year), group in others
    ]


def check_year_over_year(
    current: pd.DataFrame, history: pd.DataFrame, rate_points: float, total_change_pct: float
) -> list[Finding]:
    """Outliers against the same village's previous accepted list (warnings).

    `current`: this batch's village summaries (submission_id, village_code, year,
    total_households, poor_rate_pct). `history`: accepted summaries (village_code, year,
    total_households, poor_rate_pct), from the warehouse and from this batch.
    """
    earlier = current[
        ["submission_id", "village_code", "year", "total_households", "poor_rate_pct"]
    ].merge(
        history[["village_code", "year", "total_households", "poor_rate_pct"]],
        on="village_code",
        suffixes=("", "_prev"),
    )
    earlier = earlier[earlier["year_prev"] < earlier["year"]].dropna(subset=["poor_rate_pct"])
    # The previous accepted list: the latest earlier year of the same village.
    prev = earlier.sort_values("year_prev").groupby("submission_id", sort=False).tail(1)
    findings: list[Finding] = []
    for row in prev.itertuples(index=False):
        delta = abs(float(row.poor_rate_pct) - float(row.poor_rate_pct_prev))
        if delta > rate_points:
            findings.append(
                Finding(
                    "VR-OUTLIER-RATE",
                    row.submission_id,
                    None,
                    value=vi_pct(row.poor_rate_pct),
                    details=(
                        ("delta", vi_pct(delta)),
                        ("previous", vi_pct(row.poor_rate_pct_prev)),
                        ("previous_year", int(row.year_prev)),
                    ),  # fmt: skip
                )
            )
        before = float(row.total_households_prev)
        change = abs(float(row.total_households) - before) / before * 100 if before else 0.0
        if change > total_change_pct:
            findings.append(
                Finding(
                    "VR-OUTLIER-TOTAL",
                    row.submission_id,
                    "total_households",
                    value=int(row.total_households),
                    details=(
                        ("change", vi_pct(change)),
                        ("previous", int(before)),
                        ("previous_year", int(row.year_prev)),
                    ),  # fmt: skip
                )
            )
    return findings


def check_plan(
    plan: pd.DataFrame,
    village_totals: pd.DataFrame,
    goals: dict[str, float],
) -> list[Finding]:
    """A commune plan table against its own arithmetic and against the village lists.

    `plan`: plan rows (submission_id, year, village_code, poor_households, poor_rate_pct,
    target_households, target_rate_pct, is_total, source_row). `village_totals`: accepted
    village summaries (village_code, year, total_households, poor_households). `goals`: the
    goal rate each plan states, by submission_id.
    """
    findings: list[Finding] = []
    known = village_totals.set_index(["village_code", "year"])
    for sid, rows in plan.groupby("submission_id", sort=False):
        body = rows[~rows["is_total"].astype(bool)]
        total_rows = rows[rows["is_total"].astype(bool)]
        denominators = []
        for row in body.itertuples(index=False):
            key = (row.village_code, row.year)
            if row.village_code is None or pd.isna(row.village_code) or key not in known.index:
                continue
            village = known.loc[key]
            total = int(village["total_households"])
            denominators.append(total)
            findings += _rate_finding(sid, row, "poor_households", "poor_rate_pct", total)
            findings += _rate_finding(sid, row, "target_households", "target_rate_pct", total)
            listed = int(village["poor_households"])
            if pd.notna(row.poor_households) and float(row.poor_households) != listed:
                findings.append(
                    Finding(
                        "PLAN-POOR-MISMATCH",
                        sid,
                        "poor_households",
                        row=int(row.source_row),
                        value=_number(row.poor_households),
                        details=(("expected", listed), ("year", int(row.year))),
                    )
                )
        complete = len(denominators) == len(body)
        total_households = sum(denominators) if complete and denominators else None
        for total in total_rows.itertuples(index=False):
            findings += _total_findings(sid, total, body, total_households)
        goal = goals.get(sid)
        if goal is not None and total_households:
            findings += _goal_finding(sid, body, total_households, goal)
    return findings


def _rate_finding(sid: str, row, count: str, rate: str, total: int) -> list[Finding]:
    households = getattr(row, count)
    stated = getattr(row, rate)
    if pd.isna(households) or pd.isna(stated):
        return []
    expected = rate_pct(int(households), total)
    if round(float(stated), 2) == expected:
        return []
    return [
        Finding(
            "PLAN-RATE",
            sid,
            rate,
            row=int(row.source_row),
            value=vi_pct(stated),
            details=(
                ("households", int(households)),
                ("total", vi_int(total)),
                ("expected", vi_pct(expected)),
            ),  # fmt: skip
        )
    ]


def _total_findings(
    sid: str, total, body: pd.DataFrame, total_households: int | None
) -> list[Finding]:
    findings = []
    for count, rate in (
        ("poor_households", "poor_rate_pct"),
        ("target_households", "target_rate_pct"),
    ):
        summed = int(body[count].fillna(0).sum())
        stated = getattr(total, count)
        if pd.notna(stated) and float(stated) != summed:
            findings.append(
                Finding(
                    "PLAN-TOTAL-COUNT",
                    sid,
                    count,
                    row=int(total.source_row),
                    value=_number(stated),
                    details=(("expected", summed),),
                )  # fmt: skip
            )
        stated_rate = getattr(total, rate)
        if total_households and pd.notna(stated_rate):
            expected = rate_pct(summed, total_households)
            if round(float(stated_rate), 2) != expected:
                findings.append(
                    Finding(
                        "PLAN-TOTAL-RATE",
                        sid,
                        rate,
                        row=int(total.source_row),
                        value=vi_pct(stated_rate),
                        details=(
                            ("households", summed),
                            ("total", vi_int(total_households)),
                            ("expected", vi_pct(expected)),
                        ),  # fmt: skip
                    )
                )
    return findings


def _goal_finding(
    sid: str, body: pd.DataFrame, total_households: int, goal: float
) -> list[Finding]:
    poor = int(body["poor_households"].fillna(0).sum())
    targets = int(body["target_households"].fillna(0).sum())
    remaining = poor - targets
    if remaining * 100 < goal * total_households:
        return []
    # Fewest further exits so that the rate falls strictly below the goal.
    allowed = -(-int(round(goal * total_households * 100)) // 10_000) - 1
    missing = remaining - max(allowed, 0)
    return [
        Finding(
            "PLAN-GOAL-NOT-MET",
            sid,
            "goal_rate_pct",
            value=vi_pct(rate_pct(remaining, total_households)),
            details=(
                ("goal", vi_pct(goal)),
                ("remaining", remaining),
                ("total", vi_int(total_households)),
                ("missing", missing),
            ),  # fmt: skip
        )
    ]


def _number(value) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number
