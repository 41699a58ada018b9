"""Write the bundled sample district's village workbooks into an inbox."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from giamngheo.transforms.synthetic import (
    DIEN_HOA,
    DIEN_HOA_PLAN_2024,
    DIEN_HOA_POOR_2024,
    DIEN_HOA_TARGETS_2024,
    VillageList,
    sample_lists,
)
from giamngheo.workbooks.template import write_plan_workbook, write_village_workbook


def sample_file_name(village: VillageList) -> str:
    """Where a sample list goes inside the inbox: ``<commune>/<village>_<year>.xlsx``."""
    meta = village.metadata
    return f"{meta['commune_code']}/{meta['village_code']}_{meta['year']}.xlsx"


def write_sample_inbox(
    inbox: Path, registry: pd.DataFrame, years: tuple[int, ...] = (2024, 2025), seed: int = 2024
) -> list[Path]:
    """Write one canonical workbook per village and year; existing files are left untouched.

    Keeping existing files makes a second demo run a no-op: rewritten workbooks would carry new
    timestamps, hence new fingerprints, and would be loaded again as new versions.
    """
    todo = [
        (inbox / sample_file_name(village), village.metadata, village.households)
        for village in sample_lists(registry, years=years, seed=seed)
    ]
    todo = [job for job in todo if not job[0].exists()]
    _write_all(todo)
    written = [path for path, _, _ in todo]
    plan = inbox / DIEN_HOA / f"ke_hoach_{DIEN_HOA}_2024.xlsx"
    if 2024 in years and DIEN_HOA in set(registry["code"]) and not plan.exists():
        written.append(_write_dien_hoa_plan(plan))
    return written


def _write_all(jobs: list[tuple[Path, dict, pd.DataFrame]]) -> None:
    """Write the workbooks, on every core when there are many (openpyxl is pure Python: a
    workbook takes about 0.15 s)."""
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or len(jobs) < 4 * workers:
        for job in jobs:
            _write_one(job)
        return
    spawn = multiprocessing.get_context("spawn")  # no fork of a process that runs threads
    with ProcessPoolExecutor(workers, mp_context=spawn) as pool:
        list(pool.map(_write_one, jobs, chunksize=max(1, len(jobs) // (workers * 4))))


def _write_one(job: tuple[Path, dict, pd.DataFrame]) -> None:
    path, metadata, households = job
    write_village_workbook(path, metadata, households)


def _write_dien_hoa_plan(path: Path) -> Path:
    """Điền Hòa's plan for 2024 (Kế hoạch 05/KH-UBND), figures exactly as printed."""
    rows = [
        {
            "unit_name": f"Thôn {i}",
            "poor_households": poor,
            "poor_rate_pct": rate,
            "target_households": target or None,
            "target_rate_pct": target_rate,
        }
        for i, (poor, rate, target, target_rate) in enumerate(
            zip(
                DIEN_HOA_POOR_2024,
                DIEN_HOA_PLAN_2024["poor_rate_pct"],
                DIEN_HOA_TARGETS_2024,
                DIEN_HOA_PLAN_2024["target_rate_pct"],
                strict=True,
            ),
            start=1,
        )
    ]
    return write_plan_workbook(path, "Xã Điền Hòa", 2024, rows, DIEN_HOA_PLAN_2024["total"])
