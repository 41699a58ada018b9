"""A village list as a plain .xlsx: the template's two sheets and cells, no styles.

The national inbox has 70,000 files: openpyxl (about 0.15 s a workbook) would take an hour on
two cores. This writes the same sheets, labels and values as
`workbooks.template.write_village_workbook` (metadata on "Thông tin chung", the households
under the template's header on "Danh sách hộ"; codes and names as text, marks as "x", classes
as their labels) straight as SpreadsheetML, in a few milliseconds. It has no instructions sheet,
drop-downs, protection or styles, which the reader does not look at.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from giamngheo.transforms.columns import (
    AREAS,
    CLASS_LABELS,
    DEPRIVATIONS,
    METADATA_FIELDS,
    deprivation_codes,
)
from giamngheo.transforms.standards import shipped
from giamngheo.workbooks.grid import column_letter
from giamngheo.workbooks.template import INFO_SHEET, LIST_SHEET, list_columns

_TEXT_METADATA = frozenset(("commune_name", "village_name", "prepared_by"))

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    f'<sheet name="{INFO_SHEET}" sheetId="1" r:id="rId1"/>'
    f'<sheet name="{LIST_SHEET}" sheetId="2" r:id="rId2"/>'
    "</sheets></workbook>"
)
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_END = "</sheetData></worksheet>"


def write_plain_workbook(
    path: Path, metadata: Mapping[str, object], households: pd.DataFrame
) -> Path:
    """`households` (canonical columns) and `metadata` as the template would hold them."""
    info = []
    for r, (name, label) in enumerate(METADATA_FIELDS.items(), start=1):
        value = metadata.get(name)
        if name == "area" and value in AREAS:
            value = AREAS[value]
        as_text = name.endswith("_code") or name in _TEXT_METADATA
        info.append(f'<row r="{r}">{_cell("A", r, label)}{_cell("B", r, value, as_text)}</row>')
    catalog = shipped()
    standard = catalog.national(metadata.get("year")) or catalog.sets[-1]
    columns = list_columns(standard)  # the template's columns, from the same declarations
    letters = [column_letter(c) for c in range(len(columns))]
    rows = [
        f'<row r="1">{"".join(_cell(letters[c], 1, h) for c, (_, h, _) in enumerate(columns))}</row>'
    ]
    names = [name for name, _, declared in columns if declared is not None]
    frame = households.reindex(columns=[*names, DEPRIVATIONS])
    values = {name: frame[name].tolist() for name in names}
    deprived = [set(deprivation_codes(d)) for d in frame[DEPRIVATIONS]]
    for i in range(len(frame)):
        r = i + 2
        cells = []
        for c, (name, _, declared) in enumerate(columns):
            if declared is None:  # an indicator of the list's standard
                value, as_text = ("x" if name in deprived[i] else None), True
            else:
                value, as_text = values[name][i], declared.parse in ("text", "code")
                if declared.parse == "mark":
                    value = "x" if value is True or value is np.True_ else None
                elif name == "claimed_class":
                    value = CLASS_LABELS.get(value, value)
            cells.append(_cell(letters[c], r, value, as_text))
        rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", _SHEET_START + "".join(info) + _SHEET_END)
        z.writestr("xl/worksheets/sheet2.xml", _SHEET_START + "".join(rows) + _SHEET_END)
    return path


def _cell(column: str, row: int, value: object, as_text: bool = False) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    ref = f"{column}{row}"
    if isinstance(value, bool | np.bool_):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if not as_text and isinstance(value, int | float | np.integer | np.floating):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return (
        f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'
    )
