"""One submitted file as read: its kind, metadata, rows and everything found wrong."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from giamngheo.transforms.columns import DEPRIVATIONS, HOUSEHOLD_COLUMNS, HOUSEHOLD_DTYPES
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
    # The household rows as columns of Python values, before they become `households`: many
    # files' rows are made into one frame at once (`households_frame`), far cheaper than a
    # frame per file.
    rows: dict[str, list] | None = None
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # indicator code -> header as written
    issues: list[Issue] = field(default_factory=list)
    totals: list[dict] = field(default_factory=list)  # totals rows: {"source_row", field: number}
    plan: pd.DataFrame | None = None  # kind "plan": one row per unit, then the totals row
    # A commune-wide list: one submission per village (`part` is its name as the file wrote
    # it); `file_id` is the id of the file they all came from (that of a one-village file).
    parts: list[Submission] = field(default_factory=list)
    part: str | None = None
    file_id: str | None = None

    @property
    def source_id(self) -> str:
        """The id of the file this submission was read from."""
        return self.file_id or self.submission_id

    def submissions(self) -> list[Submission]:
        """What the file gives the batch: its villages, or itself."""
        return self.parts or [self]

    def __getstate__(self) -> dict:
        # The shared empty frame travels as None: unpickling 27 empty typed columns costs
        # more than reading a file's rows.
        state = dict(self.__dict__)
        if state["households"] is _NO_HOUSEHOLDS:
            state["households"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        if state["households"] is None:
            state["households"] = _NO_HOUSEHOLDS
        self.__dict__.update(state)


def empty_households() -> pd.DataFrame:
    """A canonical household frame with no rows."""
    cols = [
        "submission_id",
        "source_sheet",
        "source_row",
        *HOUSEHOLD_COLUMNS,
        DEPRIVATIONS,
        "extra",
    ]
    return pd.DataFrame({c: pd.Series(dtype=HOUSEHOLD_DTYPES[c]) for c in cols})


# Shared by every submission that has no household rows (never modified in place).
_NO_HOUSEHOLDS = empty_households()
FRAME_COLUMNS = tuple(_NO_HOUSEHOLDS.columns)


def households_frame(submissions: list[Submission]) -> pd.DataFrame:
    """One canonical household frame of the `rows` of many submissions, in their order
    (each column's values are typed once, for all files together)."""
    parts = [s.rows for s in submissions if s.rows]
    if not parts:
        return empty_households()
    return pd.DataFrame(
        {
            name: pd.array([v for part in parts for v in part[name]], dtype=HOUSEHOLD_DTYPES[name])
            for name in FRAME_COLUMNS
        }
    )


def with_frame(sub: Submission) -> Submission:
    """`sub` with its `rows` made into its own `households` frame."""
    if sub.rows is not None:
        sub.households, sub.rows = households_frame([sub]), None
    for part in sub.parts:
        with_frame(part)
    return sub
