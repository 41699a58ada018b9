"""The canonical village workbook: what `giamngheo template` hands to villages.

Three sheets: "Hướng dẫn" (how to fill it in), "Thông tin chung" (label in A, value in B) and
"Danh sách hộ" (one header row, one row per surveyed household). Drop-downs for Khu vực,
Phân loại and the indicator marks; a wrong class or a count out of range is stopped, a wrong
mark warned about; the total households must be a whole number not below the rows listed.
Labels and headers are locked (sheet protection without a password), the cells to fill are
not. It prints on A4 landscape, one page wide, the header on every page.
"""

from __future__ import annotations

from collections.abc import Mapping
from copy import copy
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

from giamngheo.transforms.columns import (
    AREAS,
    CLASS_LABELS,
    DEPRIVATIONS,
    METADATA_FIELDS,
    deprivation_codes,
)
from giamngheo.transforms.fields import MARK_CHECK, Check, Field, template_order
from giamngheo.transforms.rules import RULES
from giamngheo.transforms.standards import Catalog, Standard, shipped
from giamngheo.transforms.vietnamese import vi_int
from giamngheo.workbooks.cells import write_text, write_value
from giamngheo.workbooks.grid import column_letter
from giamngheo.workbooks.layout import (
    FONT,
    SIZE,
    column_points,
    fit_width,
    line_points,
    print_setup,
    wrapped_lines,
)

GUIDE_SHEET = "Hướng dẫn"
INFO_SHEET = "Thông tin chung"
LIST_SHEET = "Danh sách hộ"
TEMPLATE_ROWS = 400  # rows open for typing (and carrying the drop-downs) in a template
_MARK_WIDTH = 7.5
_GUIDE_WIDTH = 96  # one column as wide as an A4 portrait page


def list_columns(standard: Standard) -> list[tuple[str, str, Field | None]]:
    """The columns of the household sheet for a list under `standard`: (name, header, field)
    for each field and, in their place, each indicator of its set (code, "9. Nguồn nước sinh
    hoạt", None)."""
    before, after = template_order()
    indicators = [(i.code, f"{i.number}. {i.name}", None) for i in standard.indicators]
    return [
        *((f.name, f.header, f) for f in before),
        *indicators,
        *((f.name, f.header, f) for f in after),
    ]


def write_village_workbook(
    path: Path,
    metadata: Mapping[str, object],
    households: pd.DataFrame | None = None,
    catalog: Catalog | None = None,
) -> Path:
    """Write a village workbook: metadata filled in, and the households if given (a sample,
    or last year's list to update), with the indicator columns of the national standard of its
    year (`catalog`, by default the standards shipped).

    `metadata` uses the keys of `METADATA_FIELDS` (area as rural | urban); `households` uses
    the fields' columns and `deprivations` (the codes of the indicators a household is deprived
    in), with `claimed_class` as a class code and marks as booleans. Rows without an STT are
    numbered; a `year` column older than the workbook's year says the rows are an earlier list
    to update, and the instructions say so: under another standard than the earlier list's,
    its classes are left blank, to be decided under the new one.
    """
    catalog = catalog or shipped()
    year = metadata.get("year")
    standard = catalog.national(year) or catalog.sets[-1]
    if households is not None and "seq" not in households:
        households = households.assign(seq=range(1, len(households) + 1))
    earlier = None
    if households is not None and "year" in households and len(households):
        earlier = int(households["year"].max())
        before = catalog.national(earlier)
        if earlier != year and (before is None or before.id != standard.id):
            households = households.assign(claimed_class=None)
    wb = Workbook()
    _styles(wb)
    guide = wb.active
    guide.title = GUIDE_SHEET
    _write_guide(guide, earlier if earlier != year else None, standard, year)
    _write_info(wb.create_sheet(INFO_SHEET), metadata)
    _write_list(wb.create_sheet(LIST_SHEET), households, list_columns(standard))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _styles(wb: Workbook) -> None:
    """Named styles: cells to fill are unlocked, everything else stays locked."""
    wb._fonts[0] = Font(name=FONT, size=SIZE)  # openpyxl has no public setter
    wb._named_styles["Normal"].font = Font(name=FONT, size=SIZE)
    specs = {
        "tpl_label": (True, False, None),
        "tpl_head": (True, False, PatternFill("solid", fgColor="DDEBF7")),
        "tpl_input": (False, True, None),
        "tpl_mark": (False, True, None),
        "tpl_guide": (False, False, None),
        "tpl_guide_title": (True, False, None),
    }
    for name, (bold, unlocked, fill) in specs.items():
        style = NamedStyle(name=name)
        style.font = Font(name=FONT, size=13 if name == "tpl_guide_title" else SIZE, bold=bold)
        style.alignment = Alignment(
            wrap_text=True,
            vertical="center" if name != "tpl_guide" else "top",
            horizontal="center" if name in ("tpl_head", "tpl_mark") else "left",
        )
        style.protection = Protection(locked=not unlocked)
        if fill is not None:
            style.fill = fill
            side = Side(style="thin")
            style.border = Border(left=side, right=side, top=side, bottom=side)
        wb.add_named_style(style)


