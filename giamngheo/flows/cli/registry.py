"""`giamngheo registry load FILE.csv`: the admin registry (tỉnh → huyện → xã → thôn)."""

from __future__ import annotations

from pathlib import Path

import click

from giamngheo.flows.cli.main import settings_from
from giamngheo.flows.cli.render import console


@click.group()
def registry() -> None:
    """Danh mục đơn vị hành chính (the admin registry)."""


@registry.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def load(ctx: click.Context, file: str) -> None:
    """Nạp danh mục từ CSV: code,level,name,parent_code,area (replace the registry).

    \b
    Ví dụ (example):
      giamngheo registry load giamngheo/warehouse/reference/admin_units_phong_dien.csv
    """
    from giamngheo.warehouse.registry import read_registry
    from giamngheo.warehouse.store import Warehouse

    units = read_registry(Path(file))
    with Warehouse(settings_from(ctx).warehouse_path) as wh:
        wh.migrate()
        count = wh.replace_admin_units(units)
    levels = units["level"].value_counts().to_dict()
    console().print(f"Đã nạp {count} đơn vị (units loaded): {levels}")


def register(cli: click.Group) -> None:
    cli.add_command(registry)
