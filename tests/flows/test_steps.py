import os
import time

import pytest

from giamngheo.errors import ConfigurationError
from giamngheo.flows import steps, validation
from giamngheo.workbooks.inbox import discover, fingerprint


def test_discover_skips_lock_files_unfinished_files_and_known_fingerprints(tmp_path, make_workbook):
    inbox = tmp_path / "inbox"
    old = make_workbook("19834-01", folder=inbox / "a")
    loaded = make_workbook("19834-02", folder=inbox / "a")
    fresh = make_workbook("19834-03", folder=inbox / "b")
    (inbox / "a" / "~$19834-01_2024.xlsx").write_bytes(b"lock")
    (inbox / "notes.md").write_text("x")
    past = time.time() - 60
    for p in (old, loaded):
        os.utime(p, (past, past))
    found = discover(inbox, known={fingerprint(loaded)}, settle_seconds=30)
    assert [c.rel_path for c in found.candidates] == ["a/19834-01_2024.xlsx"]
    assert found.already_loaded == ["a/19834-02_2024.xlsx"]
    assert found.still_writing == ["b/19834-03_2024.xlsx"]
    assert sorted(found.ignored) == ["a/~$19834-01_2024.xlsx", "notes.md"]
    assert fresh.exists()
    forced = discover(inbox, known={fingerprint(loaded)}, force=True, settle_seconds=0)
    assert len(forced.candidates) == 3


