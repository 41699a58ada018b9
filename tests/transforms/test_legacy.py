import unicodedata

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

# The TCVN3 (ABC) code page of shared/reference/tcvn3-abc.tsv, written out: byte → letter.
REFERENCE = [
    "A1Ă",
    "A2Â",
    "A3Ê",
    "A4Ô",
    "A5Ơ",
    "A6Ư",
    "A7Đ",
    "A8ă",
    "A9â",
    "AAê",
    "ABô",
    "ACơ",
    "ADư",
    "AEđ",
    "B5à",
    "B6ả",
    "B7ã",
    "B8á",
    "B9ạ",
    "BBằ",
    "BCẳ",
    "BDẵ",
    "BEắ",
    "C6ặ",
    "C7ầ",
    "C8ẩ",
    "C9ẫ",
    "CAấ",
    "CBậ",
    "CCè",
    "CEẻ",
    "CFẽ",
    "D0é",
    "D1ẹ",
    "D2ề",
    "D3ể",
    "D4ễ",
    "D5ế",
    "D6ệ",
    "D7ì",
    "D8ỉ",
    "DCĩ",
    "DDí",
    "DEị",
    "DFò",
    "E1ỏ",
    "E2õ",
    "E3ó",
    "E4ọ",
    "E5ồ",
    "E6ổ",
    "E7ỗ",
    "E8ố",
    "E9ộ",
    "EAờ",
    "EBở",
    "ECỡ",
    "EDớ",
    "EEợ",
    "EFù",
    "F1ủ",
    "F2ũ",
    "F3ú",
    "F4ụ",
    "F5ừ",
    "F6ử",
    "F7ữ",
    "F8ứ",
    "F9ự",
    "FAỳ",
    "FBỷ",
    "FCỹ",
    "FDý",
    "FEỵ",
]


@pytest.mark.parametrize("entry", REFERENCE)
def test_every_tcvn3_entry(entry):
    byte, letter = int(entry[:2], 16), entry[2:]
    assert decode_tcvn3(chr(byte)) == letter


def test_tcvn3_table_is_exactly_the_reference():
    assert len(TCVN3) == len(REFERENCE) == 74
    assert decode_tcvn3("\u00ad") == "ư"  # the soft hyphen, easily lost


@pytest.mark.parametrize(
    ("raw", "upper", "text"),
    [("NguyÔn V¨n Tïng", False, "Nguyễn Văn Tùng"), ("Hé nghÌo", False, "Hộ nghèo"),
     ("Tr\u00adëng th«n", False, "Trưởng thôn"), ("danh s¸ch hé nghÌo", True, "DANH SÁCH HỘ NGHÈO"),
     ("§iÒn Hßa", False, "Điền Hòa")],
)  # fmt: skip
def test_tcvn3_text(raw, upper, text):
    assert decode_tcvn3(raw, upper_case_font=upper) == text


@pytest.mark.parametrize(
    ("raw", "text"),
    [("Nguyeãn Vaên Tuøng", "Nguyễn Văn Tùng"), ("Vieät Nam", "Việt Nam"), ("Phöôùc", "Phước"),
     ("Ñieàn Hoøa", "Điền Hòa"), ("hoä ngheøo", "hộ nghèo"), ("Caän ngheøo", "Cận nghèo"),
     ("Tröôûng thoân", "Trưởng thôn"), ("THOÂN 3", "THÔN 3"), ("Ñaëng", "Đặng"), ("Kyø", "Kỳ")],
)  # fmt: skip
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
    [(".VnTime", "tcvn3"), (".VnTimeH", "tcvn3-upper"), (".VnArial", "tcvn3"), ("VNI-Times", "vni"),
     ("Times New Roman", None), (None, None)],
)  # fmt: skip
def test_encoding_for_font(font, encoding):
    assert encoding_for_font(font) == encoding


def test_unicode_text_in_a_modern_font_is_untouched():
    assert decode("Nguyễn Văn A", None) == "Nguyễn Văn A"
