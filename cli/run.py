"""Commands that run the nightly flow: `ingest`, `rerun`, `demo` and `serve`."""

from __future__ import annotations

import sys
from dataclasses import replace

import click

from giamngheo.cli.app import cli, settings_from, verbose
from giamngheo.cli.render import console, print_frame, vi_rate
from giamngheo.cli.running import finish, handed_off, nothing_new, print_summary, running

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

    Runs the nightly flow once: discover, read, validate, load, report. With `giamngheo serve`
    running for the same home, the run is handed to it (warm: no Prefect start-up, Great
    Expectations already imported); its log shows the details. Exit code 0 when everything
    loaded, 3 when some submissions were rejected.

    \b
    Ví dụ (example):
      giamngheo ingest --inbox data/inbox --json
    """
    from giamngheo.workbooks.inbox import check_inbox

    settings = settings_from(ctx, inbox=inbox)
    check_inbox(settings.inbox)
    request = {"force": force, "runner": runner, "dask_address": dask_address}
    summary = handed_off(settings, request)  # the service checks for nothing new itself
    if summary is None:
        idle = None if force else nothing_new(settings)
        if idle is not None:
            finish(idle, as_json)
        from giamngheo.flows.nightly import run_nightly

        with running(settings, verbose=verbose(ctx)) as progress:
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

    Loads the bundled registry of Huyện Phong Điền with the official lists of the 2025
    reorganisation, writes one village workbook per village and year into the inbox (2024 and
    2025 by the old communes, 2026 by the wards of Thành phố Huế; existing files are kept),
    runs the nightly flow and prints the figures, 2024 also on today's wards.

    \b
    Ví dụ (example):
      giamngheo demo
    """
    from giamngheo.flows.admin import load_registry
    from giamngheo.flows.nightly import run_nightly
    from giamngheo.warehouse.official import sample_history
    from giamngheo.warehouse.registry import read_registry, sample_registry_path
    from giamngheo.warehouse.store import Warehouse
    from giamngheo.workbooks.sample import write_sample_inbox

    settings = settings_from(ctx)
    registry = sample_history(read_registry(sample_registry_path()))
    load_registry(settings, registry)
    written = write_sample_inbox(settings.inbox, registry, years=DEMO_YEARS)
    out = console()
    out.print(f"Đã tạo {len(written)} tệp mẫu (sample workbooks written) in {settings.inbox}")
    # The sample files were written a moment ago: they are complete, not still being written.
    settled = replace(settings, settle_seconds=0)
    summary = nothing_new(settled)  # a second demo: no flow run, as `ingest` does
    if summary is None:
        with running(settled, verbose=verbose(ctx)) as progress:
            summary = run_nightly(settled, runner=runner, progress=progress)
    print_summary(summary, show_communes=False, show_reports=False)
    with Warehouse(settings.published_path, read_only=True) as wh:
        years = [int(y) for y in wh.fetch("list_years")["year"]]
        for year in years:
            print_frame(
                _vi_rates(wh.fetch("demo_communes", year=year)),
                "table",
                title=f"Hộ nghèo theo xã, phường năm {year} (poor households by commune)",
            )
        frame = wh.fetch("demo_villages", commune=DIEN_HOA, year=2024)
        if len(frame):
            print_frame(
                _vi_rates(frame), "table", title="Xã Điền Hòa năm 2024, theo thôn (by village)"
            )
        if len(years) > 1:
            first, last = years[0], years[-1]
            print_frame(
                _side_by_side(wh.fetch("demo_current_units", years=[first, last])),
                "table",
                title=f"Năm {first} và {last} trên các xã, phường hiện nay "
                f"({first} and {last} on today's communes)",
            )
        reports = sorted(settings.reports.glob("*.xlsx"))
    for path in reports:
        out.print(f"Báo cáo (report): {path}")
    out.print(f"Kho dữ liệu (warehouse): {settings.warehouse_path}")
    out.print(f"Bản cho phân tích (analyst snapshot): {settings.published_path}")
    sys.exit(summary.exit_code)


DEMO_YEARS = (2024, 2025, 2026)  # 2026: the first lists made by the new communes


def _side_by_side(frame):
    """One row per commune of today, the years' households, poor households and rates."""
    wide = frame.pivot_table(
        index=["commune_code", "commune_name"],
        columns="year",
        values=["total_households", "poor_households", "poor_rate_pct"],
        aggfunc="first",
    )
    out = wide.index.to_frame(index=False).set_axis(["Mã xã", "Xã, phường"], axis=1)
    for year in sorted(frame["year"].unique()):
        out[f"Tổng số hộ {year}"] = wide[("total_households", year)].to_numpy()
        out[f"Hộ nghèo {year}"] = wide[("poor_households", year)].to_numpy()
        out[f"Tỷ lệ % {year}"] = wide[("poor_rate_pct", year)].to_numpy()
    return _vi_rates(out)


DIEN_HOA = "19834"


def _vi_rates(frame):
    for col in frame.columns:
        if col.startswith("Tỷ lệ"):
            frame[col] = frame[col].map(vi_rate)
    return frame


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
    ids = list(submission_ids) or None
    request = {"force": force, "runner": runner, "rerun_ids": ids, "rerun_failed": failed}
    summary = handed_off(settings, request)
    if summary is None:
        with running(settings, rerun_ids=ids, verbose=verbose(ctx)) as progress:
            summary = run_nightly(
                settings,
                force=force,
                runner=runner,
                rerun_ids=ids,
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
