"""The nightly consolidation flow: discover, read, validate, load, publish, report.

Orchestration only: every step is a function in `steps.py` or a `Warehouse` method. Files are
read, checked and staged as Parquet a batch at a time (`Settings.load_batch`), reading in
parallel on the task runner, so a run's memory does not grow with the inbox; the checks that
compare lists across the run follow; loading is one transaction; the whole run holds the
writer lock.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import flow, get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from giamngheo import testpoints
from giamngheo.errors import ConfigurationError
from giamngheo.expectations.runner import prune_docs
from giamngheo.flows import runtime, steps
from giamngheo.flows.reporting import write_reports
from giamngheo.flows.settings import Settings, secure_home
from giamngheo.flows.summary import RunSummary, count_results, publish_artifacts, summary_lines
from giamngheo.flows.validation import Checked, check_batch, conclude
from giamngheo.transforms.batch import REJECTED, Reference, Validated, emptied
from giamngheo.transforms.issues import issues_table
from giamngheo.transforms.standards import Catalog, shipped
from giamngheo.warehouse import staging
from giamngheo.warehouse import standards as standard_store
from giamngheo.warehouse.lock import writer_lock
from giamngheo.warehouse.store import Batch, Loaded, Warehouse
from giamngheo.workbooks import inbox, quarantine

FLOW_NAME = "nightly-consolidation"


@task(name="discover", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def discover_files(
    settings: Settings, force: bool, rerun_ids: list[str] | None, rerun_failed: bool
) -> tuple[inbox.Discovery, Reference]:
    """The files to process (new ones, or those asked for again), and what they are checked
    against: the admin registry and the standards in use."""
    with Warehouse(settings.warehouse_path) as wh:
        reference = Reference(ready(wh, settings), catalog=standard_store.catalog(wh))
        if rerun_ids is not None or rerun_failed:
            chosen = _rerun_rows(wh, rerun_ids, rerun_failed)
        else:
            known, hashes = wh.fingerprints(), wh.file_stats()
    if rerun_ids is not None or rerun_failed:
        return inbox.rerun_candidates(chosen, settings.inbox, force=force), reference
    found = inbox.discover(
        settings.inbox, known, force=force, settle_seconds=settings.settle_seconds, hashes=hashes
    )
    if found.hashed:
        with Warehouse(settings.warehouse_path) as wh:
            wh.record_file_stats(found.hashed)
    return found, reference


def ready(wh: Warehouse, settings: Settings) -> pd.DataFrame:
    """Migrate the warehouse and return its registry; ConfigurationError when a run cannot
    start (no registry, no inbox)."""
    wh.migrate()
    registry = wh.admin_units()
    if registry.empty:
        raise ConfigurationError(
            "Chưa nạp danh mục đơn vị hành chính: chạy 'giamngheo registry load FILE.csv'. "
            "(The admin registry is empty: run 'giamngheo registry load FILE.csv'.)"
        )
    inbox.check_inbox(settings.inbox)
    return registry


def preflight(settings: Settings, rerun_ids: list[str] | None = None) -> None:
    """What `ready` checks, and that every id to rerun is known, before any flow starts: an
    officer's mistake is one line at once, not a failed flow run (hold the writer lock)."""
    with Warehouse(settings.warehouse_path) as wh:
        ready(wh, settings)
        if rerun_ids:
            _rerun_rows(wh, rerun_ids, failed=False)


def _rerun_rows(wh: Warehouse, ids: list[str] | None, failed: bool) -> pd.DataFrame:
    if failed:
        return wh.fetch("rerun_rejected")
    chosen = wh.fetch("submissions_by_id", ids=ids)
    unknown = sorted(set(ids or []) - set(chosen["submission_id"]))
    if unknown:
        raise ConfigurationError(
            f"Không có mã hồ sơ (unknown submission id): {', '.join(unknown)}. "
            "Xem 'giamngheo status' (see 'giamngheo status')."
        )
    return chosen


@task(name="read-workbooks", cache_policy=NO_CACHE)
def read_workbooks(candidates: list[inbox.Candidate], limits, timeout: float, catalog=None):
    return steps.read_batch(candidates, limits, timeout, catalog)


