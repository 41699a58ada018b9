"""The report workbook of one unit and year, and the same tables as CSV files.

Every figure comes from `transforms.report_data`; the layouts are in `forms/`, one module per
form. Sheets, in order:
Tổng hợp, Biểu đồ (the poverty rate of each of its rows), one sheet per commune in the layout of
its plan, Diễn biến hộ nghèo and hộ cận nghèo, Thiếu hụt of poor and of near-poor households
(counts and %), Chỉ tiêu & thực hiện, Chất lượng dữ liệu and Nguồn. Numbers are stored as
numbers; the workbook is written to a temporary file and renamed into place.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from giamngheo.transforms.report_data import ReportData
from giamngheo.transforms.report_tables import STATUS_WORDS
from giamngheo.workbooks import forms
from giamngheo.workbooks.feedback import csv_safe
from giamngheo.workbooks.forms.frame import header_block
from giamngheo.workbooks.layout import FONT, RATE_FORMAT, Book, Form, missing

# The sheets besides the communes' (whose titles are their names, never one of these).
SHEETS = (
    "Tổng hợp",
    "Biểu đồ",
    *(f"Diễn biến {w}" for w in STATUS_WORDS.values()),
    *(f"Thiếu hụt {w}{p}" for w in STATUS_WORDS.values() for p in ("", " (%)")),
    "Chỉ tiêu & thực hiện",
    "Chất lượng dữ liệu",
    "Nguồn",
)


def write_report(path: Path, data: ReportData) -> Path:
    """Write the workbook (atomically: a temporary file renamed into place) and the CSV files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp.xlsx")
    book = Book(tmp, reserved=SHEETS)
    summary = forms.summary_sheet(
        data.heading, data.year, data.summary, data.child_label, tuple(data.notes), data.local
    )
    summary_sheet = book.add(summary, "Tổng hợp")
    _chart_sheet(book, summary, summary_sheet, data)
    for plan in data.plans:
        form = forms.plan_sheet(
            data.heading,
            plan.name,
            data.year,
            plan.table,
            plan.differences,
            plan.notes,
            plan.goal_lines,
            plan.plan_files,
        )
        book.add(form, book.title(plan.name, plan.code))
    tables: dict[str, pd.DataFrame] = {"tong_hop": data.summary}
    for status, (table, notes) in data.dynamics.items():
        form = forms.dynamics_sheet(data.heading, data.year, status, table, data.child_label, notes)
        book.add(form, f"Diễn biến {STATUS_WORDS[status]}")
        tables[f"dien_bien_{_slug(STATUS_WORDS[status])}"] = table
    for status, table in data.deprivation.items():
        if data.standard is None:
            continue
        for percent in (False, True):
            form = forms.deprivation_sheet(
                data.heading, data.year, status, table, data.child_label, percent, data.standard
            )
            book.add(form, f"Thiếu hụt {STATUS_WORDS[status]}" + (" (%)" if percent else ""))
        tables[f"thieu_hut_{_slug(STATUS_WORDS[status])}"] = table
    if data.targets is not None:
        form = forms.targets_sheet(data.heading, data.year, data.targets, data.child_label)
        book.add(form, "Chỉ tiêu & thực hiện")
        tables["chi_tieu_thuc_hien"] = data.targets
    if data.completeness is not None:
        form = forms.quality_sheet(
            data.heading,
            data.year,
            data.completeness,
            data.findings if data.findings is not None else pd.DataFrame(),
            data.gaps,
            data.dropped if data.dropped is not None else pd.DataFrame(),
            data.dropped_note,
        )
        book.add(form, "Chất lượng dữ liệu")
        tables["chat_luong_du_lieu"] = data.completeness
        if data.findings is not None:
            tables["phat_hien"] = data.findings
    if data.sources is not None:
        book.add(forms.sources_sheet(data.heading, data.year, data.sources), "Nguồn")
        tables["nguon"] = data.sources
    book.close()
    tmp.replace(path)
    for plan in data.plans:
        tables[f"xa_{plan.code}"] = plan.table
    _write_csvs(path.with_suffix(""), tables)
    return path


def _slug(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFD", text.replace("đ", "d"))
    return re.sub(r"[^a-z0-9]+", "_", "".join(c for c in plain if c.isascii()).lower()).strip("_")


def _chart_sheet(book: Book, summary: Form, summary_sheet: Worksheet, data: ReportData) -> None:
    """Biểu đồ: a native bar chart of the poverty rate of each body row of Tổng hợp, on a
    sheet (and a printed page) of its own, under the header block."""
    table = data.summary
    body = table[~table["bold"]]
    if body.empty or body["poor_rate_pct"].isna().all():
        return
    first = next(r for r in range(1, summary.row) if summary.value(r, 1) == body["tt"].iloc[0])
    rows = [first + i - 1 for i in body.index - body.index[0]]  # 0-based, as xlsxwriter counts
    form = Form([7] * 20)
    header_block(form, data.heading, "Tỷ lệ hộ nghèo (%)", data.year)
    form.fit_rows()
    form.pages_high = 1
    sheet = book.add(form, "Biểu đồ")
    chart = book.workbook.add_chart({"type": "column"})
    name = summary_sheet.get_name()
    font = {"name": FONT, "size": 9}
    chart.add_series(
        {
            "values": [name, rows[0], 5, rows[-1], 5],
            "categories": [name, rows[0], 1, rows[-1], 1],
            "data_labels": {"value": True, "num_format": RATE_FORMAT, "font": font},
        }
    )
    chart.set_legend({"none": True})
    chart.set_x_axis({"num_font": font})
    chart.set_y_axis(
        {
            "name": "%",
            "name_font": {"name": FONT, "size": 10, "bold": True},
            "num_font": font,
            "num_format": RATE_FORMAT,  # as the rates of Tổng hợp
        }
    )
    chart.set_size({"width": round(26.5 / 2.54 * 96), "height": round(12 / 2.54 * 96)})
    sheet.insert_chart(form.row, 1, chart)  # under the header block, from column B


def _write_csvs(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Each table as CSV (UTF-8 with BOM), text that starts like a formula kept as text."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(table.columns)
            columns = [table[c].tolist() for c in table.columns]
            writer.writerows([_csv_value(v) for v in row] for row in zip(*columns, strict=True))


def _csv_value(value: object) -> object:
    if isinstance(value, str):
        return csv_safe(value)
    if isinstance(value, list | tuple):
        return value
    return "" if missing(value) else value
