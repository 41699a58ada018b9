"""Commands that write workbooks: `report` and `template`."""

from __future__ import annotations

from pathlib import Path

import click

from giamngheo.cli.app import cli, settings_from
from giamngheo.cli.render import console
from giamngheo.errors import ConfigurationError, GiamngheoError


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
    from giamngheo.flows.outputs import write_reports_of

    settings = settings_from(ctx)
    outcomes = write_reports_of(
        settings, year, unit, current_units=units == "current", out_dir=Path(out) if out else None
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
    from giamngheo.flows.outputs import write_templates

    for t in write_templates(settings_from(ctx), commune, year, Path(out)):
        if t.listed_year is None:
            console().print(f"Mẫu (template): {t.path}")
        else:
            console().print(
                f"Mẫu (template): {t.path} — {t.households} hộ của danh sách năm {t.listed_year} "
                f"(households of the {t.listed_year} list, to update)"
            )