def _protect(ws) -> None:
    """Sheet protection without a password: labels and headers cannot be changed by mistake;
    rows can still be inserted, deleted, sorted and filtered."""
    ws.protection.sheet = True
    for action in ("insertRows", "deleteRows", "formatRows", "formatColumns", "sort", "autoFilter"):
        setattr(ws.protection, action, False)


def _guide(standard: Standard, year: object) -> list[str]:
    """The instructions of a list under `standard`: its lines, threshold and indicators."""
    lines = standard.lines
    rural, urban = lines["rural"], lines["urban"]
    provisional = (
        f" (tạm theo thông tin công bố: {standard.provisional_note})"
        if standard.provisional
        else ""
    )
    average = (
        f" Hộ có mức sống trung bình: thu nhập trên chuẩn nghèo đến {_vnd(rural.average_upper)} "
        f"(nông thôn), {_vnd(urban.average_upper)} (thành thị)."
        if rural.average_upper and urban.average_upper
        else " Chuẩn hộ có mức sống trung bình của giai đoạn này chưa được công bố."
    )
    review = int(year) - 1 if isinstance(year, int) else "…"
    return [
        "HƯỚNG DẪN ĐIỀN DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO, HỘ CÓ MỨC SỐNG TRUNG BÌNH",
        f"Danh sách năm {year} (rà soát cuối năm {review}) theo "
        f"{standard.name.lower()}, {standard.legal_basis}{provisional}: hộ nghèo là hộ có thu "
        f"nhập bình quân từ {_vnd(rural.poverty)} đồng/người/tháng trở xuống ở nông thôn, "
        f"từ {_vnd(urban.poverty)} đồng trở xuống ở thành thị (đô thị), và thiếu hụt từ "
        f"{standard.min_deprivations_poor} chỉ số trở lên; hộ cận nghèo có thu nhập như vậy "
        f"nhưng thiếu hụt dưới {standard.min_deprivations_poor} chỉ số.{average}",
        "1. Sheet 'Thông tin chung': kiểm tra mã và tên thôn, xã đã ghi sẵn; điền Tổng số hộ "
        "dân cư của thôn (mọi hộ trong thôn, không chỉ các hộ trong danh sách), Tổng số nhân "
        "khẩu, Người lập biểu và Ngày lập. Khu vực chọn 'Nông thôn' hoặc 'Thành thị'.",
        "2. Sheet 'Danh sách hộ': mỗi hộ được rà soát một dòng, gồm hộ nghèo, hộ cận nghèo, hộ "
        "có mức sống trung bình, và hộ vừa thoát nghèo (ghi phân loại 'Không nghèo'). Hộ không "
        "có tên trong danh sách được tính là hộ không nghèo.",
        "3. Mã hộ: giữ nguyên mã hộ của năm trước cho cùng một hộ (để theo dõi hộ thoát nghèo, "
        "tái nghèo); hộ mới được cấp mã mới, không dùng lại mã của hộ khác.",
        "4. Thu nhập bình quân: ghi số nghìn đồng mỗi người mỗi tháng (ví dụ 1.200 là 1.200.000 "
        "đồng).",
        "5. Các chỉ số thiếu hụt: ghi 'x' vào ô của chỉ số hộ bị thiếu hụt, để trống nếu không. "
        "Các chỉ số: " + "; ".join(f"{i.number}. {i.name}" for i in standard.indicators) + ".",
        "6. Phân loại: chọn Nghèo, Cận nghèo, Mức sống trung bình hoặc Không nghèo theo chuẩn "
        "nghèo đa chiều; phân loại phải khớp với thu nhập và số chỉ số thiếu hụt.",
        "7. Hộ thoát nghèo trong năm: giữ dòng của hộ và ghi phân loại mới (Cận nghèo, Mức sống "
        "trung bình hoặc Không nghèo). Hộ bỏ khỏi danh sách mà không ghi lý do không được tính là "
        "thoát nghèo; nếu hộ chuyển đi, chết hoặc tách hộ, ghi rõ ở cột Ghi chú.",
        "8. Không sửa dòng tiêu đề và các nhãn (đã khóa); có thể chèn, xóa, sắp xếp dòng. Không "
        "đặt mật khẩu cho tệp. Lưu tệp dạng Excel (.xlsx) và gửi cho cán bộ chính sách xã hội "
        "của xã.",
    ]


