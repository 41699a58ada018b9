"""Trust at the edges: only regular files inside the inbox are opened, versions follow the order
of receipt, a failed rerun keeps what was loaded, plan findings follow their villages, and
every file under the home is its owner's only."""

import os
import socket
import stat
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from giamngheo.flows.admin import load_registry
from giamngheo.flows.nightly import run_nightly
from giamngheo.transforms.synthetic import DIEN_HOA_PLAN_2024, DIEN_HOA_POOR_2024
from giamngheo.warehouse.store import Warehouse
from giamngheo.workbooks.inbox import discover
from giamngheo.workbooks.template import write_plan_workbook

pytestmark = pytest.mark.usefixtures("prefect_harness")


def plant_non_regular_entries(inbox: Path, outside: Path) -> dict[str, str]:
    """Every kind of entry that is not a regular file, planted in the inbox: name → kind."""
    inbox.mkdir(parents=True, exist_ok=True)
    secret = outside / "secret.txt"
    secret.write_text("root:$6$SECRET-HASH:19000:0:99999:7:::\n")
    os.symlink(secret, inbox / "shadow.xlsx")
    os.symlink(outside / "village.xlsx", inbox / "elsewhere.xlsx")
    (outside / "folder").mkdir()
    os.symlink(outside / "folder", inbox / "linked")
    os.mkfifo(inbox / "pipe.xlsx")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(inbox / "socket.xlsx"))
    sock.close()
    return {
        "shadow.xlsx": "symbolic link",
        "elsewhere.xlsx": "symbolic link",
        "linked": "symbolic link",
        "pipe.xlsx": "FIFO",
        "socket.xlsx": "socket",
    }


def test_only_regular_files_inside_the_inbox_are_opened(tmp_path, make_workbook):
    outside = tmp_path / "outside"
    outside.mkdir()
    make_workbook(folder=outside, name="village.xlsx")
    planted = plant_non_regular_entries(tmp_path / "inbox", outside)
    found = discover(tmp_path / "inbox", known=set(), settle_seconds=0)
    refused = {c.rel_path: c.refusal for c in found.candidates}
    assert set(refused) == set(planted)
    for name, kind in planted.items():
        assert kind in refused[name][1]
    assert "secret.txt" in refused["shadow.xlsx"][1]  # names the path it points to


@pytest.mark.slow
def test_a_run_refuses_them_with_an_issue_and_copies_nothing(
    settings, registry, make_workbook, tmp_path
):
    outside = tmp_path / "outside"
    outside.mkdir()
    make_workbook(folder=outside, name="village.xlsx")
    planted = plant_non_regular_entries(settings.inbox, outside)
    load_registry(settings, registry)
    summary = run_nightly(settings, runner="thread")
    assert summary.rejected == len(planted) and summary.loaded == 0
    for rejected in summary.rejected_files:
        folder = Path(rejected["quarantine"])
        assert sorted(p.name for p in folder.iterdir()) == ["issues.csv", "phan_hoi.xlsx"]
        assert "không phải là một tệp bình thường" in rejected["first_issue"]
    everything = b"".join(
        p.read_bytes() for p in settings.home.rglob("*") if p.is_file() and not p.is_symlink()
    )
    assert b"SECRET-HASH" not in everything
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        assert wh.sql("select count(*) n from households").iloc[0, 0] == 0
    assert run_nightly(settings, runner="thread").rejected == 0  # refused once, not every run


def test_a_file_with_a_modification_time_in_the_future_is_settled(tmp_path, make_workbook):
    path = make_workbook(folder=tmp_path / "inbox")
    later = time.time() + 3600
    os.utime(path, (later, later))
    found = discover(tmp_path / "inbox", known=set(), settle_seconds=2)
    assert [c.rel_path for c in found.candidates] == [path.name] and not found.still_writing


