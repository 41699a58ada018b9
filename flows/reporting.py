"""Build report workbooks from the warehouse: query the year once, compute each unit's tables,
write them.

Reports are written from the writer's warehouse (the nightly run, or `giamngheo report` under
the writer lock): the households that left a list are named by their codes, which the analyst
snapshot does not hold. What a report shows is computed in `transforms.report_data`; this
module queries and writes. One unit's report that cannot be written is an `Outcome` with its
error: it never stops the others.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import gc
import logging
import multiprocessing
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from giamngheo.errors import ConfigurationError
from giamngheo.transforms.report_data import YearFrames, report_data
from giamngheo.transforms.report_scope import scope
from giamngheo.warehouse.report_frames import year_frames
from giamngheo.warehouse.store import Warehouse
from giamngheo.workbooks.report import write_report

log = logging.getLogger(__name__)
# A report writer's DuckDB memory: a year's tables are small, but DuckDB keeps what it read for
# them (the year's households) cached up to its limit, by default 80 % of the machine. At 20,000
# villages a writer holds 550 MB with 512 MB allowed and 240 MB with this, as fast.
REPORT_MEMORY = "256MB"


def report_units(units: pd.DataFrame) -> list[str]:
    """Codes of the units communes report to (districts, or provinces for district-less
    communes)."""
    communes = units[units["level"] == "commune"]
    return sorted(communes["parent_code"].dropna().unique())


def write_unit_report(
    wh: Warehouse,
    unit_code: str,
    year: int,
    out_dir: Path,
    frames: YearFrames | None = None,
    today: dt.date | None = None,
) -> Path | None:
    """The report workbook (and CSV files) of one unit (province, district or commune) and
    year; returns its path, or None when no list of that year belongs to the unit."""
    t = frames or year_frames(wh, year)
    if unit_code not in set(t.units["code"]):
        raise ConfigurationError(
            f"Mã đơn vị '{unit_code}' không có trong danh mục (unit code not in the registry)."
        )
    level = t.units.set_index("code").at[unit_code, "level"]
    if level == "village":
        raise ConfigurationError(
            f"'{unit_code}' là một thôn: báo cáo dành cho xã, huyện hoặc tỉnh. "
            f"({unit_code} is a village: report on a commune, district or province.)"
        )
    sc = scope(t.units, unit_code, t.history)
    if t.villages["village_code"].isin(sc.villages).sum() == 0:
        return None
    data = report_data(t, sc, today or dt.date.today())
    suffix = "_don_vi_hien_nay" if t.current_units else ""  # on today's units
    return write_report(out_dir / f"bao_cao_{unit_code}_{year}{suffix}.xlsx", data)


@dataclass(frozen=True)
class Outcome:
    """What became of one (year, unit) report: its path (None: no list of the year belongs to
    the unit), or the error that kept it from being written."""

    year: int
    unit: str
    path: Path | None = None
    error: str = ""

    def to_dict(self) -> dict:
        return {"year": self.year, "unit": self.unit, "error": self.error}


def write_unit_reports(
    wh: Warehouse,
    jobs: list[tuple[int, str]],
    out_dir: Path,
    current_units: bool = False,
    today: dt.date | None = None,
    known: YearFrames | None = None,
) -> list[Outcome]:
    """The reports of these (year, unit) pairs from an open warehouse, each on its own: a
    report that fails is recorded with its error and the others are still written (`known`:
    the frames of one of the years, already queried)."""
    outcomes = []
    frames: dict[int, YearFrames | Exception] = {known.year: known} if known else {}
    for year, unit in jobs:
        if year not in frames:
            try:  # jobs come sorted by year: one year's frames at a time
                frames = {year: year_frames(wh, year, current_units)}
            except Exception as exc:  # noqa: BLE001 - recorded for every unit of the year
                log.exception("Cannot query the %s reports", year)
                frames = {year: exc}
        loaded = frames[year]
        if isinstance(loaded, Exception):
            outcomes.append(Outcome(year, unit, error=_described(loaded)))
            continue
        try:
            path = write_unit_report(wh, unit, year, out_dir, loaded, today)
        except Exception as exc:  # noqa: BLE001 - one unit's failure never stops the others
            log.exception("Cannot write the report of %s for %s", unit, year)
            outcomes.append(Outcome(year, unit, error=_described(exc)))
            continue
        outcomes.append(Outcome(year, unit, path))
    return outcomes


def _described(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def write_reports(
    warehouse: Path, out_dir: Path, jobs: list[tuple[int, str]], workers: int = 1
) -> Iterator[Outcome]:
    """The reports of these (year, unit) pairs, by up to `workers` processes: this one and
    `workers - 1` writer processes started for them, each opening the warehouse read-only (the
    caller must not hold it open for writing). This process would only wait otherwise, and a
    writer started costs a second and its own copy of the year's tables. Yields the outcome of
    every job (a writer process that dies fails its jobs, not the others')."""
    n = min(workers, len(jobs))
    if n < 2:
        yield from _written_here(warehouse, out_dir, jobs)
        return
    groups = [jobs[k::n] for k in range(n)]
    spawn = multiprocessing.get_context("spawn")  # no fork of a process that runs threads
    with ProcessPoolExecutor(n - 1, mp_context=spawn, initializer=_die_with_parent) as pool:
        futures = {
            pool.submit(_write_group, warehouse, out_dir, group): group for group in groups[1:]
        }
        yield from _written_here(warehouse, out_dir, groups[0])
        for done in as_completed(futures):
            try:
                yield from done.result()
            except Exception as exc:  # noqa: BLE001 - the writer process itself failed
                log.exception("A report writer failed")
                yield from (Outcome(y, u, error=_described(exc)) for y, u in futures[done])


def _written_here(warehouse: Path, out_dir: Path, jobs: list[tuple[int, str]]) -> list[Outcome]:
    """`_write_group` in this process, without the garbage collector's passes meanwhile: a
    run's process holds millions of objects (Prefect, Great Expectations, the run's tables),
    and a report allocates enough to start many passes over them all. (Not `gc.freeze`: its
    `unfreeze` would also release what `serve` froze at its start.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _write_group(warehouse, out_dir, jobs)
    finally:
        if enabled:
            gc.enable()


def _die_with_parent() -> None:
    """A report writer ends when the run that started it is killed: left running, it would
    hold the warehouse open while the next run needs it for writing (Linux; elsewhere the
    writer finishes its report first)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


_PR_SET_PDEATHSIG = 1


def _write_group(warehouse: Path, out_dir: Path, jobs: list[tuple[int, str]]) -> list[Outcome]:
    with Warehouse(warehouse, read_only=True, memory_limit=REPORT_MEMORY) as wh:
        return write_unit_reports(wh, jobs, out_dir)
