"""Phân tích các chỉ số thiếu hụt dịch vụ xã hội cơ bản của hộ nghèo / hộ cận nghèo."""

from __future__ import annotations

import pandas as pd

from giamngheo.transforms.report_data import Heading
from giamngheo.transforms.report_tables import STATUS_WORDS, indicator_column
from giamngheo.transforms.standards import Standard
from giamngheo.workbooks.forms.frame import Header, finish, header_block, table, widths
from giamngheo.workbooks.layout import Form


def deprivation_sheet(
    heading: Heading,
    year: int,
    status: str,
    frame: pd.DataFrame,
    child_label: str,
    percent: bool,
    standard: Standard,
) -> Form:
    """Households of the status, their deprivations in all and per indicator of the year's
    standard (counts, or % of the status's households). The indicators are numbered as in the
    official form (1–12), the first columns A–D."""
    who = STATUS_WORDS[status]
    suffix = "_pct" if percent else ""
    count = len(standard.indicators)
    form = Form(widths(frame, [6, 9, 10], count, 8.5))
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
            cols=count,
        ),
        *[Header(2, 4 + i.number, f"{i.number}. {i.name}") for i in standard.indicators],
    ]
    # D, the deprivations in all, is the sum of the indicators' counts (not of their rates)
    total = "D" if percent else f"D=1+…+{count}"
    numbering = ["A", "B", "C", total, *[str(i.number) for i in standard.indicators]]
    columns = [
        "tt",
        "unit_name",
        "households",
        "deprivations",
        *[indicator_column(i.number) + suffix for i in standard.indicators],
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
