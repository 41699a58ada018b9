"""Legacy Vietnamese font encodings (TCVN3/ABC and VNI) to Unicode.

Before Unicode, Vietnamese was typed in 8-bit fonts: the bytes are ordinary Windows
characters and only the font (".VnTime", "VNI-Times"…) makes them look Vietnamese. A reader
therefore gets "NguyÔn V¨n" from a .VnTime cell, and "Nguyeãn Vaên" from a VNI-Times cell.
Which table applies is decided by the cell's font name (`encoding_for_font`).
"""

from __future__ import annotations

import re
import unicodedata

# TCVN3 (ABC): each byte as a reader sees it (its Latin-1 character; 0xAD, "ư", is the soft
# hyphen there), then the letter it draws, in byte order 0xA1…0xFE (the code page's 74 entries).
_TCVN3_BYTES = "¡¢£¤¥¦§¨©ª«¬\xad®µ¶·¸¹»¼½¾ÆÇÈÉÊËÌÎÏÐÑÒÓÔÕÖ×ØÜÝÞßáâãäåæçèéêëìíîïñòóôõö÷øùúûüýþ"
_TCVN3_LETTERS = "ĂÂÊÔƠƯĐăâêôơưđàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
TCVN3: dict[str, str] = dict(zip(_TCVN3_BYTES, _TCVN3_LETTERS, strict=True))
_TCVN3_TABLE = str.maketrans(TCVN3)

# VNI (VNI-Windows): a letter, then a key character for its diacritics. Single-character
# letters first (ơ, ư, đ and the i family), then two-character sequences.
VNI_SINGLE: dict[str, str] = dict(zip("ôÔöÖñÑíìæóòÍÌÆÓÒîÎ", "ơƠưƯđĐíìỉĩịÍÌỈĨỊỵỴ", strict=True))
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
