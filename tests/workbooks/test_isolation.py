"""Each file is read in a child process that is killed when the file overruns its time limit
and replaced when it dies: one file costs itself, never the batch."""

import csv
import os
import signal
import threading
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from giamngheo.flows import steps
from giamngheo.flows.nightly import run_nightly
from giamngheo.warehouse.store import Warehouse
from giamngheo.workbooks import isolation
from giamngheo.workbooks.inbox import discover
from giamngheo.workbooks.isolation import IsolatedReader
from tests.listing import HEADERS, LIST_COLUMNS


def slow_file(path, rows: int = 60_000):
    """A real list, as a CSV saved under an .xls name, long enough to take over a second."""
    path.parent.mkdir(parents=True, exist_ok=True)
    headers = [HEADERS[name] for name in LIST_COLUMNS]
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(headers)
        for i in range(rows):
            out.writerow(
                [
                    i + 1,
                    f"H{i:06d}",
                    "Hộ thử",
                    "Kinh",
                    4,
                    1500,
                    "x",
                    "x",
                    "x",
                    *[""] * (len(headers) - 9),
                ]
            )
    return path


@pytest.mark.parametrize("daemonic", [False, True], ids=["forked", "subprocess"])
def test_a_file_over_the_time_limit_is_stopped_and_the_next_one_is_read(
    tmp_path, make_workbook, monkeypatch, daemonic
):
    monkeypatch.setattr(isolation, "_daemonic", lambda: daemonic)
    slow = slow_file(tmp_path / "slow.xls")
    good = make_workbook()
    with IsolatedReader(timeout=0.3) as reader:
        late = reader.read(slow, "s1", "slow.xls")
        after = reader.read(good, "s2", "good.xlsx")
    assert late.kind == "unreadable"
    [issue] = late.issues
    assert (issue.code, issue.severity, issue.file) == ("FILE-TIMEOUT", "error", "slow.xls")
    assert "0.3 giây" in issue.message_vi and "0.3 seconds" in issue.message_en
    assert after.kind == "households" and len(after.households) > 0 and not after.issues


@pytest.mark.parametrize("daemonic", [False, True], ids=["forked", "subprocess"])
def test_a_reader_that_dies_costs_only_its_file(tmp_path, make_workbook, monkeypatch, daemonic):
    monkeypatch.setattr(isolation, "_daemonic", lambda: daemonic)  # as in a Dask worker
    slow = slow_file(tmp_path / "slow.xls")
    good = make_workbook()
    with IsolatedReader(timeout=60) as reader:
        assert reader.read(good, "s0", "good.xlsx").kind == "households"
        threading.Timer(0.3, os.kill, (reader._child.pid, signal.SIGKILL)).start()
        dead = reader.read(slow, "s1", "slow.xls")
        after = reader.read(good, "s2", "good.xlsx")
    [issue] = dead.issues
    assert issue.code == "FILE-UNREADABLE" and "died (exit code -9)" in issue.message_en
    assert "bị dừng đột ngột" in issue.message_vi
    assert after.kind == "households" and not after.issues


def test_reading_in_a_child_gives_what_reading_in_process_gives(tmp_path, make_workbook):
    inbox = tmp_path / "inbox"
    for code in ("19834-01", "19834-02"):
        make_workbook(code, folder=inbox)
    (inbox / "empty.xlsx").write_bytes(b"")
    found = discover(inbox, known=set(), settle_seconds=0)
    here = steps.read_files(found.candidates)
    there = steps.read_files(found.candidates, timeout=30)
    assert [s.kind for s in there] == [s.kind for s in here] == ["households"] * 2 + ["unreadable"]
    for a, b in zip(here, there, strict=True):
        assert a.households.equals(b.households) and a.issues == b.issues


@pytest.mark.slow
def test_the_nightly_run_rejects_a_file_over_the_limit_without_opening_it_again(
    settings, dien_hoa_inbox, warehouse, prefect_harness
):
    warehouse.close()
    slow_file(dien_hoa_inbox / "odd" / "slow.xls")
    summary = run_nightly(replace(settings, read_timeout=0.3), runner="thread")
    assert (summary.loaded, summary.rejected) == (22, 1)
    [rejected] = summary.rejected_files
    assert rejected["file"] == "odd/slow.xls" and "0.3 giây" in rejected["first_issue"]
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        sid = wh.sql("select submission_id from submissions where status = 'rejected'").iloc[0, 0]
    feedback = load_workbook(settings.quarantine / sid / "phan_hoi.xlsx")
    assert feedback.sheetnames == ["Lỗi"] and feedback["Lỗi"]["C2"].value == "FILE-TIMEOUT"


def test_a_reader_process_that_cannot_start_is_tried_twice_then_costs_only_its_file(
    monkeypatch, make_workbook
):
    monkeypatch.setattr(isolation, "_daemonic", lambda: True)
    monkeypatch.setattr(isolation, "STARTUP_SECONDS", 0.001)  # no Python starts this fast
    starts = []
    original = isolation._Child.__init__

    def counted(self):
        starts.append(1)
        original(self)

    monkeypatch.setattr(isolation._Child, "__init__", counted)
    with IsolatedReader(timeout=5) as reader:
        first, second = reader.read_all(
            [(make_workbook(), "s1", "a.xlsx"), (make_workbook(), "s2", "b.xlsx")]
        )
    assert len(starts) == 4  # two tries for each file, and no hang
    for sub in (first, second):
        [issue] = sub.issues
        assert sub.kind == "unreadable" and issue.code == "FILE-UNREADABLE"
        assert "could not start" in issue.message_en


def test_a_reader_that_starts_on_the_second_try_reads_the_file(monkeypatch, make_workbook):
    original = isolation._Child.__init__
    failures = [RuntimeError("the reader process did not start (exit code -9)")]

    def flaky(self):
        if failures:
            raise failures.pop()
        original(self)

    monkeypatch.setattr(isolation._Child, "__init__", flaky)
    with IsolatedReader(timeout=30) as reader:
        sub = reader.read(make_workbook(), "s", "good.xlsx")
    assert sub.kind == "households" and not failures


def test_any_job_in_the_child_is_held_to_the_time_limit():
    import time

    failed = []

    def on_failure(index, code, detail_vi, detail_en):
        failed.append((index, code))
        return "list only"

    with IsolatedReader(timeout=0.5) as child:
        out = child.call_all([(time.sleep, (30,)), (len, ("abc",))], on_failure)
    assert out == ["list only", 3] and failed == [(0, "FILE-TIMEOUT")]


def test_a_service_starts_the_readers_forkserver_before_its_first_file():
    """`serve` calls start_forkserver at start: the forkserver (with the reader preloaded) then
    runs before any file is read, and the service's first run does not wait for it."""
    import subprocess
    import sys

    code = (
        "import psutil\n"
        "from giamngheo.workbooks.isolation import start_forkserver\n"
        "def running():\n"
        "    return any('forkserver' in ' '.join(c.cmdline()) for c in psutil.Process().children())\n"
        "before = running()\n"
        "start_forkserver()\n"
        "print(before, running())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "True"]
