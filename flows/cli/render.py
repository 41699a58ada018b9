"""Printing frames and run summaries for people (rich tables) and machines (JSON, CSV)."""

from __future__ import annotations

import json
import sys
import unicodedata

import click
import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from giamngheo.transforms.vietnamese import vi_pct


def visible(text: object) -> str:
    """Text with control and format characters (ANSI escapes, bidi overrides, zero-width
    marks) shown as \\x1b, \\u202e…, so nothing from a file can move the cursor or recolour
    the terminal."""
    out = []
    for ch in str(text):
        if unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\t":
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def shown(text: object) -> str:
    """Text from a file, ready to print inside rich markup: visible, and never markup."""
    return escape(visible(text))


def console() -> Console:
    """Rich console; a fixed 140-column width for tables when the output is not a terminal
    (logs, pipes), and lines of text never broken there."""
    width = None if sys.stdout.isatty() else 140
    return Console(highlight=False, soft_wrap=not sys.stdout.isatty(), width=width)


def frame_to_records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: NA → null, numpy scalars → Python, timestamps → ISO text."""
    return json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))


def print_frame(frame: pd.DataFrame, fmt: str, title: str | None = None) -> None:
    if fmt == "json":
        click.echo(json.dumps(frame_to_records(frame), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        # With a byte-order mark, so that Excel opens the Vietnamese text as UTF-8.
        sys.stdout.write("\ufeff")
        frame.to_csv(sys.stdout, index=False)
    else:
        table = Table(title=title, show_lines=False)
        for col in frame.columns:
            numeric = pd.api.types.is_numeric_dtype(frame[col])
            table.add_column(Text(visible(col)), justify="right" if numeric else "left")
        for row in frame.itertuples(index=False):
            table.add_row(*(Text("" if _missing(v) else visible(_fmt(v))) for v in row))
        console().print(table)


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str | list | dict) and bool(pd.isna(value)))


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if not value.is_integer() else str(int(value))
    return str(value)


def vi_rate(value: object) -> str:
    """A rate as officers write it: 1,06."""
    if value is None or pd.isna(value):
        return ""
    return vi_pct(float(value))
