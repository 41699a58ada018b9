"""`giamngheo registry load FILE.csv`: the admin registry (tỉnh → huyện → xã → thôn)."""

from __future__ import annotations

from pathlib import Path

import click

from giamngheo.flows.cli.app import cli, settings_from
from giamngheo.flows.cli.render import console


@cli.group()
def registry() -> None:
    """Danh mục đơn vị hành chính (the admin registry)."""


@registry.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def load(ctx: click.Context, file: str) -> None:
    """Nạp danh mục từ CSV: code,level,name,parent_code,area (replace the registry).

    \b
    Ví dụ (example):
      giamngheo registry load warehouse/reference/admin_units_phong_dien.csv
    """
    from giamngheo.flows.nightly import load_registry
    from giamngheo.warehouse.registry import read_registry

    units = read_registry(Path(file))
    changed = load_registry(settings_from(ctx), units)
    levels = ", ".join(f"{n} {level}" for level, n in units["level"].value_counts().items())
    if changed:
        console().print(f"Đã nạp {len(units)} đơn vị (units loaded): {levels}")
    else:
        console().print(f"Danh mục không đổi (registry unchanged): {len(units)} đơn vị (units)")
