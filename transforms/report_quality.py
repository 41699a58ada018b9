"""The data-quality side of a report: each unit's lists received and missing, the findings of
its files (counted as the lists they head), the households a list dropped, and the files
every figure came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from giamngheo.transforms import report_tables as tables
from giamngheo.transforms.aggregate import rate_pct
from giamngheo.transforms.issues import Issue
from giamngheo.transforms.privacy import shareable
from giamngheo.transforms.report_scope import PART_WORDS, Scope, listed_parts, village_order
from giamngheo.transforms.rules import ERROR
from giamngheo.transforms.vietnamese import vi_int

if TYPE_CHECKING:
    from giamngheo.transforms.report_data import YearFrames

STATUS_VI = {"loaded": "Đã nạp", "rejected": "Bị từ chối", "superseded": "Bị thay thế"}
KIND_VI = {"households": "Danh sách hộ", "plan": "Kế hoạch", "unreadable": "Không đọc được"}
FINDINGS_PER_FILE = 20
ERROR_VI, WARNING_VI = "Lỗi", "Cảnh báo"


@dataclass(frozen=True)
class Orphan:
    code: str
    name: str
    commune: str  # the name of the commune it last belonged to
    since: dt.date | None  # the day that commune ended


def left_out(t: YearFrames, sc: Scope) -> list[Orphan]:
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
            out.append(Orphan(code, last.at[code, "name"], commune, since[code]))
    return out


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
    orphans = left_out(t, sc)
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


def findings(
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


def completeness(t: YearFrames, sc: Scope, counted: dict[str, list[int]]) -> pd.DataFrame:
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


def dropped(t: YearFrames, inside: frozenset[str], before: set) -> tuple[pd.DataFrame, str]:
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


def sources(t: YearFrames, villages: frozenset[str], codes: set[str]) -> pd.DataFrame:
    s = t.sources
    mine = s[s["village_code"].isin(villages) | s["commune_code"].isin(codes)]
    return mine.assign(
        kind=mine["kind"].map(KIND_VI).fillna(mine["kind"]),
        status=mine["status"].map(STATUS_VI).fillna(mine["status"]),
        processed=pd.to_datetime(mine["processed_at"]).dt.strftime("%d/%m/%Y %H:%M"),
    )
