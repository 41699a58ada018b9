"""Nguồn số liệu: every file behind the figures, with its status and whole fingerprint."""

from __future__ import annotations

import pandas as pd

from giamngheo.transforms.report_data import Heading
from giamngheo.workbooks.forms.frame import Header, finish, header_block, table
from giamngheo.workbooks.layout import Form

COLUMNS = [
    "tt",
    "file_path",
    "kind",
    "village_code",
    "commune_code",
    "status",
    "household_count",
    "processed",
    "sha256",
]


def sources_sheet(heading: Heading, year: int, sources: pd.DataFrame) -> Form:
    """One row per file: its path, kind, village and commune, status, households, when it was
    processed, and its SHA-256 (all 64 digits, on one line in a smaller type)."""
    form = Form([6, 28, 13, 10, 8, 11, 7, 17, 49])
    header_block(form, heading, "Nguồn số liệu", year)
    headers = [
        Header(1, 1, "TT"),
        Header(1, 2, "Tệp"),
        Header(1, 3, "Loại"),
        Header(1, 4, "Mã thôn"),
        Header(1, 5, "Mã xã"),
        Header(1, 6, "Trạng thái"),
        Header(1, 7, "Số hộ"),
        Header(1, 8, "Thời điểm xử lý"),
        Header(1, 9, "Mã SHA-256 của tệp"),
    ]
    numbering = [str(i) for i in range(1, 10)]
    shown = sources.assign(tt=[str(i) for i in range(1, len(sources) + 1)])
    header = table(
        form,
        headers,
        numbering,
        shown,
        COLUMNS,
        set(COLUMNS) - {"household_count"},
        styles={"sha256": "gn_hash"},
    )
    finish(form, heading, header, 3)
    return form
