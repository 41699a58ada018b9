"""The changes to the warehouse's reference data made outside a run: the admin registry, the
planner's targets and the poverty standards. Each is one transaction under the writer lock,
recorded as a change, and published to the analysts' snapshot; none needs Prefect."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from giamngheo.flows.runtime import new_run_id
from giamngheo.flows.settings import Settings, secure_home
from giamngheo.warehouse import standards as standard_store
from giamngheo.warehouse.lock import writer_lock
from giamngheo.warehouse.store import Warehouse


def load_registry(settings: Settings, units: pd.DataFrame) -> bool:
    """Replace the admin registry and publish. Returns whether the registry changed; loading
    the same file again writes nothing."""
    with _writing(settings) as wh:
        changed = wh.replace_admin_units(units)
        if changed:
            wh.record_change(f"registry-{new_run_id()}")
        _publish_if_stale(wh, settings)
    return changed


def import_registry(settings: Settings, path: Path, day: dt.date | None = None):
    """Apply an official unit list (or an assignment file) to the registry and publish;
    returns what the import did (`warehouse.official.Imported`)."""
    from giamngheo.warehouse.official import import_file

    with _writing(settings) as wh:
        imported = import_file(wh.admin_units(), path, day)
        if wh.replace_admin_units(imported.units):
            wh.record_change(f"registry-{new_run_id()}")
        _publish_if_stale(wh, settings)
    return imported


def write_planned_targets(settings: Settings, commune: str, year: int, table: pd.DataFrame) -> None:
    """Store the planner's targets for a commune and year, unless its own plan table set them."""
    with _writing(settings) as wh:
        wh.replace_planned_targets(commune, year, table[["village_code", "target_households"]])
        wh.record_change(f"plan-{new_run_id()}")
        wh.publish(settings.published_path, settings.snapshot_extra_columns)


def import_standard(settings: Settings, path: Path) -> tuple[standard_store.Imported, int]:
    """Keep a standard's file in the warehouse and publish; returns what the import did and
    how many current village lists the standard covers (classed again by `ingest --force`)."""
    with _writing(settings) as wh:
        imported = standard_store.import_file(wh, path)
        if imported.changed:
            wh.record_change(f"standard-{new_run_id()}")
        covered = standard_store.lists_covered(wh, imported.standard)
        _publish_if_stale(wh, settings)
    return imported, covered


def standards_in_use(
    settings: Settings, year: int | None = None, province: str | None = None
) -> list[dict]:
    """The standards in use (`warehouse.standards.described`), of the lists of `year` and of
    the national scope and `province` when given: the shipped ones with those imported, as
    the analysts' snapshot holds them (read without the writer lock), or the shipped ones
    before there is one."""
    from giamngheo.transforms.standards import shipped

    if settings.published_path.exists():
        with Warehouse(settings.published_path, read_only=True) as wh:
            lines = wh.fetch("standard_lines")
            indicators = wh.fetch("standard_indicator_sets")
    else:
        lines, indicators = standard_store.tables_of(shipped())
    if year is not None:
        lines = lines[(lines["first_year"] <= year) & (lines["last_year"] >= year)]
    if province is not None:
        lines = lines[lines["province_code"].isna() | (lines["province_code"] == province)]
    return standard_store.described(lines, indicators)


@contextlib.contextmanager
def _writing(settings: Settings) -> Iterator[Warehouse]:
    """The warehouse, migrated, under the writer lock."""
    secure_home(settings.home)
    lock = writer_lock(settings.warehouse_path, settings.lock_timeout)
    with lock, Warehouse(settings.warehouse_path) as wh:
        wh.migrate()
        yield wh


def _publish_if_stale(wh: Warehouse, settings: Settings) -> None:
    if wh.snapshot_is_stale(settings.published_path):
        wh.publish(settings.published_path, settings.snapshot_extra_columns)
