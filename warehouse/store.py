"""The one module that owns the DuckDB connection: migrate, load a batch, read.

Everything that writes goes through `Warehouse`; a batch is loaded in one transaction, so a
reader never sees half a load and an interrupted load leaves the previous state intact. Its
SQL lives in files: `migrations/`, `views/`, and `queries/<name>.sql`, run by name through
`fetch` (a result) and `run` (a change) with named parameters (`$year`).
"""

from __future__ import annotations

import contextlib
import functools
import re
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from giamngheo import testpoints
from giamngheo.errors import PlanExists, QueryError, WarehouseError, WarehouseMissing
from giamngheo.transforms.registry import PERIOD_COLUMNS, REGISTRY_COLUMNS, registry_at
from giamngheo.transforms.tables import TABLES
from giamngheo.warehouse import standards

_PACKAGE = "giamngheo.warehouse"


def sql_files(folder: str) -> list[tuple[str, str]]:
    """(file stem, SQL text) of every .sql file in a package folder, by name."""
    root = resources.files(_PACKAGE).joinpath(folder)
    files = sorted((p for p in root.iterdir() if p.name.endswith(".sql")), key=lambda p: p.name)
    return [(p.name.removesuffix(".sql"), p.read_text(encoding="utf-8")) for p in files]


def macros_sql() -> str:
    return resources.files(_PACKAGE).joinpath("macros.sql").read_text(encoding="utf-8")


