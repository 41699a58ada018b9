"""Tables that arrive as text: HTML pages and CSV/TSV files saved with a spreadsheet's name.

Both become the same cell grids as a workbook, one grid per HTML table ("Bảng 1", …) or one
for a CSV file, with merged HTML cells (colspan/rowspan) filled at their top-left cell only,
as a spreadsheet stores them.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from giamngheo.transforms import legacy
from giamngheo.transforms.columns import match_header, match_metadata_label
from giamngheo.workbooks.grid import Grid


def decode_text(data: bytes) -> str:
    """Bytes of a text table as str: UTF-16 (with BOM), UTF-8 (with or without BOM), else
    the 8-bit encoding of Vietnamese it reads best in: Windows-1258, TCVN3 (ABC) or VNI."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    candidates = [
        unicodedata.normalize("NFC", data.decode("cp1258", errors="replace")),
        legacy.decode_tcvn3(data.decode("latin-1")),
        unicodedata.normalize("NFC", legacy.decode_vni(data.decode("cp1252", errors="replace"))),
    ]
    return max(candidates, key=_score)  # the first of equals: Windows-1258


def _score(text: str) -> tuple[int, int]:
    """How well a decoding reads: the header cells and labels it makes known (decisive: a
    wrong decoding can still look Vietnamese), then its Vietnamese letters."""
    cells = re.split(r"[\t;,\r\n]", text[:20_000])
    known = sum(1 for c in cells if c.strip() and (match_header(c) or match_metadata_label(c)))
    return known, _vietnamese_score(text)


# Letters only Vietnamese has (ă â đ ê ô ơ ư and the toned vowels of U+1EA0–U+1EF9), and
# Latin-1 symbols and letters Vietnamese never uses, which an 8-bit text read in the wrong
# encoding is full of.
_VIETNAMESE = frozenset("ăâđêôơưĂÂĐÊÔƠƯ" + "".join(chr(c) for c in range(0x1EA0, 0x1EFA)))
_FOREIGN = frozenset(
    chr(c) for c in range(0xA1, 0x100) if chr(c) not in "àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ×÷"
) | {"\ufffd"}


def _vietnamese_score(text: str) -> int:
    sample = text[:200_000]
    return sum(ch in _VIETNAMESE for ch in sample) - 3 * sum(ch in _FOREIGN for ch in sample)


def read_csv_grid(path: Path) -> dict[str, Grid]:
    """A CSV or TSV file (delimiter , ; or tab, sniffed) as one grid of strings."""
    text = decode_text(path.read_bytes())
    delimiter = _delimiter(text[:50_000])
    rows = [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    return {path.stem[:31] or "Sheet1": rows}


def _delimiter(sample: str) -> str:
    """The delimiter that splits most lines into the same, widest number of fields.

    Vietnamese CSV files use "," as the decimal mark, so counting commas is not enough.
    """
    lines = sample.splitlines()[:200]
    best, best_score = ",", (-1, -1)
    for candidate in ("\t", ";", ","):
        widths = [len(row) for row in csv.reader(lines, delimiter=candidate) if row]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = (widths.count(common) if common > 1 else 0, common)
        if score > best_score:
            best, best_score = candidate, score
    return best


def read_html_grids(path: Path) -> dict[str, Grid]:
    """Every <table> of an HTML file as a grid."""
    parser = _TableParser()
    parser.feed(decode_text(path.read_bytes()))
    parser.close()
    return {f"Bảng {i}": grid for i, grid in enumerate(parser.tables, start=1) if grid}


class _TableParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Grid] = []
        self._stack: list[dict] = []

    @property
    def _table(self) -> dict | None:
        return self._stack[-1] if self._stack else None

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = dict(attrs)
        if tag == "table":
            self._stack.append({"rows": [], "row": None, "cell": None, "spans": {}})
        elif (t := self._table) is None:
            return
        elif tag == "tr":
            t["row"] = []
            t["rows"].append(t["row"])
        elif tag in ("td", "th"):
            if t["row"] is None:
                t["row"] = []
                t["rows"].append(t["row"])
            r = len(t["rows"]) - 1
            c = len(t["row"])
            while (r, c) in t["spans"]:
                t["row"].append("")
                c += 1
            colspan = _span(attrs.get("colspan"))
            rowspan = _span(attrs.get("rowspan"))
            for dr in range(rowspan):
                for dc in range(colspan):
                    if dr or dc:
                        t["spans"][(r + dr, c + dc)] = True
            t["cell"] = []
            t["row"].append("")
            t["pending_colspan"] = colspan
        elif tag == "br" and t["cell"] is not None:
            t["cell"].append("\n")

    def handle_endtag(self, tag: str) -> None:
        t = self._table
        if t is None:
            return
        if tag in ("td", "th") and t["cell"] is not None:
            t["row"][-1] = "".join(t["cell"]).strip()
            t["row"].extend([""] * (t.get("pending_colspan", 1) - 1))
            t["cell"] = None
        elif tag == "tr":
            t["row"] = None
        elif tag == "table":
            self._stack.pop()
            width = max((len(r) for r in t["rows"]), default=0)
            self.tables.append([row + [""] * (width - len(row)) for row in t["rows"]])

    def handle_data(self, data: str) -> None:
        t = self._table
        if t is not None and t["cell"] is not None:
            t["cell"].append(data)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1
