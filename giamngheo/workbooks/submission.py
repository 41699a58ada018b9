"""One submitted file as read: its kind, metadata, rows and everything found wrong."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from giamngheo.transforms.columns import HOUSEHOLD_COLUMNS, HOUSEHOLD_DTYPES
from giamngheo.transforms.issues import Issue

HOUSEHOLDS = "households"
PLAN = "plan"
UNREADABLE = "unreadable"


@dataclass
class Submission:
    """One file as read: metadata, canonical households (or plan rows) and its issues."""

    submission_id: str
    file: str
    kind: str
    metadata: dict[str, object] = field(default_factory=dict)
    metadata_cells: dict[str, tuple[str, str]] = field(default_factory=dict)
    households: pd.DataFrame = field(default_factory=lambda: _NO_HOUSEHOLDS)
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    totals: list[dict] = field(default_factory=list)  # totals rows: {"source_row", field: number}
    plan: pd.DataFrame | None = None  # kind "plan": one row per unit, then the totals row


def empty_households() -> pd.DataFrame:
    """A canonical household frame with no rows."""
    cols = ["submission_id", "source_sheet", "source_row", *HOUSEHOLD_COLUMNS, "extra"]
    return pd.DataFrame({c: pd.Series(dtype=HOUSEHOLD_DTYPES[c]) for c in cols})


# Shared by every submission that has no household rows (never modified in place).
_NO_HOUSEHOLDS = empty_households()
