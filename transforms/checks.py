"""Domain rules that a column-wise expectation cannot express.

Each check is a pure function over the batch's frames (`CheckInput`) and returns `Finding`s;
the caller locates them. `domain_check` registers it with the rule codes it raises, whose
severity and wording live in `rules.py`; `run_checks` runs every registered check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from giamngheo.transforms.aggregate import rate_pct
from giamngheo.transforms.columns import (
    AVERAGE,
    CLASS_LABELS,
    DEPRIVATIONS,
    METADATA_FIELDS,
    NOT_POOR,
    deprivation_codes,
)
from giamngheo.transforms.issues import Finding
from giamngheo.transforms.planning import Goal
from giamngheo.transforms.registry import Hierarchy, list_date
from giamngheo.transforms.reorganisation import unassigned_since
from giamngheo.transforms.rules import ERROR, RULES
from giamngheo.transforms.standards import Catalog, shipped
from giamngheo.transforms.totals import differences
from giamngheo.transforms.vietnamese import vi_int, vi_pct

DomainCheck = Callable[..., list]


@dataclass(frozen=True)
class RegisteredCheck:
    """A domain check, the rule codes it raises, and when it runs."""

    codes: tuple[str, ...]
    run: DomainCheck
    stage: str


# When a check runs: over each batch of lists as read (its errors reject a list); once every
# batch of the run is decided, comparing each list with the run's other lists (RUN) or the
# run's accepted lists with the plans they change (ACCEPTED). A run's lists are read in
# batches of bounded size, so only a check over one list at a time may reject: the rules of
# the two later stages are warnings.
BATCH = "batch"
RUN = "run"
ACCEPTED = "accepted"

DOMAIN_CHECKS: list[RegisteredCheck] = []


def domain_check(*codes: str, stage: str = BATCH) -> Callable[[DomainCheck], DomainCheck]:
    """Register a check that raises the rules `codes`.

    The check takes the batch's frames (`CheckInput`) and returns Findings.
    """
    unknown = [c for c in codes if c not in RULES]
    if unknown:
        raise ValueError(f"undeclared rule codes: {unknown}")
    if stage != BATCH and any(RULES[c].severity == ERROR for c in codes):
        raise ValueError(f"a check of the {stage} stage cannot reject: its rules are warnings")

    def register(check: DomainCheck) -> DomainCheck:
        DOMAIN_CHECKS.append(RegisteredCheck(codes, check, stage))
        return check

    return register


def _empty() -> pd.DataFrame:
    return pd.DataFrame()


@dataclass
class CheckInput:
    """What the domain checks look at: a batch's frames (the run's, for the checks of the RUN
    and ACCEPTED stages) and what the warehouse knows.

    - `reports`: one row per village list (submission_id, village_code, year, area,
      total_households, total_persons).
    - `households`: the batch's household rows, classified (`classify`), with their
      submission_id, source_row, village_code, year and area.
    - `totals`: the "Tổng cộng" rows of the lists (submission_id, source_row, then the number
      each states per field).
    - `summaries`: the lists' village summaries, keyed by submission_id.
    - `history`: accepted village summaries (village_code, year, total_households,
      poor_households, poor_rate_pct), this batch's overriding the warehouse's.
    - `codes_elsewhere`: household codes of the run's lists that another village's list of
      the same year holds (submission_id, source_row, household_code, year, other_village).
    - `plans`: commune plan rows, `goals` the goal rate each plan states.
    - `unmatched`: lists whose village name fits no village of their commune, or several:
      submission_id → (the name as written, codes of the villages it fits).
    - `old_communes`: lists naming a commune not in force in their year: submission_id → (the
      commune as written, its code if it ended before the list's year, the commune its
      village belongs to in that year).
    """

    registry: pd.DataFrame = field(default_factory=_empty)
    reports: pd.DataFrame = field(default_factory=_empty)
    households: pd.DataFrame = field(default_factory=_empty)
    totals: pd.DataFrame = field(default_factory=_empty)
    summaries: pd.DataFrame = field(default_factory=_empty)
    history: pd.DataFrame = field(default_factory=_empty)
    codes_elsewhere: pd.DataFrame = field(default_factory=_empty)
    plans: pd.DataFrame = field(default_factory=_empty)
    goals: dict[str, Goal] = field(default_factory=dict)
    unmatched: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    old_communes: dict[str, tuple[str, str | None, str | None]] = field(default_factory=dict)
    catalog: Catalog = field(default_factory=shipped)


def run_checks(batch: CheckInput, stage: str = BATCH) -> list[Finding]:
    """Every registered domain check of a stage over the batch, in the order declared."""
    return [f for check in DOMAIN_CHECKS if check.stage == stage for f in check.run(batch)]


@domain_check(
    "VR-MISSING",
    "VR-UNKNOWN-VILLAGE",
    "VR-VILLAGE-AMBIGUOUS",
    "VR-VILLAGE-UNASSIGNED",
    "VR-OLD-COMMUNE",
    "VR-UNKNOWN-COMMUNE",
    "VR-BAD-YEAR",
    "VR-BAD-TOTAL",
)
def check_village_reports(batch: CheckInput) -> list[Finding]:
    """Metadata of each list: village known to the registry, year covered, totals present."""
    reports = batch.reports
    findings: list[Finding] = []
    if reports.empty:
        return findings
    hierarchy = Hierarchy(batch.registry)
    registry = hierarchy.at(None)
    villages: dict[int | None, set[str]] = {}  # in force, by list year
    unassigned = None
    first, last = batch.catalog.covered_years()
    for r in reports.itertuples(index=False):
        sid = r.submission_id
        if sid in batch.old_communes:
            findings.append(_old_commune(sid, *batch.old_communes[sid], registry))
        for name in ("village_code", "year", "total_households"):
            if name == "village_code" and sid in batch.unmatched and pd.isna(r.village_code):
                findings.append(_unmatched_village(sid, *batch.unmatched[sid], registry))
            elif pd.isna(getattr(r, name)):
                findings.append(Finding("VR-MISSING", sid, name, value=METADATA_FIELDS[name]))
        year = int(r.year) if pd.notna(r.year) else None
        if year not in villages:
            in_force = hierarchy.at(year)
            villages[year] = set(in_force.loc[in_force["level"] == "village", "code"])
        if pd.notna(r.village_code) and r.village_code not in villages[year]:
            if unassigned is None:
                unassigned = unassigned_since(batch.registry)
            ended = unassigned.get(r.village_code)
            if ended is not None and year is not None and list_date(year) >= ended:
                # its commune was merged in part, and which commune took it is not known yet
                findings.append(
                    Finding(
                        "VR-VILLAGE-UNASSIGNED",
                        sid,
                        "village_code",
                        value=r.village_code,
                        details=(("ended", ended.strftime("%d/%m/%Y")),),
                    )
                )
            else:
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


def _old_commune(
    sid: str, written: str, old: str | None, new: str | None, registry: pd.DataFrame
) -> Finding:
    """A list naming a commune that no longer holds in its year (a warning: placed by its
    village), or one that holds in no period up to then (an error)."""
    if old is None:
        return Finding("VR-UNKNOWN-COMMUNE", sid, "commune_code", value=written)
    names = registry.set_index("code")["name"]
    now = f"{names.get(new, new)} ({new})" if new else "chưa rõ (not known yet)"
    return Finding(
        "VR-OLD-COMMUNE",
        sid,
        "commune_code",
        value=written,
        details=(("old", f"{names.get(old, old)} ({old})"), ("now", now)),
    )


def _unmatched_village(sid: str, name: str, codes: list[str], registry: pd.DataFrame) -> Finding:
    """A village name that fits no village of its commune, or several (then named)."""
    if len(codes) < 2:
        return Finding("VR-UNKNOWN-VILLAGE", sid, "village_name", value=name)
    names = registry.set_index("code")["name"]
    fits = " hoặc ".join(f"{names.get(code, code)} ({code})" for code in codes)
    return Finding(
        "VR-VILLAGE-AMBIGUOUS", sid, "village_name", value=name, details=(("candidates", fits),)
    )


@domain_check("VR-TOO-MANY")
def check_listed_within_total(batch: CheckInput) -> list[Finding]:
    """A list cannot name more households than the village has (Tổng số hộ dân cư)."""
    households, reports = batch.households, batch.reports
    if reports.empty or households.empty:
        return []
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


@domain_check("HH-CLASS-MISMATCH")
def check_claimed_class(batch: CheckInput) -> list[Finding]:
    """The class a village wrote must be the class the standard gives (see `classify`): the
    national standard of its year, or, where its province has a standard of its own, that one
    (a claim that matches the province's standard is not an error).

    Where the standard gives no class above the poverty line (the average band of a period
    not published yet), "average" and "not poor" are both accepted. Lists of a year no
    standard covers are left to VR-BAD-YEAR, and those whose area is unknown (their village
    is not) to the village's finding.
    """
    classified = batch.households
    if classified.empty:
        return []
    first, last = batch.catalog.covered_years()
    known = classified["year"].between(first, last).fillna(False)
    if "area" in classified:
        known &= classified["area"].notna()
    classified = classified[known.astype(bool)]
    claimed = classified["claimed_class"]
    computed = classified["computed_class"]
    local = classified.get("local_class", computed)
    undecided_above_line = computed.isna() & classified["income_kvnd"].notna()
    acceptable = (
        (claimed == computed).fillna(False)
        | (claimed == local).fillna(False)
        | (undecided_above_line & claimed.isin([AVERAGE, NOT_POOR]))
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


@domain_check("HH-TOTAL-ROW")
def check_total_rows(batch: CheckInput) -> list[Finding]:
    """A "Tổng cộng" row must equal its rows (`transforms.totals`): rows counted, members
    summed, marks counted, each indicator's column its deprived households."""
    rows_of, households = batch.totals, batch.households
    findings: list[Finding] = []
    if rows_of.empty:
        return findings
    grouped = households.groupby("submission_id")
    codes = batch.catalog.codes
    for row in rows_of.to_dict("records"):
        sid = row["submission_id"]
        rows = grouped.get_group(sid) if sid in grouped.groups else households.iloc[:0]
        stated = {k: v for k, v in row.items() if k not in ("submission_id", "source_row")}
        columns = {name: rows[name].tolist() for name in stated if name in rows}
        columns |= {
            code: [code in deprivation_codes(d) for d in rows[DEPRIVATIONS]]
            for code in stated
            if code in codes
        }
        for name, number, expected in differences(stated, columns, codes):
            findings.append(
                Finding(
                    "HH-TOTAL-ROW",
                    sid,
                    name,
                    row=int(row["source_row"]),
                    value=_number(number),
                    details=(("expected", expected),),
                )
            )
    return findings


@domain_check("HH-ID-OTHER-VILLAGE", stage=RUN)
def check_codes_elsewhere(batch: CheckInput) -> list[Finding]:
    """A household code already on another village's list of the same year (a warning): on
    another list of the run, or on a current list of a village the run brings no list for
    (the run replaces those). `codes_elsewhere` holds each such pair."""
    shared = batch.codes_elsewhere
    if shared.empty:
        return []
    others = shared.groupby(["submission_id", "source_row", "household_code", "year"], sort=True)
    return [
        Finding(
            "HH-ID-OTHER-VILLAGE",
            sid,
            "household_code",
            row=int(row),
            value=code,
            details=(("year", int(year)), ("other", ", ".join(sorted(group["other_village"])))),
        )
        for (sid, row, code, year), group in others
    ]


@domain_check("VR-OUTLIER-RATE", "VR-OUTLIER-TOTAL", stage=RUN)
def check_year_over_year(batch: CheckInput) -> list[Finding]:
    """Outliers against the same village's previous accepted list (warnings): the poor rate
    moving more than `VR-OUTLIER-RATE`'s points (not across a change of standard, which moves
    it by itself), the total households more than `VR-OUTLIER-TOTAL`'s percentage."""
    current, history = batch.summaries, batch.history
    if current.empty or history.empty:
        return []
    rate_points = RULES["VR-OUTLIER-RATE"].params["points"]
    total_change_pct = RULES["VR-OUTLIER-TOTAL"].params["change_pct"]
    columns = ["village_code", "year", "total_households", "poor_rate_pct", "standard_id"]
    earlier = current[["submission_id", *columns]].merge(
        history[columns], on="village_code", suffixes=("", "_prev")
    )
    earlier = earlier[earlier["year_prev"] < earlier["year"]].dropna(subset=["poor_rate_pct"])
    # The previous accepted list: the latest earlier year of the same village.
    prev = earlier.sort_values("year_prev").groupby("submission_id", sort=False).tail(1)
    findings: list[Finding] = []
    for row in prev.itertuples(index=False):
        delta = abs(float(row.poor_rate_pct) - float(row.poor_rate_pct_prev))
        # a new standard moves the rate by itself: not an outlier of the village's list
        same_standard = row.standard_id == row.standard_id_prev or pd.isna(row.standard_id_prev)
        if delta > rate_points and same_standard:
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
                    ),
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
                    ),
                )
            )
    return findings


