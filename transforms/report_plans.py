"""The commune plan's sheet as tables: a commune's plan table in the layout of its plan (a
group per former commune, each with its subtotal), the plan's own figures beside the
recomputed ones, the differences explained, and the line that says whether the goal is met.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from giamngheo.transforms.aggregate import rate_pct
from giamngheo.transforms.planning import Goal
from giamngheo.transforms.report_scope import (
    ReportRow,
    place_name,
    village_order,
)
from giamngheo.transforms.vietnamese import vi_int, vi_pct

PLAN_FIGURES = ("poor_households", "poor_rate_pct", "target_households", "target_rate_pct")
VILLAGE, SUBTOTAL, TOTAL = "village", "subtotal", "total"


@dataclass(frozen=True)
class VillageFigures:
    """Each village's figures of the year and its reduction target, by village code: built
    once for the many communes of a report. A village without a target has none here."""

    total: dict[str, int]
    poor: dict[str, int]
    rate: dict[str, float]
    target: dict[str, int]

    @classmethod
    def of(cls, villages: pd.DataFrame, targets: pd.DataFrame) -> VillageFigures:
        codes = villages["village_code"].tolist()

        def by_code(column: str) -> dict:
            return dict(zip(codes, villages[column].tolist(), strict=True))

        set_targets = targets.dropna(subset=["target_households"])
        return cls(
            total=by_code("total_households"),
            poor=by_code("poor_households"),
            rate=by_code("poor_rate_pct"),
            target=dict(
                zip(
                    set_targets["village_code"].tolist(),
                    set_targets["target_households"].astype(int).tolist(),
                    strict=True,
                )
            ),
        )


@dataclass(frozen=True)
class PlanGroup:
    """The villages of a commune sheet first coded under one commune (its former commune,
    where several merged), and that commune's own plan table, if one was loaded."""

    commune: str  # the code the villages were first given under
    name: str  # "Xã Điền Hòa"
    villages: tuple[str, ...]
    plan: pd.DataFrame | None = None


def plan_groups(
    row: ReportRow,
    plans: dict[str, pd.DataFrame],
    names: dict[str, str],
) -> list[PlanGroup]:
    """The groups of a commune sheet, in form order: one per former commune of its villages
    (one only, where the commune did not merge), each with its plan (`plans` by commune)."""
    groups: dict[str, list[str]] = {}
    for code in sorted(row.villages, key=village_order):
        groups.setdefault(code.rpartition("-")[0], []).append(code)
    if len(groups) <= 1:
        only = next(iter(groups), row.code)
        plan = plans.get(row.code, plans.get(only))
        return [PlanGroup(only, row.name, tuple(groups.get(only, ())), plan)]
    return [
        PlanGroup(commune, names.get(commune, commune), tuple(codes), plans.get(commune))
        for commune, codes in groups.items()
    ]


