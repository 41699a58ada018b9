"""Chất lượng dữ liệu: the villages expected and submitted, every finding in words, the lists
missing for the movements, and the households that left a list without a reason. Every
counter equals the list it heads."""

from __future__ import annotations

import pandas as pd

from giamngheo.transforms.report_data import Heading
from giamngheo.workbooks.forms.frame import Header, finish, header_block, table
from giamngheo.workbooks.layout import Form

# The findings and dropped households under the table: (first column, columns spanned).
FINDING_SPANS = [(1, 2), (3, 4), (7, 1), (8, 2), (10, 5)]
DROPPED_SPANS = [(1, 2), (3, 3), (6, 9)]


def quality_sheet(
    heading: Heading,
    year: int,
    completeness: pd.DataFrame,
    findings: pd.DataFrame,
    gaps: list[str],
    dropped: pd.DataFrame,
    dropped_note: str = "",
) -> Form:
    form = Form([6, 26, 8, 8, 8, 8, 8, 8, 8, 9, 7, 8, 8, 30])
    header_block(form, heading, "Chất lượng dữ liệu", year)
    headers = [
        Header(1, 1, "TT", rows=2),
        Header(1, 2, "Đơn vị", rows=2),
        Header(1, 3, "Đơn vị trực thuộc", cols=3),
        Header(2, 3, "Theo danh mục"),
        Header(2, 4, "Có danh sách"),
        Header(2, 5, "Tỷ lệ (%)"),
        Header(1, 6, "Thôn, tổ dân phố", cols=5),
        Header(2, 6, "Theo danh mục"),
        Header(2, 7, "Đã nộp"),
        Header(2, 8, "Bị từ chối"),
        Header(2, 9, "Chưa nộp"),
        Header(2, 10, "Tỷ lệ nộp (%)"),
        Header(1, 11, "Lỗi", rows=2),
        Header(1, 12, "Cảnh báo", rows=2),
        Header(1, 13, "Ghi chú", rows=2, cols=2),
    ]
    numbering = ["A", "B", "1", "2", "3=2/1*100", "4", "5", "6", "7", "8=5/4*100", "9", "10", ""]
    header = table(
        form,
        headers,
        numbering,
        completeness,
        [
            "tt",
            "unit_name",
            "parts_expected",
            "parts_listed",
            "parts_rate_pct",
            "villages_expected",
            "villages_submitted",
            "villages_rejected_only",
            "villages_missing",
            "reporting_rate_pct",
            "errors",
            "warnings",
            "note",
        ],
        {"tt", "unit_name", "note"},
        rates=frozenset({"parts_rate_pct", "reporting_rate_pct"}),
        spans={"note": 2},
    )
    form.put(header[1], 13, "", "gn_numbering", cols=2)
    body = header[1] + 1
    form.section(header, body + len(completeness) - 1)
    _listing(
        form,
        "Các phát hiện khi kiểm tra danh sách (cột 9 và 10 của bảng trên)",
        ["Đơn vị", "Tệp", "Ô", "Mức độ", "Nội dung"],
        FINDING_SPANS,
        findings,
        ["unit", "file", "cell", "level", "message"],
        "Không có phát hiện nào.",
    )
    if gaps:
        form.line("Danh sách còn thiếu để tính diễn biến", "gn_sign")
        for text in gaps:
            form.note(text)
        form.row += 1
    title = (
        f"Hộ nghèo năm {year - 1} không còn trong danh sách năm {year} (tính vào cột 4 'giảm "
        "khác' của diễn biến, không tính là thoát nghèo)"
    )
    if dropped_note:
        form.line(title, "gn_sign")
        form.note(dropped_note)
        form.row += 1
    else:
        _listing(
            form,
            title,
            ["Thôn", "Mã hộ", "Lý do"],
            DROPPED_SPANS,
            dropped,
            ["village", "household_code", "reason"],
            "Không có hộ nào.",
        )
    finish(form, heading, header, None, repeat=False)  # each table repeats its own header
    return form


def _listing(
    form: Form,
    title: str,
    labels: list[str],
    spans: list[tuple[int, int]],
    frame: pd.DataFrame,
    fields: list[str],
    empty: str,
) -> None:
    """A titled list under the table, its header printed again on every page it goes on to."""
    form.line(title, "gn_sign")
    if frame.empty:
        form.note(empty)
        form.row += 1
        return
    head = form.row
    for (c, span), label in zip(spans, labels, strict=True):
        form.put(form.row, c, label, "gn_head", cols=span)
    form.row += 1
    for record in frame.to_dict("records"):
        for (c, span), name in zip(spans, fields, strict=True):
            value = record.get(name)
            text = "" if value is None or value is pd.NA else str(value)
            form.put(form.row, c, text, "gn_cell", cols=span)
        form.row += 1
    form.section((head, head), form.row - 1)
    form.row += 1
