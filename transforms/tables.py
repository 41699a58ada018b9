"""Every warehouse table, declared once: its columns, their types, and what may leave it.

The migrations build these tables and `tests/warehouse/test_schema.py` compares this module
with the migrated database column by column (the role `schema.yml` plays in a dbt project).
Staging, the batch tables and the store take their column lists from here, and the analyst
snapshot is built from each column's `privacy`:

- `public`: copied to the analyst snapshot as it is;
- `personal`: kept in the writer's warehouse for officers, never copied to the snapshot;
- `extra`: the columns a village added outside the template (JSON); only the keys an
  administrator allows (`GIAMNGHEO_SNAPSHOT_EXTRA_COLUMNS`) reach the snapshot, masked;
- `masked`: copied with any value that may identify a person replaced by "…"
  (`transforms.privacy`);
- `secret`: the table never leaves the writer's warehouse;
- `internal`: the writer's bookkeeping (work a run still owes), not copied either.

A new column without a decision fails the schema test.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from giamngheo.transforms.fields import FIELDS

PUBLIC = "public"
PERSONAL = "personal"
EXTRA = "extra"
MASKED = "masked"
SECRET = "secret"
INTERNAL = "internal"
PRIVACY = (PUBLIC, PERSONAL, EXTRA, MASKED, SECRET, INTERNAL)
NOT_PUBLISHED = (SECRET, INTERNAL)  # tables with these never reach the snapshot

# DuckDB type → the pandas dtype a frame of that column uses.
DTYPES = {
    "VARCHAR": "string",
    "INTEGER": "Int64",
    "BIGINT": "Int64",
    "DOUBLE": "Float64",
    "BOOLEAN": "boolean",
    "TIMESTAMP": "datetime64[us]",
    "DATE": "datetime64[s]",
    "VARCHAR[]": "object",  # a tuple of texts per row
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB type, as `describe` shows it
    privacy: str = PUBLIC

    @property
    def dtype(self) -> str:
        return DTYPES[self.type]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def empty_frame(self, exclude: tuple[str, ...] = ()) -> pd.DataFrame:
        return pd.DataFrame(
            {c.name: pd.Series(dtype=c.dtype) for c in self.columns if c.name not in exclude}
        )

    def frame(self, data: pd.DataFrame, exclude: tuple[str, ...] = ()) -> pd.DataFrame:
        """`data` in this table's column order and types; a column it lacks is all missing."""
        out = {}
        for c in self.columns:
            if c.name in exclude:
                continue
            values = data[c.name] if c.name in data else pd.Series(pd.NA, index=data.index)
            out[c.name] = _cast(values, c.dtype)
        return pd.DataFrame(out, index=data.index)


def _cast(values: pd.Series, dtype: str) -> pd.Series:
    if values.dtype == dtype:  # already typed (copy-on-write: no copy is made or needed)
        return values
    if dtype == "string":
        return values.astype("object").where(values.notna(), None).astype("string")
    if dtype == "boolean":
        return values.astype("object").where(values.notna(), None).astype("boolean")
    return values.astype(dtype)


def _table(name: str, *columns: tuple[str, str] | tuple[str, str, str]) -> Table:
    return Table(name, tuple(Column(*c) for c in columns))