@task(name="check", cache_policy=NO_CACHE)
def check_files(
    settings: Settings,
    run_id: str,
    number: int,
    candidates: list[inbox.Candidate],
    submissions: list,
    households: pd.DataFrame,
    reference: Reference,
    runner,
) -> Staged:
    """One batch of the run: every rule over its lists, each list's status, and its households
    staged as Parquet (the accepted ones to load, every list's codes for the run's checks).

    A file processed again that was loaded and now fails keeps its loaded version: its
    households are not staged, and the load leaves it out (`Staged.kept`)."""
    checked = check_batch(candidates, submissions, reference, runner, households)
    table = checked.part.table
    ids = list(table["submission_id"])
    with Warehouse(settings.warehouse_path) as wh:
        before = wh.fetch("statuses", ids=ids)
    was_accepted = set(before.loc[before["status"] != REJECTED, "submission_id"])
    kept = was_accepted & set(table.loc[table["status"] == REJECTED, "submission_id"])
    accepted = checked.rows["households"]
    folder = settings.staging / run_id
    households = staging.stage_households(
        accepted[~accepted["submission_id"].isin(kept)], folder / f"households-{number}.parquet"
    )
    codes = staging.stage_codes(checked.codes, folder / f"codes-{number}.parquet")
    # what the run keeps of the batch: its households are in the staged files
    checked.rows["households"] = emptied(accepted)
    checked.codes = emptied(checked.codes)
    staged = Staged(households, codes, kept, checked)
    testpoints.reached("staged")
    return staged


@dataclass
class Staged:
    """A batch once checked: its staged files, the lists whose loaded version stays, and what
    the run's later checks need of it (its households left behind)."""

    households: Path | None
    codes: Path | None
    kept: set[str]
    checked: Checked


@task(name="conclude", cache_policy=NO_CACHE)
def conclude_checks(
    settings: Settings, staged: list[Staged], reference: Reference, runner
) -> Validated:
    """The checks that compare each list with the run's other lists and with the plans it
    changes, once every batch is checked, against what the warehouse already holds."""
    parts = [s.checked.part for s in staged]
    villages = sorted({v for p in parts for v in p.reports["village_code"].dropna()})
    years = sorted({int(y) for p in parts for y in p.table["year"].dropna()})
    with Warehouse(settings.warehouse_path) as wh:
        reference.history = wh.village_history(villages)
        reference.add_plans(wh.fetch("current_plans", years=years))
        shared = wh.codes_elsewhere([s.codes for s in staged if s.codes is not None])
    validated = conclude(
        [s.checked for s in staged], reference, shared, runner, settings.max_issues
    )
    prune_docs(settings.data_docs, settings.data_docs_keep)
    return validated


