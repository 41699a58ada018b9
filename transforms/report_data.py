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

from giamngheo.transforms import report_tables as tables
from giamngheo.transforms.aggregate import rate_pct
from giamngheo.transforms.issues import Issue
from giamngheo.transforms.planning import Goal
from giamngheo.transforms.privacy import shareable
from giamngheo.transforms.registry import Hierarchy, list_date, registry_on
from giamngheo.transforms.reorganisation import unassigned_since
from giamngheo.transforms.report_scope import (
    PART_WORDS,
    Scope,
    listed_parts,
    place_name,
    signer,
    village_labels,
    village_order,
)
from giamngheo.transforms.report_tables import Difference, Gaps
from giamngheo.transforms.rules import ERROR
from giamngheo.transforms.standards import Catalog, Standard, shipped
from giamngheo.transforms.vietnamese import vi_int

STATUS_VI = {"loaded": "Đã nạp", "rejected": "Bị từ chối", "superseded": "Bị thay thế"}
KIND_VI = {"households": "Danh sách hộ", "plan": "Kế hoạch", "unreadable": "Không đọc được"}
FINDINGS_PER_FILE = 20
ERROR_VI, WARNING_VI = "Lỗi", "Cảnh báo"


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
    findings, counted = _findings(t, sc, plan_communes)
    dropped, dropped_note = _dropped(t, inside, before)
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
        completeness=_completeness(t, sc, counted),
        findings=findings,
        gaps=gaps,
        notes=_unit_notes(t, sc),
        dropped=dropped,
        dropped_note=dropped_note,
        sources=_sources(t, inside, {r.code for r in sc.rows} | plan_communes),
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
    for village in _left_out(t, sc):
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


@dataclass(frozen=True)
class _Orphan:
    code: str
    name: str
    commune: str  # the name of the commune it last belonged to
    since: dt.date | None  # the day that commune ended


