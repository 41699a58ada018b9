"""What a printed form looks like: one font, rows as tall as their text, the header block, the
place-and-date line, the signature block and page numbers.

Neither Excel nor LibreOffice grows a row for wrapped text in merged cells, so every row
height is computed here from its text, its font and the widths of the columns it spans, with
the advance widths of Times New Roman's glyphs (the administrative-document font; Liberation
Serif has the same metrics). A form is laid out first (`Form`), then written into a workbook
(`Book`) with one cell format per style.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import xlsxwriter
from openpyxl.worksheet.worksheet import Worksheet as OpenpyxlSheet
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from giamngheo.workbooks.cells import safe_text

FONT = "Times New Roman"
SIZE = 11

# Advance widths of Times New Roman (regular, bold) in thousandths of an em for the
# characters " " … "~"; an accented letter is as wide as its base letter.
_ASCII = "".join(chr(c) for c in range(32, 127))
_REGULAR = (
    "250 333 408 500 500 833 778 180 333 333 500 564 250 333 250 278 500 500 500 500 500 500 500 "
    "500 500 500 278 278 564 564 564 444 921 722 667 667 722 611 556 722 722 333 389 722 611 889 "
    "722 722 556 722 667 556 611 722 722 944 722 722 611 333 278 333 469 500 333 444 500 444 500 "
    "444 333 500 500 278 278 500 278 778 500 500 500 500 333 389 278 500 500 722 500 500 444 480 "
    "200 480 541"
)
_BOLD = (
    "250 333 555 500 500 1000 833 278 333 333 500 570 250 333 250 278 500 500 500 500 500 500 500 "
    "500 500 500 333 333 570 570 570 500 930 722 667 722 722 667 611 778 778 389 500 778 667 944 "
    "722 778 611 778 722 556 667 722 722 1000 722 722 667 333 278 333 581 500 333 500 556 444 556 "
    "444 333 500 556 278 333 556 278 833 556 500 556 556 444 389 333 556 500 722 500 500 444 394 "
    "220 394 520"
)
_WIDTHS = {
    False: dict(zip(_ASCII, map(int, _REGULAR.split()), strict=True)),
    True: dict(zip(_ASCII, map(int, _BOLD.split()), strict=True)),
}
_WIDE = {"…": 1000, "—": 1000, "–": 500, "÷": 564, "×": 564, "ơ": 560, "ư": 560}


def text_points(text: str, size: float = SIZE, bold: bool = False) -> float:
    """How wide `text` prints, in points."""
    widths = _WIDTHS[bold]
    total = 0
    for ch in text:
        if ch in widths:
            total += widths[ch]
        elif ch in _WIDE:
            total += _WIDE[ch]
        else:
            base = unicodedata.normalize("NFD", ch)[0]
            total += widths.get(base, 600 if bold else 560)
    return total * size / 1000


def column_points(width: float) -> float:
    """The room for text in a column of `width` (Excel's unit: 7-pixel characters), in points,
    less the cell's padding: the narrower of what Excel and LibreOffice give."""
    return width * 5.25 - 8


def wrapped_lines(text: str, room: float, size: float = SIZE, bold: bool = False) -> int:
    """How many lines `text` takes when wrapped in `room` points (words kept whole when they
    fit on a line, as spreadsheets wrap)."""
    lines = 0
    for paragraph in str(text).split("\n"):
        used, count = 0.0, 1
        space = text_points(" ", size, bold)
        for word in paragraph.split(" "):
            width = text_points(word, size, bold)
            if used and used + space + width > room:
                count += 1
                used = 0.0
            if width > room:  # a word wider than the cell is broken, where it can be
                extra = math.ceil(width / room)  # (at "/", ".", "-"), so one line to spare
                count += extra
                used = width - (extra - 1) * room
            else:
                used += (space if used else 0) + width
        lines += count
    return lines


def line_points(size: float = SIZE) -> float:
    """The height of a line of text in a cell: Times New Roman's line spacing is 1.15 em, and
    Excel and LibreOffice round a row up, so 1.2 em a line."""
    return size * 1.2


PAD = 3.0  # points above and below a cell's text
CARRIED_ROWS = 4  # rows above the signatures that go with them to a new page

# The printed page of every sheet: A4 landscape, these margins (inches), "Trang x/y" below.
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6}
FOOTER_TEXT = "Trang &P/&N"
FOOTER_SIZE = 10
FOOTER_MARGIN = 0.3  # inches from the page's edge: xlsxwriter's default

