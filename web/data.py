"""What the web app's pages and API show, read from the analysts' snapshot (never the writer's
warehouse: a page never waits for a run, and shows what every column's privacy allows), and
filtered by the account's reach."""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from giamngheo.flows.settings import Settings
from giamngheo.transforms import completeness as done
from giamngheo.transforms.registry import registry_at
from giamngheo.transforms.report_scope import scope
from giamngheo.transforms.report_tables import summary_table
from giamngheo.warehouse.store import Warehouse
from giamngheo.web.access import Access, Tree

STATUS_VI = {
    "loaded": "Đã nạp",
    "rejected": "Bị từ chối",
    "superseded": "Bị thay thế",
    "checked": "Đã kiểm tra thử",
    "refused": "Không nhận",
    "missing": "Chưa gửi",
}
REPORT_NAME = re.compile(r"^bao_cao_(\d+)_(\d{4})\.xlsx$")


@contextlib.contextmanager
def snapshot(settings: Settings) -> Iterator[Warehouse | None]:
    """The analysts' snapshot, read-only; None before the first run published one."""
    if not settings.published_path.exists():
        yield None
        return
    with Warehouse(settings.published_path, read_only=True) as wh:
        yield wh


@functools.lru_cache(maxsize=4)
def _tree(path: str, stamp: int) -> tuple[Tree, pd.DataFrame]:
    with Warehouse(Path(path), read_only=True) as wh:
        registry = wh.admin_units()
    return Tree(registry), registry


def tree(settings: Settings) -> tuple[Tree, pd.DataFrame]:
    """The registry of the snapshot in place (as a tree, and whole), read once per snapshot."""
    path = settings.published_path
    if not path.exists():
        empty = pd.DataFrame(columns=["code", "level", "name", "parent_code", "area"])
        return Tree(empty.assign(valid_from=None, valid_to=None)), empty
    return _tree(str(path), path.stat().st_mtime_ns)


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts of Python values: None for what is missing, lists for DuckDB lists,
    datetimes for timestamps."""
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _plain(value: object) -> object:
    if isinstance(value, np.ndarray | list | tuple):
        return [_plain(v) for v in value]
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value


def submissions(wh: Warehouse | None, access: Access, year: int | None = None) -> list[dict]:
    """The submissions the account may see, newest first."""
    return records(_visible(wh, access, year))


def _visible(wh: Warehouse | None, access: Access, year: int | None) -> pd.DataFrame:
    if wh is None:
        return pd.DataFrame(columns=["submission_id", "status"])
    rows = wh.fetch("submission_rows", year=year, ids=None)
    seen = [
        access.submission_visible(v, c)
        for v, c in zip(rows["village_code"], rows["commune_code"], strict=True)
    ]
    return rows[seen]


PAGE_ROWS = 200


@dataclass
class SubmissionPage:
    """One page of the submissions an account may see: a province has thousands."""

    rows: list[dict]
    total: int  # of the status asked for
    rejected: int  # of every status: what "process again" would take
    page: int
    pages: int


def submission_page(
    wh: Warehouse | None, access: Access, year: int, status: str | None, page: int
) -> SubmissionPage:
    """The `page`-th `PAGE_ROWS` submissions of the year (of `status`, if given)."""
    frame = _visible(wh, access, year)
    rejected = int((frame["status"] == "rejected").sum())
    if status:
        frame = frame[frame["status"] == status]
    pages = max(1, -(-len(frame) // PAGE_ROWS))
    page = min(max(page, 1), pages)
    shown = frame.iloc[(page - 1) * PAGE_ROWS : page * PAGE_ROWS]
    return SubmissionPage(records(shown), len(frame), rejected, page, pages)


@dataclass
class Detail:
    """One submission's page: its row, its issues, its other versions."""

    row: dict
    issues: list[dict]
    versions: list[dict]
    feedback: Path | None


def submission(
    settings: Settings, wh: Warehouse | None, access: Access, submission_id: str
) -> Detail | None:
    """A submission the account may see, or None (out of reach answers as unknown)."""
    if wh is None or not re.fullmatch(r"[0-9a-f]{16}", submission_id):
        return None
    found = wh.fetch("submission_rows", year=None, ids=[submission_id])
    if found.empty:
        return None
    row = records(found)[0]
    if not access.submission_visible(row["village_code"], row["commune_code"]):
        return None
    issues = records(wh.fetch("issues", submission_id=submission_id))
    versions = []
    unit = row["village_code"] or row["commune_code"]
    if unit and row["year"] is not None:
        versions = records(
            wh.fetch("submission_versions", kind=row["kind"], year=row["year"], unit=unit)
        )
    return Detail(row, issues, versions, feedback_of(settings, submission_id, row["status"]))


