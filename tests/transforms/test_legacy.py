import csv
import unicodedata
from pathlib import Path

import pytest

from giamngheo.transforms.legacy import (
    TCVN3,
    VNI_PAIRS,
    VNI_SINGLE,
    decode,
    decode_tcvn3,
    decode_vni,
    encoding_for_font,
)

# The TCVN3 (ABC) code page as published (shared/reference/tcvn3-abc.tsv): byte → letter.
with (Path(__file__).parents[1] / "data" / "tcvn3-abc.tsv").open(encoding="utf-8") as _fh:
    REFERENCE = [(int(r["byte"], 16), r["unicode"]) for r in csv.DictReader(_fh, delimiter="\t")]


@pytest.mark.parametrize(
    ("byte", "letter"), REFERENCE, ids=lambda v: f"{v:02X}" if isinstance(v, int) else v
)
def test_every_tcvn3_entry(byte, letter):
    assert decode_tcvn3(chr(byte)) == letter


def test_tcvn3_table_is_exactly_the_reference():
    assert {chr(byte): letter for byte, letter in REFERENCE} == TCVN3
    assert len(TCVN3) == 74
    assert decode_tcvn3("\u00ad") == "ư"  # the soft hyphen, easily lost


@pytest.mark.parametrize(
    ("raw", "upper", "text"),
    [
        ("NguyÔn V¨n Tïng", False, "Nguyễn Văn Tùng"),
        ("Hé nghÌo", False, "Hộ nghèo"),
        ("Tr\u00adëng th«n", False, "Trưởng thôn"),
        ("danh s¸ch hé nghÌo", True, "DANH SÁCH HỘ NGHÈO"),
        ("§iÒn Hßa", False, "Điền Hòa"),
    ],
)
def test_tcvn3_text(raw, upper, text):
    assert decode_tcvn3(raw, upper_case_font=upper) == text


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("Nguyeãn Vaên Tuøng", "Nguyễn Văn Tùng"),
        ("Vieät Nam", "Việt Nam"),
        ("Phöôùc", "Phước"),
        ("Ñieàn Hoøa", "Điền Hòa"),
        ("hoä ngheøo", "hộ nghèo"),
        ("Caän ngheøo", "Cận nghèo"),
        ("Tröôûng thoân", "Trưởng thôn"),
        ("THOÂN 3", "THÔN 3"),
        ("Ñaëng", "Đặng"),
        ("Kyø", "Kỳ"),
    ],
)
def test_vni_text(raw, text):
    assert decode_vni(raw) == text


@pytest.mark.parametrize("key", sorted({**VNI_SINGLE, **VNI_PAIRS}))
def test_every_vni_entry_gives_one_vietnamese_letter(key):
    letter = decode_vni(key)
    assert len(letter) == 1 and unicodedata.is_normalized("NFC", letter)
    assert (
        letter.lower()
        in "aáàảãạăắằẳẵặâấầẩẫậeéèẻẽẹêếềểễệiíìỉĩịoóòỏõọôốồổỗộơớờởỡợuúùủũụưứừửữựyýỳỷỹỵđ"
    )


@pytest.mark.parametrize(
    ("font", "encoding"),
    [
        (".VnTime", "tcvn3"),
        (".VnTimeH", "tcvn3-upper"),
        (".VnArial", "tcvn3"),
        ("VNI-Times", "vni"),
        ("Times New Roman", None),
        (None, None),
    ],
)
def test_encoding_for_font(font, encoding):
    assert encoding_for_font(font) == encoding


def test_unicode_text_in_a_modern_font_is_untouched():
    assert decode("Nguyễn Văn A", None) == "Nguyễn Văn A"