# The printable area of that page, in points.
PRINTABLE_WIDTH = 842 - (MARGINS["left"] + MARGINS["right"]) * 72
PRINTABLE_HEIGHT = 595 - (MARGINS["top"] + MARGINS["bottom"]) * 72

# Numbers in the Vietnamese way (1.415 hộ, 1,06 %) whatever the viewer's locale: the formats
# carry the language of Vietnamese (LCID 042A), whose separators LibreOffice uses; Excel uses
# the separators of the viewer's regional settings.
VI = "[$-42A]"
RATE_FORMAT = f"{VI}0.00"
COUNT_FORMAT = f"{VI}#,##0"
DIFFERENT = "#FFEB9C"  # the fill of a figure that differs from the plan's
# The borders of two rows sharing a frame: the first open below, the second open above.
OPEN_BELOW = {"left": 1, "right": 1, "top": 1, "bottom": 0}
OPEN_ABOVE = {"left": 1, "right": 1, "top": 0, "bottom": 1}


@dataclass(frozen=True)
class Style:
    name: str
    size: float = SIZE
    bold: bool = False
    italic: bool = False
    horizontal: str = "left"
    box: bool = False
    number_format: str = "General"
    wrap: bool = True

    def properties(self) -> dict:
        """The cell format of the style, as xlsxwriter's format properties."""
        return {
            "font_name": FONT,
            "font_size": self.size,
            "bold": self.bold,
            "italic": self.italic,
            "align": self.horizontal,
            "valign": "vcenter",
            "text_wrap": self.wrap,
            "border": 1 if self.box else 0,
            "num_format": self.number_format,
            "font_scheme": "none",  # the font itself, not the theme's
        }


STYLES = {
    s.name: s
    for s in (
        Style("gn_text"),
        Style("gn_authority", bold=True, horizontal="center"),
        Style("gn_motto", bold=True, horizontal="center"),
        Style("gn_title", size=13, bold=True, horizontal="center"),
        Style("gn_subtitle", italic=True, horizontal="center"),
        Style("gn_note", italic=True),
        Style("gn_date", italic=True, horizontal="center"),
        Style("gn_sign", bold=True, horizontal="center"),
        Style("gn_sign_hint", italic=True, horizontal="center"),
        Style("gn_head", bold=True, horizontal="center", box=True),
        Style("gn_numbering", size=9, italic=True, horizontal="center", box=True),
        Style("gn_cell", box=True),
        Style("gn_cell_bold", bold=True, box=True),
        Style("gn_center", horizontal="center", box=True),
        Style("gn_hash", size=8, box=True, wrap=False),  # a fingerprint, on one line
        Style("gn_count", horizontal="right", box=True, number_format=COUNT_FORMAT, wrap=False),
        Style(
            "gn_count_bold",
            bold=True,
            horizontal="right",
            box=True,
            number_format=COUNT_FORMAT,
            wrap=False,
        ),
        Style("gn_rate", horizontal="right", box=True, number_format=RATE_FORMAT, wrap=False),
        Style(
            "gn_rate_bold",
            bold=True,
            horizontal="right",
            box=True,
            number_format=RATE_FORMAT,
            wrap=False,
        ),
    )
}


@dataclass
class Cell:
    """What a form puts in a cell: a value (text, a number or None), its style, and what
    sets it apart (a fill, a border of its own, a note)."""

    value: str | int | float | None
    style: str
    fill: str | None = None
    border: dict | None = None
    comment: str | None = None


