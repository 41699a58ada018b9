"""Validation of a whole batch: GX suites and domain rules, then each submission's status.

Every rule runs once over the batch's combined frames. Findings are located to their file,
sheet and Excel cell; their severity comes from the suite files (GX) or the domain rules file,
both in expectations/suites/. Any error rejects its submission; warnings load it
flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from giamngheo.expectations.runner import SuiteRunner, domain_rules, domain_severity
from giamngheo.flows.steps import LOADED, REJECTED, SUPERSEDED, Candidate
from giamngheo.transforms.aggregate import village_summary
from giamngheo.transforms.checks import (
    check_claimed_class,
    check_codes_elsewhere,
    check_listed_within_total,
    check_plan,
    check_total_rows,
    check_village_reports,
    check_year_over_year,
)
from giamngheo.transforms.classify import classify
from giamngheo.transforms.issues import ERROR, WARNING, Finding, Issue, Source, locate
from giamngheo.transforms.registry import resolve_commune, resolve_village
from giamngheo.workbooks.submission import HOUSEHOLDS, PLAN, Submission, empty_households

LINEAGE = ["submission_id", "source_row"]


@dataclass
class Reference:
    """What the warehouse already knows that a batch is checked against.

    `history`: accepted village summaries (village_code, year, total_households,
    poor_households, poor_rate_pct). `known_codes`: household codes on current lists
    (village_code, year, household_code).
    """

    registry: pd.DataFrame
    history: pd.DataFrame = field(default_factory=lambda: _empty_history())
    known_codes: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["village_code", "year", "household_code"])
    )


def _empty_history() -> pd.DataFrame:
    return pd.DataFrame(
        columns=["village_code", "year", "total_households", "poor_households", "poor_rate_pct"]
    )


@dataclass
class Validated:
    """A batch after validation: per-submission status, the rows to load and every issue."""

    submissions: pd.DataFrame
    village_reports: pd.DataFrame
    households: pd.DataFrame
    issues: list[Issue]
    plan_rows: pd.DataFrame
    gx_runs: int = 0
    data_docs: Path | None = None


def validate(
    candidates: list[Candidate],
    submissions: list[Submission],
    reference: Reference,
    docs_dir: Path | None = None,
    households: pd.DataFrame | None = None,
) -> Validated:
    """Run every rule over the whole batch at once and decide each submission's status.

    `households` holds the rows of all the submissions when they were read as one frame
    (`steps.read_batch`); otherwise they come from each submission's own frame.
    """
    registry = reference.registry
    by_id = {c.submission_id: c for c in candidates}
    sources = {
        s.submission_id: Source(s.submission_id, s.file, s.sheet, s.columns, s.metadata_cells)
        for s in submissions
    }
    # Lists whose household table was found; a file without one has its FILE-NO-TABLE issue.
    readable = [s for s in submissions if s.kind == HOUSEHOLDS and s.sheet is not None]
    reports = _village_reports(readable, registry)
    households = _households(readable, reports, households)
    plans, plan_findings = _plan_rows([s for s in submissions if s.kind == PLAN], registry)
    summaries = _summaries(households, reports)
    history = _combined_history(reference.history, summaries)
    thresholds = domain_rules()["thresholds"]
    runner = SuiteRunner(docs_dir)
    findings = [
        *plan_findings,
        *check_village_reports(reports, registry),
        *check_listed_within_total(households, reports),
        *check_claimed_class(households),
        *check_total_rows(_totals(readable), households),
        *check_codes_elsewhere(households, reference.known_codes),
        *check_year_over_year(
            summaries,
            history,
            thresholds["outlier_rate_points"],
            thresholds["outlier_total_change_pct"],
        ),
        *check_plan(plans, history, _goals(submissions)),
        *_without_codes_shown(runner, households),
        *runner.run("village_reports", reports, ["submission_id"]),
        *runner.run("plan_rows", plans, LINEAGE),
    ]
    docs = runner.build_docs()
    issues = [i for s in submissions for i in s.issues]
    issues += [locate(_with_severity(f), sources[f.submission_id]) for f in findings]
    table = _status_table(submissions, by_id, issues, households, reports, plans, registry)
    accepted = set(table.loc[table["status"] != REJECTED, "submission_id"])
    return Validated(
        submissions=table,
        village_reports=reports[reports["submission_id"].isin(accepted)].reset_index(drop=True),
        households=households[households["submission_id"].isin(accepted)].reset_index(drop=True),
        issues=issues,
        plan_rows=plans[plans["submission_id"].isin(accepted)].reset_index(drop=True),
        gx_runs=runner.runs,
        data_docs=docs,
    )


def _with_severity(finding: Finding) -> Finding:
    if finding.severity is not None:
        return finding
    severity = domain_severity(finding.code)
    if severity is None:
        return finding
    return Finding(**{**finding.__dict__, "severity": severity})


def _status_table(submissions, by_id, issues, households, reports, plans, registry) -> pd.DataFrame:
    errors = pd.Series([i.submission_id for i in issues if i.severity == ERROR]).value_counts()
    warnings = pd.Series([i.submission_id for i in issues if i.severity == WARNING]).value_counts()
    listed = households.groupby("submission_id").size()
    village_of = dict(zip(reports["submission_id"], reports["village_code"], strict=True))
    commune_of = registry.set_index("code")["parent_code"]
    plan_commune = dict(zip(plans["submission_id"], plans["commune_code"], strict=True))
    rows = []
    for sub in submissions:
        cand = by_id[sub.submission_id]
        village = village_of.get(sub.submission_id)
        village = None if village is None or pd.isna(village) else village
        commune = commune_of.get(village) if village else plan_commune.get(sub.submission_id)
        rows.append(
            {
                "submission_id": sub.submission_id,
                "file_name": cand.path.name,
                "file_path": cand.rel_path,
                "sha256": cand.sha256,
                "size_bytes": cand.size_bytes,
                "kind": sub.kind,
                "village_code": village,
                "commune_code": commune,
                "year": sub.metadata.get("year"),
                "goal_rate_pct": sub.metadata.get("goal_rate_pct"),
                "status": REJECTED if sub.submission_id in errors.index else LOADED,
                "household_count": int(listed.get(sub.submission_id, 0)),
                "error_count": int(errors.get(sub.submission_id, 0)),
                "warning_count": int(warnings.get(sub.submission_id, 0)),
                "received_at": cand.modified,
            }
        )
    return _supersede_within_batch(pd.DataFrame(rows))


def _summaries(households: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Village summaries of the batch's lists (counts by the standard's class)."""
    usable = reports.dropna(subset=["village_code", "year", "total_households"])
    if usable.empty:
        return _empty_history().assign(submission_id=pd.Series(dtype="string"))
    frame = households.assign(poverty_class=households["computed_class"])
    return village_summary(frame, usable, keys=("submission_id",))


