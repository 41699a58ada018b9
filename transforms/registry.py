"""The admin registry (province → district → commune → village) and its consistency rules."""

from __future__ import annotations

import re

import pandas as pd

from giamngheo.transforms.columns import fold

REGISTRY_COLUMNS = ("code", "level", "name", "parent_code", "area")
LEVELS = ("province", "district", "commune", "village")
_PARENT_LEVEL = {"district": "province", "commune": "district", "village": "commune"}
_CODE_PATTERN = {
    "province": re.compile(r"\d{2}"),
    "district": re.compile(r"\d{3}"),
    "commune": re.compile(r"\d{5}"),
    "village": re.compile(r"\d{5}-\d{2}"),
}


def registry_problems(units: pd.DataFrame) -> list[str]:
    """Everything wrong with a registry frame, as sentences; empty when it is usable.

    Checks: the columns, known levels, code formats (village = <commune>-<2 digits>), unique
    codes, every parent present at the level above, and area rural | urban for communes and
    villages. A commune may report to a province directly (districts were abolished in 2025).
    """
    missing = [c for c in REGISTRY_COLUMNS if c not in units.columns]
    if missing:
        return [f"missing columns: {', '.join(missing)}"]
    problems: list[str] = []
    levels = dict(zip(units["code"], units["level"], strict=False))
    duplicated = units.loc[units["code"].duplicated(), "code"].tolist()
    if duplicated:
        problems.append(f"duplicate codes: {', '.join(map(str, duplicated[:10]))}")
    for row in units.itertuples(index=False):
        where = f"line for code {row.code!r}"
        if row.level not in LEVELS:
            problems.append(f"{where}: unknown level {row.level!r}")
            continue
        if not isinstance(row.code, str) or not _CODE_PATTERN[row.level].fullmatch(row.code):
            problems.append(f"{where}: code does not fit level {row.level}")
        if not isinstance(row.name, str) or not row.name.strip():
            problems.append(f"{where}: name is empty")
        if row.level == "province":
            continue
        parent_level = levels.get(row.parent_code)
        allowed = {_PARENT_LEVEL[row.level]} | ({"province"} if row.level == "commune" else set())
        if parent_level not in allowed:
            problems.append(
                f"{where}: parent {row.parent_code!r} is not a known {' or '.join(sorted(allowed))}"
            )
        if (
            row.level == "village"
            and isinstance(row.code, str)
            and not row.code.startswith(f"{row.parent_code}-")
        ):
            problems.append(f"{where}: a village code starts with its commune's code")
        if row.level in ("commune", "village") and row.area not in ("rural", "urban"):
            problems.append(f"{where}: area must be rural or urban")
    return problems


def resolve_commune(
    units: pd.DataFrame, commune_code: str | None, commune_name: str | None
) -> str | None:
    """A commune's registry code from its code, or from its name ("Xã Điền Hòa", "dien hoa")."""
    communes = units[units["level"] == "commune"]
    if commune_code:
        return commune_code if commune_code in set(communes["code"]) else None
    if not commune_name:
        return None
    hits = communes[communes["name"].map(_unit_key) == _unit_key(commune_name)]
    return hits["code"].iloc[0] if len(hits) == 1 else None


def resolve_village(
    units: pd.DataFrame,
    village_code: str | None,
    village_name: str | None,
    commune_code: str | None,
    commune_name: str | None,
) -> str | None:
    """A village's registry code from its code, or from its name within its commune.

    Names are compared folded (no diacritics, case or punctuation), so "THON 3" in "Xa Dien
    Hoa" finds Thôn 3 of Điền Hòa. Returns None when nothing, or more than one village, fits.
    """
    if village_code:
        return village_code
    if not village_name:
        return None
    commune = resolve_commune(units, commune_code, commune_name)
    if commune is None:
        return None
    hits = match_village(units, village_name, commune)
    return hits[0] if len(hits) == 1 else None


def match_village(units: pd.DataFrame, name: str, commune: str) -> list[str]:
    """Codes of the villages of `commune` that `name` may mean: the one whose folded name is
    the same, else every one whose `village_key` is ("Thôn 03" = "thôn 3" = "3";
    "Bình Nghĩa" = "Thôn Bình Nghĩa"). Two or more codes mean the name is ambiguous."""
    villages = units[(units["level"] == "village") & (units["parent_code"] == commune)]
    names = villages["name"].map(fold)
    exact = villages.loc[names == fold(name), "code"].tolist()
    if exact:
        return exact
    key = village_key(name)
    return villages.loc[villages["name"].map(village_key) == key, "code"].tolist() if key else []


# Words that name the kind of a village-level unit, dropped from names before comparing.
_VILLAGE_KINDS = re.compile(
    r"^(?:thon|to dan pho|tdp|to|ap|ban|xom|khu pho|kp|khu|khoi|lang|buon|bon|plei|"
    r"pum|soc|doi)(?: |$)"
)
_NUMBER = re.compile(r"\b0+(\d)")


def village_key(name: object) -> str:
    """A village name reduced for matching: folded, its kind word and leading zeros dropped."""
    key = fold(name)
    key = _VILLAGE_KINDS.sub("", key, count=1)
    return _NUMBER.sub(r"\1", key).strip()


_UNIT_PREFIXES = re.compile(r"^(xa|phuong|thi tran|huyen|thi xa|thanh pho|quan|tinh) ")


def _unit_key(name: str) -> str:
    """A unit name without its "Xã"/"Phường"/"Thị trấn" prefix, folded."""
    return _UNIT_PREFIXES.sub("", fold(name))