def missing(value: object) -> bool:
    """None, pd.NA, NaN, NaT: a blank cell."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float):
        return value != value
    if isinstance(value, str | int):
        return False
    return bool(pd.api.types.is_scalar(value) and pd.isna(value))


def cell_value(value: object) -> str | int | float | None:
    """Numbers as numbers, a missing value as None and anything else as text (cleaned of
    what a workbook cannot hold, see `cells.safe_text`)."""
    if isinstance(value, str):
        return safe_text(value)
    if missing(value):
        return None
    if hasattr(value, "item"):
        value = value.item()  # numpy scalar → Python number
    if isinstance(value, bool) or not isinstance(value, int | float):
        return safe_text(value)
    return value


@dataclass
class Form:
    """One sheet meant for printing, laid out from the top row down: its cells, merges, row
    heights and page setup, written into a workbook by `Book.add`.

    `widths` are the columns' widths (Excel's unit). Every write goes through `put`, which
    remembers the text and the columns and rows it spans, so `fit_rows` can give every row
    the height its tallest text needs.
    """

    widths: list[float]
    row: int = 1
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)
    breaks: list[int] = field(default_factory=list)  # a new page after each of these rows
    title_rows: tuple[int, int] | None = None  # repeated on every printed page
    freeze: tuple[int, int] | None = None  # the first row and column that scroll
    pages_high: int = 0  # 1: the whole sheet on one page; 0: as many pages as it needs
    kept: list[tuple[int, int]] = field(default_factory=list)  # rows printed on one page
    sections: list[tuple[int, int, int]] = field(
        default_factory=list
    )  # header first, last, body end
    _texts: list[tuple[int, int, int, int, str, str]] = field(default_factory=list)
    _signatures: int | None = None

    @property
    def width(self) -> int:
        return len(self.widths)

    def put(
        self, row: int, col: int, value: object, style: str, *, rows: int = 1, cols: int = 1
    ) -> None:
        """Write a value (text as text, numbers as numbers), merged over rows × cols."""
        if rows > 1 or cols > 1:
            self.merges.append((row, col, row + rows - 1, col + cols - 1, style))
        value = cell_value(value)
        self.cells[row, col] = Cell(value, style)
        if isinstance(value, str) and value and STYLES[style].wrap:
            self._texts.append((row, col, rows, cols, value, style))

    def value(self, row: int, col: int) -> str | int | float | None:
        cell = self.cells.get((row, col))
        return cell.value if cell else None

    def mark(self, row: int, col: int, fill: str, comment: str) -> None:
        """Fill a cell and attach a note to it (a figure that differs from what was written)."""
        cell = self.cells.setdefault((row, col), Cell(None, "gn_cell"))
        cell.fill, cell.comment = fill, comment

    def frame(self, row: int, col: int, border: dict) -> None:
        """Give a cell a border of its own instead of its style's box."""
        self.cells.setdefault((row, col), Cell(None, "gn_cell")).border = border

    def line(self, text: str, style: str, start: int = 1, cols: int | None = None) -> None:
        """A line of text across the sheet (or `cols` columns from `start`), then the next row."""
        self.put(self.row, start, text, style, cols=cols or self.width - start + 1)
        self.row += 1

    def header_block(self, authority: str, unit_name: str, title: str, subtitle: str = "") -> None:
        """ỦY BAN NHÂN DÂN / <unit> on the left, the national motto on the right, the title."""
        left = max(2, self.width // 2 - 1)
        right = self.width - left
        self.put(self.row, 1, authority.upper(), "gn_authority", cols=left)
        self.put(self.row, left + 1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "gn_motto", cols=right)
        self.row += 1
        self.put(self.row, 1, unit_name.upper(), "gn_authority", cols=left)
        self.put(self.row, left + 1, "Độc lập - Tự do - Hạnh phúc", "gn_motto", cols=right)
        self.row += 2
        self.line(title.upper(), "gn_title")
        if subtitle:
            self.line(subtitle, "gn_subtitle")
        self.row += 1

    def note(self, text: str) -> None:
        self.line(text, "gn_note")

    def date_and_signatures(self, place: str, date_text: str) -> None:
        """The place-and-date line and the signature block, under the table, kept on one
        printed page (see `keep_together`)."""
        self.row += 1
        self._signatures = self.row
        left = max(2, self.width // 2 - 1)
        right = self.width - left
        self.put(self.row, left + 1, f"{place}, {date_text}", "gn_date", cols=right)
        self.row += 1
        self.put(self.row, 1, "NGƯỜI LẬP BIỂU", "gn_sign", cols=left)
        self.put(self.row, left + 1, "TM. ỦY BAN NHÂN DÂN", "gn_sign", cols=right)
        self.row += 1
        self.put(self.row, 1, "(Ký, ghi rõ họ tên)", "gn_sign_hint", cols=left)
        self.put(self.row, left + 1, "CHỦ TỊCH", "gn_sign", cols=right)
        self.row += 1
        self.put(self.row, left + 1, "(Ký tên, đóng dấu)", "gn_sign_hint", cols=right)
        self.row += 4  # room to sign

    def print_setup(self, title_rows: tuple[int, int] | None, freeze: tuple[int, int] | None):
        """Repeat rows `title_rows` (first, last) on every printed page; keep the rows above
        and the columns left of `freeze` (row, column) in view when scrolling."""
        self.title_rows, self.freeze = title_rows, freeze

    def keep(self, first: int, last: int) -> None:
        """Print rows `first`…`last` on one page (a unit's Hộ and Nhân khẩu rows)."""
        self.kept.append((first, last))

    def section(self, header: tuple[int, int], last: int) -> None:
        """A table whose header rows (first, last) are printed again on every page its body
        (down to row `last`) goes on to: a sheet repeats one range of rows by itself only."""
        self.sections.append((header[0], header[1], last))

    def paginate(self) -> None:
        """Where the printed pages break. A sheet that is little more than a page prints on one
        page, a little smaller. Otherwise a new page starts before any row or kept range that
        would not fit, the signature block goes to a new page with the few rows above it, and
        a section's header is printed again (its rows inserted) where its table goes on to a
        new page. Pages are estimated from the row heights, the fit-to-width scale and the
        header rows repeated on every page, a little short, so that the renderer never breaks
        a page before these breaks do (measured on LibreOffice's PDFs)."""
        total_width = sum(w * text_points("0") + 2 for w in self.widths)
        scale = min(1.0, PRINTABLE_WIDTH / total_width)
        page = PRINTABLE_HEIGHT / scale / 0.97 * 0.96
        default = line_points() + PAD
        last = self.row - 1

        def height(r: int) -> float:
            return self.heights.get(r) or default

        if sum(height(r) for r in range(1, last + 1)) <= page * 1.35:
            self.pages_high = 1  # one page, a little smaller
            return
        titles = self.title_rows
        repeated = sum(height(r) for r in range(titles[0], titles[1] + 1)) if titles else 0.0
        blocks = dict(self.kept)
        if self._signatures:
            top = titles[1] + 1 if titles else 1
            blocks[max(top + 1, self._signatures - CARRIED_ROWS)] = last
        starts: list[int] = []  # old rows that begin a new page
        copies: list[tuple[int, int, int]] = []  # (before old row, header first, header last)
        used, fresh, r = 0.0, 0.0, 1
        while r <= last:
            end = max(blocks.get(r, r), r)
            block = sum(height(x) for x in range(r, end + 1))
            if used > fresh and used + block > page:
                starts.append(r)
                used = fresh = repeated
                for first, head_last, body_last in self.sections:
                    if head_last < r <= body_last:
                        copies.append((r, first, head_last))
                        used += sum(height(x) for x in range(first, head_last + 1))
                        break
            used += block
            r = end + 1
        self._insert_headers(copies)
        shift = self._shift_of(copies)
        self.breaks += [shift(r, before=True) - 1 for r in starts]

    @staticmethod
    def _shift_of(copies: list[tuple[int, int, int]]):
        """Where an old row goes once `copies` are inserted (`before`: where the rows inserted
        before it begin, if any)."""

        def shift(row: int, before: bool = False) -> int:
            added = 0
            for at, first, last in copies:
                if at < row or (at == row and not before):
                    added += last - first + 1
            return row + added

        return shift

    def _insert_headers(self, copies: list[tuple[int, int, int]]) -> None:
        if not copies:
            return
        shift = self._shift_of(copies)
        header_cells = {
            k: [(c, cell) for (r, c), cell in self.cells.items() if r == k]
            for _, first, last in copies
            for k in range(first, last + 1)
        }
        cells = {(shift(r), c): cell for (r, c), cell in self.cells.items()}
        merges = [(shift(a), b, shift(c), d, st) for a, b, c, d, st in self.merges]
        heights = {shift(r): h for r, h in self.heights.items()}
        texts = [(shift(r), c, rs, cs, t, st) for r, c, rs, cs, t, st in self._texts]
        for at, first, last in copies:
            base = shift(at, before=True)
            for k in range(first, last + 1):
                row = base + k - first
                for c, cell in header_cells[k]:
                    cells[row, c] = Cell(cell.value, cell.style, cell.fill, cell.border)
                if k in self.heights:
                    heights[row] = self.heights[k]
            for a, b, c, d, st in self.merges:
                if first <= a and c <= last:
                    merges.append((base + a - first, b, base + c - first, d, st))
        self.cells, self.merges, self.heights, self._texts = cells, merges, heights, texts
        self.kept = [(shift(a), shift(b)) for a, b in self.kept]
        self.sections = [(shift(a), shift(b), shift(c)) for a, b, c in self.sections]
        self.breaks = [shift(b + 1, before=True) - 1 for b in self.breaks]
        if self._signatures:
            self._signatures = shift(self._signatures)
        self.row = shift(self.row)

    def fit_rows(self) -> None:
        """Give every row the height its tallest text needs: a merged cell's lines share the
        rows it spans, the last of them growing when they are not enough."""
        needed: dict[int, float] = {}
        spanning = []
        for row, col, rows, cols, text, style in self._texts:
            spec = STYLES[style]
            room = sum(column_points(self.widths[c - 1]) for c in range(col, col + cols))
            room += (cols - 1) * 4  # merged columns lose no padding between them
            height = wrapped_lines(text, room, spec.size, spec.bold) * line_points(spec.size) + PAD
            if rows == 1:
                needed[row] = max(needed.get(row, 0.0), height)
            else:
                spanning.append((row, rows, height))
        default = line_points() + PAD
        for row, rows, height in sorted(spanning):
            have = sum(needed.get(r, default) for r in range(row, row + rows))
            if have < height:
                last = row + rows - 1
                needed[last] = needed.get(last, default) + height - have
        for row, height in needed.items():
            self.heights[row] = round(max(height, default), 1)


class Book:
    """A report workbook being written: its sheets, added form by form, and one cell format per
    style (and fill and border) shared by them. `close` writes the file.

    xlsxwriter, not openpyxl: it writes a report of a hundred commune sheets two to three times
    faster. Text is written as text (`write_string`), never read as a formula or a number.
    `reserved` are titles of sheets to come, which `title` gives no other sheet.
    """

    def __init__(self, path: Path, reserved: tuple[str, ...] = ()):
        self.workbook = xlsxwriter.Workbook(
            str(path),
            {
                "in_memory": True,
                # The default font sets the unit of column widths (the width of its digits):
                # with Times New Roman in both, Excel and LibreOffice size the columns alike,
                # where a default font one of them lacks (Calibri) would make them disagree.
                "default_format_properties": {"font_name": FONT, "font_size": SIZE},
            },
        )
        self._formats: dict[tuple, Format] = {}
        self._titles = {t.casefold() for t in reserved}

    def format(self, style: str, fill: str | None = None, border: dict | None = None) -> Format:
        key = (style, fill, tuple(sorted(border.items())) if border else None)
        if key not in self._formats:
            properties = STYLES[style].properties()
            if fill:
                properties.update(pattern=1, bg_color=fill)
            if border:
                properties.pop("border")
                properties.update(border)
            self._formats[key] = self.workbook.add_format(properties)
        return self._formats[key]

    def title(self, name: str, code: str) -> str:
        """A sheet title Excel takes (≤ 31 characters, none of []:*?/\\, no quote at either
        end), unique in the workbook whatever the case of its letters."""
        base = re.sub(r"[\[\]:*?/\\]", " ", name).strip().strip("'").strip()[:31] or code
        title = base
        if base.casefold() in self._titles:
            title = f"{base[: 31 - len(code) - 1]} {code}"
        self._titles.add(title.casefold())
        return title

    def add(self, form: Form, title: str) -> Worksheet:
        """Write the form as the workbook's next sheet, named `title`."""
        self._titles.add(title.casefold())
        ws = self.workbook.add_worksheet(title)
        for c, width in enumerate(form.widths):
            ws.set_column_pixels(c, c, width * DIGIT_PIXELS)
        for first_row, first_col, last_row, last_col, style in form.merges:
            ws.merge_range(
                first_row - 1, first_col - 1, last_row - 1, last_col - 1, None, self.format(style)
            )
        for (r, c), cell in form.cells.items():
            fmt = self.format(cell.style, cell.fill, cell.border)
            if cell.value is None or cell.value == "":  # an empty text is a blank cell
                ws.write_blank(r - 1, c - 1, None, fmt)
            elif isinstance(cell.value, str):
                ws.write_string(r - 1, c - 1, cell.value, fmt)
            else:
                ws.write_number(r - 1, c - 1, cell.value, fmt)
            if cell.comment:
                ws.write_comment(
                    r - 1, c - 1, cell.comment, {"author": "giamngheo", "width": 300, "height": 80}
                )
        for r, height in form.heights.items():
            ws.set_row_pixels(r - 1, height * 4 / 3)  # not set_row: it rounds to whole pixels
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, form.pages_high)
        ws.center_horizontally()
        ws.set_margins(**MARGINS)
        ws.set_footer(f'&C&"{FONT}"&{FOOTER_SIZE}{FOOTER_TEXT}')
        if form.title_rows:
            ws.repeat_rows(form.title_rows[0] - 1, form.title_rows[1] - 1)
        if form.freeze:
            ws.freeze_panes(form.freeze[0] - 1, form.freeze[1] - 1)
        if form.breaks:
            ws.set_h_pagebreaks(sorted(form.breaks))
        return ws

    def close(self) -> None:
        self.workbook.close()


DIGIT_PIXELS = 7  # a column width of 1 is one digit of the default font, 7 pixels


def print_setup(ws: OpenpyxlSheet, title_rows: str | None, freeze: str | None) -> None:
    """The page setup of `Book.add` on an openpyxl sheet (the village template's): A4
    landscape, one page wide, the header rows repeated on every page, "Trang x/y"."""
    if freeze:
        ws.freeze_panes = freeze
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    for side, inches in MARGINS.items():
        setattr(ws.page_margins, side, inches)
    # the footer sits this far from the page's edge, inside the bottom margin (openpyxl's
    # default, 0.5", leaves LibreOffice 0.1" of margin for it, and clips "Trang x/y")
    ws.page_margins.header = ws.page_margins.footer = FOOTER_MARGIN
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = FOOTER_TEXT
    ws.oddFooter.center.font = FONT
    ws.oddFooter.center.size = FOOTER_SIZE


def fit_width(names: list[str], minimum: float, maximum: float, bold: bool = True) -> float:
    """A column width (Excel's unit) wide enough for the longest of `names` on one line."""
    longest = max((text_points(n, SIZE, bold) for n in names if n), default=0.0)
    width = (longest + 2 + 8) / 5.25  # column_points(width) >= longest, with 2 points to spare
    return max(minimum, min(maximum, math.ceil(width * 2) / 2))