@task(name="load", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def load_batch(
    settings: Settings, validated: Validated, staged: list[Staged], run_id: str, flow_run_id: str
) -> tuple[Loaded, list[dict]]:
    """Write everything the run staged and decided in one transaction, with the work the run
    then owes. A file processed again that was loaded and now fails is not written: its
    loaded version stays in the figures (returned as `kept`)."""
    kept = set().union(*(s.kept for s in staged))
    table = validated.submissions
    kept_files = summary_lines(table[table["submission_id"].isin(kept)], validated.issues)
    if kept:
        validated = validated.without(kept)
    batch = Batch(
        run_id=run_id,
        flow_run_id=flow_run_id,
        submissions=validated.submissions.assign(
            processed_at=dt.datetime.now(), flow_run_id=flow_run_id
        ),
        village_reports=validated.village_reports,
        issues=issues_table(validated.issues),
        households_parquet=tuple(s.households for s in staged if s.households is not None),
        plan_rows=validated.plan_rows,
        reevaluated=issues_table(validated.reevaluated),
        reevaluated_plans=tuple(validated.reevaluated_plans),
    )
    with Warehouse(settings.warehouse_path) as wh:
        loaded = wh.load_batch(batch)
    shutil.rmtree(settings.staging / run_id, ignore_errors=True)
    return loaded, kept_files


@task(name="quarantine", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def quarantine_pending(settings: Settings) -> dict[str, str]:
    """The quarantine folders runs owe: original, issues.csv and feedback workbook of every
    rejected submission, and no folder for one that is no longer rejected."""
    with Warehouse(settings.warehouse_path) as wh:
        pending = wh.pending_work()
        ids = sorted(set(pending.loc[pending["kind"] == "quarantine", "submission_id"]))
        if not ids:
            return {}
        facts = wh.fetch("quarantine_facts", ids=ids)
    items = quarantine.quarantine_items(facts, settings.inbox)
    folders = quarantine.quarantine(
        items, settings.quarantine, settings.reader_limits, settings.read_timeout
    )
    with Warehouse(settings.warehouse_path) as wh:
        wh.work_done("quarantine", ids)
    return {sid: str(path) for sid, path in folders.items()}


@task(name="publish", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def publish_snapshot(settings: Settings) -> bool:
    """Publish the analyst snapshot if anything changed since the last one."""
    with Warehouse(settings.warehouse_path) as wh:
        if not wh.snapshot_is_stale(settings.published_path):
            return False
        wh.publish(settings.published_path, settings.snapshot_extra_columns)
    return True


PARALLEL_REPORTS_FROM = 1000  # village lists in the warehouse


@task(name="report", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def write_pending_reports(settings: Settings) -> tuple[list[str], list[dict]]:
    """The reports runs owe: for each year, those of the parent units whose figures changed.
    Returns the paths written and the reports that failed: a failed report stays owed (the
    next run writes it again) and never stops the others."""
    with Warehouse(settings.warehouse_path) as wh:
        pending = wh.pending_work()
        lists = wh.fetch("lists_by_year")
    reports = pending[pending["kind"] == "report"]
    owed = sorted({(int(y), u) for u, y in zip(reports["unit_code"], reports["year"], strict=True)})
    # A year without lists has no report to write (a list's year before, owed its targets'
    # results): left out here, it starts no writer process.
    listed_years = set(lists["year"].tolist())
    jobs = [(year, unit) for year, unit in owed if year in listed_years]
    villages = int(lists["n"].sum())
    # Starting a writer process costs about a second: worth it for large reports only.
    workers = settings.max_workers if villages >= PARALLEL_REPORTS_FROM else 1
    paths: list[str] = []
    failed: list[dict] = []
    # the warehouse is closed meanwhile: the writers open it read-only, each in its process
    for outcome in write_reports(settings.warehouse_path, settings.reports, jobs, workers):
        if outcome.error:
            failed.append(outcome.to_dict())
        elif outcome.path is not None:
            paths.append(str(outcome.path))
            testpoints.reached("report")
    still_owed = {(f["year"], f["unit"]) for f in failed}
    with Warehouse(settings.warehouse_path) as wh:
        wh.work_done("report", [f"{u}:{y}" for y, u in owed if (y, u) not in still_owed])
    return sorted(paths), failed


@flow(name=FLOW_NAME, log_prints=False)
def nightly_consolidation(
    settings: dict | None = None,
    force: bool = False,
    rerun_ids: list[str] | None = None,
    rerun_failed: bool = False,
    progress: Any = None,
    published: Any = None,
) -> dict:
    """Consolidate every new or corrected village workbook in the inbox into the warehouse.

    `settings` holds `Settings.to_parameters()` values (JSON, so a scheduled deployment can
    carry them); what it leaves out comes from GIAMNGHEO_* variables. `progress`, given by
    the CLI on a terminal, is a `Progress` callback told how many files have been read (typed
    `Any`: Prefect validates a flow's parameters, and a callable has no schema); `published`,
    given by the web app, is called once the snapshot holds the run's lists, before the
    reports are rewritten: an upload's verdict is known from then on.
    """
    config = Settings.from_parameters(settings)
    secure_home(config.home)
    summary = consolidate(config, force, rerun_ids, rerun_failed, progress, published)
    publish_artifacts(summary)
    return summary.to_dict()


def consolidate(
    settings: Settings,
    force: bool,
    rerun_ids: list[str] | None,
    rerun_failed: bool,
    progress: runtime.Progress | None = None,
    published: Callable[[], None] | None = None,
) -> RunSummary:
    """The body of the flow: discover, read, validate, load; then the work the load (or a
    killed run before it) left owed: quarantine, publish (then `published()`), report."""
    from prefect.runtime import flow_run

    logger = get_run_logger()
    summary = RunSummary(run_id=runtime.new_run_id(), warehouse=str(settings.warehouse_path))
    with writer_lock(settings.warehouse_path, settings.lock_timeout):
        runtime.remove_leftovers(settings)
        found, reference = discover_files(settings, force, rerun_ids, rerun_failed)
        summary.skipped = len(found.already_loaded)
        summary.still_writing = len(found.still_writing)
        summary.missing, summary.changed = found.missing, found.changed
        summary.seen = len(found.candidates) + summary.skipped + summary.still_writing
        logger.info(
            "Discovered %d file(s) to read, %d already loaded, %d still being written",
            len(found.candidates),
            summary.skipped,
            summary.still_writing,
        )
        clock = runtime.Clock(logger)
        touched: list[tuple[str, int]] = []
        if found.candidates:
            runtime.warm_up_validation()
            runtime.share_api_url_with_workers()
            validated, staged = _check_in_batches(
                settings, summary.run_id, found, reference, progress, clock
            )
            loaded, kept = load_batch(
                settings, quote(validated), quote(staged), summary.run_id, str(flow_run.id or "")
            )
            summary.batches = len(staged)
            clock.lap("loaded")
            count_results(summary, validated, loaded, kept)
            summary.data_docs = str(validated.data_docs or "")
            touched = validated.accepted_communes()
        folders = quarantine_pending(settings)
        for rejected in summary.rejected_files:
            rejected["quarantine"] = folders.get(rejected["submission_id"], "")
        summary.published = publish_snapshot(settings)
        clock.lap("published")
        if published is not None:
            published()
        summary.reports, summary.report_failures = write_pending_reports(settings)
        clock.lap(f"wrote {len(summary.reports)} report(s)")
        for failure in summary.report_failures:
            logger.error(
                "Report of %s for %s not written: %s",
                failure["unit"],
                failure["year"],
                failure["error"],
            )
        if touched:
            communes, years = map(list, zip(*touched, strict=True))
            with Warehouse(settings.warehouse_path) as wh:
                figures = wh.fetch("commune_figures", communes=communes, years=years)
            summary.communes = figures.to_dict("records")
    log = logger.warning if summary.rejected else logger.info
    log(
        "Loaded %d, rejected %d, superseded %d; %d households",
        summary.loaded,
        summary.rejected,
        summary.superseded,
        summary.households_loaded,
    )
    return summary


def _check_in_batches(
    settings: Settings,
    run_id: str,
    found: inbox.Discovery,
    reference: Reference,
    progress: runtime.Progress | None,
    clock: runtime.Clock,
) -> tuple[Validated, list[Staged]]:
    """Read, check and stage the files `settings.load_batch` at a time, so that a run holds
    two batches' households at most (the one checked, the next one read meanwhile); then the
    checks across the run."""
    from giamngheo.expectations.runner import SuiteRunner

    runner = SuiteRunner(settings.data_docs / run_id)
    staged: list[Staged] = []
    total, done = len(found.candidates), 0
    batches = runtime.chunks(found.candidates, settings.load_batch)
    # the readers have the shipped standards: only imported ones travel with each task
    catalog = None if reference.catalog == shipped() else reference.catalog
    reading = _submit_reads(batches[0], settings, catalog)
    for number, files in enumerate(batches):
        submissions, households = runtime.gather(*reading, (done, total), progress)
        done += len(files)
        clock.lap(f"read {len(submissions)} file(s)")
        if number + 1 < len(batches):
            # The readers go on with the next batch while this process checks this one: a
            # check is one core's work, and the other would wait.
            reading = _submit_reads(batches[number + 1], settings, catalog)
        # quote(): Prefect would otherwise walk every object passed to a task, looking for
        # futures (seconds per batch of 2,000 lists, and more at the end of a large run)
        staged.append(
            check_files(
                settings,
                run_id,
                number,
                quote(files),
                quote(submissions),
                quote(households),
                quote(reference),
                quote(runner),
            )
        )
        del submissions, households
        clock.lap(f"checked and staged {len(files)} file(s)")
    validated = conclude_checks(settings, quote(staged), quote(reference), quote(runner))
    clock.lap(f"validated ({validated.gx_runs} GX runs)")
    return validated, staged


def _submit_reads(
    files: list[inbox.Candidate], settings: Settings, catalog: Catalog | None
) -> tuple[list, list[list]]:
    """The parsing tasks of a batch of files, submitted: their futures and their files."""
    chunks = runtime.chunks(files, runtime.read_chunk(len(files), settings))
    futures = read_workbooks.map(
        chunks,
        limits=unmapped(settings.reader_limits),
        timeout=unmapped(settings.read_timeout),
        catalog=unmapped(catalog),
    )
    return futures, chunks


def run_nightly(
    settings: Settings,
    force: bool = False,
    runner: str = "thread",
    rerun_ids: list[str] | None = None,
    rerun_failed: bool = False,
    dask_address: str | None = None,
    progress: runtime.Progress | None = None,
    published: Callable[[], None] | None = None,
) -> RunSummary:
    """Run the flow once with the chosen task runner (the CLI's entry point).

    Without Prefect's flow-run heartbeats: their thread sleeps in one-second steps, and a
    run's end waits for it, up to a second that a corrected file's run should not pay. No
    automation watches for them here; a killed run is found by what it left owed (the
    pending work and the staging folder, see RELIABILITY.md).
    """
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    configured = nightly_consolidation.with_options(
        task_runner=runtime.task_runner(runner, settings.max_workers, dask_address)
    )
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        result = configured(
            settings.to_parameters(),
            force=force,
            rerun_ids=rerun_ids,
            rerun_failed=rerun_failed,
            progress=progress,
            published=published,
        )
    return RunSummary(**result)