def feedback_of(settings: Settings, submission_id: str, status: str) -> Path | None:
    """The marked workbook of a rejected submission, if its quarantine folder holds it."""
    path = settings.quarantine / submission_id / "phan_hoi.xlsx"
    return path if status == "rejected" and path.is_file() else None


def years(wh: Warehouse | None) -> list[int]:
    """The list years the snapshot knows of, newest first."""
    if wh is None:
        return []
    return sorted({int(y) for y in wh.fetch("list_years")["year"]}, reverse=True)


@dataclass
class Completeness:
    """A unit's (or the country's) reporting for a year: its rows, and where it sits."""

    year: int
    unit: str | None
    name: str
    rows: list[dict]
    parent: str | None  # the unit above, to go back up
    missing: list[str]  # the villages that sent nothing, by label


def completeness(
    wh: Warehouse | None, settings: Settings, access: Access, year: int, unit: str | None
) -> Completeness | None:
    """Who has reported for `year`, under `unit` (the account's own by default); None when
    the unit is out of reach or unknown."""
    unit = unit or access.home_unit
    if unit is not None and not access.sees_unit(unit):
        return None
    _, registry = tree(settings)
    units = registry_at(registry, year) if len(registry) else registry
    statuses = wh.fetch("village_statuses", year=year) if wh is not None else pd.DataFrame()
    states = done.village_states(statuses) if len(statuses) else {}
    if unit is None:
        return Completeness(
            year, None, "Cả nước", done.national_completeness(units, states), None, []
        )
    known = units.set_index("code")
    if unit not in known.index or known.at[unit, "level"] == "village":
        return None
    sc = scope(units, unit, registry)
    parent = known.at[unit, "parent_code"]
    parent = parent if isinstance(parent, str) and access.sees_unit(parent) else None
    labels = {r.code: r.name for r in sc.rows}
    missing = [labels.get(v, v) for v in done.missing_villages(sc, states)]
    return Completeness(year, unit, sc.name, done.unit_completeness(sc, states), parent, missing)


def summary(
    wh: Warehouse | None, settings: Settings, year: int, unit: str
) -> tuple[str, list[dict]]:
    """The Tổng hợp table of `unit`'s report for `year`, as the workbook's first sheet has it."""
    _, registry = tree(settings)
    units = registry_at(registry, year)
    sc = scope(units, unit, registry)
    villages = wh.view("village_poverty", year=year) if wh is not None else pd.DataFrame()
    table = summary_table(villages, sc)
    return sc.name, records(table)


def reports(settings: Settings, access: Access) -> list[dict]:
    """The report workbooks written, of the units the account reaches, newest year first."""
    out = []
    for path in settings.reports.glob("bao_cao_*.xlsx"):
        found = REPORT_NAME.match(path.name)
        if found and access.sees_unit(found[1]):
            info = path.stat()
            out.append(
                {
                    "name": path.name,
                    "unit_code": found[1],
                    "year": int(found[2]),
                    "size_bytes": info.st_size,
                    "written_at": pd.Timestamp(info.st_mtime, unit="s").isoformat(),
                }
            )
    return sorted(out, key=lambda r: (-r["year"], r["unit_code"]))


def report_file(settings: Settings, access: Access, name: str) -> Path | None:
    found = REPORT_NAME.match(name)
    path = settings.reports / name
    if not found or not access.sees_unit(found[1]) or not path.is_file():
        return None
    return path


def described_relations(wh: Warehouse | None) -> list[dict]:
    """Every table and view an analyst may query: its description from `warehouse/README.md`
    and its columns with their types, as the snapshot has them."""
    if wh is None:
        return []
    text = resources.files("giamngheo.warehouse").joinpath("README.md").read_text("utf-8")
    sections = dict(re.findall(r"^### `(\w+)`\n(.*?)(?=^##)", text + "\n##", flags=re.M | re.S))
    views = set(wh.views())
    columns = wh.fetch("relation_columns")
    by_relation = {
        name: list(zip(rows["column_name"], rows["data_type"], strict=True))
        for name, rows in columns.groupby("table_name", sort=False)
    }
    out = [
        {
            "name": name,
            "kind": "view" if name in views else "table",
            "description": " ".join(sections[name].split()),
            "columns": by_relation[name],
        }
        for name in sorted(sections)
        if name in by_relation  # documented but kept out of the snapshot (internal)
    ]
    return sorted(out, key=lambda r: (r["kind"] != "view", r["name"]))
