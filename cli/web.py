"""`giamngheo web`: the officers' web app; `giamngheo users`: its accounts."""

from __future__ import annotations

import sys

import click

from giamngheo.cli.app import cli, settings_from
from giamngheo.cli.render import console, shown
from giamngheo.errors import ConfigurationError


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Địa chỉ lắng nghe (address).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.pass_context
def web(ctx: click.Context, host: str, port: int) -> None:
    """Chạy ứng dụng web cho cán bộ (serve the officers' web app for this home).

    Upload with the verdict at once, completeness by unit, submissions and their feedback,
    reruns, reports and templates, and read-only SQL for analysts; accounts come from
    `giamngheo users add`. Behind a reverse proxy, pass its address on to the app
    (README: "The web app").

    \b
    Ví dụ (example):
      giamngheo web --host 127.0.0.1 --port 8000
    """
    import uvicorn

    from giamngheo.web.accounts import Accounts
    from giamngheo.web.app import create_app

    settings = settings_from(ctx)
    if not Accounts(settings.home).list():
        console().print(
            "[yellow]Chưa có tài khoản nào[/yellow]: tạo tài khoản quản trị trước (no account yet: "
            "create the first admin) với `giamngheo users add admin --role admin`."
        )
    console().print(
        f"Ứng dụng web của {settings.home} tại (web app at) http://{host}:{port}/ · Ctrl+C để dừng."
    )
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
    )


@cli.group()
def users() -> None:
    """Tài khoản của ứng dụng web (the web app's accounts)."""


@users.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["admin", "province", "commune", "analyst"]),
    required=True,
    help="Quản trị, cán bộ tỉnh, cán bộ xã, phân tích (what the account may do).",
)
@click.option("--unit", help="Mã tỉnh hoặc xã của tài khoản tỉnh, xã (its unit code).")
@click.pass_context
def add(ctx: click.Context, name: str, role: str, unit: str | None) -> None:
    """Thêm tài khoản; mật khẩu đọc từ bàn phím hoặc một dòng của stdin (never an argument).

    \b
    Ví dụ (example):
      giamngheo users add admin --role admin
      echo 'mật khẩu dài' | giamngheo users add thu.hoa --role commune --unit 19828
    """
    from giamngheo.web.accounts import Accounts

    settings = settings_from(ctx)
    if unit is not None:
        _check_unit(settings, role, unit)
    account = Accounts(settings.home).add(name, role, unit, _password())
    where = f" ({account.unit_code})" if account.unit_code else ""
    console().print(
        f"Đã thêm tài khoản (account added): {shown(account.name)}, {account.role_vi}{where}"
    )


def _password() -> str:
    if sys.stdin.isatty():
        first = click.prompt("Mật khẩu (password)", hide_input=True)
        if click.prompt("Nhập lại (again)", hide_input=True) != first:
            raise ConfigurationError("Hai lần nhập mật khẩu không khớp (the passwords differ).")
        return first
    line = sys.stdin.readline()
    if not line.strip():
        raise ConfigurationError(
            "Không có mật khẩu trên stdin (no password on standard input): "
            "echo 'mật khẩu' | giamngheo users add …"
        )
    return line.rstrip("\r\n")


def _check_unit(settings, role: str, unit: str) -> None:
    """A province or commune account's unit must be one of the registry, of that level."""
    from giamngheo.warehouse.store import Warehouse

    if not settings.published_path.exists():
        return  # nothing loaded yet: the registry cannot be checked
    with Warehouse(settings.published_path, read_only=True) as wh:
        units = wh.admin_units()
    level = {"province": "province", "commune": "commune"}.get(role)
    rows = units[units["code"] == unit]
    if rows.empty or (level and level not in set(rows["level"])):
        raise ConfigurationError(
            f"Mã '{unit}' không phải một {'tỉnh' if level == 'province' else 'xã'} trong danh mục "
            f"(not a {level} of the registry)."
        )


@users.command("list")
@click.pass_context
def list_(ctx: click.Context) -> None:
    """Liệt kê tài khoản (list the accounts).

    \b
    Ví dụ (example):
      giamngheo users list
    """
    from giamngheo.web.accounts import Accounts

    for a in Accounts(settings_from(ctx).home).list():
        state = "đã khóa (disabled)" if a.disabled else "hoạt động (active)"
        console().print(f"{shown(a.name)}\t{a.role}\t{a.unit_code or ''}\t{state}")


@users.command("disable")
@click.argument("name")
@click.pass_context
def disable(ctx: click.Context, name: str) -> None:
    """Khóa tài khoản và kết thúc các phiên của nó (disable an account, end its sessions).

    \b
    Ví dụ (example):
      giamngheo users disable thu.hoa
    """
    from giamngheo.web.accounts import Accounts

    if not Accounts(settings_from(ctx).home).disable(name):
        raise ConfigurationError(f"Không có tài khoản '{name}' (no such account).")
    console().print(f"Đã khóa tài khoản (account disabled): {shown(name)}")
