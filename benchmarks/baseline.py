"""The naive pipeline a competent analyst would write: per file, read with pandas/openpyxl,
validate with the same Great Expectations suite, insert into DuckDB. One file at a time."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pandas as pd

from giamngheo.expectations.runner import run_suite
from giamngheo.transforms.columns import HOUSEHOLD_COLUMNS, match_header


def read_file(path: Path) -> tuple[dict, pd.DataFrame]:
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl", header=None, dtype=object)
    meta = {}
    info = sheets.get("Thông tin chung", next(iter(sheets.values())))
    for _, row in info.iterrows():
        if isinstance(row.iloc[0], str) and row.iloc[0].strip() in (
            "Mã thôn",
            "Năm",
            "Tổng số hộ dân cư",
        ):
            meta[row.iloc[0].strip()] = row.iloc[1]
    table = None
    for frame in sheets.values():
        for i in range(min(len(frame), 40)):
            names = [match_header(v) if pd.notna(v) else None for v in frame.iloc[i]]
            if sum(n is not None for n in names) >= 6:
                start = i + 1
                below = [match_header(v) if pd.notna(v) else None for v in frame.iloc[i + 1]]
                if sum(n is not None and names[j] is None for j, n in enumerate(below)) >= 3:
                    names = [n or below[j] for j, n in enumerate(names)]  # a two-row header
                    start = i + 2
                body = frame.iloc[start:].copy()
                body.columns = [n or f"x{j}" for j, n in enumerate(names)]
                table = body.dropna(subset=["household_code"])
                numbering = table["household_code"].astype(str).str.fullmatch(r"\(\d+\)")
                table = table[~numbering]  # the row that numbers the columns
                break
        if table is not None:
            break
    if table is None:
        return meta, pd.DataFrame(columns=HOUSEHOLD_COLUMNS)
    table = table.loc[:, ~table.columns.duplicated()]
    table["members"] = pd.to_numeric(table["members"], errors="coerce")
    table["income_kvnd"] = pd.to_numeric(
        table["income_kvnd"]
        .astype(str)
        .str.replace(".", "", regex=False)
        .str.replace(",", ".", regex=False),
        errors="coerce",
    )
    return meta, table


def run(root: Path, database: str) -> tuple[int, int]:
    """Load every workbook under `root` into `database`; (files, households)."""
    con = duckdb.connect(database)
    con.execute(
        "create table if not exists households (village_code varchar, year integer, household_code varchar,"
        " members double, income_kvnd double, claimed_class varchar)"
    )
    con.execute(
        "create table if not exists villages (village_code varchar, year integer, total_households integer)"
    )
    files = sorted(root.rglob("*.xlsx"))
    for path in files:
        meta, table = read_file(path)
        frame = table.reset_index(drop=True).assign(
            submission_id=path.stem, source_row=lambda t: t.index + 2
        )
        run_suite(
            "households",
            frame[["submission_id", "source_row", "household_code", "members", "income_kvnd"]],
        )
        rows = frame.assign(village_code=meta.get("Mã thôn"), year=meta.get("Năm"))[
            ["village_code", "year", "household_code", "members", "income_kvnd", "claimed_class"]
        ]
        con.register("rows", rows)
        con.execute("insert into households select * from rows")
        con.unregister("rows")
        con.execute(
            "insert into villages values (?, ?, ?)",
            [meta.get("Mã thôn"), meta.get("Năm"), meta.get("Tổng số hộ dân cư")],
        )
    total = con.execute("select count(*) from households").fetchall()[0][0]
    con.close()
    return len(files), total


def main() -> None:
    files, total = run(Path(sys.argv[1]), sys.argv[2])
    print(f"{files} files, {total} households")


if __name__ == "__main__":
    main()
