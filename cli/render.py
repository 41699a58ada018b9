"""Printing frames and run summaries for people (rich tables) and machines (JSON, CSV)."""

from __future__ import annotations

import json
import sys
import unicodedata
from numbers import Number
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from giamngheo.transforms.vietnamese import vi_pct

if TYPE_CHECKING:  # pandas is imported where a frame is printed: `ingest` handed to the
    import pandas as pd  # service needs none of it, and it costs a third of a second


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
        from pandas.api.types import is_numeric_dtype

        numeric = [is_numeric_dtype(frame[col]) for col in frame.columns]
        _print_table(list(frame.columns), numeric, frame.itertuples(index=False), title)


def print_records(records: list[dict], title: str | None = None) -> None:
    """Rows given as dicts with the same keys (a run summary's), as `print_frame` prints a
    table, without pandas: a command handed to the service prints its summary this way."""
    columns = list(records[0]) if records else []
    numeric = [
        all(
            _missing(r[c]) or (isinstance(r[c], Number) and not isinstance(r[c], bool))
            for r in records
        )
        for c in columns
    ]
    _print_table(columns, numeric, ([r[c] for c in columns] for r in records), title)


def _print_table(columns: list, numeric: list[bool], rows, title: str | None) -> None:
    table = Table(title=title, show_lines=False)
    for col, right in zip(columns, numeric, strict=True):
        table.add_column(Text(visible(col)), justify="right" if right else "left")
    for row in rows:
        table.add_row(*(Text("" if _missing(v) else visible(_fmt(v))) for v in row))
    console().print(table)


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return value != value  # NaN
    if isinstance(value, str | list | dict | int):
        return False
    import pandas as pd  # NA, NaT and numpy's missing values

    return bool(pd.isna(value))


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if not value.is_integer() else str(int(value))
    return str(value)


def vi_rate(value: object) -> str:
    """A rate as officers write it: 1,06."""
    if _missing(value):
        return ""
    return vi_pct(float(value))
