"""What a printed form looks like: one font, rows as tall as their text, the header block, the
place-and-date line, the signature block and page numbers.

Neither Excel nor LibreOffice grows a row for wrapped text in merged cells, so every row
height is computed here from its text, its font and the widths of the columns it spans, with
the advance widths of Times New Roman's glyphs (the administrative-document font; Liberation
Serif has the same metrics). Styles are named styles, registered once per workbook: a cell
takes one by name, which is much cheaper than a font and a border per cell.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field

from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from giamngheo.workbooks.cells import write_text, write_value
from giamngheo.workbooks.grid import column_letter

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
    """The height of a line of text in a cell (Times New Roman's line spacing is 1.15 em)."""
    return size * 1.2


PAD = 3.0  # points above and below a cell's text
CARRIED_ROWS = 4  # rows above the signatures that go with them to a new page

# The printable area of an A4 landscape page with the margins `print_setup` sets, in points.
PRINTABLE_WIDTH = 842 - 2 * 0.4 * 72
PRINTABLE_HEIGHT = 595 - 2 * 0.6 * 72


_THIN = Side(style="thin")
BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
OPEN_BELOW = Border(left=_THIN, right=_THIN, top=_THIN)  # the first of two rows sharing a frame
OPEN_ABOVE = Border(left=_THIN, right=_THIN, bottom=_THIN)
RATE_FORMAT = "0.00"
COUNT_FORMAT = "#,##0"
DIFFERENT = PatternFill("solid", fgColor="FFEB9C")  # a figure that differs from the plan's


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


def register_styles(wb: Workbook) -> None:
    """The named styles of every form, once per workbook, and Times New Roman as the
    workbook's default font. The default font sets the unit of column widths (the width of its
    digits): with Times New Roman in both, Excel and LibreOffice size the columns alike, where
    a default font one of them lacks (Calibri) would make them disagree."""
    default = Font(name=FONT, size=SIZE)
    wb._fonts[0] = default  # openpyxl has no public setter for the default font
    wb._named_styles["Normal"].font = default
    for style in STYLES.values():
        named = NamedStyle(name=style.name)
        named.font = Font(name=FONT, size=style.size, bold=style.bold, italic=style.italic)
        named.alignment = Alignment(
            horizontal=style.horizontal, vertical="center", wrap_text=style.wrap
        )
        if style.box:
            named.border = BOX
        named.number_format = style.number_format
        wb.add_named_style(named)


def styled(cell, style: str):
    cell.style = style
    return cell


@dataclass
class Form:
    """Lays out one sheet meant for printing, from the top row down, and sizes its rows.

    `widths` are the columns' widths (Excel's unit). Every write goes through `put`, which
    remembers the text and the columns and rows it spans, so `fit_rows` can give every row
    the height its tallest text needs.
    """

    ws: Worksheet
    widths: list[float]
    row: int = 1
    _texts: list[tuple[int, int, int, int, str, str]] = field(default_factory=list)
    _signatures: int | None = None

    def __post_init__(self) -> None:
        for c, width in enumerate(self.widths, start=1):
            self.ws.column_dimensions[column_letter(c - 1)].width = width

    @property
    def width(self) -> int:
        return len(self.widths)

    def put(
        self,
        row: int,
        col: int,
        value: object,
        style: str,
        *,
        rows: int = 1,
        cols: int = 1,
        number_format: str | None = None,
    ):
        """Write a value (text as text, numbers as numbers), merged over rows × cols."""
        if rows > 1 or cols > 1:
            # Not ws.merge_cells: it also turns each covered cell into a MergedCell and copies
            # borders onto it, a tenth of a report's time; a boxed style is set on them below.
            self.ws.merged_cells.add(
                CellRange(min_col=col, min_row=row, max_col=col + cols - 1, max_row=row + rows - 1)
            )
            if STYLES[style].box:
                for r in range(row, row + rows):
                    for c in range(col, col + cols):
                        self.ws.cell(row=r, column=c).style = style
        if isinstance(value, str):
            cell = write_text(self.ws, row, col, value)
        else:
            cell = write_value(self.ws, row, col, value)
        cell.style = style
        if number_format:
            cell.number_format = number_format
        if isinstance(value, str) and value and STYLES[style].wrap:
            self._texts.append((row, col, rows, cols, value, style))
        return cell

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

    def keep_together(self, first: int, last: int, title_rows: tuple[int, int] | None) -> None:
        """Print a sheet that is little more than a page on one page (shrunk to fit); else start
        a new printed page a few rows before row `first` when rows `first`…`last` would be
        split across two. Pages are estimated from the row heights, the fit-to-width scale and the header
        rows repeated on every page, with a margin for the renderer's rounding."""
        from openpyxl.worksheet.pagebreak import Break

        # A column prints as its width in digits of the default font, plus a little; a row a
        # little shorter than its height (measured on LibreOffice's PDFs).
        total_width = sum(w * text_points("0") + 2 for w in self.widths)
        scale = min(1.0, PRINTABLE_WIDTH / total_width)
        page = PRINTABLE_HEIGHT / scale / 0.97 * 0.98
        default = line_points() + PAD

        def height(r: int) -> float:
            return self.ws.row_dimensions[r].height or default

        if sum(height(r) for r in range(1, last + 1)) <= page * 1.35:
            self.ws.page_setup.fitToHeight = 1  # one page, a little smaller
            return
        repeated = (
            sum(height(r) for r in range(title_rows[0], title_rows[1] + 1)) if title_rows else 0
        )
        breaks = {b.id for b in self.ws.row_breaks.brk}
        used, room = 0.0, page
        for r in range(1, first):
            if used + height(r) > room or r - 1 in breaks:
                used, room = repeated, page
            used += height(r)
        block = sum(height(r) for r in range(first, last + 1))
        if used + block > room and block < page - repeated:
            # the signatures never stand alone on a page: the last few rows above go with them
            top = title_rows[1] + 1 if title_rows else 1
            start = max(top + 1, first - CARRIED_ROWS)
            self.ws.row_breaks.append(Break(id=start - 1))

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
            self.ws.row_dimensions[row].height = round(max(height, default), 1)


def print_setup(ws: Worksheet, title_rows: str | None, freeze: str | None) -> None:
    """A4 landscape, one page wide, the header rows repeated on every page, "Trang x/y"."""
    if freeze:
        ws.freeze_panes = freeze
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.font = FONT
    ws.oddFooter.center.size = 10


def fit_width(names: list[str], minimum: float, maximum: float, bold: bool = True) -> float:
    """A column width (Excel's unit) wide enough for the longest of `names` on one line."""
    longest = max((text_points(n, SIZE, bold) for n in names if n), default=0.0)
    width = (longest + 2 + 8) / 5.25  # column_points(width) >= longest, with 2 points to spare
    return max(minimum, min(maximum, math.ceil(width * 2) / 2))
