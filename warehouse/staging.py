"""A run's accepted households and household codes staged as Parquet, in the warehouse's
column layout, for the load to insert in one statement (and for a later move of the warehouse
to another engine to read as they are)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from giamngheo.transforms.columns import DEPRIVATIONS, deprivation_codes
from giamngheo.transforms.tables import TABLES


def stage_households(households: pd.DataFrame, path: Path) -> Path | None:
    """Write accepted households to Parquet, in the warehouse's column layout (None when
    there are none)."""
    if households.empty:
        return None
    frame = households.assign(poverty_class=households["computed_class"])
    path.parent.mkdir(parents=True, exist_ok=True)
    # household_key is computed by the warehouse, from its secret salt.
    table = TABLES["households"].frame(frame, exclude=("household_key",))
    table[DEPRIVATIONS] = [list(deprivation_codes(d)) for d in table[DEPRIVATIONS]]
    schema = pa.Schema.from_pandas(table, preserve_index=False)
    at = schema.get_field_index(DEPRIVATIONS)
    schema = schema.set(at, pa.field(DEPRIVATIONS, pa.list_(pa.string())))
    pq.write_table(pa.Table.from_pandas(table, schema=schema, preserve_index=False), path)
    return path


def stage_codes(codes: pd.DataFrame, path: Path) -> Path | None:
    """Write the household codes of a batch's lists to Parquet (CODE_COLUMNS), for the
    run's check of codes on two villages' lists."""
    if codes.empty:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    codes.to_parquet(path, index=False)
    return path
