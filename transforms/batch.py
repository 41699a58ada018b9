"""A batch of read submissions turned into the warehouse's tables, and each one's status.

Pure functions over the submissions the reader produced: the village reports (metadata
resolved against the registry), the classified households, the plan rows, and after
validation the status of every submission (loaded, rejected, or superseded by a later file of
the same village and year in the run). The flow runs the checks in between.

A run reads its files in batches of bounded size: `decide` settles each batch's statuses on its
own (a list is rejected only by its own errors), and `conclude` then runs, once, the checks
that compare a list with the run's other lists and with the plans it changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

import pandas as pd

from giamngheo.transforms.aggregate import village_summary
from giamngheo.transforms.assemble import Assembled
from giamngheo.transforms.checks import ACCEPTED, RUN, CheckInput, run_checks
from giamngheo.transforms.issues import Finding, Issue, Source, locate, make_issue
from giamngheo.transforms.planning import Goal
from giamngheo.transforms.registry import (
    Hierarchy,
)
from giamngheo.transforms.rules import ERROR, WARNING
from giamngheo.transforms.standards import Catalog, shipped
from giamngheo.transforms.submission import PLAN
from giamngheo.transforms.tables import TABLES

LOADED = "loaded"
REJECTED = "rejected"
SUPERSEDED = "superseded"
SKIPPED = "skipped"

HISTORY_COLUMNS = [
    "village_code",
    "year",
    "total_households",
    "poor_households",
    "poor_rate_pct",
    "standard_id",
]


def empty_history() -> pd.DataFrame:
    return pd.DataFrame(columns=HISTORY_COLUMNS)


@dataclass
class Reference:
    """What the warehouse already knows that a batch is checked against.

    `history`: accepted village summaries (village_code, year, total_households,
    poor_households, poor_rate_pct). `plans`: the rows of current commune plans of the
    batch's years (plan_rows columns), with `plan_sources` (where each plan's table sits) and
    `plan_goals`: their findings are computed again when the batch changes their villages.
    """

    registry: pd.DataFrame
    catalog: Catalog = field(default_factory=shipped)  # the standards in use
    history: pd.DataFrame = field(default_factory=empty_history)
    plans: pd.DataFrame = field(default_factory=lambda: TABLES["plan_rows"].empty_frame())
    plan_sources: dict[str, Source] = field(default_factory=dict)
    plan_goals: dict[str, Goal] = field(default_factory=dict)

    def add_plans(self, plans: pd.DataFrame) -> None:
        """The current plans of the batch's years (`queries/current_plans.sql`): their rows,
        where their tables sit and their goals."""
        self.plans = TABLES["plan_rows"].frame(plans)
        for row in plans.drop_duplicates("submission_id").itertuples(index=False):
            sheet_columns = row.source_columns
            columns = json.loads(sheet_columns) if isinstance(sheet_columns, str) else {}
            self.plan_sources[row.submission_id] = Source(
                row.submission_id, row.file_path, row.source_sheet, columns
            )
            if pd.notna(row.goal_rate_pct):
                at_most = row.goal_at_most is True  # None (an older plan) is "dưới"
                self.plan_goals[row.submission_id] = Goal(float(row.goal_rate_pct), at_most)


@dataclass
class Part:
    """One batch of a run, decided: each list's row of the submissions table (its status) and
    its issues so far, with the light frames the run's later checks compare across batches
    (its households are staged meanwhile)."""

    table: pd.DataFrame
    issues: list[Issue]
    reports: pd.DataFrame
    plans: pd.DataFrame
    summaries: pd.DataFrame
    goals: dict[str, Goal]
    sources: dict[str, Source]


@dataclass
class Decided:
    """Each submission's row of the submissions table and every issue of the run; and the
    new findings of current plans outside the run whose villages it changed."""

    table: pd.DataFrame
    issues: list[Issue]
    reevaluated: list[Issue] = field(default_factory=list)
    reevaluated_plans: list[str] = field(default_factory=list)


@dataclass
class Validated:
    """A batch after validation: per-submission status, the rows to load and every issue."""

    submissions: pd.DataFrame
    village_reports: pd.DataFrame
    households: pd.DataFrame
    issues: list[Issue]
    plan_rows: pd.DataFrame
    gx_runs: int = 0
    data_docs: object = None
    reevaluated: list[Issue] = field(default_factory=list)
    reevaluated_plans: list[str] = field(default_factory=list)

    def without(self, ids: set[str]) -> Validated:
        """This batch without the submissions `ids` (files processed again that failed: their
        loaded version stays)."""

        def drop(frame: pd.DataFrame) -> pd.DataFrame:
            return frame[~frame["submission_id"].isin(ids)].reset_index(drop=True)

        return replace(
            self,
            submissions=drop(self.submissions),
            village_reports=drop(self.village_reports),
            plan_rows=drop(self.plan_rows),
            issues=[i for i in self.issues if i.submission_id not in ids],
        )

    def accepted_communes(self) -> list[tuple[str, int]]:
        """The communes and years of the lists (and plans) the batch accepted."""
        table = self.submissions
        accepted = table[table["status"] != REJECTED].dropna(subset=["commune_code", "year"])
        pairs = zip(accepted["commune_code"], accepted["year"], strict=True)
        return sorted({(str(commune), int(year)) for commune, year in pairs})


def decide(
    assembled: Assembled,
    files: pd.DataFrame,
    findings: list[Finding],
    reference: Reference,
) -> Part:
    """Every submission's issues (the reader's and the findings, located) and its row of the
    submissions table: rejected when it has an error, else loaded (the warehouse then ranks the
    versions of each village's list).

    `files` is indexed by submission_id: file_name, file_path, sha256, size_bytes, received_at.
    """
    sources = {
        s.submission_id: Source(
            s.submission_id, s.file, s.sheet, s.columns, s.metadata_cells, s.headers
        )
        for s in assembled.submissions
    }
    issues = [i for s in assembled.submissions for i in s.issues]
    issues += [locate(f, sources[f.submission_id]) for f in findings]
    goals = {
        s.submission_id: Goal(s.metadata["goal_rate_pct"], bool(s.metadata.get("goal_at_most")))
        for s in assembled.submissions
        if s.kind == PLAN and s.metadata.get("goal_rate_pct") is not None
    }
    return Part(
        table=_status_table(assembled, files, issues, reference.registry),
        issues=issues,
        reports=assembled.reports,
        plans=assembled.plans,
        summaries=_summaries(assembled.households, assembled.reports),
        goals=goals,
        sources=sources,
    )


def conclude(
    parts: list[Part], reference: Reference, codes_elsewhere: pd.DataFrame | None = None
) -> Decided:
    """The run's checks once every batch is decided: each list against the run's other lists
    (`codes_elsewhere`: the pairs of lists that share a household code, see `CheckInput`), then
    the plans of the run and the current plans whose villages its accepted lists change. Their
    rules are warnings: no status changes."""
    table = pd.concat([p.table for p in parts], ignore_index=True)
    issues = [i for p in parts for i in p.issues]
    reports = concat_parts([p.reports for p in parts])
    plans = concat_parts([p.plans for p in parts])
    summaries = concat_parts([p.summaries for p in parts])
    sources = {sid: source for p in parts for sid, source in p.sources.items()}
    goals = {sid: goal for p in parts for sid, goal in p.goals.items()}
    compared = CheckInput(
        registry=reference.registry,
        catalog=reference.catalog,
        summaries=summaries,
        history=_combined_history(reference.history, summaries),
        codes_elsewhere=pd.DataFrame() if codes_elsewhere is None else codes_elsewhere,
    )
    issues += [locate(f, sources[f.submission_id]) for f in run_checks(compared, stage=RUN)]
    accepted = set(table.loc[table["status"] != REJECTED, "submission_id"])
    outside = _touched_plans(reports, plans, accepted, reference)
    checked = _accepted_input(reports, plans, summaries, goals, accepted, outside, reference)
    reevaluated = []
    for finding in run_checks(checked, stage=ACCEPTED):
        if finding.submission_id in sources:
            issues.append(locate(finding, sources[finding.submission_id]))
        else:
            reevaluated.append(locate(finding, reference.plan_sources[finding.submission_id]))
    table = _counted(table, issues)
    return Decided(table, issues, reevaluated, sorted(set(outside["submission_id"])))


def emptied(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame of no rows with `frame`'s columns and types, holding none of its data: a slice
    of no rows (`iloc[0:0]`) is a view that keeps every column of the frame alive."""
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in frame.dtypes.items()})


