"""What a report covers and who signs it: its rows, their order and labels, and the signer.

A report is about one unit (a province, a district or a commune) and one year. Its rows (the
`Scope`) are the unit and the units under it, each covering a set of villages, numbered as the
forms number them (TT "1", "1.1", …) and in one order on every sheet: communes by code,
villages grouped by the commune they were first coded under (their former commune, where a
unit merged), then by number. A village is always named with its code, and with its former
commune where it came from one ("Thôn 3 (Điền Hòa cũ, mã 19834-03)"), so that no two rows of a
merged ward read alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from giamngheo.transforms.registry import registry_on

_CHILD_LEVEL = {"province": "commune", "district": "commune", "commune": "village"}
_UNIT_PREFIX = (
    "Thành phố ",
    "Thị trấn ",
    "Thị xã ",
    "Tỉnh ",
    "Huyện ",
    "Quận ",
    "Phường ",
    "Xã ",
    "Đặc khu ",
)
# How a form names the units a row sums, by their level.
PART_WORDS = {"district": "huyện", "commune": "xã, phường", "village": "thôn"}


@dataclass(frozen=True)
class ReportRow:
    """One row of a report: a unit, its number on the form, and the villages it covers.

    `parts` counts the units directly under a bold row in the registry (those without any
    village in it too), `part_level` their level: what "cộng 5/40 xã, phường" counts."""

    tt: str
    code: str
    name: str
    level: str
    bold: bool
    villages: frozenset[str]
    parts: int = 0
    part_level: str = ""
    children: tuple[str, ...] = ()  # codes of the rows directly under it


@dataclass(frozen=True)
class Scope:
    """What one report covers: the unit, and its rows in the order the forms print them."""

    code: str
    name: str
    level: str
    rows: tuple[ReportRow, ...]
    # Names of the units under the unit that have no village in the registry, hence no row.
    without_villages: tuple[str, ...] = ()

    @property
    def villages(self) -> frozenset[str]:
        return frozenset().union(*(r.villages for r in self.rows))

    @property
    def leaves(self) -> tuple[ReportRow, ...]:
        """The rows that are not a sum of other rows (communes, or villages)."""
        return tuple(r for r in self.rows if not r.bold)

    @property
    def child_label(self) -> str:
        return "Thôn, tổ dân phố" if self.level == "commune" else "Phường/Xã"

    @property
    def place(self) -> str:
        """The unit's name as a place ("Huyện Phong Điền" → "Phong Điền")."""
        return place_name(self.name)

    def row_villages(self, code: str) -> frozenset[str]:
        """The villages of the row of `code` (none when no row has it)."""
        return next((r.villages for r in self.rows if r.code == code), frozenset())


def place_name(name: str) -> str:
    for prefix in _UNIT_PREFIX:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def village_order(code: str) -> tuple:
    """A village's place on every sheet: by the commune its code was first given under (the
    former commune of a merged unit), then by number (…-2 before …-10, whatever the padding)."""
    commune, _, number = code.rpartition("-")
    return (commune, int(number) if number.isdigit() else 0, code)


def village_labels(units: pd.DataFrame, history: pd.DataFrame | None = None) -> dict[str, str]:
    """Each village's name on the forms, by code: its name and code, and, in a commune that
    holds villages of several former communes, the former commune it was first coded under
    ("Thôn 3 (Điền Hòa cũ, mã 19834-03)"). `history` is the whole registry (every period),
    where a former commune's name is found; `units` alone serves when it has none."""
    every = history if history is not None else units
    last, first = _names(every, "last"), _names(every, "first")
    villages = units[units["level"] == "village"]
    formers: dict[object, set[str]] = {}
    for code, parent in zip(villages["code"], villages["parent_code"], strict=True):
        formers.setdefault(parent, set()).add(code.rpartition("-")[0])
    out = {}
    for code, name, parent in zip(
        villages["code"], villages["name"], villages["parent_code"], strict=True
    ):
        former = code.rpartition("-")[0]
        if len(formers[parent]) > 1:
            # the old commune's name: as it ended, or, for the one whose code the commune
            # kept, as it was before it took the others
            was = first.get(former) if former == parent else last.get(former)
            if was:
                out[code] = f"{name} ({place_name(was)} cũ, mã {code})"
                continue
        out[code] = f"{name} (mã {code})"
    return out


