"""Crash safety and concurrency: SIGKILL at named points, readers during a load, two writers."""

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest

from giamngheo.errors import WarehouseBusy
from giamngheo.flows.admin import load_registry
from giamngheo.flows.nightly import run_nightly
from giamngheo.flows.settings import Settings
from giamngheo.warehouse.store import Warehouse
from giamngheo.workbooks.template import write_village_workbook
from tests.conftest import write_inbox
from tests.flows.test_nightly import TABLES
from tests.flows.test_reporting import SEED_PLAN

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


def start_paused_ingest(
    settings, point: str, marker: Path, load_batch: int | None = None
) -> subprocess.Popen:
    """`giamngheo ingest` in a subprocess that stops at `point` (see giamngheo.testpoints),
    reading `load_batch` files at a time when given."""
    from prefect.settings import get_current_settings

    env = dict(os.environ)
    env.update(
        GIAMNGHEO_PAUSE_AT=point,
        GIAMNGHEO_PAUSE_FILE=str(marker),
        GIAMNGHEO_SETTLE_SECONDS="0",
        PREFECT_API_URL=str(get_current_settings().api.url),
    )
    if load_batch:
        env["GIAMNGHEO_LOAD_BATCH"] = str(load_batch)
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


def broken_list(dien_hoa_lists, inbox: Path) -> Path:
    """Thôn 2's 2025 list with a household of 45 members: rejected."""
    thon2 = next(
        v
        for v in dien_hoa_lists
        if (v.metadata["village_code"], v.metadata["year"]) == ("19834-02", 2025)
    )
    households = thon2.households.copy().astype(object)
    households.at[0, "members"] = 45
    return write_village_workbook(inbox / "broken.xlsx", thon2.metadata, households)


@pytest.fixture(scope="module")
def clean(tmp_path_factory, registry, dien_hoa_lists, prefect_harness) -> Settings:
    """A home where one uninterrupted run, in one batch, went over Điền Hòa's 22 lists and a
    broken one: what a killed run must end as once the next run completes it. A test's inbox
    is a copy of its inbox (same bytes, same modification times)."""
    settings = Settings.load(
        tmp_path_factory.mktemp("clean") / "home", settle_seconds=0, max_workers=2
    )
    write_inbox(settings.inbox, dien_hoa_lists)
    broken_list(dien_hoa_lists, settings.inbox)
    load_registry(settings, registry)
    run_nightly(settings, runner="thread")
    return settings


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


@pytest.mark.parametrize(
    ("point", "load_batch"),
    [
        ("read", None),
        ("load", None),
        ("quarantine", None),
        ("publish", None),
        ("report", None),
        ("staged", 5),  # the first batch of five staged, the others not yet read
        ("load", 5),
    ],
)
def test_a_run_killed_anywhere_ends_as_a_clean_run_once_the_next_one_completes_it(
    point, load_batch, clean, settings, registry, tmp_path
):
    shutil.copytree(clean.inbox, settings.inbox)  # copy2 keeps modification times
    load_registry(settings, registry)
    before = content(settings.published_path)
    proc = start_paused_ingest(settings, point, tmp_path / "marker", load_batch)
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


def test_a_run_in_batches_stores_what_a_run_in_one_batch_stores(
    clean, settings, registry, dien_hoa_lists
):
    # Lists that meet across batches: each village's 2024 and 2025 lists (year over year),
    # a household code also on another village's list, a corrected list that supersedes one
    # of the same run, and the commune's plan, checked against every village's list.
    shutil.copytree(clean.inbox, settings.inbox)
    inbox = settings.inbox
    shutil.copy(SEED_PLAN, inbox / "19834" / "ke_hoach.xlsx")
    thon5 = next(
        v
        for v in dien_hoa_lists
        if (v.metadata["village_code"], v.metadata["year"]) == ("19834-05", 2024)
    )
    thon3 = next(
        v
        for v in dien_hoa_lists
        if (v.metadata["village_code"], v.metadata["year"]) == ("19834-03", 2024)
    )
    households = thon3.households.copy().astype(object)
    households.at[2, "household_code"] = thon5.households.loc[0, "household_code"]
    write_village_workbook(inbox / "zz_sua" / "19834-03_2024.xlsx", thon3.metadata, households)
    whole = replace(
        settings,
        home=settings.home.parent / "whole",
        inbox=settings.home.parent / "whole" / "inbox",
    )
    shutil.copytree(inbox, whole.inbox)
    load_registry(whole, registry)
    load_registry(settings, registry)
    one = run_nightly(whole, runner="thread")
    batched = run_nightly(replace(settings, load_batch=4), runner="thread")
    assert (one.batches, batched.batches) == (1, 7)
    assert (
        (batched.loaded, batched.rejected, batched.superseded) == (one.loaded, 1, 1) == (23, 1, 1)
    )
    assert batched.households_loaded == one.households_loaded
    assert content(settings.warehouse_path) == content(whole.warehouse_path)
    assert content(settings.published_path) == content(whole.published_path)
    assert quarantined(settings.quarantine) == quarantined(whole.quarantine)
    assert reports(settings.reports) == reports(whole.reports) != {}
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        codes = set(wh.sql("select distinct code from issues")["code"])
    assert {"HH-ID-OTHER-VILLAGE", "HH-MEMBERS"} <= codes, codes


def test_ingest_with_nothing_new_completes_the_work_a_killed_run_owed(
    settings, registry, dien_hoa_inbox, tmp_path
):
    from click.testing import CliRunner

    from giamngheo.cli import cli

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
