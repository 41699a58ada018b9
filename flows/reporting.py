"""Build report workbooks from the warehouse: query the year once, compute each unit's tables,
write them.

Reports are written from the writer's warehouse (the nightly run, or `giamngheo report` under
the writer lock): the households that left a list are named by their codes, which the analyst
snapshot does not hold.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import gc
import multiprocessing
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from giamngheo.errors import ConfigurationError
from giamngheo.transforms import reports as tables
from giamngheo.transforms.issues import Issue
from giamngheo.transforms.planning import Goal
from giamngheo.transforms.privacy import shareable
from giamngheo.transforms.registry import Hierarchy, registry_now
from giamngheo.transforms.reorganisation import unassigned_since
from giamngheo.transforms.reports import Scope, scope
from giamngheo.transforms.rules import ERROR
from giamngheo.transforms.vietnamese import vi_int
from giamngheo.warehouse.store import Warehouse
from giamngheo.workbooks.forms import Heading
from giamngheo.workbooks.report import PlanSheet, ReportData, write_report

STATUS_VI = {"loaded": "Đã nạp", "rejected": "Bị từ chối", "superseded": "Bị thay thế"}
KIND_VI = {"households": "Danh sách hộ", "plan": "Kế hoạch", "unreadable": "Không đọc được"}
FINDINGS_PER_FILE = 20
# A report writer's DuckDB memory: a year's tables are small, but DuckDB keeps what it read for
# them (the year's households) cached up to its limit, by default 80 % of the machine. At 20,000
# villages a writer holds 550 MB with 512 MB allowed and 240 MB with this, as fast.
REPORT_MEMORY = "256MB"


def report_units(units: pd.DataFrame) -> list[str]:
    """Codes of the units communes report to (districts, or provinces for district-less
    communes)."""
    communes = units[units["level"] == "commune"]
    return sorted(communes["parent_code"].dropna().unique())


@dataclass(frozen=True)
class YearTables:
    """What every report of one year draws on, queried once for all of them."""

    year: int
    units: pd.DataFrame
    villages: pd.DataFrame  # village_poverty of the year
    listed_before: frozenset[str]  # villages with a current list the year before
    next_villages: pd.DataFrame  # village_poverty of the next year
    targets: pd.DataFrame
    dynamics: pd.DataFrame
    next_dynamics: pd.DataFrame
    deprivation: pd.DataFrame
    plans: pd.DataFrame
    goals: dict[str, Goal]
    statuses: pd.DataFrame
    findings: pd.DataFrame
    dropped: pd.DataFrame
    sources: pd.DataFrame

    current_units: bool = False  # the year's figures on today's units
    registry: pd.DataFrame | None = None  # every row of the registry, with its periods

    @cached_property
    def unassigned(self) -> tuple[dict[str, dt.date], pd.DataFrame]:
        """The villages no commune holds now (and since when), and each unit's last row."""
        return unassigned_since(self.registry), Hierarchy(self.registry).at(None).set_index("code")

    @classmethod
    def load(cls, wh: Warehouse, year: int, current_units: bool = False) -> YearTables:
        """The year's tables, on the units in force for its lists, or with `current_units`
        on today's (a 2024 list then counts for the ward its village belongs to now)."""
        goals = wh.fetch("plan_goals", year=year)
        return cls(
            current_units=current_units,
            registry=wh.admin_units(),
            year=year,
            units=registry_now(wh.admin_units()) if current_units else wh.admin_units(year),
            villages=wh.view("village_poverty", year=year),
            listed_before=frozenset(wh.view("village_poverty", year=year - 1)["village_code"]),
            next_villages=wh.view("village_poverty", year=year + 1),
            targets=wh.fetch("plan_targets_of_year", year=year),
            dynamics=wh.view("household_dynamics", year=year),
            next_dynamics=wh.view("household_dynamics", year=year + 1),
            deprivation=wh.view("deprivation_by_indicator", year=year),
            plans=wh.fetch("current_plans", years=[year]),
            goals={
                row.commune_code: Goal(row.goal_rate_pct, row.goal_at_most is True)
                for row in goals.itertuples(index=False)
            },
            statuses=wh.fetch("village_statuses", year=year),
            findings=wh.fetch("report_findings", year=year),
            dropped=wh.fetch("dropped_households", year=year),
            sources=wh.fetch("sources_of_year", year=year),
        )


