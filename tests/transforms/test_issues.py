"""What an issue may show outside the warehouse: no value that could be a person's name."""

import pytest

from giamngheo.transforms.issues import make_issue, shareable

CASES = [
    # code, column, value, hidden?
    ("HH-MEMBERS", "Số nhân khẩu", "Phan Ngọc Tâm", True),  # a name in the wrong column
    ("HH-MEMBERS", "Số nhân khẩu", "45", False),
    ("HH-INCOME-NAN", "Thu nhập bình quân", "khoảng 2 triệu", True),
    ("HH-MARK", "1. Việc làm", "xx", True),
    ("HH-DUP-ID", "Mã hộ", "19834-01-0011", True),  # household codes: always
    ("TEXT-CONTROL-CHARS", "Ghi chú", "Lê\u200bVăn", True),
    ("HH-CLASS-MISMATCH", "Phân loại", "Nghèo", False),  # fixed vocabulary
    ("HH-FORMULA-ERROR", "Số nhân khẩu", "#DIV/0!", False),
    ("VR-UNKNOWN-VILLAGE", "Mã thôn", "19834-77", False),  # metadata, not a household
]


@pytest.mark.parametrize(("code", "column", "value", "hidden"), CASES)
def test_shareable_hides_what_could_name_someone(code, column, value, hidden):
    issue = make_issue(
        code,
        submission_id="s",
        file="f.xlsx",
        sheet="S",
        cell="E7",
        column=column,
        value=value,
        expected="Cận nghèo",
        income=1500,
        deprivations=3,
        year=2024,
        other="Thôn 2",
    )
    shown = shareable(issue)
    assert (shown.code, shown.cell, shown.column, shown.severity) == (
        code,
        "E7",
        column,
        issue.severity,
    )
    if hidden:
        assert shown.value is None
        assert value not in shown.message_vi and value not in shown.message_en
        assert "'…'" in shown.message_vi
    else:
        assert shown == issue


def test_an_issue_without_a_value_is_unchanged():
    issue = make_issue("HH-NAME-MISSING", submission_id="s", file="f", cell="C3")
    assert shareable(issue) is issue
