"""The sheets of the report workbook, one function per form, each laid out for printing.

Every official form (DESIGN §7): the header block, a bold upper-case title, a merged header,
a row that numbers the columns and states their formulas, then the body with TT as text
("1", "1.1" …), the unit and its parents in bold, then the notes that explain any blank cell,
the place-and-date line and the signature block. Every figure comes from
`transforms.reports`; a missing figure is a blank cell, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from giamngheo.transforms.columns import INDICATORS
from giamngheo.transforms.reports import PLAN_FIGURES, SUMMARY_COLUMNS, Difference
from giamngheo.workbooks.layout import (
    DIFFERENT,
    OPEN_ABOVE,
    OPEN_BELOW,
    Form,
    fit_width,
    missing,
)


@dataclass(frozen=True)
class Header:
    """A header cell: rows and columns it spans (1-based within the header), and its text."""

    row: int
    col: int
    text: str
    rows: int = 1
    cols: int = 1


@dataclass(frozen=True)
class Heading:
    """What every sheet meant for sending carries: who reports, where, when."""

    authority: str  # "Ủy ban nhân dân"
    unit_name: str  # "Huyện Phong Điền"
    place: str  # "Phong Điền"
    date_text: str  # "ngày 29 tháng 11 năm 2026"


def _table(
    form: Form,
    headers: list[Header],
    numbering: list[str],
    table: pd.DataFrame,
    columns: list[str],
    texts: set[str],
    rates: frozenset[str] = frozenset(),
    extra: dict[str, list] | None = None,
) -> tuple[int, int]:
    """The merged header, the numbering row and the body (`texts` are the text columns, the
    others numbers; `extra` columns beside the table's); returns the first and last rows of the
    header (repeated on every page)."""
    top = form.row
    depth = max(h.row + h.rows - 1 for h in headers)
    for h in headers:
        form.put(top + h.row - 1, h.col, h.text, "gn_head", rows=h.rows, cols=h.cols)
    numbers = top + depth
    for c, label in enumerate(numbering, start=1):
        form.put(numbers, c, label, "gn_numbering")
    body = numbers + 1
    flags = [table[f].tolist() for f in ("bold", "is_total") if f in table]
    bold = [any(f[i] for f in flags) for i in range(len(table))]
    for c, name in enumerate(columns, start=1):
        if extra and name in extra:
            values = extra[name]
        else:
            values = table[name].tolist() if name in table else [None] * len(table)
        for r, (value, strong) in enumerate(zip(values, bold, strict=True), start=body):
            if name in texts:
                text = "" if missing(value) else str(value)
                form.put(r, c, text, "gn_cell_bold" if strong else "gn_cell")
            else:
                kind = "gn_rate" if name in rates else "gn_count"
                form.put(r, c, value, kind + ("_bold" if strong else ""))
    form.row = body + len(table) + 1
    return top, numbers


def _widths(
    table: pd.DataFrame, labels: list[float], numbers: int, number_width: float
) -> list[float]:
    names = [str(n) for n in table.get("unit_name", pd.Series(dtype=str)).dropna()]
    name_width = fit_width(names, 18, 36)
    return [labels[0], name_width, *labels[1:], *([number_width] * numbers)]


def _finish(
    form: Form,
    heading: Heading,
    header: tuple[int, int],
    freeze_col: int | None,
    repeat: bool = True,
) -> None:
    """The place-and-date line and signatures, row heights, print setup (the header rows
    repeated on every page when `repeat`; the rows above the body and the columns left of
    `freeze_col` kept in view), and the signatures kept on one page."""
    form.date_and_signatures(heading.place, heading.date_text)
    form.fit_rows()
    form.print_setup(
        header if repeat else None, (header[1] + 1, freeze_col) if freeze_col else None
    )
    form.keep_together(form._signatures, form.row - 1)


def summary_sheet(
    heading: Heading,
    year: int,
    table: pd.DataFrame,
    child_label: str,
    notes: tuple[str, ...] = (),
) -> Form:
    """Tổng hợp kết quả rà soát hộ nghèo, hộ cận nghèo, hộ có mức sống trung bình; `notes`
    say on which units the figures stand and what they leave out."""
    form = Form(_widths(table, [6], 14, 9.5))
    form.header_block(
        heading.authority,
        heading.unit_name,
        f"Tổng hợp kết quả rà soát hộ nghèo, hộ cận nghèo, hộ có mức sống trung bình năm {year}",
    )
    headers = [
        Header(1, 1, "TT", rows=3),
        Header(1, 2, child_label, rows=3),
        Header(1, 3, "Tổng số hộ dân cư", rows=2, cols=2),
        Header(3, 3, "Số hộ"),
        Header(3, 4, "Nhân khẩu"),
        Header(1, 5, "Kết quả rà soát về hộ", cols=6),
        Header(1, 11, "Kết quả rà soát về khẩu", cols=6),
    ]
    for base, unit in ((5, "Số hộ"), (11, "Số khẩu")):
        for g, label in enumerate(("Hộ nghèo", "Hộ cận nghèo", "Hộ có mức sống trung bình")):
            c = base + 2 * g
            headers += [
                Header(2, c, label, cols=2),
                Header(3, c, unit),
                Header(3, c + 1, "Tỷ lệ (%)"),
            ]
    numbering = [
        "A",
        "B",
        "1",
        "2",
        "3",
        "4=3/1*100",
        "5",
        "6=5/1*100",
        "7",
        "8=7/1*100",
        "9",
        "10=9/2*100",
        "11",
        "12=11/2*100",
        "13",
        "14=13/2*100",
    ]
    header = _table(
        form,
        headers,
        numbering,
        table,
        ["tt", "unit_name", *SUMMARY_COLUMNS],
        {"tt", "unit_name"},
        rates=frozenset(c for c in SUMMARY_COLUMNS if c.endswith("_pct")),
    )
    short = table[(table["listed"] < table["expected"]) & ~table["bold"]]
    if len(short):
        listed = "; ".join(
            f"{r.unit_name} ({r.listed}/{r.expected} thôn)" for r in short.itertuples()
        )
        form.note(
            f"Chưa đủ danh sách: {listed}. Số liệu của các dòng này và của các dòng tổng chỉ gồm "
            "các thôn đã có danh sách được nạp; dòng để trống là chưa có danh sách nào."
        )
    for text in notes:
        form.note(text)
    _finish(form, heading, header, 3)
    return form


def plan_sheet(
    heading: Heading,
    commune_name: str,
    year: int,
    table: pd.DataFrame,
    differences: list[Difference],
    goal_line: str,
) -> Form:
    """One commune in the layout of its plan: Stt · Đơn vị · Hộ nghèo năm Y · Chỉ tiêu giảm
    nghèo năm Y, and, when its own plan table was loaded, what the plan wrote, each figure that
    differs highlighted with a note giving both."""
    has_plan = table[[f"plan_{k}" for k in PLAN_FIGURES]].notna().any().any()
    numbers = 8 if has_plan else 4
    form = Form(
        [6, fit_width(table["unit_name"].astype(str).tolist(), 16, 30)] + [9] * numbers + [36]
    )
    form.header_block(
        heading.authority,
        heading.unit_name,
        f"Hộ nghèo và chỉ tiêu giảm nghèo năm {year}",
        commune_name,
    )
    note_col = 3 + numbers
    headers = [
        Header(1, 1, "Stt", rows=2),
        Header(1, 2, "Đơn vị", rows=2),
        Header(1, 3, f"Hộ nghèo năm {year}", cols=2),
        Header(1, 5, f"Chỉ tiêu giảm nghèo năm {year}", cols=2),
        Header(2, 3, "Hộ"),
        Header(2, 4, "Tỷ lệ %"),
        Header(2, 5, "Hộ"),
        Header(2, 6, "Tỷ lệ %"),
        Header(1, note_col, "Ghi chú", rows=2),
    ]
    numbering = ["A", "B", "1", "2=1/tổng số hộ*100", "3", "4=3/tổng số hộ*100"]
    columns = ["stt", "unit_name", *PLAN_FIGURES]
    if has_plan:
        headers += [
            Header(1, 7, "Kế hoạch của xã ghi", cols=4),
            Header(2, 7, "Hộ nghèo"),
            Header(2, 8, "Tỷ lệ %"),
            Header(2, 9, "Chỉ tiêu"),
            Header(2, 10, "Tỷ lệ %"),
        ]
        numbering += ["5", "6", "7", "8"]
        columns += [f"plan_{k}" for k in PLAN_FIGURES]
    numbering.append("")
    header = _table(
        form,
        headers,
        numbering,
        table,
        [*columns, "note"],
        {"stt", "unit_name", "note"},
        rates=frozenset(c for c in columns if c.endswith("_pct")),
        extra={"note": _plan_notes(table, differences)},
    )
    body = header[1] + 1
    for d in differences:
        column = 7 + PLAN_FIGURES.index(d.column)
        form.mark(body + d.row, column, DIFFERENT, d.explanation)
    if goal_line:
        form.line(goal_line, "gn_note")
    if differences:
        form.note("Ô tô vàng: số kế hoạch của xã ghi khác với số tính lại từ danh sách hộ.")
    _finish(form, heading, header, 3)
    return form


def _plan_notes(table: pd.DataFrame, differences: list[Difference]) -> list[str]:
    notes = [
        "" if submitted or total else "Chưa có danh sách"
        for submitted, total in zip(table["submitted"], table["is_total"], strict=True)
    ]
    for d in differences:
        notes[d.row] = (notes[d.row] + "; " if notes[d.row] else "") + d.explanation
    return notes


def dynamics_sheet(
    heading: Heading,
    year: int,
    status: str,
    table: pd.DataFrame,
    child_label: str,
    notes: list[str],
) -> Form:
    """Tổng hợp diễn biến hộ nghèo / hộ cận nghèo (two rows per unit: Hộ, Nhân khẩu)."""
    who = "hộ nghèo" if status == "poor" else "hộ cận nghèo"
    widths = _widths(table, [6, 11], 9, 10)
    widths[6] = widths[10] = 15  # "Giảm khác …", "Tăng khác …": long headers
    form = Form(widths)
    form.header_block(heading.authority, heading.unit_name, f"Tổng hợp diễn biến {who} năm {year}")
    blank = table[[f"c{i}" for i in range(1, 10)]].isna().all().all()
    if blank:  # nothing measured: say so above the empty table, not under it
        for text in notes:
            form.note(text)
        form.row += 1
        notes = []
    if status == "poor":
        decrease = [
            Header(2, 5, "Thoát nghèo", cols=2),
            Header(3, 5, "Trở thành hộ cận nghèo"),
            Header(3, 6, "Vượt chuẩn cận nghèo"),
        ]
        increase = [
            Header(2, 8, "Hộ cận nghèo trở thành hộ nghèo", rows=2),
            Header(2, 9, "Số hộ bổ sung", cols=2),
            Header(3, 9, "Tái nghèo"),
            Header(3, 10, "Phát sinh mới"),
        ]
    else:
        decrease = [
            Header(2, 5, "Số hộ thoát cận nghèo", rows=2),
            Header(2, 6, "Số hộ cận nghèo trở thành hộ nghèo", rows=2),
        ]
        increase = [
            Header(2, 8, "Số hộ nghèo trở thành hộ cận nghèo", rows=2),
            Header(2, 9, "Số hộ bổ sung", cols=2),
            Header(3, 9, "Tái cận nghèo"),
            Header(3, 10, "Phát sinh mới"),
        ]
    headers = [
        Header(1, 1, "TT", rows=3),
        Header(1, 2, child_label, rows=3),
        Header(1, 3, "Phân tổ", rows=3),
        Header(1, 4, f"Tổng số {who} đầu kỳ", rows=3),
        Header(1, 5, "Diễn biến giảm", cols=3),
        *decrease,
        Header(
            2,
            7,
            "Giảm khác: thay đổi nhân khẩu, chết, chuyển đi, tách hộ, không còn trong danh sách",
            rows=2,
        ),
        Header(1, 8, f"Diễn biến tăng số {who}", cols=4),
        *increase,
        Header(2, 11, "Tăng khác: chuyển đến, tách hộ, thay đổi nhân khẩu", rows=2),
        Header(1, 12, f"Tổng số {who} cuối kỳ", rows=3),
    ]
    numbering = ["A", "B", "C", "1", "2", "3", "4", "5", "6", "7", "8", "9=1-2-3-4+5+6+7+8"]
    first = table["measure"] == "Hộ"
    shown = table.assign(
        tt=table["tt"].where(first, ""), unit_name=table["unit_name"].where(first, "")
    )
    header = _table(
        form,
        headers,
        numbering,
        shown,
        ["tt", "unit_name", "measure", *[f"c{i}" for i in range(1, 10)]],
        {"tt", "unit_name", "measure"},
    )
    # A unit's two rows share one frame around its number and name, without merging them: a
    # page break between the two rows then leaves the name whole, on the first.
    first_body = header[1] + 1
    for r in range(first_body, first_body + len(table), 2):
        for c in (1, 2):
            form.frame(r, c, OPEN_BELOW)
            form.frame(r + 1, c, OPEN_ABOVE)
    for text in notes:
        form.note(text)
    _finish(form, heading, header, 4)
    return form


def deprivation_sheet(
    heading: Heading,
    year: int,
    status: str,
    table: pd.DataFrame,
    child_label: str,
    percent: bool,
) -> Form:
    """Phân tích các chỉ số thiếu hụt của hộ nghèo / hộ cận nghèo (counts, or % of the
    status's households)."""
    who = "hộ nghèo" if status == "poor" else "hộ cận nghèo"
    suffix = "_pct" if percent else ""
    form = Form(_widths(table, [6, 9, 10], 12, 8.5))
    form.header_block(
        heading.authority,
        heading.unit_name,
        f"Phân tích các chỉ số thiếu hụt dịch vụ xã hội cơ bản của {who} năm {year}"
        + (" (tỷ lệ %)" if percent else ""),
    )
    headers = [
        Header(1, 1, "TT", rows=2),
        Header(1, 2, child_label, rows=2),
        Header(1, 3, f"Tổng số {who}", rows=2),
        Header(1, 4, "Tổng số thiếu hụt", rows=2),
        Header(
            1,
            5,
            f"Các chỉ số thiếu hụt của {who}" + (" (% số hộ)" if percent else " (số hộ)"),
            cols=12,
        ),
        *[Header(2, 4 + i, f"{i}. {name}") for i, name in enumerate(INDICATORS, start=1)],
    ]
    numbering = ["A", "B", "1", "2", *[str(i + 2) for i in range(1, 13)]]
    columns = [
        "tt",
        "unit_name",
        "households",
        "deprivations",
        *[f"d{i:02d}{suffix}" for i in range(1, 13)],
    ]
    header = _table(
        form,
        headers,
        numbering,
        table,
        columns,
        {"tt", "unit_name"},
        rates=frozenset(c for c in columns if c.endswith("_pct")),
    )
    _finish(form, heading, header, 3)
    return form


def targets_sheet(heading: Heading, year: int, table: pd.DataFrame, child_label: str) -> Form:
    """Chỉ tiêu giảm nghèo năm Y và kết quả thực hiện."""
    form = Form(_widths(table, [6], 4, 12) + [24])
    form.header_block(
        heading.authority,
        heading.unit_name,
        f"Chỉ tiêu giảm nghèo năm {year} và kết quả thực hiện",
    )
    headers = [
        Header(1, 1, "TT"),
        Header(1, 2, child_label),
        Header(1, 3, f"Hộ nghèo đầu năm {year}"),
        Header(1, 4, "Chỉ tiêu giảm (hộ)"),
        Header(1, 5, "Tỷ lệ chỉ tiêu (%)"),
        Header(1, 6, "Thoát nghèo thực tế (hộ)"),
        Header(1, 7, "Kết quả"),
    ]
    numbering = ["A", "B", "1", "2", "3=2/tổng số hộ*100", "4", "5"]
    header = _table(
        form,
        headers,
        numbering,
        table,
        [
            "tt",
            "unit_name",
            "poor_households",
            "target_households",
            "target_rate_pct",
            "actual_exits",
            "verdict",
        ],
        {"tt", "unit_name", "verdict"},
        rates=frozenset({"target_rate_pct"}),
    )
    form.note(
        f"Thoát nghèo thực tế: hộ nghèo năm {year} có trong danh sách năm {year + 1} với phân loại "
        "cận nghèo, có mức sống trung bình hoặc không nghèo (cột 2 + 3 của diễn biến năm "
        f"{year + 1}). Hộ không còn trong danh sách năm sau không được tính là thoát nghèo. Để "
        f"trống khi chưa có danh sách năm {year + 1} của mọi thôn; kết quả của dòng tổng chỉ có "
        "khi mọi đơn vị đã có kết quả."
    )
    _finish(form, heading, header, 3)
    return form


def quality_sheet(
    heading: Heading,
    year: int,
    completeness: pd.DataFrame,
    findings: pd.DataFrame,
    gaps: list[str],
    dropped: pd.DataFrame,
) -> Form:
    """Chất lượng dữ liệu: villages expected and submitted, every finding in words, the lists
    missing for the movements, and the households that left a list without a reason."""
    form = Form([6, 26, 16, 9, 9, 9, 9, 11, 40])
    form.header_block(heading.authority, heading.unit_name, f"Chất lượng dữ liệu năm {year}")
    headers = [
        Header(1, 1, "TT"),
        Header(1, 2, "Đơn vị"),
        Header(1, 3, "Số thôn theo danh mục"),
        Header(1, 4, "Đã nộp"),
        Header(1, 5, "Bị từ chối"),
        Header(1, 6, "Chưa nộp"),
        Header(1, 7, "Tỷ lệ nộp (%)"),
        Header(1, 8, "Cảnh báo"),
        Header(1, 9, "Ghi chú"),
    ]
    numbering = ["A", "B", "1", "2", "3", "4", "5=2/1*100", "6", ""]
    header = _table(
        form,
        headers,
        numbering,
        completeness,
        [
            "tt",
            "unit_name",
            "villages_expected",
            "villages_submitted",
            "villages_rejected_only",
            "villages_missing",
            "reporting_rate_pct",
            "warnings",
            "note",
        ],
        {"tt", "unit_name", "note"},
        rates=frozenset({"reporting_rate_pct"}),
    )
    _section(
        form,
        "Các phát hiện khi kiểm tra danh sách",
        ["Đơn vị", "Tệp", "Ô", "Mức độ", "Nội dung"],
        [2, 3, 5, 6, 7],
        findings,
        ["unit", "file", "cell", "level", "message"],
        "Không có phát hiện nào.",
    )
    if gaps:
        form.line("Danh sách còn thiếu để tính diễn biến", "gn_sign")
        for text in gaps:
            form.note(text)
        form.row += 1
    _section(
        form,
        f"Hộ nghèo năm {year - 1} không còn trong danh sách năm {year} (tính vào cột 4 'giảm khác' "
        "của diễn biến, không tính là thoát nghèo)",
        ["Thôn", "Mã hộ", "Lý do"],
        [2, 3, 5],
        dropped,
        ["village", "household_code", "reason"],
        "Không có hộ nào.",
    )
    _finish(form, heading, header, None, repeat=False)  # its tables have headers of their own
    return form


def _section(
    form: Form,
    title: str,
    labels: list[str],
    cols: list[int],
    frame: pd.DataFrame,
    fields: list[str],
    empty: str,
) -> None:
    form.line(title, "gn_sign")
    if frame.empty:
        form.note(empty)
        form.row += 1
        return
    spans = [
        (c, (cols[i + 1] if i + 1 < len(cols) else form.width + 1) - c) for i, c in enumerate(cols)
    ]
    for (c, span), label in zip(spans, labels, strict=True):
        form.put(form.row, c, label, "gn_head", cols=span)
    form.row += 1
    for record in frame.to_dict("records"):
        for (c, span), name in zip(spans, fields, strict=True):
            value = record.get(name)
            form.put(
                form.row,
                c,
                "" if value is None or value is pd.NA else str(value),
                "gn_cell",
                cols=span,
            )
        form.row += 1
    form.row += 1


def sources_sheet(heading: Heading, year: int, sources: pd.DataFrame) -> Form:
    """Nguồn: every file behind the figures, with its status and fingerprint."""
    form = Form([6, 34, 13, 11, 9, 13, 8, 17, 20])
    form.header_block(heading.authority, heading.unit_name, f"Nguồn số liệu năm {year}")
    headers = [
        Header(1, 1, "TT"),
        Header(1, 2, "Tệp"),
        Header(1, 3, "Loại"),
        Header(1, 4, "Mã thôn"),
        Header(1, 5, "Mã xã"),
        Header(1, 6, "Trạng thái"),
        Header(1, 7, "Số hộ"),
        Header(1, 8, "Thời điểm xử lý"),
        Header(1, 9, "Mã SHA-256 của tệp (16 ký tự đầu)"),
    ]
    numbering = [str(i) for i in range(1, 10)]
    shown = sources.assign(
        tt=[str(i) for i in range(1, len(sources) + 1)],
        sha256=sources["sha256"].str[:16],  # enough to tell files apart; the CSV has all 64
    )
    header = _table(
        form,
        headers,
        numbering,
        shown,
        [
            "tt",
            "file_path",
            "kind",
            "village_code",
            "commune_code",
            "status",
            "household_count",
            "processed",
            "sha256",
        ],
        {
            "tt",
            "file_path",
            "kind",
            "village_code",
            "commune_code",
            "status",
            "processed",
            "sha256",
        },
    )
    _finish(form, heading, header, 3)
    return form
