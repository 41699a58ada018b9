"""What an account may see and do, from its role and unit, through the registry in force today.

A commune account reaches its commune's villages (their lists of every year: a village keeps
its code when its commune merges); a province account its province's; an admin everything. An
analyst reaches the analysts' snapshot only: aggregate pages and read-only SQL, never a
submission, an issue, a feedback workbook or a report (a report names the households that
left a list). Whatever is out of reach answers as if it did not exist (404).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from giamngheo.transforms.registry import registry_now
from giamngheo.web.accounts import Account

# What each role may do.
UPLOAD = "upload"  # send lists, rerun them, see submissions, issues and feedback
REPORTS = "reports"  # download reports and templates
QUERY = "query"  # read-only SQL on the snapshot
ADMIN = "admin"  # accounts and the audit trail
RIGHTS = {
    "admin": {UPLOAD, REPORTS, QUERY, ADMIN},
    "province": {UPLOAD, REPORTS},
    "commune": {UPLOAD, REPORTS},
    "analyst": {QUERY},
}


@dataclass(frozen=True)
class Access:
    """An account's reach: its rights, and the units and villages it covers (None: all)."""

    account: Account
    villages: frozenset[str] | None
    units: frozenset[str] | None  # every unit code at or under its unit, today

    def can(self, right: str) -> bool:
        return right in RIGHTS[self.account.role]

    def sees_village(self, code: object) -> bool:
        return self.villages is None or code in self.villages

    def sees_unit(self, code: object) -> bool:
        return self.units is None or code in self.units

    @property
    def home_unit(self) -> str | None:
        """Where its pages start: its own unit, or None for the whole country."""
        return self.account.unit_code

    def submission_visible(self, village_code: object, commune_code: object) -> bool:
        """A list is visible by its village; a plan table (no village) by its commune."""
        if self.villages is None:
            return True
        if isinstance(village_code, str):
            return village_code in self.villages
        return isinstance(commune_code, str) and self.sees_unit(commune_code)


class Tree:
    """The registry in force today as parent → children, and every period's villages by the
    commune they were coded under: built once per snapshot, shared by every request."""

    def __init__(self, registry: pd.DataFrame):
        today = registry_now(registry)
        self.children: dict[str, list[str]] = {}
        for code, parent in zip(today["code"], today["parent_code"], strict=True):
            if isinstance(parent, str):
                self.children.setdefault(parent, []).append(code)
        self.level = dict(zip(today["code"], today["level"], strict=True))
        self.name = dict(zip(today["code"], today["name"], strict=True))
        villages = registry[registry["level"] == "village"]
        self.coded_under: dict[str, set[str]] = {}
        for code, parent in zip(villages["code"], villages["parent_code"], strict=True):
            self.coded_under.setdefault(parent, set()).add(code)

    def under(self, unit: str) -> set[str]:
        """`unit` and every unit under it today."""
        found, todo = {unit}, [unit]
        while todo:
            for child in self.children.get(todo.pop(), ()):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return found


def access_of(account: Account, tree: Tree) -> Access:
    """The reach of `account` in the registry `tree`."""
    if account.role in ("admin", "analyst") or not account.unit_code:
        return Access(account, None, None)
    units = tree.under(account.unit_code)
    villages = {c for c in units if tree.level.get(c) == "village"}
    # a commune that ended (merged) still reaches the villages once coded under it
    for code in list(units):
        villages |= tree.coded_under.get(code, set())
    return Access(account, frozenset(villages), frozenset(units | villages))
