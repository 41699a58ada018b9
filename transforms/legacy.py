"""Legacy Vietnamese font encodings (TCVN3/ABC and VNI) to Unicode.

Before Unicode, Vietnamese was typed in 8-bit fonts: the bytes are ordinary Windows
characters and only the font (".VnTime", "VNI-Times"…) makes them look Vietnamese. A reader
therefore gets "NguyÔn V¨n" from a .VnTime cell, and "Nguyeãn Vaên" from a VNI-Times cell.
Which table applies is decided by the cell's font name (`encoding_for_font`).
"""

from __future__ import annotations

import re
import unicodedata

# TCVN3 (ABC), byte → letter, as in shared/reference/tcvn3-abc.tsv. A reader sees each byte as
# the Latin-1 character of the same number; 0xAD ("ư") is the soft hyphen there.
TCVN3: dict[str, str] = {
    chr(byte): letter
    for byte, letter in {
        0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
        0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
        0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
        0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
        0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
        0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
        0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
        0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
        0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
        0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
        0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
        0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
        0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
        0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
    }.items()
}  # fmt: skip
_TCVN3_TABLE = str.maketrans(TCVN3)

# VNI (VNI-Windows): a letter, then a key character for its diacritics. Single-character
# letters first (ơ, ư, đ and the i family), then two-character sequences.
VNI_SINGLE: dict[str, str] = {
    "ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư", "ñ": "đ", "Ñ": "Đ",
    "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị",
    "Í": "Í", "Ì": "Ì", "Æ": "Ỉ", "Ó": "Ĩ", "Ò": "Ị",
    "î": "ỵ", "Î": "Ỵ",
}  # fmt: skip
_VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_HAT_TONES = {"á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_VNI_BREVE_TONES = {"é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}


def _vni_pairs() -> dict[str, str]:
    pairs: dict[str, str] = {}

    def add(key: str, base: str, *marks: str) -> None:
        for k, b in ((key, base), (key.upper(), base.upper())):
            pairs[k] = unicodedata.normalize("NFC", b + "".join(marks))

    for vowel in "aeouy":
        for key, tone in _VNI_TONES.items():
            add(vowel + key, vowel, tone)
    for key, tone in _VNI_TONES.items():  # ơ and ư with tones
        add("ô" + key, "ơ", tone)
        add("ö" + key, "ư", tone)
    for vowel in "aeo":  # â ê ô, with and without tones
        add(vowel + "â", vowel, "\u0302")
        for key, tone in _VNI_HAT_TONES.items():
            add(vowel + key, vowel, "\u0302", tone)
    add("aê", "a", "\u0306")  # ă, with and without tones
    for key, tone in _VNI_BREVE_TONES.items():
        add("a" + key, "a", "\u0306", tone)
    return pairs


VNI_PAIRS: dict[str, str] = _vni_pairs()
_VNI_PATTERN = re.compile(
    "|".join(re.escape(k) for k in sorted({**VNI_PAIRS, **VNI_SINGLE}, key=len, reverse=True))
)


def decode_tcvn3(text: str, upper_case_font: bool = False) -> str:
    """A .VnTime cell's text in Unicode; `.VnTimeH`-style fonts draw lower-case bytes as capitals."""
    decoded = text.translate(_TCVN3_TABLE)
    return decoded.upper() if upper_case_font else decoded


def decode_vni(text: str) -> str:
    """A VNI-Times cell's text in Unicode."""
    table = {**VNI_SINGLE, **VNI_PAIRS}
    return _VNI_PATTERN.sub(lambda m: table[m.group(0)], text)


TCVN3_FONT = "tcvn3"
TCVN3_UPPER_FONT = "tcvn3-upper"
VNI_FONT = "vni"


def encoding_for_font(font_name: str | None) -> str | None:
    """The legacy encoding a font implies: .VnTime → tcvn3, .VnTimeH → tcvn3-upper, VNI-* → vni."""
    if not font_name:
        return None
    name = font_name.strip()
    if name.lower().startswith(".vn"):
        return TCVN3_UPPER_FONT if name.endswith("H") else TCVN3_FONT
    if name.upper().startswith("VNI"):
        return VNI_FONT
    return None


def decode(text: str, encoding: str | None) -> str:
    """Text of a cell in `encoding` (see `encoding_for_font`) in Unicode NFC."""
    if encoding == TCVN3_FONT:
        return decode_tcvn3(text)
    if encoding == TCVN3_UPPER_FONT:
        return decode_tcvn3(text, upper_case_font=True)
    if encoding == VNI_FONT:
        return decode_vni(text)
    return text
