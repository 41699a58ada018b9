"""Printing frames and run summaries for people (rich tables) and machines (JSON, CSV)."""

from __future__ import annotations

import json
import sys

import click
import pandas as pd
from rich.console import Console
from rich.table import Table

from giamngheo.transforms.vietnamese import vi_pct


def console() -> Console:
    """Rich console; a fixed 140-column width when the output is not a terminal (logs, pipes)."""
    width = None if sys.stdout.isatty() else 140
    return Console(highlight=False, soft_wrap=False, width=width)


def frame_to_records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: NA → null, numpy scalars → Python, timestamps → ISO text."""
    return json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))


def print_frame(frame: pd.DataFrame, fmt: str, title: str | None = None) -> None:
    if fmt == "json":
        click.echo(json.dumps(frame_to_records(frame), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        frame.to_csv(sys.stdout, index=False)
    else:
        table = Table(title=title, show_lines=False)
        for col in frame.columns:
            numeric = pd.api.types.is_numeric_dtype(frame[col])
            table.add_column(str(col), justify="right" if numeric else "left")
        for row in frame.itertuples(index=False):
            table.add_row(*("" if pd.isna(v) else _fmt(v) for v in row))
        console().print(table)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if not value.is_integer() else str(int(value))
    return str(value)


def vi_rate(value: object) -> str:
    """A rate as officers write it: 1,06."""
    if value is None or pd.isna(value):
        return ""
    return vi_pct(float(value))