@functools.cache
def query_statements(name: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The statements of queries/<name>.sql, each with the named parameters it uses."""
    path = resources.files(_PACKAGE).joinpath("queries", f"{name}.sql")
    text = path.read_text(encoding="utf-8")
    statements = [s for s in re.split(r";\s*(?:\n|$)", text) if _code(s)]
    return tuple((s, frozenset(re.findall(r"\$(\w+)", _code(s)))) for s in statements)


def _code(statement: str) -> str:
    """A statement without its comment lines."""
    return "\n".join(line for line in statement.splitlines() if not line.lstrip().startswith("--"))


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, SQL) of every migration, in order."""
    out = []
    for stem, sql in sql_files("migrations"):
        number, _, name = stem.partition("_")
        out.append((int(number), name, sql))
    return out


@dataclass(frozen=True)
class Batch:
    """What one run loads: every table's new rows, keyed by submission_id.

    `households_parquet` are the staged Parquet files of accepted households.
    """

    run_id: str
    flow_run_id: str | None
    submissions: pd.DataFrame
    village_reports: pd.DataFrame
    issues: pd.DataFrame
    households_parquet: tuple[Path, ...]
    plan_rows: pd.DataFrame | None = None
    reevaluated: pd.DataFrame | None = None  # new findings of plans outside the batch…
    reevaluated_plans: tuple[str, ...] = ()  # …and those plans' submission ids


@dataclass(frozen=True)
class Loaded:
    """What a load decided: each batch submission's status, and how many lists (of this batch
    or earlier ones) it superseded."""

    statuses: dict[str, str]
    superseded: int
    # households of lists processed again whose class changed (a standard changed since)
    reclassified: int = 0


# Plan findings that depend on the village lists, recomputed when a village changes.
REEVALUATED_CODES = (
    "PLAN-RATE",
    "PLAN-TOTAL-COUNT",
    "PLAN-TOTAL-RATE",
    "PLAN-POOR-MISMATCH",
    "PLAN-GOAL-NOT-MET",
)


# DuckDB draws a progress bar on standard output for a query over 2 s (a national run's):
# the CLI's output is its own, and `--json` must stay JSON.
_QUIET = "set enable_progress_bar = false"
# What a writer's queries may hold in memory before DuckDB spills to `<warehouse>.tmp`. By
# default DuckDB takes up to 80 % of the machine (and keeps what it read cached up to that), on
# a server where the run's own process, its report writers and Prefect's server already are:
# the run's check of household codes across a national run (10 million codes) alone would take
# gigabytes, for a few seconds. Half a gigabyte keeps the load of 3 million households in
# memory; readers get DuckDB's default unless they ask (`memory_limit`).
WRITER_MEMORY = "512MB"


class Warehouse:
    """A DuckDB warehouse file. Use as a context manager; writers call `migrate()` first."""

    def __init__(self, path: Path, read_only: bool = False, memory_limit: str | None = None):
        """A writer's connection holds at most `WRITER_MEMORY`, a reader's `memory_limit` (by
        default DuckDB's)."""
        self.path = Path(path)
        self.read_only = read_only
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise WarehouseMissing(
                f"Chưa có kho dữ liệu tại {self.path}: hãy chạy 'giamngheo ingest' trước. "
                f"(No warehouse at {self.path}: run 'giamngheo ingest' first.)"
            )
        try:
            if read_only:
                # Readers (analysts, officers) get a sandbox: no files, no extensions, and a
                # configuration they cannot change back.
                limit = {"memory_limit": memory_limit} if memory_limit else {}
                self.con = duckdb.connect(
                    str(self.path),
                    read_only=True,
                    config={"enable_external_access": False, **limit},
                )
                self.con.execute(_QUIET)
                self.con.execute("set lock_configuration = true")
            else:
                self.con = duckdb.connect(str(self.path), config={"memory_limit": WRITER_MEMORY})
                self.con.execute(_QUIET)
        except duckdb.Error as exc:
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
        self.run("schema_migrations")
        done = set(self.fetch("applied_migrations")["version"])
        applied = []
        for version, name, sql in migrations():
            if version in done or (upto is not None and version > upto):
                continue
            self.con.execute("begin transaction")
            try:
                self.con.execute(sql)
                self.run("record_migration", version=version, name=name)
                self.con.execute("commit")
            except duckdb.Error:
                self.con.execute("rollback")
                raise
            applied.append(version)
        if upto is None or upto >= max(v for v, _, _ in migrations()):
            self.refresh_views()  # views are written against the newest schema
            if standards.sync(self):  # the standards the views and analysts read
                self.record_change(f"standards-{uuid.uuid4().hex[:8]}")
        return applied

    def refresh_views(self) -> None:
        """(Re)create the macros and every view in views/*.sql, dependencies first."""
        self.con.execute(macros_sql())
        ordered_views(self.con)

    def views(self) -> list[str]:
        """Names of the views defined in the warehouse."""
        return list(self.fetch("defined_views")["view_name"])

    # -- reference data -------------------------------------------------------------------

    def replace_admin_units(self, units: pd.DataFrame) -> bool:
        """Replace the admin registry with `units` (code, level, name, parent_code, area, and
        the period of each row, valid_from and valid_to: none means always).

        Returns False, and writes nothing, when the registry already holds exactly these units.
        """
        columns = [*REGISTRY_COLUMNS, *PERIOD_COLUMNS]
        units = units.reindex(columns=columns)
        for name in PERIOD_COLUMNS:
            units[name] = pd.to_datetime(units[name]).dt.date
        new = units.astype(object).where(units.notna(), None)
        current = self.admin_units()[columns]
        for name in PERIOD_COLUMNS:
            current[name] = pd.to_datetime(current[name]).dt.date
        current = current.astype(object).where(current.notna(), None)
        rows = sorted(map(tuple, new.to_numpy().tolist()), key=str)
        if rows == sorted(map(tuple, current.to_numpy().tolist()), key=str):
            return False
        with self._registered(new_admin_units=new), self._transaction():
            self.run("replace_admin_units")
        return True

    def admin_units(self, year: int | None = None) -> pd.DataFrame:
        """The registry: every row of every unit with its period, or with `year` the units in
        force for that year's lists (one row per code, no periods)."""
        units = self.fetch("admin_units")
        return units if year is None else registry_at(units, year)

    # -- loads ----------------------------------------------------------------------------

    def is_current(self) -> bool:
        """True when every migration has been applied (the schema is the newest)."""
        try:
            done = set(self.fetch("applied_migrations")["version"])
        except QueryError:
            return False
        return done >= {v for v, _, _ in migrations()}

    def fingerprints(self) -> set[str]:
        """sha256 of every file already processed (loaded, rejected or superseded)."""
        return set(self.fetch("fingerprints")["sha256"])

    def file_stats(self) -> dict[str, tuple[tuple[int, int, int, int], str]]:
        """Each file discovery hashed: its path → (its size, modification and change times in
        ns, inode then; its sha256)."""
        stats = self.fetch("file_stats")
        keys = zip(
            *(stats[c].tolist() for c in ("size", "mtime_ns", "ctime_ns", "inode")), strict=True
        )
        return dict(
            zip(
                stats["path"].tolist(),
                zip(keys, stats["sha256"].tolist(), strict=True),
                strict=True,
            )
        )

    def record_file_stats(self, hashed: dict[str, tuple[tuple[int, int, int, int], str]]) -> None:
        """Remember what these files hashed to (`file_stats`), replacing what was known."""
        if not hashed:
            return
        frame = pd.DataFrame(
            [(path, *key, sha) for path, (key, sha) in hashed.items()],
            columns=["path", "size", "mtime_ns", "ctime_ns", "inode", "sha256"],
        )
        with self._registered(hashed=frame), self._transaction():
            self.run("record_file_stats")

    def load_batch(self, batch: Batch) -> Loaded:
        """Write one run's results in a single transaction, with the work the run then owes.

        Rows of the batch's submission ids are replaced (a file processed again). Then, for
        every village-year the batch touches, the accepted list received last is `loaded`,
        every other accepted list `superseded` (kept, with its rows, for audit), and so is a
        rejected list received before the current one. Plan findings recomputed for plans
        outside the batch (`batch.reevaluated`) replace theirs. The quarantine folders, the
        snapshot and the reports the load calls for are recorded in `pending_work`.
        """

        def table(name: str, frame: pd.DataFrame | None) -> pd.DataFrame:
            declared = TABLES[name]
            return declared.empty_frame() if frame is None else declared.frame(frame)

        frames = {
            "batch_submissions": table("submissions", batch.submissions),
            "batch_village_reports": table("village_reports", batch.village_reports),
            "batch_issues": table("issues", batch.issues),
            "batch_plan_rows": table("plan_rows", batch.plan_rows),
            "reevaluated_issues": table("issues", batch.reevaluated),
        }
        parquet = [str(p) for p in batch.households_parquet]
        with self._registered(**frames), self._transaction():
            self.run("remember_classes")
            self.run("delete_batch_rows")
            self.run("insert_batch_rows")
            testpoints.reached("load")
            if parquet:
                self.run("insert_households", parquet=parquet)
            reclassified = int(self.fetch("reclassified")["households"].iloc[0])
            self.run(
                "replace_reevaluated_issues",
                codes=list(REEVALUATED_CODES),
                plans=list(batch.reevaluated_plans),
            )
            changed = self.fetch("rank_versions")
            before = self.fetch("previous_statuses")
            self.run("replace_plan_targets")
            self.run(
                "record_run",
                run_id=batch.run_id,
                flow_run_id=batch.flow_run_id,
                submissions=len(batch.submissions),
            )
            self.run("queue_work", run_id=batch.run_id, changed=list(changed["submission_id"]))
            ids = list(batch.submissions["submission_id"])
            statuses = self.fetch("statuses", ids=ids)
        was = dict(zip(before["submission_id"], before["status"], strict=True))
        newly = [
            sid
            for sid, status in zip(changed["submission_id"], changed["status"], strict=True)
            if status == "superseded" and was.get(sid) != "superseded"
        ]
        return Loaded(
            statuses=dict(zip(statuses["submission_id"], statuses["status"], strict=True)),
            superseded=len(newly),
            reclassified=reclassified,
        )

    def pending_work(self) -> pd.DataFrame:
        """The work runs still owe: kind, submission_id, unit_code, year."""
        return self.fetch("pending_work")

    def work_done(self, kind: str, keys: list[str] | None = None) -> None:
        """Pending work done: quarantine folders (submission ids) or reports ("unit:year")."""
        self.run("work_done", kind=kind, keys=keys or [])

    def record_change(self, run_id: str) -> None:
        """Record a change made outside a batch load (e.g. a new registry) for publishing."""
        self.run("record_change", run_id=run_id)

    def replace_planned_targets(self, commune: str, year: int, targets: pd.DataFrame) -> None:
        """The planner's targets for a commune-year; refused where a plan table set them."""
        own = self.fetch("own_plan_sources", commune=commune, year=year)
        if len(own):
            raise PlanExists(
                f"Xã {commune} đã có kế hoạch năm {year} ({own['source'].iloc[0]}); chỉ tiêu của "
                f"kế hoạch được ưu tiên. (The commune's own plan table sets its {year} targets.)"
            )
        planned = targets.assign(commune_code=commune, year=year, source="planner")
        with self._registered(planned=planned), self._transaction():
            self.run("replace_planner_targets", commune=commune, year=year)

    # -- the analyst snapshot -------------------------------------------------------------

    def snapshot_is_stale(self, target: Path) -> bool:
        """True when the snapshot is missing or a change has not been published yet."""
        return not target.exists() or int(self.fetch("pending_publish")["pending"].iloc[0]) > 0

    def publish(self, target: Path, extra_columns: tuple[str, ...] = ()) -> None:
        """Publish the analyst snapshot to `target` (`warehouse/snapshot.py`)."""
        from giamngheo.warehouse.snapshot import publish

        publish(self, target, extra_columns)

    def _transaction(self):
        return _Transaction(self.con)

    # -- reads ----------------------------------------------------------------------------

    def village_history(self, villages: list[str]) -> pd.DataFrame:
        """Accepted summaries (every year) of these villages, for year-over-year checks."""
        return self.fetch("village_history", villages=villages)

    def codes_elsewhere(self, staged: list[Path]) -> pd.DataFrame:
        """HH-ID-OTHER-VILLAGE's pairs (queries/codes_elsewhere.sql) for a run's household
        codes, staged as Parquet files, against the current lists."""
        if not staged:
            return codes_elsewhere(pd.DataFrame(columns=CODE_COLUMNS))
        self.con.read_parquet([str(p) for p in staged]).create_view("run_codes")
        try:
            return self.fetch("codes_elsewhere")
        finally:
            self.con.execute("drop view run_codes")

    def view(self, name: str, /, **equal: object) -> pd.DataFrame:
        """The rows of a view (or table) whose columns equal the given values."""
        if name not in self._relations():
            raise QueryError(f"Không có bảng hoặc view '{name}' (no such table or view).")
        where = " and ".join(f'"{column}" = ${column}' for column in equal) or "true"
        return self._execute(f'select * from "{name}" where {where}', equal).df()

    def fetch(self, name: str, /, **params: object) -> pd.DataFrame:
        """The result of queries/<name>.sql (its last statement) with these named parameters."""
        return self._statements(name, params).df()

    def run(self, name: str, /, **params: object) -> None:
        """Run the statements of queries/<name>.sql, in order, with these named parameters."""
        self._statements(name, params)

    def _statements(self, name: str, params: dict[str, object]):
        result = None
        for statement, used in query_statements(name):
            missing = used - params.keys()
            if missing:
                raise QueryError(f"queries/{name}.sql needs {', '.join(sorted(missing))}")
            result = self._execute(statement, {k: v for k, v in params.items() if k in used})
        return result

    def sql(self, text: str, params: list | dict | None = None) -> pd.DataFrame:
        """An analyst's own query (read-only connections refuse writes and file access)."""
        return self._execute(text, params).df()

    def _execute(self, sql: str, params: list | dict | None):
        try:
            return self.con.execute(sql, params) if params else self.con.execute(sql)
        except duckdb.Error as exc:
            raise QueryError(f"Câu truy vấn lỗi (query failed): {exc}") from exc

    def _relations(self) -> set[str]:
        return set(self.fetch("defined_tables")["table_name"]) | set(self.views())

    @contextlib.contextmanager
    def _registered(self, **frames: pd.DataFrame):
        """Frames visible to queries under their names for the duration of the block."""
        for name, frame in frames.items():
            self.con.register(name, frame)
        try:
            yield
        finally:
            for name in frames:
                self.con.unregister(name)


CODE_COLUMNS = ["submission_id", "source_row", "village_code", "year", "household_code"]


def codes_elsewhere(codes: pd.DataFrame, known: pd.DataFrame | None = None) -> pd.DataFrame:
    """HH-ID-OTHER-VILLAGE's pairs without a warehouse: `codes` of a run's lists
    (CODE_COLUMNS), `known` the current lists' (village_code, year, household_code)."""
    if known is None:
        known = pd.DataFrame(
            {
                "village_code": pd.Series(dtype="string"),
                "year": pd.Series(dtype="Int64"),
                "household_code": pd.Series(dtype="string"),
            }
        )
    [(statement, _)] = query_statements("codes_elsewhere")
    with duckdb.connect() as con:
        con.register("run_codes", codes[CODE_COLUMNS])
        con.register("households_current", known)
        return con.execute(statement).df()


def ordered_views(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Views in an order that creates dependencies first (tries until nothing fails)."""
    pending, ordered = sql_files("views"), []
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