@pytest.mark.slow
def test_a_correction_received_later_wins_and_its_rejected_predecessor_leaves_rerun_failed(
    settings, registry, make_workbook
):
    load_registry(settings, registry)
    broken = make_workbook(
        "19834-03", folder=settings.inbox, name="a.xlsx", cells={(0, "members"): 45}
    )
    first = run_nightly(settings, runner="thread")
    assert first.rejected == 1
    # The correction was unzipped with an older modification time than the broken file.
    fixed = make_workbook("19834-03", folder=settings.inbox, name="b.xlsx")
    old = broken.stat().st_mtime - 3600
    os.utime(fixed, (old, old))
    second = run_nightly(settings, runner="thread")
    assert (second.loaded, second.superseded) == (1, 1)
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        statuses = dict(wh.sql("select file_path, status from submissions").values.tolist())
    assert statuses == {"a.xlsx": "superseded", "b.xlsx": "loaded"}
    assert not (settings.quarantine / first.rejected_files[0]["submission_id"]).exists()
    again = run_nightly(settings, runner="thread", rerun_failed=True)
    assert (again.seen, again.loaded, again.rejected) == (0, 0, 0)


@pytest.mark.slow
def test_a_rerun_that_fails_keeps_the_loaded_version(settings, registry, make_workbook):
    load_registry(settings, registry)
    make_workbook("19834-03", folder=settings.inbox)
    first = run_nightly(settings, runner="thread")
    assert first.loaded == 1
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        [sid] = wh.sql("select submission_id from submissions")["submission_id"]
        before = wh.sql("select * from village_poverty")
    strict = replace(settings, max_rows=5)  # the same file, now over a limit
    again = run_nightly(strict, runner="thread", rerun_ids=[sid], force=True)
    assert again.loaded == 0 and [k["submission_id"] for k in again.kept_files] == [sid]
    assert "FILE-TOO-LARGE" not in again.kept_files[0]["first_issue"]  # worded, not coded
    assert again.exit_code == 3
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        assert wh.sql("select status from submissions")["status"].tolist() == ["loaded"]
        pd.testing.assert_frame_equal(wh.sql("select * from village_poverty"), before)


@pytest.mark.slow
def test_plan_findings_follow_the_village_lists_they_depend_on(
    settings, registry, dien_hoa_inbox, make_workbook, tmp_path
):
    load_registry(settings, registry)
    rows = [
        {
            "unit_name": f"Thôn {i}",
            "poor_households": poor,
            "poor_rate_pct": rate,
            "target_households": None,
            "target_rate_pct": None,
        }
        for i, (poor, rate) in enumerate(
            zip(DIEN_HOA_POOR_2024, DIEN_HOA_PLAN_2024["poor_rate_pct"], strict=True), start=1
        )
    ]
    total = {"poor_households": 15, "poor_rate_pct": 1.06}
    write_plan_workbook(settings.inbox / "ke_hoach.xlsx", "Xã Điền Hòa", 2024, rows, total)
    run_nightly(settings, runner="thread")

    def plan_findings() -> list[tuple[str, str]]:
        with Warehouse(settings.warehouse_path, read_only=True) as wh:
            found = wh.sql(
                "select i.code, i.cell from issues i join submissions s using (submission_id)"
                " where s.kind = 'plan' order by all"
            )
            counts = wh.sql("select warning_count from submissions where kind = 'plan'")
        assert counts.iloc[0, 0] == len(found)
        return list(found.itertuples(index=False, name=None))

    assert plan_findings() == []  # every rate of the plan agrees with the lists
    # Thôn 3 sends a corrected list with one more household: the plan's 3 poor of 115 no longer
    # match its list's denominator, so its rate finding appears; nothing else of the plan moves.
    make_workbook(
        "19834-03", 2024, metadata={"total_households": 116}, folder=settings.inbox / "late"
    )
    run_nightly(settings, runner="thread")
    assert plan_findings() == [("PLAN-RATE", "D13")]  # 3 ÷ 116 × 100 = 2,59, written 2,61


@pytest.mark.slow
def test_every_file_under_the_home_is_its_owners_only(settings, registry, make_workbook):
    os.umask(0o022)  # a lax umask in the shell that started the run
    load_registry(settings, registry)
    source = make_workbook(folder=settings.inbox, cells={(0, "members"): 45})
    source.chmod(0o644)
    make_workbook("19834-04", folder=settings.inbox)
    summary = run_nightly(settings, runner="thread")
    assert summary.rejected == 1 and summary.reports
    for path in settings.home.rglob("*"):
        if path.is_relative_to(settings.inbox):
            continue  # the officer's own files
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}"


@pytest.mark.slow
def test_a_killed_publish_or_report_leaves_no_temporary_file_behind(settings, registry):
    load_registry(settings, registry)
    published = settings.published_path
    leftovers = [
        published.parent / f".{published.stem}-1a2b3c4d.tmp",
        published.parent / f".{published.stem}-1a2b3c4d.tmp.wal",
        settings.reports / ".bao_cao_476_2024.tmp.xlsx",
    ]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
    run_nightly(settings, runner="thread")
    assert not [p for p in leftovers if p.exists()]


