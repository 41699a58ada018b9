"""Build report workbooks from the warehouse: query, compute tables, write."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from giamngheo.errors import ConfigurationError
from giamngheo.transforms.aggregate import rate_pct
from giamngheo.transforms.reports import (
    commune_plan_table,
    deprivation_table,
    dynamics_table,
    summary_table,
    targets_table,
)
from giamngheo.transforms.vietnamese import vi_int, vi_pct
from giamngheo.warehouse.store import Warehouse
from giamngheo.workbooks.report import CommuneSheet, ReportData, write_report


def report_units(units: pd.DataFrame) -> list[str]:
    """Codes of the units communes report to (districts, or provinces for district-less communes)."""
    communes = units[units["level"] == "commune"]
    return sorted(communes["parent_code"].dropna().unique())


@dataclass(frozen=True)
class YearTables:
    """What every report of one year draws on, queried once for all of them."""

    year: int
    units: pd.DataFrame
    villages: pd.DataFrame
    targets: pd.DataFrame
    dynamics: pd.DataFrame
    deprivation: pd.DataFrame
    progress: pd.DataFrame
    goals: dict[str, float]

    @classmethod
    def load(cls, wh: Warehouse, year: int) -> YearTables:
        return cls(
            year=year,
            units=wh.admin_units(),
            villages=wh.view("village_poverty", year=year),
            targets=wh.fetch("plan_targets_of_year", year=year),
            dynamics=wh.view("household_dynamics", year=year),
            deprivation=wh.view("deprivation_by_indicator", year=year),
            progress=wh.view("target_progress", year=year),
            goals=_goals(wh, year),
        )

    def of_unit(self, unit_code: str) -> YearTables:
        """The same tables cut to one parent unit's communes and villages (so each commune's
        sheet looks through its district's rows, not the whole province's)."""
        units = self.units
        communes = units[(units["level"] == "commune") & (units["parent_code"] == unit_code)]
        codes = set(communes["code"])
        keep = (
            units["level"].isin(["province", "district"])
            | units["code"].isin(codes)
            | units["parent_code"].isin(codes)
        )

        def cut(frame: pd.DataFrame) -> pd.DataFrame:
            return frame[frame["commune_code"].isin(codes)] if "commune_code" in frame else frame

        return replace(
            self,
            units=units[keep],
            villages=cut(self.villages),
            targets=self.targets[self.targets["village_code"].isin(units.loc[keep, "code"])],
            dynamics=cut(self.dynamics),
            deprivation=cut(self.deprivation),
            progress=cut(self.progress),
        )


def write_unit_report(
    wh: Warehouse, unit_code: str, year: int, out_dir: Path, tables: YearTables | None = None
) -> Path | None:
    """The report workbook (and CSV files) of one parent unit and year; returns its path, or
    None when no list of that year belongs to the unit (nothing to report).

    `tables`: the year's tables when several units' reports are written (`YearTables.load`).
    """
    tables = tables or YearTables.load(wh, year)
    known = tables.units.set_index("code")
    if unit_code not in known.index:
        raise ConfigurationError(
            f"Mã đơn vị '{unit_code}' không có trong danh mục (unit code not in the registry)."
        )
    t = tables.of_unit(unit_code)
    if t.villages.empty:
        return None
    units = t.units
    communes = units[(units["level"] == "commune") & (units["parent_code"] == unit_code)]
    sheets = []
    for c in communes.sort_values("code").itertuples(index=False):
        table = commune_plan_table(t.villages, units, t.targets, c.code, year)
        sheets.append(CommuneSheet(c.code, c.name, table, _goal_line(table, t.goals.get(c.code))))
    data = ReportData(
        parent_name=known.loc[unit_code, "name"],
        year=year,
        summary=summary_table(t.villages, units, unit_code, year),
        communes=sheets,
        dynamics_poor=dynamics_table(t.dynamics, units, unit_code, year, "poor"),
        dynamics_near_poor=dynamics_table(t.dynamics, units, unit_code, year, "near_poor"),
        deprivation=deprivation_table(t.deprivation, units, unit_code, year, "poor"),
        targets=targets_table(t.progress, units, unit_code, year),
        quality=_quality(wh, unit_code, year),
        sources=wh.fetch("sources", unit=unit_code, year=year),
    )
    return write_report(out_dir / f"bao_cao_{unit_code}_{year}.xlsx", data)


def _quality(wh: Warehouse, unit_code: str, year: int) -> pd.DataFrame:
    return wh.fetch("completeness", unit=unit_code, year=year)


def _goals(wh: Warehouse, year: int) -> dict[str, float]:
    rows = wh.fetch("plan_goals", year=year)
    return dict(zip(rows["commune_code"], rows["goal_rate_pct"], strict=True))


def _goal_line(table: pd.DataFrame, goal: float | None) -> str:
    """ "Mục tiêu … dưới 1,00 %: nếu đạt các chỉ tiêu còn 10 hộ / 1.415 = 0,71 % — đạt"."""
    total = table.iloc[-1]
    if goal is None or pd.isna(total["total_households"]) or pd.isna(total["target_households"]):
        return ""
    households = int(total["total_households"])
    remaining = int(total["poor_households"]) - int(total["target_households"])
    rate = rate_pct(remaining, households)
    met = remaining * 100 < goal * households
    verdict = "đạt mục tiêu" if met else "CHƯA đạt mục tiêu"
    return (
        f"Mục tiêu: giảm còn dưới {vi_pct(goal)} % hộ nghèo. Nếu đạt các chỉ tiêu, còn {remaining} "
        f"hộ nghèo trên {vi_int(households)} hộ = {vi_pct(rate)} %: {verdict}."
    )
