"""Tổng hợp kết quả rà soát hộ nghèo, hộ cận nghèo, hộ có mức sống trung bình."""

from __future__ import annotations

import pandas as pd

from giamngheo.transforms.report_data import Heading
from giamngheo.transforms.report_tables import LOCAL_COLUMNS, SUMMARY_COLUMNS
from giamngheo.transforms.standards import Standard
from giamngheo.workbooks.forms.frame import Header, finish, header_block, table, widths
from giamngheo.workbooks.layout import Form

NUMBERING = [
    "A",
    "B",
    "1",
    "2",
    "3",
    "4=3/1*100",
    "5",
    "6=5/1*100",
    "7",
    "8=7/1*100",
    "9",
    "10=9/2*100",
    "11",
    "12=11/2*100",
    "13",
    "14=13/2*100",
]


def summary_sheet(
    heading: Heading,
    year: int,
    frame: pd.DataFrame,
    child_label: str,
    notes: tuple[str, ...] = (),
    local: Standard | None = None,
) -> Form:
    """Households and persons by class per row, with their rates; where the province has a
    standard of its own (`local`), its poor and near-poor households beside (columns 15–18);
    `notes` say on which units the figures stand and what they leave out, and why the
    average-living columns are blank where that band is not published."""
    extra = local is not None and LOCAL_COLUMNS[0] in frame
    form = Form(widths(frame, [6], 18 if extra else 14, 9.5))
    header_block(
        form,
        heading,
        "Tổng hợp kết quả rà soát hộ nghèo, hộ cận nghèo, hộ có mức sống trung bình",
        year,
    )
    headers = [
        Header(1, 1, "TT", rows=3),
        Header(1, 2, child_label, rows=3),
        Header(1, 3, "Tổng số hộ dân cư", rows=2, cols=2),
        Header(3, 3, "Số hộ"),
        Header(3, 4, "Nhân khẩu"),
        Header(1, 5, "Kết quả rà soát về hộ", cols=6),
        Header(1, 11, "Kết quả rà soát về khẩu", cols=6),
    ]
    for base, unit in ((5, "Số hộ"), (11, "Số khẩu")):
        for g, label in enumerate(("Hộ nghèo", "Hộ cận nghèo", "Hộ có mức sống trung bình")):
            c = base + 2 * g
            headers += [
                Header(2, c, label, cols=2),
                Header(3, c, unit),
                Header(3, c + 1, "Tỷ lệ (%)"),
            ]
    numbering, columns = list(NUMBERING), ["tt", "unit_name", *SUMMARY_COLUMNS]
    if extra:
        headers += [
            Header(1, 17, f"Theo chuẩn nghèo của tỉnh ({local.legal_basis})", cols=4),
            Header(2, 17, "Hộ nghèo", cols=2),
            Header(2, 19, "Hộ cận nghèo", cols=2),
            Header(3, 17, "Số hộ"),
            Header(3, 18, "Tỷ lệ (%)"),
            Header(3, 19, "Số hộ"),
            Header(3, 20, "Tỷ lệ (%)"),
        ]
        numbering += ["15", "16=15/1*100", "17", "18=17/1*100"]
        columns += LOCAL_COLUMNS
    header = table(
        form,
        headers,
        numbering,
        frame,
        columns,
        {"tt", "unit_name"},
        rates=frozenset(c for c in columns if c.endswith("_pct")),
    )
    short = frame[(frame["listed"] < frame["expected"]) & (frame["listed"] > 0) & ~frame["bold"]]
    if len(short):
        listed = "; ".join(
            f"{r.unit_name} ({r.listed}/{r.expected} thôn)" for r in short.itertuples()
        )
        form.note(
            f"Chưa đủ danh sách: {listed}. Số liệu của các dòng này và của các dòng tổng chỉ gồm "
            "các thôn đã có danh sách được nạp."
        )
    if frame.loc[~frame["bold"], "listed"].eq(0).any():
        form.note("Dòng để trống: đơn vị chưa có danh sách nào được nạp (không phải bằng 0).")
    listed = frame[frame["listed"] > 0]
    if len(listed) and listed["average_households"].isna().all():
        form.note(
            "Cột 7, 8, 13, 14 để trống: chuẩn hộ có mức sống trung bình của năm này chưa được "
            "công bố (không phải bằng 0)."
        )
    if extra:
        form.note(
            f"Cột 15–18: các hộ phân loại theo chuẩn nghèo riêng của tỉnh ({local.name}, "
            f"{local.legal_basis}, giai đoạn {local.period}); cột 3–14 theo chuẩn quốc gia."
        )
    for text in notes:
        form.note(text)
    finish(form, heading, header, 3)
    return form
