"""The report workbook of one unit and year (DESIGN §7), and the same tables as CSV files.

Every figure comes from `transforms.reports`; the layouts are in `forms.py`. Sheets, in order:
Tổng hợp, Biểu đồ (the poverty rate of each of its rows), one sheet per commune in the layout of
its plan, Diễn biến hộ nghèo and hộ cận nghèo, Thiếu hụt of poor and of near-poor households
(counts and %), Chỉ tiêu & thực hiện, Chất lượng dữ liệu and Nguồn. Numbers are stored as
numbers; the workbook is written to a temporary file and renamed into place.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import (
    CharacterProperties,
    Paragraph,
    ParagraphProperties,
    RegularTextRun,
)
from openpyxl.drawing.text import Font as TextFont
from openpyxl.worksheet.worksheet import Worksheet

from giamngheo.transforms.reports import Difference
from giamngheo.workbooks import forms
from giamngheo.workbooks.feedback import csv_safe
from giamngheo.workbooks.forms import Heading
from giamngheo.workbooks.layout import FONT, print_setup, register_styles


@dataclass
class PlanSheet:
    """One commune's table in the layout of its plan, what the plan wrote that differs, and
    its goal line (may be empty)."""

    code: str
    name: str
    table: pd.DataFrame
    differences: list[Difference] = field(default_factory=list)
    goal_line: str = ""


@dataclass
class ReportData:
    """Everything one report workbook shows, already computed."""

    heading: Heading
    year: int
    child_label: str
    summary: pd.DataFrame
    plans: list[PlanSheet] = field(default_factory=list)
    dynamics: dict[str, tuple[pd.DataFrame, list[str]]] = field(default_factory=dict)
    deprivation: dict[str, pd.DataFrame] = field(default_factory=dict)
    targets: pd.DataFrame | None = None
    completeness: pd.DataFrame | None = None
    findings: pd.DataFrame | None = None
    gaps: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # under Tổng hợp: units, villages left out
    dropped: pd.DataFrame | None = None
    sources: pd.DataFrame | None = None


STATUS_WORDS = {"poor": "hộ nghèo", "near_poor": "hộ cận nghèo"}


def write_report(path: Path, data: ReportData) -> Path:
    """Write the workbook (atomically: a temporary file renamed into place) and the CSV files."""
    wb = Workbook()
    register_styles(wb)
    ws = wb.active
    ws.title = "Tổng hợp"
    forms.summary_sheet(
        ws, data.heading, data.year, data.summary, data.child_label, tuple(data.notes)
    )
    _chart_sheet(wb, ws, data)
    used = set(wb.sheetnames)
    for plan in data.plans:
        sheet = wb.create_sheet(_sheet_title(plan.name, plan.code, used))
        forms.plan_sheet(
            sheet, data.heading, plan.name, data.year, plan.table, plan.differences, plan.goal_line
        )
    tables: dict[str, pd.DataFrame] = {"tong_hop": data.summary}
    for status, (table, notes) in data.dynamics.items():
        title = f"Diễn biến {STATUS_WORDS[status]}"
        forms.dynamics_sheet(
            wb.create_sheet(title), data.heading, data.year, status, table, data.child_label, notes
        )
        tables[f"dien_bien_{_slug(STATUS_WORDS[status])}"] = table
    for status, table in data.deprivation.items():
        for percent in (False, True):
            title = f"Thiếu hụt {STATUS_WORDS[status]}" + (" (%)" if percent else "")
            forms.deprivation_sheet(
                wb.create_sheet(title),
                data.heading,
                data.year,
                status,
                table,
                data.child_label,
                percent,
            )
        tables[f"thieu_hut_{_slug(STATUS_WORDS[status])}"] = table
    if data.targets is not None:
        forms.targets_sheet(
            wb.create_sheet("Chỉ tiêu & thực hiện"),
            data.heading,
            data.year,
            data.targets,
            data.child_label,
        )
        tables["chi_tieu_thuc_hien"] = data.targets
    if data.completeness is not None:
        forms.quality_sheet(
            wb.create_sheet("Chất lượng dữ liệu"),
            data.heading,
            data.year,
            data.completeness,
            data.findings if data.findings is not None else pd.DataFrame(),
            data.gaps,
            data.dropped if data.dropped is not None else pd.DataFrame(),
        )
        tables["chat_luong_du_lieu"] = data.completeness
        if data.findings is not None:
            tables["phat_hien"] = data.findings
    if data.sources is not None:
        forms.sources_sheet(wb.create_sheet("Nguồn"), data.heading, data.year, data.sources)
        tables["nguon"] = data.sources
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)
    for plan in data.plans:
        tables[f"xa_{plan.code}"] = plan.table
    _write_csvs(path.with_suffix(""), tables)
    return path


def _slug(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFD", text.replace("đ", "d"))
    return re.sub(r"[^a-z0-9]+", "_", "".join(c for c in plain if c.isascii()).lower()).strip("_")


def _sheet_title(name: str, code: str, used: set[str]) -> str:
    """An Excel-safe, unique sheet title (≤ 31 characters, none of []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or code
    title = base if base not in used else f"{base[: 31 - len(code) - 1]} {code}"
    used.add(title)
    return title


def _chart_sheet(wb: Workbook, summary: Worksheet, data: ReportData) -> None:
    """Biểu đồ: a native bar chart of the poverty rate of each body row of Tổng hợp, on a
    sheet (and a printed page) of its own, under the header block."""
    table = data.summary
    body = table[~table["bold"]]
    if body.empty or body["poor_rate_pct"].isna().all():
        return
    first = next(
        r for r in range(1, summary.max_row + 1) if summary.cell(r, 1).value == body["tt"].iloc[0]
    )
    rows = [first + i for i in body.index - body.index[0]]
    form = forms.Form(wb.create_sheet("Biểu đồ"), [7] * 20)
    title = f"Tỷ lệ hộ nghèo năm {data.year} (%)"
    form.header_block(data.heading.authority, data.heading.unit_name, title)
    form.fit_rows()
    print_setup(form.ws, None, None)
    form.ws.page_setup.fitToHeight = 1
    chart = BarChart()
    chart.type = "col"
    chart.y_axis.title = _title("%", 1000)
    chart.add_data(Reference(summary, min_col=6, min_row=rows[0], max_row=rows[-1]))
    chart.set_categories(Reference(summary, min_col=2, min_row=rows[0], max_row=rows[-1]))
    chart.series[0].tx = None
    chart.legend = None
    font = CharacterProperties(latin=_typeface(), sz=900)
    chart.x_axis.txPr = RichText(
        p=[Paragraph(pPr=ParagraphProperties(defRPr=font), endParaRPr=font)]
    )
    chart.y_axis.txPr = RichText(
        p=[Paragraph(pPr=ParagraphProperties(defRPr=font), endParaRPr=font)]
    )
    chart.height, chart.width = 12, 26.5
    form.ws.add_chart(chart, f"B{form.row + 1}")


def _typeface():
    return TextFont(typeface=FONT)


def _title(text: str, size: int) -> Title:
    """A chart title in Times New Roman (a chart's text takes no font from the cells)."""
    font = CharacterProperties(latin=_typeface(), sz=size, b=True)
    run = RegularTextRun(rPr=font, t=text)
    paragraph = Paragraph(pPr=ParagraphProperties(defRPr=font), r=[run])
    return Title(tx=Text(rich=RichText(p=[paragraph])), overlay=False)


def _write_csvs(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Each table as CSV (UTF-8 with BOM), text that starts like a formula kept as text."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(table.columns)
            for row in table.itertuples(index=False):
                writer.writerow([_csv_value(v) for v in row])


def _csv_value(value: object) -> object:
    if value is None or (not isinstance(value, str | list | tuple) and pd.isna(value)):
        return ""
    return csv_safe(value) if isinstance(value, str) else value
