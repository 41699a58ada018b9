"""Crash safety and concurrency: SIGKILL at named points, readers during a load, two writers."""

import datetime as dt
import os
import re
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


def uninterrupted(settings, registry):
    """The settings of a home where an uninterrupted run went over a copy of the same inbox
    (same bytes, same modification times)."""
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
    return other


def quarantined(root: Path) -> dict[str, object]:
    """Every quarantine folder: its files, its issues.csv, and its feedback's sheets."""
    from openpyxl import load_workbook

    out = {}
    for folder in sorted(root.iterdir()) if root.exists() else []:
        feedback = load_workbook(folder / "phan_hoi.xlsx")
        out[folder.name] = (
            sorted(p.name for p in folder.iterdir()),
            (folder / "issues.csv").read_text(encoding="utf-8-sig"),
            {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in feedback},
        )
    return out


def reports(root: Path) -> dict[str, object]:
    """Every cell of every report workbook, but when each file was processed (a time)."""
    from python_calamine import CalamineWorkbook

    out = {}
    for path in sorted(root.glob("*.xlsx")):
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            grid = book.get_sheet_by_name(name).to_python()
            out[(path.name, name)] = [[v for v in row if not _a_time(v)] for row in grid]
    return out


_TIME = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d|\d\d/\d\d/\d{4} \d\d:\d\d")


def _a_time(value: object) -> bool:
    return isinstance(value, dt.datetime | dt.date) or bool(
        isinstance(value, str) and _TIME.search(value)
    )


@pytest.mark.parametrize("point", ["read", "load", "quarantine", "publish", "report"])
def test_a_run_killed_anywhere_ends_as_a_clean_run_once_the_next_one_completes_it(
    point, settings, registry, dien_hoa_inbox, make_workbook, tmp_path
):
    make_workbook(
        "19834-02", 2025, folder=dien_hoa_inbox, name="broken.xlsx", cells={(0, "members"): 45}
    )
    clean = uninterrupted(settings, registry)
    load_registry(settings, registry)
    before = content(settings.published_path)
    proc = start_paused_ingest(settings, point, tmp_path / "marker")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    after_kill = content(settings.published_path)  # opens, reads every table: not broken
    if point == "report":  # published before it was killed
        assert after_kill == content(clean.published_path)
    else:
        assert after_kill == before
    committed = point in ("quarantine", "publish", "report")
    summary = run_nightly(settings, runner="thread")
    if committed:  # the load had committed: the next run completes the work it owed
        assert (summary.loaded, summary.skipped) == (0, 23)
    else:
        assert (summary.loaded, summary.rejected) == (22, 1)
    assert content(settings.warehouse_path) == content(clean.warehouse_path)
    assert content(settings.published_path) == content(clean.published_path)
    assert quarantined(settings.quarantine) == quarantined(clean.quarantine)
    assert len(quarantined(settings.quarantine)) == 1
    assert reports(settings.reports) == reports(clean.reports) != {}
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        assert wh.pending_work().empty
    assert not list(settings.published_path.parent.glob(".*.tmp*"))
    assert not settings.staging.exists() or not any(settings.staging.iterdir())


def test_ingest_with_nothing_new_completes_the_work_a_killed_run_owed(
    settings, registry, dien_hoa_inbox, tmp_path
):
    from click.testing import CliRunner

    from giamngheo.flows.cli import cli

    load_registry(settings, registry)
    proc = start_paused_ingest(settings, "report", tmp_path / "marker")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        assert not wh.pending_work().empty
    result = CliRunner(env={"GIAMNGHEO_SETTLE_SECONDS": "0"}).invoke(
        cli, ["--home", str(settings.home), "ingest"]
    )
    assert result.exit_code == 0, result.output
    assert "Báo cáo (report)" in result.output
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        assert wh.pending_work().empty


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
