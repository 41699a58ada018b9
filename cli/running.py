"""What the commands that run the nightly flow share: the run's context, and its summary for
people (or JSON for machines)."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from giamngheo.cli.render import console, print_records, shown
from giamngheo.errors import GiamngheoError
from giamngheo.flows.settings import Settings


class _ExpectedErrors(logging.Filter):
    """Drops log records of the project's own errors (a missing file, a busy warehouse): the
    command prints them once, as one line, and Prefect would print their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, GiamngheoError)


def _quiet_expected_errors() -> None:
    expected = _ExpectedErrors()
    for name in ("prefect", "prefect.flow_runs", "prefect.task_runs"):
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, _ExpectedErrors) for f in handler.filters):
                handler.addFilter(expected)


@contextmanager
def running(
    settings: Settings, rerun_ids: list[str] | None = None, verbose: bool = False
) -> Iterator[object]:
    """Hold what a flow run from the command line needs, and yield its progress callback.

    The writer lock comes first, and the warehouse is checked (registry, inbox, ids to rerun):
    a busy warehouse or an officer's mistake is one line at once, before any flow starts. Then
    a Prefect API that dies with the command, and the progress bar on a terminal.
    """
    from giamngheo.flows.nightly import preflight
    from giamngheo.flows.server import prefect_api
    from giamngheo.warehouse.lock import writer_lock

    with writer_lock(settings.warehouse_path, settings.lock_timeout):
        preflight(settings, rerun_ids)
        with prefect_api():
            if not verbose:
                _quiet_expected_errors()
            with progress_bar() as progress:
                yield progress


@contextmanager
def progress_bar() -> Iterator[object]:
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


def handed_off(settings: Settings, request: dict):
    """The summary of the run `giamngheo serve` made of `request`, with its progress shown;
    None when no service answers for this home. The service answers at once, without a flow
    run, when nothing is new."""
    from giamngheo.flows.handoff import hand_off, socket_path

    if not socket_path(settings.home).is_socket():
        return None
    with progress_bar() as progress:
        summary = hand_off(settings, request, progress)
    if summary is None:
        return None
    if summary.run_id:
        click.echo(
            "Lần nạp do dịch vụ 'giamngheo serve' chạy; nhật ký của dịch vụ ghi chi tiết. "
            "(Run by the service 'giamngheo serve'; its log has the details.)",
            err=True,
        )
    else:
        _say_nothing_new()
    return summary


def nothing_new(settings: Settings):
    """The summary of a run with nothing to do, found without starting a flow run; or None."""
    from giamngheo.flows.steps import idle_run

    summary = idle_run(settings)
    if summary is not None:
        _say_nothing_new()
    return summary


def _say_nothing_new() -> None:
    click.echo(
        "Không có tệp mới; kho dữ liệu đã cập nhật (nothing new: the warehouse is up to date).",
        err=True,
    )


def finish(summary, as_json: bool) -> None:
    """Print the run summary (for people, or JSON for machines) and exit with its code."""
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        print_summary(summary)
    sys.exit(summary.exit_code)


def print_summary(summary, show_communes: bool = True, show_reports: bool = True) -> None:
    """The run summary for people. Everything that came from a file (names, cell values, ids)
    is printed as text, never as markup, with control characters made visible."""
    out = console()
    out.print(
        f"Tệp (files): {summary.seen} thấy (seen) · {summary.loaded} nạp (loaded) · "
        f"{summary.rejected} bị từ chối (rejected) · {summary.superseded} bị thay thế "
        f"(superseded) · {summary.skipped} đã nạp trước (already loaded) · "
        f"{summary.still_writing} đang ghi (still being written)"
    )
    if summary.households_loaded:
        out.print(f"Hộ đã nạp (households loaded): {summary.households_loaded}")
    if summary.reclassified:
        out.print(
            f"Hộ đổi phân loại theo chuẩn hiện hành (households whose class changed under the "
            f"standard now in force): {summary.reclassified}"
        )
    for path in summary.missing:
        out.print(f"[yellow]Không còn tệp (file gone)[/yellow] {shown(path)}")
    for path in summary.changed:
        out.print(
            "[yellow]Tệp đã sửa, là phiên bản mới: chạy ingest (file changed, run ingest)"
            f"[/yellow] {shown(path)}"
        )
    for rej in summary.rejected_files:
        out.print(
            f"[red]Từ chối (rejected)[/red] {shown(rej['file'])} "
            f"\\[{shown(rej['submission_id'])}]: {shown(rej['first_issue'])}"
        )
    for kept in summary.kept_files:
        out.print(
            f"[red]Nạp lại không được, giữ bản đã nạp (failed again, loaded version kept)[/red] "
            f"{shown(kept['file'])} \\[{shown(kept['submission_id'])}]: "
            f"{shown(kept['first_issue'])}"
        )
    if show_communes and summary.communes:
        print_records(summary.communes, title="Theo xã (by commune)")
    if show_reports:
        for path in summary.reports:
            out.print(f"Báo cáo (report): {shown(path)}")
    for failure in summary.report_failures:
        out.print(
            f"[red]Không ghi được báo cáo (report not written)[/red] {shown(failure['unit'])} "
            f"năm {failure['year']}: {shown(failure['error'])}. Các báo cáo khác đã ghi; lần chạy "
            "sau ghi lại báo cáo này (the other reports were written; the next run tries again)."
        )