def concat_parts(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The batches' frames of one table as one (the first, empty, when all are)."""
    return pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True)


def _touched_plans(
    reports: pd.DataFrame, plans: pd.DataFrame, accepted: set[str], reference: Reference
) -> pd.DataFrame:
    """Current plans outside the run for a commune and year of an accepted village list."""
    current = reference.plans
    if current.empty:
        return current
    reports = reports[reports["submission_id"].isin(accepted)]
    hierarchy = Hierarchy(reference.registry)
    touched = {
        (hierarchy.parent(village, year), year)
        for village, year in zip(reports["village_code"], reports["year"], strict=True)
    }
    inside = set(plans["submission_id"])
    chosen = [
        (commune, year) in touched and sid not in inside
        for commune, year, sid in zip(
            current["commune_code"], current["year"], current["submission_id"], strict=True
        )
    ]
    return current[chosen]


def _accepted_input(
    reports: pd.DataFrame,
    plans: pd.DataFrame,
    summaries: pd.DataFrame,
    goals: dict[str, Goal],
    accepted: set[str],
    outside: pd.DataFrame,
    reference: Reference,
) -> CheckInput:
    own = plans[plans["submission_id"].isin(accepted)]
    plans = pd.concat([frame for frame in (own, outside) if len(frame)] or [own])
    goals = {sid: g for sid, g in goals.items() if sid in accepted}
    goals |= {
        sid: g for sid, g in reference.plan_goals.items() if sid in set(outside["submission_id"])
    }
    return CheckInput(
        registry=reference.registry,
        plans=plans.reset_index(drop=True),
        goals=goals,
        history=_combined_history(
            reference.history, summaries[summaries["submission_id"].isin(accepted)]
        ),
    )


