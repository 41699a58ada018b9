"""Rejected submissions go to quarantine with their original, issues.csv and a feedback workbook."""

import csv
import shutil
import subprocess

import pandas as pd
import pytest
from openpyxl import load_workbook

from giamngheo.flows import steps
from giamngheo.flows.admin import load_registry
from giamngheo.flows.nightly import run_nightly
from giamngheo.flows.validation import Reference, validate
from giamngheo.transforms.columns import DEPRIVATIONS
from giamngheo.transforms.issues import ISSUE_COLUMNS
from giamngheo.transforms.synthetic import sample_lists
from giamngheo.workbooks import quarantine
from giamngheo.workbooks.inbox import discover
from giamngheo.workbooks.template import write_village_workbook
from tests.listing import INDICATOR_CODES, LIST_COLUMNS

pytestmark = pytest.mark.usefixtures("prefect_harness")


def items(validated, candidates) -> list[quarantine.Quarantined]:
    """Quarantine items of a validated batch, as the warehouse would give them."""
    path_of = {c.submission_id: c.path for c in candidates}
    return [
        quarantine.Quarantined.of(
            sid, status, path_of[sid], [i for i in validated.issues if i.submission_id == sid]
        )
        for sid, status in zip(
            validated.submissions["submission_id"], validated.submissions["status"], strict=True
        )
    ]


# file index → (what is broken, the cells the feedback must mark)
BROKEN = {
    3: ({(0, "members"): 45}, {}, ["E2"]),
    11: ({(1, "income_kvnd"): "1,5tr"}, {}, ["F3"]),
    19: ({(0, "members"): 0, (2, "employment"): "?"}, {}, ["E2", "G4"]),  # row 2: see _unmarked
    27: ({}, {"village_code": "19999-01"}, ["B5"]),
    42: ({}, {"total_households": 2}, ["B9"]),
}


def _unmarked(households, row: int) -> int:
    """`row`, swapped with the first row from it whose household is not deprived in
    employment, so that the broken mark stays on sheet row `row` + 2."""
    free = next(
        k for k in range(row, len(households)) if "employment" not in households.at[k, DEPRIVATIONS]
    )
    if free != row:
        order = list(range(len(households)))
        order[row], order[free] = free, row
        households[:] = households.iloc[order].to_numpy()
        households["seq"] = range(1, len(households) + 1)
    return row


