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

import datetime as dt
import json
from dataclasses import dataclass, field

import pandas as pd

from giamngheo.transforms.aggregate import village_summary
from giamngheo.transforms.checks import CheckInput, run_checks
from giamngheo.transforms.classify import classify
from giamngheo.transforms.issues import Finding, Issue, Source, locate, make_issue
from giamngheo.transforms.planning import Goal
from giamngheo.transforms.registry import (
    Hierarchy,
    ancestors,
    ended_on,
    list_date,
    match_village,
    registry_on,
    resolve_commune,
    resolve_village,
)
from giamngheo.transforms.rules import ACCEPTED, ERROR, RUN, WARNING
from giamngheo.transforms.standards import Catalog, shipped
from giamngheo.transforms.submission import HOUSEHOLDS, PLAN, Submission, empty_households
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


@dataclass
class Assembled:
    """A batch's frames before its checks: what the checks and suites look at."""

    submissions: list[Submission]
    reports: pd.DataFrame
    households: pd.DataFrame
    plans: pd.DataFrame
    findings: list[Finding]  # from resolving the plans' communes and villages
    unmatched: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    old_communes: dict[str, tuple[str, str | None, str | None]] = field(default_factory=dict)

    def check_input(self, reference: Reference) -> CheckInput:
        """What the checks over the batch as read look at."""
        readable = self.readable()
        return CheckInput(
            registry=reference.registry,
            catalog=reference.catalog,
            reports=self.reports,
            households=self.households,
            totals=pd.DataFrame(
                [{"submission_id": s.submission_id, **t} for s in readable for t in s.totals]
            ),
            unmatched=self.unmatched,
            old_communes=self.old_communes,
        )

    def readable(self) -> list[Submission]:
        """Lists whose household table was found (a file without one has FILE-NO-TABLE)."""
        return [s for s in self.submissions if s.kind == HOUSEHOLDS and s.sheet is not None]


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


def assemble(
    submissions: list[Submission],
    registry: pd.DataFrame,
    households: pd.DataFrame | None = None,
    catalog: Catalog | None = None,
) -> Assembled:
    """The batch's village reports, classified households and plan rows.

    `households` holds the rows of all the submissions when they were read as one frame;
    otherwise they come from each submission's own frame. Each list is classed under the
    national standard of its year in `catalog`, and under its province's own, if any.
    """
    catalog = catalog or shipped()
    readable = [s for s in submissions if s.kind == HOUSEHOLDS and s.sheet is not None]
    unmatched: dict[str, tuple[str, list[str]]] = {}
    old_communes: dict[str, tuple[str, str | None, str | None]] = {}
    reports = _village_reports(readable, registry, unmatched, old_communes, catalog)
    rows = _households(readable, reports, households, catalog)
    plans, findings = _plan_rows([s for s in submissions if s.kind == PLAN], registry)
    return Assembled(submissions, reports, rows, plans, findings, unmatched, old_communes)


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


def _village_reports(
    submissions: list[Submission],
    registry: pd.DataFrame,
    unmatched: dict[str, tuple[str, list[str]]],
    old_communes: dict[str, tuple[str, str | None, str | None]],
    catalog: Catalog,
) -> pd.DataFrame:
    """One row per list, placed in the hierarchy in force for its year, with the standards it
    is classed under; `unmatched` gets the lists whose village name fits no village of their
    commune, or several; `old_communes` those that name a commune not in force in their year
    (see `_commune_as_it_was`)."""
    hierarchy = Hierarchy(registry)
    rows = []
    for s in submissions:
        meta = s.metadata
        registry = hierarchy.at(meta.get("year"))
        village = resolve_village(
            registry,
            meta.get("village_code"),
            meta.get("village_name"),
            meta.get("commune_code"),
            meta.get("commune_name"),
        )
        written = meta.get("commune_code") or meta.get("commune_name")
        if written and meta.get("year") is not None and not _commune_known(hierarchy, meta):
            old, village = _commune_as_it_was(hierarchy, meta, village)
            new = hierarchy.parent(village, meta["year"]) if village else None
            old_communes[s.submission_id] = (str(written), old, new)
        name = meta.get("village_name")
        if village is None and name and not meta.get("village_code"):
            commune = resolve_commune(registry, meta.get("commune_code"), meta.get("commune_name"))
            fits = match_village(registry, str(name), commune) if commune else []
            unmatched[s.submission_id] = (str(name), fits)
        if village and not meta.get("village_code"):
            s.metadata_cells.setdefault(
                "village_code", s.metadata_cells.get("village_name", (None, None))
            )
        area = meta.get("area") or (_area(registry, village) if village else None)
        prepared_on = meta.get("prepared_on")
        national = catalog.national(meta.get("year"))
        province = _province_of(registry, village, meta)
        local = catalog.local(meta.get("year"), province)
        rows.append(
            {
                "submission_id": s.submission_id,
                "village_code": village,
                "year": meta.get("year"),
                "area": area,
                "total_households": meta.get("total_households"),
                "total_persons": meta.get("total_persons"),
                "prepared_by": meta.get("prepared_by"),
                "prepared_on": None if prepared_on is None else str(prepared_on),
                "source_sheet": s.sheet,
                "standard_id": national.id if national else None,
                "local_standard_id": local.id if local else None,
                "province_code": province,
            }
        )
    frame = pd.DataFrame(rows)
    out = TABLES["village_reports"].frame(frame)
    out["province_code"] = (
        frame["province_code"].astype("string") if len(frame) else pd.Series(dtype="string")
    )
    return out


