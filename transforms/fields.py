"""Every column of the household list, declared once.

A field says everything the product does with one column of a village's list: its template
header and the other spellings villages use, how a cell is read (`parse`, a kind the reader
maps to its parser), whether the list must have it and which rule a bad cell breaks, its type
and privacy in the warehouse, its width and typing check in the template, how a totals row
states it, and what the sample generators write when they have no value of their own. The
reader, the template, the warehouse's `households` table, the Great Expectations suite, the
generators and the benchmark writer all derive from this tuple; `tests/transforms/
test_fields.py` adds a field here alone and follows it to the analyst snapshot.

The deprivation indicators are not fields: they are the indicator set of the standard in force
for the list's year (`transforms/standards`), placed after `INDICATORS_AFTER` in the template.
"""

from __future__ import annotations

from dataclasses import dataclass

# How a cell is read (the parsers of `workbooks/rows.py`, `PARSERS`).
PARSE_KINDS = ("seq", "code", "text", "whole", "number", "mark", "class")
# How a totals row ("Tổng cộng") states a field: the rows counted, the values summed, or the
# rows marked counted.
COUNTED, SUMMED, MARKED = "counted", "summed", "marked"


@dataclass(frozen=True)
class Check:
    """The template's typing check of a field: a drop-down (`list`), a whole number or a
    decimal between the bounds of a rule's parameters (`rule`'s `min` and `max`), and whether
    a wrong entry is stopped or only warned about."""

    kind: str  # list | whole | decimal
    title: str
    alert: str = "stop"  # stop | warning
    rule: str | None = None  # the rule whose params bound the value (min, max)


@dataclass(frozen=True)
class Field:
    """One column of the household list (see the module's docstring)."""

    name: str
    header: str  # the template's header
    parse: str  # one of PARSE_KINDS
    type: str = ""  # DuckDB type in `households` ("" : read, never stored)
    exact: tuple[str, ...] = ()  # folded header spellings
    prefixes: tuple[str, ...] = ()  # folded prefixes (a header with a unit after it)
    required: bool = False  # a table without it is refused (FILE-MISSING-COLUMN)
    bad_cell: str | None = None  # the rule a cell breaks when it cannot be read
    blank_is_error: bool = False  # an empty cell breaks `bad_cell` too
    privacy: str = "public"  # as `transforms.tables` declares (public, personal …)
    width: float = 7.5  # in the template (Excel's unit)
    check: Check | None = None
    total: str | None = None  # COUNTED, SUMMED or MARKED: how a totals row states it
    sample: object = None  # what a generator writes when it has no value for it

    def __post_init__(self) -> None:
        if self.parse not in PARSE_KINDS:
            raise ValueError(f"field {self.name}: unknown parse kind {self.parse!r}")


FIELDS: tuple[Field, ...] = (
    Field(
        "seq",
        "STT",
        "seq",
        exact=("stt", "tt", "so tt", "so thu tu"),
        width=5,
        total=COUNTED,
    ),
    Field(
        "household_code",
        "Mã hộ",
        "code",
        "VARCHAR",
        exact=(
            "ma ho",
            "ma so ho",
            "ma ho gia dinh",
            "ma hgd",
            "family code",
            "family id",
            "ma ho family code",
        ),
        required=True,
        bad_cell="HH-ID-MISSING",
        blank_is_error=True,
        privacy="personal",
        width=15,
        total=COUNTED,
    ),
    Field(
        "head_name",
        "Họ và tên chủ hộ",
        "text",
        "VARCHAR",
        exact=(
            "ho va ten chu ho",
            "ho ten chu ho",
            "chu ho",
            "ten chu ho",
            "ho ten",
            "family hostname",
            "family host name",
            "hostname",
        ),
        prefixes=("ho va ten chu ho", "ho ten chu ho"),
        required=True,
        bad_cell="HH-NAME-MISSING",
        blank_is_error=True,
        privacy="personal",
        width=22,
    ),
    Field("ethnicity", "Dân tộc", "text", "VARCHAR", exact=("dan toc",), width=9, sample="Kinh"),
    Field(
        "members",
        "Số nhân khẩu",
        "whole",
        "INTEGER",
        exact=(
            "so nhan khau",
            "so khau",
            "nhan khau",
            "so nguoi",
            "so thanh vien",
            "family numberofmembers",
            "numberofmembers",
        ),
        prefixes=("so nhan khau", "so khau"),
        required=True,
        bad_cell="HH-MEMBERS",
        blank_is_error=True,
        width=8,
        check=Check("whole", "Số nhân khẩu", rule="HH-MEMBERS"),
        total=SUMMED,
    ),
    Field(
        "income_kvnd",
        "Thu nhập bình quân (nghìn đồng/người/tháng)",
        "number",
        "DOUBLE",
        exact=("thu nhap binh quan", "tnbq", "thu nhap", "thu nhap binh quan dau nguoi"),
        prefixes=("thu nhap binh quan", "tnbq", "thu nhap"),
        required=True,
        bad_cell="HH-INCOME-NAN",
        blank_is_error=True,
        width=12,
        check=Check("decimal", "Thu nhập bình quân", rule="HH-INCOME-RANGE"),
    ),
    Field(
        "has_merit",
        "Hộ có người có công",
        "mark",
        "BOOLEAN",
        exact=("ho co nguoi co cong", "nguoi co cong", "co cong"),
        prefixes=("ho co nguoi co cong",),
        bad_cell="HH-MARK",
        total=MARKED,
        sample=False,
    ),
    Field(
        "social_protection",
        "Hộ bảo trợ xã hội",
        "mark",
        "BOOLEAN",
        exact=("ho bao tro xa hoi", "bao tro xa hoi", "btxh"),
        prefixes=("ho bao tro xa hoi",),
        bad_cell="HH-MARK",
        total=MARKED,
        sample=False,
    ),
    Field(
        "claimed_class",
        "Phân loại",
        "class",
        "VARCHAR",
        exact=(
            "phan loai",
            "phan loai ho",
            "ket qua phan loai",
            "loai ho",
            "xep loai",
            "classify",
            "family classify",
        ),
        prefixes=("phan loai",),
        required=True,
        bad_cell="HH-CLASS",
        blank_is_error=True,
        width=14,
        check=Check("list", "Phân loại"),
    ),
    Field(
        "note",
        "Ghi chú",
        "text",
        "VARCHAR",
        exact=("ghi chu",),
        privacy="personal",
        width=22,
    ),
)
# The indicators of the list's standard come after this field in the template.
INDICATORS_AFTER = "income_kvnd"
# Where marks are counted in a totals row, the indicators are counted as marks too.
MARK_CHECK = Check("list", "Chỉ số thiếu hụt", alert="warning")


def field(name: str) -> Field:
    return next(f for f in FIELDS if f.name == name)


def template_order() -> tuple[list[Field], list[Field]]:
    """The fields before the indicators in the template, and those after them."""
    fields = FIELDS
    at = next(i for i, f in enumerate(fields) if f.name == INDICATORS_AFTER) + 1
    return list(fields[:at]), list(fields[at:])
