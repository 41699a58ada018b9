"""Commands that write workbooks: `report` and `template`."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import click

from giamngheo.cli.app import cli, settings_from
from giamngheo.cli.render import console
from giamngheo.errors import ConfigurationError, GiamngheoError


@contextmanager
def private_warehouse(settings):
    """The writer's warehouse, read-only, under the writer lock (waiting for a nightly run):
    what needs household codes, which the analyst snapshot does not hold."""
    from giamngheo.warehouse.lock import writer_lock
    from giamngheo.warehouse.store import Warehouse

    with (
        writer_lock(settings.warehouse_path, settings.lock_timeout),
        Warehouse(settings.warehouse_path, read_only=True) as wh,
    ):
        yield wh


@cli.command()
@click.option("--year", type=int, required=True, help="Năm của danh sách (list year).")
@click.option(
    "--unit",
    help="Mã đơn vị: tỉnh, huyện hoặc xã (unit code: province, district or commune); "
    "default every unit communes report to.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    help="Thư mục ghi (output folder). Default <home>/reports.",
)
@click.option(
    "--units",
    type=click.Choice(["year", "current"]),
    default="year",
    show_default=True,
    help="Đơn vị hành chính của năm đó, hay hiện nay (the units in force that year, or "
    "today's: a 2024 list counted for the ward its village belongs to now).",
)
@click.pass_context
def report(ctx: click.Context, year: int, unit: str | None, out: str | None, units: str) -> None:
    """Ghi báo cáo tổng hợp của một đơn vị (write the report workbook of a province, district
    or commune).

    A province's report lists its districts and their communes (or its communes, where it has
    no district); a district's, its communes; a commune's, its villages. With --units current
    the year's lists are counted on today's units (after the 2025 reorganisation: the new
    communes under their province).

    \b
    Ví dụ (example):
      giamngheo report --year 2024 --unit 476
      giamngheo report --year 2024 --units current --unit 46
    """
    from giamngheo.flows.reporting import report_units, write_unit_reports
    from giamngheo.warehouse.report_frames import year_frames

    settings = settings_from(ctx)
    out_dir = Path(out) if out else settings.reports
    with private_warehouse(settings) as wh:
        frames = year_frames(wh, year, current_units=units == "current")
        if unit:
            _check_unit(frames.units, unit)
        codes = [unit] if unit else report_units(frames.units)
        jobs = [(year, code) for code in codes]
        outcomes = write_unit_reports(
            wh, jobs, out_dir, current_units=units == "current", known=frames
        )
    written = [o.path for o in outcomes if o.path is not None]
    for path in written:
        console().print(f"Báo cáo (report): {path}")
    failed = [o for o in outcomes if o.error]
    for o in failed:
        console().print(
            f"[red]Không ghi được báo cáo (report not written)[/red] {o.unit} năm {o.year}: "
            f"{o.error}",
            markup=True,
            highlight=False,
        )
    if failed:
        raise GiamngheoError(
            f"{len(failed)} báo cáo không ghi được; các báo cáo khác đã ghi. "
            f"({len(failed)} report(s) not written; the others were.)"
        )
    if not written:
        where = f"đơn vị {unit}" if unit else "mọi đơn vị"
        raise ConfigurationError(
            f"Không có danh sách hộ năm {year} của {where}: không có gì để báo cáo. "
            f"(No list of {year} for {'unit ' + unit if unit else 'any unit'}: nothing to report.)"
        )


def _check_unit(units, unit: str) -> None:
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


@cli.command()
@click.option("--commune", required=True, help="Mã xã (commune code), e.g. 19834.")
@click.option("--year", type=int, required=True, help="Năm của danh sách (list year).")
@click.option(
    "--out", type=click.Path(file_okay=False), required=True, help="Thư mục ghi (output folder)."
)
@click.pass_context
def template(ctx: click.Context, commune: str, year: int, out: str) -> None:
    """Ghi mẫu danh sách hộ cho từng thôn của một xã (blank village workbooks, pre-filled).

    \b
    Ví dụ (example):
      giamngheo template --commune 19828 --year 2027 --out mau
    """
    from giamngheo.transforms.registry import ancestors
    from giamngheo.workbooks.template import write_village_workbook

    settings = settings_from(ctx)
    with private_warehouse(settings) as wh:
        units = wh.admin_units(year).set_index("code")
        if commune not in units.index or units.loc[commune, "level"] != "commune":
            raise ConfigurationError(_not_in_force(wh.admin_units(), commune, year))
        villages = units[(units["level"] == "village") & (units["parent_code"] == commune)]
        before = wh.fetch("households_to_update", villages=list(villages.index), year=year)
    above = ancestors(units, commune)
    district, province = above.get("district"), above.get("province")
    lists = dict(tuple(before.groupby("village_code")))
    for code, v in villages.sort_index().iterrows():
        meta = {
            "province_code": province,
            "district_code": district,
            "commune_code": commune,
            "commune_name": units.loc[commune, "name"],
            "village_code": code,
            "village_name": v["name"],
            "year": year,
            "area": v["area"],
        }
        households = lists.get(code)
        path = write_village_workbook(Path(out) / f"{code}_{year}.xlsx", meta, households)
        if households is None:
            console().print(f"Mẫu (template): {path}")
        else:
            listed = int(households["year"].iloc[0])
            console().print(
                f"Mẫu (template): {path} — {len(households)} hộ của danh sách năm {listed} "
                f"(households of the {listed} list, to update)"
            )


def _not_in_force(registry, commune: str, year: int) -> str:
    """Why `commune` makes no list of `year`: unknown, or not a commune for that year's lists
    (merged away in the 2025 reorganisation, or only from a later day)."""
    from giamngheo.transforms.registry import ended_on, list_date

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
