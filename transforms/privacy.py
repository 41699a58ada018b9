"""What may leave the warehouse: personal data found in values and text, masked.

Poor households' names, national ID numbers (CCCD, 12 digits; CMND, 9) and phone numbers stay
in the writer's warehouse and in the village's own feedback. Everywhere else (run summaries,
logs, Prefect artifacts, the analyst snapshot) they are shown as "…":

- an issue's value that may identify a person (`is_private`, `shareable`);
- free text (a note, a column a village added) through `mask_text`: ID and phone numbers, the
  names it is told of, and anything that reads as a Vietnamese person's name (a common family
  name followed by capitalised words).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from giamngheo.transforms.columns import TEMPLATE_HEADERS, fold
from giamngheo.transforms.issues import Issue

HIDDEN = "…"

# What a cell of a household row holds may be a person's name, even in the wrong column (a
# village that typed names under "Số nhân khẩu"), or an ID or phone number. Outside the
# warehouse and the village's own feedback such a value is shown as '…': always in the name and
# household-code columns, and in any other household cell when it holds a letter or a long run
# of digits. These codes quote only fixed vocabulary and stay as they are.
PERSONAL_COLUMNS = (TEMPLATE_HEADERS["head_name"], TEMPLATE_HEADERS["household_code"])
PRIVATE_PREFIXES = ("HH-", "TEXT-")
VOCABULARY_CODES = frozenset({"HH-CLASS-MISMATCH", "HH-INCOME-UNIT", "HH-FORMULA-ERROR"})
# Codes whose value is always a personal fact (an ID number, a date of birth or of a review).
PERSONAL_CODES = frozenset({"HH-NATIONAL-ID", "HH-DATE"})

# A phone number: 0 or +84 and nine digits, in groups or not ("0905 123 456", "+84.905.123.456").
PHONE = re.compile(r"(?<![\d+])(?:\+84|84|0)(?:[ .\-]?\d){9}(?!\d)")
# An ID number, or what is left of one: 8 to 12 digits, maybe in groups of digits and spaces
# (a CMND of 9 that lost its leading zero has 8; a CCCD of 12 that lost it, 11).
ID_NUMBER = re.compile(r"(?<![\d.,])\d(?:[ ]?\d){7,11}(?![\d])")

# Family names (họ) that open most Vietnamese names, folded; a capitalised one followed by one
# to four capitalised words reads as a person's name.
FAMILY_NAMES = frozenset(
    fold(name)
    for name in [
        "Nguyễn",
        "Trần",
        "Lê",
        "Phạm",
        "Hoàng",
        "Huỳnh",
        "Phan",
        "Vũ",
        "Võ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Đinh",
        "Đào",
        "Đoàn",
        "Trương",
        "Lâm",
        "Mai",
        "Trịnh",
        "Lưu",
        "Cao",
        "Tạ",
        "Hà",
        "Tô",
        "Châu",
        "Quách",
        "Thái",
        "Tôn",
        "Kiều",
        "Hứa",
        "Âu",
        "Triệu",
        "Lương",
        "Từ",
        "Nghiêm",
        "Chu",
        "Khúc",
        "Lục",
        "Vương",
        "Phùng",
        "Mạc",
        "Thân",
        "Tăng",
        "Diệp",
        "Giang",
        "Hầu",
        "Kim",
        "Lại",
        "Lã",
        "Mạch",
        "Nông",
        "Quan",
        "Tiêu",
        "Ung",
        "Viên",
        "Vi",
        "Khổng",
        "Lò",
        "Sầm",
        "Đàm",
        "Đồng",
        "Lạc",
        "Tống",
        "Ninh",
        "Doãn",
    ]
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def is_private(issue: Issue) -> bool:
    """Whether the issue's value may identify a person (see PERSONAL_COLUMNS)."""
    if issue.value is None:
        return False
    if issue.column in PERSONAL_COLUMNS or issue.code in PERSONAL_CODES:
        return True
    return (
        issue.code.startswith(PRIVATE_PREFIXES)
        and issue.code not in VOCABULARY_CODES
        and (any(ch.isalpha() for ch in issue.value) or has_number(issue.value))
    )


def shareable(issue: Issue) -> Issue:
    """The issue as it may leave the warehouse: a private value becomes '…' (the messages
    quote a value as '{value}', so exactly that quotation is replaced)."""
    if not is_private(issue):
        return issue
    quoted = f"'{issue.value}'"
    return replace(
        issue,
        value=None,
        message_vi=issue.message_vi.replace(quoted, f"'{HIDDEN}'"),
        message_en=issue.message_en.replace(quoted, f"'{HIDDEN}'"),
    )


def has_number(text: str) -> bool:
    """Whether the text holds something like an ID or phone number."""
    return bool(PHONE.search(text) or ID_NUMBER.search(text))


def mask_text(text: str | None, names: Iterable[str] = ()) -> str | None:
    """Free text with ID and phone numbers, the given names and name-like words as '…'."""
    if not text:
        return text
    masked = PHONE.sub(HIDDEN, text)
    masked = ID_NUMBER.sub(HIDDEN, masked)
    for name in sorted({n for n in names if n and len(n) > 2}, key=len, reverse=True):
        masked = re.sub(re.escape(name), HIDDEN, masked, flags=re.IGNORECASE)
    return _mask_name_like(masked)


def _mask_name_like(text: str) -> str:
    words = list(_WORD.finditer(text))
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        word = words[i].group(0)
        if word[0].isupper() and fold(word) in FAMILY_NAMES:
            j = i + 1
            while (
                j < len(words)
                and j - i < 5
                and words[j].group(0)[0].isupper()
                and text[words[j - 1].end() : words[j].start()].strip() == ""
            ):
                j += 1
            if j - i >= 2:
                spans.append((words[i].start(), words[j - 1].end()))
                i = j
                continue
        i += 1
    for start, end in reversed(spans):
        text = text[:start] + HIDDEN + text[end:]
    return text