def plan_table(
    figures: VillageFigures,
    row: ReportRow,
    labels: dict[str, str],
    groups: list[PlanGroup],
) -> pd.DataFrame:
    """One commune in the layout of its plan: Stt · Đơn vị · Hộ nghèo năm Y (Hộ, Tỷ lệ %) ·
    Chỉ tiêu giảm nghèo năm Y (Hộ, Tỷ lệ %), one row per village and a Tổng cộng row, as the
    lists compute them; beside them, what each loaded plan wrote (`plan_*`). A commune that
    holds villages of several former communes has a subtotal row per former commune ("Cộng
    Điền Hòa cũ"), where that commune's plan total is set beside its villages' figures.

    Target rates are target households ÷ the village's total households; totals' rates come
    from the totals. A village without a list keeps its row, empty; a total over villages of
    which some have no list sums those with one and is marked `submitted` False.
    """
    rows: list[dict] = []
    number = 0
    subtotals = len(groups) > 1
    for group in groups:
        written = _written(group.plan)
        first = len(rows)
        for code in group.villages:
            number += 1
            listed = code in figures.total
            total = figures.total[code] if listed else pd.NA
            target = figures.target.get(code, pd.NA)
            rows.append(
                {
                    "stt": str(number),
                    "village_code": code,
                    "unit_name": labels.get(code, code),
                    "kind": VILLAGE,
                    "total_households": total,
                    "poor_households": figures.poor[code] if listed else pd.NA,
                    "poor_rate_pct": figures.rate[code] if listed else pd.NA,
                    "target_households": target,
                    "target_rate_pct": rate_pct(target, total) if listed else pd.NA,
                    "submitted": listed,
                    "villages": 1,
                    "listed": int(listed),
                    "group": group.commune,
                    **{f"plan_{k}": written.get(code, {}).get(k, pd.NA) for k in PLAN_FIGURES},
                }
            )
        if subtotals:
            name = f"Cộng {place_name(group.name)} cũ"
            rows.append(_total_row(rows[first:], SUBTOTAL, name, group.commune, written))
    own = _written(groups[0].plan) if not subtotals else {}
    villages = [r for r in rows if r["kind"] == VILLAGE]
    rows.append(_total_row(villages, TOTAL, "Tổng cộng", row.code, own))
    columns = ["stt", "village_code", "unit_name", "kind", "total_households", "poor_households"]
    columns += ["poor_rate_pct", "target_households", "target_rate_pct", "submitted"]
    columns += ["villages", "listed", "group"]
    table = pd.DataFrame(rows, columns=[*columns, *(f"plan_{k}" for k in PLAN_FIGURES)])
    table["is_total"] = table["kind"] != VILLAGE
    return table


def _total_row(rows: list[dict], kind: str, name: str, code: str, written: dict) -> dict:
    """The sum of `rows` over the villages with a list (every figure over the same ones)."""
    done = [r for r in rows if r["submitted"]]

    def total_of(column: str, of: list[dict]) -> int:
        return int(sum(r[column] for r in of if not pd.isna(r[column])))

    households = total_of("total_households", done) if done else pd.NA
    poor = total_of("poor_households", done) if done else pd.NA
    has_targets = any(not pd.isna(r["target_households"]) for r in done)
    target = total_of("target_households", done) if has_targets else pd.NA
    return {
        "stt": "",
        "village_code": code,
        "unit_name": name,
        "kind": kind,
        "total_households": households,
        "poor_households": poor,
        "poor_rate_pct": rate_pct(poor, households) if done else pd.NA,
        "target_households": target,
        "target_rate_pct": rate_pct(target, households) if has_targets and done else pd.NA,
        "submitted": bool(done) and len(done) == len(rows),
        "villages": len(rows),
        "listed": len(done),
        "group": code,
        **{f"plan_{k}": written.get(None, {}).get(k, pd.NA) for k in PLAN_FIGURES},
    }


def _written(plan: pd.DataFrame | None) -> dict[str | None, dict[str, float]]:
    """The figures a plan table wrote, by village (None: its Tổng cộng row)."""
    if plan is None or plan.empty:
        return {}
    out = {}
    for row in plan.to_dict("records"):
        if row["is_total"]:
            out[None] = {k: row[k] for k in PLAN_FIGURES}
        elif isinstance(row["village_code"], str):
            out[row["village_code"]] = {k: row[k] for k in PLAN_FIGURES}
    return out


@dataclass(frozen=True)
class Difference:
    """A figure the plan wrote that its own inputs contradict: where, both values, and why."""

    row: int
    column: str
    written: float
    computed: float
    explanation: str


def plan_differences(table: pd.DataFrame) -> list[Difference]:
    """Every figure of a commune's plan that differs from the one its lists compute, explained
    ("Kế hoạch ghi 3,99 %; tính lại: 5 ÷ 1.415 × 100 = 0,35 %"). A figure of a village without
    a list, or of a total over villages of which some have none, is not compared: the lists
    cannot say what it should be (`plan_notes` says so)."""
    out: list[Difference] = []
    for i, row in table.iterrows():
        if not row["submitted"]:
            continue
        for column in PLAN_FIGURES:
            written, computed = row[f"plan_{column}"], row[column]
            if pd.isna(written):
                continue
            if pd.isna(computed):
                if not column.startswith("target"):
                    continue
                computed = 0  # no target set: what the plan wrote is compared with none
            if round(float(written), 2) == round(float(computed), 2):
                continue
            out.append(
                Difference(i, column, float(written), float(computed), _why(row, column, written))
            )
    return out


