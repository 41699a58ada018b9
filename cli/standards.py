"""`giamngheo standards`: the poverty standards in force, and `standards import FILE`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from giamngheo.cli.app import cli, settings_from
from giamngheo.cli.render import console, shown

AREAS_VI = {"rural": "Nông thôn (rural)", "urban": "Thành thị, đô thị (urban)"}


@cli.group(invoke_without_command=True)
@click.option(
    "--year", type=click.IntRange(2000, 2100), help="Chuẩn áp dụng cho danh sách năm này."
)
@click.option("--province", help="Mã tỉnh 2 chữ số: chuẩn quốc gia và chuẩn riêng của tỉnh.")
@click.option(
    "--json", "as_json", is_flag=True, help="JSON: một đối tượng mỗi chuẩn (one per standard)."
)
@click.pass_context
def standards(ctx: click.Context, year: int | None, province: str | None, as_json: bool) -> None:
    """Chuẩn nghèo đang áp dụng (the poverty standards in force): chuẩn thu nhập, ngưỡng thiếu
    hụt, bộ chỉ số, nguồn; chuẩn "tạm theo thông tin công bố" đến khi nhập văn bản chính thức.

    \b
    Ví dụ (example):
      giamngheo standards --year 2027
      giamngheo standards import chuan-ngheo-2027-2030.toml
    """
    if ctx.invoked_subcommand is not None:
        return
    from giamngheo.flows.admin import standards_in_use

    chosen = standards_in_use(settings_from(ctx), year, province)
    if as_json:
        click.echo(json.dumps(chosen, ensure_ascii=False, indent=2))
        return
    if not chosen:
        console().print(
            "Không có chuẩn nghèo nào cho lựa chọn này (no standard covers this choice)."
        )
        return
    for standard in chosen:
        _print_standard(standard)


def _print_standard(s: dict) -> None:
    from rich.table import Table

    out = console()
    scope = (
        f"tỉnh {s['province_code']} (province's own standard)"
        if s["province_code"]
        else "toàn quốc (national)"
    )
    out.print()
    out.print(
        f"[bold]{shown(s['name'])}[/bold] · {shown(s['legal_basis'])} · mã (id) {s['standard_id']}"
    )
    out.print(
        f"Danh sách các năm (list years) {s['first_year']}–{s['last_year']} · "
        f"phạm vi (scope): {scope} · nguồn (source): {shown(s['source'])}"
    )
    if s["provisional"]:
        note = s["provisional_note"] or "tạm theo thông tin công bố"
        out.print(f"[yellow]Chuẩn tạm (provisional)[/yellow]: {shown(note)}")
    table = Table(title="Chuẩn thu nhập, đồng/người/tháng (income lines, per person per month)")
    for header in (
        "Khu vực (area)",
        "Nghèo (poverty)",
        "Cận nghèo đến (near-poor to)",
        "Trung bình đến (average to)",
    ):
        table.add_column(header, justify="left" if header.startswith("Khu") else "right")
    yearly = s["unit"] == "year"
    for area, line in s["lines"].items():
        table.add_row(
            AREAS_VI.get(area, area),
            _amount(line["poverty_vnd"], yearly),
            _amount(line["near_poor_vnd"], yearly, "không có (none)"),
            _amount(line["average_upper_vnd"], yearly, "chưa công bố (not published)"),
        )
    out.print(table)
    n = s["min_deprivations_poor"]
    out.print(
        f"Hộ nghèo (poor): thu nhập không quá chuẩn nghèo và thiếu hụt từ {n} chỉ số trở lên "
        f"(income at most the poverty line and {n}+ deprivations)."
    )
    above = any(line["near_poor_vnd"] is not None for line in s["lines"].values())
    out.print(
        f"Hộ cận nghèo (near-poor): thu nhập không quá chuẩn nghèo và thiếu hụt dưới {n} chỉ số"
        + (", hoặc thu nhập trên chuẩn nghèo đến chuẩn cận nghèo" if above else "")
        + f" (income at most the poverty line and fewer than {n} deprivations"
        + (", or up to the near-poor line" if above else "")
        + ")."
    )
    indicators = Table(title=f"Bộ chỉ số thiếu hụt (indicator set): {len(s['indicators'])}")
    for header in ("STT", "Chỉ số (indicator)", "Chiều (dimension)", "Mã (code)"):
        indicators.add_column(header)
    for i in s["indicators"]:
        indicators.add_row(str(i["number"]), shown(i["name"]), shown(i["dimension"]), i["code"])
    out.print(indicators)


def _amount(value: float | None, yearly: bool, blank: str = "") -> str:
    """A monthly amount; and as the standard's text gives it, when per year."""
    from giamngheo.transforms.vietnamese import vi_vnd

    if value is None:
        return blank
    return f"{vi_vnd(value)} ({vi_vnd(value * 12)}/năm)" if yearly else vi_vnd(value)


@standards.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def import_(ctx: click.Context, file: str) -> None:
    """Nhập một chuẩn nghèo từ tệp TOML (import a standard from its TOML file, docs/standards.md).

    Cùng mã (id) với chuẩn đã có thì thay chuẩn đó, ví dụ văn bản chính thức thay chuẩn tạm;
    nhập lại cùng tệp không đổi gì. Sau đó chạy `giamngheo ingest --force` để phân loại lại
    các danh sách đã nạp (then `ingest --force` classes the loaded lists again).

    \b
    Ví dụ (example):
      giamngheo standards import chuan-ngheo-tinh-79.toml
    """
    from giamngheo.flows.admin import import_standard

    done, covered = import_standard(settings_from(ctx), Path(file))
    standard = done.standard
    what = f"{shown(standard.legal_basis)} ({standard.period}, mã (id) {standard.id})"
    if not done.changed:
        console().print(f"Chuẩn không đổi (standard unchanged): {what}")
        return
    replaced = (
        f", thay chuẩn cùng mã (replacing the one of the same id: {shown(done.replaced.source_name or 'shipped')})"
        if done.replaced
        else ""
    )
    console().print(f"Đã nhập chuẩn (standard imported): {what}{replaced}")
    if covered:
        console().print(
            f"{covered} danh sách thôn đã nạp thuộc chuẩn này (current village lists under it): "
            "chạy `giamngheo ingest --force` để phân loại lại (run it to class them again)."
        )