def _vnd(amount: float | None) -> str:
    return vi_int(round(amount)) if amount else "?"


def _write_guide(ws, earlier: int | None, standard: Standard, year: object) -> None:
    paragraphs = _guide(standard, year)
    if earlier is not None:
        paragraphs.insert(
            2,
            f"Danh sách hộ đã ghi sẵn các hộ trong danh sách năm {earlier} của thôn: rà soát "
            "lại từng hộ và sửa những gì đã thay đổi (thu nhập, chỉ số thiếu hụt, phân loại), "
            "thêm hộ mới, giữ nguyên mã hộ cũ.",
        )
    ws.column_dimensions["A"].width = _GUIDE_WIDTH
    for r, text in enumerate(paragraphs, start=1):
        style = "tpl_guide_title" if r == 1 else "tpl_guide"
        write_text(ws, r, 1, text).style = style
        size = 13 if r == 1 else SIZE
        lines = wrapped_lines(text, column_points(_GUIDE_WIDTH), size, bold=r == 1)
        ws.row_dimensions[r].height = lines * line_points(size) + 6
    print_setup(ws, None, None)
    ws.page_setup.orientation = "portrait"
    _protect(ws)


def _write_info(ws, metadata: Mapping[str, object]) -> None:
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 32
    rows = {}
    for r, (name, label) in enumerate(METADATA_FIELDS.items(), start=1):
        rows[name] = r
        write_text(ws, r, 1, label).style = "tpl_label"
        value = metadata.get(name)
        if name == "area" and value in AREAS:
            value = AREAS[value]
        if name.endswith("_code") or name in ("commune_name", "village_name", "prepared_by"):
            cell = write_text(ws, r, 2, value)
        else:
            cell = write_value(ws, r, 2, value)
        cell.style = "tpl_input"
        ws.row_dimensions[r].height = line_points() + 6
    area = DataValidation(
        type="list",
        formula1=f'"{",".join(AREAS.values())}"',
        allow_blank=False,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="Khu vực",
        error="Chọn 'Nông thôn' hoặc 'Thành thị'.",
    )
    household_codes = f"'{LIST_SHEET}'!$B$2:$B${TEMPLATE_ROWS + 1000}"
    total = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1=f"MAX(1,COUNTA({household_codes}))",
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="Tổng số hộ dân cư",
        error="Ghi một số nguyên, không ít hơn số hộ trong sheet 'Danh sách hộ'.",
    )
    persons = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="1",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        error="Ghi một số nguyên dương.",
    )
    for dv, field in ((area, "area"), (total, "total_households"), (persons, "total_persons")):
        ws.add_data_validation(dv)
        dv.add(f"B{rows[field]}")
    print_setup(ws, None, None)
    ws.page_setup.orientation = "portrait"
    _protect(ws)


