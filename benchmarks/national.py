"""The national benchmark inbox: N villages (70,000 by default, about 10 M households) under the
34 provinces and 3,321 communes of 1 July 2025 (the official lists, no districts), one 2026
list each, cached between runs.

Each village's list is drawn from a generator of its own (`sample_lists`), so slices of the
registry are generated on every core independently, and written by the plain writer
(`benchmarks.plainxlsx`): minutes for the nation, where openpyxl would take an hour.
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from benchmarks.generate import CACHE, PROFILE, cached
from benchmarks.plainxlsx import write_plain_workbook
from giamngheo.transforms.registry import REGISTRY_COLUMNS
from giamngheo.transforms.synthetic import sample_lists
from giamngheo.warehouse.official import import_file

NATION = 70_000
YEAR = 2026
REFERENCE = Path(__file__).parents[1] / "warehouse" / "reference" / "admin-2025"


def registry(villages: int = NATION) -> pd.DataFrame:
    """The provinces and communes of 1 July 2025, and `villages` villages spread evenly over
    the communes (coded `<commune>-<nn>`, rural or urban with their commune)."""
    units = pd.DataFrame(columns=[*REGISTRY_COLUMNS, "valid_from", "valid_to"])
    for name in ("tinh-2025-07-01.csv", "xa-2025-07-01.csv"):
        units = import_file(units, REFERENCE / name).units
    units = units[list(REGISTRY_COLUMNS)]
    communes = units[units["level"] == "commune"].sort_values("code")
    per, extra = divmod(villages, len(communes))
    rows = [
        (f"{c.code}-{k:02d}", "village", f"Thôn {k}", c.code, c.area)
        for i, c in enumerate(communes.itertuples(index=False))
        for k in range(1, per + (i < extra) + 1)
    ]
    villages_frame = pd.DataFrame(rows, columns=list(REGISTRY_COLUMNS))
    return pd.concat([units, villages_frame], ignore_index=True)


def registry_csv(villages: int = NATION, cache: Path = CACHE) -> Path:
    return cache / f"national_registry_{villages}.csv"


def inbox(villages: int = NATION, seed: int = 8, cache: Path = CACHE) -> Path:
    """The cached national inbox (written once, on every core)."""

    def write(folder: Path, units: pd.DataFrame) -> None:
        above = units[units["level"] != "village"]
        below = units[units["level"] == "village"]
        step = 500
        jobs = [
            (folder / "inbox", pd.concat([above, below.iloc[k : k + step]]), seed)
            for k in range(0, len(below), step)
        ]
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            list(pool.map(_write_slice, jobs))

    folder = cache / f"national_{villages}_seed_{seed}"
    return cached(folder, registry_csv(villages, cache), lambda: registry(villages), write)


def _write_slice(job: tuple[Path, pd.DataFrame, int]) -> int:
    root, units, seed = job
    for village in sample_lists(units, years=(YEAR,), seed=seed, profile=PROFILE):
        meta = village.metadata
        path = root / meta["commune_code"] / f"{meta['village_code']}_{YEAR}.xlsx"
        write_plain_workbook(path, meta, village.households)
    return int((units["level"] == "village").sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--villages", type=int, default=NATION)
    args = parser.parse_args()
    start = time.perf_counter()
    path = inbox(args.villages)
    print(f"{path} ({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
