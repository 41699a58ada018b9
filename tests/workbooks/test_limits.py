"""Resource limits: each refused with its issue, before anything large is read."""

import pytest
from openpyxl import Workbook

from giamngheo.workbooks.inbox import discover
from giamngheo.workbooks.reader import ReaderLimits, read_submission


def refused(path, **limits) -> str:
    sub = read_submission(path, "s", limits=ReaderLimits(**limits))
    assert sub.kind == "unreadable" and [i.code for i in sub.issues] == ["FILE-TOO-LARGE"]
    return sub.issues[0].message_vi


def test_file_size(make_workbook):
    assert "MB" in refused(make_workbook(), max_file_bytes=1000)


def test_sheets_per_file(tmp_path):
    wb = Workbook()
    for i in range(5):
        wb.create_sheet(f"S{i}")
    wb.save(tmp_path / "many.xlsx")
    assert "sheet" in refused(tmp_path / "many.xlsx", max_sheets=3)


def test_rows_per_sheet(make_workbook):
    assert "dòng" in refused(make_workbook(), max_rows=5)


def test_text_length(make_workbook):
    path = make_workbook(cells={(0, "note"): "a" * 2_000})
    assert "ký tự" in refused(path, max_text=1_000)


def test_control_characters_are_removed_and_said(make_workbook):
    path = make_workbook(cells={(0, "head_name"): "Nguyễn\u202e Văn\u0007 A"})
    sub = read_submission(path, "s")
    assert [(i.code, i.cell, i.severity) for i in sub.issues] == [
        ("TEXT-CONTROL-CHARS", "C2", "warning")
    ]
    assert sub.households.loc[0, "head_name"] == "Nguyễn Văn A"


@pytest.mark.parametrize("name", ["../../x.xlsx", "..\\\\..\\\\x.xlsx"])
def test_names_from_outside_never_become_paths(tmp_path, registry, name):
    from giamngheo.flows import steps
    from giamngheo.flows.validation import Reference, validate
    from giamngheo.workbooks import quarantine

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "x.xlsx").write_bytes(b"")
    found = discover(inbox, known=set(), settle_seconds=0)
    sub = steps.read_files(found.candidates)[0]
    sub.file = name  # as if the name came from outside
    out = validate(found.candidates, [sub], Reference(registry))
    [candidate] = found.candidates
    item = quarantine.Quarantined.of(
        candidate.submission_id, "rejected", candidate.path, out.issues
    )
    folders = quarantine.quarantine([item], tmp_path / "q")
    [folder] = folders.values()
    assert folder.parent == tmp_path / "q" and folder.name == found.candidates[0].submission_id
    assert sorted(p.name for p in folder.iterdir()) == [
        "issues.csv",
        "original.xlsx",
        "phan_hoi.xlsx",
    ]
    assert not (tmp_path.parent / "x.xlsx").exists()
