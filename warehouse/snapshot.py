"""The analyst snapshot: `published/current.duckdb`, made from the warehouse in a new file and
renamed into place, holding what each column's privacy allows (`transforms.tables`)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path

import duckdb

from giamngheo import testpoints
from giamngheo.transforms.columns import fold
from giamngheo.transforms.issues import Issue
from giamngheo.transforms.privacy import HIDDEN, is_private, mask_text
from giamngheo.transforms.tables import EXTRA, MASKED, NOT_PUBLISHED, PUBLIC, TABLES
from giamngheo.warehouse.store import Warehouse, macros_sql, ordered_views, sql_files


def publish(wh: Warehouse, target: Path, extra_columns: tuple[str, ...] = ()) -> None:
    """Build the analyst snapshot in a new file and rename it over `target` atomically.

    The snapshot holds what each column's privacy allows (`transforms.tables`): no head
    names, household codes, notes or other personal columns (a salted `household_key`
    identifies households instead), issue values that may name someone hidden, and of
    the columns villages added (`extra`) only `extra_columns`, masked. Then the macros and
    views. It is written in a storage format the DuckDB 1.5 CLI reads. A reader holding the
    old file keeps reading it; the next open sees the new one.

    When the snapshot in place was made by the same recipe (columns, masks, macros and
    views, recorded as its households table's comment), the new file starts as a copy of
    it and takes only the households of the lists processed since (and drops those of
    lists gone); the other tables are small and copied whole. If the copy then holds
    another number of households than the warehouse, it is built anew.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.stem}-{uuid.uuid4().hex[:8]}.tmp")
    recipe = _snapshot_recipe(extra_columns)
    if not (target.exists() and _update(wh, target, tmp, recipe, extra_columns)):
        _build(wh, tmp, recipe, extra_columns)
    with duckdb.connect(str(tmp)) as snap:
        snap.execute(macros_sql())
        ordered_views(snap)
        snap.execute("checkpoint")
    _fsync(tmp)
    testpoints.reached("publish")
    os.replace(tmp, target)
    _fsync(target.parent)
    wh.run("mark_published")


def _build(wh: Warehouse, tmp: Path, recipe: str, extra_columns: tuple[str, ...]) -> None:
    tmp.unlink(missing_ok=True)
    wh.con.execute(
        f"attach '{_sql_path(tmp)}' as snapshot (storage_version '{SNAPSHOT_STORAGE_VERSION}')"
    )
    try:
        with _privacy_functions(wh.con, extra_columns):
            for table, select in _snapshot_selects().items():
                wh.con.execute(f"create table snapshot.{table} as {select}")
        wh.con.execute(f"comment on table snapshot.households is '{recipe}'")
    finally:
        wh.con.execute("detach snapshot")


def _update(
    wh: Warehouse, target: Path, tmp: Path, recipe: str, extra_columns: tuple[str, ...]
) -> bool:
    """A copy of the snapshot in place brought up to date in `tmp`; False (and no `tmp`)
    when it was made by another recipe or does not come out whole."""
    shutil.copyfile(target, tmp)
    wh.con.execute(f"attach '{_sql_path(tmp)}' as snapshot")
    try:
        if wh.fetch("snapshot_recipe")["comment"].tolist() != [recipe]:
            whole = False
        else:
            with _privacy_functions(wh.con, extra_columns):
                wh.run("snapshot_changed_lists")
                for table, select in _snapshot_selects().items():
                    if table == "households":
                        wh.run("snapshot_drop_changed_households")
                        wh.con.execute(
                            f"insert into snapshot.households {select} "
                            "where submission_id in (select submission_id from changed_lists)"
                        )
                    else:
                        wh.con.execute(f"create or replace table snapshot.{table} as {select}")
            whole = bool(wh.fetch("snapshot_is_whole")["whole"].iloc[0])
    finally:
        wh.con.execute("drop table if exists changed_lists")
        wh.con.execute("detach snapshot")
    if not whole:
        tmp.unlink()
    return whole


# The DuckDB 1.5 CLI (the newest on PyPI) refuses files in 2.x's default storage format.
SNAPSHOT_STORAGE_VERSION = "v1.5.0"


@contextlib.contextmanager
def _privacy_functions(con: duckdb.DuckDBPyConnection, extra_columns: tuple[str, ...]):
    """The SQL functions the snapshot's masks call, backed by `transforms.privacy`."""
    allowed = {fold(c) for c in extra_columns}

    def private(code: str | None, column: str | None, value: str | None) -> bool:
        issue = Issue(code or "", "", "", "", None, None, column, value, "", "")
        return is_private(issue)

    def extra(text: str | None, head_name: str | None) -> str | None:
        if not text or not allowed:
            return None
        kept = {
            header: mask_text(str(value), [head_name] if head_name else [])
            for header, value in json.loads(text).items()
            if fold(header) in allowed
        }
        return json.dumps(kept, ensure_ascii=False) if kept else None

    functions = {
        "giamngheo_private": (private, ["VARCHAR", "VARCHAR", "VARCHAR"], "BOOLEAN"),
        "giamngheo_extra": (extra, ["VARCHAR", "VARCHAR"], "VARCHAR"),
    }
    for name, (function, arguments, returns) in functions.items():
        con.create_function(name, function, arguments, returns, null_handling="special")
    try:
        yield
    finally:
        for name in functions:
            con.remove_function(name)


def _masks() -> dict[tuple[str, str], str]:
    """SQL for each `masked` or `extra` column: the value as it may leave the warehouse."""
    private = "giamngheo_private(code, column_name, value)"
    quoted = "'''' || value || ''''"  # the value as the messages quote it: '…'
    hidden = "'''" + HIDDEN + "'''"
    return {
        ("issues", "value"): f"case when {private} then null else value end",
        ("issues", "message_vi"): (
            f"case when {private} then replace(message_vi, {quoted}, {hidden}) else message_vi end"
        ),
        ("issues", "message_en"): (
            f"case when {private} then replace(message_en, {quoted}, {hidden}) else message_en end"
        ),
        ("households", "extra"): "giamngheo_extra(extra, head_name)",
    }


def _snapshot_selects() -> dict[str, str]:
    """What the analyst snapshot copies from each table, decided by each column's privacy
    (`transforms.tables`): public columns as they are, masked ones through their mask, and
    nothing personal or secret."""
    masks = _masks()
    selects = {}
    for table in TABLES.values():
        columns = []
        for column in table.columns:
            if column.privacy == PUBLIC:
                columns.append(f'"{column.name}"')
            elif column.privacy in (MASKED, EXTRA):
                columns.append(f'{masks[(table.name, column.name)]} as "{column.name}"')
        if columns and all(c.privacy not in NOT_PUBLISHED for c in table.columns):
            selects[table.name] = f'select {", ".join(columns)} from "{table.name}"'
    return selects


def _snapshot_recipe(extra_columns: tuple[str, ...]) -> str:
    """A fingerprint of how the snapshot is made from the warehouse: a snapshot made by another
    recipe (other columns, masks, macros or views, or another DuckDB) is built anew."""
    parts = [
        json.dumps(_snapshot_selects(), sort_keys=True),
        json.dumps(sorted(extra_columns)),
        macros_sql(),
        *(sql for _, sql in sql_files("views")),
        SNAPSHOT_STORAGE_VERSION,
        duckdb.__version__,
    ]
    return "giamngheo-snapshot " + hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