def write_unit_report(
    wh: Warehouse,
    unit_code: str,
    year: int,
    out_dir: Path,
    year_tables: YearTables | None = None,
    today: dt.date | None = None,
) -> Path | None:
    """The report workbook (and CSV files) of one unit (province, district or commune) and
    year; returns its path, or None when no list of that year belongs to the unit."""
    t = year_tables or YearTables.load(wh, year)
    if unit_code not in set(t.units["code"]):
        raise ConfigurationError(
            f"Mã đơn vị '{unit_code}' không có trong danh mục (unit code not in the registry)."
        )
    level = t.units.set_index("code").at[unit_code, "level"]
    if level == "village":
        raise ConfigurationError(
            f"'{unit_code}' là một thôn: báo cáo dành cho xã, huyện hoặc tỉnh. "
            f"({unit_code} is a village: report on a commune, district or province.)"
        )
    sc = scope(t.units, unit_code)
    inside = sc.villages
    villages = t.villages[t.villages["village_code"].isin(inside)]
    if villages.empty:
        return None
    data = _report_data(t, sc, villages, today or dt.date.today())
    suffix = "_don_vi_hien_nay" if t.current_units else ""  # on today's units
    return write_report(out_dir / f"bao_cao_{unit_code}_{year}{suffix}.xlsx", data)


def write_reports(
    warehouse: Path, out_dir: Path, jobs: list[tuple[int, str]], workers: int = 1
) -> Iterator[Path]:
    """The reports of these (year, unit) pairs, by up to `workers` processes: this one and
    `workers - 1` writer processes started for them, each opening the warehouse read-only (the
    caller must not hold it open for writing). This process would only wait otherwise, and a
    writer started costs a second and its own copy of the year's tables. Yields each written
    path (a unit without a list of the year: none)."""
    n = min(workers, len(jobs))
    if n < 2:
        yield from _written_here(warehouse, out_dir, jobs)
        return
    groups = [jobs[k::n] for k in range(n)]
    spawn = multiprocessing.get_context("spawn")  # no fork of a process that runs threads
    with ProcessPoolExecutor(n - 1, mp_context=spawn, initializer=_die_with_parent) as pool:
        futures = [pool.submit(_write_group, warehouse, out_dir, group) for group in groups[1:]]
        yield from _written_here(warehouse, out_dir, groups[0])
        for done in as_completed(futures):
            yield from done.result()


def _written_here(warehouse: Path, out_dir: Path, jobs: list[tuple[int, str]]) -> list[Path]:
    """`_write_group` in this process, without the garbage collector's passes meanwhile: a
    run's process holds millions of objects (Prefect, Great Expectations, the run's tables),
    and a report allocates enough to start many passes over them all. (Not `gc.freeze`: its
    `unfreeze` would also release what `serve` froze at its start.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _write_group(warehouse, out_dir, jobs)
    finally:
        if enabled:
            gc.enable()


def _die_with_parent() -> None:
    """A report writer ends when the run that started it is killed: left running, it would
    hold the warehouse open while the next run needs it for writing (Linux; elsewhere the
    writer finishes its report first)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


_PR_SET_PDEATHSIG = 1


def _write_group(warehouse: Path, out_dir: Path, jobs: list[tuple[int, str]]) -> list[Path]:
    written = []
    with Warehouse(warehouse, read_only=True, memory_limit=REPORT_MEMORY) as wh:
        tables: dict[int, YearTables] = {}
        for year, unit in jobs:
            if year not in tables:
                tables = {year: YearTables.load(wh, year)}  # jobs come sorted by year
            path = write_unit_report(wh, unit, year, out_dir, tables[year])
            if path is not None:
                written.append(path)
    return written


def _report_data(t: YearTables, sc: Scope, villages: pd.DataFrame, today: dt.date) -> ReportData:
    year = t.year
    inside = sc.villages
    listed = set(villages["village_code"])
    before = set(t.listed_before) & inside
    names = dict(zip(t.units["code"], t.units["name"], strict=True))
    heading = Heading(
        "Ủy ban nhân dân",
        sc.name,
        sc.place,
        f"ngày {today.day:02d} tháng {today.month:02d} năm {today.year}",
    )
    dynamics, gaps = {}, []
    for status in ("poor", "near_poor"):
        table, row_gaps = tables.dynamics_table(
            t.dynamics[t.dynamics["village_code"].isin(inside)], listed, before, sc, status
        )
        notes = _dynamics_notes(row_gaps, names, year, listed, before)
        dynamics[status] = (table, notes)
        if status == "poor":
            gaps = notes
    next_listed = set(t.next_villages["village_code"]) & inside
    return ReportData(
        heading=heading,
        year=year,
        child_label=sc.child_label,
        summary=tables.summary_table(villages, sc),
        plans=_plans(t, sc, villages, names),
        dynamics=dynamics,
        deprivation={
            status: tables.deprivation_table(
                t.deprivation[t.deprivation["village_code"].isin(inside)], listed, sc, status
            )
            for status in ("poor", "near_poor")
        },
        targets=tables.targets_table(
            villages,
            t.targets[t.targets["village_code"].isin(inside)],
            t.next_dynamics[t.next_dynamics["village_code"].isin(inside)],
            next_listed,
            sc,
            year,
        ),
        completeness=_completeness(t, sc),
        findings=_findings(t, sc, names),
        gaps=gaps,
        notes=_unit_notes(t, sc),
        dropped=_dropped(t, inside, names),
        sources=_sources(t, inside, {r.code for r in sc.rows}),
    )


