from openpyxl import load_workbook

from giamngheo.transforms.columns import DEPRIVATIONS
from giamngheo.transforms.standards import shipped
from giamngheo.workbooks.layout import column_points, line_points, text_points, wrapped_lines
from giamngheo.workbooks.reader import read_submission
from giamngheo.workbooks.template import (
    GUIDE_SHEET,
    INFO_SHEET,
    LIST_SHEET,
    list_columns,
    write_village_workbook,
)
from tests.listing import HEADERS, LIST_COLUMNS

META = {"commune_code": "19834", "village_code": "19834-03", "year": 2025, "area": "rural"}


def validations(ws) -> dict[str, tuple]:
    """Each validation's first cell range → (type, formula1, formula2, error style)."""
    return {
        str(dv.sqref).split()[0]: (dv.type, dv.formula1, dv.formula2, dv.errorStyle)
        for dv in ws.data_validations.dataValidation
    }


def test_empty_template_has_instructions_and_reads_without_households(tmp_path):
    path = write_village_workbook(tmp_path / "t.xlsx", META)
    wb = load_workbook(path)
    assert wb.sheetnames == [GUIDE_SHEET, INFO_SHEET, LIST_SHEET]
    assert wb[GUIDE_SHEET]["A1"].value.startswith("HƯỚNG DẪN")
    assert wb[INFO_SHEET]["B8"].value == "Nông thôn"
    sub = read_submission(path, "s1")
    assert sub.households.empty and sub.metadata["village_code"] == "19834-03"


def test_a_wrong_class_or_count_is_stopped_and_a_wrong_mark_warned_about(tmp_path):
    wb = load_workbook(write_village_workbook(tmp_path / "t.xlsx", META))
    rules = validations(wb[LIST_SHEET])
    assert rules["U2:U400"] == (
        "list",
        '"Nghèo,Cận nghèo,Mức sống trung bình,Không nghèo"',
        None,
        "stop",
    )
    assert rules["G2:G400"] == ("list", '"x"', None, "warning")  # every mark column
    marks = next(
        dv for dv in wb[LIST_SHEET].data_validations.dataValidation if dv.formula1 == '"x"'
    )
    assert str(marks.sqref).split() == [f"{c}2:{c}400" for c in "GHIJKLMNOPQRST"]
    assert rules["E2:E400"] == ("whole", "1", "30", "stop")
    assert rules["F2:F400"][::3] == ("decimal", "stop")
    info = validations(wb[INFO_SHEET])
    assert info["B8"] == ("list", '"Nông thôn,Thành thị"', None, "stop")
    # a whole number, not below the households listed
    assert info["B9"][0] == "whole" and "COUNTA('Danh sách hộ'!$B$2" in info["B9"][1]
    assert info["B9"][3] == "stop"


def test_labels_and_headers_are_locked_and_the_cells_to_fill_are_not(tmp_path):
    wb = load_workbook(write_village_workbook(tmp_path / "t.xlsx", META))
    for ws in wb.worksheets:
        assert ws.protection.sheet and not ws.protection.password
    info, households = wb[INFO_SHEET], wb[LIST_SHEET]
    assert info["A9"].protection.locked and not info["B9"].protection.locked
    assert households["C1"].protection.locked
    assert not households["C2"].protection.locked and not households["V400"].protection.locked
    # rows can still be inserted, deleted and sorted (False: not protected)
    assert households.protection.insertRows is False and households.protection.sort is False


def test_headers_are_readable_and_print_on_a4_landscape(tmp_path):
    ws = load_workbook(write_village_workbook(tmp_path / "t.xlsx", META))[LIST_SHEET]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"
    for c, name in enumerate(LIST_COLUMNS, start=1):
        header = HEADERS[name]
        room = column_points(ws.column_dimensions[ws.cell(1, c).column_letter].width)
        assert max(text_points(w, 11, True) for w in header.split()) <= room, header
        lines = wrapped_lines(header, room, 11, bold=True)
        assert ws.row_dimensions[1].height >= lines * line_points(), header


def test_last_year_s_households_fill_the_list_and_the_guide_says_so(make_workbook, tmp_path):
    earlier = read_submission(make_workbook("19834-03", 2024), "s0").households
    households = earlier.drop(columns=["seq"]).assign(year=2024)
    path = write_village_workbook(tmp_path / "t.xlsx", {**META, "year": 2025}, households)
    assert "danh sách năm 2024" in load_workbook(path)[GUIDE_SHEET]["A3"].value
    again = read_submission(path, "s1")
    assert again.metadata["year"] == 2025
    assert again.households["seq"].tolist() == list(range(1, len(earlier) + 1))
    for column in ("household_code", "head_name", "members", "claimed_class", DEPRIVATIONS):
        assert again.households[column].tolist() == earlier[column].tolist(), column


def test_names_that_look_like_formulas_stay_text(make_workbook):
    path = make_workbook(
        cells={(0, "head_name"): '=HYPERLINK("http://x","y")', (1, "head_name"): "+84 123"}
    )
    ws = load_workbook(path)[LIST_SHEET]
    assert ws["C2"].data_type == "s" and ws["C2"].value.startswith("=HYPERLINK")
    assert ws["C3"].data_type == "s"
    sub = read_submission(path, "s1")
    assert sub.households.loc[0, "head_name"].startswith("=HYPERLINK")


def test_the_2027_template_follows_the_2027_2030_standard(make_workbook, tmp_path):
    new = shipped().national(2027)
    earlier = read_submission(make_workbook("19834-03", 2025), "s0").households
    households = earlier.drop(columns=["seq"]).assign(year=2026)  # the last 07/2021 list
    path = write_village_workbook(tmp_path / "t.xlsx", {**META, "year": 2027}, households)
    wb = load_workbook(path)
    headers = [c.value for c in wb[LIST_SHEET][1]]
    assert headers == [header for _, header, _ in list_columns(new)]
    assert "12. Xử lý rác thải sinh hoạt" in headers
    assert not any("Phương tiện phục vụ tiếp cận thông tin" in h for h in headers)
    guide = " ".join(c.value for c in wb[GUIDE_SHEET]["A"] if c.value)
    assert "Nghị định 351/2025/NĐ-CP" in guide and "2.200.000" in guide and "2.800.000" in guide
    assert "tạm theo thông tin công bố" in guide  # the provisional set says so
    again = read_submission(path, "s1")
    # last year's households, with their data but not last year's class (another standard)
    assert again.households["household_code"].tolist() == earlier["household_code"].tolist()
    assert again.households["income_kvnd"].tolist() == earlier["income_kvnd"].tolist()
    assert wb[LIST_SHEET].cell(2, headers.index("Phân loại") + 1).value is None
    kept = [set(d) & set(new.codes) for d in earlier[DEPRIVATIONS]]
    assert [set(d) for d in again.households[DEPRIVATIONS]] == kept
