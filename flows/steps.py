"""The steps of a nightly run as plain functions; `nightly.py` wraps them in Prefect tasks.

discover → read → validate → load → report. Each step takes and returns plain data, so it can
be tested without Prefect.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from giamngheo import testpoints
from giamngheo.flows.isolation import IsolatedReader
from giamngheo.transforms.batch import REJECTED
from giamngheo.transforms.issues import Issue, issues_frame
from giamngheo.transforms.submission import Submission, households_frame
from giamngheo.transforms.tables import TABLES
from giamngheo.workbooks.feedback import write_feedback, write_issues_csv
from giamngheo.workbooks.reader import DEFAULT_LIMITS, ReaderLimits, read_submission

EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")

# A file refused with one of these is never opened again (for its feedback workbook either):
# it is too large, unreadable, or made the reader overrun or die.
REFUSALS = frozenset(
    {
        "FILE-EMPTY",
        "FILE-UNREADABLE",
        "FILE-PASSWORD",
        "FILE-TOO-LARGE",
        "FILE-TIMEOUT",
        "FILE-NOT-SPREADSHEET",
    }
)


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


def nothing_to_do(
    warehouse: Path, inbox: Path, published: Path, settle_seconds: float
) -> Discovery | None:
    """The inbox when a run would change nothing: every file in it already processed, the
    snapshot published and the schema current. None when a run has work to do, or when the
    warehouse cannot tell (missing, or open in another run: that run's lock decides).

    Lets `giamngheo ingest` answer at once, without starting the orchestrator, when nothing
    came in; it reads the warehouse only.
    """
    from giamngheo.errors import WarehouseError
    from giamngheo.warehouse.store import Warehouse

    try:
        with Warehouse(warehouse, read_only=True) as wh:
            if not wh.is_current() or wh.admin_units().empty or wh.snapshot_is_stale(published):
                return None
            known = wh.fingerprints()
    except WarehouseError:
        return None
    found = discover(inbox, known, settle_seconds=settle_seconds)
    return None if found.candidates else found


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


def files_frame(candidates: list[Candidate]) -> pd.DataFrame:
    """The candidates' file facts by submission_id, as `transforms.batch.decide` takes them."""
    return pd.DataFrame(
        {
            "file_name": [c.path.name for c in candidates],
            "file_path": [c.rel_path for c in candidates],
            "sha256": [c.sha256 for c in candidates],
            "size_bytes": [c.size_bytes for c in candidates],
            "received_at": [c.modified for c in candidates],
        },
        index=pd.Index([c.submission_id for c in candidates], name="submission_id"),
    )


def _mtime(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp)


def read_files(
    candidates: list[Candidate],
    limits: ReaderLimits = DEFAULT_LIMITS,
    timeout: float = 0,
    frame: bool = True,
) -> list[Submission]:
    """Read a batch of files (one parallel task's share of the inbox).

    With a `timeout`, each file is read in a child process that is killed when the file takes
    longer (FILE-TIMEOUT) and replaced when it dies (FILE-UNREADABLE); 0 reads in this process.
    `frame=False` leaves each file's households as `rows` (see `read_batch`).
    """
    testpoints.reached("read")
    if not timeout:
        return [
            read_submission(c.path, c.submission_id, c.rel_path, limits, frame=frame)
            for c in candidates
        ]
    with IsolatedReader(timeout) as reader:
        return reader.read_all(
            [(c.path, c.submission_id, c.rel_path) for c in candidates], limits, frame
        )


def read_batch(
    candidates: list[Candidate], limits: ReaderLimits = DEFAULT_LIMITS, timeout: float = 0
) -> tuple[list[Submission], pd.DataFrame]:
    """The files read, and all their household rows as one frame (typed once for the batch)."""
    submissions = read_files(candidates, limits, timeout, frame=False)
    households = households_frame(submissions)
    for sub in submissions:
        sub.rows = None
    return submissions, households


def stage_households(households: pd.DataFrame, staging: Path, run_id: str) -> Path | None:
    """Write the accepted households to Parquet, in the warehouse's column layout."""
    if households.empty:
        return None
    frame = households.assign(poverty_class=households["computed_class"])
    path = staging / run_id / "households.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    # household_key is computed by the warehouse, from its secret salt.
    TABLES["households"].frame(frame, exclude=("household_key",)).to_parquet(path, index=False)
    return path


def issues_table(issues: list[Issue]) -> pd.DataFrame:
    """Issues in the warehouse's column layout."""
    return issues_frame(issues).rename(columns={"column": "column_name"})


def quarantine(
    submissions: pd.DataFrame,
    issues: list[Issue],
    candidates: list[Candidate],
    root: Path,
    limits: ReaderLimits = DEFAULT_LIMITS,
) -> dict[str, Path]:
    """Put every rejected submission in ``<root>/<submission_id>/``: the original file,
    issues.csv and the feedback workbook. A submission that now loads leaves quarantine.

    Paths come from submission ids (hex digits) only, never from file or sheet names.
    """
    by_id = {c.submission_id: c for c in candidates}
    by_submission: dict[str, list[Issue]] = {}
    for issue in issues:
        by_submission.setdefault(issue.submission_id, []).append(issue)
    folders: dict[str, Path] = {}
    for row in submissions.itertuples(index=False):
        folder = root / row.submission_id
        if row.status != REJECTED:
            shutil.rmtree(folder, ignore_errors=True)
            continue
        candidate = by_id[row.submission_id]
        found = by_submission.get(row.submission_id, [])
        folder.mkdir(parents=True, exist_ok=True)
        suffix = re.sub(r"[^A-Za-z0-9.]", "", candidate.path.suffix)[:8]
        shutil.copy2(candidate.path, folder / f"original{suffix}")
        write_issues_csv(found, folder / "issues.csv")
        refused = any(i.code in REFUSALS for i in found)
        original = None if refused else candidate.path
        write_feedback(original, found, folder / "phan_hoi.xlsx", limits)
        folders[row.submission_id] = folder
    return folders
