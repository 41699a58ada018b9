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

from giamngheo.transforms.tables import TABLES

# The 12 deprivation indicators of Nghị định 07/2021/NĐ-CP, numbered as in the official
# report columns (DESIGN §2).
INDICATORS: tuple[str, ...] = (
    "Việc làm",
    "Người phụ thuộc trong hộ gia đình",
    "Dinh dưỡng",
    "Bảo hiểm y tế",
    "Trình độ giáo dục của người lớn",
    "Tình trạng đi học của trẻ em",
    "Chất lượng nhà ở",
    "Diện tích nhà ở bình quân đầu người",
    "Nguồn nước sinh hoạt",
    "Nhà tiêu hợp vệ sinh",
    "Sử dụng dịch vụ viễn thông",
    "Phương tiện phục vụ tiếp cận thông tin",
)
INDICATOR_COLUMNS: tuple[str, ...] = tuple(f"d{i:02d}" for i in range(1, 13))

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

# Canonical household fields, in template order: (field, template header). Their types are
# those of the warehouse's `households` table (`tables.py`); `seq` (STT) is not stored.
HOUSEHOLD_FIELDS: tuple[tuple[str, str], ...] = (
    ("seq", "STT"),
    ("household_code", "Mã hộ"),
    ("head_name", "Họ và tên chủ hộ"),
    ("ethnicity", "Dân tộc"),
    ("members", "Số nhân khẩu"),
    ("income_kvnd", "Thu nhập bình quân (nghìn đồng/người/tháng)"),
    *(
        (col, f"{i}. {name}")
        for i, (col, name) in enumerate(zip(INDICATOR_COLUMNS, INDICATORS, strict=True), start=1)
    ),
    ("has_merit", "Hộ có người có công"),
    ("social_protection", "Hộ bảo trợ xã hội"),
    ("claimed_class", "Phân loại"),
    ("note", "Ghi chú"),
)
HOUSEHOLD_COLUMNS: tuple[str, ...] = tuple(f for f, _ in HOUSEHOLD_FIELDS)
_STORED = TABLES["households"]
HOUSEHOLD_DTYPES: dict[str, str] = {
    name: _STORED.column(name).dtype
    for name in (*LINEAGE_COLUMNS[1:], *HOUSEHOLD_COLUMNS[1:], "submission_id", "extra")
} | {"seq": "Int64"}
TEMPLATE_HEADERS: dict[str, str] = dict(HOUSEHOLD_FIELDS)
REQUIRED_FIELDS: tuple[str, ...] = (
    "household_code",
    "head_name",
    "members",
    "income_kvnd",
    *INDICATOR_COLUMNS,
    "claimed_class",
)

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


# The synonym table: extend here, nowhere else. Exact folded spellings are tried first,
# then prefixes (so "so nhan khau nguoi" still maps to members).
HEADER_RULES: tuple[HeaderRule, ...] = (
    HeaderRule("seq", exact=("stt", "tt", "so tt", "so thu tu")),
    HeaderRule("household_code", exact=("ma ho", "ma so ho", "ma ho gia dinh", "ma hgd")),
    HeaderRule(
        "head_name",
        exact=("ho va ten chu ho", "ho ten chu ho", "chu ho", "ten chu ho", "ho ten"),
        prefixes=("ho va ten chu ho", "ho ten chu ho"),
    ),
    HeaderRule("ethnicity", exact=("dan toc",)),
    HeaderRule(
        "members",
        exact=("so nhan khau", "so khau", "nhan khau", "so nguoi", "so thanh vien"),
        prefixes=("so nhan khau", "so khau"),
    ),
    HeaderRule(
        "income_kvnd",
        exact=("thu nhap binh quan", "tnbq", "thu nhap", "thu nhap binh quan dau nguoi"),
        prefixes=("thu nhap binh quan", "tnbq", "thu nhap"),
    ),
    HeaderRule(
        "has_merit",
        exact=("ho co nguoi co cong", "nguoi co cong", "co cong"),
        prefixes=("ho co nguoi co cong",),
    ),
    HeaderRule(
        "social_protection",
        exact=("ho bao tro xa hoi", "bao tro xa hoi", "btxh"),
        prefixes=("ho bao tro xa hoi",),
    ),
    HeaderRule(
        "claimed_class",
        exact=("phan loai", "phan loai ho", "ket qua phan loai", "loai ho", "xep loai"),
        prefixes=("phan loai",),
    ),
    HeaderRule("note", exact=("ghi chu",)),
    # The provincial poverty software's flat export names its columns technically
    # ("family.code"); folded, the dots become spaces.
    HeaderRule("household_code", exact=("family code", "family id", "ma ho family code")),
    HeaderRule("head_name", exact=("family hostname", "family host name", "hostname")),
    HeaderRule("members", exact=("family numberofmembers", "numberofmembers")),
    HeaderRule("claimed_class", exact=("classify", "family classify")),
    *(
        HeaderRule(col, exact=(str(i), fold(name), f"chi so {i}"))
        for i, (col, name) in enumerate(zip(INDICATOR_COLUMNS, INDICATORS, strict=True), start=1)
    ),
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

# "1 viec lam", "12 phuong tien phuc vu tiep can thong tin", "chi so 3 dinh duong".
_NUMBERED_INDICATOR = re.compile(r"(?:chi so )?(\d{1,2})(?: (.*))?")

# Words in a header that say income is in đồng rather than nghìn đồng.
_DONG_UNIT = re.compile(r"\b(dong|vnd)\b")
_THOUSAND_UNIT = re.compile(r"\b(nghin|ngan|1000|1 000)\b")


def match_header(text: object) -> str | None:
    """The canonical field a header cell names, or None when it names none.

    A number names an indicator: 1, 1.0, "1", "(1)", "1." and "Chỉ số 1" all name the first.
    """
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
    numbered = _NUMBERED_INDICATOR.fullmatch(key)
    if numbered and 1 <= int(numbered[1]) <= 12:
        name = fold(INDICATORS[int(numbered[1]) - 1])
        rest = numbered[2] or ""
        if not rest or name.startswith(rest) or rest.startswith(name):
            return INDICATOR_COLUMNS[int(numbered[1]) - 1]
    # Drop a trailing unit in brackets, e.g. "thu nhap binh quan nghin dong nguoi thang".
    for prefix, field in _PREFIXES:
        if key.startswith(prefix):
            return field
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
    "year": ("nam", "nam ra soat", "danh sach nam"),
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
