"""Build report workbooks from the warehouse: query, compute tables, write."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from giamngheo.errors import ConfigurationError
from giamngheo.transforms.reports import commune_plan_table, summary_table
from giamngheo.warehouse.store import Warehouse
from giamngheo.workbooks.report import write_report


def report_units(units: pd.DataFrame) -> list[str]:
    """Codes of the units communes report to (districts, or provinces for district-less communes)."""
    communes = units[units["level"] == "commune"]
    return sorted(communes["parent_code"].dropna().unique())


def write_unit_report(wh: Warehouse, unit_code: str, year: int, out_dir: Path) -> Path:
    """The report workbook of one parent unit and year; returns its path."""
    units = wh.admin_units()
    known = units.set_index("code")
    if unit_code not in known.index:
        raise ConfigurationError(
            f"Mã đơn vị '{unit_code}' không có trong danh mục (unit code not in the registry)."
        )
    villages = wh.query("select * from village_poverty where year = ?", [year])
    targets = wh.query("select village_code, year, target_households from plan_targets")
    summary = summary_table(villages, units, unit_code, year)
    communes = units[(units["level"] == "commune") & (units["parent_code"] == unit_code)]
    tables = [
        (c.code, c.name, commune_plan_table(villages, units, targets, c.code, year))
        for c in communes.sort_values("code").itertuples(index=False)
    ]
    path = out_dir / f"bao_cao_{unit_code}_{year}.xlsx"
    return write_report(
        path, parent_name=known.loc[unit_code, "name"], year=year, summary=summary, communes=tables
    )
