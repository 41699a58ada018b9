"""`giamngheo plan`: the minimum exits for a commune to fall below a goal, and per village."""

from __future__ import annotations

import json

import click

from giamngheo.cli.app import cli, settings_from
from giamngheo.cli.render import console, print_frame, vi_rate
from giamngheo.errors import ConfigurationError
from giamngheo.transforms.planning import METHODS, PROPORTIONAL, allocate, requirement


@cli.command()
@click.option("--commune", required=True, help="Mã xã (commune code), e.g. 19834.")
@click.option("--year", type=int, required=True, help="Năm của danh sách hộ nghèo (list year).")
@click.option(
    "--goal-rate",
    type=click.FloatRange(min=0, max=100, min_open=True),
    required=True,
    help="Mục tiêu: tỷ lệ hộ nghèo dưới … % (goal, percent).",
)
@click.option(
    "--method",
    type=click.Choice(METHODS),
    default=PROPORTIONAL,
    show_default=True,
    help="proportional: theo số hộ nghèo; highest-rate: thôn có tỷ lệ cao nhất trước.",
)
@click.option("--write", is_flag=True, help="Lưu làm chỉ tiêu (store as plan targets).")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_context
def plan(
    ctx: click.Context,
    commune: str,
    year: int,
    goal_rate: float,
    method: str,
    write: bool,
    as_json: bool,
) -> None:
    """Tính chỉ tiêu giảm nghèo tối thiểu và phân bổ cho các thôn (plan targets).

    The minimum number of households that must leave poverty for the commune's rate to fall
    strictly below the goal, and its split among villages (never more than a village's poor
    households). A commune's own plan table takes precedence over --write.

    \b
    Ví dụ (example):
      giamngheo plan --commune 19834 --year 2024 --goal-rate 1.0 --method highest-rate
    """
    import pandas as pd

    from giamngheo.transforms.aggregate import rate_pct
    from giamngheo.warehouse.store import Warehouse

    settings = settings_from(ctx)
    with Warehouse(settings.published_path, read_only=True) as wh:
        villages = wh.fetch("commune_villages", commune=commune, year=year)
    if villages.empty:
        raise ConfigurationError(
            f"Chưa có danh sách hộ của xã {commune} năm {year} (no lists loaded for this commune and year)."
        )
    need = requirement(
        int(villages["poor_households"].sum()), int(villages["total_households"].sum()), goal_rate
    )
    shares = allocate(villages, need.exits, method)
    table = villages.assign(target_households=villages["village_code"].map(shares).astype(int))
    table["target_rate_pct"] = rate_pct(table["target_households"], table["total_households"])
    if write:
        from giamngheo.flows.admin import write_planned_targets

        write_planned_targets(settings, commune, year, table)
    if as_json:
        out = {
            "commune_code": commune,
            "year": year,
            "goal_rate_pct": goal_rate,
            "method": method,
            "poor_households": need.poor,
            "total_households": need.total,
            "max_remaining": need.max_remaining,
            "exits": need.exits,
            "explanation_vi": need.explanation_vi,
            "villages": json.loads(table.to_json(orient="records", force_ascii=False)),
        }
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    console().print(need.explanation_vi)
    shown = table[
        [
            "village_name",
            "poor_households",
            "total_households",
            "target_households",
            "target_rate_pct",
        ]
    ]
    shown = shown.assign(target_rate_pct=shown["target_rate_pct"].map(vi_rate))
    print_frame(pd.DataFrame(shown), "table", title=f"Chỉ tiêu giảm nghèo năm {year} ({method})")
    if write:
        console().print("Đã lưu chỉ tiêu (targets stored).")
