"""Feedback workbooks and issues.csv survive any text a submission can hold: characters
openpyxl refuses are stripped, and nothing that looks like a formula is ever evaluated."""

import csv
import os

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from giamngheo.transforms.issues import make_issue
from giamngheo.workbooks.feedback import write_feedback, write_issues_csv

EXAMPLES = int(os.environ.get("GIAMNGHEO_FUZZ_EXAMPLES", "25"))
FORMULA_START = ("=", "+", "-", "@")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.text(max_size=300))
@example("Nguyễn\x07 Văn\x00 A")  # control characters openpyxl refuses outright
@example('=HYPERLINK("http://x","y")')
@example("+84 123\u202e")
def test_feedback_and_issues_csv_survive_any_text(tmp_path, text):
    issue = make_issue(
        "HH-MARK",
        submission_id="s",
        file=text,
        sheet="Danh sách hộ",
        cell="E2",
        column=text,
        value=text,
    )
    out = write_feedback(None, [issue], tmp_path / "phan_hoi.xlsx")
    cells = [c for c in load_workbook(out)["Lỗi"][2] if c.value is not None]
    assert all(c.data_type == "s" for c in cells[1:])  # text stays text, never a formula
    assert not any(ILLEGAL_CHARACTERS_RE.search(str(c.value)) for c in cells)
    write_issues_csv([issue], tmp_path / "issues.csv")
    with (tmp_path / "issues.csv").open(encoding="utf-8-sig", newline="") as fh:
        [row] = list(csv.DictReader(fh))
    assert not any(v.startswith(FORMULA_START) for v in row.values())


def test_a_large_workbook_gets_its_cells_copied_not_reopened(tmp_path, make_workbook, monkeypatch):
    import giamngheo.workbooks.feedback as feedback

    source = make_workbook()
    monkeypatch.setattr(feedback, "REOPEN_MAX_BYTES", 0)  # every file counts as large
    issue = make_issue(
        "HH-MEMBERS", submission_id="s", file="f.xlsx", sheet="Danh sách hộ", cell="E2", value=45
    )
    out = write_feedback(source, [issue], tmp_path / "phan_hoi.xlsx")
    ws = load_workbook(out)["Danh sách hộ"]
    assert ws["E2"].comment.text.startswith("[HH-MEMBERS]")
    assert ws["C1"].value == "Họ và tên chủ hộ" and ws["C1"].font.b is False  # values, no style
