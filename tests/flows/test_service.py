"""Running as a service: a real Prefect server and schedule, Dask, and a clear message without one."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from giamngheo.flows.admin import load_registry
from giamngheo.flows.nightly import run_nightly
from tests.flows.test_reliability import content

pytestmark = pytest.mark.slow
EXE = Path(sys.executable).with_name("giamngheo")


@pytest.mark.usefixtures("prefect_harness")
def test_dask_local_cluster_gives_the_same_warehouse_as_the_process_pool(
    settings, registry, dien_hoa_inbox
):
    other = replace(
        settings, home=settings.home.parent / "dask", inbox=settings.home.parent / "dask" / "inbox"
    )
    shutil.copytree(settings.inbox, other.inbox)
    load_registry(settings, registry)
    load_registry(other, registry)
    by_process = run_nightly(settings, runner="process")
    by_dask = run_nightly(other, runner="dask")
    assert by_process.loaded == by_dask.loaded == 22
    assert content(settings.warehouse_path) == content(other.warehouse_path)


def test_serve_without_a_server_says_what_to_do(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_API_URL"] = "http://127.0.0.1:9/api"  # nothing listens on the discard port
    done = subprocess.run(
        [str(EXE), "--home", str(tmp_path), "serve"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2
    assert "prefect server start" in done.stderr and "Traceback" not in done.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


def test_serve_registers_the_schedule_and_a_triggered_run_completes_with_artifacts(
    settings, registry, dien_hoa_inbox, make_workbook, tmp_path
):
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_API_URL=api,
        PREFECT_HOME=str(tmp_path / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        GIAMNGHEO_SETTLE_SECONDS="0",
        PREFECT_UI_ENABLED="false",
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("prefect")),
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    served = None
    try:
        wait_for(lambda: _get(f"{api}/health") is not None, 90, "the Prefect server")
        subprocess.run(
            [
                str(EXE),
                "--home",
                str(settings.home),
                "registry",
                "load",
                str(_registry_csv(registry, tmp_path)),
            ],
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        served = subprocess.Popen(
            [
                str(EXE),
                "--home",
                str(settings.home),
                "serve",
                "--cron",
                "0 1 * * *",
                "--runner",
                "thread",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deployment = wait_for(lambda: _deployment(api), 120, "the deployment")
        schedules = deployment["schedules"]
        assert schedules[0]["schedule"]["cron"] == "0 1 * * *"
        assert schedules[0]["schedule"]["timezone"] == "Asia/Ho_Chi_Minh"
        run = wait_for(lambda: _create_run(api, deployment["id"]), 120, "a flow run created")
        state = wait_for(lambda: _final_state(api, run["id"]), 240, "the flow run")
        assert state == "COMPLETED"
        artifacts = httpx.post(
            f"{api}/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [run["id"]]}}}
        ).json()
        keys = {a["key"] for a in artifacts}
        assert "nightly-summary" in keys
        summary = next(a for a in artifacts if a["key"] == "nightly-summary")
        assert "| | 22 | 22 | 0 |" in summary["data"]
        # An officer's corrected file: `ingest` hands the run to the warm service.
        make_workbook("19834-03", 2025, metadata={"total_households": 117}, folder=dien_hoa_inbox)
        handed = subprocess.run(
            [str(EXE), "--home", str(settings.home), "ingest", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert handed.returncode == 0, handed.stderr
        assert "giamngheo serve" in handed.stderr
        assert json.loads(handed.stdout)["loaded"] == 1
    finally:
        for proc in (served, server):
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()


def _create_run(api: str, deployment_id: str):
    """A new flow run of the deployment, or None while the server answers with an error (its
    SQLite database is shared with every other test's runs)."""
    try:
        response = httpx.post(
            f"{api}/deployments/{deployment_id}/create_flow_run", json={}, timeout=30
        )
    except httpx.HTTPError:
        return None
    return response.json() if response.status_code in (200, 201) else None


def _registry_csv(registry, tmp_path) -> Path:
    path = tmp_path / "registry.csv"
    registry.to_csv(path, index=False)
    return path


def _get(url: str):
    try:
        response = httpx.get(url, timeout=2)
        return response.json() if response.status_code == 200 else None
    except httpx.HTTPError:
        return None


def _deployment(api: str):
    try:
        found = httpx.post(f"{api}/deployments/filter", json={}, timeout=5).json()
    except httpx.HTTPError:
        return None
    return next((d for d in found if d["name"] == "nightly"), None)


def _final_state(api: str, run_id: str):
    state = httpx.get(f"{api}/flow_runs/{run_id}", timeout=5).json()["state"]["type"]
    return state if state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None
