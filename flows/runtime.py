"""The plumbing of a run: its id, its task runner and how files are cut into parsing tasks,
the collection of their results, the timing of its steps, and what a killed run left behind."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from giamngheo.errors import ConfigurationError
from giamngheo.flows.settings import Settings

if TYPE_CHECKING:
    import pandas as pd

Progress = Callable[[int, int], None]  # called with (files read, files in all)


def new_run_id() -> str:
    """A run's (or a change's) id: its start time and a random tail."""
    return dt.datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


RUNNERS = ("thread", "process", "dask")


def task_runner(kind: str, max_workers: int, dask_address: str | None = None):
    """The task runner for parsing: threads (the commands' default: each file is read in a
    child process of its own anyway), a process pool, or a Dask cluster (`dask_address`, or a
    local cluster of `max_workers` processes when none is given)."""
    from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

    if kind == "process":
        return ProcessPoolTaskRunner(max_workers=max_workers)
    if kind == "thread":
        return ThreadPoolTaskRunner(max_workers=max_workers)
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(
            cluster_kwargs={
                "n_workers": max_workers,
                "threads_per_worker": 1,
                "dashboard_address": None,
            }
        )
    raise ConfigurationError(f"Unknown runner '{kind}' ({' | '.join(RUNNERS)}).")


def read_chunk(files: int, settings: Settings) -> int:
    """Files per parsing task: two tasks per worker, at most `read_batch`. Each task costs
    Prefect about a tenth of a second of its own (a task run, its states and its log), as much
    as reading thirty files, so tasks are as few as keep every worker busy to the end."""
    return max(1, min(settings.read_batch, math.ceil(files / (2 * settings.max_workers))))


def chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def gather(
    futures, chunks: list[list], counts: tuple[int, int], progress: Progress | None
) -> tuple[list, pd.DataFrame]:
    """The submissions read in parallel, in inbox order, and their households as one frame;
    reports progress as chunks finish (`counts`: files read before these, files in all)."""
    from prefect.futures import as_completed

    index = {id(f): i for i, f in enumerate(futures)}
    results: dict[int, list] = {}
    done, total = counts
    for future in as_completed(futures):
        i = index[id(future)]
        results[i] = future.result()
        done += len(chunks[i])
        if progress is not None:
            progress(done, total)
    import pandas as pd

    ordered = [results[i] for i in range(len(chunks))]
    submissions = [s for subs, _ in ordered for s in subs]
    return submissions, pd.concat([frame for _, frame in ordered], ignore_index=True)


class Clock:
    """Logs how long each step of a run took (Prefect's log; shown with --verbose)."""

    def __init__(self, logger):
        self.logger = logger
        self.last = time.perf_counter()

    def lap(self, what: str) -> None:
        now = time.perf_counter()
        self.logger.info("%s in %.1f s", what, now - self.last)
        self.last = now


def warm_up_validation() -> None:
    """Import Great Expectations (2–3 s) in the background while the files are read: the
    readers are child processes, so this process is mostly waiting meanwhile."""

    def load() -> None:
        with contextlib.suppress(Exception):  # validation imports it again, and reports errors
            import great_expectations  # noqa: F401

    threading.Thread(target=load, name="warm-up-validation", daemon=True).start()


def share_api_url_with_workers() -> None:
    """Point process-pool workers at this run's API instead of each starting its own server.

    Without PREFECT_API_URL, Prefect serves a run from a temporary local server; a spawned
    worker process does not inherit it from the settings context, only from the environment.
    """
    if os.environ.get("PREFECT_API_URL"):
        return
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    if not url:
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer()  # the running temporary server (a singleton)
        url = server.api_url if server.running else None
    if url:
        os.environ["PREFECT_API_URL"] = str(url)


def remove_leftovers(settings: Settings) -> None:
    """Staging folders, unfinished snapshots and report files of a run that was killed (we
    hold the lock): every temporary file DuckDB or we leave (`*.tmp`, `*.tmp.wal`, …)."""
    if settings.staging.exists():
        shutil.rmtree(settings.staging, ignore_errors=True)
    published = settings.published_path
    patterns = ((published.parent, f".{published.stem}-*.tmp*"), (settings.reports, ".*.tmp*"))
    for folder, pattern in patterns:
        if folder.exists():
            for tmp in folder.glob(pattern):
                tmp.unlink(missing_ok=True)