def _write_list(
    ws, households: pd.DataFrame | None, columns: list[tuple[str, str, Field | None]]
) -> None:
    # Wide enough for each header's longest word: a word never breaks over two lines.
    widths = [
        fit_width(header.split(), declared.width if declared else _MARK_WIDTH, 40)
        for _, header, declared in columns
    ]
    names = [name for name, _, _ in columns]
    # a class label on one line
    at = names.index("claimed_class")
    widths[at] = max(widths[at], fit_width(list(CLASS_LABELS.values()), 0, 40, bold=False))
    lines = 1
    for c, (_, header, _) in enumerate(columns, start=1):
        write_text(ws, 1, c, header).style = "tpl_head"
        ws.column_dimensions[column_letter(c - 1)].width = widths[c - 1]
        room = column_points(widths[c - 1])
        lines = max(lines, wrapped_lines(header, room, SIZE, bold=True))
    ws.row_dimensions[1].height = lines * line_points() + 6
    ws.freeze_panes = "D2"
    n = 0 if households is None else len(households)
    if households is not None:
        _write_rows(ws, households, columns, widths)
    last = max(n + 1, TEMPLATE_ROWS)
    centred = {
        c
        for c, (_, _, declared) in enumerate(columns)
        if declared is None or declared.parse in ("seq", "whole", "mark")
    }
    # As `cell.style = name` does, with the name looked up once, not for each of 8,800 cells.
    named = ws.parent._named_styles
    mark, blank = named["tpl_mark"].as_tuple(), named["tpl_input"].as_tuple()
    styles = [mark if c in centred else blank for c in range(len(columns))]
    for row in ws.iter_rows(min_row=2, max_row=last, max_col=len(columns)):
        for cell, style in zip(row, styles, strict=True):
            cell._style = copy(style)
    _validations(ws, last, columns)
    print_setup(ws, "1:1", "D2")
    _protect(ws)


def _validations(ws, last: int, columns: list[tuple[str, str, Field | None]]) -> None:
    """Each column's typing check, as its field declares it (an indicator's: its marks)."""
    by_check: dict[Check, list[str]] = {}
    for c, (_, _, declared) in enumerate(columns):
        check = MARK_CHECK if declared is None or declared.parse == "mark" else declared.check
        if check is not None:
            letter = column_letter(c)
            by_check.setdefault(check, []).append(f"{letter}2:{letter}{last}")
    for check, ranges in by_check.items():
        dv = _rule(check)
        ws.add_data_validation(dv)
        for cells in ranges:
            dv.add(cells)


def _rule(check: Check) -> DataValidation:
    """A drop-down or range check whose alert (`style`: stop or warning) is always shown; a
    range's bounds and message are its rule's (`transforms/rules.py`)."""
    if check is MARK_CHECK:
        condition = {"type": "list", "formula1": '"x"'}
        message = "Ghi 'x' nếu hộ thiếu hụt, để trống nếu không."
    elif check.kind == "list":
        labels = ",".join(CLASS_LABELS.values())
        condition = {"type": "list", "formula1": f'"{labels}"'}
        message = "Chọn Nghèo, Cận nghèo, Mức sống trung bình hoặc Không nghèo."
    else:
        rule = RULES[check.rule]
        low, high = rule.params["min"], rule.params["max"]
        condition = {
            "type": check.kind,
            "operator": "between",
            "formula1": str(low),
            "formula2": str(high),
        }
        fix = rule.fix_vi.format(min=vi_int(low), max=vi_int(high))
        message = fix if "{min}" in rule.fix_vi else f"{fix} Từ {vi_int(low)} đến {vi_int(high)}."
    return DataValidation(
        **condition,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle=check.alert,
        errorTitle=check.title,
        error=message,
    )


