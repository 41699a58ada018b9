"""What the commands and the web app write from the warehouse itself (it holds the household
codes, which the analysts' snapshot does not): report workbooks and village templates. Each
reads the warehouse read-only, under the writer lock, waiting for a run rather than reading
half of it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from giamngheo.errors import ConfigurationError
from giamngheo.flows.reporting import Outcome, report_units, write_unit_reports
from giamngheo.flows.settings import Settings
from giamngheo.transforms.registry import ancestors, ended_on, list_date
from giamngheo.warehouse.lock import writer_lock
from giamngheo.warehouse.report_frames import year_frames
from giamngheo.warehouse.store import Warehouse
from giamngheo.workbooks.template import write_village_workbook


@contextmanager
def private_warehouse(settings: Settings) -> Iterator[Warehouse]:
    """The writer's warehouse, read-only, under the writer lock (waiting for a nightly run):
    what needs household codes, which the analyst snapshot does not hold."""
    with (
        writer_lock(settings.warehouse_path, settings.lock_timeout),
        Warehouse(settings.warehouse_path, read_only=True) as wh,
    ):
        yield wh


def write_reports_of(
    settings: Settings,
    year: int,
    unit: str | None = None,
    current_units: bool = False,
    out_dir: Path | None = None,
) -> list[Outcome]:
    """The report workbooks of `unit` (or of every unit communes report to) for `year`, on the
    units in force that year or, with `current_units`, today's. One that fails is an Outcome
    with its error, and never stops the others; a unit not in the registry, or a village, is a
    ConfigurationError."""
    with private_warehouse(settings) as wh:
        frames = year_frames(wh, year, current_units=current_units)
        if unit:
            check_unit(frames.units, unit)
        codes = [unit] if unit else report_units(frames.units)
        return write_unit_reports(
            wh,
            [(year, code) for code in codes],
            out_dir or settings.reports,
            current_units=current_units,
            known=frames,
        )


def check_unit(units, unit: str) -> None:
    """A unit asked for by code must be a commune, district or province of the registry."""
    known = units.set_index("code")
    if unit not in known.index:
        raise ConfigurationError(
            f"Mã đơn vị '{unit}' không có trong danh mục (unit code not in the registry)."
        )
    if known.at[unit, "level"] == "village":
        raise ConfigurationError(
            f"'{unit}' là một thôn: báo cáo dành cho xã, huyện hoặc tỉnh. "
            f"({unit} is a village: report on a commune, district or province.)"
        )


@dataclass(frozen=True)
class Template:
    """One village's template: where it was written, and the earlier list it carries."""

    path: Path
    households: int = 0
    listed_year: int | None = None


def write_templates(settings: Settings, commune: str, year: int, out_dir: Path) -> list[Template]:
    """The workbook of every village of `commune` for the lists of `year`, each with the
    households of its last list to update."""
    with private_warehouse(settings) as wh:
        units = wh.admin_units(year).set_index("code")
        if commune not in units.index or units.loc[commune, "level"] != "commune":
            raise ConfigurationError(not_in_force(wh.admin_units(), commune, year))
        villages = units[(units["level"] == "village") & (units["parent_code"] == commune)]
        before = wh.fetch("households_to_update", villages=list(villages.index), year=year)
    above = ancestors(units, commune)
    lists = dict(tuple(before.groupby("village_code")))
    written = []
    for code, v in villages.sort_index().iterrows():
        meta = {
            "province_code": above.get("province"),
            "district_code": above.get("district"),
            "commune_code": commune,
            "commune_name": units.loc[commune, "name"],
            "village_code": code,
            "village_name": v["name"],
            "year": year,
            "area": v["area"],
        }
        households = lists.get(code)
        path = write_village_workbook(out_dir / f"{code}_{year}.xlsx", meta, households)
        if households is None:
            written.append(Template(path))
        else:
            written.append(Template(path, len(households), int(households["year"].iloc[0])))
    return written


def not_in_force(registry, commune: str, year: int) -> str:
    """Why `commune` makes no list of `year`: unknown, or not a commune for that year's lists
    (merged away in the 2025 reorganisation, or only from a later day)."""
    rows = registry[(registry["code"] == commune) & (registry["level"] == "commune")]
    if rows.empty:
        return f"Mã xã '{commune}' không có trong danh mục (commune code not in the registry)."
    name = rows["name"].iloc[-1]
    ended = ended_on(registry, commune)
    if ended is not None and ended <= list_date(year):
        return (
            f"{name} ({commune}) không còn từ ngày {ended:%d/%m/%Y}: danh sách năm {year} do xã, "
            f"phường hiện nay lập. "
            f"({commune} ended on {ended}: the {year} lists are made by today's communes.)"
        )
    return (
        f"{name} ({commune}) chưa có trong danh mục cho danh sách năm {year}. "
        f"({commune} is not in the registry for the {year} lists.)"
    )