def _left_out(t: YearFrames, sc: Scope) -> list[_Orphan]:
    """The villages that last belonged to the unit and that no commune holds on the report's
    units: a commune merged in part, the village not yet assigned (reports of years placed
    after the merge, or on today's units)."""
    if t.registry is None:
        return []
    since, last = t.unassigned
    placed = set(t.units["code"])
    out = []
    for code in sorted(set(since) - placed, key=village_order):
        chain, at = [], code
        while at in last.index and at not in chain:
            chain.append(at)
            at = last.at[at, "parent_code"]
        if sc.code in chain[1:]:
            commune = last.at[chain[1], "name"] if len(chain) > 1 else "?"
            out.append(_Orphan(code, last.at[code, "name"], commune, since[code]))
    return out


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
        groups = tables.plan_groups(row, plans, t.former_names)
        table = tables.plan_table(figures, row, t.labels, groups)
        differences = tables.plan_differences(table)
        lines, files = [], []
        several = len(groups) > 1
        for group in groups:
            if group.plan is None:
                continue
            total = table[(table["kind"] != tables.VILLAGE) & (table["group"] == group.commune)]
            total = total.iloc[0] if several else table.iloc[-1]
            covered = set(group.villages) if several else set(row.villages)
            nxt = [following[v] for v in covered if v in following]
            # the next year's figures, once every village listed this year has its list
            complete = bool(nxt) and all(v in following for v in covered & listed)
            line, _ = tables.goal_line(
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
        notes = tables.plan_notes(table, differences, t.year)
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


@dataclass(frozen=True)
class _Finding:
    """One finding of the report's lists and plans, and what it is counted in."""

    unit: str
    file: str
    cell: str
    level: str
    message: str
    villages: frozenset[str]  # the villages whose rows count it (none: only the first row)


def _all_findings(t: YearFrames, sc: Scope, plan_communes: set[str]) -> list[_Finding]:
    """Every finding of the unit's lists and plans, in words as it may leave the warehouse (a
    value that may name someone is '…'), with the villages it belongs to."""
    orphans = _left_out(t, sc)
    plan_villages: dict[str, frozenset[str]] = {}
    if len(t.plans):
        for commune, rows in t.plans.groupby("commune_code"):
            plan_villages[commune] = frozenset(rows["village_code"].dropna()) & sc.villages
    communes = {r.code for r in sc.rows if r.level == "commune"} | plan_communes
    mine = t.findings[
        t.findings["village_code"].isin(sc.villages | {o.code for o in orphans})
        | (t.findings["village_code"].isna() & t.findings["commune_code"].isin(communes))
    ]
    out = [
        _Finding(
            o.name,
            "",
            "",
            WARNING_VI,
            f"{o.name} ({o.code}) của {o.commune} chưa thuộc xã nào"
            + (f" từ ngày {o.since:%d/%m/%Y}" if o.since else "")
            + ": xã của thôn bị nhập một phần, cần tệp gán thôn (giamngheo registry import) "
            "để cộng thôn vào xã mới.",
            frozenset(),
        )
        for o in orphans
    ]
    for f in mine.itertuples(index=False):
        issue = shareable(
            Issue(
                f.code,
                f.severity,
                "",
                f.file_path,
                f.sheet,
                f.cell,
                f.column_name,
                f.value,
                f.message_vi,
                f.message_en,
            )
        )
        if isinstance(f.village_code, str):
            unit, covered = f.village_code, frozenset([f.village_code]) & sc.villages
        else:
            unit = f.commune_code
            covered = plan_villages.get(f.commune_code) or sc.row_villages(f.commune_code)
        out.append(
            _Finding(
                t.labels.get(unit, unit or ""),
                f.file_path,
                f.cell or "",
                ERROR_VI if f.severity == ERROR else WARNING_VI,
                issue.message_vi,
                covered,
            )
        )
    return out


def _findings(
    t: YearFrames, sc: Scope, plan_communes: set[str]
) -> tuple[pd.DataFrame, dict[str, list[int]]]:
    """The findings as listed (at most FINDINGS_PER_FILE per file, then a line saying how many
    more), and each row's counts of errors and warnings over every finding, listed or not."""
    found = _all_findings(t, sc, plan_communes)
    counts = {
        "errors": [0] * len(sc.rows),
        "warnings": [0] * len(sc.rows),
    }
    for f in found:
        key = "errors" if f.level == ERROR_VI else "warnings"
        for i, r in enumerate(sc.rows):
            if (f.villages & r.villages) or (i == 0 and not f.villages):
                counts[key][i] += 1
    rows: list[dict] = []
    by_file: dict[str, list[_Finding]] = {}
    for f in found:
        by_file.setdefault(f.file, []).append(f)
    for path, items in by_file.items():
        for k, f in enumerate(items):
            if k == FINDINGS_PER_FILE and path:
                rest = items[k:]
                errors = sum(1 for x in rest if x.level == ERROR_VI)
                rows.append(
                    {
                        "unit": "",
                        "file": path,
                        "cell": "",
                        "level": "",
                        "message": f"… và {vi_int(len(rest))} phát hiện khác trong tệp này "
                        f"({vi_int(errors)} lỗi, {vi_int(len(rest) - errors)} cảnh báo; xem "
                        "'giamngheo issues').",
                    }
                )
                break
            rows.append(
                {
                    "unit": f.unit,
                    "file": f.file,
                    "cell": f.cell,
                    "level": f.level,
                    "message": f.message,
                }
            )
    return pd.DataFrame(rows, columns=["unit", "file", "cell", "level", "message"]), counts


def _completeness(t: YearFrames, sc: Scope, counted: dict[str, list[int]]) -> pd.DataFrame:
    """Chất lượng dữ liệu: per row the units under it with lists (of those in the registry in
    force), its villages expected, submitted, rejected and missing, the reporting rates, and
    the errors and warnings listed beneath."""
    statuses = t.statuses.set_index("village_code")
    loaded = set(statuses.index[statuses["loaded"]])
    rejected = set(statuses.index[statuses["rejected_only"]])
    kept = set(statuses.index[statuses["rejected_kept"]]) if "rejected_kept" in statuses else set()
    parts_listed = listed_parts(sc, loaded)
    rows = []
    for i, r in enumerate(sc.rows):
        submitted = len(r.villages & loaded)
        refused = len(r.villages & rejected)
        expected = len(r.villages)
        whole = not r.bold or r.parts == len(r.children)  # every unit under it has villages
        note = ""
        if r.bold and not whole:
            note = (
                f"Danh mục chỉ có thôn của {len(r.children)}/{r.parts} "
                f"{PART_WORDS.get(r.part_level, 'đơn vị')}: tỷ lệ nộp theo thôn của cả đơn vị "
                "chưa tính được."
            )
        elif not r.bold:
            note = _missing_note(r.villages, loaded, rejected, kept, t.labels)
        rows.append(
            {
                "tt": r.tt,
                "unit_name": r.name,
                "bold": r.bold,
                "parts_expected": r.parts if r.bold else pd.NA,
                "parts_listed": parts_listed[i] if r.bold else pd.NA,
                "parts_rate_pct": rate_pct(parts_listed[i], r.parts) if r.bold else pd.NA,
                "villages_expected": expected,
                "villages_submitted": submitted,
                "villages_rejected_only": refused,
                "villages_missing": expected - submitted - refused,
                "reporting_rate_pct": rate_pct(submitted, expected) if whole else pd.NA,
                "errors": counted["errors"][i],
                "warnings": counted["warnings"][i],
                "note": note,
            }
        )
    return pd.DataFrame(rows)


def _missing_note(
    villages: frozenset[str], loaded: set, rejected: set, kept: set, labels: dict
) -> str:
    """Which villages of a commune are missing, rejected, or kept an older list."""

    def named(codes: set) -> str:
        return tables.named_villages(codes, labels)

    parts = []
    if villages & rejected:
        parts.append(f"bị từ chối: {named(villages & rejected)}")
    waiting = villages - loaded - rejected
    if waiting == villages:
        parts.append(f"chưa nộp danh sách nào ({len(villages)} thôn)")
    elif waiting:
        parts.append(f"chưa nộp: {named(waiting)}")
    if villages & kept:
        parts.append(f"tệp sửa bị từ chối, vẫn dùng danh sách đã nạp: {named(villages & kept)}")
    return "; ".join(parts)


def _dropped(t: YearFrames, inside: frozenset[str], before: set) -> tuple[pd.DataFrame, str]:
    """The households of last year's poor lists that this year's lists leave out, or, without
    a list of last year, why they cannot be told."""
    columns = ["village", "household_code", "reason"]
    if not before:
        note = (
            f"Chưa có danh sách năm {t.year - 1}: không xét được hộ nghèo năm {t.year - 1} nào "
            f"không còn trong danh sách năm {t.year}."
        )
        return pd.DataFrame(columns=columns), note
    dropped = t.dropped[t.dropped["village_code"].isin(inside)]
    frame = pd.DataFrame(
        {
            "village": [t.labels.get(v, v) for v in dropped["village_code"]],
            "household_code": dropped["household_code"].tolist(),
            "reason": "không có trong danh sách năm nay; xã cần cho biết lý do (chuyển đi, "
            "tách hộ, chết, hay thoát nghèo mà chưa ghi vào danh sách)",
        },
        columns=columns,
    )
    return frame, ""


def _sources(t: YearFrames, villages: frozenset[str], codes: set[str]) -> pd.DataFrame:
    s = t.sources
    mine = s[s["village_code"].isin(villages) | s["commune_code"].isin(codes)]
    return mine.assign(
        kind=mine["kind"].map(KIND_VI).fillna(mine["kind"]),
        status=mine["status"].map(STATUS_VI).fillna(mine["status"]),
        processed=pd.to_datetime(mine["processed_at"]).dt.strftime("%d/%m/%Y %H:%M"),
    )
