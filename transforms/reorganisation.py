"""Changes to the registry over time: a unit renamed or moved, ended, or merged into another.

The registry keeps one row per unit and period (`valid_from` to `valid_to`, exclusive; none
means since always / still). A change on a day closes the row in force that day and opens a
new one, so the past stays as it was: a 2024 list is still placed in the 2024 hierarchy.
Applying the same change twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from giamngheo.transforms.registry import PERIOD_COLUMNS, REGISTRY_COLUMNS

COLUMNS = (*REGISTRY_COLUMNS, *PERIOD_COLUMNS)


def _day(value: object) -> dt.date | None:
    if value is None or (not isinstance(value, str | dt.date) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def _holds(row: dict, day: dt.date | None) -> bool:
    start, end = row["valid_from"], row["valid_to"]
    if day is None:
        return end is None
    return (start is None or start <= day) and (end is None or end > day)


@dataclass
class Registry:
    """The registry as rows per code, changed in place by the operations below."""

    rows: dict[str, list[dict]] = field(default_factory=dict)
    changed: int = 0  # rows opened or closed

    @classmethod
    def of(cls, units: pd.DataFrame) -> Registry:
        frame = units.reindex(columns=list(COLUMNS)).astype(object)
        frame = frame.where(frame.notna(), None)
        registry = cls()
        for row in frame.to_dict("records"):
            row["valid_from"], row["valid_to"] = _day(row["valid_from"]), _day(row["valid_to"])
            registry.rows.setdefault(row["code"], []).append(row)
        return registry

    def frame(self) -> pd.DataFrame:
        rows = [row for found in self.rows.values() for row in found]
        frame = pd.DataFrame(rows, columns=list(COLUMNS))
        return frame.sort_values(["code", "valid_from"], na_position="first", ignore_index=True)

    def at(self, code: str, day: dt.date | None) -> dict | None:
        """The row of `code` in force on `day` (None: the open one)."""
        return next((r for r in self.rows.get(code, []) if _holds(r, day)), None)

    def codes_at(self, level: str, day: dt.date | None) -> list[str]:
        return [
            code
            for code, found in self.rows.items()
            if any(r["level"] == level and _holds(r, day) for r in found)
        ]

    def children(self, parent: str, day: dt.date | None, level: str) -> list[str]:
        return self.children_by_parent(day, level).get(parent, [])

    def children_by_parent(self, day: dt.date | None, level: str) -> dict[str, list[str]]:
        """Codes of `level` in force on `day`, by their parent then."""
        out: dict[str, list[str]] = {}
        for code, found in self.rows.items():
            for r in found:
                if r["level"] == level and _holds(r, day):
                    out.setdefault(r["parent_code"], []).append(code)
        return out

    def set(
        self,
        code: str,
        level: str,
        name: str,
        parent: str | None,
        area: str | None,
        day: dt.date | None,
    ) -> None:
        """`code` is `level`, `name`, under `parent` from `day` (None: since always)."""
        current = self.at(code, day)
        wanted = {"code": code, "level": level, "name": name, "parent_code": parent, "area": area}
        if current is not None and all(current[k] == v for k, v in wanted.items()):
            return
        if day is None:  # since always: the undated rows of the code are replaced
            self.rows[code] = [r for r in self.rows.get(code, []) if r["valid_from"] is not None]
            end = min((r["valid_from"] for r in self.rows[code]), default=None)
            self.rows[code].append({**wanted, "valid_from": None, "valid_to": end})
            self.changed += 1
            return
        if current is not None:
            self.end(code, day)
        later = [
            r["valid_from"]
            for r in self.rows.get(code, [])
            if r["valid_from"] and r["valid_from"] > day
        ]
        self.rows.setdefault(code, []).append(
            {**wanted, "valid_from": day, "valid_to": min(later, default=None)}
        )
        self.changed += 1

    def end(self, code: str, day: dt.date) -> None:
        """`code` ends on `day` (its row in force then holds until the day before)."""
        current = self.at(code, day)
        if current is None:
            return
        if current["valid_from"] is not None and current["valid_from"] >= day:
            self.rows[code].remove(current)
        else:
            current["valid_to"] = day
        self.changed += 1

    def move(self, code: str, parent: str, day: dt.date) -> None:
        """`code` keeps its name and level, under `parent` from `day`; a village takes the
        area of its commune (a village of a phường is urban)."""
        current = self.at(code, day) or self._last(code)
        if current is None:
            return
        above = self.at(parent, day)
        area = above["area"] if above is not None and above["area"] else current["area"]
        self.set(code, current["level"], current["name"], parent, area, day)

    def _last(self, code: str) -> dict | None:
        found = self.rows.get(code, [])
        return max(found, key=lambda r: r["valid_from"] or dt.date.min) if found else None

    def unassigned(self) -> list[dict]:
        """Villages whose last row ended with no commune after it: their commune was merged
        in part, and which commune took them is still to be told (an assignment file)."""
        out = []
        for found in self.rows.values():
            last = max(found, key=lambda r: r["valid_from"] or dt.date.min)
            if last["level"] == "village" and last["valid_to"] is not None:
                out.append(last)
        return sorted(out, key=lambda r: r["code"])


def unassigned_since(units: pd.DataFrame) -> dict[str, dt.date]:
    """Each unassigned village's code, and the day its last commune ended."""
    if not set(PERIOD_COLUMNS) <= set(units.columns):
        return {}
    return {r["code"]: r["valid_to"] for r in Registry.of(units).unassigned()}


def unassigned_villages(units: pd.DataFrame) -> pd.DataFrame:
    """The villages left without a commune by a partial merge: code, name, their last
    commune and the day it ended."""
    rows = Registry.of(units).unassigned()
    return pd.DataFrame(
        [
            {
                "code": r["code"],
                "name": r["name"],
                "last_commune": r["parent_code"],
                "ended": r["valid_to"],
            }
            for r in rows
        ],
        columns=["code", "name", "last_commune", "ended"],
    )
