"""The real format of a file from its bytes; refusals say what the file is."""

import io
import zipfile

import pytest

from giamngheo.workbooks.reader import ReaderLimits, read_submission


def codes(path, **kw):
    sub = read_submission(path, "s1", **kw)
    return sub.kind, [i.code for i in sub.issues], sub


def test_zero_byte_file(tmp_path):
    (tmp_path / "a.xlsx").write_bytes(b"")
    kind, found, sub = codes(tmp_path / "a.xlsx")
    assert (kind, found) == ("unreadable", ["FILE-EMPTY"])
    assert "rỗng" in sub.issues[0].message_vi


def test_truncated_workbook(tmp_path, make_workbook):
    data = make_workbook().read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    assert codes(tmp_path / "cut.xlsx")[:2] == ("unreadable", ["FILE-UNREADABLE"])


def test_zip_bomb_is_refused_before_reading(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * 5_000_000)
    assert path.stat().st_size < 100_000
    kind, found, sub = codes(path, limits=ReaderLimits(max_uncompressed_bytes=1_000_000))
    assert (kind, found) == ("unreadable", ["FILE-TOO-LARGE"])
    assert "vượt giới hạn" in sub.issues[0].message_vi


def test_password_protected_workbook(tmp_path, make_workbook):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = make_workbook()
    encrypted = tmp_path / "secret.xlsx"
    with plain.open("rb") as src, encrypted.open("wb") as dst:
        OOXMLFile(src).encrypt("mat-khau", dst)
    kind, found, sub = codes(encrypted)
    assert (kind, found) == ("unreadable", ["FILE-PASSWORD"])
    assert "mật khẩu" in sub.issues[0].message_vi


@pytest.mark.parametrize(
    ("content", "what"),
    [(b"%PDF-1.7 ...", "PDF"), (b"\x89PNG\r\n\x1a\n....", "PNG")],
)
def test_other_documents_say_what_they_are(tmp_path, content, what):
    (tmp_path / "list.xls").write_bytes(content)
    kind, found, sub = codes(tmp_path / "list.xls")
    assert (kind, found) == ("unreadable", ["FILE-NOT-SPREADSHEET"])
    assert what in sub.issues[0].message_vi


def test_word_document_named_xlsx(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    (tmp_path / "list.xlsx").write_bytes(buf.getvalue())
    _, found, sub = codes(tmp_path / "list.xlsx")
    assert found == ["FILE-NOT-SPREADSHEET"] and "Word" in sub.issues[0].message_vi


def _as_html(village) -> str:
    from giamngheo.transforms.columns import CLASS_LABELS
    from tests.listing import HEADERS, INDICATOR_CODES, LIST_COLUMNS, records

    meta = village.metadata
    head = "".join(f"<th>{HEADERS[c]}</th>" for c in LIST_COLUMNS)
    rows = []
    for rec in records(village.households):
        cells = []
        for c in LIST_COLUMNS:
            v = rec[c]
            if c in (*INDICATOR_CODES, "has_merit", "social_protection"):
                v = "x" if v else ""
            elif c == "claimed_class":
                v = CLASS_LABELS[v]
            elif v is None:
                v = ""
            cells.append(f"<td>{v}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    info = (
        f"<table><tr><td>Mã thôn</td><td>{meta['village_code']}</td></tr>"
        f"<tr><td>Năm</td><td>{meta['year']}</td></tr>"
        f"<tr><td>Tổng số hộ dân cư</td><td>{meta['total_households']}</td></tr></table>"
    )
    return f"<html><body>{info}<table><tr>{head}</tr>{''.join(rows)}</table></body></html>"


def test_an_xls_that_is_really_html_is_read(tmp_path, dien_hoa_lists):
    village = dien_hoa_lists[4]
    (tmp_path / "export.xls").write_text(_as_html(village), encoding="utf-8")
    kind, found, sub = codes(tmp_path / "export.xls")
    assert (kind, found) == ("households", [])
    assert len(sub.households) == len(village.households)
    assert sub.households["head_name"].tolist() == village.households["head_name"].tolist()
    assert sub.metadata["village_code"] == village.metadata["village_code"]


@pytest.mark.parametrize(
    ("encoding", "sep"), [("utf-8-sig", ","), ("utf-16", "\t"), ("utf-8", ";")]
)
def test_an_xls_that_is_really_csv_is_read(tmp_path, dien_hoa_lists, encoding, sep):
    import csv

    from giamngheo.transforms.columns import CLASS_LABELS
    from tests.listing import HEADERS, INDICATOR_CODES, LIST_COLUMNS, records

    village = dien_hoa_lists[2]
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep)
    w.writerow(["Mã thôn", village.metadata["village_code"]])
    w.writerow(["Năm", village.metadata["year"]])
    w.writerow(["Tổng số hộ dân cư", village.metadata["total_households"]])
    w.writerow([HEADERS[c] for c in LIST_COLUMNS])
    for rec in records(village.households):
        w.writerow(
            [
                ("x" if rec[c] else "")
                if c in (*INDICATOR_CODES, "has_merit", "social_protection")
                else CLASS_LABELS[rec[c]]
                if c == "claimed_class"
                else (
                    ""
                    if rec[c] is None
                    else str(rec[c]).replace(".", ",")
                    if c == "income_kvnd"
                    else rec[c]
                )
                for c in LIST_COLUMNS
            ]
        )
    (tmp_path / "list.xls").write_bytes(buf.getvalue().encode(encoding))
    kind, found, sub = codes(tmp_path / "list.xls")
    assert (kind, found) == ("households", [])
    assert sub.households["income_kvnd"].tolist() == village.households["income_kvnd"].tolist()


def test_a_text_file_without_a_table(tmp_path):
    (tmp_path / "notes.xls").write_text("Báo cáo tháng 12\nkhông có bảng", encoding="utf-8")
    assert codes(tmp_path / "notes.xls")[1] == ["FILE-NO-TABLE"]
