"""Lists as communes really send them: one workbook for all villages, numbered headers, text
pasted from Excel in any encoding, the provincial software's flat export, values typed by hand.

Every test checks what was read (households, villages and their totals), not only that the
reader did not fail.
"""

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from giamngheo.transforms import batch
from giamngheo.transforms.assemble import assemble
from giamngheo.transforms.checks import run_checks
from giamngheo.workbooks.reader import read_submission
from giamngheo.workbooks.villages import part_id
from tests.workbooks.variants import (
    to_cp1258,
    to_tcvn3,
    to_vni,
    write_commune_wide,
    write_variant,
)

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
FILE_ID = "c0ffee0000000000"
KEYS = ["household_code", "head_name", "members", "income_kvnd", "claimed_class"]


@pytest.fixture(scope="module")
def lists_2024(dien_hoa_lists):
    return [v for v in dien_hoa_lists if v.metadata["year"] == 2024]


def _same_households(part, village) -> None:
    got = part.households[KEYS].reset_index(drop=True)
    want = village.households[KEYS].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def _by_village(parts, lists, registry):
    """Each part matched to its village through the registry, as the batch does it."""
    assembled = assemble(parts, registry)
    codes = dict(
        zip(assembled.reports["submission_id"], assembled.reports["village_code"], strict=True)
    )
    by_code = {v.metadata["village_code"]: v for v in lists}
    return [(part, by_code[codes[part.submission_id]]) for part in parts], assembled


def _convert(path: Path, fmt: str, tmp_path: Path) -> Path:
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--convert-to",
            fmt,
            "--outdir",
            str(tmp_path / fmt),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return tmp_path / fmt / f"{path.stem}.{fmt}"


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_a_commune_wide_workbook_gives_one_submission_per_village_with_its_totals(
    fmt, lists_2024, dien_hoa_registry, tmp_path
):
    path = write_commune_wide(tmp_path / "dien_hoa_2024.xlsx", lists_2024)
    if fmt != "xlsx":
        if not SOFFICE:
            pytest.skip("LibreOffice is not installed")
        path = _convert(path, fmt, tmp_path)
    sub = read_submission(path, FILE_ID)
    assert len(sub.parts) == 11 and sub.issues == []
    assert [p.part for p in sub.parts][:4] == ["Thôn 1", "THÔN 2", "Thôn 03", "thôn 4"]
    matched, assembled = _by_village(sub.parts, lists_2024, dien_hoa_registry)
    assert assembled.reports["village_code"].notna().all()
    for part, village in matched:
        assert part.submission_id == part_id(FILE_ID, part.part.split()[-1].lstrip("0"))
        assert part.file_id == FILE_ID and part.issues == []
        _same_households(part, village)
        for name in ("total_households", "total_persons", "year"):
            assert part.metadata[name] == village.metadata[name]
    assert run_checks(assembled.check_input(batch.Reference(dien_hoa_registry))) == []


def test_a_village_column_with_bare_numbers_and_blank_cells_below(
    lists_2024, dien_hoa_registry, tmp_path
):
    path = write_commune_wide(
        tmp_path / "cot_thon.xlsx", lists_2024, village_column=True, subtotals=True
    )
    sub = read_submission(path, FILE_ID)
    assert "5" in [p.part for p in sub.parts] and len(sub.parts) == 11
    matched, _ = _by_village(sub.parts, lists_2024, dien_hoa_registry)
    for part, village in matched:
        _same_households(part, village)
        assert len(part.totals) == 1  # its "Cộng thôn" row, checked like a one-village list


def test_numbers_typed_as_text_in_the_group_header(lists_2024, tmp_path):
    path = write_commune_wide(tmp_path / "text.xlsx", lists_2024[:2], numbers_as_numbers=False)
    assert [len(p.households) for p in read_submission(path, FILE_ID).parts] == [
        len(v.households) for v in lists_2024[:2]
    ]


@pytest.mark.parametrize("numbers", [False, True])
def test_a_one_village_list_with_its_indicators_numbered(numbers, lists_2024, tmp_path):
    village = lists_2024[5]
    path = write_variant(
        tmp_path / "v.xlsx", village, two_row_header=True, numbering_row=True, numbers=numbers
    )
    sub = read_submission(path, FILE_ID)
    assert sub.issues == [] and sub.parts == []
    _same_households(sub, village)


def test_a_column_numbering_row_of_letters_and_numbers_is_skipped(lists_2024, tmp_path):
    village = lists_2024[0]
    path = write_variant(tmp_path / "v.xlsx", village, numbering_row=True)
    wb = load_workbook(path)
    ws = wb["Danh sách hộ"]
    for c in range(1, ws.max_column + 1):
        ws.cell(row=2, column=c, value="ABC"[c - 1] if c <= 3 else c - 3)
    wb.save(path)
    sub = read_submission(path, FILE_ID)
    assert sub.issues == []
    _same_households(sub, village)