@domain_check(
    "PLAN-RATE",
    "PLAN-TOTAL-COUNT",
    "PLAN-TOTAL-RATE",
    "PLAN-POOR-MISMATCH",
    "PLAN-GOAL-NOT-MET",
    stage=ACCEPTED,
)
def check_plan(batch: CheckInput) -> list[Finding]:
    """A commune plan table against its own arithmetic and against the village lists
    (`history`: accepted village summaries, this batch's accepted lists included). Runs for
    the batch's plans and for the current plans whose villages the batch changed."""
    plan, village_totals, goals = batch.plans, batch.history, batch.goals
    findings: list[Finding] = []
    if plan.empty:
        return findings
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
            ),
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
                )
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
                        ),
                    )
                )
    return findings


def _goal_finding(sid: str, body: pd.DataFrame, total_households: int, goal: Goal) -> list[Finding]:
    if body["target_households"].isna().all():
        return []  # no target set yet: nothing planned to measure against the goal
    poor = int(body["poor_households"].fillna(0).sum())
    targets = int(body["target_households"].fillna(0).sum())
    remaining = poor - targets
    if goal.met(remaining, total_households):
        return []
    missing = remaining - goal.max_remaining(total_households)  # fewest further exits
    return [
        Finding(
            "PLAN-GOAL-NOT-MET",
            sid,
            "goal_rate_pct",
            value=vi_pct(rate_pct(remaining, total_households)),
            details=(
                ("goal", goal.words),
                ("goal_en", goal.words_en),
                ("remaining", remaining),
                ("total", vi_int(total_households)),
                ("missing", missing),
            ),
        )
    ]


def _number(value) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number
