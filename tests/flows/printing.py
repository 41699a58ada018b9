"""What a person sees: a workbook rendered by LibreOffice to PDF, checked page by page.

- no two words print over each other (a header too short for its wrapped text spills into the
  rows around it);
- every word of every sheet's header is on the sheet's first page (nothing cut, and each sheet
  one page wide);
- the place-and-date line and the signature block are never split across pages;
- one font family, Times New Roman (Liberation Serif where it is not installed).
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from giamngheo.workbooks.preview import render_pdf

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_tools = pytest.mark.skipif(
    not SOFFICE or not shutil.which("pdftotext"),
    reason="LibreOffice and poppler-utils render the PDFs (.ci/run installs them)",
)


Word = tuple[float, float, float, float, str]


def pages(pdf: Path) -> list[list[Word]]:
    """Every page's words with their boxes (pdftotext -bbox)."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pattern = (
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    return [
        joined([(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in found])
        for found in (re.findall(pattern, page) for page in xml.split("<page ")[1:])
    ]


def joined(words: list[Word]) -> list[Word]:
    """Words put back together where pdftotext split them at a change of font (a letter the
    font lacks, drawn from a fallback font): pieces on one line with no gap between them."""
    out: list[Word] = []
    for w in sorted(words, key=lambda w: (round(w[1], 1), w[0])):
        if out and abs(out[-1][1] - w[1]) < 1 and -0.5 < w[0] - out[-1][2] < 0.3:
            a = out.pop()
            w = (a[0], min(a[1], w[1]), w[2], max(a[3], w[3]), a[4] + w[4])
        out.append(w)
    return out


def overlaps(words: list[Word]) -> list[tuple[str, str]]:
    """Pairs of words whose boxes overlap by more than a third of the smaller one."""
    found = []
    ordered = sorted(words, key=lambda w: w[1])
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b[1] >= a[3]:
                break
            dx = min(a[2], b[2]) - max(a[0], b[0])
            dy = min(a[3], b[3]) - max(a[1], b[1])
            if dx <= 0 or dy <= 0:
                continue
            smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
            if dx * dy > smaller / 3:
                found.append((a[4], b[4]))
    return found


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pieces(text: str) -> list[str]:
    """A text's words, split where a renderer may break a word over lines ("/", "-")."""
    return [p for w in text.split() for p in re.split(r"(?<=[/\-])", w) if p]


def header_words(ws) -> tuple[str, list[str]]:
    """The sheet's title and the words of its table header (the rows repeated on every page,
    or the rows above the first table)."""
    values = [
        [c.value for c in row if isinstance(c.value, str)] for row in ws.iter_rows(max_row=12)
    ]
    title = next(v[0] for v in values if v and v[0].isupper() and "NĂM" in v[0])
    rows = ws.print_title_rows
    if rows:
        first, last = (int(n) for n in re.findall(r"\d+", rows))
    else:
        first = next(i for i, v in enumerate(values, start=1) if v and v[0] == "TT")
        last = first + 1
    words = [
        w
        for row in ws.iter_rows(min_row=first, max_row=last)
        for c in row
        if isinstance(c.value, str)
        for w in pieces(c.value)
    ]
    return title, words


def check_workbook(workbook: Path, out: Path) -> list[str]:
    """Every problem a reader of the printed workbook would see."""
    pdf = render_pdf(workbook, out)
    printed = pages(pdf)
    problems = []
    for n, words in enumerate(printed, start=1):
        for a, b in overlaps(words):
            problems.append(f"page {n}: '{a}' prints over '{b}'")
        text = squeeze(" ".join(w[4] for w in words))
        has = [
            bool(re.search(r"ngày\d+tháng\d+năm", text)),
            "NGƯỜILẬPBIỂU" in text,
            "CHỦTỊCH" in text,
        ]
        if any(has) and not all(has):
            problems.append(f"page {n}: the date line and signature block are split")
    wb = load_workbook(workbook)
    page = 0
    for ws in wb.worksheets:
        if ws.title == "Hướng dẫn" or ws._charts:  # no table, no header rows
            continue
        title, words = header_words(ws)
        while page < len(printed) and squeeze(title) not in squeeze(
            " ".join(w[4] for w in printed[page])
        ):
            page += 1
        if page == len(printed):
            problems.append(f"{ws.title}: its title is on no page")
            break
        text = squeeze(" ".join(w[4] for w in printed[page]))
        missing = sorted({w for w in words if w not in text})
        if missing:
            problems.append(
                f"{ws.title}: not on its first page (cut, or wider than the page): {missing[:8]}"
            )
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    families = {
        line.split()[0].split("+")[-1].split("-")[0]
        for line in fonts.splitlines()[2:]
        if line.strip()
    }
    # DejaVu Serif draws the letters ơ and ư that this machine's Liberation Serif lacks.
    serif = {"LiberationSerif", "TimesNewRomanPSMT", "TimesNewRoman", "Times", "DejaVuSerif"}
    if not families <= serif:
        problems.append(f"fonts other than Times New Roman: {sorted(families - serif)}")
    return problems