def test_rows_before_any_village_are_an_issue_and_the_others_still_load(lists_2024, tmp_path):
    path = write_commune_wide(tmp_path / "x.xlsx", lists_2024[:3], repeated_header=False)
    wb = load_workbook(path)
    ws = wb["Danh sách hộ"]
    ws.unmerge_cells(start_row=8, start_column=1, end_row=8, end_column=ws.max_column)
    ws.cell(row=8, column=1).value = None  # the first section row, gone
    wb.save(path)
    sub = read_submission(path, FILE_ID)
    orphan = [p for p in sub.parts if p.part == "?"]
    assert len(orphan) == 1 and len(orphan[0].households) == len(lists_2024[0].households)
    assert {i.code for i in orphan[0].issues} == {"HH-VILLAGE-MISSING"}
    assert all(p.issues == [] for p in sub.parts if p.part != "?")


def test_a_wrong_grand_total_is_a_warning_for_each_village(lists_2024, tmp_path):
    path = write_commune_wide(tmp_path / "x.xlsx", lists_2024[:3], repeated_header=False)
    wb = load_workbook(path)
    ws = wb["Danh sách hộ"]
    total = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == "Tổng cộng")
    ws.cell(row=total, column=5, value=ws.cell(row=total, column=5).value + 1)
    wb.save(path)
    sub = read_submission(path, FILE_ID)
    for part in sub.parts:
        [issue] = part.issues
        assert issue.code == "FILE-TOTAL-ROW" and issue.cell == f"E{total}"
        assert issue.severity == "warning"


def test_villages_without_a_summary_table_miss_their_totals(
    lists_2024, dien_hoa_registry, tmp_path
):
    path = write_commune_wide(tmp_path / "x.xlsx", lists_2024[:2], summary_sheet=False)
    sub = read_submission(path, FILE_ID)
    assembled = assemble(sub.parts, dien_hoa_registry)
    found = run_checks(assembled.check_input(batch.Reference(dien_hoa_registry)))
    assert sorted((f.code, f.field) for f in found) == [
        ("VR-MISSING", "total_households"),
        ("VR-MISSING", "total_households"),
    ]


def _named_registry() -> pd.DataFrame:
    rows = [
        ("46", "province", "Tỉnh T", None, None),
        ("46001", "commune", "Xã Bình Điền", "46", "rural"),
        ("46001-01", "village", "Thôn Bình Nghĩa", "46001", "rural"),
        ("46001-02", "village", "Thôn 3", "46001", "rural"),
        ("46001-03", "village", "Tổ dân phố 3", "46001", "rural"),
        ("46001-04", "village", "Thôn 4", "46001", "rural"),
    ]
    return pd.DataFrame(rows, columns=["code", "level", "name", "parent_code", "area"])


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Bình Nghĩa", ("46001-01", None)),
        ("THÔN BÌNH NGHĨA", ("46001-01", None)),
        ("Thôn 04", ("46001-04", None)),
        ("04", ("46001-04", None)),
        ("Thôn 3", ("46001-02", None)),
        ("3", (None, "VR-VILLAGE-AMBIGUOUS")),
        ("Thôn 9", (None, "VR-UNKNOWN-VILLAGE")),
    ],
)
def test_village_names_are_matched_within_the_commune(written, expected, lists_2024, tmp_path):
    village = lists_2024[0]
    meta = {**village.metadata, "commune_name": "Xã Bình Điền"}
    other = type(village)(metadata={**meta}, households=lists_2024[1].households)
    lists = [
        type(village)(metadata={**meta, "village_name": written}, households=village.households),
        other,
    ]
    other_name = "Thôn 4" if "nghĩa" in written.lower() else "Thôn Bình Nghĩa"
    lists[1].metadata["village_name"] = other_name
    path = write_commune_wide(tmp_path / "x.xlsx", lists, village_column=True)
    sub = read_submission(path, FILE_ID)
    first = sub.parts[0]
    registry = _named_registry()
    assembled = assemble(sub.parts, registry)
    code = assembled.reports.set_index("submission_id")["village_code"][first.submission_id]
    found = [
        f
        for f in run_checks(assembled.check_input(batch.Reference(registry)))
        if f.submission_id == first.submission_id
        and f.code.startswith("VR-")
        and f.code != "VR-MISSING"
    ]
    assert ((None if pd.isna(code) else code), found[0].code if found else None) == expected
    if expected[1] == "VR-VILLAGE-AMBIGUOUS":
        assert (
            "Thôn 3 (46001-02) hoặc Tổ dân phố 3 (46001-03)" in dict(found[0].details)["candidates"]
        )


# -- text lists -----------------------------------------------------------------------------


