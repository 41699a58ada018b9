"""A batch of read submissions turned into the warehouse's tables, and each one's status.

Pure functions over the submissions the reader produced: the village reports (metadata
resolved against the registry), the classified households, the plan rows, and after
validation the status of every submission (loaded, rejected, or superseded by a later file of
the same village and year in the batch). The flow runs the checks in between.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from giamngheo.transforms.aggregate import village_summary
from giamngheo.transforms.checks import CheckInput
from giamngheo.transforms.classify import classify
from giamngheo.transforms.issues import Finding, Issue, Source, locate
from giamngheo.transforms.registry import resolve_commune, resolve_village
from giamngheo.transforms.rules import ERROR, WARNING
from giamngheo.transforms.submission import HOUSEHOLDS, PLAN, Submission, empty_households
from giamngheo.transforms.tables import TABLES

LOADED = "loaded"
REJECTED = "rejected"
SUPERSEDED = "superseded"
SKIPPED = "skipped"

HISTORY_COLUMNS = ["village_code", "year", "total_households", "poor_households", "poor_rate_pct"]


def empty_history() -> pd.DataFrame:
    return pd.DataFrame(columns=HISTORY_COLUMNS)


@dataclass
class Reference:
    """What the warehouse already knows that a batch is checked against.

    `history`: accepted village summaries (village_code, year, total_households,
    poor_households, poor_rate_pct). `known_codes`: household codes on current lists
    (village_code, year, household_code).
    """

    registry: pd.DataFrame
    history: pd.DataFrame = field(default_factory=empty_history)
    known_codes: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["village_code", "year", "household_code"])
    )


@dataclass
class Assembled:
    """A batch's frames before its checks: what the checks and suites look at."""

    submissions: list[Submission]
    reports: pd.DataFrame
    households: pd.DataFrame
    plans: pd.DataFrame
    findings: list[Finding]  # from resolving the plans' communes and villages

    def check_input(self, reference: Reference) -> CheckInput:
        readable = self.readable()
        summaries = _summaries(self.households, self.reports)
        return CheckInput(
            registry=reference.registry,
            reports=self.reports,
            households=self.households,
            totals=pd.DataFrame(
                [{"submission_id": s.submission_id, **t} for s in readable for t in s.totals]
            ),
            summaries=summaries,
            history=_combined_history(reference.history, summaries),
            known_codes=reference.known_codes,
            plans=self.plans,
            goals={
                s.submission_id: s.metadata["goal_rate_pct"]
                for s in self.submissions
                if s.kind == PLAN and s.metadata.get("goal_rate_pct") is not None
            },
        )

    def readable(self) -> list[Submission]:
        """Lists whose household table was found (a file without one has FILE-NO-TABLE)."""
        return [s for s in self.submissions if s.kind == HOUSEHOLDS and s.sheet is not None]


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


def assemble(
    submissions: list[Submission],
    registry: pd.DataFrame,
    households: pd.DataFrame | None = None,
) -> Assembled:
    """The batch's village reports, classified households and plan rows.

    `households` holds the rows of all the submissions when they were read as one frame;
    otherwise they come from each submission's own frame.
    """
    readable = [s for s in submissions if s.kind == HOUSEHOLDS and s.sheet is not None]
    reports = _village_reports(readable, registry)
    rows = _households(readable, reports, households)
    plans, findings = _plan_rows([s for s in submissions if s.kind == PLAN], registry)
    return Assembled(submissions, reports, rows, plans, findings)


def decide(
    assembled: Assembled,
    files: pd.DataFrame,
    findings: list[Finding],
    registry: pd.DataFrame,
) -> tuple[pd.DataFrame, list[Issue]]:
    """Every submission's issues (the reader's and the findings, located) and its row of the
    submissions table: rejected when it has an error, else loaded, unless a later file of the
    same village and year in the batch supersedes it.

    `files` is indexed by submission_id: file_name, file_path, sha256, size_bytes, received_at.
    """
    sources = {
        s.submission_id: Source(s.submission_id, s.file, s.sheet, s.columns, s.metadata_cells)
        for s in assembled.submissions
    }
    issues = [i for s in assembled.submissions for i in s.issues]
    issues += [locate(f, sources[f.submission_id]) for f in findings]
    table = _status_table(assembled, files, issues, registry)
    return _supersede_within_batch(table), issues


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


