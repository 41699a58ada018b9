"""The reading floor: python-calamine reading every cell of every sheet of every file."""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import python_calamine


def read_all(path: str) -> int:
    cells = 0
    workbook = python_calamine.CalamineWorkbook.from_path(path)
    for name in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        cells += sum(len(r) for r in rows)
    workbook.close()
    return cells


def main() -> None:
    root, workers = Path(sys.argv[1]), int(sys.argv[2])
    files = sorted(str(p) for p in root.rglob("*.xlsx"))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        cells = sum(pool.map(read_all, files, chunksize=25))
    print(f"{len(files)} files, {cells} cells")


if __name__ == "__main__":
    main()
