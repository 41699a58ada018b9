"""Tổng hợp diễn biến hộ nghèo / hộ cận nghèo: two rows per unit (Hộ, Nhân khẩu), columns
1–9 with 9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8, and a note on what each row sums."""

from __future__ import annotations

import pandas as pd

from giamngheo.transforms.report_data import Heading
from giamngheo.transforms.report_tables import STATUS_WORDS
from giamngheo.workbooks.forms.frame import Header, finish, header_block, table, widths
from giamngheo.workbooks.layout import OPEN_ABOVE, OPEN_BELOW, Form

CELLS = [f"c{i}" for i in range(1, 10)]


def dynamics_sheet(
    heading: Heading,
    year: int,
    status: str,
    frame: pd.DataFrame,
    child_label: str,
    notes: list[str],
) -> Form:
    """The movements of the year. A sheet with nothing measured (no list of the year before)
    prints its title and why, without an empty table; a unit's two rows stay on one page."""
    who = STATUS_WORDS[status]
    column_widths = widths(frame, [6, 11], 9, 10) + [26]
    column_widths[6] = column_widths[10] = 15  # "Giảm khác …", "Tăng khác …": long headers
    form = Form(column_widths)
    header_block(form, heading, f"Tổng hợp diễn biến {who}", year)
    if frame[CELLS].isna().all().all():  # nothing measured: say so, no empty table
        for text in notes:
            form.note(text)
        finish(form, heading, None, None)
        return form
    header = table(
        form,
        _headers(status, who, child_label),
        ["A", "B", "C", "1", "2", "3", "4", "5", "6", "7", "8", "9=1-2-3-4+5+6+7+8", ""],
        frame.assign(
            tt=frame["tt"].where(frame["measure"] == "Hộ", ""),
            unit_name=frame["unit_name"].where(frame["measure"] == "Hộ", ""),
        ),
        ["tt", "unit_name", "measure", *CELLS, "note"],
        {"tt", "unit_name", "measure", "note"},
    )
    # A unit's two rows share one frame around its number, name and note, without merging
    # them, and are printed on one page.
    first_body = header[1] + 1
    for r in range(first_body, first_body + len(frame), 2):
        for c in (1, 2, 13):
            form.frame(r, c, OPEN_BELOW)
            form.frame(r + 1, c, OPEN_ABOVE)
        form.keep(r, r + 1)
    for text in notes:
        form.note(text)
    finish(form, heading, header, 4)
    return form


def _headers(status: str, who: str, child_label: str) -> list[Header]:
    if status == "poor":
        decrease = [
            Header(2, 5, "Thoát nghèo", cols=2),
            Header(3, 5, "Trở thành hộ cận nghèo"),
            Header(3, 6, "Vượt chuẩn cận nghèo"),
        ]
        increase = [
            Header(2, 8, "Hộ cận nghèo trở thành hộ nghèo", rows=2),
            Header(2, 9, "Số hộ bổ sung", cols=2),
            Header(3, 9, "Tái nghèo"),
            Header(3, 10, "Phát sinh mới"),
        ]
    else:
        decrease = [
            Header(2, 5, "Số hộ thoát cận nghèo", rows=2),
            Header(2, 6, "Số hộ cận nghèo trở thành hộ nghèo", rows=2),
        ]
        increase = [
            Header(2, 8, "Số hộ nghèo trở thành hộ cận nghèo", rows=2),
            Header(2, 9, "Số hộ bổ sung", cols=2),
            Header(3, 9, "Tái cận nghèo"),
            Header(3, 10, "Phát sinh mới"),
        ]
    return [
        Header(1, 1, "TT", rows=3),
        Header(1, 2, child_label, rows=3),
        Header(1, 3, "Phân tổ", rows=3),
        Header(1, 4, f"Tổng số {who} đầu kỳ", rows=3),
        Header(1, 5, "Diễn biến giảm", cols=3),
        *decrease,
        Header(
            2,
            7,
            "Giảm khác: thay đổi nhân khẩu, chết, chuyển đi, tách hộ, không còn trong danh sách",
            rows=2,
        ),
        Header(1, 8, f"Diễn biến tăng số {who}", cols=4),
        *increase,
        Header(2, 11, "Tăng khác: chuyển đến, tách hộ, thay đổi nhân khẩu", rows=2),
        Header(1, 12, f"Tổng số {who} cuối kỳ", rows=3),
        Header(1, 13, "Ghi chú", rows=3),
    ]