def _combined_history(history: pd.DataFrame, summaries: pd.DataFrame) -> pd.DataFrame:
    """The warehouse's accepted summaries, overridden by this batch's for the same village-year."""
    columns = ["village_code", "year", "total_households", "poor_households", "poor_rate_pct"]
    batch = summaries[columns] if len(summaries) else _empty_history()
    combined = pd.concat([batch, history[columns]], ignore_index=True)
    return combined.drop_duplicates(subset=["village_code", "year"], keep="first")


def _totals(submissions: list[Submission]) -> pd.DataFrame:
    rows = [{"submission_id": s.submission_id, **t} for s in submissions for t in s.totals]
    return pd.DataFrame(rows)


def _goals(submissions: list[Submission]) -> dict[str, float]:
    return {
        s.submission_id: s.metadata["goal_rate_pct"]
        for s in submissions
        if s.kind == PLAN and s.metadata.get("goal_rate_pct") is not None
    }


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
        rows.append(
            {
                "submission_id": s.submission_id,
                "village_code": village,
                "year": meta.get("year"),
                "area": area,
                "total_households": meta.get("total_households"),
                "total_persons": meta.get("total_persons"),
                "prepared_by": meta.get("prepared_by"),
                "prepared_on": None
                if meta.get("prepared_on") is None
                else str(meta["prepared_on"]),
                "source_sheet": s.sheet,
            }
        )
    columns = ["submission_id", "village_code", "year", "area", "total_households",
               "total_persons", "prepared_by", "prepared_on", "source_sheet"]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype(
        {"year": "Int64", "total_households": "Int64", "total_persons": "Int64"}
    ).astype(
        {c: "string" for c in columns if c not in ("year", "total_households", "total_persons")}
    )


