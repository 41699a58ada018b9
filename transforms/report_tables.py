"""Report tables as DataFrames, in the order and with the figures the official forms print.

Every table sums village-level figures into the rows of a `Scope`, so a report and the
warehouse views cannot disagree. A figure that cannot be computed (no list, no previous year's
list, no target) is missing (<NA>), never 0: the workbook leaves it blank and says why. A row
sums exactly the villages it says it sums, and every rate comes from `aggregate.rate_pct`
(half up, from the totals).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from giamngheo.transforms.aggregate import COUNT_COLUMNS, add_rates, rate_pct
from giamngheo.transforms.planning import Goal
from giamngheo.transforms.report_scope import (
    ReportRow,
    Scope,
    listed_parts,
    parts_words,
    place_name,
    village_order,
)
from giamngheo.transforms.vietnamese import vi_int, vi_pct

# Columns of "Tổng hợp kết quả rà soát", after TT and Phường/Xã.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "total_households",
    "total_persons",
    "poor_households",
    "poor_rate_pct",
    "near_poor_households",
    "near_poor_rate_pct",
    "average_households",
    "average_rate_pct",
    "poor_persons",
    "poor_persons_rate_pct",
    "near_poor_persons",
    "near_poor_persons_rate_pct",
    "average_persons",
    "average_persons_rate_pct",
)

# Official columns 2–8 of "Tổng hợp diễn biến" for each status (see views/household_dynamics.sql).
DYNAMICS_COLUMNS: dict[str, tuple[str, ...]] = {
    "poor": (
        "out_improved_to_near_poor",
        "out_above_near_poor",
        "out_other",
        "in_from_near_poor",
        "in_returning",
        "in_new",
        "in_other",
    ),
    "near_poor": (
        "out_above_near_poor",
        "out_to_poor",
        "out_other",
        "in_from_poor",
        "in_returning",
        "in_new",
        "in_other",
    ),
}
MEASURES = (("households", "Hộ"), ("persons", "Nhân khẩu"))
STATUS_WORDS = {"poor": "hộ nghèo", "near_poor": "hộ cận nghèo"}
RETURNING_WORDS = {"poor": "tái nghèo", "near_poor": "tái cận nghèo"}
NAMED_AT_MOST = 3  # villages named in a row's note, before "và N thôn khác"


def _frame(scope: Scope, listed: set[str] | frozenset[str] | None = None) -> pd.DataFrame:
    """TT, code, name and boldness of each row; with `listed`, a bold row that sums only some
    of its units says so in its name ("Thành phố Huế (cộng 5/40 xã, phường có số liệu)")."""
    names = [r.name for r in scope.rows]
    if listed is not None:
        for i, (r, count) in enumerate(zip(scope.rows, listed_parts(scope, listed), strict=True)):
            words = parts_words(r, count)
            if words:
                names[i] = f"{r.name} ({words})"
    return pd.DataFrame(
        {
            "tt": [r.tt for r in scope.rows],
            "unit_code": [r.code for r in scope.rows],
            "unit_name": names,
            "bold": [r.bold for r in scope.rows],
        }
    )


def _members(scope: Scope) -> pd.DataFrame:
    """(row index, village) for every village each row covers."""
    pairs = [(i, v) for i, r in enumerate(scope.rows) for v in r.villages]
    return pd.DataFrame(pairs, columns=["row", "village_code"])


def _sum_by_row(scope: Scope, frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """`columns` of a village-level frame summed into the scope's rows; missing where a row has
    no village in the frame. A column with a missing value in any of its villages stays
    missing (a partial sum would read as a real one)."""
    members = _members(scope).merge(frame[["village_code", *columns]], on="village_code")
    grouped = members.groupby("row")
    sums = grouped[columns].sum(min_count=1)
    incomplete = members[columns].isna().groupby(members["row"]).any()
    sums = sums.mask(incomplete)
    return sums.reindex(range(len(scope.rows)))


def summary_table(villages: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """Tổng hợp: households and persons by class per row, with rates from the totals.

    `villages` is a village summary of the year (`village_poverty`). A row without any list
    is empty; `listed` and `expected` count its villages with a list and in the registry, and
    a bold row that sums only some of its units says how many in its name.
    """
    listed = set(villages["village_code"])
    counts = _sum_by_row(scope, villages, list(COUNT_COLUMNS)).astype("Int64")
    out = pd.concat([_frame(scope, listed), add_rates(counts).reset_index(drop=True)], axis=1)
    out["listed"] = [len(r.villages & listed) for r in scope.rows]
    out["expected"] = [len(r.villages) for r in scope.rows]
    columns = ["tt", "unit_code", "unit_name", "bold", *SUMMARY_COLUMNS, "listed", "expected"]
    if "local_poor_households" in villages and villages["local_poor_households"].notna().any():
        local = _sum_by_row(scope, villages, list(LOCAL_COUNTS)).astype("Int64")
        local = local.reset_index(drop=True)
        totals = out["total_households"]
        for count in LOCAL_COUNTS:
            out[count] = local[count]
            out[count.replace("_households", "_rate_pct")] = rate_pct(local[count], totals)
        columns += LOCAL_COLUMNS
    return out[columns]


# The class counts under a province's own standard, beside the national ones.
LOCAL_COUNTS = ("local_poor_households", "local_near_poor_households")
LOCAL_COLUMNS = [
    "local_poor_households",
    "local_poor_rate_pct",
    "local_near_poor_households",
    "local_near_poor_rate_pct",
]


def named_villages(codes: list[str] | set[str], labels: dict[str, str]) -> str:
    """Villages by their labels, in form order, the first few of many."""
    ordered = sorted(codes, key=village_order)
    shown = ", ".join(labels.get(v, v) for v in ordered[:NAMED_AT_MOST])
    rest = len(ordered) - NAMED_AT_MOST
    return shown + (f" và {rest} thôn khác" if rest > 0 else "")


@dataclass(frozen=True)
class Gaps:
    """Villages of a row whose movements cannot be followed: no list of the year before, or
    none of this year (while they had one before)."""

    unit_code: str
    unit_name: str
    no_previous: tuple[str, ...]
    no_current: tuple[str, ...]


def dynamics_table(
    dynamics: pd.DataFrame,
    listed: set[str],
    listed_before: set[str],
    scope: Scope,
    status: str,
    year: int,
    labels: dict[str, str],
    with_history: set[str] | frozenset[str],
) -> tuple[pd.DataFrame, list[Gaps]]:
    """Tổng hợp diễn biến (hộ nghèo or hộ cận nghèo): per row two lines (Hộ, Nhân khẩu),
    columns 1–9 of the form and a note, and the rows' gaps.

    Every column of a row is summed over the same villages: those with both years' lists
    (`dynamics` has rows only for those), so column 9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8 holds on
    every row that is not blank; the note says when that is not every village of the row. A
    row with no village having both years is blank. Households coming back into the status
    (column 6) can be told from new ones (column 7) only where a list older than the year
    before exists (`with_history`, villages with one): elsewhere column 6 is blank and its
    households are counted in column 7, as the note says.
    """
    columns = ["start", *DYNAMICS_COLUMNS[status], "end"]
    rows = dynamics[dynamics["status"] == status]
    now = [r.villages & listed for r in scope.rows]
    before = [r.villages & listed_before for r in scope.rows]
    both = [n & b for n, b in zip(now, before, strict=True)]
    empty = np.array([not b for b in both], dtype=bool)
    unsplit = np.array([bool(b - with_history) for b in both], dtype=bool) & ~empty
    # where no village has an older list, the sheet says it once (`returning_unknown`)
    say_per_row = bool(set().union(*both) & set(with_history))
    parts = []
    for measure, label in MEASURES:
        sums = _sum_by_row(scope, rows[rows["measure"] == measure], columns).astype("Int64")
        sums = sums.mask(pd.DataFrame({c: empty for c in columns}, index=sums.index))
        folded = sums["in_new"] + sums["in_returning"].fillna(0)
        sums["in_new"] = sums["in_new"].mask(unsplit, folded)
        sums["in_returning"] = sums["in_returning"].mask(unsplit)
        part = pd.concat([_frame(scope, set().union(*both)), sums.reset_index(drop=True)], axis=1)
        notes = [""] * len(part)
        if measure == "households":
            notes = [
                _dynamics_note(r, n, b, c, split and say_per_row, status, year, labels)
                for r, n, b, c, split in zip(scope.rows, now, before, both, unsplit, strict=True)
            ]
        parts.append(part.assign(measure=label, note=notes, order=range(len(part))))
    out = pd.concat(parts, ignore_index=True)
    out["_m"] = out["measure"].map({label: k for k, (_, label) in enumerate(MEASURES)})
    out = out.sort_values(["order", "_m"]).drop(columns=["order", "_m"]).reset_index(drop=True)
    out = out.rename(columns={c: f"c{i}" for i, c in enumerate(columns, start=1)})
    gaps = [
        Gaps(
            r.code,
            r.name,
            tuple(sorted((r.villages & listed) - listed_before, key=village_order)),
            tuple(sorted((r.villages & listed_before) - listed, key=village_order)),
        )
        for r in scope.leaves
        if (r.villages & listed) ^ (r.villages & listed_before)
    ]
    return out, gaps


def returning_unknown(status: str, year: int) -> str:
    """Why column 6 is blank on every row: no list older than the year before anywhere."""
    return (
        f"Cột 6 để trống: chưa có danh sách trước năm {year - 1} để biết hộ "
        f"{RETURNING_WORDS[status]}; các hộ này tính ở cột 7 (phát sinh mới)."
    )


def _dynamics_note(
    row: ReportRow,
    now: frozenset[str],
    before: frozenset[str],
    both: frozenset[str],
    unsplit: bool,
    status: str,
    year: int,
    labels: dict[str, str],
) -> str:
    """Which villages a Diễn biến row sums, when not every village with a list in either year,
    and why column 6 is blank."""
    seen = now | before
    parts = []
    if not both:
        if seen:
            parts.append(f"Để trống: không thôn nào có đủ danh sách năm {year - 1} và {year}.")
    elif both != seen:
        parts.append(
            f"Chỉ gồm {len(both)}/{len(seen)} thôn có đủ danh sách năm {year - 1} và {year}."
        )
    if seen and both != seen and not row.bold:
        if now - before:
            parts.append(f"Thiếu danh sách năm {year - 1}: {named_villages(now - before, labels)}.")
        if before - now:
            parts.append(f"Chưa có danh sách năm {year}: {named_villages(before - now, labels)}.")
    if unsplit:
        parts.append(returning_unknown(status, year))
    return " ".join(parts)


def indicator_column(number: int) -> str:
    """The column of the indicator numbered `number` in a Thiếu hụt table ("i09")."""
    return f"i{number:02d}"


def deprivation_table(
    deprivations: pd.DataFrame, listed: set[str], scope: Scope, status: str, numbers: int
) -> pd.DataFrame:
    """Phân tích các chỉ số thiếu hụt (of poor or near-poor households): households, all
    deprivations, and for each of the `numbers` indicators of the year's standard its
    deprived households (i01 …) and their share of the status's households (i01_pct …).
    `deprivations` is `deprivation_by_indicator` of the year (one row per village, status and
    indicator). A row without any list is empty; a row whose lists have no household of the
    status is 0."""
    rows = deprivations[deprivations["status"] == status]
    indicators = [indicator_column(n) for n in range(1, numbers + 1)]
    per_village = rows.drop_duplicates("village_code")[
        ["village_code", "households", "deprivations"]
    ]
    if len(rows):
        counts = rows.pivot_table(
            index="village_code",
            columns="indicator_number",
            values="deprived_households",
            aggfunc="sum",
        ).rename(columns=indicator_column)
        per_village = per_village.merge(counts.reset_index(), on="village_code", how="left")
    per_village = per_village.reindex(
        columns=["village_code", "households", "deprivations", *indicators]
    )
    columns = ["households", "deprivations", *indicators]
    table = _sum_by_row(scope, per_village, columns).astype("Int64").reset_index(drop=True)
    # no household of the status is 0; no list, empty
    has_list = np.array([bool(r.villages & listed) for r in scope.rows], dtype=bool)
    table = table.fillna(0).mask(pd.DataFrame({c: ~has_list for c in columns})).astype("Int64")
    for col in indicators:
        table[f"{col}_pct"] = rate_pct(table[col], table["households"])
    return pd.concat([_frame(scope, listed), table], axis=1)


MET = "Đạt"
NOT_MET = "Không đạt"


def village_exits(next_dynamics: pd.DataFrame) -> dict[str, int]:
    """Households that left poverty in each village, from the next year's movements (columns
    2 + 3): known only for the villages with both years' lists."""
    poor = next_dynamics[
        (next_dynamics["status"] == "poor") & (next_dynamics["measure"] == "households")
    ]
    exits = poor["out_improved_to_near_poor"] + poor["out_above_near_poor"]
    return dict(zip(poor["village_code"].tolist(), exits.astype(int).tolist(), strict=True))


