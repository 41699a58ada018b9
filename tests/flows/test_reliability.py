"""Crash safety and concurrency: SIGKILL at named points, readers during a load, two writers."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from giamngheo.errors import WarehouseBusy
from giamngheo.flows.nightly import load_registry, run_nightly
from giamngheo.warehouse.store import Warehouse
from tests.flows.test_nightly import TABLES

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

# When and by which run, and the per-warehouse salted household key.
VOLATILE = {"processed_at", "flow_run_id", "run_id", "loaded_at", "published_at", "household_key"}


def columns(path: Path, table: str) -> list[str]:
    with Warehouse(path, read_only=True) as wh:
        return list(wh.sql(f"select * from {table} limit 0").columns)


def content(path: Path, like: Path | None = None) -> dict[str, list]:
    """Every table's rows, in order, without the columns that record when and which run
    (and only the columns the same table has in `like`)."""
    with Warehouse(path, read_only=True) as wh:
        out = {}
        for table in TABLES:
            shown = columns(like, table) if like else None
            cols = [
                c
                for c in wh.sql(f"select * from {table} limit 0").columns
                if c not in VOLATILE and (shown is None or c in shown)
            ]
            out[table] = wh.con.execute(
                f"select {', '.join(cols)} from {table} order by all"
            ).fetchall()
        out["runs"] = len(out["runs"])
        return out


def start_paused_ingest(settings, point: str, marker: Path) -> subprocess.Popen:
    """`giamngheo ingest` in a subprocess that stops at `point` (see giamngheo.testpoints)."""
    from prefect.settings import get_current_settings

    env = dict(os.environ)
    env.update(
        GIAMNGHEO_PAUSE_AT=point,
        GIAMNGHEO_PAUSE_FILE=str(marker),
        GIAMNGHEO_SETTLE_SECONDS="0",
        PREFECT_API_URL=str(get_current_settings().api.url),
    )
    exe = Path(sys.executable).with_name("giamngheo")
    proc = subprocess.Popen(
        [str(exe), "--home", str(settings.home), "ingest", "--runner", "thread"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not marker.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"ingest never reached {point}: {proc.communicate()}")
        time.sleep(0.1)
    return proc


def uninterrupted(settings, registry) -> dict[str, list]:
    """The content an uninterrupted run gives over a copy of the same inbox (same bytes)."""
    import shutil
    from dataclasses import replace

    other = replace(
        settings,
        home=settings.home.parent / "baseline",
        inbox=settings.home.parent / "baseline" / "inbox",
    )
    shutil.copytree(settings.inbox, other.inbox)  # copy2 keeps modification times
    load_registry(other, registry)
    run_nightly(other, runner="thread")
    return content(other.warehouse_path)


@pytest.mark.parametrize("point", ["read", "load", "publish"])
def test_a_run_killed_anywhere_leaves_old_or_new_and_a_rerun_completes_it(
    point, settings, registry, dien_hoa_inbox, tmp_path
):
    baseline = uninterrupted(settings, registry)
    load_registry(settings, registry)
    before = content(settings.published_path)
    proc = start_paused_ingest(settings, point, tmp_path / "marker")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    after_kill = content(settings.published_path)  # opens, reads every table: not broken
    assert after_kill == before
    assert not list(settings.published_path.parent.glob(".*.tmp")) or point == "publish"
    summary = run_nightly(settings, runner="thread")
    if point == "publish":  # the load had committed: the rerun only publishes
        assert (summary.loaded, summary.skipped, summary.published) == (0, 22, True)
    else:
        assert summary.loaded == 22
    assert content(settings.warehouse_path) == baseline
    assert content(settings.published_path) == content(
        settings.warehouse_path, like=settings.published_path
    )
    assert not list(settings.published_path.parent.glob(".*.tmp"))
    assert not settings.staging.exists() or not any(settings.staging.iterdir())


READER = textwrap.dedent(
    """
    import sys, time, duckdb
    path, stop = sys.argv[1], sys.argv[2]
    con = duckdb.connect(path, read_only=True)
    queries = 0
    import os
    while not os.path.exists(stop):
        con.execute("select count(*), sum(poor_households) from commune_poverty").fetchall()
        queries += 1
        time.sleep(0.01)
    old = con.execute("select count(*) from households_current").fetchall()[0][0]
    con.close()
    new = duckdb.connect(path, read_only=True).execute("select count(*) from households_current").fetchall()[0][0]
    print(queries, old, new)
    """
)


def test_a_reader_holding_the_snapshot_never_blocks_or_sees_half_a_load(
    settings, registry, dien_hoa_inbox, tmp_path
):
    load_registry(settings, registry)
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(settings.published_path), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1)
    summary = run_nightly(settings, runner="thread")
    assert summary.loaded == 22 and summary.published
    stop.touch()
    out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    queries, old, new = map(int, out.split())
    assert queries > 10 and old == 0 and new > 0


def test_two_runs_at_once_one_waits_and_gives_up_changing_nothing(
    settings, registry, dien_hoa_inbox, tmp_path
):
    load_registry(settings, registry)
    first = start_paused_ingest(settings, "load", tmp_path / "marker")
    try:
        from dataclasses import replace

        with pytest.raises(WarehouseBusy):
            run_nightly(replace(settings, lock_timeout=1), runner="thread")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        assert wh.sql("select count(*) n from submissions").iloc[0, 0] == 0