def _plan_rows(
    plans: list[Submission], registry: pd.DataFrame
) -> tuple[pd.DataFrame, list[Finding]]:
    """Plan tables with their commune and villages resolved against the registry."""
    frames, findings = [], []
    for sub in plans:
        meta = sub.metadata
        commune = resolve_commune(registry, meta.get("commune_code"), meta.get("commune_name"))
        if commune is None:
            findings.append(Finding("PLAN-UNKNOWN-COMMUNE", sub.submission_id, "commune_name",
                                    value=meta.get("commune_name") or "?"))  # fmt: skip
        if meta.get("year") is None:
            findings.append(Finding("PLAN-NO-YEAR", sub.submission_id, "year"))
        frame = sub.plan.copy()
        frame["village_code"] = [
            None
            if total or commune is None
            else resolve_village(registry, None, name, commune, None)
            for name, total in zip(frame["unit_name"], frame["is_total"], strict=True)
        ]
        for row in frame[~frame["is_total"] & frame["village_code"].isna()].itertuples(index=False):
            if commune is not None:
                findings.append(Finding("PLAN-UNKNOWN-VILLAGE", sub.submission_id, "unit_name",
                                        row=int(row.source_row), value=row.unit_name))  # fmt: skip
        frames.append(
            frame.assign(
                submission_id=sub.submission_id, commune_code=commune, year=meta.get("year")
            )
        )
    columns = ["submission_id", "commune_code", "year", "village_code", "unit_name", "poor_households",
               "poor_rate_pct", "target_households", "target_rate_pct", "is_total", "source_row"]  # fmt: skip
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns}), findings
    out = pd.concat(frames, ignore_index=True)[columns]
    return out.astype({"year": "Int64", "source_row": "Int64", "is_total": "boolean"}), findings


def _without_codes_shown(runner: SuiteRunner, households: pd.DataFrame) -> list[Finding]:
    """The household suite, run on the households with each code replaced by its number among
    the batch's codes: Data Docs list unexpected values, and a household code is personal
    data. Uniqueness is the same on the numbers; the findings get the codes back."""
    numbers, codes = pd.factorize(households["household_code"])
    shown = pd.Series(numbers, index=households.index).astype("string").mask(numbers < 0)
    found = runner.run("households", households.assign(household_code=shown), LINEAGE)

    def code(number: object) -> object:
        try:
            return codes[int(number)]
        except (TypeError, ValueError, IndexError):  # no code (None, NaN): nothing to give back
            return number

    return [replace(f, value=code(f.value)) if f.field == "household_code" else f for f in found]


def _households(
    submissions: list[Submission], reports: pd.DataFrame, combined: pd.DataFrame | None
) -> pd.DataFrame:
    if combined is None:
        frames = [s.households for s in submissions if not s.households.empty]
        combined = pd.concat(frames or [empty_households()], ignore_index=True)
    keyed = reports[["submission_id", "village_code", "year", "area"]]
    combined = combined.merge(keyed, on="submission_id", how="left")
    return classify(combined)


def _supersede_within_batch(table: pd.DataFrame) -> pd.DataFrame:
    """Two loadable files for one village-year in a batch: the later-received one wins.

    The superseded list keeps its rows (for audit); the warehouse applies the same rule
    against lists loaded by earlier runs.
    """
    table = table.copy()
    loadable = table[table["status"] == LOADED].sort_values(["received_at", "file_path"])
    dup = loadable.duplicated(["village_code", "year"], keep="last")
    table.loc[dup[dup].index, "status"] = SUPERSEDED
    return table
