"""Everything one report workbook shows, computed from a year's frames: the tables, the notes
that say what a blank cell means, the data-quality counters and lists, and who signs.

`YearFrames` holds what every report of a year draws on (queried once, by `flows.reporting`);
`report_data` turns it into a `ReportData` for one unit, which `workbooks.report` lays out. A
counter always equals the list it heads, and a claim that needs a list which does not exist is
a note saying so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from giamngheo.transforms import report_plans
from giamngheo.transforms import report_quality as quality
from giamngheo.transforms import report_tables as tables
from giamngheo.transforms.planning import Goal
from giamngheo.transforms.registry import Hierarchy, list_date, registry_on
from giamngheo.transforms.reorganisation import unassigned_since
from giamngheo.transforms.report_plans import Difference
from giamngheo.transforms.report_scope import (
    Scope,
    place_name,
    signer,
    village_labels,
)
from giamngheo.transforms.report_tables import Gaps
from giamngheo.transforms.standards import Catalog, Standard, shipped
from giamngheo.transforms.vietnamese import vi_int


@dataclass(frozen=True)
class Heading:
    """What every sheet meant for sending carries: who signs, where, when, and, when another
    unit signs for it, the unit the figures were made by."""

    authority: str  # "Ủy ban nhân dân"
    unit_name: str  # "Phường Phong Phú": the unit in force on the report's day
    place: str  # "Phong Phú"
    date_text: str  # "ngày 02 tháng 12 năm 2026"
    made_by: str = ""  # "Xã Điền Hòa (cũ)"
    standard_note: str = ""  # under every title, where the year's standard is provisional

    def title(self, what: str, year: int) -> str:
        """A form's title: "… của Xã Điền Hòa (cũ) năm 2024"."""
        by = f" của {self.made_by}" if self.made_by else ""
        return f"{what}{by} năm {year}"


@dataclass
class PlanSheet:
    """One commune's table in the layout of its plan, what its plans wrote that differs, the
    notes of its rows, its goal lines and the files of its plans."""

    code: str
    name: str
    table: pd.DataFrame
    differences: list[Difference] = field(default_factory=list)
    goal_lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # one per row of the table
    plan_files: list[str] = field(default_factory=list)


@dataclass
class ReportData:
    """Everything one report workbook shows, already computed."""

    heading: Heading
    year: int
    child_label: str
    summary: pd.DataFrame
    plans: list[PlanSheet] = field(default_factory=list)
    dynamics: dict[str, tuple[pd.DataFrame, list[str]]] = field(default_factory=dict)
    deprivation: dict[str, pd.DataFrame] = field(default_factory=dict)
    targets: pd.DataFrame | None = None
    completeness: pd.DataFrame | None = None
    findings: pd.DataFrame | None = None
    gaps: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # under Tổng hợp: units, villages left out
    dropped: pd.DataFrame | None = None
    dropped_note: str = ""  # why the dropped households cannot be told, when they cannot
    sources: pd.DataFrame | None = None
    standard: Standard | None = None  # the year's national standard (its indicator set)
    local: Standard | None = None  # the province's own standard, when the report shows it


@dataclass(frozen=True)
class YearFrames:
    """What every report of one year draws on, queried once for all of them."""

    year: int
    units: pd.DataFrame  # the hierarchy the figures are placed in (one row per code)
    villages: pd.DataFrame  # village_poverty of the year
    listed_before: frozenset[str]  # villages with a current list the year before
    earlier: frozenset[str]  # villages with a current list older than the year before
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
    catalog: Catalog = field(default_factory=shipped)

    @property
    def standard(self) -> Standard | None:
        return self.catalog.national(self.year)

    @property
    def history(self) -> pd.DataFrame:
        return self.registry if self.registry is not None else self.units

    @cached_property
    def unassigned(self) -> tuple[dict[str, dt.date], pd.DataFrame]:
        """The villages no commune holds now (and since when), and each unit's last row."""
        return unassigned_since(self.history), Hierarchy(self.history).at(None).set_index("code")

    @cached_property
    def labels(self) -> dict[str, str]:
        """Every unit's name on the forms (villages with their code and former commune)."""
        names = dict(zip(self.units["code"], self.units["name"], strict=True))
        return names | village_labels(self.units, self.history)

    @cached_property
    def former_names(self) -> dict[str, str]:
        """Every unit's last name in the registry, those that ended too."""
        every = self.history
        if "valid_from" in every.columns:
            every = every.sort_values("valid_from", na_position="first", kind="stable")
        last = every.drop_duplicates("code", keep="last")
        return dict(zip(last["code"], last["name"], strict=True))


