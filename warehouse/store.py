"""The one module that owns the DuckDB connection: migrate, load a batch, read.

Everything that writes goes through `Warehouse`; a batch is loaded in one transaction, so a
reader never sees half a load and an interrupted load leaves the previous state intact.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from giamngheo import testpoints
from giamngheo.errors import PlanExists, WarehouseError
from giamngheo.transforms.issues import (
    HIDDEN,
    PERSONAL_COLUMNS,
    PRIVATE_PREFIXES,
    VOCABULARY_CODES,
)

_PACKAGE = "giamngheo.warehouse"


def _sql_files(folder: str) -> list[tuple[str, str]]:
    """(file stem, SQL text) of every .sql file in a package folder, by name."""
    root = resources.files(_PACKAGE).joinpath(folder)
    files = sorted((p for p in root.iterdir() if p.name.endswith(".sql")), key=lambda p: p.name)
    return [(p.name.removesuffix(".sql"), p.read_text(encoding="utf-8")) for p in files]


def _macros_sql() -> str:
    return resources.files(_PACKAGE).joinpath("macros.sql").read_text(encoding="utf-8")


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, SQL) of every migration, in order."""
    out = []
    for stem, sql in _sql_files("migrations"):
        number, _, name = stem.partition("_")
        out.append((int(number), name, sql))
    return out


@dataclass(frozen=True)
class Batch:
    """What one run loads: every table's new rows, keyed by submission_id.

    `households_parquet` is the staged Parquet file of accepted households (or None).
    """

    run_id: str
    flow_run_id: str | None
    submissions: pd.DataFrame
    village_reports: pd.DataFrame
    issues: pd.DataFrame
    households_parquet: Path | None
    plan_rows: pd.DataFrame | None = None


