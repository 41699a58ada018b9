"""The `giamngheo` command group: global options, settings, and errors turned into exit codes.

A leaf module: the command modules attach their commands to `cli` when they are imported
(`flows/cli/__init__.py` imports them all). The global options `--home` and `--verbose` are
accepted before or after the command name.
"""

from __future__ import annotations

import logging
import os
import sys

import click

from giamngheo.errors import GiamngheoError
from giamngheo.flows.settings import Settings, quiet_environment, secure_home

EPILOG = """\b
Ví dụ (examples):
  giamngheo demo
  giamngheo ingest --inbox data/inbox
  giamngheo sql --format json "select * from commune_poverty where year = 2024"
"""


def _remember(ctx: click.Context, param: click.Parameter, value: object) -> object:
    """Store a global option in the root context, wherever it was given."""
    root = ctx.find_root()
    root.ensure_object(dict)
    if value is not None and value is not False:
        root.obj[param.name] = value
    else:
        root.obj.setdefault(param.name, value)
    if param.name == "verbose" and value:
        _log_levels(verbose=True)
    return value


def _global_options() -> list[click.Option]:
    return [
        click.Option(
            ["--home"],
            type=click.Path(file_okay=False),
            envvar="GIAMNGHEO_HOME",
            expose_value=False,
            is_eager=True,
            callback=_remember,
            help="Thư mục dữ liệu (data folder): inbox, warehouse, reports. Default ./data.",
        ),
        click.Option(
            ["--verbose", "-v"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_remember,
            help="Nhật ký chi tiết và traceback (detailed logs, tracebacks).",
        ),
    ]


def _log_levels(verbose: bool) -> None:
    """Prefect's and Dask's logs: warnings only, unless --verbose. Set in the environment so
    that flow runs, workers and Dask processes started later inherit it."""
    level = "INFO" if verbose else "WARNING"
    for variable in ("PREFECT_LOGGING_LEVEL", "DASK_LOGGING__DISTRIBUTED"):
        if verbose:
            os.environ[variable] = level.lower() if "DASK" in variable else level
        else:
            os.environ.setdefault(variable, level.lower() if "DASK" in variable else level)
    logging.getLogger("distributed").setLevel(logging.INFO if verbose else logging.WARNING)


class App(click.Group):
    """The root group: every command attached to it (or to its subgroups) also takes the
    global options, and the project's exceptions become a one-line message and an exit code."""

    group_class = type  # subgroups (`registry`) are App groups too

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        _add_global_options(cmd)
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except GiamngheoError as exc:
            if verbose(ctx):
                raise
            click.secho(str(exc), fg="red", err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.secho("Đã dừng (interrupted).", err=True)
            sys.exit(1)
        except Exception as exc:
            if verbose(ctx):
                raise
            click.secho(
                f"Lỗi không mong đợi (unexpected failure): {exc!r}. "
                "Chạy lại với --verbose để xem chi tiết (run again with --verbose for details).",
                fg="red",
                err=True,
            )
            sys.exit(1)


def _add_global_options(cmd: click.Command) -> None:
    taken = {name for p in cmd.params for name in p.opts}
    cmd.params.extend(o for o in _global_options() if not set(o.opts) & taken)
    if isinstance(cmd, click.Group):
        for sub in cmd.commands.values():
            _add_global_options(sub)


def verbose(ctx: click.Context) -> bool:
    obj = ctx.find_root().obj or {}
    return bool(obj.get("verbose"))


@click.group(cls=App, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="giamngheo")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """giamngheo: tổng hợp danh sách hộ nghèo, hộ cận nghèo của các thôn vào kho dữ liệu và báo cáo.

    Consolidates village poor-household lists into a DuckDB warehouse and district reports.
    """
    quiet_environment()
    ctx.ensure_object(dict)
    _log_levels(verbose(ctx))


cli.params.extend(_global_options())


def settings_from(ctx: click.Context, **overrides: object) -> Settings:
    """The settings of this invocation (--home, GIAMNGHEO_* variables, `overrides`)."""
    settings = Settings.load((ctx.find_root().obj or {}).get("home"), **overrides)
    secure_home(settings.home)
    return settings