def report_data(t: YearFrames, sc: Scope, today: dt.date) -> ReportData:
    """The report of `sc` for the year of `t`, dated `today`."""
    year = t.year
    inside = sc.villages
    villages = t.villages[t.villages["village_code"].isin(inside)]
    listed = set(villages["village_code"])
    before = set(t.listed_before) & inside
    who = signer(t.history, sc, today)
    standard = t.standard
    heading = Heading(
        "Ủy ban nhân dân",
        who.name,
        place_name(who.name),
        f"ngày {today.day:02d} tháng {today.month:02d} năm {today.year}",
        who.made_by,
        _standard_note(standard),
    )
    dynamics, gaps = {}, []
    for status in ("poor", "near_poor"):
        table, row_gaps = tables.dynamics_table(
            t.dynamics[t.dynamics["village_code"].isin(inside)],
            listed,
            before,
            sc,
            status,
            year,
            t.labels,
            set(t.earlier),
        )
        notes = [] if before else [_no_previous(year)]
        if before and listed & before and not (listed & before & t.earlier):
            notes.append(tables.returning_unknown(status, year))
        if before:
            notes += _standard_changed(t.catalog, year)
        dynamics[status] = (table, notes)
        if status == "poor":
            gaps = _gap_notes(row_gaps, t.labels, year, before)
    plan_communes = _plan_communes(t, inside)
    findings, counted = quality.findings(t, sc, plan_communes)
    dropped, dropped_note = quality.dropped(t, inside, before)
    return ReportData(
        heading=heading,
        year=year,
        child_label=sc.child_label,
        summary=tables.summary_table(villages, sc),
        plans=_plans(t, sc, villages),
        dynamics=dynamics,
        deprivation={
            status: tables.deprivation_table(
                t.deprivation[t.deprivation["village_code"].isin(inside)],
                listed,
                sc,
                status,
                len(standard.indicators) if standard else 0,
            )
            for status in ("poor", "near_poor")
        },
        targets=tables.targets_table(
            villages,
            t.targets[t.targets["village_code"].isin(inside)],
            t.next_dynamics[t.next_dynamics["village_code"].isin(inside)],
            sc,
            year,
        ),
        completeness=quality.completeness(t, sc, counted),
        findings=findings,
        gaps=gaps,
        notes=_unit_notes(t, sc),
        dropped=dropped,
        dropped_note=dropped_note,
        sources=quality.sources(t, inside, {r.code for r in sc.rows} | plan_communes),
        standard=standard,
        local=_local_standard(t, villages),
    )


def _standard_note(standard: Standard | None) -> str:
    """The line under every title of a report whose standard is provisional."""
    if standard is None or not standard.provisional:
        return ""
    return f"Chuẩn nghèo: {standard.label}: {standard.provisional_note}."


def _standard_changed(catalog: Catalog, year: int) -> list[str]:
    """Where the year's lists are under another standard than the year before's: the
    movements include households moved by the change of the lines and indicators, which the
    lists cannot tell apart (the indicator sets differ), so they do not compare."""
    now, before = catalog.national(year), catalog.national(year - 1)
    if now is None or before is None or now.id == before.id:
        return []
    return [
        f"Danh sách năm {year} theo {now.label}, danh sách năm {year - 1} theo {before.label}: "
        "chuẩn nghèo và bộ chỉ số thay đổi, nên hộ trở thành nghèo, cận nghèo hay thoát nghèo "
        "có thể do thay đổi chuẩn chứ không do đời sống thay đổi; diễn biến năm này không so "
        "sánh được với các năm trước."
    ]


def _local_standard(t: YearFrames, villages: pd.DataFrame) -> Standard | None:
    """The province's own standard the report's lists were also classed under, if any."""
    ids = villages["local_standard_id"].dropna() if "local_standard_id" in villages else []
    return t.catalog.get(ids.iloc[0]) if len(ids) else None


def _no_previous(year: int) -> str:
    return (
        f"Chưa có danh sách năm {year - 1}: không tính được diễn biến năm {year} (các cột để "
        "trống, không phải bằng 0)."
    )


def _unit_notes(t: YearFrames, sc: Scope) -> list[str]:
    """On which units the figures stand, which units the registry knows no village of, and
    the villages with a list this year that they leave out: a village whose commune was
    merged in part and that no commune has taken yet, named in the report of the units it
    last belonged to."""
    notes = []
    if t.current_units:
        notes.append(
            f"Số liệu năm {t.year} tính theo đơn vị hành chính hiện nay: mỗi thôn được cộng vào "
            "xã, phường mà thôn thuộc về hiện nay."
        )
    if sc.without_villages:
        notes.append(
            f"{len(sc.without_villages)} đơn vị chưa có thôn nào trong danh mục nên không có "
            f"dòng trong bảng: {', '.join(sc.without_villages)}. Số liệu của {sc.name} vì vậy "
            "chỉ là một phần: của các đơn vị có thôn trong danh mục."
        )
    notes += _registry_note(t, sc)
    listed = t.villages.set_index("village_code")
    for village in quality.left_out(t, sc):
        if village.code in listed.index:
            row = listed.loc[village.code]
            notes.append(
                f"{village.name} ({village.code}), trước thuộc {village.commune}: "
                f"{vi_int(row['total_households'])} hộ, {vi_int(row['poor_households'])} hộ "
                "nghèo, chưa thuộc xã nào hiện nay nên chưa cộng vào bảng (chờ tệp gán thôn)."
            )
    return notes