def _write_rows(
    ws, households: pd.DataFrame, columns: list[tuple[str, str, Field | None]], widths: list[float]
) -> None:
    """Marks as "x", classes as their labels, codes and names as text, numbers as numbers;
    each row as high as its longest wrapped text.

    A value of another kind than its column expects is written as it is, so a workbook can
    carry exactly what an officer typed (tests build broken workbooks this way).
    """
    fields = [name for name, _, declared in columns if declared is not None]
    records = households.reindex(columns=[*fields, DEPRIVATIONS]).to_dict("records")
    for r, rec in enumerate(records, start=2):
        deprived = set(deprivation_codes(rec[DEPRIVATIONS]))
        texts = [
            (rec[name], w)
            for (name, _, declared), w in zip(columns, widths, strict=True)
            if declared is not None and isinstance(rec[name], str)
        ]
        lines = max((wrapped_lines(v, column_points(w)) for v, w in texts), default=1)
        if lines > 1:
            ws.row_dimensions[r].height = lines * line_points() + 4
        for c, (name, _, declared) in enumerate(columns, start=1):
            if declared is None:  # an indicator of the list's standard
                if name in deprived:
                    write_text(ws, r, c, "x")
                continue
            value = rec[name]
            if declared.parse == "mark" and isinstance(value, bool | np.bool_):
                if value:
                    write_text(ws, r, c, "x")
            elif name == "claimed_class" and value in CLASS_LABELS:
                write_text(ws, r, c, CLASS_LABELS[value])
            elif declared.parse in ("text", "code") and isinstance(value, str):
                write_text(ws, r, c, value)
            else:
                write_value(ws, r, c, value)


def write_plan_workbook(
    path: Path, commune_name: str, year: int, rows: list[dict], total: dict, goal: str = "1%"
) -> Path:
    """A commune plan table in the seed's layout: title block with the goal sentence
    ("phấn đấu cuối năm giảm còn dưới 1% hộ nghèo"), two-row header, Tổng cộng row.

    `rows` hold unit_name, poor_households, poor_rate_pct, target_households, target_rate_pct
    (None leaves a cell empty); `total` the same figures for the Tổng cộng row.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = f"Kế hoạch {year}"
    write_text(ws, 1, 1, f"UBND {commune_name.upper()}").font = Font(bold=True)
    write_text(ws, 1, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").font = Font(bold=True)
    write_text(ws, 2, 5, "Độc lập - Tự do - Hạnh phúc")
    write_text(ws, 4, 1, "KẾ HOẠCH").font = Font(bold=True)
    write_text(ws, 5, 1, f"Thực hiện chương trình mục tiêu quốc gia giảm nghèo năm {year}")
    write_text(
        ws,
        7,
        1,
        f"Chỉ tiêu giảm hộ nghèo năm {year}: phấn đấu cuối năm giảm còn dưới {goal} hộ nghèo. "
        "Cụ thể các thôn như sau:",
    )
    top = 9
    for col, label in ((1, "Stt"), (2, "Đơn vị")):
        write_text(ws, top, col, label).font = Font(bold=True)
        ws.merge_cells(start_row=top, start_column=col, end_row=top + 1, end_column=col)
    for col, label in ((3, f"Hộ nghèo năm {year}"), (5, f"Chỉ tiêu giảm nghèo năm {year}")):
        write_text(ws, top, col, label).font = Font(bold=True)
        ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + 1)
        write_text(ws, top + 1, col, "Hộ")
        write_text(ws, top + 1, col + 1, "Tỷ lệ %")
    figures = ("poor_households", "poor_rate_pct", "target_households", "target_rate_pct")
    r = top + 2
    for seq, row in enumerate([*rows, {**total, "unit_name": "Tổng cộng"}], start=1):
        if row["unit_name"] != "Tổng cộng":
            write_value(ws, r, 1, seq)
        write_text(ws, r, 2, row["unit_name"])
        for col, name in enumerate(figures, start=3):
            write_value(ws, r, col, row.get(name), "0.00" if name.endswith("_pct") else None)
        r += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
