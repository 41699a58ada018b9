"""Hostile cell grids, written as real .xlsx and .ods files: the reader returns rows or issues,
never raises, and takes a bounded time. `make fuzz` runs the same properties far longer."""

import datetime as dt
import os
import time

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from giamngheo.transforms.columns import TEMPLATE_HEADERS
from giamngheo.workbooks.reader import read_submission

EXAMPLES = int(os.environ.get("GIAMNGHEO_FUZZ_EXAMPLES", "25"))
HEADERS = list(TEMPLATE_HEADERS.values())

text = st.one_of(
    st.text(max_size=40),  # every Unicode category, controls and bidi overrides included
    st.sampled_from(
        [
            "\ufeffMã hộ",
            "\u202eNghèo",
            "x",
            "X",
            "có",
            "#DIV/0!",
            "=1+1",
            "+84 123",
            "_x0007_",
            "1.500.000",
            "2,22",
            "Tổng cộng",
            "",
            " ",
            "\u0000",
        ]
    ),
    st.just("ư" * 100_000),  # a 100,000-character string
    st.sampled_from(HEADERS),
)
cell = st.one_of(
    text,
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.none(),
)
grid = st.lists(st.lists(cell, max_size=25), max_size=30)
sheets = st.lists(
    st.tuples(
        st.text(min_size=1, max_size=31).filter(
            lambda n: n.strip() and not set(n) & set("[]:*?/\\\\'")
        ),
        grid,
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda t: t[0].strip().lower(),
)


def write_xlsx(path, content) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in content:
        ws = wb.create_sheet(ILLEGAL_CHARACTERS_RE.sub("", name)[:31] or "S")
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)  # openpyxl refuses these outright
                ws.cell(row=r, column=c, value=value)
        if len(rows) > 3:
            ws.merge_cells(start_row=1, start_column=1, end_row=2, end_column=2)
    wb.save(path)


def write_ods(path, content) -> None:
    with pd.ExcelWriter(path, engine="odf") as writer:
        for i, (_name, rows) in enumerate(content):
            frame = pd.DataFrame(
                [
                    [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row]
                    for row in rows
                ]
            )
            frame.to_excel(writer, sheet_name=f"S{i}", header=False, index=False)


def check(path) -> None:
    start = time.perf_counter()
    sub = read_submission(path, "fuzz")
    assert time.perf_counter() - start < 20
    assert sub.kind in ("households", "plan", "unreadable")
    assert sub.issues or sub.kind != "unreadable"
    for issue in sub.issues:
        assert issue.code and issue.message_vi and issue.message_en


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(sheets)
def test_any_xlsx_reads_to_rows_or_issues(tmp_path, content):
    path = tmp_path / "fuzz.xlsx"
    write_xlsx(path, content)
    check(path)


@settings(
    max_examples=max(EXAMPLES // 3, 5),
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(sheets)
def test_any_ods_reads_to_rows_or_issues(tmp_path, content):
    path = tmp_path / "fuzz.ods"
    write_ods(path, content)
    check(path)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.binary(max_size=4096))
def test_any_bytes_with_a_spreadsheet_name(tmp_path, data):
    path = tmp_path / "random.xlsx"
    path.write_bytes(data)
    check(path)