def targets_table(
    villages: pd.DataFrame,
    targets: pd.DataFrame,
    next_dynamics: pd.DataFrame,
    scope: Scope,
    year: int,
) -> pd.DataFrame:
    """Chỉ tiêu & thực hiện: per row the poor households at the start of the year, the target
    set for it, the households that actually left poverty (from the next year's lists) and the
    verdict, with a note on what they cover.

    A row's target is the sum of the targets its villages were given (a blank target is no
    target, not 0); its exits are counted over exactly those villages, so the verdict compares
    like with like. A row with no target shows the exits of its villages with this year's list
    and no verdict. "Đạt" / "Không đạt" only where a target is set and every village it covers
    has the next year's list.
    """
    listed = set(villages["village_code"])
    poor = dict(zip(villages["village_code"], villages["poor_households"], strict=True))
    total = dict(zip(villages["village_code"], villages["total_households"], strict=True))
    set_targets = targets.dropna(subset=["target_households"])
    target = dict(
        zip(set_targets["village_code"], set_targets["target_households"].astype(int), strict=True)
    )
    exits = village_exits(next_dynamics)
    records = []
    for r in scope.rows:
        now = r.villages & listed
        covered = r.villages & set(target)
        counted = covered if covered else now
        known = bool(counted) and counted <= set(exits)
        record = {
            "poor_households": sum(int(poor[v]) for v in now) if now else pd.NA,
            "target_households": sum(target[v] for v in covered) if covered else pd.NA,
            "actual_exits": sum(exits[v] for v in counted) if known else pd.NA,
            "row_total": sum(int(total[v]) for v in now) if now else pd.NA,
        }
        if not now:
            verdict = f"Chưa có danh sách năm {year}"
        elif not covered:
            verdict = "Chưa giao chỉ tiêu"
        elif not known:
            verdict = f"Chưa có danh sách năm {year + 1}"
        else:
            verdict = MET if record["actual_exits"] >= record["target_households"] else NOT_MET
        record["verdict"] = verdict
        record["note"] = _targets_note(r, now, covered, counted, known, exits, year)
        records.append(record)
    table = pd.DataFrame(records).astype(
        {"poor_households": "Int64", "target_households": "Int64", "actual_exits": "Int64"}
    )
    table["target_rate_pct"] = rate_pct(
        table["target_households"], table.pop("row_total").astype("Int64")
    )
    return pd.concat([_frame(scope, listed), table], axis=1)


def _targets_note(row, now, covered, counted, known, exits, year) -> str:
    if not now:
        return ""
    parts = []
    if covered and covered != row.villages:
        parts.append(
            f"Chỉ tiêu giao cho {len(covered)}/{len(row.villages)} thôn; thoát nghèo tính "
            "trên các thôn đó."
        )
    if counted and not known:
        waiting = len(counted - set(exits))
        parts.append(f"Còn {waiting} thôn chưa có danh sách năm {year + 1}.")
    return " ".join(parts)


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
