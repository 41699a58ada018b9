"""The report workbook: numbers as numbers, text as text, the official layout on every sheet."""

import pandas as pd
from openpyxl import load_workbook

from giamngheo.transforms.reports import commune_plan_table, plan_differences, scope, summary_table
from giamngheo.workbooks.forms import Heading
from giamngheo.workbooks.layout import column_points, text_points, wrapped_lines
from giamngheo.workbooks.report import PlanSheet, ReportData, write_report
from tests.transforms.test_reports import dien_hoa_villages, seed_plan, targets

HEADING = Heading("Ủy ban nhân dân", "Huyện Phong Điền", "Phong Điền", "ngày 29 tháng 11 năm 2026")


def test_report_sheets_hold_numbers_text_and_the_official_frame(tmp_path, registry):
    district = scope(registry, "476")
    dien_hoa = next(r for r in district.rows if r.code == "19834")
    names = dict(zip(registry["code"], registry["name"], strict=True))
    table = commune_plan_table(dien_hoa_villages(), targets(), dien_hoa, names, seed_plan())
    table.loc[0, "unit_name"] = '=HYPERLINK("http://x")'
    data = ReportData(
        heading=HEADING,
        year=2024,
        child_label=district.child_label,
        summary=summary_table(dien_hoa_villages(), district),
        plans=[PlanSheet("19834", "Xã Điền Hòa", table, plan_differences(table))],
    )
    wb = load_workbook(write_report(tmp_path / "r.xlsx", data))
    assert wb.sheetnames == ["Tổng hợp", "Biểu đồ", "Xã Điền Hòa"]
    ws = wb["Xã Điền Hòa"]
    rows = {
        ws.cell(r, 2).value: [ws.cell(r, c).value for c in range(3, 11)]
        for r in range(1, ws.max_row + 1)
    }
    assert rows["Tổng cộng"] == [15, 1.06, 5, 0.35, 15, 1.06, 5, 3.99]
    assert rows["Thôn 3"][:4] == [3, 2.61, 1, 0.87]
    total_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Tổng cộng")
    slip = ws.cell(total_row, 10)
    assert slip.fill.fgColor.rgb.endswith("FFEB9C") and "0,35 %" in slip.comment.text
    assert "tính lại: 5 ÷ 1.415 × 100 = 0,35 %" in ws.cell(total_row, 11).value
    name = next(c for row in ws.iter_rows() for c in row if c.value == '=HYPERLINK("http://x")')
    assert name.data_type == "s"
    chart = wb["Biểu đồ"]
    assert chart._charts and chart.sheet_properties.pageSetUpPr.fitToPage
    assert chart.page_setup.fitToHeight in (None, 1)  # one page high (1 is the file's default)
    assert chart["A4"].value == "TỶ LỆ HỘ NGHÈO NĂM 2024 (%)"
    for sheet in (ws for ws in wb.worksheets if ws is not chart):
        cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
        assert {c.font.name for c in cells} == {"Times New Roman"}, sheet.title
        texts = {c.value for c in cells if isinstance(c.value, str)}
        assert {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "NGƯỜI LẬP BIỂU", "CHỦ TỊCH"} <= texts
        assert "Phong Điền, ngày 29 tháng 11 năm 2026" in texts
        assert sheet.oddFooter.center.text == "Trang &P/&N"
        assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows
    summary = wb["Tổng hợp"]
    head = next(r for r in range(1, summary.max_row + 1) if summary.cell(r, 1).value == "1")
    assert summary.cell(head, 3).value == 1415 and summary.cell(head, 6).value == 1.06
    town = next(
        r
        for r in range(1, summary.max_row + 1)
        if summary.cell(r, 2).value == "Thị trấn Phong Điền"
    )
    assert summary.cell(town, 3).value is None  # no list: blank, not 0
    # the chart draws the rates of Tổng hợp's commune rows, named by their names
    series = chart._charts[0].series[0]
    rates = summary[series.val.numRef.f.split("!")[1].replace("$", "")]
    names = summary[series.cat.strRef.f.split("!")[1].replace("$", "")]
    body = data.summary[~data.summary["bold"]]
    assert [c.value for (c,) in names] == body["unit_name"].tolist()
    assert [c.value for (c,) in rates] == [None if pd.isna(v) else v for v in body["poor_rate_pct"]]


def test_sheet_titles_are_unique_whatever_the_case_and_never_a_form_s(tmp_path, registry):
    district = scope(registry, "476")
    dien_hoa = next(r for r in district.rows if r.code == "19834")
    names = dict(zip(registry["code"], registry["name"], strict=True))
    table = commune_plan_table(dien_hoa_villages(), targets(), dien_hoa, names)
    data = ReportData(
        heading=HEADING,
        year=2024,
        child_label=district.child_label,
        summary=summary_table(dien_hoa_villages(), district),
        plans=[
            PlanSheet(code, name, table)
            for code, name in [("1", "Nguồn"), ("2", "'Xã A'"), ("3", "XÃ A"), ("4", "a/b:c")]
        ],
    )
    wb = load_workbook(write_report(tmp_path / "r.xlsx", data))
    assert wb.sheetnames[2:] == ["Nguồn 1", "Xã A", "XÃ A 3", "a b c"]


def test_text_width_follows_times_new_roman():
    assert text_points("0") == 5.5 and text_points("W", bold=True) == 11.0
    assert text_points("Việt") == text_points("Viet")  # accents do not widen a letter


def test_wrapping_counts_lines_as_a_spreadsheet_wraps():
    room = column_points(10)
    assert wrapped_lines("Số hộ", room) == 1
    assert wrapped_lines("Trở thành hộ cận nghèo", room) == 3
    assert wrapped_lines("Hộ nghèo\nHộ cận nghèo", column_points(20)) == 2
    long_word = "19834/ke_hoach_19834_2024.xlsx"
    assert wrapped_lines(long_word, room) >= 2
    assert wrapped_lines("", room) == 1
