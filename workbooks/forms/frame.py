"""What every official form shares: the merged header, the row that numbers the columns, the
body with TT as text and the unit and its parents in bold, then the notes, the place-and-date
line and the signature block, and the print setup.

Every figure comes from `transforms.report_tables`; a missing figure is a blank cell, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from giamngheo.transforms.report_data import Heading
from giamngheo.workbooks.layout import Form, fit_width, missing


@dataclass(frozen=True)
class Header:
    """A header cell: rows and columns it spans (1-based within the header), and its text."""

    row: int
    col: int
    text: str
    rows: int = 1
    cols: int = 1


def table(
    form: Form,
    headers: list[Header],
    numbering: list[str],
    frame: pd.DataFrame,
    columns: list[str],
    texts: set[str],
    rates: frozenset[str] = frozenset(),
    extra: dict[str, list] | None = None,
    styles: dict[str, str] | None = None,
    spans: dict[str, int] | None = None,
) -> tuple[int, int]:
    """The merged header, the numbering row and the body (`texts` are the text columns, the
    others numbers; `extra` columns beside the frame's; `styles` a column's own text style;
    `spans` the columns a column's cells are merged over, the last one's included); returns
    the first and last rows of the header (repeated on every page)."""
    top = form.row
    depth = max(h.row + h.rows - 1 for h in headers)
    for h in headers:
        form.put(top + h.row - 1, h.col, h.text, "gn_head", rows=h.rows, cols=h.cols)
    numbers = top + depth
    for c, label in enumerate(numbering, start=1):
        form.put(numbers, c, label, "gn_numbering")
    body = numbers + 1
    flags = [frame[f].tolist() for f in ("bold", "is_total") if f in frame]
    bold = [any(f[i] for f in flags) for i in range(len(frame))]
    styles, spans = styles or {}, spans or {}
    for c, name in enumerate(columns, start=1):
        if extra and name in extra:
            values = extra[name]
        else:
            values = frame[name].tolist() if name in frame else [None] * len(frame)
        for r, (value, strong) in enumerate(zip(values, bold, strict=True), start=body):
            if name in texts:
                text = "" if missing(value) else str(value)
                style = styles.get(name) or ("gn_cell_bold" if strong else "gn_cell")
                form.put(r, c, text, style, cols=spans.get(name, 1))
            else:
                kind = "gn_rate" if name in rates else "gn_count"
                form.put(r, c, value, kind + ("_bold" if strong else ""))
    form.row = body + len(frame) + 1
    return top, numbers


def widths(
    frame: pd.DataFrame, labels: list[float], numbers: int, number_width: float
) -> list[float]:
    """TT, the unit's name as wide as its longest (within bounds; a total's name, which says
    what it sums, may wrap), the other label columns, then `numbers` columns of figures."""
    return [labels[0], name_width(frame, 18), *labels[1:], *([number_width] * numbers)]


def name_width(frame: pd.DataFrame, minimum: float) -> float:
    """A name column wide enough for a village's label with its code on one line."""
    names = frame.get("unit_name", pd.Series(dtype=str))
    for flag in ("bold", "is_total"):
        if flag in frame:
            names = names[~frame[flag].astype(bool)]
    return fit_width([str(n) for n in names.dropna()], minimum, 44)


def finish(
    form: Form,
    heading: Heading,
    header: tuple[int, int] | None,
    freeze_col: int | None,
    repeat: bool = True,
) -> None:
    """The place-and-date line and signatures, row heights, print setup (the header rows
    repeated on every page when `repeat`; the rows above the body and the columns left of
    `freeze_col` kept in view), and where the pages break."""
    form.date_and_signatures(heading.place, heading.date_text)
    form.fit_rows()
    form.print_setup(
        header if repeat and header else None,
        (header[1] + 1, freeze_col) if freeze_col and header else None,
    )
    form.paginate()


def header_block(form: Form, heading: Heading, what: str, year: int, subtitle: str = "") -> None:
    """The header block with the form's title naming the year (and the unit the figures were
    made by, when another signs), and under it the year's standard where it is provisional."""
    form.header_block(heading.authority, heading.unit_name, heading.title(what, year), subtitle)
    if heading.standard_note:
        form.row -= 1
        form.line(heading.standard_note, "gn_subtitle")
        form.row += 1
