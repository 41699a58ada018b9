"""Cell grids out of a spreadsheet file, with python-calamine (the fast path for cell values)."""

from __future__ import annotations

from pathlib import Path

import python_calamine

Grid = list[list[object]]


class UnreadableWorkbook(Exception):
    """The file cannot be opened as a spreadsheet (corrupt, encrypted, not a workbook)."""

    def __init__(self, detail_vi: str, detail_en: str, code: str = "FILE-UNREADABLE"):
        super().__init__(detail_en)
        self.detail_vi = detail_vi
        self.detail_en = detail_en
        self.code = code


def load_grids(path: Path, max_sheets: int = 50, max_rows: int = 100_000) -> dict[str, Grid]:
    """Every worksheet of a .xlsx/.xlsm/.xls/.ods file as rows of cell values.

    Row 0 of a grid is Excel row 1 and column 0 is column A, whatever the used range, so a
    position in a grid is a position in the sheet. A file with more worksheets than
    `max_sheets`, or a sheet taller than `max_rows`, is refused before its cells are read.
    """
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError as exc:
        raise UnreadableWorkbook(
            "tệp có đặt mật khẩu", "the workbook is password-protected", "FILE-PASSWORD"
        ) from exc
    except (python_calamine.CalamineError, OSError, ValueError) as exc:
        raise UnreadableWorkbook(
            "tệp hỏng hoặc không phải bảng tính", f"corrupt or not a spreadsheet ({exc})"
        ) from exc
    grids: dict[str, Grid] = {}
    try:
        sheets = [
            m for m in workbook.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]
        if len(sheets) > max_sheets:
            raise UnreadableWorkbook(
                f"có {len(sheets)} sheet, vượt giới hạn {max_sheets}",
                f"{len(sheets)} worksheets, over the limit of {max_sheets}",
                "FILE-TOO-LARGE",
            )
        for meta in sheets:
            sheet = workbook.get_sheet_by_name(meta.name)
            if sheet.total_height > max_rows:
                raise UnreadableWorkbook(
                    f"sheet '{meta.name}' có {sheet.total_height} dòng, vượt giới hạn {max_rows}",
                    f"sheet '{meta.name}' has {sheet.total_height} rows, over the limit of {max_rows}",
                    "FILE-TOO-LARGE",
                )
            grids[meta.name] = sheet.to_python(skip_empty_area=False)
    except (python_calamine.CalamineError, ValueError) as exc:
        raise UnreadableWorkbook(
            "tệp hỏng, không đọc hết được các sheet", f"corrupt sheet data ({exc})"
        ) from exc
    finally:
        workbook.close()
    return grids


def column_letter(index: int) -> str:
    """Excel column letters for a 0-based column index: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """Excel reference for a 0-based grid position: (0, 0) → A1."""
    return f"{column_letter(col)}{row + 1}"
