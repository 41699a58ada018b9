"""Entry point and global options (--home, --verbose) of the `giamngheo` command."""

from __future__ import annotations

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


class Command(click.Group):
    """Turns the project's exceptions into a message and an exit code, not a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except GiamngheoError as exc:
            click.secho(str(exc), fg="red", err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.secho("Đã dừng (interrupted).", err=True)
            sys.exit(1)
        except Exception as exc:
            if ctx.obj and ctx.obj.get("verbose"):
                raise
            click.secho(
                f"Lỗi không mong đợi (unexpected failure): {exc!r}. Chạy lại với --verbose để xem chi tiết.",
                fg="red",
                err=True,
            )
            sys.exit(1)


@click.group(cls=Command, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    type=click.Path(file_okay=False),
    envvar="GIAMNGHEO_HOME",
    help="Thư mục dữ liệu (data folder): inbox, warehouse, reports. Default ./data.",
)
@click.option("--verbose", "-v", is_flag=True, help="Nhật ký chi tiết (detailed logs, tracebacks).")
@click.version_option(package_name="giamngheo")
@click.pass_context
def cli(ctx: click.Context, home: str | None, verbose: bool) -> None:
    """giamngheo: tổng hợp danh sách hộ nghèo, hộ cận nghèo của các thôn vào kho dữ liệu và báo cáo.

    Consolidates village poor-household lists into a DuckDB warehouse and district reports.
    """
    quiet_environment()
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    ctx.obj["home"] = home


def settings_from(ctx: click.Context, **overrides: object) -> Settings:
    settings = Settings.load(ctx.obj.get("home"), **overrides)
    secure_home(settings.home)
    return settings


def main() -> None:
    from giamngheo.flows.cli import outputs, plan, query, registry, run

    for module in (run, query, outputs, plan, registry):
        module.register(cli)
    cli(prog_name="giamngheo")