def _text_table(village, delimiter: str = "\t") -> str:
    head = ["STT", "Mã hộ", "Họ và tên chủ hộ", "Dân tộc", "Số nhân khẩu", "Thu nhập bình quân"]
    head += [str(i) for i in range(1, 13)] + ["Hộ có người có công", "Hộ bảo trợ xã hội"]
    head += ["Phân loại", "Ghi chú"]
    from giamngheo.transforms.columns import CLASS_LABELS
    from tests.listing import LIST_COLUMNS, records

    meta = village.metadata
    lines = [
        f"Danh sách hộ nghèo, hộ cận nghèo năm {meta['year']}",
        f"Mã thôn{delimiter}{meta['village_code']}",
        f"Tổng số hộ dân cư{delimiter}{meta['total_households']}",
        delimiter.join(head),
    ]
    for rec in records(village.households):
        cells = []
        for name in LIST_COLUMNS:
            v = rec[name]
            if name == "claimed_class":
                v = CLASS_LABELS[v]
            elif isinstance(v, bool):
                v = "x" if v else ""
            elif v is None or (not isinstance(v, str) and pd.isna(v)):
                v = ""
            elif isinstance(v, float):
                v = f"{v:g}".replace(".", ",")
            cells.append(str(v))
        lines.append(delimiter.join(cells))
    return "\r\n".join(lines) + "\r\n"


ENCODINGS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    "utf-16": lambda t: t.encode("utf-16"),  # Excel's "Unicode text", with its BOM
    "cp1258": to_cp1258,
    "tcvn3": lambda t: to_tcvn3(t).encode("latin-1"),
    "vni": lambda t: to_vni(t).encode("cp1252"),
}


@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize(("suffix", "delimiter"), [(".txt", "\t"), (".csv", ";"), (".tsv", "\t")])
def test_text_lists_in_every_encoding(encoding, suffix, delimiter, lists_2024, tmp_path):
    village = lists_2024[3]
    path = tmp_path / f"thon{suffix}"
    path.write_bytes(ENCODINGS[encoding](_text_table(village, delimiter)))
    sub = read_submission(path, FILE_ID)
    assert [i.code for i in sub.issues] == []
    assert sub.metadata["village_code"] == village.metadata["village_code"]
    assert sub.metadata["total_households"] == village.metadata["total_households"]
    _same_households(sub, village)


def test_a_text_list_of_several_villages_is_split_like_a_workbook(lists_2024, tmp_path):
    rows = ["Thôn\tTổng số hộ dân cư"]
    rows += [
        f"{v.metadata['village_name']}\t{v.metadata['total_households']}" for v in lists_2024[:2]
    ]
    body = []
    for v in lists_2024[:2]:
        table = _text_table(v).split("\r\n")
        if not body:
            body += ["Xã Điền Hòa", table[3]]
        body.append(v.metadata["village_name"].upper())
        body += [line for line in table[4:] if line]
    path = tmp_path / "xa.txt"
    path.write_bytes("\r\n".join([*body, "", *rows, ""]).encode("utf-16"))
    sub = read_submission(path, FILE_ID)
    assert [p.part for p in sub.parts] == ["THÔN 1", "THÔN 2"]
    for part, village in zip(sub.parts, lists_2024[:2], strict=True):
        _same_households(part, village)
        assert part.metadata["total_households"] == village.metadata["total_households"]


# -- the provincial software's flat export ----------------------------------------------------

EXPORT_LABELS = ["STT", "Mã hộ", "Tên chủ hộ", "Số nhân khẩu", "Thôn", "Thu nhập bình quân"]
EXPORT_NAMES = ["stt", "family.code", "family.hostName", "family.numberOfMembers"]
EXPORT_NAMES += ["family.villageName", "Thu nhập bình quân"]
EXPORT_TAIL = ["b1Point", "b2Point", "classify", "quickReview.result", "reviewer", "date"]


def _export_rows(lists) -> list[list]:
    """Every household of `lists` reviewed on 15/11/2024; every third one also in an earlier
    round (01/10/2024), there classed otherwise, and every ninth in a third round before."""
    from giamngheo.transforms.columns import CLASS_LABELS
    from tests.listing import INDICATOR_CODES, records

    rows = []
    for village in lists:
        for i, rec in enumerate(records(village.households)):
            marks = [("x" if rec[c] else None) for c in INDICATOR_CODES]
            base = [rec["household_code"], rec["head_name"], rec["members"]]
            base += [village.metadata["village_name"], rec["income_kvnd"], *marks]
            other = "Không nghèo" if rec["claimed_class"] != "not_poor" else "Cận nghèo"
            rounds = [("15/11/2024", CLASS_LABELS[rec["claimed_class"]])]
            if i % 3 == 0:
                rounds.append(("01/10/2024", other))
            if i % 9 == 0:
                rounds.append(("20/9/ 2024", other))
            for date, label in rounds:
                rows.append([*base, 40, 30, label, "Đạt", "Cán bộ rà soát", date])
    rows.sort(key=lambda r: r[-1][-4:] + r[-1][3:5])  # rounds in date order, as exported
    return [[n, *row] for n, row in enumerate(rows, start=1)]


