"""Poverty standards (chuẩn nghèo đa chiều) as data, whole: a file per standard.

A standard is its name and legal basis, the years it covers, its scope (national, or a
province's own higher standard, under which that province's lists are classed a second
time), its income lines per area (poverty line; a near-poor line where the text sets one; the
upper bound of the average-living band where published), the deprivation threshold, and its
indicator set (number, code, name, dimension, and the header spellings villages use). It is a
TOML file (docs/standards.md): the shipped ones sit beside this module, and `giamngheo
standards import` loads others, or the official text of a provisional one (same id), into the
warehouse. A new decree or a provincial resolution is a file, never code.

Amounts are kept in đồng per person per month (a standard given per year is divided by 12).
"""

from __future__ import annotations

import functools
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources

from giamngheo.transforms.columns import fold

AREAS = ("rural", "urban")
SHIPPED = ("nd-07-2021.toml", "nd-351-2025.toml")


class StandardError(ValueError):
    """A standard's file that cannot be used: where (line, field) and why, in both languages."""

    def __init__(self, line: int | None, where: str, message_vi: str, message_en: str):
        self.line, self.where = line, where
        self.message_vi, self.message_en = message_vi, message_en
        at = f"dòng {line}, " if line else ""
        at_en = f"line {line}, " if line else ""
        super().__init__(f"{at}{where}: {message_vi} ({at_en}{where}: {message_en})")


@dataclass(frozen=True)
class Indicator:
    """One deprivation indicator of a standard's set."""

    number: int  # its column number in the official forms (1–12)
    code: str  # stable id, English snake_case ("waste_treatment")
    name: str  # "Xử lý rác thải sinh hoạt"
    dimension: str  # "Nước sinh hoạt, vệ sinh và môi trường"
    spellings: tuple[str, ...] = ()  # folded header spellings besides its name

    @property
    def keys(self) -> tuple[str, ...]:
        """Every folded spelling a header may use for it, its name first."""
        return (fold(self.name), *(fold(s) for s in self.spellings))


@dataclass(frozen=True)
class Lines:
    """A standard's income lines in one area, đồng per person per month. A household at or
    below `poverty` is poor (with enough deprivations) or near-poor; between `poverty` and
    `near_poor` (where the standard sets that line) near-poor; then of average living up to
    `average_upper` (None: not published, so above the lines the class cannot be told)."""

    poverty: float
    near_poor: float | None = None
    average_upper: float | None = None


@dataclass(frozen=True)
class Standard:
    """One poverty standard, whole (see the module's docstring)."""

    id: str
    name: str
    legal_basis: str
    first_year: int
    last_year: int
    min_deprivations_poor: int
    lines: dict[str, Lines] = field(hash=False)
    indicators: tuple[Indicator, ...] = ()
    province: str | None = None  # None: national
    provisional: bool = False
    provisional_note: str = ""
    unit: str = "month"  # how the file gave its amounts
    source: str = field(default="", compare=False)  # the file's text
    source_name: str = field(default="", compare=False)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicators)

    @property
    def period(self) -> str:
        return f"{self.first_year}–{self.last_year}"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()

    def covers(self, year: object) -> bool:
        """Whether the lists of `year` fall under it (a year that is no whole number: no)."""
        try:
            return self.first_year <= int(year) <= self.last_year
        except (TypeError, ValueError):
            return False

    def line(self, area: str) -> Lines | None:
        return self.lines.get(area)

    @property
    def label(self) -> str:
        """How a report names it: "Nghị định 351/2025/NĐ-CP (giai đoạn 2027–2030, tạm theo
        thông tin công bố)"."""
        note = ", tạm theo thông tin công bố" if self.provisional else ""
        return f"{self.legal_basis} (giai đoạn {self.period}{note})"

    def indicator(self, code: str) -> Indicator | None:
        return next((i for i in self.indicators if i.code == code), None)