def _province_of(registry: pd.DataFrame, village: str | None, meta: dict) -> str | None:
    """The province a list belongs to: its village's, or the one it names."""
    if village:
        known = registry.set_index("code")
        found = ancestors(known, village).get("province")
        if found:
            return found
    code = meta.get("province_code")
    return str(code) if code else None


def _commune_known(hierarchy: Hierarchy, meta: dict) -> bool:
    """Whether the commune a list names holds in the list's year."""
    code = meta.get("commune_code")
    if code:
        return code in hierarchy.codes(meta["year"], "commune")
    registry = hierarchy.at(meta["year"])
    return resolve_commune(registry, None, meta.get("commune_name")) is not None


def _commune_as_it_was(hierarchy: Hierarchy, meta: dict, village: str | None):
    """(code, village) of the commune a list names when that commune is not in force in the
    list's year: one that ended before (a 2026 list still naming its old commune), whose
    village is found among those it had the day before it ended; (None, village) when the
    commune holds in no period up to the list's year."""
    everything = hierarchy.at(None)
    old = resolve_commune(everything, meta.get("commune_code"), meta.get("commune_name"))
    ended = ended_on(hierarchy.units, old) if old else None
    if ended is None or ended > list_date(int(meta["year"])):
        return None, village
    if village is None and meta.get("village_name"):
        before = registry_on(hierarchy.units, ended - dt.timedelta(days=1))
        village = resolve_village(before, None, meta["village_name"], old, None)
    return old, village


def _area(registry: pd.DataFrame, code: str) -> str | None:
    found = registry.loc[registry["code"] == code, "area"]
    return found.iloc[0] if len(found) and pd.notna(found.iloc[0]) else None


def _plan_rows(plans: list[Submission], units: pd.DataFrame) -> tuple[pd.DataFrame, list[Finding]]:
    """Plan tables with their commune and villages resolved against the registry of their
    year."""
    frames, findings = [], []
    hierarchy = Hierarchy(units)
    for sub in plans:
        meta = sub.metadata
        sid = sub.submission_id
        registry = hierarchy.at(meta.get("year"))
        commune = resolve_commune(registry, meta.get("commune_code"), meta.get("commune_name"))
        if commune is None:
            value = meta.get("commune_name") or "?"
            findings.append(Finding("PLAN-UNKNOWN-COMMUNE", sid, "commune_name", value=value))
        if meta.get("year") is None:
            findings.append(Finding("PLAN-NO-YEAR", sid, "year"))
        frame = sub.plan.copy()
        frame["village_code"] = [
            None
            if total or commune is None
            else resolve_village(registry, None, name, commune, None)
            for name, total in zip(frame["unit_name"], frame["is_total"], strict=True)
        ]
        unknown = frame[~frame["is_total"] & frame["village_code"].isna()]
        if commune is not None:
            findings += [
                Finding("PLAN-UNKNOWN-VILLAGE", sid, "unit_name", row=int(r), value=name)
                for r, name in zip(unknown["source_row"], unknown["unit_name"], strict=True)
            ]
        frames.append(frame.assign(submission_id=sid, commune_code=commune, year=meta.get("year")))
    plan_rows = TABLES["plan_rows"]
    if not frames:
        return plan_rows.empty_frame(), findings
    return plan_rows.frame(pd.concat(frames, ignore_index=True)), findings


def _households(
    submissions: list[Submission],
    reports: pd.DataFrame,
    combined: pd.DataFrame | None,
    catalog: Catalog,
) -> pd.DataFrame:
    if combined is None:
        frames = [s.households for s in submissions if not s.households.empty]
        combined = pd.concat(frames or [empty_households()], ignore_index=True)
    keyed = reports[["submission_id", "village_code", "year", "area", "province_code"]]
    combined = combined.merge(keyed, on="submission_id", how="left")
    return classify(combined, catalog)


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
