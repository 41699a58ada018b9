"""Serving the nightly deployment on a real Prefect server (schedules need one), and the runs
that commands hand to the service while it is warm (`flows/handoff.py`)."""

from __future__ import annotations

import gc
import os

from giamngheo.errors import ConfigurationError
from giamngheo.flows.handoff import Service
from giamngheo.flows.nightly import FLOW_NAME, nightly_consolidation, preflight, run_nightly
from giamngheo.flows.runtime import task_runner
from giamngheo.flows.settings import Settings
from giamngheo.flows.steps import idle_run
from giamngheo.flows.summary import RunSummary
from giamngheo.warehouse.lock import writer_lock
from giamngheo.workbooks.isolation import start_forkserver

DEPLOYMENT_NAME = "nightly"

NO_SERVER = (
    "Không kết nối được máy chủ Prefect{where}. Lịch chạy hằng đêm cần một máy chủ Prefect đang "
    "chạy: mở một cửa sổ khác, chạy 'prefect server start', rồi đặt "
    "PREFECT_API_URL=http://127.0.0.1:4200/api và chạy lại 'giamngheo serve'.\n"
    "(No Prefect server{where}. Schedules need a running server: start one with "
    "'prefect server start', set PREFECT_API_URL=http://127.0.0.1:4200/api and run "
    "'giamngheo serve' again.)"
)


def check_server() -> str:
    """The API URL of a running Prefect server, or a ConfigurationError saying what to do."""
    url = os.environ.get("PREFECT_API_URL")
    if not url:
        raise ConfigurationError(NO_SERVER.format(where=" (PREFECT_API_URL is not set)"))
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        problem = client.api_healthcheck()
    if problem is not None:
        raise ConfigurationError(NO_SERVER.format(where=f" at {url}"))
    return url


def deployment(settings: Settings, cron: str, timezone: str, runner: str, dask_address: str | None):
    """The nightly flow, its schedule and its parameters, ready to serve."""
    from prefect.schedules import Cron

    flow = nightly_consolidation.with_options(
        task_runner=task_runner(runner, settings.max_workers, dask_address)
    )
    return flow, {
        "name": DEPLOYMENT_NAME,
        "schedules": [Cron(cron, timezone=timezone)],
        "parameters": {"settings": settings.to_parameters()},
        "description": "Tổng hợp danh sách hộ nghèo, cận nghèo hằng đêm (nightly consolidation)",
        "tags": ["giamngheo"],
    }


def serve(
    settings: Settings, cron: str, timezone: str, runner: str, dask_address: str | None
) -> None:
    """Register the deployment with its cron schedule and run its flow runs until stopped;
    meanwhile take the runs that `giamngheo ingest` and `rerun` hand over."""
    check_server()
    flow, options = deployment(settings, cron, timezone, runner, dask_address)
    import great_expectations  # noqa: F401  (2–3 s, paid once here, not by each handed-off run)

    start_forkserver()  # the readers' processes fork from it: the first run does not wait

    # What is loaded by now (Prefect, Great Expectations, pandas: about 400,000 objects) lives as
    # long as the service: kept out of the garbage collector's passes, which each run's many
    # small objects start.
    gc.collect()
    gc.freeze()
    with Service(settings.home, run_handed_off):
        flow.serve(**options, print_starting_message=False)


def run_handed_off(settings: Settings, request: dict, progress, published=None) -> RunSummary:
    """A run a command handed over: what the command would have run itself, under the
    writer lock, the warehouse checked first. `published` is called once the snapshot holds
    the run's lists (the web app answers an upload from then on)."""
    rerun_ids = request.get("rerun_ids")
    if not (request.get("force") or rerun_ids or request.get("rerun_failed")):
        idle = idle_run(settings)  # as the command would have found before starting a run
        if idle is not None:
            return idle
    with writer_lock(settings.warehouse_path, settings.lock_timeout):
        preflight(settings, rerun_ids)
        return run_nightly(
            settings,
            force=bool(request.get("force")),
            runner=request.get("runner") or "thread",
            rerun_ids=rerun_ids,
            rerun_failed=bool(request.get("rerun_failed")),
            dask_address=request.get("dask_address"),
            progress=progress,
            published=published,
        )


__all__ = ["DEPLOYMENT_NAME", "FLOW_NAME", "check_server", "deployment", "run_handed_off", "serve"]