@dataclass(frozen=True)
class Catalog:
    """The standards in use: the shipped ones, and those imported into the warehouse (an
    imported standard replaces a shipped one of the same id)."""

    standards: tuple[Standard, ...]

    def national(self, year: object) -> Standard | None:
        """The national standard in force for the lists of `year`."""
        return next((s for s in self.standards if s.province is None and s.covers(year)), None)

    def local(self, year: object, province: object) -> Standard | None:
        """A province's own standard in force for its lists of `year`, if it has one."""
        if not isinstance(province, str):
            return None
        return next((s for s in self.standards if s.province == province and s.covers(year)), None)

    def get(self, standard_id: object) -> Standard | None:
        return next((s for s in self.standards if s.id == standard_id), None)

    def covered_years(self) -> tuple[int, int]:
        """First and last list year a national standard covers."""
        national = [s for s in self.standards if s.province is None]
        return min(s.first_year for s in national), max(s.last_year for s in national)

    @functools.cached_property
    def codes(self) -> tuple[str, ...]:
        """Every indicator code of every standard, each once, in the order first declared."""
        return tuple(dict.fromkeys(c for s in self.standards for c in s.codes))

    @functools.cached_property
    def sets(self) -> tuple[Standard, ...]:
        """The national standards, one per indicator set, oldest first."""
        return tuple(
            sorted((s for s in self.standards if s.province is None), key=lambda s: s.first_year)
        )

    def with_standards(self, others: list[Standard]) -> Catalog:
        """This catalog with `others` added, each replacing a standard of its id."""
        ids = {s.id for s in others}
        kept = [s for s in self.standards if s.id not in ids]
        ordered = sorted([*kept, *others], key=lambda s: (s.province or "", s.first_year, s.id))
        return Catalog(tuple(ordered))