def _names(units: pd.DataFrame, which: str) -> dict[str, str]:
    """Each unit's name in its first or its last row."""
    if "valid_from" in units.columns:
        units = units.sort_values("valid_from", na_position="first", kind="stable")
    rows = units.drop_duplicates("code", keep=which)
    return dict(zip(rows["code"], rows["name"], strict=True))


def scope(units: pd.DataFrame, unit_code: str, history: pd.DataFrame | None = None) -> Scope:
    """The rows of a report on `unit_code`, from the hierarchy in `units` (code, level, name,
    parent_code): a district or a province without districts, then its communes ("1",
    "1.1", …); a province with districts, its total first, then each district ("1", "2", …)
    and its communes ("1.1", …); a commune, then its villages (named by `village_labels`).

    A unit below the report's unit that has no village in the registry has no row: it is
    named in `without_villages` and counted in its parent's `parts`."""
    known = units.set_index("code")
    unit = known.loc[unit_code]
    children = _children(units)
    labels = village_labels(units, history)
    cache: dict[str, frozenset[str]] = {}

    def villages_of(code: str) -> frozenset[str]:
        if code not in cache:
            if known.at[code, "level"] == "village":
                cache[code] = frozenset([code])
            else:
                cache[code] = frozenset().union(*(villages_of(c) for c in children.get(code, [])))
        return cache[code]

    level = unit["level"]
    tops = [c for c in children.get(unit_code, []) if known.at[c, "level"] != "village"]
    below = [k for c in tops for k in children.get(c, []) if known.at[k, "level"] != "village"]
    empty: list[str] = []
    if level != "commune":  # named once: a district without villages, not each of its communes
        empty = [c for c in _ordered(tops, known) if not villages_of(c)]
        empty += [
            c
            for c in _ordered(below, known)
            if not villages_of(c) and known.at[c, "parent_code"] not in empty
        ]
    dropped = set(empty) | {k for c in empty for k in children.get(c, [])}

    def kids(code: str, of_level: str | None = None) -> list[str]:
        found = [c for c in children.get(code, []) if c not in dropped]
        if of_level:
            found = [c for c in found if known.at[c, "level"] == of_level]
        return _ordered(found, known)

    def row(tt: str, code: str, bold: bool, under: list[str] = ()) -> ReportRow:
        every = [
            c
            for c in children.get(code, [])
            if known.at[c, "level"] != "village" or level == "commune"
        ]
        return ReportRow(
            tt,
            code,
            labels.get(code, known.at[code, "name"]),
            known.at[code, "level"],
            bold,
            villages_of(code),
            parts=len(every) if bold else 0,
            part_level=_part_level(every, known) if bold else "",
            children=tuple(under),
        )

    rows: list[ReportRow] = []
    districts = kids(unit_code, "district")
    if level == "province" and districts:
        tops = districts + kids(unit_code, "commune")
        rows.append(row("", unit_code, True, tops))
        for k, top in enumerate(tops, start=1):
            if known.at[top, "level"] == "district":
                communes = kids(top)
                rows.append(row(str(k), top, True, communes))
                rows += [row(f"{k}.{i}", c, False) for i, c in enumerate(communes, start=1)]
            else:
                rows.append(row(str(k), top, False))
    else:
        child_level = _CHILD_LEVEL.get(level, "village")
        under = kids(unit_code, child_level)
        rows.append(row("1", unit_code, True, under))
        rows += [row(f"1.{i}", c, False) for i, c in enumerate(under, start=1)]
    names = tuple(known.at[c, "name"] for c in empty)
    return Scope(unit_code, unit["name"], level, tuple(rows), names)