class Warehouse:
    """A DuckDB warehouse file. Use as a context manager; writers call `migrate()` first."""

    def __init__(self, path: Path, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise WarehouseError(
                f"Chưa có kho dữ liệu tại {self.path}: hãy chạy 'giamngheo ingest' trước. "
                f"(No warehouse at {self.path}: run 'giamngheo ingest' first.)"
            )
        try:
            if read_only:
                # Readers (analysts, officers) get a sandbox: no files, no extensions, and a
                # configuration they cannot change back.
                self.con = duckdb.connect(
                    str(self.path), read_only=True, config={"enable_external_access": False}
                )
                self.con.execute("set lock_configuration = true")
            else:
                self.con = duckdb.connect(str(self.path))
        except duckdb.IOException as exc:
            raise WarehouseError(
                f"Không mở được kho dữ liệu {self.path} (Cannot open the warehouse): {exc}"
            ) from exc

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    # -- schema ---------------------------------------------------------------------------

    def migrate(self, upto: int | None = None) -> list[int]:
        """Apply pending migrations (up to version `upto`), each in its own transaction, then
        refresh the views. Returns the versions applied."""
        self.con.execute(
            "create table if not exists schema_migrations ("
            " version integer primary key, name varchar not null,"
            " applied_at timestamp not null default current_timestamp)"
        )
        done = {v for (v,) in self.con.execute("select version from schema_migrations").fetchall()}
        applied = []
        for version, name, sql in migrations():
            if version in done or (upto is not None and version > upto):
                continue
            self.con.execute("begin transaction")
            try:
                self.con.execute(sql)
                self.con.execute(
                    "insert into schema_migrations (version, name) values (?, ?)", [version, name]
                )
                self.con.execute("commit")
            except duckdb.Error:
                self.con.execute("rollback")
                raise
            applied.append(version)
        if upto is None or upto >= max(v for v, _, _ in migrations()):
            self.refresh_views()  # views are written against the newest schema
        return applied

    def refresh_views(self) -> None:
        """(Re)create the macros and every view in views/*.sql, dependencies first."""
        self.con.execute(_macros_sql())
        _ordered_views(self.con)

    def views(self) -> list[str]:
        """Names of the views defined in the warehouse."""
        rows = self.con.execute(
            "select view_name from duckdb_views() where not internal order by view_name"
        ).fetchall()
        return [r[0] for r in rows]

    # -- reference data -------------------------------------------------------------------

    def replace_admin_units(self, units: pd.DataFrame) -> bool:
        """Replace the admin registry with `units` (code, level, name, parent_code, area).

        Returns False, and writes nothing, when the registry already holds exactly these units.
        """
        columns = ["code", "level", "name", "parent_code", "area"]
        new = units[columns].astype(object).where(units[columns].notna(), None)
        current = self.admin_units()[columns].astype(object)
        current = current.where(current.notna(), None)
        rows = sorted(map(tuple, new.to_numpy().tolist()), key=str)
        if rows == sorted(map(tuple, current.to_numpy().tolist()), key=str):
            return False
        self.con.register("new_admin_units", new)
        try:
            with self._transaction():
                self.con.execute("delete from admin_units")
                self.con.execute("insert into admin_units select * from new_admin_units")
        finally:
            self.con.unregister("new_admin_units")
        return True

    def admin_units(self) -> pd.DataFrame:
        return self.query("select * from admin_units order by code")

    # -- loads ----------------------------------------------------------------------------

    def is_current(self) -> bool:
        """True when every migration has been applied (the schema is the newest)."""
        try:
            done = {
                v for (v,) in self.con.execute("select version from schema_migrations").fetchall()
            }
        except duckdb.CatalogException:
            return False
        return done >= {v for v, _, _ in migrations()}

    def fingerprints(self) -> set[str]:
        """sha256 of every file already processed (loaded, rejected or superseded)."""
        return {r[0] for r in self.con.execute("select sha256 from submissions").fetchall()}

    def load_batch(self, batch: Batch) -> None:
        """Write one run's results in a single transaction.

        Rows of the batch's submission ids are replaced (a rerun of the same file). Then, for
        every village-year the batch touches, the accepted list received last is `loaded` and
        every other accepted list `superseded` (kept, with its rows, for audit).
        """
        frames = {
            "batch_submissions": batch.submissions,
            "batch_village_reports": batch.village_reports,
            "batch_issues": batch.issues,
            "batch_plan_rows": batch.plan_rows if batch.plan_rows is not None else _NO_PLAN_ROWS,
        }
        for name, frame in frames.items():
            self.con.register(name, frame)
        try:
            with self._transaction():
                for table in (
                    "households",
                    "village_reports",
                    "issues",
                    "plan_rows",
                    "submissions",
                ):
                    self.con.execute(
                        f"delete from {table} where submission_id in"
                        " (select submission_id from batch_submissions)"
                    )
                self.con.execute("insert into submissions by name select * from batch_submissions")
                self.con.execute(
                    "insert into village_reports by name select * from batch_village_reports"
                )
                self.con.execute("insert into issues by name select * from batch_issues")
                self.con.execute("insert into plan_rows by name select * from batch_plan_rows")
                testpoints.reached("load")
                if batch.households_parquet is not None:
                    self.con.execute(_INSERT_HOUSEHOLDS, [str(batch.households_parquet)])
                self.con.execute(_RANK_VERSIONS)
                self.con.execute(_DELETE_PLAN_TARGETS)
                self.con.execute(_INSERT_PLAN_TARGETS)
                self.con.execute(
                    "insert into runs (run_id, flow_run_id, loaded_at, submissions, households)"
                    " select ?, ?, current_timestamp, ?, count(*) from households"
                    " where submission_id in (select submission_id from batch_submissions)",
                    [batch.run_id, batch.flow_run_id, len(batch.submissions)],
                )
        finally:
            for name in frames:
                self.con.unregister(name)

    def record_change(self, run_id: str) -> None:
        """Record a change made outside a batch load (e.g. a new registry) for publishing."""
        self.con.execute(
            "insert into runs (run_id, loaded_at, submissions, households)"
            " values (?, current_timestamp, 0, 0)",
            [run_id],
        )

    def replace_planned_targets(self, commune: str, year: int, targets: pd.DataFrame) -> None:
        """The planner's targets for a commune-year; refused where a plan table set them."""
        own = self.con.execute(
            "select distinct source from plan_targets"
            " where commune_code = ? and year = ? and source <> 'planner'",
            [commune, year],
        ).fetchall()
        if own:
            raise PlanExists(
                f"Xã {commune} đã có kế hoạch năm {year} ({own[0][0]}); chỉ tiêu của kế hoạch được "
                f"ưu tiên. (The commune's own plan table sets its {year} targets.)"
            )
        self.con.register(
            "planned", targets.assign(commune_code=commune, year=year, source="planner")
        )
        try:
            with self._transaction():
                self.con.execute(
                    "delete from plan_targets where commune_code = ? and year = ?", [commune, year]
                )
                self.con.execute(
                    "insert into plan_targets by name select commune_code, village_code, year,"
                    " target_households::integer as target_households, source from planned"
                )
        finally:
            self.con.unregister("planned")

    # -- the analyst snapshot -------------------------------------------------------------

    def snapshot_is_stale(self, target: Path) -> bool:
        """True when the snapshot is missing or a change has not been published yet."""
        pending = self.con.execute("select count(*) from runs where published_at is null")
        return not target.exists() or pending.fetchall()[0][0] > 0

    def publish(self, target: Path) -> None:
        """Build the analyst snapshot in a new file and rename it over `target` atomically.

        The snapshot holds every table but the warehouse's secrets, without household head
        names or household codes (a salted `household_key` identifies households instead),
        plus the macros and views. It is written in a storage format the DuckDB 1.5 CLI reads.
        A reader holding the old file keeps reading it; the next open sees the new one.
        """
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.stem}-{uuid.uuid4().hex[:8]}.tmp")
        self.con.execute(
            f"attach '{_sql_path(tmp)}' as snapshot (storage_version '{SNAPSHOT_STORAGE_VERSION}')"
        )
        try:
            for table, select in _snapshot_selects().items():
                self.con.execute(f"create table snapshot.{table} as {select}")
        finally:
            self.con.execute("detach snapshot")
        with duckdb.connect(str(tmp)) as snap:
            snap.execute(_macros_sql())
            _ordered_views(snap)
            snap.execute("checkpoint")
        _fsync(tmp)
        testpoints.reached("publish")
        os.replace(tmp, target)
        _fsync(target.parent)
        self.con.execute(
            "update runs set published_at = current_timestamp where published_at is null"
        )

    def _transaction(self):
        return _Transaction(self.con)

    # -- reads ----------------------------------------------------------------------------

    def village_history(self, villages: list[str]) -> pd.DataFrame:
        """Accepted summaries (every year) of these villages, for year-over-year checks."""
        return self.query(
            "select village_code, year, total_households, poor_households, poor_rate_pct"
            " from village_poverty where village_code in (select unnest(?))",
            [villages],
        )

    def codes_in_use(self, codes: pd.DataFrame) -> pd.DataFrame:
        """Current lists' rows (village_code, year, household_code) sharing a year and code
        with `codes` (columns year, household_code): the candidates for a duplicate elsewhere."""
        self.con.register("batch_codes", codes[["year", "household_code"]].drop_duplicates())
        try:
            return self.query(
                "select h.village_code, h.year, h.household_code from households_current as h"
                " semi join batch_codes as b using (year, household_code)"
            )
        finally:
            self.con.unregister("batch_codes")

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()