def test_discover_reads_a_file_again_only_when_its_metadata_changed(
    tmp_path, make_workbook, monkeypatch
):
    from giamngheo.workbooks import inbox as files

    inbox = tmp_path / "inbox"
    a = make_workbook("19834-01", folder=inbox)
    b = make_workbook("19834-02", folder=inbox)
    fresh = discover(inbox, known=set(), settle_seconds=0)
    assert fresh.hashed == {}  # changed a moment ago: not remembered yet
    monkeypatch.setattr(files, "RECENT_CHANGE", 0.0)
    first = discover(inbox, known=set(), settle_seconds=0)
    assert sorted(first.hashed) == [str(a), str(b)]
    read = []
    monkeypatch.setattr(files, "fingerprint", lambda path: read.append(path) or fingerprint(path))
    second = discover(inbox, known=set(), settle_seconds=0, hashes=first.hashed)
    assert read == [] and second.hashed == {}
    assert [c.sha256 for c in second.candidates] == [c.sha256 for c in first.candidates]
    # the same size and modification time, other bytes, the same inode: read again
    before = os.stat(a)
    time.sleep(0.05)  # past the tick of the change time
    with open(a, "r+b") as fh:
        data = bytearray(fh.read())
        data[-30] ^= 0xFF
        fh.seek(0)
        fh.write(data)
    os.utime(a, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (os.stat(a).st_size, os.stat(a).st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    third = discover(inbox, known=set(), settle_seconds=0, hashes=first.hashed)
    assert read == [a] and list(third.hashed) == [str(a)]
    assert third.candidates[0].sha256 == fingerprint(a) != first.candidates[0].sha256


def test_discover_lists_files_folder_by_folder(tmp_path):
    inbox = tmp_path / "inbox"
    for rel in ("a-b/x.xlsx", "a/y.xlsx", "a/b/z.xlsx", "a.xlsx", "b/x.xlsx"):
        (inbox / rel).parent.mkdir(parents=True, exist_ok=True)
        (inbox / rel).write_bytes(rel.encode())
    found = discover(inbox, known=set(), settle_seconds=0)
    # as paths sort, part by part ("a/…" before "a-b/…" though "-" sorts before "/")
    assert [c.rel_path for c in found.candidates] == [
        "a/b/z.xlsx",
        "a/y.xlsx",
        "a-b/x.xlsx",
        "a.xlsx",
        "b/x.xlsx",
    ]
    assert all(c.path == inbox.resolve() / c.rel_path for c in found.candidates)


def test_a_missing_inbox_is_an_error_not_an_empty_inbox(tmp_path):
    with pytest.raises(ConfigurationError, match="does not exist") as raised:
        discover(tmp_path / "none", known=set())
    assert raised.value.exit_code == 2
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigurationError, match="not a folder"):
        discover(tmp_path / "file", known=set())


def test_identical_bytes_under_two_names_are_one_submission(tmp_path, make_workbook):
    path = make_workbook(folder=tmp_path / "inbox")
    (tmp_path / "inbox" / "copy.xlsx").write_bytes(path.read_bytes())
    found = discover(tmp_path / "inbox", known=set(), settle_seconds=0)
    assert len(found.candidates) == 1 and len(found.already_loaded) == 1


def run(tmp_path, registry, paths):
    found = discover(tmp_path / "inbox", known=set(), settle_seconds=0)
    subs = steps.read_files(found.candidates)
    return validation.validate(found.candidates, subs, validation.Reference(registry))


def test_validate_rejects_only_the_broken_submission(tmp_path, registry, make_workbook):
    inbox = tmp_path / "inbox"
    make_workbook("19834-01", folder=inbox)
    make_workbook("19834-02", folder=inbox, cells={(0, "members"): 45})
    out = run(tmp_path, registry, inbox)
    status = dict(zip(out.submissions["file_path"], out.submissions["status"], strict=True))
    assert status == {"19834-01_2024.xlsx": "loaded", "19834-02_2024.xlsx": "rejected"}
    assert [(i.code, i.cell, i.file) for i in out.issues] == [
        ("HH-MEMBERS", "E2", "19834-02_2024.xlsx")
    ]
    assert set(out.households["village_code"]) == {"19834-01"}


def test_claimed_class_mismatch_and_unknown_village_are_errors(tmp_path, registry, make_workbook):
    inbox = tmp_path / "inbox"
    make_workbook("19834-01", folder=inbox, cells={(0, "income_kvnd"): 5000})
    make_workbook("19834-02", folder=inbox, metadata={"village_code": "19834-77"})
    out = run(tmp_path, registry, inbox)
    codes = sorted((i.code, i.cell) for i in out.issues)
    assert codes == [("HH-CLASS-MISMATCH", "U2"), ("VR-UNKNOWN-VILLAGE", "B5")]
    assert set(out.submissions["status"]) == {"rejected"}


def test_two_files_for_one_village_year_are_both_accepted_for_the_warehouse_to_rank(
    tmp_path, registry, make_workbook
):
    inbox = tmp_path / "inbox"
    first = make_workbook("19834-01", folder=inbox, name="first.xlsx")
    second = make_workbook(
        "19834-01", folder=inbox, name="second.xlsx", metadata={"total_households": 140}
    )
    os.utime(first, (time.time() - 120,) * 2)
    os.utime(second, (time.time() - 60,) * 2)
    out = run(tmp_path, registry, inbox)
    status = dict(zip(out.submissions["file_path"], out.submissions["status"], strict=True))
    assert status == {"first.xlsx": "loaded", "second.xlsx": "loaded"}
    # Both keep their rows: the warehouse ranks them (tests/warehouse/test_store.py).
    assert sorted(out.village_reports["total_households"].tolist()) == [135, 140]


def test_nothing_to_do_only_when_every_file_is_processed_and_published(
    settings, warehouse, make_workbook
):
    args = (settings.warehouse_path, settings.inbox, settings.published_path, 0)
    path = make_workbook(folder=settings.inbox)
    assert steps.nothing_to_do(*args) is None  # open in another connection: cannot tell
    warehouse.close()
    assert steps.nothing_to_do(*args) is None  # a file not yet processed
    from giamngheo.warehouse.store import Warehouse

    with Warehouse(settings.warehouse_path) as wh:
        wh.con.execute(
            "insert into submissions (submission_id, file_name, file_path, sha256, size_bytes, kind,"
            " status, received_at, processed_at) values (?, ?, ?, ?, 1, 'households', 'loaded',"
            " now(), now())",
            ["s1", path.name, path.name, fingerprint(path)],
        )
        assert steps.nothing_to_do(*args) is None  # the snapshot is missing
        wh.publish(settings.published_path)
    found = steps.nothing_to_do(*args)
    assert found is not None and found.already_loaded == [path.name] and not found.candidates
    (settings.inbox / "late.xlsx").write_bytes(path.read_bytes() + b"x")
    assert steps.nothing_to_do(*args) is None


def test_nothing_to_do_without_a_warehouse_leaves_it_to_the_flow(tmp_path):
    missing = tmp_path / "none" / "giamngheo.duckdb"
    assert steps.nothing_to_do(missing, tmp_path / "inbox", tmp_path / "p.duckdb", 0) is None
