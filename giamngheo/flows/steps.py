"""The steps of a nightly run as plain functions; `nightly.py` wraps them in Prefect tasks.

discover → read → validate → load → report. Each step takes and returns plain data, so it can
be tested without Prefect.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from giamngheo import testpoints
from giamngheo.expectations.runner import run_suite
from giamngheo.transforms.checks import (
    check_claimed_class,
    check_listed_within_total,
    check_village_reports,
)
from giamngheo.transforms.classify import classify
from giamngheo.transforms.issues import (
    ERROR,
    WARNING,
    Finding,
    Issue,
    Source,
    issues_frame,
    locate,
)
from giamngheo.transforms.registry import resolve_commune, resolve_village
from giamngheo.workbooks.reader import DEFAULT_LIMITS, ReaderLimits, read_submission
from giamngheo.workbooks.submission import HOUSEHOLDS, PLAN, Submission, empty_households

EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")

LOADED = "loaded"
REJECTED = "rejected"
SUPERSEDED = "superseded"
SKIPPED = "skipped"


@dataclass(frozen=True)
class Candidate:
    """A file found in the inbox, fingerprinted."""

    path: Path
    rel_path: str
    sha256: str
    size_bytes: int
    modified: dt.datetime

    @property
    def submission_id(self) -> str:
        return self.sha256[:16]


@dataclass
class Discovery:
    """What the inbox holds this run: files to process, and those passed over (and why)."""

    candidates: list[Candidate] = field(default_factory=list)
    already_loaded: list[str] = field(default_factory=list)
    still_writing: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # rerun: file no longer in the inbox
    changed: list[str] = field(default_factory=list)  # rerun: file edited since (a new version)


def fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def discover(
    inbox: Path, known: set[str], force: bool = False, settle_seconds: float = 2.0
) -> Discovery:
    """Spreadsheets under `inbox`, minus lock files, files still being written, and files whose
    fingerprint was already processed (unless `force`). Sorted by path for a stable order."""
    found = Discovery()
    if not inbox.exists():
        return found
    now = time.time()
    seen: set[str] = set()
    for path in sorted(p for p in inbox.rglob("*") if p.is_file()):
        rel = path.relative_to(inbox).as_posix()
        if path.name.startswith(("~$", ".")) or path.suffix.lower() not in EXTENSIONS:
            found.ignored.append(rel)
            continue
        stat = path.stat()
        if now - stat.st_mtime < settle_seconds:
            found.still_writing.append(rel)
            continue
        sha = fingerprint(path)
        if sha in seen or (sha in known and not force):
            found.already_loaded.append(rel)
            continue
        seen.add(sha)
        found.candidates.append(Candidate(path, rel, sha, stat.st_size, _mtime(stat.st_mtime)))
    return found


def rerun_candidates(chosen: pd.DataFrame, inbox: Path, force: bool = False) -> Discovery:
    """Files of processed submissions to process again (`giamngheo rerun`).

    `chosen` has submission_id, file_path, sha256 and status. A rejected submission is read
    again; a loaded or superseded one only with `force`. A file that is gone, or whose bytes
    changed since (then it is a new version, which `ingest` picks up), is passed over.
    """
    found = Discovery()
    for row in chosen.sort_values("file_path").itertuples(index=False):
        path = inbox / row.file_path
        if not path.is_file():
            found.missing.append(row.file_path)
            continue
        if fingerprint(path) != row.sha256:
            found.changed.append(row.file_path)
            continue
        if row.status != REJECTED and not force:
            found.already_loaded.append(row.file_path)
            continue
        stat = path.stat()
        found.candidates.append(
            Candidate(path, row.file_path, row.sha256, stat.st_size, _mtime(stat.st_mtime))
        )
    return found


def _mtime(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp)


def read_files(
    candidates: list[Candidate], limits: ReaderLimits = DEFAULT_LIMITS
) -> list[Submission]:
    """Read a batch of files (one parallel task's share of the inbox)."""
    testpoints.reached("read")
    return [read_submission(c.path, c.submission_id, c.rel_path, limits) for c in candidates]


@dataclass
class Validated:
    """A batch after validation: per-submission status, the rows to load and every issue."""

    submissions: pd.DataFrame
    village_reports: pd.DataFrame
    households: pd.DataFrame
    issues: list[Issue]
    plan_rows: pd.DataFrame


def validate(
    candidates: list[Candidate], submissions: list[Submission], registry: pd.DataFrame
) -> Validated:
    """Run every rule over the whole batch at once and decide each submission's status."""
    by_id = {c.submission_id: c for c in candidates}
    issues: list[Issue] = [i for s in submissions for i in s.issues]
    sources = {
        s.submission_id: Source(s.submission_id, s.file, s.sheet, s.columns, s.metadata_cells)
        for s in submissions
    }
    readable = [s for s in submissions if s.kind == HOUSEHOLDS]
    reports = _village_reports(readable, registry)
    households = _households(readable, reports)
    plans, plan_findings = _plan_rows([s for s in submissions if s.kind == PLAN], registry)
    findings = [
        *plan_findings,
        *check_village_reports(reports, registry),
        *check_listed_within_total(households, reports),
        *check_claimed_class(households),
        *run_suite("households", households),
    ]
    issues += [locate(f, sources[f.submission_id]) for f in findings]
    errors = {i.submission_id for i in issues if i.severity == ERROR}
    warnings = pd.Series([i.submission_id for i in issues if i.severity == WARNING]).value_counts()
    error_counts = pd.Series(
        [i.submission_id for i in issues if i.severity == ERROR]
    ).value_counts()
    listed = households.groupby("submission_id").size()
    village_of = dict(zip(reports["submission_id"], reports["village_code"], strict=True))
    commune_of = registry.set_index("code")["parent_code"]
    plan_commune = dict(zip(plans["submission_id"], plans["commune_code"], strict=True))
    rows = []
    for sub in submissions:
        cand = by_id[sub.submission_id]
        meta = sub.metadata
        village = village_of.get(sub.submission_id)
        rows.append(
            {
                "submission_id": sub.submission_id,
                "file_name": cand.path.name,
                "file_path": cand.rel_path,
                "sha256": cand.sha256,
                "size_bytes": cand.size_bytes,
                "kind": sub.kind,
                "village_code": village,
                "commune_code": commune_of.get(village)
                if village
                else plan_commune.get(sub.submission_id),
                "year": meta.get("year"),
                "status": REJECTED if sub.submission_id in errors else LOADED,
                "household_count": int(listed.get(sub.submission_id, 0)),
                "error_count": int(error_counts.get(sub.submission_id, 0)),
                "warning_count": int(warnings.get(sub.submission_id, 0)),
                "received_at": cand.modified,
            }
        )
    table = _supersede_within_batch(pd.DataFrame(rows))
    accepted = set(table.loc[table["status"] != REJECTED, "submission_id"])
    return Validated(
        submissions=table,
        village_reports=reports[reports["submission_id"].isin(accepted)].reset_index(drop=True),
        households=households[households["submission_id"].isin(accepted)].reset_index(drop=True),
        issues=issues,
        plan_rows=plans[plans["submission_id"].isin(accepted)].reset_index(drop=True),
    )


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


def _households(submissions: list[Submission], reports: pd.DataFrame) -> pd.DataFrame:
    frames = [s.households for s in submissions if not s.households.empty]
    if not frames:
        frames = [empty_households()]
    combined = pd.concat(frames, ignore_index=True)
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


def stage_households(households: pd.DataFrame, staging: Path, run_id: str) -> Path | None:
    """Write the accepted households to Parquet, in the warehouse's column layout."""
    if households.empty:
        return None
    frame = households.copy()
    frame["poverty_class"] = frame["computed_class"]
    columns = [
        "submission_id", "village_code", "year", "household_code", "head_name", "ethnicity",
        "members", "income_kvnd", *[f"d{i:02d}" for i in range(1, 13)], "deprivation_count",
        "has_merit", "social_protection", "claimed_class", "poverty_class", "note",
        "source_sheet", "source_row", "extra",
    ]  # fmt: skip
    path = staging / run_id / "households.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame[columns].to_parquet(path, index=False)
    return path


def issues_table(issues: list[Issue]) -> pd.DataFrame:
    """Issues in the warehouse's column layout."""
    return issues_frame(issues).rename(columns={"column": "column_name"})
