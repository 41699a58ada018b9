"""Canonical columns of the household list and the header vocabulary that maps onto them.

A village list ("Danh sách hộ nghèo, hộ cận nghèo") reaches us in many shapes. Everything
downstream of the reader sees one shape only: the canonical household frame described here.
The synonym table below is the single place where header spellings are taught to the reader.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from giamngheo.transforms.fields import FIELDS
from giamngheo.transforms.list_year import YEAR_LABELS
from giamngheo.transforms.tables import TABLES

# Household classes (phân loại hộ). Codes are stored; labels are what officers read and type.
POOR = "poor"
NEAR_POOR = "near_poor"
AVERAGE = "average"
NOT_POOR = "not_poor"
CLASS_LABELS: dict[str, str] = {
    POOR: "Nghèo",
    NEAR_POOR: "Cận nghèo",
    AVERAGE: "Mức sống trung bình",
    NOT_POOR: "Không nghèo",
}
CLASSES: tuple[str, ...] = tuple(CLASS_LABELS)

AREAS: dict[str, str] = {"rural": "Nông thôn", "urban": "Thành thị"}

# Lineage columns carried by every household row from the reader to the warehouse.
LINEAGE_COLUMNS: tuple[str, ...] = ("submission_id", "source_sheet", "source_row")

# The household fields (`fields.py`), in template order, and the deprivations of each
# household: the codes of the indicators of its list's standard it is deprived in.
HOUSEHOLD_FIELDS: tuple[tuple[str, str], ...] = tuple((f.name, f.header) for f in FIELDS)
HOUSEHOLD_COLUMNS: tuple[str, ...] = tuple(f.name for f in FIELDS)
DEPRIVATIONS = "deprivations"
_STORED = TABLES["households"]
HOUSEHOLD_DTYPES: dict[str, str] = (
    {
        name: _STORED.column(name).dtype
        for name in (*LINEAGE_COLUMNS[1:], *(f.name for f in FIELDS if f.type), "submission_id")
    }
    | {f.name: "Int64" for f in FIELDS if not f.type}
    | {DEPRIVATIONS: "object", "extra": _STORED.column("extra").dtype}
)
TEMPLATE_HEADERS: dict[str, str] = dict(HOUSEHOLD_FIELDS)


def deprivation_codes(value: object) -> tuple[str, ...]:
    """A household's deprivations as a tuple of indicator codes, whatever holds them (a tuple
    from the reader, a list or array from the warehouse; nothing: none)."""
    if value is None or isinstance(value, str | float) or value.__class__.__name__ == "NAType":
        return ()
    return tuple(value)


REQUIRED_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.required)

# Metadata of one village list (sheet "Thông tin chung"): field -> template label.
METADATA_FIELDS: dict[str, str] = {
    "province_code": "Mã tỉnh",
    "district_code": "Mã huyện",
    "commune_code": "Mã xã",
    "commune_name": "Tên xã",
    "village_code": "Mã thôn",
    "village_name": "Tên thôn",
    "year": "Năm",
    "area": "Khu vực",
    "total_households": "Tổng số hộ dân cư",
    "total_persons": "Tổng số nhân khẩu",
    "prepared_by": "Người lập biểu",
    "prepared_on": "Ngày lập",
}


def fold(text: object) -> str:
    """Fold a header or label for matching: no diacritics, lower case, words split by single spaces.

    "Họ và tên\\nCHỦ HỘ" and "ho va ten chu ho" fold to the same key; "đ" folds to "d".
    """
    text = str(text)
    return _fold_cached(text) if len(text) <= 80 else _fold(text)


def _fold(text: str) -> str:
    s = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn").lower()
    s = re.sub(r"[^0-9a-z%]+", " ", s)
    return s.strip()


# Headers, labels and the first letters of names repeat from file to file.
_fold_cached = functools.lru_cache(maxsize=65536)(_fold)


@dataclass(frozen=True)
class HeaderRule:
    """How one canonical field can be spelled in a header cell (folded, see `fold`)."""

    field: str
    exact: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()


# The field spellings (`fields.py`): exact folded spellings are tried first, then prefixes
# (so "so nhan khau nguoi" still maps to members). Indicators are matched by `headers.py`,
# against the indicator sets of the standards.
HEADER_RULES: tuple[HeaderRule, ...] = tuple(
    HeaderRule(f.name, exact=tuple(dict.fromkeys((fold(f.header), *f.exact))), prefixes=f.prefixes)
    for f in FIELDS
)

# Columns read beside the household fields, outside the stored frame: the village a row belongs
# to (a commune-wide list), the date of a review (the flat export repeats a household once per
# review round), and personal facts typed by hand (kept in `extra`, as personal data).
VILLAGE = "village"
REVIEW_DATE = "review_date"
NATIONAL_ID = "national_id"
BIRTH_DATE = "birth_date"
SIDE_RULES: tuple[HeaderRule, ...] = (
    HeaderRule(
        VILLAGE,
        exact=(
            "thon",
            "ten thon",
            "thon to",
            "thon to dan pho",
            "thon tdp",
            "to dan pho",
            "ten to dan pho",
            "thon ban",
            "thon xom",
            "thon ap",
            "ap",
            "ban",
            "xom",
            "khu pho",
            "village",
            "village name",
            "villagename",
            "village code",
            "villagecode",
            "family village",
            "family villagename",
            "family villagecode",
        ),
    ),
    HeaderRule(
        REVIEW_DATE,
        exact=("date", "review date", "ngay ra soat", "ngay danh gia", "ngay phong van"),
    ),
    HeaderRule(
        NATIONAL_ID,
        exact=(
            "cccd",
            "so cccd",
            "cmnd",
            "so cmnd",
            "cmnd cccd",
            "so cmnd cccd",
            "cccd cmnd",
            "so cccd cmnd",
            "so dinh danh",
            "so dinh danh ca nhan",
            "ma dinh danh",
            "family identitynumber",
            "identitynumber",
        ),
        prefixes=("so cccd", "so cmnd", "so dinh danh"),
    ),
    HeaderRule(BIRTH_DATE, exact=("ngay sinh", "ngay thang nam sinh", "birthday", "dob")),
)
SIDE_HEADERS: dict[str, str] = {
    VILLAGE: "Thôn",
    REVIEW_DATE: "Ngày rà soát",
    NATIONAL_ID: "Số CCCD/CMND",
    BIRTH_DATE: "Ngày sinh",
}

_EXACT: dict[str, str] = {s: r.field for r in (*HEADER_RULES, *SIDE_RULES) for s in r.exact}
_PREFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        ((p, r.field) for r in (*HEADER_RULES, *SIDE_RULES) for p in r.prefixes),
        key=lambda x: -len(x[0]),
    )
)

# Words in a header that say income is in đồng rather than nghìn đồng.
_DONG_UNIT = re.compile(r"\b(dong|vnd)\b")
_THOUSAND_UNIT = re.compile(r"\b(nghin|ngan|1000|1 000)\b")


def match_header(text: object) -> str | None:
    """The household field (or side field) a header cell names, or None when it names none
    (an indicator's header is `headers.HeaderMatcher`'s to read)."""
    if text.__class__ is float and text.is_integer():
        text = int(text)  # Excel stores a typed 1 as the number 1.0
    return _match_key(fold(text))


@functools.lru_cache(maxsize=65536)
def _match_key(key: str) -> str | None:
    """`match_header` of a folded text (headers and the texts above them repeat from file to
    file: each is matched against the rules once)."""
    if not key:
        return None
    if key in _EXACT:
        return _EXACT[key]
    # Drop a trailing unit in brackets, e.g. "thu nhap binh quan nghin dong nguoi thang".
    for prefix, field_name in _PREFIXES:
        if key.startswith(prefix):
            return field_name
    return None


def income_unit_factor(header: object) -> int:
    """Divisor that turns an income written under this header into nghìn đồng.

    1 when the header states nghìn đồng or no unit (the template's unit), 1000 when it states
    đồng, so that ``income_kvnd = value / income_unit_factor(header)``.
    """
    key = fold(header)
    if _THOUSAND_UNIT.search(key):
        return 1
    if _DONG_UNIT.search(key):
        return 1000
    return 1


METADATA_RULES: dict[str, tuple[str, ...]] = {
    "province_code": ("ma tinh",),
    "district_code": ("ma huyen",),
    "commune_code": ("ma xa", "ma phuong xa", "ma don vi cap xa"),
    "commune_name": ("ten xa", "xa", "phuong xa", "ten phuong xa"),
    "village_code": ("ma thon", "ma to dan pho", "ma thon to dan pho"),
    "village_name": ("ten thon", "thon", "ten to dan pho", "thon to dan pho"),
    "year": tuple(YEAR_LABELS),  # which year each means: `list_year.py`
    "area": ("khu vuc", "dia ban"),
    "total_households": ("tong so ho dan cu", "tong so ho", "so ho dan cu"),
    "total_persons": ("tong so nhan khau", "tong so khau", "so nhan khau dan cu"),
    "prepared_by": ("nguoi lap bieu", "nguoi lap"),
    "prepared_on": ("ngay lap", "ngay lap bieu"),
}
_METADATA_EXACT: dict[str, str] = {
    s: f for f, spellings in METADATA_RULES.items() for s in spellings
}


def match_metadata_label(text: object) -> str | None:
    """The metadata field a label cell names ("Mã thôn:" → village_code), or None."""
    return _METADATA_EXACT.get(fold(text))
