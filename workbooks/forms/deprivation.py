"""Phân tích các chỉ số thiếu hụt dịch vụ xã hội cơ bản của hộ nghèo / hộ cận nghèo."""

from __future__ import annotations

import pandas as pd

from giamngheo.transforms.columns import INDICATORS
from giamngheo.transforms.report_data import Heading
from giamngheo.transforms.report_tables import STATUS_WORDS
from giamngheo.workbooks.forms.frame import Header, finish, header_block, table, widths
from giamngheo.workbooks.layout import Form


def deprivation_sheet(
    heading: Heading,
    year: int,
    status: str,
    frame: pd.DataFrame,
    child_label: str,
    percent: bool,
) -> Form:
    """Households of the status, their deprivations in all and per indicator (counts, or % of
    the status's households). The indicators are numbered 1–12 as in the official form, the
    first columns A–D (D, all deprivations, is the sum of 1–12)."""
    who = STATUS_WORDS[status]
    suffix = "_pct" if percent else ""
    form = Form(widths(frame, [6, 9, 10], 12, 8.5))
    header_block(
        form,
        heading,
        f"Phân tích các chỉ số thiếu hụt dịch vụ xã hội cơ bản của {who}"
        + (" (tỷ lệ %)" if percent else ""),
        year,
    )
    headers = [
        Header(1, 1, "TT", rows=2),
        Header(1, 2, child_label, rows=2),
        Header(1, 3, f"Tổng số {who}", rows=2),
        Header(1, 4, "Tổng số thiếu hụt", rows=2),
        Header(
            1,
            5,
            f"Các chỉ số thiếu hụt của {who}" + (" (% số hộ)" if percent else " (số hộ)"),
            cols=12,
        ),
        *[Header(2, 4 + i, f"{i}. {name}") for i, name in enumerate(INDICATORS, start=1)],
    ]
    # D, the deprivations in all, is the sum of the indicators' counts (not of their rates)
    numbering = ["A", "B", "C", "D" if percent else "D=1+…+12", *[str(i) for i in range(1, 13)]]
    columns = [
        "tt",
        "unit_name",
        "households",
        "deprivations",
        *[f"d{i:02d}{suffix}" for i in range(1, 13)],
    ]
    header = table(
        form,
        headers,
        numbering,
        frame,
        columns,
        {"tt", "unit_name"},
        rates=frozenset(c for c in columns if c.endswith("_pct")),
    )
    finish(form, heading, header, 3)
    return form
