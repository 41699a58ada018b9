"""Chỉ tiêu giảm nghèo năm Y và kết quả thực hiện."""

from __future__ import annotations

import pandas as pd

from giamngheo.transforms.report_data import Heading
from giamngheo.workbooks.forms.frame import Header, finish, header_block, table, widths
from giamngheo.workbooks.layout import Form


def targets_sheet(heading: Heading, year: int, frame: pd.DataFrame, child_label: str) -> Form:
    """Per row the poor households at the start of the year, the target, the households that
    actually left poverty over the villages the target covers, the verdict and a note."""
    form = Form(widths(frame, [6], 4, 12) + [20, 30])
    header_block(form, heading, "Chỉ tiêu giảm nghèo và kết quả thực hiện", year)
    headers = [
        Header(1, 1, "TT"),
        Header(1, 2, child_label),
        Header(1, 3, f"Hộ nghèo đầu năm {year}"),
        Header(1, 4, "Chỉ tiêu giảm (hộ)"),
        Header(1, 5, "Tỷ lệ chỉ tiêu (%)"),
        Header(1, 6, "Thoát nghèo thực tế (hộ)"),
        Header(1, 7, "Kết quả"),
        Header(1, 8, "Ghi chú"),
    ]
    numbering = ["A", "B", "1", "2", "3=2/tổng số hộ*100", "4", "5", ""]
    header = table(
        form,
        headers,
        numbering,
        frame,
        [
            "tt",
            "unit_name",
            "poor_households",
            "target_households",
            "target_rate_pct",
            "actual_exits",
            "verdict",
            "note",
        ],
        {"tt", "unit_name", "verdict", "note"},
        rates=frozenset({"target_rate_pct"}),
    )
    form.note(
        f"Thoát nghèo thực tế: hộ nghèo năm {year} có trong danh sách năm {year + 1} với phân loại "
        "cận nghèo, có mức sống trung bình hoặc không nghèo (cột 2 + 3 của diễn biến năm "
        f"{year + 1}), tính trên đúng các thôn được giao chỉ tiêu. Hộ không còn trong danh sách "
        "năm sau không được tính là thoát nghèo. Chỉ tiêu để trống là chưa giao, không phải 0; "
        f"kết quả để trống khi chưa có danh sách năm {year + 1} của các thôn đó."
    )
    finish(form, heading, header, 3)
    return form