def _unit_notes(t: YearTables, sc: Scope) -> list[str]:
    """On which units the figures stand, and the villages with a list this year that they
    leave out: a village whose commune was merged in part and that no commune has taken yet,
    named in the report of the units it last belonged to."""
    notes = []
    if t.current_units:
        notes.append(
            f"Số liệu năm {t.year} tính theo đơn vị hành chính hiện nay: mỗi thôn được cộng vào "
            "xã, phường mà thôn thuộc về hiện nay."
        )
    if sc.without_villages:
        notes.append(
            f"{len(sc.without_villages)} xã, phường chưa có thôn nào trong danh mục nên không có "
            f"dòng trong bảng: {', '.join(sc.without_villages)}."
        )
    listed = t.villages.set_index("village_code")
    for village in _left_out(t, sc):
        if village.code in listed.index:
            row = listed.loc[village.code]
            notes.append(
                f"{village.name} ({village.code}), trước thuộc {village.commune}: "
                f"{vi_int(row['total_households'])} hộ, {vi_int(row['poor_households'])} hộ "
                "nghèo, chưa thuộc xã nào hiện nay nên chưa cộng vào bảng (chờ tệp gán thôn)."
            )
    return notes


@dataclass(frozen=True)
class _Orphan:
    code: str
    name: str
    commune: str  # the name of the commune it last belonged to
    since: dt.date | None  # the day that commune ended


def _left_out(t: YearTables, sc: Scope) -> list[_Orphan]:
    """The villages that last belonged to the unit and that no commune holds on the report's
    units: a commune merged in part, the village not yet assigned (reports of years placed
    after the merge, or on today's units)."""
    if t.registry is None:
        return []
    since, last = t.unassigned
    placed = set(t.units["code"])
    out = []
    for code in sorted(set(since) - placed):
        chain, at = [], code
        while at in last.index and at not in chain:
            chain.append(at)
            at = last.at[at, "parent_code"]
        if sc.code in chain[1:]:
            commune = last.at[chain[1], "name"] if len(chain) > 1 else "?"
            out.append(_Orphan(code, last.at[code, "name"], commune, since[code]))
    return out


def _plans(t: YearTables, sc: Scope, villages: pd.DataFrame, names: dict) -> list[PlanSheet]:
    """One sheet per commune of the report whose villages the registry knows (or that has a
    plan), in the layout of its plan: a commune of the national lists with no village in the
    registry has nothing to show."""
    planned = set(t.plans["commune_code"])
    communes = [r for r in sc.rows if r.level == "commune" and (r.villages or r.code in planned)]
    figures = tables.VillageFigures.of(villages, t.targets)
    plans = dict(tuple(t.plans.groupby("commune_code"))) if len(t.plans) else {}
    listed = set(villages["village_code"])
    following = dict(
        zip(
            t.next_villages["village_code"].tolist(),
            zip(
                t.next_villages["poor_households"].tolist(),
                t.next_villages["total_households"].tolist(),
                strict=True,
            ),
            strict=True,
        )
    )
    out = []
    for row in communes:
        table = tables.plan_table(figures, row, names, plans.get(row.code))
        nxt = [following[v] for v in row.villages if v in following]
        # the next year's figures, once every village listed this year has its list
        complete = bool(nxt) and all(v in following for v in row.villages & listed)
        line, _ = tables.goal_line(
            table,
            t.goals.get(row.code),
            int(sum(poor for poor, _ in nxt)) if complete else None,
            int(sum(total for _, total in nxt)) if complete else None,
        )
        out.append(PlanSheet(row.code, row.name, table, tables.plan_differences(table), line))
    return out


def _dynamics_notes(
    gaps: list[tables.Gaps], names: dict, year: int, listed: set, before: set
) -> list[str]:
    """What the Diễn biến sheet cannot say, and why, in words."""
    if not before:
        return [
            f"Chưa có danh sách năm {year - 1}: không tính được diễn biến năm {year} (các cột "
            "để trống, không phải bằng 0)."
        ]
    notes = []
    for g in gaps:
        if g.no_previous:
            villages = ", ".join(names.get(v, v) for v in g.no_previous)
            notes.append(
                f"{g.unit_name}: thiếu danh sách năm {year - 1} của {villages}; diễn biến chỉ "
                f"gồm các thôn có đủ danh sách hai năm, cột 9 để trống."
            )
        if g.no_current:
            villages = ", ".join(names.get(v, v) for v in g.no_current)
            notes.append(
                f"{g.unit_name}: chưa có danh sách năm {year} của {villages}; cột 1 để trống."
            )
    return notes


