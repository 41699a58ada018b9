import pandas as pd
import pytest

from giamngheo.transforms.columns import DEPRIVATIONS, HOUSEHOLD_COLUMNS
from giamngheo.workbooks.reader import read_submission


def issue_codes(sub) -> list[tuple[str, str | None]]:
    return [(i.code, i.cell) for i in sub.issues]


def test_template_round_trip_is_row_for_row(make_workbook, dien_hoa_lists):
    path = make_workbook("19834-03", 2024)
    sub = read_submission(path, "s1")
    assert sub.issues == []
    expected = next(
        v
        for v in dien_hoa_lists
        if v.metadata["village_code"] == "19834-03" and v.metadata["year"] == 2024
    )
    got = sub.households[[*HOUSEHOLD_COLUMNS, DEPRIVATIONS]].reset_index(drop=True)
    want = expected.households[[*HOUSEHOLD_COLUMNS, DEPRIVATIONS]].astype(got.dtypes.to_dict())
    pd.testing.assert_frame_equal(got, want)
    assert sub.metadata == expected.metadata | {"prepared_on": expected.metadata["prepared_on"]}
    assert sub.households["source_row"].tolist() == list(range(2, len(got) + 2))
    assert sub.households["source_sheet"].unique().tolist() == ["Danh sách hộ"]


@pytest.mark.parametrize(
    ("column", "value", "code", "letter"),
    [
        ("income_kvnd", "1,5tr", "HH-INCOME-NAN", "F"),
        ("members", "ba", "HH-MEMBERS", "E"),
        ("members", 2.5, "HH-MEMBERS", "E"),
        ("nutrition", "?", "HH-MARK", "I"),
        ("claimed_class", "Khá giả", "HH-CLASS", "U"),
        ("household_code", None, "HH-ID-MISSING", "B"),
        ("head_name", None, "HH-NAME-MISSING", "C"),
        ("income_kvnd", "#DIV/0!", "HH-FORMULA-ERROR", "F"),
    ],
)
def test_bad_cells_become_issues_at_their_cell(make_workbook, column, value, code, letter):
    sub = read_submission(make_workbook(cells={(1, column): value}), "s1")
    assert issue_codes(sub) == [(code, f"{letter}3")]
    [issue] = sub.issues
    assert issue.sheet == "Danh sách hộ" and issue.severity == "error"
    assert issue.message_vi.startswith(f"Ô {letter}3")


def test_income_message_names_cell_value_and_fix(make_workbook):
    sub = read_submission(make_workbook(cells={(0, "income_kvnd"): "1,5tr"}), "s1")
    assert sub.issues[0].message_vi.startswith("Ô F2: thu nhập '1,5tr' không phải là số")


def test_bad_year_in_metadata(make_workbook):
    sub = read_submission(make_workbook(metadata={"year": "năm ngoái"}), "s1")
    assert issue_codes(sub) == [("VR-BAD-YEAR", "B7")]


def test_zero_byte_file_is_unreadable(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    sub = read_submission(path, "s1")
    assert sub.kind == "unreadable"
    assert [i.code for i in sub.issues] == ["FILE-EMPTY"]
    assert "empty.xlsx" in sub.issues[0].message_vi


def test_text_file_with_a_spreadsheet_name_is_unreadable(tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_text("this is not a workbook")
    assert [i.code for i in read_submission(path, "s1").issues] == ["FILE-NO-TABLE"]


def test_workbook_without_a_household_table(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "Báo cáo tháng"
    wb.save(tmp_path / "other.xlsx")
    sub = read_submission(tmp_path / "other.xlsx", "s1")
    assert [i.code for i in sub.issues] == ["FILE-NO-TABLE"]


def test_missing_required_column(tmp_path, make_workbook):
    from openpyxl import load_workbook

    path = make_workbook()
    wb = load_workbook(path)
    wb["Danh sách hộ"].delete_cols(5)  # Số nhân khẩu
    wb.save(path)
    sub = read_submission(path, "s1")
    assert [(i.code, i.value) for i in sub.issues] == [("FILE-MISSING-COLUMN", "Số nhân khẩu")]
    assert sub.households.empty


def test_blank_rows_and_a_total_row_are_not_households(make_workbook):
    from openpyxl import load_workbook

    path = make_workbook()
    wb = load_workbook(path)
    ws = wb["Danh sách hộ"]
    n = len(read_submission(path, "s0").households) + 1  # the last household's row
    ws.cell(row=n + 3, column=3, value="Tổng cộng")
    ws.cell(row=n + 3, column=5, value=99)
    wb.save(path)
    sub = read_submission(path, "s1")
    assert sub.issues == [] and len(sub.households) == n - 1
    assert sub.totals == [{"source_row": n + 3, "members": 99}]


def test_income_in_dong_is_converted(make_workbook):
    from openpyxl import load_workbook

    path = make_workbook()
    wb = load_workbook(path)
    ws = wb["Danh sách hộ"]
    ws["F1"] = "Thu nhập bình quân (đồng/người/tháng)"
    before = ws["F2"].value
    ws["F2"] = before * 1000
    wb.save(path)
    sub = read_submission(path, "s1")
    assert sub.households.loc[0, "income_kvnd"] == before


def test_a_reader_failure_is_an_issue_not_an_exception(make_workbook, monkeypatch):
    from giamngheo.workbooks import reader

    def broken(grids, matcher):
        raise RuntimeError("an input nobody foresaw")

    monkeypatch.setattr(reader, "locate_household_table", broken)
    sub = read_submission(make_workbook(), "s", "f.xlsx")
    assert sub.kind == "unreadable"
    [issue] = sub.issues
    assert issue.code == "FILE-UNREADABLE" and "an input nobody foresaw" in issue.message_en
