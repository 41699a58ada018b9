"""The steps of a nightly run as plain functions; `nightly.py` wraps them in Prefect tasks.

discover (`workbooks/inbox.py`) → read → validate → load → quarantine
(`workbooks/quarantine.py`) → publish → report. Each step takes and returns plain data, so it
can be tested without Prefect.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from giamngheo import testpoints
from giamngheo.flows.settings import Settings
from giamngheo.flows.summary import RunSummary
from giamngheo.transforms.standards import Catalog
from giamngheo.transforms.submission import Submission, households_frame
from giamngheo.workbooks.inbox import Candidate, Discovery, discover
from giamngheo.workbooks.isolation import IsolatedReader
from giamngheo.workbooks.reader import DEFAULT_LIMITS, ReaderLimits, read_submission, unreadable


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
