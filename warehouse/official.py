"""The official unit lists as published, read into the registry (`giamngheo registry import`).

Four official files, recognised by their content, not their names (see
warehouse/reference/admin-2025/README.md for their oddities):

- the statistics office's unit list (province, district, commune, with codes): the units in
  force from the import's day;
- the old→new commune table of 1 July 2025 (two-tier local government): the new communes under
  their province from that day, the districts and the old communes ended, and the villages of
  a commune merged whole moved to the new one. Villages of a commune merged in part, or of a
  commune the table does not name, are left unassigned until an assignment file says where
  they went;
- the lists of the new communes and of the 34 provinces of 1 July 2025;

and two of the project's own: the registry CSV (code,level,name,parent_code,area, with
optional valid_from,valid_to) and an assignment file (code,new_parent[,valid_from]).
Importing a file twice changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from giamngheo.errors import RegistryError
from giamngheo.transforms.columns import fold
from giamngheo.transforms.registry import registry_problems, unit_key
from giamngheo.transforms.reorganisation import Registry

REORGANISATION_DAY = dt.date(2025, 7, 1)  # two-tier local government (Nghị quyết 202/2025/QH15)

# "Thành phố Huế (46)", "Quận Ba Đình (001)": a name with its code in brackets.
_CODED = re.compile(r"^(.*?)\s*\((\d+)\)\s*$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Imported:
    """What an import did: the file's kind, the day it applies from, the rows it changed."""

    kind: str
    day: dt.date | None
    changed: int
    units: pd.DataFrame


KINDS = {
    "units": "danh mục đơn vị hành chính của Tổng cục Thống kê (units list)",
    "changes": "bảng chuyển đổi xã cũ → xã mới từ 01/7/2025 (old → new communes)",
    "communes": "danh sách xã, phường, đặc khu từ 01/7/2025 (new communes)",
    "provinces": "danh sách 34 tỉnh, thành phố từ 01/7/2025 (new provinces)",
    "registry": "danh mục của giamngheo: code,level,name,parent_code,area",
    "assignment": "tệp gán thôn: code,new_parent",
}


def import_file(units: pd.DataFrame, path: Path, day: dt.date | None = None) -> Imported:
    """`units` (the registry, every period) with the file applied; RegistryError when the file
    is not one of the kinds above, or leaves the registry inconsistent."""
    rows = _rows(path)
    kind = detect(rows)
    if kind is None:
        expected = "; ".join(KINDS.values())
        raise RegistryError(
            f"Không nhận ra tệp {path.name}: cần một trong các loại: {expected}. "
            f"(Not a file this command reads; expected one of the kinds above.)"
        )
    registry = Registry.of(units)
    if kind in ("changes", "communes", "provinces"):
        day = day or REORGANISATION_DAY  # the lists of the reorganisation apply from its day
    _APPLY[kind](registry, rows, day)
    result = registry.frame()
    problems = registry_problems(result)
    if problems:
        shown = "\n  - ".join(problems[:20])
        raise RegistryError(
            f"Sau khi nhập {path.name}, danh mục có lỗi (the registry would have errors):\n"
            f"  - {shown}"
        )
    return Imported(kind, day, registry.changed, result)