# The DuckDB 1.5 CLI (the newest on PyPI) refuses files in 2.x's default storage format.
SNAPSHOT_STORAGE_VERSION = "v1.5.0"

_INSERT_HOUSEHOLDS = """
insert into households by name
select *, substr(sha256(
    (select value from warehouse_settings where key = 'household_key_salt')
    || household_code), 1, 16) as household_key
from read_parquet(?)
"""

# Per village-year (household lists) or commune-year (plan tables) touched by the batch: the
# accepted file received last is current.
_RANK_VERSIONS = """
update submissions as s set status = r.new_status
from (
    select
        submission_id,
        case when row_number() over (
            partition by kind, unit_code, year
            order by received_at desc, file_path desc, submission_id desc
        ) = 1 then 'loaded' else 'superseded' end as new_status
    from (
        select *, coalesce(village_code, commune_code) as unit_code
        from submissions
        where status in ('loaded', 'superseded')
    ) as accepted
    semi join (
        select distinct kind, coalesce(village_code, commune_code) as unit_code, year
        from batch_submissions
    ) as touched using (kind, unit_code, year)
) as r
where s.submission_id = r.submission_id and s.status <> r.new_status
"""

# A commune's own plan table sets its targets (it takes precedence over the planner's).
_DELETE_PLAN_TARGETS = """
delete from plan_targets as t
where exists (
    select 1 from batch_submissions as b
    where b.kind = 'plan' and b.commune_code = t.commune_code and b.year = t.year)
"""
_INSERT_PLAN_TARGETS = """
insert into plan_targets (commune_code, village_code, year, target_households, source)
select p.commune_code, p.village_code, p.year, coalesce(p.target_households, 0)::integer, s.file_path
from plan_rows as p
join submissions as s using (submission_id)
where s.status = 'loaded' and not p.is_total and p.village_code is not null
  and exists (
      select 1 from batch_submissions as b
      where b.kind = 'plan' and b.commune_code = p.commune_code and b.year = p.year)
"""

