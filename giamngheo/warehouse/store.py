"""The one module that owns the DuckDB connection: migrate, load a batch, read.

Everything that writes goes through `Warehouse`; a batch is loaded in one transaction, so a
reader never sees half a load and an interrupted load leaves the previous state intact.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from giamngheo.errors import WarehouseError

_PACKAGE = "giamngheo.warehouse"


def _sql_files(folder: str) -> list[tuple[str, str]]:
    """(file stem, SQL text) of every .sql file in a package folder, by name."""
    root = resources.files(_PACKAGE).joinpath(folder)
    files = sorted((p for p in root.iterdir() if p.name.endswith(".sql")), key=lambda p: p.name)
    return [(p.name.removesuffix(".sql"), p.read_text(encoding="utf-8")) for p in files]


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

    submissions: pd.DataFrame
    village_reports: pd.DataFrame
    issues: pd.DataFrame
    households_parquet: Path | None


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
            self.con = duckdb.connect(str(self.path), read_only=read_only)
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

    def migrate(self) -> list[int]:
        """Apply pending migrations, each in its own transaction, then refresh the views."""
        self.con.execute(
            "create table if not exists schema_migrations ("
            " version integer primary key, name varchar not null,"
            " applied_at timestamp not null default current_timestamp)"
        )
        done = {v for (v,) in self.con.execute("select version from schema_migrations").fetchall()}
        applied = []
        for version, name, sql in migrations():
            if version in done:
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
        self.refresh_views()
        return applied

    def refresh_views(self) -> None:
        """(Re)create every view in views/*.sql, in an order that satisfies their dependencies."""
        pending = _sql_files("views")
        while pending:
            failed = []
            for name, sql in pending:
                try:
                    self.con.execute(f"create or replace view {name} as\n{sql}")
                except duckdb.CatalogException:
                    failed.append((name, sql))
            if len(failed) == len(pending):
                names = ", ".join(n for n, _ in failed)
                raise WarehouseError(f"Views cannot be created (missing dependency): {names}")
            pending = failed

    def views(self) -> list[str]:
        """Names of the views defined in the warehouse."""
        rows = self.con.execute(
            "select view_name from duckdb_views() where not internal order by view_name"
        ).fetchall()
        return [r[0] for r in rows]

    # -- reference data -------------------------------------------------------------------

    def replace_admin_units(self, units: pd.DataFrame) -> int:
        """Replace the admin registry with `units` (columns code, level, name, parent_code, area)."""
        self.con.register(
            "new_admin_units", units[["code", "level", "name", "parent_code", "area"]]
        )
        try:
            with self._transaction():
                self.con.execute("delete from admin_units")
                self.con.execute("insert into admin_units select * from new_admin_units")
        finally:
            self.con.unregister("new_admin_units")
        return len(units)

    def admin_units(self) -> pd.DataFrame:
        return self.query("select * from admin_units order by code")

    # -- loads ----------------------------------------------------------------------------

    def fingerprints(self) -> set[str]:
        """sha256 of every file already processed (loaded, rejected or superseded)."""
        return {r[0] for r in self.con.execute("select sha256 from submissions").fetchall()}

    def load_batch(self, batch: Batch) -> None:
        """Write one run's results in a single transaction.

        Rows of the batch's submission ids are replaced (a forced reload of the same file),
        and every earlier loaded list of a village-year this batch loads becomes `superseded`.
        """
        frames = {
            "batch_submissions": batch.submissions,
            "batch_village_reports": batch.village_reports,
            "batch_issues": batch.issues,
        }
        for name, frame in frames.items():
            self.con.register(name, frame)
        try:
            with self._transaction():
                for table in ("households", "village_reports", "issues", "submissions"):
                    self.con.execute(
                        f"delete from {table} where submission_id in"
                        " (select submission_id from batch_submissions)"
                    )
                self.con.execute(
                    """
                    update submissions set status = 'superseded'
                    where status = 'loaded'
                      and (village_code, year) in (
                          select village_code, year from batch_submissions where status = 'loaded')
                    """
                )
                self.con.execute("insert into submissions by name select * from batch_submissions")
                self.con.execute(
                    "insert into village_reports by name select * from batch_village_reports"
                )
                self.con.execute("insert into issues by name select * from batch_issues")
                if batch.households_parquet is not None:
                    self.con.execute(
                        "insert into households by name select * from read_parquet(?)",
                        [str(batch.households_parquet)],
                    )
        finally:
            for name in frames:
                self.con.unregister(name)

    def _transaction(self):
        return _Transaction(self.con)

    # -- reads ----------------------------------------------------------------------------

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()


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
