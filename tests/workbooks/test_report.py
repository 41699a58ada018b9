import pandas as pd
from openpyxl import load_workbook

from giamngheo.transforms.reports import commune_plan_table, summary_table
from giamngheo.workbooks.report import CommuneSheet, ReportData, write_report
from tests.transforms.test_reports import dien_hoa_villages


def test_report_sheets_hold_numbers_and_the_seed_figures(tmp_path, registry):
    villages = dien_hoa_villages()
    targets = pd.DataFrame({"village_code": ["19834-01"], "year": [2024], "target_households": [1]})
    table = commune_plan_table(villages, registry, targets, "19834", 2024)
    table.loc[0, "unit_name"] = '=HYPERLINK("http://x")'
    data = ReportData(
        parent_name="Huyện Phong Điền",
        year=2024,
        summary=summary_table(villages, registry, "476", 2024),
        communes=[CommuneSheet("19834", "Xã Điền Hòa", table)],
    )
    path = write_report(tmp_path / "r.xlsx", data)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Tổng hợp", "Xã Điền Hòa"]
    ws = wb["Xã Điền Hòa"]
    rows = {
        ws.cell(r, 2).value: [ws.cell(r, c).value for c in range(3, 7)]
        for r in range(1, ws.max_row + 1)
    }
    assert rows["Tổng cộng"] == [15, 1.06, 1, 0.07]
    assert rows["Thôn 3"] == [3, 2.61, None, None]
    assert ws.cell(8, 2).data_type == "s" and ws.cell(8, 2).value.startswith("=HYPERLINK")
    assert ws["D9"].number_format == "0.00"
    summary = wb["Tổng hợp"]
    cells = {
        summary.cell(r, 1).value: summary.cell(r, 2).value for r in range(1, summary.max_row + 1)
    }
    assert cells["1"] == "Huyện Phong Điền"
    total_row = next(r for r in range(1, summary.max_row + 1) if summary.cell(r, 1).value == "1")
    assert summary.cell(total_row, 3).value == 1415 and summary.cell(total_row, 6).value == 1.06
    assert summary.page_setup.orientation == "landscape"
    assert summary.freeze_panes is not None
