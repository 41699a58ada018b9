"""Seeded benchmark inbox: N village workbooks of about 150 households, cached between runs.

A synthetic registry of N villages (10 per commune, 100 communes per district) and one 2024
list per village. About one file in five takes a messy shape a real village sends (title
rows, a merged two-row header, numbers typed as text, shuffled columns with an extra one).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from giamngheo.transforms.synthetic import Profile, VillageList, sample_lists
from giamngheo.workbooks.template import write_village_workbook

CACHE = Path(__file__).parent / ".cache"
PROFILE = Profile(
    total_households=(350, 460), poor_share=0.15, near_poor_share=0.12, average_share=0.1
)
MESSY_SHARE = 0.2


def registry(villages: int) -> pd.DataFrame:
    """Province 46 → districts 900… → communes 30000… (10 villages each) → villages."""
    rows = [("46", "province", "Tỉnh Thử nghiệm", None, None)]
    communes = -(-villages // 10)
    for d in range(-(-communes // 100)):
        rows.append((f"{900 + d}", "district", f"Huyện {d + 1}", "46", None))
    for c in range(communes):
        code = f"{30000 + c}"
        rows.append((code, "commune", f"Xã {c + 1}", f"{900 + c // 100}", "rural"))
        for v in range(1, min(10, villages - c * 10) + 1):
            rows.append((f"{code}-{v:02d}", "village", f"Thôn {v}", code, "rural"))
    return pd.DataFrame(rows, columns=["code", "level", "name", "parent_code", "area"])


def inbox(villages: int, seed: int = 8, cache: Path = CACHE) -> Path:
    """The cached inbox for N villages (written once, reused by later runs)."""

    def write(folder: Path, units: pd.DataFrame) -> None:
        lists = sample_lists(units, years=(2024,), seed=seed, profile=PROFILE)
        jobs = [(folder / "inbox", i, v) for i, v in enumerate(lists)]
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            list(pool.map(_write, jobs, chunksize=50))

    folder = cache / f"villages_{villages}_seed_{seed}"
    return cached(folder, registry_csv(villages, cache), lambda: registry(villages), write)


def cached(
    folder: Path,
    registry_file: Path,
    units: Callable[[], pd.DataFrame],
    write: Callable[[Path, pd.DataFrame], None],
) -> Path:
    """`folder`/inbox, written once by `write(folder, units())` with the registry saved to
    `registry_file`; a marker says the writing finished, so an interrupted one starts over."""
    done = folder / ".complete"
    if not done.exists():
        frame = units()
        folder.mkdir(parents=True, exist_ok=True)
        frame.to_csv(registry_file, index=False)
        write(folder, frame)
        done.touch()
    return folder / "inbox"


def registry_csv(villages: int, cache: Path = CACHE) -> Path:
    return cache / f"registry_{villages}.csv"


def _write(job: tuple[Path, int, VillageList]) -> None:
    root, index, village = job
    meta = village.metadata
    path = root / meta["commune_code"] / f"{meta['village_code']}_{meta['year']}.xlsx"
    write_file(path, index, village)


def write_file(path: Path, index: int, village: VillageList) -> None:
    """One list, canonical or (one in five) in a messy shape."""
    if index % int(1 / MESSY_SHARE) == 3:
        from tests.workbooks.variants import VARIANTS, write_variant

        messy = [
            "title_rows",
            "two_row_merged_header",
            "numbers_as_text",
            "shuffled_and_extra_column",
        ]
        kwargs, _ = VARIANTS[messy[(index // 5) % len(messy)]]
        write_variant(path, village, seed=index, **kwargs)
    else:
        write_village_workbook(path, village.metadata, village.households)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--villages", type=int, default=2000)
    args = parser.parse_args()
    print(inbox(args.villages))


if __name__ == "__main__":
    main()
