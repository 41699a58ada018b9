from openpyxl import load_workbook

from giamngheo.workbooks.reader import read_submission
from giamngheo.workbooks.template import INFO_SHEET, LIST_SHEET, write_village_workbook


def test_empty_template_has_dropdowns_and_reads_without_households(tmp_path):
    meta = {"commune_code": "19834", "village_code": "19834-03", "year": 2025, "area": "rural"}
    path = write_village_workbook(tmp_path / "t.xlsx", meta)
    wb = load_workbook(path)
    assert wb.sheetnames == [INFO_SHEET, LIST_SHEET]
    formulas = sorted(dv.formula1 for dv in wb[LIST_SHEET].data_validations.dataValidation)
    assert formulas == ['"Nghèo,Cận nghèo,Mức sống trung bình"', '"x"']
    assert wb[INFO_SHEET].data_validations.dataValidation[0].formula1 == '"Nông thôn,Thành thị"'
    assert wb[INFO_SHEET]["B8"].value == "Nông thôn"
    sub = read_submission(path, "s1")
    assert sub.households.empty and sub.metadata["village_code"] == "19834-03"


def test_names_that_look_like_formulas_stay_text(make_workbook):
    path = make_workbook(
        cells={(0, "head_name"): '=HYPERLINK("http://x","y")', (1, "head_name"): "+84 123"}
    )
    ws = load_workbook(path)[LIST_SHEET]
    assert ws["C2"].data_type == "s" and ws["C2"].value.startswith("=HYPERLINK")
    assert ws["C3"].data_type == "s"
    sub = read_submission(path, "s1")
    assert sub.households.loc[0, "head_name"].startswith("=HYPERLINK")