def _registry_note(t: YearFrames, sc: Scope) -> list[str]:
    """Where the registry holds fewer units under the report's unit for the year's lists than
    it holds on the next day it records (its lists of units begin later than the year), the
    figures may be only part of the unit: said, never implied."""
    if t.registry is None or sc.level == "commune" or "valid_from" not in t.registry:
        return []
    history = t.registry
    starts = pd.to_datetime(history["valid_from"])
    day = pd.Timestamp(list_date(t.year))
    later = history[(history["parent_code"] == sc.code) & (starts > day)]
    if later.empty:
        return []
    then = pd.Timestamp(starts[later.index].min()).date()
    known = registry_on(history, then)
    counts = {"now": int((t.units["parent_code"] == sc.code).sum())}
    counts["then"] = int((known["parent_code"] == sc.code).sum())
    if counts["then"] <= counts["now"]:
        return []
    return [
        f"Danh mục đơn vị hành chính dùng cho năm {t.year} chỉ có {counts['now']} đơn vị trực "
        f"thuộc {sc.name}, danh mục từ ngày {then:%d/%m/%Y} có {counts['then']}: số liệu năm "
        f"{t.year} của {sc.name} có thể chỉ là một phần."
    ]


def _plan_communes(t: YearFrames, inside: frozenset[str]) -> set[str]:
    """The communes whose current plan of the year sets targets for villages of the report."""
    plans = t.plans
    if plans.empty:
        return set()
    return set(plans.loc[plans["village_code"].isin(inside), "commune_code"])


def _plans(t: YearFrames, sc: Scope, villages: pd.DataFrame) -> list[PlanSheet]:
    """One sheet per commune of the report whose villages the registry knows (or that has a
    plan), in the layout of its plan, each of its former communes' plans beside its figures."""
    planned = set(t.plans["commune_code"])
    communes = [r for r in sc.rows if r.level == "commune" and (r.villages or r.code in planned)]
    figures = report_plans.VillageFigures.of(villages, t.targets)
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
        groups = report_plans.plan_groups(row, plans, t.former_names)
        table = report_plans.plan_table(figures, row, t.labels, groups)
        differences = report_plans.plan_differences(table)
        lines, files = [], []
        several = len(groups) > 1
        for group in groups:
            if group.plan is None:
                continue
            total = table[
                (table["kind"] != report_plans.VILLAGE) & (table["group"] == group.commune)
            ]
            total = total.iloc[0] if several else table.iloc[-1]
            covered = set(group.villages) if several else set(row.villages)
            nxt = [following[v] for v in covered if v in following]
            # the next year's figures, once every village listed this year has its list
            complete = bool(nxt) and all(v in following for v in covered & listed)
            line, _ = report_plans.goal_line(
                total,
                t.goals.get(group.commune),
                int(sum(poor for poor, _ in nxt)) if complete else None,
                int(sum(households for _, households in nxt)) if complete else None,
            )
            whose = f"Kế hoạch của {group.name}" + (" (cũ)" if group.commune != row.code else "")
            if line:
                lines.append(f"{whose}: {line}" if several else line)
            path = group.plan["file_path"].iloc[0] if "file_path" in group.plan else ""
            files.append(f"{whose}: tệp {path}")
        notes = report_plans.plan_notes(table, differences, t.year)
        out.append(PlanSheet(row.code, row.name, table, differences, lines, notes, files))
    return out


def _gap_notes(gaps: list[Gaps], labels: dict, year: int, before: set) -> list[str]:
    """The lists missing to follow the movements, village by village, in words."""
    if not before:
        return [_no_previous(year)]
    notes = []
    for g in gaps:
        if g.no_previous:
            villages = ", ".join(labels.get(v, v) for v in g.no_previous)
            notes.append(
                f"{g.unit_name}: thiếu danh sách năm {year - 1} của {villages}; diễn biến chỉ "
                "gồm các thôn có đủ danh sách hai năm."
            )
        if g.no_current:
            villages = ", ".join(labels.get(v, v) for v in g.no_current)
            notes.append(
                f"{g.unit_name}: chưa có danh sách năm {year} của {villages}; diễn biến chỉ gồm "
                "các thôn có đủ danh sách hai năm."
            )
    return notes