def _completeness(t: YearTables, sc: Scope) -> pd.DataFrame:
    statuses = t.statuses.set_index("village_code")
    rows = []
    for r in sc.rows:
        known = statuses.loc[statuses.index.isin(r.villages)]
        submitted = int(known["loaded"].sum())
        rejected = int(known["rejected_only"].sum())
        expected = len(r.villages)
        missing = expected - submitted - rejected
        rows.append(
            {
                "tt": r.tt,
                "unit_name": r.name,
                "bold": r.bold,
                "villages_expected": expected,
                "villages_submitted": submitted,
                "villages_rejected_only": rejected,
                "villages_missing": missing,
                "reporting_rate_pct": round(submitted * 100 / expected, 2) if expected else pd.NA,
                "warnings": int(known["warnings"].sum()),
                "note": "" if r.bold or missing + rejected == 0 else _missing_note(r, statuses),
            }
        )
    return pd.DataFrame(rows)


def _missing_note(row: tables.ReportRow, statuses: pd.DataFrame) -> str:
    loaded = set(statuses.index[statuses["loaded"]])
    rejected = set(statuses.index[statuses["rejected_only"]])
    waiting = sorted(row.villages - loaded - rejected)
    parts = []
    if rejected & row.villages:
        parts.append(f"bị từ chối: {', '.join(sorted(rejected & row.villages))}")
    if waiting:
        parts.append(f"chưa nộp: {', '.join(waiting)}")
    return "; ".join(parts)


def _findings(t: YearTables, sc: Scope, names: dict) -> pd.DataFrame:
    """Every issue of the unit's lists and plans in words, as it may leave the warehouse (a
    value that may name someone is '…'), at most FINDINGS_PER_FILE per file."""
    communes = {r.code for r in sc.rows if r.level == "commune"}
    orphans = _left_out(t, sc)
    mine = t.findings[
        t.findings["village_code"].isin(sc.villages | {o.code for o in orphans})
        | t.findings["commune_code"].isin(communes)
    ]
    rows = [
        {
            "unit": o.name,
            "file": "",
            "cell": "",
            "level": "Cảnh báo",
            "message": f"{o.name} ({o.code}) của {o.commune} chưa thuộc xã nào"
            + (f" từ ngày {o.since:%d/%m/%Y}" if o.since else "")
            + ": xã của thôn bị nhập một phần, cần tệp gán thôn (giamngheo registry import) "
            "để cộng thôn vào xã mới.",
        }
        for o in orphans
    ]
    for path, found in mine.groupby("file_path", sort=False):
        for k, f in enumerate(found.itertuples(index=False)):
            if k == FINDINGS_PER_FILE:
                rows.append(
                    {
                        "unit": "",
                        "file": path,
                        "cell": "",
                        "level": "",
                        "message": f"… và {vi_int(len(found) - k)} phát hiện khác trong tệp này "
                        "(xem 'giamngheo issues').",
                    }
                )
                break
            issue = shareable(
                Issue(
                    f.code,
                    f.severity,
                    "",
                    path,
                    f.sheet,
                    f.cell,
                    f.column_name,
                    f.value,
                    f.message_vi,
                    f.message_en,
                )
            )
            unit = f.village_code if isinstance(f.village_code, str) else f.commune_code
            rows.append(
                {
                    "unit": names.get(unit, unit or ""),
                    "file": path,
                    "cell": f.cell or "",
                    "level": "Lỗi" if f.severity == ERROR else "Cảnh báo",
                    "message": issue.message_vi,
                }
            )
    return pd.DataFrame(rows, columns=["unit", "file", "cell", "level", "message"])


def _dropped(t: YearTables, inside: frozenset[str], names: dict) -> pd.DataFrame:
    dropped = t.dropped[t.dropped["village_code"].isin(inside)]
    return pd.DataFrame(
        {
            "village": [names.get(v, v) for v in dropped["village_code"]],
            "household_code": dropped["household_code"].tolist(),
            "reason": "không có trong danh sách năm nay; xã cần cho biết lý do (chuyển đi, "
            "tách hộ, chết, hay thoát nghèo mà chưa ghi vào danh sách)",
        }
    )


def _sources(t: YearTables, villages: frozenset[str], codes: set[str]) -> pd.DataFrame:
    s = t.sources
    mine = s[s["village_code"].isin(villages) | s["commune_code"].isin(codes)]
    return mine.assign(
        kind=mine["kind"].map(KIND_VI).fillna(mine["kind"]),
        status=mine["status"].map(STATUS_VI).fillna(mine["status"]),
        processed=pd.to_datetime(mine["processed_at"]).dt.strftime("%d/%m/%Y %H:%M"),
    )
