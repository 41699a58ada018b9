"""Which villages have reported, for a year: by the rows of a unit (its districts, communes or
villages, as its report has them) or by province for the whole country.

A village is expected when the registry in force for the year's lists holds it; it has sent
a list when any file of it was processed, has one loaded when its current list is loaded, and
is rejected when every file it sent was rejected. The rate is loaded over expected (half up).
"""

from __future__ import annotations

import pandas as pd

from giamngheo.transforms.aggregate import rate_pct
from giamngheo.transforms.report_scope import Scope, village_order

COLUMNS = ("expected", "sent", "loaded", "rejected", "missing", "loaded_rate_pct")


def village_states(statuses: pd.DataFrame) -> dict[str, str]:
    """Each village's state from `queries/village_statuses.sql` rows: loaded or rejected (a
    village absent from them has sent nothing)."""
    return {
        code: "loaded" if loaded else "rejected"
        for code, loaded in zip(statuses["village_code"], statuses["loaded"], strict=True)
    }


def counts(villages: frozenset[str] | set[str], states: dict[str, str]) -> dict[str, object]:
    """The counts of one row over its `villages`."""
    expected = len(villages)
    sent = sum(1 for v in villages if v in states)
    loaded = sum(1 for v in villages if states.get(v) == "loaded")
    rejected = sent - loaded
    return {
        "expected": expected,
        "sent": sent,
        "loaded": loaded,
        "rejected": rejected,
        "missing": expected - sent,
        "loaded_rate_pct": rate_pct(loaded, expected) if expected else None,
    }


def unit_completeness(sc: Scope, states: dict[str, str]) -> list[dict]:
    """One row per row of the unit's report (tt, code, name, level, bold), with its counts;
    a village's row also says its state."""
    out = []
    for row in sc.rows:
        line = {"tt": row.tt, "code": row.code, "name": row.name, "level": row.level}
        line |= {"bold": row.bold, **counts(row.villages, states)}
        if row.level == "village":
            line["state"] = states.get(row.code, "missing")
        out.append(line)
    return out


def national_completeness(units: pd.DataFrame, states: dict[str, str]) -> list[dict]:
    """One row per province the registry holds villages of, over the units in force for the
    year (`units`, one row per code): its villages through their communes (and districts,
    before July 2025)."""
    parent = dict(zip(units["code"], units["parent_code"], strict=True))
    level = dict(zip(units["code"], units["level"], strict=True))
    provinces = units[units["level"] == "province"].sort_values("code")
    by_province: dict[str, set[str]] = {code: set() for code in provinces["code"]}
    for code in units.loc[units["level"] == "village", "code"]:
        at, seen = parent.get(code), set()
        while isinstance(at, str) and level.get(at) != "province" and at not in seen:
            seen.add(at)
            at = parent.get(at)
        if at in by_province:
            by_province[at].add(code)
    reporting = [
        (code, name)
        for code, name in zip(provinces["code"], provinces["name"], strict=True)
        if by_province[code]  # a province the registry holds no village of has nothing to send
    ]
    return [
        {
            "tt": str(n),
            "code": code,
            "name": name,
            "level": "province",
            "bold": False,
            **counts(by_province[code], states),
        }
        for n, (code, name) in enumerate(reporting, 1)
    ]


def missing_villages(sc: Scope, states: dict[str, str]) -> list[str]:
    """The villages of the unit that sent nothing, in the order of every sheet."""
    return sorted((v for v in sc.villages if v not in states), key=village_order)
