"""The admin registry (province → district → commune → village) and its consistency rules."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pandas as pd

from giamngheo.transforms.columns import fold

REGISTRY_COLUMNS = ("code", "level", "name", "parent_code", "area")
PERIOD_COLUMNS = ("valid_from", "valid_to")  # [from, to); empty: since always / still
LEVELS = ("province", "district", "commune", "village")
# A list of year Y is placed in the hierarchy in force on this day of Y (month, day). The views
# use the same day (`list_date` in warehouse/macros.sql).
LIST_DAY = (1, 1)


def list_date(year: int) -> dt.date:
    """The day whose hierarchy a list of `year` is placed in."""
    return dt.date(int(year), *LIST_DAY)


def registry_at(units: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """The units in force for lists of `year` (one row per code), without their periods;
    with no year, each unit's latest row."""
    if not set(PERIOD_COLUMNS) <= set(units.columns):
        return units
    if year is None or pd.isna(year):
        latest = units.sort_values("valid_from", na_position="first", kind="stable")
        chosen = latest.drop_duplicates("code", keep="last")
        return chosen.drop(columns=list(PERIOD_COLUMNS)).reset_index(drop=True)
    return registry_on(units, list_date(int(year)))


def registry_on(units: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """The units in force on `day` (one row per code), without their periods."""
    if not set(PERIOD_COLUMNS) <= set(units.columns):
        return units
    when = pd.Timestamp(day)
    start = pd.to_datetime(units["valid_from"])
    end = pd.to_datetime(units["valid_to"])
    chosen = units[(start.isna() | (start <= when)) & (end.isna() | (end > when))]
    return chosen.drop(columns=list(PERIOD_COLUMNS)).reset_index(drop=True)


def ended_on(units: pd.DataFrame, code: str) -> dt.date | None:
    """The day `code` ended (its last row's end), or None while it holds."""
    if not set(PERIOD_COLUMNS) <= set(units.columns):
        return None
    rows = units[units["code"] == code]
    if rows.empty or rows["valid_to"].isna().any():
        return None
    return pd.Timestamp(rows["valid_to"].max()).date()


_PARENT_LEVEL = {"district": "province", "commune": "district", "village": "commune"}
_CODE_PATTERN = {
    "province": re.compile(r"\d{2}"),
    "district": re.compile(r"\d{3}"),
    "commune": re.compile(r"\d{5}"),
    "village": re.compile(r"\d{5}-\d{2}"),
}


def registry_now(units: pd.DataFrame) -> pd.DataFrame:
    """Today's units: the rows still open (one per code), without their periods; a unit that
    ended (a commune merged away, a district) is not among them."""
    if not set(PERIOD_COLUMNS) <= set(units.columns):
        return units
    return units[units["valid_to"].isna()].drop(columns=list(PERIOD_COLUMNS)).reset_index(drop=True)


def ancestors(units: pd.DataFrame, code: str) -> dict[str, str]:
    """The codes above `code` by level ({"district": …, "province": …}), in `units` indexed
    by code (one row per code: a hierarchy in force)."""
    found: dict[str, str] = {}
    parent = units.at[code, "parent_code"] if code in units.index else None
    while isinstance(parent, str) and parent in units.index and parent not in found.values():
        found[units.at[parent, "level"]] = parent
        parent = units.at[parent, "parent_code"]
    return found


class Hierarchy:
    """The registry by year: `at(year)` is the units in force for that year's lists (one row
    per code), computed once per year."""

    def __init__(self, units: pd.DataFrame):
        self.units = units
        self._at: dict[object, pd.DataFrame] = {}
        self._parents: dict[object, pd.Series] = {}

    def at(self, year: object) -> pd.DataFrame:
        key = None if year is None or pd.isna(year) else int(year)
        if key not in self._at:
            self._at[key] = registry_at(self.units, key)
        return self._at[key]

    def codes(self, year: object, level: str) -> frozenset[str]:
        """Codes of `level` in force for `year`'s lists."""
        key = ("codes", None if year is None or pd.isna(year) else int(year), level)
        if key not in self._at:
            at = self.at(key[1])
            self._at[key] = frozenset(at.loc[at["level"] == level, "code"])
        return self._at[key]

    def parent(self, code: object, year: object) -> str | None:
        """The parent of `code` in force for `year`'s lists."""
        key = None if year is None or pd.isna(year) else int(year)
        if key not in self._parents:
            self._parents[key] = self.at(key).set_index("code")["parent_code"]
        found = self._parents[key].get(code)
        return None if found is None or pd.isna(found) else found


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
    if not set(PERIOD_COLUMNS) <= set(units.columns):
        units = units.assign(valid_from=None, valid_to=None)
    levels = dict(zip(units["code"], units["level"], strict=False))
    overlapping = _overlapping_codes(units)
    if overlapping:
        problems.append(f"duplicate codes: {', '.join(map(str, overlapping[:10]))}")
    first_parent = (
        units.sort_values("valid_from", na_position="first", kind="stable")
        .drop_duplicates("code")
        .set_index("code")["parent_code"]
    )
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
        first = first_parent.get(row.code)
        if (
            row.level == "village"
            and isinstance(row.code, str)
            and isinstance(first, str)
            and not row.code.startswith(f"{first}-")
        ):  # villages keep their codes when their commune changes: the first one names it
            problems.append(f"{where}: a village code starts with its commune's code")
        if row.level in ("commune", "village") and row.area not in ("rural", "urban"):
            problems.append(f"{where}: area must be rural or urban")
    return problems


def _overlapping_codes(units: pd.DataFrame) -> list[str]:
    """Codes with two rows in force on the same day."""
    start = pd.to_datetime(units["valid_from"]).fillna(pd.Timestamp.min)
    end = pd.to_datetime(units["valid_to"]).fillna(pd.Timestamp.max)
    frame = pd.DataFrame({"code": units["code"], "start": start, "end": end})
    frame = frame[frame["code"].duplicated(keep=False)].sort_values(["code", "start"])
    clash = frame.groupby("code")["end"].shift() > frame["start"]
    return sorted(set(frame.loc[clash, "code"]))


def resolve_commune(
    units: pd.DataFrame, commune_code: str | None, commune_name: str | None
) -> str | None:
    """A commune's registry code from its code, or from its name ("Xã Điền Hòa", "dien hoa")."""
    communes = units[units["level"] == "commune"]
    if commune_code:
        return commune_code if commune_code in set(communes["code"]) else None
    if not commune_name:
        return None
    hits = communes[communes["name"].map(unit_key) == unit_key(commune_name)]
    if len(hits) > 1:  # "Điền Hòa" and "Điện Hòa" fold alike: the diacritics decide
        written = unicodedata.normalize("NFC", commune_name).strip().casefold()
        same = hits["name"].map(lambda n: unicodedata.normalize("NFC", n).casefold())
        hits = hits[(same == written) | (same.map(_without_kind) == _without_kind(written))]
    return hits["code"].iloc[0] if len(hits) == 1 else None


def _without_kind(name: str) -> str:
    return re.sub(r"^(xã|phường|thị trấn|đặc khu) ", "", name)


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


_UNIT_PREFIXES = re.compile(r"^(xa|phuong|thi tran|huyen|thi xa|thanh pho|tp|quan|tinh|dac khu) ")


def unit_key(name: str) -> str:
    """A unit name without its "Xã"/"Phường"/"Thị trấn" prefix, folded."""
    return _UNIT_PREFIXES.sub("", fold(name))