def _write_export(path: Path, lists) -> Path:
    header_labels = [*EXPORT_LABELS, *range(1, 13), "Điểm B1", "Điểm B2", "Phân loại"]
    header_labels += ["Kết quả rà soát nhanh", "Người rà soát", "Ngày rà soát"]
    technical = [*EXPORT_NAMES, *range(1, 13), *EXPORT_TAIL]
    rows = [["DANH SÁCH HỘ GIA ĐÌNH - XÃ ĐIỀN HÒA - NĂM 2024"], header_labels, technical]
    rows += _export_rows(lists)
    if path.suffix == ".csv":
        text = "\n".join(",".join("" if v is None else f'"{v}"' for v in row) for row in rows)
        path.write_text(text, encoding="utf-8")
        return path
    wb = __import__("openpyxl").Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_provincial_export_keeps_each_household_s_latest_review(
    suffix, lists_2024, dien_hoa_registry, tmp_path
):
    lists = lists_2024[:2]
    path = _write_export(tmp_path / f"export{suffix}", lists)
    sub = read_submission(path, FILE_ID)
    matched, _ = _by_village(sub.parts, lists, dien_hoa_registry)
    assert len(matched) == 2
    for part, village in matched:
        _same_households(part, village)
        repeated = [i for i in part.issues if i.code == "HH-REVIEW-REPEATED"]
        expected = sum(1 for i in range(len(village.households)) if i % 3 == 0)
        assert len(repeated) == expected and all(i.severity == "warning" for i in repeated)
        assert "2024-11-15" in repeated[0].message_vi
        extras = [json_loads(e) for e in part.households["extra"]]
        for header in ("Điểm B1 b1Point", "Điểm B2 b2Point", "Người rà soát reviewer"):
            assert all(header in e for e in extras)
        assert all(e.get("Ngày rà soát date") == "2024-11-15" for e in extras)
    three = next(i for i in sub.parts[0].issues if i.code == "HH-REVIEW-REPEATED")
    assert len(three.message_en.split("rows ")[1].split(" (")[0].split(", ")) == 3


def json_loads(text):
    import json

    return json.loads(text) if isinstance(text, str) else {}


# -- values typed by hand ----------------------------------------------------------------------

HANDTYPED = [
    # (ID as typed, ID kept, date as typed, date kept, codes)
    (12345678901.0, "012345678901", "03/12/ 2015", "2015-12-03", []),
    ("001234567890", "001234567890", "20/10//1976", "1976-10-20", []),
    (12345678.0, "012345678", "01'01'2007", "2007-01-01", []),
    ("0123 456 789", "0123 456 789", "1976", "1976", ["HH-NATIONAL-ID"]),
    ("12A45", "12A45", "31/02/2000", "31/02/2000", ["HH-NATIONAL-ID", "HH-DATE"]),
    (None, None, "ngày 5 tháng 3", "ngày 5 tháng 3", ["HH-DATE"]),
]


def test_national_ids_and_dates_typed_by_hand(lists_2024, tmp_path):
    import datetime as dt

    from giamngheo.transforms.privacy import shareable

    village = lists_2024[0]
    path = write_variant(tmp_path / "v.xlsx", village)
    wb = load_workbook(path)
    ws = wb["Danh sách hộ"]
    width = ws.max_column
    ws.cell(row=1, column=width + 1, value="Số CCCD/CMND")
    ws.cell(row=1, column=width + 2, value="Ngày sinh")
    cases = [
        *HANDTYPED,
        ("098765432101", "098765432101", dt.datetime(1980, 5, 17), "1980-05-17", []),
    ]
    for r, (typed_id, _, typed_date, _, _) in enumerate(cases, start=2):
        ws.cell(row=r, column=width + 1, value=typed_id)
        ws.cell(row=r, column=width + 2, value=typed_date)
    wb.save(path)
    sub = read_submission(path, FILE_ID)
    extras = [json_loads(e) for e in sub.households["extra"]]
    for i, (_, kept_id, _, kept_date, codes) in enumerate(cases):
        assert extras[i].get("Số CCCD/CMND") == kept_id
        assert extras[i].get("Ngày sinh") == kept_date
        found = sorted(x.code for x in sub.issues if x.cell and x.cell.endswith(str(i + 2)))
        assert found == sorted(codes), (i, found)
    for issue in sub.issues:
        assert issue.severity == "warning"
        assert shareable(issue).value is None  # personal facts never leave the warehouse
    _same_households(sub, village)
