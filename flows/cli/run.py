"""Commands that run the nightly flow: `ingest` and `demo`."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from dataclasses import replace

import click

from giamngheo.flows.cli.app import cli, settings_from
from giamngheo.flows.cli.render import console, print_frame, vi_rate

RUNNERS = click.Choice(["thread", "process", "dask"])


@cli.command()
@click.option(
    "--inbox",
    type=click.Path(file_okay=False),
    help="Thư mục tệp nộp (inbox). Default <home>/inbox.",
)
@click.option("--force", is_flag=True, help="Nạp lại cả tệp đã nạp (reload unchanged files too).")
@click.option(
    "--runner", type=RUNNERS, default="thread", show_default=True, help="Task runner for reading."
)
@click.option(
    "--dask-address", help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --runner dask)."
)
@click.option(
    "--json", "as_json", is_flag=True, help="In tóm tắt dạng JSON (machine-readable summary)."
)
@click.pass_context
def ingest(
    ctx: click.Context,
    inbox: str | None,
    force: bool,
    runner: str,
    dask_address: str | None,
    as_json: bool,
) -> None:
    """Nạp các tệp mới hoặc đã sửa trong inbox (load new or corrected workbooks).

    Runs the nightly flow once: discover, read, validate, load, report. Exit code 0 when
    everything loaded, 3 when some submissions were rejected.

    \b
    Ví dụ (example):
      giamngheo ingest --inbox data/inbox --json
    """
    settings = settings_from(ctx, inbox=inbox)
    idle = None if force else nothing_new(settings)
    if idle is not None:
        finish(idle, as_json)
    from giamngheo.flows.nightly import run_nightly

    with progress_bar() as progress:
        summary = run_nightly(
            settings, force=force, runner=runner, dask_address=dask_address, progress=progress
        )
    finish(summary, as_json)


@cli.command()
@click.option(
    "--runner", type=RUNNERS, default="thread", show_default=True, help="Task runner for reading."
)
@click.pass_context
def demo(ctx: click.Context, runner: str) -> None:
    """Chạy thử trên huyện mẫu Phong Điền (run the whole pipeline on the sample district).

    Loads the bundled admin registry, writes one village workbook per village and year into
    the inbox (existing files are kept), runs the nightly flow and prints the figures.

    \b
    Ví dụ (example):
      giamngheo demo
    """
    from giamngheo.flows.nightly import load_registry, run_nightly
    from giamngheo.warehouse.registry import read_registry, sample_registry_path
    from giamngheo.warehouse.store import Warehouse
    from giamngheo.workbooks.sample import write_sample_inbox

    settings = settings_from(ctx)
    registry = read_registry(sample_registry_path())
    load_registry(settings, registry)
    written = write_sample_inbox(settings.inbox, registry)
    out = console()
    out.print(f"Đã tạo {len(written)} tệp mẫu (sample workbooks written) in {settings.inbox}")
    # The sample files were written a moment ago: they are complete, not still being written.
    with progress_bar() as progress:
        summary = run_nightly(replace(settings, settle_seconds=0), runner=runner, progress=progress)
    print_summary(summary, show_communes=False, show_reports=False)
    with Warehouse(settings.published_path, read_only=True) as wh:
        for year in wh.fetch("list_years")["year"]:
            frame = wh.fetch("demo_communes", year=int(year))
            print_frame(
                _vi_rates(frame),
                "table",
                title=f"Hộ nghèo theo xã năm {year} (poor households by commune)",
            )
        frame = wh.fetch("demo_villages", commune=DIEN_HOA, year=2024)
        if len(frame):
            print_frame(
                _vi_rates(frame), "table", title="Xã Điền Hòa năm 2024, theo thôn (by village)"
            )
        reports = sorted(settings.reports.glob("*.xlsx"))
    for path in reports:
        out.print(f"Báo cáo (report): {path}")
    out.print(f"Kho dữ liệu (warehouse): {settings.warehouse_path}")
    out.print(f"Bản cho phân tích (analyst snapshot): {settings.published_path}")
    sys.exit(summary.exit_code)


DIEN_HOA = "19834"


def _vi_rates(frame):
    for col in frame.columns:
        if col.startswith("Tỷ lệ"):
            frame[col] = frame[col].map(vi_rate)
    return frame


def nothing_new(settings):
    """The summary of a run with nothing to do, found without starting a flow run; or None."""
    from giamngheo.flows import steps
    from giamngheo.flows.settings import secure_home
    from giamngheo.flows.summary import RunSummary

    secure_home(settings.home)
    if settings.staging.exists() and any(settings.staging.iterdir()):
        return None  # a killed run left work behind: the flow clears it
    found = steps.nothing_to_do(
        settings.warehouse_path, settings.inbox, settings.published_path, settings.settle_seconds
    )
    if found is None:
        return None
    click.echo(
        "Không có tệp mới; kho dữ liệu đã cập nhật (nothing new: the warehouse is up to date).",
        err=True,
    )
    return RunSummary(
        run_id="",
        seen=len(found.already_loaded) + len(found.still_writing),
        skipped=len(found.already_loaded),
        still_writing=len(found.still_writing),
        warehouse=str(settings.warehouse_path),
    )


def finish(summary, as_json: bool) -> None:
    """Print the run summary (for people, or JSON for machines) and exit with its code."""
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        print_summary(summary)
    sys.exit(summary.exit_code)


@contextmanager
def progress_bar():
    """A rich progress bar of files read, on a terminal only (never in logs or pipes): yields
    the callback to give the run, or None."""
    if not sys.stdout.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "Đọc tệp (reading)",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("read", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def print_summary(summary, show_communes: bool = True, show_reports: bool = True) -> None:
    out = console()
    out.print(
        f"Tệp (files): {summary.seen} thấy (seen) · {summary.loaded} nạp (loaded) · "
        f"{summary.rejected} bị từ chối (rejected) · {summary.superseded} bị thay thế (superseded) · "
        f"{summary.skipped} đã nạp trước (already loaded) · {summary.still_writing} đang ghi (still being written)"
    )
    if summary.households_loaded:
        out.print(f"Hộ đã nạp (households loaded): {summary.households_loaded}")
    for path in summary.missing:
        out.print(f"[yellow]Không còn tệp (file gone)[/yellow] {path}")
    for path in summary.changed:
        out.print(
            f"[yellow]Tệp đã sửa, là phiên bản mới: chạy ingest (file changed, run ingest)[/yellow] {path}"
        )
    for rej in summary.rejected_files:
        out.print(
            f"[red]Từ chối (rejected)[/red] {rej['file']} [{rej['submission_id']}]: {rej['first_issue']}"
        )
    if show_communes and summary.communes:
        import pandas as pd

        frame = pd.DataFrame(summary.communes)
        print_frame(frame, "table", title="Theo xã (by commune)")
    if show_reports:
        for path in summary.reports:
            out.print(f"Báo cáo (report): {path}")


@cli.command()
@click.argument("submission_ids", nargs=-1)
@click.option(
    "--failed",
    is_flag=True,
    help="Mọi hồ sơ bị từ chối còn tệp (every rejected submission whose file is still there).",
)
@click.option(
    "--force", is_flag=True, help="Nạp lại cả hồ sơ đã nạp (reload loaded submissions too)."
)
@click.option(
    "--runner", type=RUNNERS, default="thread", show_default=True, help="Task runner for reading."
)
@click.option(
    "--json", "as_json", is_flag=True, help="In tóm tắt dạng JSON (machine-readable summary)."
)
@click.pass_context
def rerun(
    ctx: click.Context,
    submission_ids: tuple[str, ...],
    failed: bool,
    force: bool,
    runner: str,
    as_json: bool,
) -> None:
    """Xử lý lại hồ sơ (process submissions again), e.g. after a rule was fixed.

    Give submission ids (see `giamngheo status`) or --failed. The same file is read again
    from the inbox; a file changed since is a new version, which `giamngheo ingest` loads.

    \b
    Ví dụ (example):
      giamngheo rerun --failed
      giamngheo rerun 3f2a9c0d11b84e07 --force
    """
    from giamngheo.flows.nightly import run_nightly

    if bool(submission_ids) == failed:
        raise click.UsageError(
            "Cho mã hồ sơ hoặc --failed, không cả hai (give SUBMISSION_ID... or --failed)."
        )
    settings = settings_from(ctx)
    with progress_bar() as progress:
        summary = run_nightly(
            settings,
            force=force,
            runner=runner,
            rerun_ids=list(submission_ids) or None,
            rerun_failed=failed,
            progress=progress,
        )
    finish(summary, as_json)


@cli.command()
@click.option("--cron", default="0 1 * * *", show_default=True, help="Lịch chạy (cron schedule).")
@click.option(
    "--timezone", default="Asia/Ho_Chi_Minh", show_default=True, help="Múi giờ của lịch (timezone)."
)
@click.option(
    "--runner", type=RUNNERS, default="thread", show_default=True, help="Task runner for reading."
)
@click.option("--dask-address", help="Dask scheduler address (with --runner dask).")
@click.pass_context
def serve(
    ctx: click.Context, cron: str, timezone: str, runner: str, dask_address: str | None
) -> None:
    """Chạy theo lịch hằng đêm trên máy chủ Prefect (serve the nightly deployment).

    Needs a running `prefect server start` and PREFECT_API_URL pointing at it. Registers the
    deployment "nightly-consolidation/nightly" with its cron schedule and runs its flow runs
    until stopped (Ctrl+C).

    \b
    Ví dụ (example):
      giamngheo serve --cron "0 1 * * *" --timezone Asia/Ho_Chi_Minh
    """
    from giamngheo.flows.serve import serve as serve_deployment

    settings = settings_from(ctx)
    console().print(
        f"Phục vụ lịch '{cron}' ({timezone}) cho {settings.home}. Ctrl+C để dừng (to stop)."
    )
    serve_deployment(settings, cron, timezone, runner, dask_address)
