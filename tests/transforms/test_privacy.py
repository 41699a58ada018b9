"""What may leave the warehouse: no value or text that could name a person, or give their ID
or phone number."""

import pytest

from giamngheo.transforms.issues import make_issue
from giamngheo.transforms.privacy import HIDDEN, has_number, mask_text, shareable

CASES = [
    # code, column, value, hidden?
    ("HH-MEMBERS", "Số nhân khẩu", "Phan Ngọc Tâm", True),  # a name in the wrong column
    ("HH-MEMBERS", "Số nhân khẩu", "45", False),
    ("HH-MEMBERS", "Số nhân khẩu", "046090012345", True),  # a CCCD number in the wrong column
    ("HH-INCOME-NAN", "Thu nhập bình quân", "0905 123 456", True),  # a phone number
    ("HH-INCOME-RANGE", "Thu nhập bình quân", "150000", False),
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


@pytest.mark.parametrize(
    ("text", "names", "masked"),
    [
        ("Chủ hộ Nguyễn Văn Bình đang nằm viện", [], "Chủ hộ … đang nằm viện"),
        ("vợ: TRẦN THỊ LAN, SĐT 0905.123.456", [], "vợ: …, SĐT …"),
        ("CCCD 046090012345; CMND cũ 46090012", [], "CCCD …; CMND cũ …"),
        ("gọi +84 905 123 456 hoặc 84905123456", [], "gọi … hoặc …"),
        ("ở với con là A Lăng Thị Hoa", ["A Lăng Thị Hoa"], "ở với con là …"),
        ("Hộ đã nhận hỗ trợ 1.500.000 đồng", [], "Hộ đã nhận hỗ trợ 1.500.000 đồng"),
        ("Nhà tạm, mái tôn", [], "Nhà tạm, mái tôn"),
        ("Thôn 3, xã Điền Hòa", [], "Thôn 3, xã Điền Hòa"),
        (None, [], None),
    ],
)
def test_mask_text(text, names, masked):
    assert mask_text(text, names) == masked


@pytest.mark.parametrize(
    ("text", "found"),
    [("046090012345", True), ("0905123456", True), ("1.500.000", False), ("2024", False)],
)
def test_has_number(text, found):
    assert has_number(text) is found


def test_hidden_is_one_character():
    assert HIDDEN == "…"
