import datetime as dt

import pytest

from giamngheo.transforms import normalize as nz


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.500.000", 1_500_000),
        ("2,22", 2.22),
        ("1.234,5", 1234.5),
        ("1 500", 1500),
        ("1500", 1500),
        (1200.0, 1200),
        (7, 7),
        ("2.5", 2.5),
        ("1,500,000", 1_500_000),
        ("-3", -3),
        ("", None),
        (None, None),
        ("  ", None),
        ("\u00a01.200\u00a0", 1200),
    ],
)
def test_parse_number_reads_vietnamese_writing(raw, expected):
    assert nz.parse_number(raw) == expected


@pytest.mark.parametrize("raw", ["1,5tr", "abc", "1.5.0", True, "12%", float("inf")])
def test_parse_number_refuses_what_is_not_a_number(raw):
    with pytest.raises(nz.CellError):
        nz.parse_number(raw)


@pytest.mark.parametrize("raw", ["x", "X", 1, 1.0, "1", "có", "Có", "✓", "v", "V", True])
def test_marks_that_mean_deprived(raw):
    assert nz.parse_mark(raw) is True


@pytest.mark.parametrize("raw", ["", None, 0, "0", "không", "-"])
def test_marks_that_mean_not_deprived(raw):
    assert nz.parse_mark(raw) is False


@pytest.mark.parametrize("raw", ["?", 2, "xx", "thiếu"])
def test_unknown_marks_raise(raw):
    with pytest.raises(nz.CellError):
        nz.parse_mark(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nghèo", "poor"),
        ("Hộ nghèo", "poor"),
        ("HỘ CẬN NGHÈO", "near_poor"),
        ("Cận nghèo", "near_poor"),
        ("Mức sống trung bình", "average"),
        ("Hộ có mức sống trung bình", "average"),
        ("Không nghèo", "not_poor"),
        ("", None),
    ],
)
def test_parse_class(raw, expected):
    assert nz.parse_class(raw) == expected


def test_parse_class_refuses_unknown():
    with pytest.raises(nz.CellError):
        nz.parse_class("Khá giả")


def test_text_is_nfc_and_trimmed():
    nfd = "Nguye\u0302\u0303n  Va\u0306n"
    assert nz.clean_text(f"  {nfd} ") == "Nguyễn Văn"


@pytest.mark.parametrize(
    ("raw", "expected"), [(123.0, "123"), ("0123", "0123"), (" 19834-03 ", "19834-03"), ("", None)]
)
def test_codes_are_text(raw, expected):
    assert nz.parse_code(raw) == expected


def test_whole_numbers():
    assert nz.parse_whole("4") == 4
    with pytest.raises(nz.CellError):
        nz.parse_whole(3.5)


def test_formula_errors_and_dates():
    assert nz.is_formula_error("#DIV/0!") and not nz.is_formula_error("ok")
    assert nz.clean_text(dt.date(2024, 1, 2)) == "2024-01-02"


@pytest.mark.parametrize(
    ("raw", "area"),
    [
        ("Nông thôn", "rural"),
        ("THÀNH THỊ", "urban"),
        ("Khu vực đô thị", "urban"),  # Nghị định 351/2025's words
        ("Đô thị", "urban"),
        ("", None),
    ],
)
def test_parse_area(raw, area):
    assert nz.parse_area(raw) == area
