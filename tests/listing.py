"""The columns of a village list as the template writes them for a year, for tests that write
lists of their own: fields and the indicators of the year's standard, with their headers."""

from __future__ import annotations

import pandas as pd

from giamngheo.transforms.columns import DEPRIVATIONS, deprivation_codes
from giamngheo.transforms.standards import shipped
from giamngheo.workbooks.template import list_columns

STANDARD = shipped().national(2024)
INDICATOR_CODES: tuple[str, ...] = STANDARD.codes
LIST_COLUMNS: list[str] = [name for name, _, _ in list_columns(STANDARD)]
HEADERS: dict[str, str] = {name: header for name, header, _ in list_columns(STANDARD)}
MARKS: tuple[str, ...] = (*INDICATOR_CODES, "has_merit", "social_protection")


def records(households: pd.DataFrame, codes: tuple[str, ...] = INDICATOR_CODES) -> list[dict]:
    """The households as dicts, each indicator code a column of its own (True: deprived)."""
    out = []
    for rec in households.to_dict("records"):
        deprived = set(deprivation_codes(rec.get(DEPRIVATIONS)))
        out.append({**rec, **{code: code in deprived for code in codes}})
    return out