def _counted(table: pd.DataFrame, issues: list[Issue]) -> pd.DataFrame:
    """The table's error and warning counts from the issues."""
    errors = pd.Series([i.submission_id for i in issues if i.severity == ERROR]).value_counts()
    warnings = pd.Series([i.submission_id for i in issues if i.severity == WARNING]).value_counts()
    ids = table["submission_id"]
    return table.assign(
        error_count=ids.map(errors).fillna(0).astype(int),
        warning_count=ids.map(warnings).fillna(0).astype(int),
    )


def accepted_rows(assembled: Assembled, table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The rows of the submissions that were not rejected, per table to load."""
    accepted = set(table.loc[table["status"] != REJECTED, "submission_id"])

    def keep(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["submission_id"].isin(accepted)].reset_index(drop=True)

    return {
        "village_reports": keep(assembled.reports),
        "households": keep(assembled.households),
        "plan_rows": keep(assembled.plans),
    }


_FILE_FACTS = ("file_name", "file_path", "sha256", "size_bytes", "received_at")


def _status_table(
    assembled: Assembled, files: pd.DataFrame, issues: list[Issue], registry: pd.DataFrame
) -> pd.DataFrame:
    errors = pd.Series([i.submission_id for i in issues if i.severity == ERROR]).value_counts()
    warnings = pd.Series([i.submission_id for i in issues if i.severity == WARNING]).value_counts()
    listed = assembled.households.groupby("submission_id").size()
    reports, plans = assembled.reports, assembled.plans
    village_of = dict(zip(reports["submission_id"], reports["village_code"], strict=True))
    hierarchy = Hierarchy(registry)
    plan_commune = dict(zip(plans["submission_id"], plans["commune_code"], strict=True))
    # a dict per column: one `files.loc[...]` per submission would cost more than the rest
    info_of = {c: dict(zip(files.index, files[c], strict=True)) for c in _FILE_FACTS}
    rows = []
    for sub in assembled.submissions:
        info = {c: of[sub.submission_id] for c, of in info_of.items()}
        village = village_of.get(sub.submission_id)
        village = None if village is None or pd.isna(village) else village
        commune = (
            hierarchy.parent(village, sub.metadata.get("year"))
            if village
            else plan_commune.get(sub.submission_id)
        )
        rows.append(
            {
                "submission_id": sub.submission_id,
                "file_name": info["file_name"],
                "file_path": info["file_path"],
                "sha256": info["sha256"],
                "size_bytes": int(info["size_bytes"]),
                "kind": sub.kind,
                "village_code": village,
                "commune_code": commune,
                "year": sub.metadata.get("year"),
                "goal_rate_pct": sub.metadata.get("goal_rate_pct"),
                "goal_at_most": sub.metadata.get("goal_at_most"),
                "status": REJECTED if sub.submission_id in errors.index else LOADED,
                "household_count": int(listed.get(sub.submission_id, 0)),
                "error_count": int(errors.get(sub.submission_id, 0)),
                "warning_count": int(warnings.get(sub.submission_id, 0)),
                "received_at": info["received_at"],
                "source_sheet": sub.sheet,
                "source_columns": json.dumps(sub.columns) if sub.columns else None,
                "part": sub.part,
            }
        )
    return pd.DataFrame(rows)


def _summaries(households: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Village summaries of the batch's lists (counts by the standard's class), with the
    standard each was classed under."""
    usable = reports.dropna(subset=["village_code", "year", "total_households"])
    if usable.empty:
        return empty_history().assign(submission_id=pd.Series(dtype="string"))
    frame = households.assign(poverty_class=households["computed_class"])
    return village_summary(frame, usable, keys=("submission_id",))


def _combined_history(history: pd.DataFrame, summaries: pd.DataFrame) -> pd.DataFrame:
    """The warehouse's accepted summaries, overridden by this batch's for the same village-year."""
    batch = summaries.reindex(columns=HISTORY_COLUMNS) if len(summaries) else empty_history()
    parts = [frame for frame in (batch, history.reindex(columns=HISTORY_COLUMNS)) if len(frame)]
    if not parts:
        return empty_history()
    combined = pd.concat(parts, ignore_index=True)
    return combined.drop_duplicates(subset=["village_code", "year"], keep="first")


def capped(issues: list[Issue], limit: int) -> list[Issue]:
    """At most `limit` issues per submission, errors first, then one ISSUES-TRUNCATED saying
    how many more there were: a file broken in every row must not write a feedback of
    100,000 comments or fill the warehouse. The counts of the submissions table are taken
    before (`decide`), so a file's status and counts stay true."""
    by_submission: dict[str, list[Issue]] = {}
    for issue in issues:
        by_submission.setdefault(issue.submission_id, []).append(issue)
    out: list[Issue] = []
    for sid, found in by_submission.items():
        if len(found) <= limit:
            out += found
            continue
        ordered = sorted(found, key=lambda i: i.severity != ERROR)  # stable: errors first
        kept = ordered[:limit]
        out += kept
        out.append(
            make_issue(
                "ISSUES-TRUNCATED", submission_id=sid, file=kept[0].file, value=len(found) - limit
            )
        )
    return out
