"""One commune in the layout of its plan (Stt · Đơn vị · Hộ nghèo năm Y · Chỉ tiêu giảm nghèo
năm Y), with what its plans wrote beside what the lists give."""

from __future__ import annotations

import pandas as pd

from giamngheo.transforms.report_data import Heading
from giamngheo.transforms.report_plans import PLAN_FIGURES, Difference
from giamngheo.workbooks.forms.frame import Header, finish, header_block, name_width, table
from giamngheo.workbooks.layout import DIFFERENT, Form


def plan_sheet(
    heading: Heading,
    commune_name: str,
    year: int,
    frame: pd.DataFrame,
    differences: list[Difference],
    notes: list[str],
    goal_lines: list[str] = (),
    plan_files: list[str] = (),
) -> Form:
    """The commune's villages (grouped by former commune, with a subtotal for each, where it
    holds villages of several), their poor households and targets; when a plan table of the
    commune (or of a former commune) was loaded, what it wrote, each figure that differs
    highlighted with a note giving both; its goal lines and the plans' files."""
    has_plan = frame[[f"plan_{k}" for k in PLAN_FIGURES]].notna().any().any()
    numbers = 8 if has_plan else 4
    form = Form([6, name_width(frame, 16)] + [9] * numbers + [36])
    header_block(form, heading, "Hộ nghèo và chỉ tiêu giảm nghèo", year, commune_name)
    note_col = 3 + numbers
    headers = [
        Header(1, 1, "Stt", rows=2),
        Header(1, 2, "Đơn vị", rows=2),
        Header(1, 3, f"Hộ nghèo năm {year}", cols=2),
        Header(1, 5, f"Chỉ tiêu giảm nghèo năm {year}", cols=2),
        Header(2, 3, "Hộ"),
        Header(2, 4, "Tỷ lệ %"),
        Header(2, 5, "Hộ"),
        Header(2, 6, "Tỷ lệ %"),
        Header(1, note_col, "Ghi chú", rows=2),
    ]
    numbering = ["A", "B", "1", "2=1/tổng số hộ*100", "3", "4=3/tổng số hộ*100"]
    columns = ["stt", "unit_name", *PLAN_FIGURES]
    if has_plan:
        headers += [
            Header(1, 7, "Kế hoạch của xã ghi", cols=4),
            Header(2, 7, "Hộ nghèo"),
            Header(2, 8, "Tỷ lệ %"),
            Header(2, 9, "Chỉ tiêu"),
            Header(2, 10, "Tỷ lệ %"),
        ]
        numbering += ["5", "6", "7", "8"]
        columns += [f"plan_{k}" for k in PLAN_FIGURES]
    numbering.append("")
    header = table(
        form,
        headers,
        numbering,
        frame,
        [*columns, "note"],
        {"stt", "unit_name", "note"},
        rates=frozenset(c for c in columns if c.endswith("_pct")),
        extra={"note": notes},
    )
    body = header[1] + 1
    for d in differences:
        column = 7 + PLAN_FIGURES.index(d.column)
        form.mark(body + d.row, column, DIFFERENT, d.explanation)
    for line in goal_lines:
        form.line(line, "gn_note")
    if differences:
        form.note("Ô tô vàng: số kế hoạch của xã ghi khác với số tính lại từ danh sách hộ.")
    for line in plan_files:
        form.note(line)
    finish(form, heading, header, 3)
    return form
