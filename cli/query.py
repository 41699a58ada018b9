"""Read-only commands for officers and analysts: `status`, `issues`, `sql`."""

from __future__ import annotations

import json

import click

from giamngheo.cli.app import cli, settings_from
from giamngheo.cli.render import frame_to_records, print_frame


def _snapshot(ctx: click.Context):
    """The analyst snapshot, read-only (imported here: DuckDB and pandas cost a command that
    does not query them a third of a second)."""
    from giamngheo.warehouse.store import Warehouse

    return Warehouse(settings_from(ctx).published_path, read_only=True)


@cli.command()
@click.option("--year", type=int, help="Chỉ năm này (only this list year).")
@click.option("--json", "as_json", is_flag=True, help="JSON array, one object per submission.")
@click.pass_context
def status(ctx: click.Context, year: int | None, as_json: bool) -> None:
    """Trạng thái các tệp đã xử lý (status of every processed submission).

    \b
    Ví dụ (example):
      giamngheo status --year 2024 --json
    """
    from giamngheo.transforms.reorganisation import unassigned_villages

    with _snapshot(ctx) as wh:
        frame = wh.fetch("status", year=year)
        waiting = unassigned_villages(wh.admin_units())
    if as_json:
        click.echo(json.dumps(frame_to_records(frame), ensure_ascii=False, indent=2))
        return
    print_frame(_files_once(frame.drop(columns=["processed_at"])), "table", title="Submissions")
    if len(waiting):
        print_frame(
            waiting,
            "table",
            title="Thôn chưa có xã mới: nhập tệp gán thôn (villages not yet assigned to a "
            "commune: 'giamngheo registry import' an assignment file code,new_parent)",
        )


def _files_once(frame):
    """The table with a commune-wide file named once: its villages' rows under it, each with
    "└" and the village as the file names it."""
    shown = frame.copy()
    first = shown["file"].ne(shown["file"].shift()) | shown["part"].isna()
    shown["file"] = shown["file"].where(first, "")
    parts = shown["part"].notna()
    shown.loc[parts, "file"] = [
        f"{file}\n  └ {part}" if file else f"  └ {part}"
        for file, part in zip(shown.loc[parts, "file"], shown.loc[parts, "part"], strict=True)
    ]
    return shown.drop(columns=["part"])


@cli.command()
@click.argument("submission_id", required=False)
@click.option("--json", "as_json", is_flag=True, help="JSON array of Issue objects.")
@click.pass_context
def issues(ctx: click.Context, submission_id: str | None, as_json: bool) -> None:
    """Các lỗi và cảnh báo (validation issues), of one submission or all.

    \b
    Ví dụ (example):
      giamngheo issues 3f2a9c0d11b84e07 --json
    """
    with _snapshot(ctx) as wh:
        frame = wh.fetch("issues", submission_id=submission_id)
    if as_json:
        click.echo(json.dumps(frame_to_records(frame), ensure_ascii=False, indent=2))
    else:
        cols = ["submission_id", "severity", "code", "sheet", "cell", "message_vi"]
        print_frame(frame[cols], "table", title="Issues")


@cli.command()
@click.argument("query")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.pass_context
def sql(ctx: click.Context, query: str, fmt: str) -> None:
    """Truy vấn bản công bố của kho dữ liệu, chỉ đọc (query the analyst snapshot, read-only).

    Reads published/current.duckdb: every table and view of the warehouse without household
    names or codes. Statements that write, and file or network access, are refused.

    \b
    Ví dụ (example):
      giamngheo sql --format json "select * from commune_poverty where commune_code = '19834' and year = 2024"
    """
    with _snapshot(ctx) as wh:
        frame = wh.sql(query)
    print_frame(frame, fmt)