def _households() -> Table:
    """The households table: its columns in the warehouse's order, each household field's type
    and privacy taken from its declaration (`fields.py`); a field declared after these were
    built (added by a migration of its own) comes last, as `alter table … add column` puts it."""
    declared = {f.name: f for f in FIELDS if f.type}

    def of(name: str) -> tuple[str, str, str]:
        f = declared[name]
        return (f.name, f.type, f.privacy)

    layout = [
        ("submission_id", "VARCHAR"),
        ("village_code", "VARCHAR"),
        ("year", "INTEGER"),
        of("household_code"),
        of("head_name"),
        of("ethnicity"),
        of("members"),
        of("income_kvnd"),
        ("deprivation_count", "INTEGER"),
        of("has_merit"),
        of("social_protection"),
        of("claimed_class"),
        ("poverty_class", "VARCHAR"),
        of("note"),
        ("source_sheet", "VARCHAR"),
        ("source_row", "INTEGER"),
        ("household_key", "VARCHAR"),
        ("extra", "VARCHAR", EXTRA),
        # the codes of the indicators of the list's standard the household is deprived in
        ("deprivations", "VARCHAR[]"),
        ("local_class", "VARCHAR"),  # the class under the province's own standard, if any
    ]
    placed = {c[0] for c in layout}
    layout += [of(name) for name in declared if name not in placed]
    return _table("households", *layout)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        _table(
            "schema_migrations",
            ("version", "INTEGER"),
            ("name", "VARCHAR"),
            ("applied_at", "TIMESTAMP"),
        ),
        _table(
            "admin_units",
            ("code", "VARCHAR"),
            ("level", "VARCHAR"),
            ("name", "VARCHAR"),
            ("parent_code", "VARCHAR"),
            ("area", "VARCHAR"),
            ("valid_from", "DATE"),
            ("valid_to", "DATE"),
        ),
        _table(
            "submissions",
            ("submission_id", "VARCHAR"),
            ("file_name", "VARCHAR"),
            ("file_path", "VARCHAR"),
            ("sha256", "VARCHAR"),
            ("size_bytes", "BIGINT"),
            ("kind", "VARCHAR"),
            ("village_code", "VARCHAR"),
            ("year", "INTEGER"),
            ("status", "VARCHAR"),
            ("household_count", "INTEGER"),
            ("error_count", "INTEGER"),
            ("warning_count", "INTEGER"),
            ("received_at", "TIMESTAMP"),
            ("processed_at", "TIMESTAMP"),
            ("flow_run_id", "VARCHAR"),
            ("commune_code", "VARCHAR"),
            ("goal_rate_pct", "DOUBLE"),
            ("received_seq", "BIGINT"),
            ("source_sheet", "VARCHAR"),
            ("source_columns", "VARCHAR"),
            ("goal_at_most", "BOOLEAN"),
            ("part", "VARCHAR"),
        ),
        _table(
            "village_reports",
            ("submission_id", "VARCHAR"),
            ("village_code", "VARCHAR"),
            ("year", "INTEGER"),
            ("area", "VARCHAR"),
            ("total_households", "INTEGER"),
            ("total_persons", "INTEGER"),
            ("prepared_by", "VARCHAR", PERSONAL),
            ("prepared_on", "VARCHAR"),
            ("source_sheet", "VARCHAR"),
            ("standard_id", "VARCHAR"),  # the national standard the list is classed under
            ("local_standard_id", "VARCHAR"),  # its province's own standard, if any
        ),
        _households(),
        _table(
            "issues",
            ("submission_id", "VARCHAR"),
            ("code", "VARCHAR"),
            ("severity", "VARCHAR"),
            ("file", "VARCHAR"),
            ("sheet", "VARCHAR"),
            ("cell", "VARCHAR"),
            ("column_name", "VARCHAR"),
            ("value", "VARCHAR", MASKED),
            ("message_vi", "VARCHAR", MASKED),
            ("message_en", "VARCHAR", MASKED),
        ),
        _table(
            "plan_targets",
            ("commune_code", "VARCHAR"),
            ("village_code", "VARCHAR"),
            ("year", "INTEGER"),
            ("target_households", "INTEGER"),
            ("source", "VARCHAR"),
        ),
        _table(
            "runs",
            ("run_id", "VARCHAR"),
            ("flow_run_id", "VARCHAR"),
            ("loaded_at", "TIMESTAMP"),
            ("published_at", "TIMESTAMP"),
            ("submissions", "INTEGER"),
            ("households", "INTEGER"),
        ),
        _table(
            "warehouse_settings",
            ("key", "VARCHAR", SECRET),
            ("value", "VARCHAR", SECRET),
        ),
        _table(
            "plan_rows",
            ("submission_id", "VARCHAR"),
            ("commune_code", "VARCHAR"),
            ("year", "INTEGER"),
            ("village_code", "VARCHAR"),
            ("unit_name", "VARCHAR"),
            ("poor_households", "DOUBLE"),
            ("poor_rate_pct", "DOUBLE"),
            ("target_households", "DOUBLE"),
            ("target_rate_pct", "DOUBLE"),
            ("is_total", "BOOLEAN"),
            ("source_row", "INTEGER"),
        ),
        _table(
            "standards",
            ("standard_id", "VARCHAR"),
            ("name", "VARCHAR"),
            ("legal_basis", "VARCHAR"),
            ("first_year", "INTEGER"),
            ("last_year", "INTEGER"),
            ("province_code", "VARCHAR"),
            ("area", "VARCHAR"),
            ("poverty_line_vnd", "DOUBLE"),
            ("unit", "VARCHAR"),
            ("near_poor_line_vnd", "DOUBLE"),
            ("average_upper_vnd", "DOUBLE"),
            ("min_deprivations_poor", "INTEGER"),
            ("provisional", "BOOLEAN"),
            ("provisional_note", "VARCHAR"),
            ("source", "VARCHAR"),
            ("sha256", "VARCHAR"),
        ),
        _table(
            "standard_indicators",
            ("standard_id", "VARCHAR"),
            ("number", "INTEGER"),
            ("code", "VARCHAR"),
            ("name", "VARCHAR"),
            ("dimension", "VARCHAR"),
        ),
        _table(
            "standard_files",
            ("standard_id", "VARCHAR", INTERNAL),
            ("source_name", "VARCHAR", INTERNAL),
            ("content", "VARCHAR", INTERNAL),
            ("sha256", "VARCHAR", INTERNAL),
            ("imported_at", "TIMESTAMP", INTERNAL),
        ),
        _table(
            "file_stats",
            ("path", "VARCHAR", INTERNAL),
            ("size", "BIGINT", INTERNAL),
            ("mtime_ns", "BIGINT", INTERNAL),
            ("ctime_ns", "BIGINT", INTERNAL),
            ("inode", "BIGINT", INTERNAL),
            ("sha256", "VARCHAR", INTERNAL),
        ),
        _table(
            "pending_work",
            ("run_id", "VARCHAR", INTERNAL),
            ("kind", "VARCHAR", INTERNAL),
            ("submission_id", "VARCHAR", INTERNAL),
            ("unit_code", "VARCHAR", INTERNAL),
            ("year", "INTEGER", INTERNAL),
            ("created_at", "TIMESTAMP", INTERNAL),
        ),
    )
}