@pytest.mark.slow
def test_a_file_with_every_row_wrong_keeps_a_bounded_list_of_issues(
    settings, registry, make_workbook
):
    load_registry(settings, registry)
    path = make_workbook(folder=settings.inbox)
    wb = load_workbook(path)
    ws = wb["Danh sách hộ"]
    for row in range(2, ws.max_row + 1):
        for column in range(7, 19):  # every indicator mark of every household unreadable
            ws.cell(row=row, column=column).value = "??"
    wb.save(path)
    capped = replace(settings, max_issues=50)
    summary = run_nightly(capped, runner="thread")
    sid = summary.rejected_files[0]["submission_id"]
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        issues = wh.sql(f"select code, value from issues where submission_id = '{sid}'")
        counted = wh.sql(f"select error_count from submissions where submission_id = '{sid}'")
    assert len(issues) == 51 and issues["code"].iloc[-1] == "ISSUES-TRUNCATED"
    assert int(issues["value"].iloc[-1]) == counted.iloc[0, 0] - 50  # the rest, counted
    lines = (settings.quarantine / sid / "issues.csv").read_text(encoding="utf-8-sig")
    assert len(lines.splitlines()) == 52


def test_issue_lists_are_capped_per_file_errors_first():
    from giamngheo.transforms.batch import capped
    from giamngheo.transforms.issues import make_issue

    issues = [
        make_issue("FILE-EXTRA-COLUMN", submission_id="a", file="a.xlsx", value="x"),
        *(make_issue("HH-MARK", submission_id="a", file="a.xlsx", cell=f"G{r}") for r in range(9)),
        make_issue("HH-MARK", submission_id="b", file="b.xlsx", cell="G2"),
    ]
    out = capped(issues, 3)
    assert [(i.submission_id, i.code) for i in out] == [
        ("a", "HH-MARK"),
        ("a", "HH-MARK"),
        ("a", "HH-MARK"),
        ("a", "ISSUES-TRUNCATED"),
        ("b", "HH-MARK"),
    ]
    assert out[3].value == "7" and "7" in out[3].message_en


def test_the_extra_columns_an_administrator_allows_reach_the_snapshot_masked(warehouse, tmp_path):
    from tests.warehouse.test_store import batch

    loaded = batch(tmp_path, "aaaa")
    frame = pd.read_parquet(loaded.households_parquet[0])
    frame["extra"] = (
        '{"Nghề nghiệp": "Làm thuê, vợ Trần Thị Lan", "Số CCCD": "046090012345",'
        ' "SĐT": "0905 123 456"}'
    )
    frame.to_parquet(loaded.households_parquet[0])
    warehouse.load_batch(loaded)
    target = tmp_path / "current.duckdb"
    warehouse.publish(target)
    with Warehouse(target, read_only=True) as snap:
        assert snap.sql("select extra from households").iloc[0, 0] is None
    warehouse.record_change("again")
    warehouse.publish(target, extra_columns=("nghe nghiep",))
    with Warehouse(target, read_only=True) as snap:
        assert (
            snap.sql("select extra from households").iloc[0, 0]
            == '{"Nghề nghiệp": "Làm thuê, vợ …"}'
        )


def test_files_are_opened_without_following_links(tmp_path):
    from giamngheo.workbooks.inbox import copy_regular, fingerprint, open_regular

    (tmp_path / "real.xlsx").write_bytes(b"bytes")
    os.symlink(tmp_path / "real.xlsx", tmp_path / "link.xlsx")
    os.mkfifo(tmp_path / "pipe.xlsx")
    for entry in ("link.xlsx", "pipe.xlsx"):
        with pytest.raises(OSError):
            open_regular(tmp_path / entry)
        with pytest.raises(OSError):
            fingerprint(tmp_path / entry)
        with pytest.raises(OSError):
            copy_regular(tmp_path / entry, tmp_path / "copy")
    copy_regular(tmp_path / "real.xlsx", tmp_path / "copy")
    assert (tmp_path / "copy").read_bytes() == b"bytes"
    assert stat.S_IMODE((tmp_path / "copy").stat().st_mode) == 0o600