def _why(row: pd.Series, column: str, written: float) -> str:
    if column.endswith("_rate_pct"):
        count = row[column.replace("_rate_pct", "_households")]
        count = 0 if pd.isna(count) else int(count)
        total = int(row["total_households"])
        rate = rate_pct(count, total)
        return (
            f"Kế hoạch ghi {vi_pct(written)} %; tính lại: {count} ÷ {vi_int(total)} × 100 = "
            f"{vi_pct(rate)} %"
        )
    computed = row[column]
    what = "hộ nghèo" if column == "poor_households" else "hộ chỉ tiêu"
    return (
        f"Kế hoạch ghi {vi_int(int(written))} {what}; danh sách của thôn có "
        f"{vi_int(int(computed) if pd.notna(computed) else 0)}"
    )


def plan_notes(table: pd.DataFrame, differences: list[Difference], year: int) -> list[str]:
    """The Ghi chú column of a commune sheet: why a row is blank or not compared with its
    plan, and each difference explained."""
    notes = []
    for row in table.itertuples(index=False):
        wrote = any(pd.notna(getattr(row, f"plan_{k}")) for k in PLAN_FIGURES)
        if row.kind == VILLAGE:
            text = "" if row.submitted else f"Chưa có danh sách năm {year}"
            if text and wrote:
                text += ": không đối chiếu được với kế hoạch"
        elif not row.submitted:
            text = f"Chỉ cộng {row.listed}/{row.villages} thôn có danh sách năm {year}"
            if wrote:
                text += "; không đối chiếu với số kế hoạch ghi"
        else:
            text = ""
        notes.append(text)
    for d in differences:
        notes[d.row] = (notes[d.row] + "; " if notes[d.row] else "") + d.explanation
    return notes


def goal_line(
    total: pd.Series, goal: Goal | None, next_poor: int | None, next_total: int | None
) -> tuple[str, bool | None]:
    """A plan's goal ("giảm còn dưới 1 % hộ nghèo", "giảm xuống còn 0,9 %") against its
    targets, and against the next year's lists when they are in: the sentence and whether the
    goal was met (None when it cannot be told). `total` is the row of the villages the plan
    covers (its Tổng cộng, or its former commune's subtotal)."""
    if goal is None:
        return "", None
    verb = "giảm xuống" if goal.at_most else "giảm còn"  # "… còn 0,90 %" / "… dưới 1,00 %"
    parts = [f"Mục tiêu của kế hoạch: {verb} {goal.words} hộ nghèo."]
    if pd.isna(total["total_households"]) or not total["submitted"]:
        listed = int(total.get("listed", 0) or 0)
        parts.append(
            f"Chưa đủ danh sách của các thôn ({listed}/{int(total['villages'])}): chưa tính được "
            "các chỉ tiêu có đủ để đạt mục tiêu không."
        )
        return " ".join(parts), None
    households = int(total["total_households"])
    if pd.notna(total["target_households"]) and pd.notna(total["poor_households"]):
        remaining = int(total["poor_households"]) - int(total["target_households"])
        planned = goal.met(remaining, households)
        parts.append(
            f"Nếu đạt các chỉ tiêu còn {vi_int(remaining)} hộ nghèo trên {vi_int(households)} hộ "
            f"= {vi_pct(rate_pct(remaining, households))} %: "
            + (
                "các chỉ tiêu đủ để đạt mục tiêu."
                if planned
                else "các chỉ tiêu CHƯA đủ để đạt mục tiêu."
            )
        )
    met = None
    if next_poor is not None and next_total:
        met = goal.met(next_poor, next_total)
        parts.append(
            f"Thực tế theo danh sách năm sau: {vi_int(next_poor)} hộ nghèo trên "
            f"{vi_int(next_total)} hộ = {vi_pct(rate_pct(next_poor, next_total))} %: "
            + ("ĐẠT mục tiêu." if met else "KHÔNG ĐẠT mục tiêu.")
        )
    else:
        parts.append("Kết quả: chưa có danh sách năm sau.")
    return " ".join(parts), met
