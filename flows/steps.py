"""The steps of a nightly run as plain functions; `nightly.py` wraps them in Prefect tasks.

discover (`inbox.py`) → read → validate → load → quarantine → publish → report. Each step
takes and returns plain data, so it can be tested without Prefect.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from giamngheo import testpoints
from giamngheo.flows.inbox import Candidate, Discovery, copy_regular, discover, fingerprint
from giamngheo.flows.settings import Settings
from giamngheo.flows.summary import RunSummary
from giamngheo.transforms.batch import REJECTED
from giamngheo.transforms.columns import DEPRIVATIONS, deprivation_codes
from giamngheo.transforms.issues import ISSUE_COLUMNS, Issue, issues_frame
from giamngheo.transforms.standards import Catalog
from giamngheo.transforms.submission import Submission, households_frame
from giamngheo.transforms.tables import TABLES
from giamngheo.workbooks.feedback import write_feedback, write_issues_csv
from giamngheo.workbooks.isolation import IsolatedReader
from giamngheo.workbooks.reader import DEFAULT_LIMITS, ReaderLimits, read_submission, unreadable

# A file refused with one of these is never opened again (for its feedback workbook either):
# it is not a regular file, too large, unreadable, or made the reader overrun or die.
REFUSALS = frozenset(
    {
        "FILE-NOT-REGULAR",
        "FILE-EMPTY",
        "FILE-UNREADABLE",
        "FILE-PASSWORD",
        "FILE-TOO-LARGE",
        "FILE-TIMEOUT",
        "FILE-NOT-SPREADSHEET",
    }
)


def nothing_to_do(
    warehouse: Path, inbox: Path, published: Path, settle_seconds: float
) -> Discovery | None:
    """The inbox when a run would change nothing: every file in it already processed, no work
    owed, the snapshot published and the schema current. None when a run has work to do, or
    when the warehouse cannot tell (missing, or open in another run: that run's lock decides).

    Lets `giamngheo ingest` answer at once, without starting the orchestrator, when nothing
    came in; it reads the warehouse only.
    """
    from giamngheo.errors import WarehouseError
    from giamngheo.warehouse.store import Warehouse

    try:
        with Warehouse(warehouse, read_only=True) as wh:
            if (
                not wh.is_current()
                or wh.admin_units().empty
                or wh.snapshot_is_stale(published)
                or len(wh.pending_work())
            ):
                return None
            known, hashes = wh.fingerprints(), wh.file_stats()
    except WarehouseError:
        return None
    found = discover(inbox, known, settle_seconds=settle_seconds, hashes=hashes)
    return None if found.candidates else found


def idle_run(settings: Settings) -> RunSummary | None:
    """The summary of a run that would change nothing (`nothing_to_do`), found without a flow
    run: by the command before it starts Prefect, by the service before it starts a run. None
    when there is work, or a killed run left some (its staging files: the flow clears them)."""
    if settings.staging.exists() and any(settings.staging.iterdir()):
        return None
    found = nothing_to_do(
        settings.warehouse_path, settings.inbox, settings.published_path, settings.settle_seconds
    )
    if found is None:
        return None
    return RunSummary(
        run_id="",
        seen=len(found.already_loaded) + len(found.still_writing),
        skipped=len(found.already_loaded),
        still_writing=len(found.still_writing),
        warehouse=str(settings.warehouse_path),
    )


def rerun_candidates(chosen: pd.DataFrame, inbox: Path, force: bool = False) -> Discovery:
    """Files of processed submissions to process again (`giamngheo rerun`).

    `chosen` has submission_id, file_path, sha256 and status. A rejected submission is read
    again; a loaded or superseded one only with `force`. A file that is gone, is no longer a
    regular file, or whose bytes changed since (then it is a new version, which `ingest` picks
    up), is passed over.
    """
    found = Discovery()
    for (file_path, sha256), rows in chosen.groupby(["file_path", "sha256"], sort=True):
        path = inbox / file_path
        try:
            sha = fingerprint(path)
        except OSError:
            found.missing.append(file_path)
            continue
        if sha != sha256:
            found.changed.append(file_path)
            continue
        if not force:
            rows = rows[rows["status"] == REJECTED]
        if rows.empty:
            found.already_loaded.append(file_path)
            continue
        ids = set(rows["submission_id"])
        info = path.lstat()
        found.candidates.append(
            Candidate(
                path,
                file_path,
                sha256,
                info.st_size,
                _mtime(info.st_mtime),
                # some villages of a commune-wide file: only those are processed again
                only=None if sha256[:16] in ids else frozenset(ids),
            )
        )
    return found


def files_frame(candidates: list[Candidate], submissions: list[Submission]) -> pd.DataFrame:
    """The file facts of each submission by submission_id (the villages of a commune-wide
    file share their file's), as `transforms.batch.decide` takes them."""
    by_id = {c.submission_id: c for c in candidates}
    files = [by_id[s.source_id] for s in submissions]
    return pd.DataFrame(
        {
            "file_name": [c.path.name for c in files],
            "file_path": [c.rel_path for c in files],
            "sha256": [c.sha256 for c in files],
            "size_bytes": [c.size_bytes for c in files],
            "received_at": [c.modified for c in files],
        },
        index=pd.Index([s.submission_id for s in submissions], name="submission_id"),
    )


def _mtime(timestamp: float):
    import datetime as dt

    return dt.datetime.fromtimestamp(timestamp)


def read_files(
    candidates: list[Candidate],
    limits: ReaderLimits = DEFAULT_LIMITS,
    timeout: float = 0,
    frame: bool = True,
    catalog: Catalog | None = None,
) -> list[Submission]:
    """Read a batch of files (one parallel task's share of the inbox).

    With a `timeout`, each file is read in a child process that is killed when the file takes
    longer (FILE-TIMEOUT) and replaced when it dies (FILE-UNREADABLE); 0 reads in this process.
    An entry refused at discovery (not a regular file) is not opened at all. `frame=False`
    leaves each file's households as `rows` (see `read_batch`). The lists are read under the
    standards of `catalog` (None: those shipped).
    """
    testpoints.reached("read")
    readable = [c for c in candidates if c.refusal is None]
    if not timeout:
        read = [
            read_submission(
                c.path, c.submission_id, c.rel_path, limits, frame=frame, catalog=catalog
            )
            for c in readable
        ]
    else:
        with IsolatedReader(timeout) as reader:
            read = reader.read_all(
                [(c.path, c.submission_id, c.rel_path) for c in readable], limits, frame, catalog
            )
    by_id = {s.submission_id: s for s in read}
    found: list[Submission] = []
    for c in candidates:
        parts = (by_id.get(c.submission_id) or _refused(c)).submissions()
        if c.only is not None:  # a rerun of some villages of a commune-wide file
            parts = [p for p in parts if p.submission_id in c.only] or parts
        found += parts
    return found


def _refused(candidate: Candidate) -> Submission:
    vi, en = candidate.refusal
    return unreadable(candidate.submission_id, candidate.rel_path, "FILE-NOT-REGULAR", vi, en)


def read_batch(
    candidates: list[Candidate],
    limits: ReaderLimits = DEFAULT_LIMITS,
    timeout: float = 0,
    catalog: Catalog | None = None,
) -> tuple[list[Submission], pd.DataFrame]:
    """The files read, and all their household rows as one frame (typed once for the batch)."""
    submissions = read_files(candidates, limits, timeout, frame=False, catalog=catalog)
    households = households_frame(submissions)
    for sub in submissions:
        sub.rows = None
    return submissions, households


def stage_households(households: pd.DataFrame, path: Path) -> Path | None:
    """Write accepted households to Parquet, in the warehouse's column layout (None when
    there are none)."""
    if households.empty:
        return None
    frame = households.assign(poverty_class=households["computed_class"])
    path.parent.mkdir(parents=True, exist_ok=True)
    # household_key is computed by the warehouse, from its secret salt.
    table = TABLES["households"].frame(frame, exclude=("household_key",))
    table[DEPRIVATIONS] = [list(deprivation_codes(d)) for d in table[DEPRIVATIONS]]
    schema = pa.Schema.from_pandas(table, preserve_index=False)
    at = schema.get_field_index(DEPRIVATIONS)
    schema = schema.set(at, pa.field(DEPRIVATIONS, pa.list_(pa.string())))
    pq.write_table(pa.Table.from_pandas(table, schema=schema, preserve_index=False), path)
    return path


def stage_codes(codes: pd.DataFrame, path: Path) -> Path | None:
    """Write the household codes of a batch's lists to Parquet (CODE_COLUMNS), for the
    run's check of codes on two villages' lists."""
    if codes.empty:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    codes.to_parquet(path, index=False)
    return path


def issues_table(issues: list[Issue]) -> pd.DataFrame:
    """Issues in the warehouse's column layout."""
    return issues_frame(issues).rename(columns={"column": "column_name"})


@dataclass(frozen=True)
class Quarantined:
    """What a quarantine folder is made of: the submission's status and issues, its file in
    the inbox to copy (None when it is not a regular file, or is gone or changed since), and
    whether the feedback may open it again (not after a refusal: too large, unreadable,
    timed out)."""

    submission_id: str
    status: str
    original: Path | None
    issues: tuple[Issue, ...]
    reopen: bool = True

    @classmethod
    def of(cls, submission_id: str, status: str, path: Path | None, issues) -> Quarantined:
        codes = {i.code for i in issues}
        return cls(
            submission_id,
            status,
            None if "FILE-NOT-REGULAR" in codes else path,
            tuple(issues),
            reopen=not codes & REFUSALS,
        )


def quarantine_items(facts: pd.DataFrame, inbox: Path) -> list[Quarantined]:
    """Quarantine items from the warehouse's facts (`queries/quarantine_facts.sql`): one row
    per issue of a rejected submission (one row without an issue for any other), with the
    submission's status, file path and sha256. Only a rejected submission's file is opened
    again (to check it is unchanged); the others are only folders to remove."""
    rejected = facts["status"] == REJECTED
    others = facts.loc[~rejected, ["submission_id", "status"]].drop_duplicates("submission_id")
    items = [
        Quarantined(sid, status, None, ())
        for sid, status in zip(others["submission_id"], others["status"], strict=True)
    ]
    for sid, rows in facts[rejected].groupby("submission_id", sort=True):
        first = rows.iloc[0]
        issues = tuple(
            Issue(**{c: _text(r[c if c != "column" else "column_name"]) for c in ISSUE_COLUMNS})
            for _, r in rows.iterrows()
            if pd.notna(r["code"])
        )
        path = _unchanged(inbox / first["file_path"], first["sha256"])
        items.append(Quarantined.of(sid, first["status"], path, issues))
    return sorted(items, key=lambda item: item.submission_id)


def _text(value: object) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _unchanged(path: Path, sha256: str) -> Path | None:
    """The file if it is still the one that was processed (a regular file, same bytes)."""
    try:
        return path if fingerprint(path) == sha256 else None
    except OSError:
        return None


def quarantine(
    items: list[Quarantined],
    root: Path,
    limits: ReaderLimits = DEFAULT_LIMITS,
    timeout: float = 0,
) -> dict[str, Path]:
    """Make ``<root>/<submission_id>/`` hold, for every rejected submission, the original file,
    issues.csv and the feedback workbook; remove the folder of one that is no longer rejected.

    The feedback workbook opens the file again: that happens in a child process under the
    reading time limit (`timeout`, 0 in this process), and a file that overruns or kills it
    gets a feedback with the list of issues only. Paths come from submission ids (hex digits)
    only, never from file or sheet names.
    """
    folders: dict[str, Path] = {}
    jobs: list[tuple[Quarantined, Path]] = []
    for item in items:
        folder = root / item.submission_id
        if item.status != REJECTED:
            shutil.rmtree(folder, ignore_errors=True)
            continue
        folder.mkdir(parents=True, exist_ok=True)
        if item.original is not None:
            suffix = re.sub(r"[^A-Za-z0-9.]", "", item.original.suffix)[:8]
            copy_regular(item.original, folder / f"original{suffix}")
        write_issues_csv(item.issues, folder / "issues.csv")
        if item.original is None or not item.reopen:
            write_feedback(None, item.issues, folder / "phan_hoi.xlsx", limits)
        else:
            jobs.append((item, folder / "phan_hoi.xlsx"))
        folders[item.submission_id] = folder
        testpoints.reached("quarantine")

    def list_only(i: int, *_: object) -> Path:
        item, out = jobs[i]
        return write_feedback(None, item.issues, out, limits)

    calls = [(write_feedback, (item.original, item.issues, out, limits)) for item, out in jobs]
    if timeout and calls:
        with IsolatedReader(timeout) as child:
            child.call_all(calls, list_only)
    else:
        for function, arguments in calls:
            function(*arguments)
    return folders
