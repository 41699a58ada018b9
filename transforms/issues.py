"""Validation findings as records.

A finding is data, never an exception: a stable code, a severity, where it is (file, sheet,
Excel cell such as "F12"), the offending value, and a message in Vietnamese for the village
officer with English beside it for logs. Codes, severities and wording live in `rules.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields

import pandas as pd

from giamngheo.transforms.columns import METADATA_FIELDS, TEMPLATE_HEADERS
from giamngheo.transforms.rules import RULES


@dataclass(frozen=True)
class Issue:
    """One finding about one submission, located to the cell when there is one."""

    code: str
    severity: str
    submission_id: str
    file: str
    sheet: str | None
    cell: str | None
    column: str | None
    value: str | None
    message_vi: str
    message_en: str


ISSUE_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Issue))


def make_issue(
    code: str,
    *,
    submission_id: str,
    file: str,
    sheet: str | None = None,
    cell: str | None = None,
    column: str | None = None,
    value: object = None,
    **details: object,
) -> Issue:
    """Build an Issue from its rule, filling the rule's message and fix templates."""
    rule = RULES[code]
    shown = "" if value is None else str(value)
    context = {"cell": cell or "", "value": shown, **details}
    # the rule's thresholds as each language writes numbers (100.000 / 100,000)
    vi = {k: _vi_number(v) for k, v in rule.params.items()} | context
    en = {k: f"{v:,}" if isinstance(v, int) else str(v) for k, v in rule.params.items()} | context
    return Issue(
        code=code,
        severity=rule.severity,
        submission_id=submission_id,
        file=file,
        sheet=sheet,
        cell=cell,
        column=column,
        value=None if value is None else shown,
        message_vi=rule.text_vi().format_map(_Defaults(vi)),
        message_en=rule.text_en().format_map(_Defaults(en)),
    )


def _vi_number(value: object) -> str:
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value).replace(".", ",")


def issues_table(issues: list[Issue]) -> pd.DataFrame:
    """Issues in the warehouse's column layout."""
    return issues_frame(issues).rename(columns={"column": "column_name"})


class _Defaults(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def issues_frame(issues: Iterable[Issue]) -> pd.DataFrame:
    """Flatten issues to a frame with one row per issue (columns `ISSUE_COLUMNS`)."""
    rows = [asdict(i) for i in issues]
    return pd.DataFrame(rows, columns=list(ISSUE_COLUMNS)).astype("string")


@dataclass(frozen=True)
class Source:
    """Where a submission's fields sit, so a finding about a field can name its cell."""

    submission_id: str
    file: str
    sheet: str | None = None
    columns: dict[str, str] | None = None  # household field -> column letter
    metadata_cells: dict[str, tuple[str, str]] | None = None  # metadata field -> (sheet, cell)
    headers: dict[str, str] | None = None  # indicator code -> its header in the file


@dataclass(frozen=True)
class Finding:
    """A rule's verdict on one field of one submission, before it is located and worded.

    `row` is the Excel row of a household field, None for a metadata field or the whole file.
    """

    code: str
    submission_id: str
    field: str | None = None
    row: int | None = None
    value: object = None
    details: tuple[tuple[str, object], ...] = ()


def locate(finding: Finding, source: Source) -> Issue:
    """Turn a finding into an Issue at the right sheet and cell of its submission's file."""
    sheet = cell = column = None
    if finding.row is not None and finding.field:
        sheet = source.sheet
        letter = (source.columns or {}).get(finding.field)
        cell = f"{letter}{finding.row}" if letter else None
        column = TEMPLATE_HEADERS.get(finding.field) or (source.headers or {}).get(
            finding.field, finding.field
        )
    elif finding.field:
        sheet, cell = (source.metadata_cells or {}).get(finding.field, (None, None))
        column = METADATA_FIELDS.get(finding.field, finding.field)
    return make_issue(
        finding.code,
        submission_id=finding.submission_id,
        file=source.file,
        sheet=sheet,
        cell=cell,
        column=column,
        value=finding.value,
        **dict(finding.details),
    )