def parse_standard(text: str, source_name: str = "") -> Standard:
    """A standard from the text of its TOML file; `StandardError` says the line and field of
    anything it cannot use."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _decode_line(str(exc))
        raise StandardError(
            line, "TOML", f"không đọc được tệp ({exc})", f"not a TOML file ({exc})"
        ) from exc
    lookup = _Lookup(text, data)
    unit = lookup.choice("unit", ("month", "year"), default="month")
    per_month = 12 if unit == "year" else 1
    lines = {}
    for area in AREAS:
        table = lookup.table(f"lines.{area}", data.get("lines", {}).get(area))
        poverty = lookup.amount(f"lines.{area}.poverty", table.get("poverty"), required=True)
        near = lookup.amount(f"lines.{area}.near_poor", table.get("near_poor"))
        upper = lookup.amount(f"lines.{area}.average_upper", table.get("average_upper"))
        for name, value in (("near_poor", near), ("average_upper", upper)):
            if value is not None and value < poverty:
                raise lookup.error(
                    f"lines.{area}.{name}",
                    "không được thấp hơn chuẩn nghèo",
                    "must not be below the poverty line",
                )
        lines[area] = Lines(
            poverty / per_month,
            None if near is None else near / per_month,
            None if upper is None else upper / per_month,
        )
    first = lookup.year("first_year")
    last = lookup.year("last_year")
    if last < first:
        raise lookup.error("last_year", "trước first_year", "before first_year")
    province = data.get("province")
    if province is not None and not re.fullmatch(r"\d{2}", str(province)):
        raise lookup.error("province", "phải là mã tỉnh 2 chữ số", "must be a 2-digit code")
    indicators = _indicators(lookup, data.get("indicators"), required=province is None)
    threshold = lookup.whole("min_deprivations_poor", 1, len(indicators) or 99)
    return Standard(
        id=lookup.text("id", pattern=r"[a-z0-9][a-z0-9-]*"),
        name=lookup.text("name"),
        legal_basis=lookup.text("legal_basis"),
        first_year=first,
        last_year=last,
        min_deprivations_poor=threshold,
        lines=lines,
        indicators=indicators,
        province=None if province is None else str(province),
        provisional=bool(data.get("provisional", False)),
        provisional_note=str(data.get("provisional_note", "")),
        unit=unit,
        source=text,
        source_name=source_name,
    )


def _indicators(lookup: _Lookup, items: object, required: bool) -> tuple[Indicator, ...]:
    if items is None:
        if required:
            raise lookup.error(
                "indicators", "chuẩn quốc gia cần bộ chỉ số", "a national standard needs them"
            )
        return ()
    if not isinstance(items, list) or not items:
        raise lookup.error("indicators", "phải là danh sách [[indicators]]", "must be a list")
    out: list[Indicator] = []
    for k, item in enumerate(items, start=1):
        where = f"indicators[{k}]"
        if not isinstance(item, dict):
            raise lookup.error(where, "phải là một bảng", "must be a table")
        number = item.get("number")
        if not isinstance(number, int) or number != k:
            raise lookup.error(
                f"{where}.number", f"phải là {k} (đánh số liên tục)", f"must be {k} (in order)"
            )
        code = item.get("code")
        if not isinstance(code, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", code):
            raise lookup.error(f"{where}.code", "phải là mã chữ thường", "must be snake_case")
        if any(i.code == code for i in out):
            raise lookup.error(f"{where}.code", f"'{code}' bị trùng", f"'{code}' repeats")
        for name in ("name", "dimension"):
            if not isinstance(item.get(name), str) or not item[name].strip():
                raise lookup.error(f"{where}.{name}", "thiếu", "missing")
        spellings = item.get("spellings", [])
        if not isinstance(spellings, list) or not all(isinstance(s, str) for s in spellings):
            raise lookup.error(f"{where}.spellings", "phải là danh sách chữ", "must be strings")
        out.append(
            Indicator(
                number, code, item["name"].strip(), item["dimension"].strip(), tuple(spellings)
            )
        )
    return tuple(out)


class _Lookup:
    """Fields of a parsed TOML file, each refused with its line when unusable."""

    def __init__(self, text: str, data: dict):
        self.lines, self.data = text.splitlines(), data

    def line_of(self, where: str) -> int | None:
        key = where.split(".")[-1].split("[")[0]
        table = where.split(".")[-2] if "." in where else None
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        start = 0
        if table and table not in ("indicators",) and not table.startswith("indicators["):
            header = re.compile(rf"^\s*\[[^\]]*\b{re.escape(table)}\]")
            start = next((n for n, line in enumerate(self.lines) if header.match(line)), 0)
        if "[" in where:  # the k-th [[indicators]] table
            k = int(re.search(r"\[(\d+)\]", where)[1])
            heads = [n for n, line in enumerate(self.lines) if line.strip() == "[[indicators]]"]
            start = heads[k - 1] if len(heads) >= k else 0
            if where.endswith("]"):
                return start + 1
        for n in range(start, len(self.lines)):
            if pattern.match(self.lines[n]):
                return n + 1
        return None

    def error(self, where: str, vi: str, en: str) -> StandardError:
        return StandardError(self.line_of(where), where, vi, en)

    def text(self, name: str, pattern: str | None = None) -> str:
        value = self.data.get(name)
        if not isinstance(value, str) or not value.strip():
            raise self.error(name, "thiếu hoặc không phải chữ", "missing or not text")
        if pattern and not re.fullmatch(pattern, value):
            raise self.error(name, f"'{value}' không hợp lệ", f"'{value}' is not valid")
        return value.strip()

    def choice(self, name: str, allowed: tuple[str, ...], default: str) -> str:
        value = self.data.get(name, default)
        if value not in allowed:
            raise self.error(
                name, f"phải là {' hoặc '.join(allowed)}", f"must be {' or '.join(allowed)}"
            )
        return value

    def year(self, name: str) -> int:
        value = self.data.get(name)
        if not isinstance(value, int) or not 2000 <= value <= 2100:
            raise self.error(name, "phải là một năm", "must be a year")
        return value

    def whole(self, name: str, low: int, high: int) -> int:
        value = self.data.get(name)
        if not isinstance(value, int) or not low <= value <= high:
            raise self.error(
                name, f"phải là số nguyên từ {low} đến {high}", f"must be a whole {low}–{high}"
            )
        return value

    def table(self, where: str, value: object) -> dict:
        if not isinstance(value, dict):
            raise self.error(where, f"thiếu bảng [{where}]", f"missing table [{where}]")
        return value

    def amount(self, where: str, value: object, required: bool = False) -> float | None:
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise self.error(where, "phải là số đồng dương", "must be a positive amount")
        return float(value)


def _decode_line(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found[1]) if found else None


@functools.lru_cache(maxsize=1)
def shipped() -> Catalog:
    """The standards shipped with the product (this package's TOML files)."""
    files = resources.files(__name__)
    standards = [
        parse_standard(files.joinpath(name).read_text(encoding="utf-8"), f"shipped:{name}")
        for name in SHIPPED
    ]
    return Catalog(()).with_standards(standards)


def catalog_of(imported: list[tuple[str, str]]) -> Catalog:
    """The shipped standards with imported ones, as the warehouse keeps them: (text, the
    name of the file it came from)."""
    return shipped().with_standards([parse_standard(text, name) for text, name in imported])
