"""The report workbook: numbers as numbers, text as text, the official layout on every sheet."""

import subprocess

import pandas as pd
import pytest
from openpyxl import load_workbook

from giamngheo.transforms.report_data import Heading, PlanSheet, ReportData
from giamngheo.transforms.report_plans import plan_differences, plan_notes
from giamngheo.transforms.report_scope import scope
from giamngheo.transforms.report_tables import dynamics_table, summary_table
from giamngheo.workbooks.layout import column_points, text_points, wrapped_lines
from giamngheo.workbooks.preview import render_pdf
from giamngheo.workbooks.report import write_report
from tests.flows.printing import needs_tools
from tests.transforms.test_report_plans import commune_plan_table, seed_plan
from tests.transforms.test_report_tables import dien_hoa_villages, targets

HEADING = Heading("Ủy ban nhân dân", "Huyện Phong Điền", "Phong Điền", "ngày 29 tháng 11 năm 2026")


def test_report_sheets_hold_numbers_text_and_the_official_frame(tmp_path, registry):
    district = scope(registry, "476")
    dien_hoa = next(r for r in district.rows if r.code == "19834")
    names = {r.code: r.name for r in scope(registry, "19834").rows}
    table = commune_plan_table(dien_hoa_villages(), targets(), dien_hoa, names, seed_plan())
    table.loc[0, "unit_name"] = '=HYPERLINK("http://x")'
    data = ReportData(
        heading=HEADING,
        year=2024,
        child_label=district.child_label,
        summary=summary_table(dien_hoa_villages(), district),
        plans=[
            PlanSheet(
                "19834",
                "Xã Điền Hòa",
                table,
                plan_differences(table),
                notes=plan_notes(table, plan_differences(table), 2024),
            )
        ],
    )
    wb = load_workbook(write_report(tmp_path / "r.xlsx", data))
    assert wb.sheetnames == ["Tổng hợp", "Biểu đồ", "Xã Điền Hòa"]
    ws = wb["Xã Điền Hòa"]
    rows = {
        ws.cell(r, 2).value: [ws.cell(r, c).value for c in range(3, 11)]
        for r in range(1, ws.max_row + 1)
    }
    assert rows["Tổng cộng"] == [15, 1.06, 5, 0.35, 15, 1.06, 5, 3.99]
    assert rows["Thôn 3 (mã 19834-03)"][:4] == [3, 2.61, 1, 0.87]
    total_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Tổng cộng")
    slip = ws.cell(total_row, 10)
    assert slip.fill.fgColor.rgb.endswith("FFEB9C") and "0,35 %" in slip.comment.text
    assert "tính lại: 5 ÷ 1.415 × 100 = 0,35 %" in ws.cell(total_row, 11).value
    name = next(c for row in ws.iter_rows() for c in row if c.value == '=HYPERLINK("http://x")')
    assert name.data_type == "s"
    chart = wb["Biểu đồ"]
    assert chart._charts and chart.sheet_properties.pageSetUpPr.fitToPage
    assert chart.page_setup.fitToHeight in (None, 1)  # one page high (1 is the file's default)
    assert chart["A4"].value == "TỶ LỆ HỘ NGHÈO (%) NĂM 2024"
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
    names = {r.code: r.name for r in scope(registry, "19834").rows}
    table = commune_plan_table(dien_hoa_villages(), targets(), dien_hoa, names)
    data = ReportData(
        heading=HEADING,
        year=2024,
        child_label=district.child_label,
        summary=summary_table(dien_hoa_villages(), district),
        plans=[
            PlanSheet(code, name, table, notes=[""] * len(table))
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


def locale_summary(registry) -> ReportData:
    """A district of 21,790 households, 495 of them poor (2,27 %)."""
    district = scope(registry, "476")
    villages = dien_hoa_villages()
    villages.loc[0, "total_households"] = 21790 - int(villages["total_households"].iloc[1:].sum())
    villages.loc[0, "poor_households"] = 495 - int(villages["poor_households"].iloc[1:].sum())
    return ReportData(
        heading=HEADING,
        year=2024,
        child_label=district.child_label,
        summary=summary_table(villages, district),
    )


@needs_tools
@pytest.mark.slow
@pytest.mark.parametrize("locale", ["en_US.UTF-8", "vi_VN.UTF-8"])
def test_numbers_print_the_vietnamese_way_whatever_the_viewers_locale(
    tmp_path, registry, monkeypatch, locale
):
    monkeypatch.setenv("LANG", locale)
    monkeypatch.setenv("LC_ALL", locale)
    path = write_report(tmp_path / "r.xlsx", locale_summary(registry))
    pdf = render_pdf(path, tmp_path / "pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    # the district's total row (its name wraps: it says it sums 1 of 16 communes)
    total = next((line for line in text.splitlines() if "21.790" in line), "")
    assert "2,27" in total, text[:2000]
    assert "21,790" not in text and "2.27" not in text


@needs_tools
@pytest.mark.slow
def test_a_units_two_rows_and_a_lists_header_never_part_over_a_page(tmp_path, registry):
    from tests.flows.printing import pages
    from tests.transforms.test_report_tables import dynamics

    district = scope(registry, "476")
    villages = sorted(district.villages)
    table, _ = dynamics_table(
        dynamics(villages), set(villages), set(villages), district, "poor", 2025, {}, set()
    )
    findings = pd.DataFrame(
        [
            {
                "unit": f"Thôn {i}",
                "file": f"x/{i}.xlsx",
                "cell": f"F{i}",
                "level": "Cảnh báo",
                "message": f"Ô F{i}: tỷ lệ ghi 1,07 nhưng 1 ÷ 93 hộ × 100 = 1,08. Sửa thành 1,08.",
            }
            for i in range(1, 70)
        ]
    )
    completeness = pd.DataFrame(
        {
            "tt": [r.tt for r in district.rows],
            "unit_name": [r.name for r in district.rows],
            "bold": [r.bold for r in district.rows],
            "villages_expected": 8,
            "note": "",
        }
    )
    data = ReportData(
        heading=HEADING,
        year=2025,
        child_label=district.child_label,
        summary=summary_table(dien_hoa_villages(), district),
        dynamics={"poor": (table, [])},
        completeness=completeness,
        findings=findings,
    )
    pdf = render_pdf(write_report(tmp_path / "r.xlsx", data), tmp_path / "pdf")
    printed = pages(pdf)
    dynamics_pages = [w for w in printed if any(x[4] == "Phân" for x in w)]
    assert len(dynamics_pages) >= 2
    for words in dynamics_pages:
        top = max(x[3] for x in words if x[4].startswith("9=1-2-3-"))
        # the Phân tổ of every body row, top to bottom ("Hộ", or "Nhân" of "Nhân khẩu")
        body = sorted(
            (x for x in words if x[1] > top and x[4] in ("Hộ", "Nhân")), key=lambda x: x[1]
        )
        assert body and body[0][4] == "Hộ", [x[4] for x in body[:3]]  # never a Nhân khẩu first
        assert body[-1][4] == "Nhân"  # and the page ends with a unit's second row
        assert [x[4] for x in body] == ["Hộ", "Nhân"] * (len(body) // 2)
    listing = [w for w in printed if any(x[4] == "F69" for x in w) or any(x[4] == "F1" for x in w)]
    finding_pages = [
        w for w in printed if any(x[4].startswith("F") and x[4][1:].isdigit() for x in w)
    ]
    assert len(finding_pages) >= 2 and listing
    for words in finding_pages:
        assert {"Mức", "độ", "Nội", "dung"} <= {x[4] for x in words}  # the header, again