def _part_level(codes: list[str], known: pd.DataFrame) -> str:
    levels = {known.at[c, "level"] for c in codes}
    return levels.pop() if len(levels) == 1 else "unit"


def _children(units: pd.DataFrame) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for code, parent in zip(units["code"], units["parent_code"], strict=True):
        if isinstance(parent, str):
            out.setdefault(parent, []).append(code)
    return out


def _ordered(codes: list[str], known: pd.DataFrame) -> list[str]:
    """Units in their order on the forms: communes by code, villages by `village_order`."""

    def key(code: str) -> tuple:
        if known.at[code, "level"] == "village" and "-" in code:
            return village_order(code)
        return (code, 0, code)

    return sorted(codes, key=key)


def parts_words(row: ReportRow, listed: int) -> str:
    """What a bold row sums, when it is not all its units: "cộng 5/40 xã, phường có số liệu";
    empty when every unit under it has figures."""
    if not row.bold or not row.parts or listed >= row.parts:
        return ""
    return f"cộng {listed}/{row.parts} {PART_WORDS.get(row.part_level, 'đơn vị')} có số liệu"


def listed_parts(scope: Scope, listed: set[str] | frozenset[str]) -> list[int]:
    """For each row, how many of the rows directly under it have a village in `listed`."""
    by_code = {r.code: r for r in scope.rows}
    return [sum(1 for c in r.children if by_code[c].villages & listed) for r in scope.rows]


@dataclass(frozen=True)
class Signer:
    """The unit in force on the report's day that signs it (the ward or province that holds
    the figures now), and, when that is not the unit the figures were made by, that unit's
    name for the title ("Xã Điền Hòa (cũ)")."""

    code: str
    name: str
    made_by: str = ""


def signer(history: pd.DataFrame, scope: Scope, day: dt.date) -> Signer:
    """Who signs a report on `scope` dated `day`: the unit itself while it holds (under its
    name of that day), else the lowest unit in force on `day`, of its level or above, that holds
    all of its villages, else the nearest unit above it that is still in force."""
    on = registry_on(history, day).set_index("code")
    if scope.code in on.index and on.at[scope.code, "level"] == scope.level:
        name = on.at[scope.code, "name"]
        return Signer(scope.code, name, "" if name == scope.name else f"{scope.name} (cũ)")
    made_by = f"{scope.name} (cũ)"
    chains = [_chain(on, v) for v in sorted(scope.villages) if v in on.index]
    if chains:
        common = [c for c in chains[0] if all(c in chain for chain in chains[1:])]
        # a unit at least as high as the report's: a district's report is not a ward's
        rank = _RANKS.get(scope.level, 1)
        holders = [c for c in common if _RANKS.get(on.at[c, "level"], 0) >= rank]
        if holders:
            return Signer(holders[0], on.at[holders[0], "name"], made_by)
    last = _last_rows(history)
    at = last.get(scope.code, {}).get("parent_code")
    seen: set[str] = set()
    while isinstance(at, str) and at not in seen:
        seen.add(at)
        if at in on.index:
            return Signer(at, on.at[at, "name"], made_by)
        at = last.get(at, {}).get("parent_code")
    return Signer(scope.code, scope.name)


_RANKS = {"village": 0, "commune": 1, "district": 2, "province": 3}


def _chain(on: pd.DataFrame, code: str) -> list[str]:
    """`code` and the units above it, in force on one day."""
    chain = [code]
    parent = on.at[code, "parent_code"]
    while isinstance(parent, str) and parent in on.index and parent not in chain:
        chain.append(parent)
        parent = on.at[parent, "parent_code"]
    return chain


def _last_rows(history: pd.DataFrame) -> dict[str, dict]:
    if "valid_from" in history.columns:
        history = history.sort_values("valid_from", na_position="first", kind="stable")
    return {r["code"]: r for r in history.to_dict("records")}