_NO_PLAN_ROWS = pd.DataFrame(
    {
        "submission_id": pd.Series(dtype="string"),
        "commune_code": pd.Series(dtype="string"),
        "year": pd.Series(dtype="Int64"),
        "village_code": pd.Series(dtype="string"),
        "unit_name": pd.Series(dtype="string"),
        "poor_households": pd.Series(dtype="Float64"),
        "poor_rate_pct": pd.Series(dtype="Float64"),
        "target_households": pd.Series(dtype="Float64"),
        "target_rate_pct": pd.Series(dtype="Float64"),
        "is_total": pd.Series(dtype="boolean"),
        "source_row": pd.Series(dtype="Int64"),
    }
)


def _private_sql() -> str:
    """`transforms.issues.is_private` as a SQL condition over the issues table."""
    personal = ", ".join(f"'{c}'" for c in PERSONAL_COLUMNS)
    prefixes = " or ".join(f"starts_with(code, '{p}')" for p in PRIVATE_PREFIXES)
    vocabulary = ", ".join(f"'{c}'" for c in sorted(VOCABULARY_CODES))
    return (
        f"value is not null and (column_name in ({personal}) or (({prefixes})"
        f" and code not in ({vocabulary}) and regexp_matches(value, '\\pL')))"
    )


def _snapshot_selects() -> dict[str, str]:
    """What the analyst snapshot copies from each table: no names, no household codes, and no
    issue value that may identify a person (`transforms.issues.shareable`, in SQL)."""
    private = _private_sql()
    quoted = "'''' || value || ''''"  # the value as the messages quote it: '…'
    hidden = "'''" + HIDDEN + "'''"
    return {
        "schema_migrations": "select * from schema_migrations",
        "admin_units": "select * from admin_units",
        "submissions": "select * from submissions",
        "village_reports": "select * from village_reports",
        "households": "select * exclude (head_name, household_code) from households",
        "issues": (
            "select * replace ("
            f" case when {private} then null else value end as value,"
            f" case when {private} then replace(message_vi, {quoted}, {hidden}) else message_vi end"
            " as message_vi,"
            f" case when {private} then replace(message_en, {quoted}, {hidden}) else message_en end"
            " as message_en) from issues"
        ),
        "plan_targets": "select * from plan_targets",
        "plan_rows": "select * from plan_rows",
        "runs": "select * from runs",
    }


def _ordered_views(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Views in an order that creates dependencies first (tries until nothing fails)."""
    pending, ordered = _sql_files("views"), []
    while pending:
        failed = []
        for name, sql in pending:
            try:
                con.execute(f"create or replace view {name} as\n{sql}")
                ordered.append((name, sql))
            except duckdb.CatalogException:
                failed.append((name, sql))
        if len(failed) == len(pending):
            names = ", ".join(n for n, _ in failed)
            raise WarehouseError(f"Views cannot be created (missing dependency): {names}")
        pending = failed
    return ordered


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _Transaction:
    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def __enter__(self) -> None:
        self.con.execute("begin transaction")

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.con.execute("commit")
        else:
            self.con.execute("rollback")
