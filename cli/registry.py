"""`giamngheo registry load FILE.csv`: the admin registry (tỉnh → huyện → xã → thôn)."""

from __future__ import annotations

from pathlib import Path

import click

from giamngheo.cli.app import cli, settings_from
from giamngheo.cli.render import console


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
    from giamngheo.flows.admin import load_registry
    from giamngheo.warehouse.registry import read_registry

    units = read_registry(Path(file))
    changed = load_registry(settings_from(ctx), units)
    levels = ", ".join(f"{n} {level}" for level, n in units["level"].value_counts().items())
    if changed:
        console().print(f"Đã nạp {len(units)} đơn vị (units loaded): {levels}")
    else:
        console().print(f"Danh mục không đổi (registry unchanged): {len(units)} đơn vị (units)")


@registry.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--valid-from",
    "valid_from",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Ngày áp dụng, YYYY-MM-DD (the day the file applies from; the reorganisation's "
    "files default to 2025-07-01).",
)
@click.pass_context
def import_(ctx: click.Context, file: str, valid_from) -> None:
    """Nhập danh mục chính thức (import an official unit list, or a village assignment).

    Nhận ra tệp theo nội dung (recognised by content): danh mục đơn vị của Tổng cục Thống kê,
    bảng chuyển đổi xã cũ → xã mới từ 01/7/2025, danh sách xã và tỉnh mới, danh mục CSV của
    giamngheo, tệp gán thôn (code,new_parent). Nhập lại cùng tệp không đổi gì.

    \b
    Ví dụ (example):
      giamngheo registry import warehouse/reference/admin-2025/chuyen-doi-2025-07-01.csv
      giamngheo registry import gan_thon.csv
    """
    from giamngheo.flows.admin import import_registry
    from giamngheo.transforms.reorganisation import unassigned_villages
    from giamngheo.warehouse.official import KINDS

    day = valid_from.date() if valid_from else None
    done = import_registry(settings_from(ctx), Path(file), day)
    when = f" từ (from) {done.day.isoformat()}" if done.day else ""
    console().print(
        f"{KINDS[done.kind]}{when}: {done.changed} thay đổi (changes), "
        f"{len(done.units)} dòng danh mục (registry rows)"
    )
    waiting = unassigned_villages(done.units)
    if len(waiting):
        console().print(
            f"{len(waiting)} thôn chưa có xã mới (villages not yet assigned to a commune): "
            "nhập tệp gán thôn code,new_parent (import an assignment file)."
        )
