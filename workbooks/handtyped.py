"""Values typed by hand that are personal facts: national ID numbers and dates.

What can be read for sure is returned clean; anything else is kept as typed and reported
with what is wrong, in Vietnamese and English. Nothing is ever guessed into another value: a
date that could be two dates, or an ID of an impossible length, stays as it was typed.
"""

from __future__ import annotations

import datetime as dt
import re

Problem = tuple[str, str] | None

# CCCD (căn cước công dân) has 12 digits, the old CMND 9. Both can start with 0, which Excel
# drops when the number is typed into a number cell: 11 and 8 digits are those numbers.
_ID_LENGTHS = {12: "CCCD", 9: "CMND"}
_LOST_ZERO = {11: 12, 8: 9}


def parse_national_id(raw: object) -> tuple[str | None, Problem]:
    """A CCCD or CMND number as text, its leading zero restored when its length says it lost
    one; (typed text, problem) when it is not one."""
    if raw is None:
        return None, None
    if isinstance(raw, float):
        if not raw.is_integer():
            return f"{raw}", ("không phải số định danh", "not an ID number")
        raw = f"{raw:.0f}"
    text = re.sub(r"[\s.\-]", "", str(raw)).lstrip("'")
    if not text:
        return None, None
    if not text.isdigit():
        return str(raw).strip(), (
            "có ký tự không phải chữ số",
            "holds characters other than digits",
        )
    if len(text) in _LOST_ZERO:
        text = "0" + text
    if len(text) not in _ID_LENGTHS:
        return text, (
            f"có {len(text)} chữ số (CCCD có 12, CMND có 9)",
            f"has {len(text)} digits (a CCCD has 12, a CMND 9)",
        )
    return text, None


# A date as typed: day, month, year split by any run of / . - ' ’ or spaces ("03/12/ 2015",
# "20/10//1976", "01'01'2007", "5.3.1960").
_DMY = re.compile(r"(\d{1,2})[\s/.\-'’`,]+(\d{1,2})[\s/.\-'’`,]+(\d{4})")
_YEAR = re.compile(r"(1[89]\d\d|20\d\d)")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?")


def parse_date(raw: object) -> tuple[str | None, Problem]:
    """A date as ISO text (or a year alone, as many lists give a birth year); (typed text,
    problem) when it cannot be read for sure."""
    if raw is None:
        return None, None
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat(), None
    if isinstance(raw, dt.date):
        return raw.isoformat(), None
    if isinstance(raw, float):
        if raw.is_integer() and _YEAR.fullmatch(f"{raw:.0f}"):
            return f"{raw:.0f}", None
        return f"{raw:g}", ("không đọc được ngày", "not a date")
    text = str(raw).strip()
    if not text:
        return None, None
    day = month = year = None
    if m := _DMY.fullmatch(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := _ISO.fullmatch(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif _YEAR.fullmatch(text):
        return text, None
    else:
        return text, ("không đọc được ngày (ghi ngày/tháng/năm)", "not a date (write dd/mm/yyyy)")
    try:
        return dt.date(year, month, day).isoformat(), None
    except ValueError:
        return text, ("ngày không có thật", "no such date")