@pytest.mark.slow
def test_fifty_files_five_broken_load_45_and_quarantine_5(settings, registry):
    lists = [v for v in sample_lists(registry, years=(2024,), seed=11)][:50]
    for i, v in enumerate(lists):
        households = v.households.copy().astype(object)
        cells, meta, _ = BROKEN.get(i, ({}, {}, []))
        marks = {}  # typed into the sheet, as a village would
        for (row, column), value in cells.items():
            if column in INDICATOR_CODES:  # an unreadable mark where there was none
                marks[_unmarked(households, row), column] = value
            else:
                households.at[row, column] = value
        m = {**v.metadata, **meta}
        path = settings.inbox / f"{i:02d}_{v.metadata['village_code']}.xlsx"
        write_village_workbook(path, m, households)
        if marks:
            wb = load_workbook(path)
            for (row, column), value in marks.items():
                wb["Danh sách hộ"].cell(row + 2, LIST_COLUMNS.index(column) + 1, value)
            wb.save(path)
    load_registry(settings, registry)
    summary = run_nightly(settings, runner="process")
    assert (summary.loaded, summary.rejected) == (45, 5)
    assert len(list(settings.quarantine.iterdir())) == 5
    for rejected in summary.rejected_files:
        index = int(rejected["file"][:2])
        folder = settings.quarantine / rejected["submission_id"]
        assert rejected["quarantine"] == str(folder)
        assert sorted(p.name for p in folder.iterdir()) == [
            "issues.csv",
            "original.xlsx",
            "phan_hoi.xlsx",
        ]
        assert (folder / "original.xlsx").read_bytes() == (
            settings.inbox / rejected["file"]
        ).read_bytes()
        with (folder / "issues.csv").open(encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
        expected_cells = BROKEN[index][2]
        assert sorted(r["cell"] for r in rows) == sorted(expected_cells)
        wb = load_workbook(folder / "phan_hoi.xlsx")
        assert wb.sheetnames[0] == "Lỗi"
        sheet = rows[0]["sheet"]
        for ref in expected_cells:
            cell = wb[sheet][ref]
            assert cell.comment is not None and cell.comment.text.startswith("[")
            assert cell.fill.fgColor.rgb.endswith("FFC7CE")
        links = [
            c.hyperlink.location if c.hyperlink.location else c.hyperlink.target
            for c in wb["Lỗi"]["E"][1:]
            if c.hyperlink
        ]
        assert len(links) == len(expected_cells)
    assert summary.data_docs.endswith("index.html")


@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")), reason="needs LibreOffice"
)
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_feedback_for_xls_and_ods_inputs(fmt, tmp_path, registry, make_workbook):
    source = make_workbook("19834-03", folder=tmp_path / "src", cells={(0, "members"): 45})
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            fmt,
            "--outdir",
            str(tmp_path / "inbox"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    found = discover(tmp_path / "inbox", known=set(), settle_seconds=0)
    validated = validate(found.candidates, steps.read_files(found.candidates), Reference(registry))
    folders = quarantine.quarantine(items(validated, found.candidates), tmp_path / "q")
    [folder] = folders.values()
    assert (folder / f"original.{fmt}").exists()
    wb = load_workbook(folder / "phan_hoi.xlsx")
    assert wb["Danh sách hộ"]["E2"].comment.text.startswith("[HH-MEMBERS] Ô E2")
    assert wb["Danh sách hộ"]["E2"].value == 45


def test_an_unreadable_file_gets_a_feedback_with_the_list_only(tmp_path, registry):
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "empty.xlsx").write_bytes(b"")
    found = discover(tmp_path / "inbox", known=set(), settle_seconds=0)
    validated = validate(found.candidates, steps.read_files(found.candidates), Reference(registry))
    [folder] = quarantine.quarantine(items(validated, found.candidates), tmp_path / "q").values()
    wb = load_workbook(folder / "phan_hoi.xlsx")
    assert wb["Lỗi"]["C2"].value == "FILE-EMPTY"


def test_issues_csv_never_evaluates_a_formula(tmp_path):
    from giamngheo.transforms.issues import make_issue
    from giamngheo.workbooks.feedback import write_issues_csv

    issue = make_issue(
        "HH-NAME-MISSING", submission_id="s", file="=cmd|' /C calc'!A0", cell="C2", value="+84 123"
    )
    write_issues_csv([issue], tmp_path / "issues.csv")
    with (tmp_path / "issues.csv").open(encoding="utf-8-sig") as fh:
        row = list(csv.DictReader(fh))[0]
    assert row["file"].startswith("'=") and row["value"] == "'+84 123"


def test_only_a_rejected_submissions_file_is_opened_again(tmp_path, monkeypatch):
    """An accepted submission in the facts is a folder to remove: its file is not hashed again
    (at the national scale that was every file of a cold run, read a second time)."""
    from giamngheo.transforms.issues import make_issue

    (tmp_path / "bad.xlsx").write_bytes(b"bad")
    issue = make_issue("HH-MEMBERS", submission_id="b", file="bad.xlsx", cell="E2", value="x")
    facts = pd.DataFrame(
        [
            {
                "submission_id": "b",
                "status": "rejected",
                "file_path": "bad.xlsx",
                "sha256": "h",
                **{c: getattr(issue, c) for c in ISSUE_COLUMNS if c != "column"},
                "column_name": issue.column,
            },
            {
                "submission_id": "a",
                "status": "loaded",
                "file_path": "gone.xlsx",
                "sha256": "g",
                **{c: None for c in ISSUE_COLUMNS if c not in ("column", "submission_id")},
                "column_name": None,
            },
        ]
    )
    opened = []
    monkeypatch.setattr(quarantine, "fingerprint", lambda path: opened.append(path.name) or "h")
    accepted, rejected = quarantine.quarantine_items(facts, tmp_path)
    assert opened == ["bad.xlsx"]
    assert (accepted.submission_id, accepted.original, accepted.issues) == ("a", None, ())
    assert rejected.original == tmp_path / "bad.xlsx"
    assert [i.code for i in rejected.issues] == ["HH-MEMBERS"]