def _status_table(
    assembled: Assembled, files: pd.DataFrame, issues: list[Issue], registry: pd.DataFrame
) -> pd.DataFrame:
    errors = pd.Series([i.submission_id for i in issues if i.severity == ERROR]).value_counts()
    warnings = pd.Series([i.submission_id for i in issues if i.severity == WARNING]).value_counts()
    listed = assembled.households.groupby("submission_id").size()
    reports, plans = assembled.reports, assembled.plans
    village_of = dict(zip(reports["submission_id"], reports["village_code"], strict=True))
    commune_of = registry.set_index("code")["parent_code"]
    plan_commune = dict(zip(plans["submission_id"], plans["commune_code"], strict=True))
    rows = []
    for sub in assembled.submissions:
        info = files.loc[sub.submission_id]
        village = village_of.get(sub.submission_id)
        village = None if village is None or pd.isna(village) else village
        commune = commune_of.get(village) if village else plan_commune.get(sub.submission_id)
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
                "status": REJECTED if sub.submission_id in errors.index else LOADED,
                "household_count": int(listed.get(sub.submission_id, 0)),
                "error_count": int(errors.get(sub.submission_id, 0)),
                "warning_count": int(warnings.get(sub.submission_id, 0)),
                "received_at": info["received_at"],
            }
        )
    return pd.DataFrame(rows)


def _supersede_within_batch(table: pd.DataFrame) -> pd.DataFrame:
    """Two loadable files for one village-year in a batch: the later-received one wins.

    The superseded list keeps its rows (for audit); the warehouse applies the same rule
    against lists loaded by earlier runs.
    """
    table = table.copy()
    if table.empty:
        return table
    loadable = table[table["status"] == LOADED].sort_values(["received_at", "file_path"])
    dup = loadable.duplicated(["kind", "village_code", "commune_code", "year"], keep="last")
    table.loc[dup[dup].index, "status"] = SUPERSEDED
    return table


def _summaries(households: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Village summaries of the batch's lists (counts by the standard's class)."""
    usable = reports.dropna(subset=["village_code", "year", "total_households"])
    if usable.empty:
        return empty_history().assign(submission_id=pd.Series(dtype="string"))
    frame = households.assign(poverty_class=households["computed_class"])
    return village_summary(frame, usable, keys=("submission_id",))


def _combined_history(history: pd.DataFrame, summaries: pd.DataFrame) -> pd.DataFrame:
    """The warehouse's accepted summaries, overridden by this batch's for the same village-year."""
    batch = summaries[HISTORY_COLUMNS] if len(summaries) else empty_history()
    parts = [frame for frame in (batch, history[HISTORY_COLUMNS]) if len(frame)]
    if not parts:
        return empty_history()
    combined = pd.concat(parts, ignore_index=True)
    return combined.drop_duplicates(subset=["village_code", "year"], keep="first")


def _village_reports(submissions: list[Submission], registry: pd.DataFrame) -> pd.DataFrame:
    area_of = registry.set_index("code")["area"]
    rows = []
    for s in submissions:
        meta = s.metadata
        village = resolve_village(
            registry,
            meta.get("village_code"),
            meta.get("village_name"),
            meta.get("commune_code"),
            meta.get("commune_name"),
        )
        if village and not meta.get("village_code"):
            s.metadata_cells.setdefault(
                "village_code", s.metadata_cells.get("village_name", (None, None))
            )
        area = meta.get("area") or (area_of.get(village) if village else None)
        prepared_on = meta.get("prepared_on")
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
            }
        )
    return TABLES["village_reports"].frame(pd.DataFrame(rows))


def _plan_rows(
    plans: list[Submission], registry: pd.DataFrame
) -> tuple[pd.DataFrame, list[Finding]]:
    """Plan tables with their commune and villages resolved against the registry."""
    frames, findings = [], []
    for sub in plans:
        meta = sub.metadata
        sid = sub.submission_id
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
    submissions: list[Submission], reports: pd.DataFrame, combined: pd.DataFrame | None
) -> pd.DataFrame:
    if combined is None:
        frames = [s.households for s in submissions if not s.households.empty]
        combined = pd.concat(frames or [empty_households()], ignore_index=True)
    keyed = reports[["submission_id", "village_code", "year", "area"]]
    combined = combined.merge(keyed, on="submission_id", how="left")
    return classify(combined)
