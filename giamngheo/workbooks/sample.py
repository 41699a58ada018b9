"""Write the bundled sample district's village workbooks into an inbox."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from giamngheo.transforms.synthetic import VillageList, sample_lists
from giamngheo.workbooks.template import write_village_workbook


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
    written: list[Path] = []
    for village in sample_lists(registry, years=years, seed=seed):
        path = inbox / sample_file_name(village)
        if path.exists():
            continue
        write_village_workbook(path, village.metadata, village.households)
        written.append(path)
    return written