def _rows(path: Path) -> list[list[str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"Không đọc được {path} (cannot read it): {exc}") from exc
    return [
        [_SPACES.sub(" ", cell).strip() for cell in row]
        for row in csv.reader(io.StringIO(text))
        if any(cell.strip() for cell in row)
    ]


def detect(rows: list[list[str]]) -> str | None:
    """Which kind of file these rows are, from their header or shape."""
    if not rows:
        return None
    head = [fold(c) for c in rows[0]]
    second = [fold(c) for c in rows[1]] if len(rows) > 1 else []
    if head[:6] == ["tinh thanh pho", "ma tp", "quan huyen", "ma qh", "phuong xa", "ma px"]:
        return "units"
    if "ten xa moi" in second and "ma xa cu" in second:
        return "changes"
    if head[:5] == ["code", "level", "name", "parent code", "area"]:
        return "registry"
    if head[:2] == ["code", "new parent"]:
        return "assignment"
    coded = [r for r in rows if r and r[0].isdigit()]
    if coded and all(len(r[0]) == 2 for r in coded) and len(coded) == len(rows):
        return "provinces"
    if coded and all(len(r[0]) == 5 and len(r) >= 3 for r in coded):
        return "communes"
    return None


def _area(name: str) -> str:
    """A commune's area from its kind: phường and thị trấn are urban."""
    return "urban" if fold(name).startswith(("phuong", "thi tran")) else "rural"


def _apply_units(registry: Registry, rows: list[list[str]], day: dt.date | None) -> None:
    """The statistics office's list: every province, district and commune in force from
    `day`; those of its provinces it no longer names end that day."""
    seen: set[str] = set()
    for row in rows[1:]:
        row = [*row, *[""] * (7 - len(row))]
        province, p_code, district, d_code, commune, c_code = row[:6]
        registry.set(p_code, "province", province, None, None, day)
        registry.set(d_code, "district", district, p_code, None, day)
        seen |= {p_code, d_code}
        if c_code:  # island districts have no commune
            registry.set(c_code, "commune", commune, d_code, _area(commune), day)
            seen.add(c_code)
    if day is None:
        return
    covered = {r[1] for r in rows[1:]}
    for level in ("district", "commune"):
        for code in registry.codes_at(level, day):
            if code not in seen and _province_of(registry, code, day) in covered:
                _end_with_villages(registry, code, day)


def _province_of(registry: Registry, code: str, day: dt.date) -> str | None:
    row = registry.at(code, day)
    while row is not None and row["level"] != "province":
        row = registry.at(row["parent_code"], day) if row["parent_code"] else None
    return None if row is None else row["code"]


def _end_with_villages(registry: Registry, code: str, day: dt.date) -> None:
    """`code` ends; a commune's villages are left to be assigned."""
    for village in registry.children(code, day, "village"):
        registry.end(village, day)
    registry.end(code, day)


_WHOLE = ("nhap toan bo", "giu nguyen", "doi ten", "doi loai hinh", "sap xep toan bo")


def _apply_changes(registry: Registry, rows: list[list[str]], day: dt.date) -> None:
    """The old→new table: new provinces and communes from `day`, districts ended, villages of
    a commune merged whole moved, of one merged in part (or split) left unassigned."""
    records = []
    for row in rows[2:]:
        row = [*row, *[""] * (8 - len(row))]
        if not row[2]:  # a province section row
            continue
        province, p_code = _coded(row[0])
        records.append((p_code, province, row[1], row[2], row[3], row[4], fold(row[5])))
    before = day - dt.timedelta(days=1)
    old_districts = registry.codes_at("district", before)
    old_provinces = registry.codes_at("province", before)
    targets: dict[str, set[str]] = {}
    whole: dict[str, bool] = {}
    for _, _, _, new_code, _, old_code, note in records:
        targets.setdefault(old_code, set()).add(new_code)
        whole[old_code] = whole.get(old_code, True) and (
            note.startswith(_WHOLE) or "toan bo dan so" in note
        )
    # the villages each old commune had the day before
    by_commune = registry.children_by_parent(before, "village")
    villages = {code: by_commune.get(code, []) for code in registry.codes_at("commune", before)}
    new_provinces = {p_code: province for p_code, province, *_ in records}
    for p_code, province in new_provinces.items():
        registry.set(p_code, "province", province, None, None, day)
    for code in old_provinces:
        if code not in new_provinces:
            registry.end(code, day)
    for code in old_districts:
        registry.end(code, day)
    continuing = {new_code for _, _, _, new_code, *_ in records}
    for code in villages:  # the old communes (one whose code goes on is replaced below)
        if code not in continuing:
            registry.end(code, day)
    new_communes: dict[str, tuple[str, str]] = {}
    for p_code, _, new_name, new_code, *_ in records:
        # the first spelling of a commune's name ("Thụy" and "Thuỵ" both appear)
        new_communes.setdefault(new_code, (new_name, p_code))
    for new_code, (new_name, p_code) in new_communes.items():
        registry.set(new_code, "commune", new_name, p_code, _area(new_name), day)
    for old_code, found in villages.items():
        new = targets.get(old_code, set())
        for village in found:
            if len(new) == 1 and whole.get(old_code):
                registry.move(village, next(iter(new)), day)
            else:
                registry.end(village, day)  # unassigned until an assignment file


def _coded(text: str) -> tuple[str, str]:
    found = _CODED.match(text)
    if not found:
        raise RegistryError(f"Thiếu mã trong '{text}' (no code in brackets)")
    return found[1].strip(), found[2]


def _apply_communes(registry: Registry, rows: list[list[str]], day: dt.date) -> None:
    provinces = {
        unit_key(registry.at(code, day)["name"]): code
        for code in registry.codes_at("province", day)
    }
    # The old→new table gave 114 new communes another code than this list: the same commune
    # (same province, same name) takes this list's code, with its villages, and a code the
    # list does not name ends. Which villages go where is taken before anything changes.
    villages = registry.children_by_parent(day, "village")
    named = {}
    for code in registry.codes_at("commune", day):
        row = registry.at(code, day)
        if row["valid_from"] == day:
            named[(row["parent_code"], unit_key(row["name"]))] = villages.get(code, [])
    listed: set[str] = set()
    unknown = set()
    moves: list[tuple[str, str]] = []
    for row in rows:
        if not row[0]:
            continue
        code, name, province = row[0], row[1], row[2]
        parent = provinces.get(unit_key(province))
        if parent is None:
            unknown.add(province)
            continue
        listed.add(code)
        registry.set(code, "commune", name, parent, _area(name), day)
        moves += [(village, code) for village in named.get((parent, unit_key(name)), [])]
    for village, code in moves:
        registry.move(village, code, day)
    for code in registry.codes_at("commune", day):
        row = registry.at(code, day)
        if row["valid_from"] == day and code not in listed:
            registry.end(code, day)
    if unknown:
        raise RegistryError(
            f"Tỉnh chưa có trong danh mục (provinces not in the registry): "
            f"{', '.join(sorted(unknown))}. Nhập danh sách tỉnh trước (import the provinces first)."
        )


def _apply_provinces(registry: Registry, rows: list[list[str]], day: dt.date) -> None:
    """The provinces from `day`; a name that differs only by its kind word ("Cao Bằng" for
    "Tỉnh Cao Bằng") keeps the fuller one."""
    for code, name, *_ in rows:
        current = registry.at(code, day)
        if current is not None and unit_key(current["name"]) == unit_key(name):
            name = current["name"]
        registry.set(code, "province", name, None, None, day)


def _apply_registry(registry: Registry, rows: list[list[str]], day: dt.date | None) -> None:
    header = [fold(c).replace(" ", "_") for c in rows[0]]
    for values in rows[1:]:
        row = dict(zip(header, [*values, *[""] * (len(header) - len(values))], strict=False))
        start = row.get("valid_from") or None
        when = dt.date.fromisoformat(start) if start else day
        registry.set(
            row["code"],
            row["level"],
            row["name"],
            row.get("parent_code") or None,
            row.get("area") or None,
            when,
        )
        if row.get("valid_to"):
            registry.end(row["code"], dt.date.fromisoformat(row["valid_to"]))


def _apply_assignment(registry: Registry, rows: list[list[str]], day: dt.date | None) -> None:
    """Villages left unassigned, each put under the commune that took it, from the day its
    last commune ended (or `day`)."""
    unassigned = {r["code"]: r for r in registry.unassigned()}
    unknown = []
    for values in rows[1:]:
        code, parent = values[0], values[1]
        start = values[2] if len(values) > 2 and values[2] else None
        last = unassigned.get(code) or registry.at(code, None)
        if last is None or last["level"] != "village":
            unknown.append(code)
            continue
        if not start and any(r["parent_code"] == parent for r in registry.rows[code]):
            continue  # assigned so already (and followed from there)
        when = dt.date.fromisoformat(start) if start else day or last["valid_to"]
        if when is None:
            raise RegistryError(
                f"Thôn {code} đã thuộc xã {last['parent_code']}: ghi ngày chuyển (--valid-from). "
                f"(Village {code} belongs to {last['parent_code']}: give the day it moved.)"
            )
        above = registry.at(parent, when)
        area = above["area"] if above is not None and above["area"] else last["area"]
        registry.set(code, "village", last["name"], parent, area, when)
        _follow(registry, code, parent, when)
    if unknown:
        raise RegistryError(f"Không có thôn (no such village): {', '.join(unknown)}")


_APPLY: dict[str, Callable] = {
    "units": _apply_units,
    "changes": _apply_changes,
    "communes": _apply_communes,
    "provinces": _apply_provinces,
    "registry": _apply_registry,
    "assignment": _apply_assignment,
}


def _follow(registry: Registry, village: str, commune: str, day: dt.date) -> None:
    """A village put under `commune` from `day` follows it through its later merges: where the
    commune ends and its other villages all went to one commune, the village goes there too;
    where they went apart (or the registry knows none), it is left unassigned from that day."""
    while True:
        row = registry.at(commune, day)
        while row is not None and row["valid_to"] and registry.at(commune, row["valid_to"]):
            row = registry.at(commune, row["valid_to"])  # renamed, or moved to a new parent
        if row is None or row["valid_to"] is None:
            return
        end = row["valid_to"]
        others = [
            v
            for v in registry.children(commune, end - dt.timedelta(days=1), "village")
            if v != village
        ]
        after = {(registry.at(v, end) or {}).get("parent_code") for v in others}
        if len(after) != 1 or None in after:
            registry.end(village, end)
            return
        commune, day = after.pop(), end
        registry.move(village, commune, day)


# The sample district through the reorganisation, in date order: the statistics office's list
# (Huế's changes of 1 January 2025), the lists of 1 July 2025, then where the villages of the
# four sample communes merged in January went (the official lists do not follow villages).
SAMPLE_HISTORY = (
    ("admin-2025/don-vi-2025-01-04.csv", dt.date(2025, 1, 1)),
    ("admin-2025/chuyen-doi-2025-07-01.csv", None),
    ("admin-2025/tinh-2025-07-01.csv", None),
    ("admin-2025/xa-2025-07-01.csv", None),
    ("gan_thon_phong_dien_2025.csv", None),
)


def sample_history(units: pd.DataFrame) -> pd.DataFrame:
    """The bundled sample registry `units` with the official files of 2025 applied."""
    reference = resources.files("giamngheo.warehouse").joinpath("reference")
    for name, day in SAMPLE_HISTORY:
        units = import_file(units, Path(str(reference.joinpath(name))), day).units
    return units
