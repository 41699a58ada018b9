"""Report tables as DataFrames, in the order and with the figures the official forms print.

A report is about one unit (a province, a district or a commune) and one year. Its rows (the
`Scope`) are the unit and the units under it, each covering a set of villages, numbered as
the forms number them (TT "1", "1.1", …). Every table sums village-level figures into those
rows, so a report and the warehouse views cannot disagree. A figure that cannot be computed
(no list, no previous year's list, no target) is missing (<NA>), never 0: the workbook leaves
it blank and says why.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from giamngheo.transforms.aggregate import COUNT_COLUMNS, add_rates, rate_pct
from giamngheo.transforms.planning import Goal
from giamngheo.transforms.vietnamese import vi_int, vi_pct

# Columns of "Tổng hợp kết quả rà soát" (DESIGN §7), after TT and Phường/Xã.
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
INDICATORS = tuple(f"d{i:02d}" for i in range(1, 13))

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
_CHILD_LEVEL = {"province": "commune", "district": "commune", "commune": "village"}
_UNIT_PREFIX = (
    "Thành phố ",
    "Thị trấn ",
    "Thị xã ",
    "Tỉnh ",
    "Huyện ",
    "Quận ",
    "Phường ",
    "Xã ",
    "Đặc khu ",
)


@dataclass(frozen=True)
class ReportRow:
    """One row of a report: a unit, its number on the form, and the villages it covers."""

    tt: str
    code: str
    name: str
    level: str
    bold: bool
    villages: frozenset[str]


@dataclass(frozen=True)
class Scope:
    """What one report covers: the unit, and its rows in the order the forms print them."""

    code: str
    name: str
    level: str
    rows: tuple[ReportRow, ...]
    # Names of the communes under the unit that have no village in the registry, hence no row.
    without_villages: tuple[str, ...] = ()

    @property
    def villages(self) -> frozenset[str]:
        return frozenset().union(*(r.villages for r in self.rows))

    @property
    def leaves(self) -> tuple[ReportRow, ...]:
        """The rows that are not a sum of other rows (communes, or villages)."""
        return tuple(r for r in self.rows if not r.bold)

    @property
    def child_label(self) -> str:
        return "Thôn, tổ dân phố" if self.level == "commune" else "Phường/Xã"

    @property
    def place(self) -> str:
        """The unit's name as a place ("Huyện Phong Điền" → "Phong Điền")."""
        return place_name(self.name)


def place_name(name: str) -> str:
    for prefix in _UNIT_PREFIX:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def scope(units: pd.DataFrame, unit_code: str) -> Scope:
    """The rows of a report on `unit_code`, from the hierarchy in `units` (code, level, name,
    parent_code): a district or a province without districts, then its communes ("1",
    "1.1", …); a province with districts, its total first, then each district ("1", "2", …)
    and its communes ("1.1", …); a commune, then its villages."""
    known = units.set_index("code")
    unit = known.loc[unit_code]
    children = _children(units)

    def villages_of(code: str) -> frozenset[str]:
        level = known.at[code, "level"]
        if level == "village":
            return frozenset([code])
        return frozenset().union(*(villages_of(c) for c in children.get(code, [])))

    def row(tt: str, code: str, bold: bool) -> ReportRow:
        return ReportRow(
            tt, code, known.at[code, "name"], known.at[code, "level"], bold, villages_of(code)
        )

    level = unit["level"]
    under = children.get(unit_code, [])
    # A commune the registry has no village of can have no list: named in a note, not a row.
    empty = [
        c
        for c in _ordered([*under, *(k for c in under for k in children.get(c, []))], known)
        if known.at[c, "level"] == "commune" and level != "commune" and not villages_of(c)
    ]
    dropped = set(empty)
    children = {p: [c for c in kids if c not in dropped] for p, kids in children.items()}
    under = children.get(unit_code, [])
    districts = [c for c in under if known.at[c, "level"] == "district"]
    rows: list[ReportRow] = []
    if level == "province" and districts:
        rows.append(row("", unit_code, True))
        tops = districts + [c for c in under if known.at[c, "level"] == "commune"]
        for k, top in enumerate(tops, start=1):
            if known.at[top, "level"] == "district":
                rows.append(row(str(k), top, True))
                rows += [
                    row(f"{k}.{i}", c, False)
                    for i, c in enumerate(_ordered(children.get(top, []), known), start=1)
                ]
            else:
                rows.append(row(str(k), top, False))
    else:
        child_level = _CHILD_LEVEL.get(level, "village")
        rows.append(row("1", unit_code, True))
        kids = [c for c in under if known.at[c, "level"] == child_level]
        rows += [row(f"1.{i}", c, False) for i, c in enumerate(_ordered(kids, known), start=1)]
    names = tuple(known.at[c, "name"] for c in empty)
    return Scope(unit_code, unit["name"], level, tuple(rows), names)


def _children(units: pd.DataFrame) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for code, parent in zip(units["code"], units["parent_code"], strict=True):
        if isinstance(parent, str):
            out.setdefault(parent, []).append(code)
    return out


def _ordered(codes: list[str], known: pd.DataFrame) -> list[str]:
    """Units in their order on the forms: communes by code, villages by number (…-2 before
    …-10, whatever the padding)."""

    def key(code: str) -> tuple:
        if known.at[code, "level"] == "village" and "-" in code:
            number = code.rsplit("-", 1)[1]
            return (code.rsplit("-", 1)[0], int(number) if number.isdigit() else 0, code)
        return (code, 0, code)

    return sorted(codes, key=key)


def _frame(scope: Scope) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "tt": [r.tt for r in scope.rows],
            "unit_code": [r.code for r in scope.rows],
            "unit_name": [r.name for r in scope.rows],
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
    is empty; `listed` and `expected` count its villages with a list and in the registry.
    """
    counts = _sum_by_row(scope, villages, list(COUNT_COLUMNS)).astype("Int64")
    out = pd.concat([_frame(scope), add_rates(counts).reset_index(drop=True)], axis=1)
    listed = set(villages["village_code"])
    out["listed"] = [len(r.villages & listed) for r in scope.rows]
    out["expected"] = [len(r.villages) for r in scope.rows]
    return out[["tt", "unit_code", "unit_name", "bold", *SUMMARY_COLUMNS, "listed", "expected"]]


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
) -> tuple[pd.DataFrame, list[Gaps]]:
    """Tổng hợp diễn biến (hộ nghèo or hộ cận nghèo): per row two lines (Hộ, Nhân khẩu) and
    columns 1–9 of the form, and the rows' gaps.

    Movements are summed over the villages that have both years' lists (`dynamics` has rows
    only for those). Column 1 (start) is shown only when every village of the row with a list
    the year before has one this year too, column 9 (end) only when every village with a list
    this year had one the year before: otherwise they cannot be true, and stay empty. A row
    with no village having both years is empty.
    """
    columns = ["start", *DYNAMICS_COLUMNS[status], "end"]
    rows = dynamics[dynamics["status"] == status]
    now = [r.villages & listed for r in scope.rows]
    before = [r.villages & listed_before for r in scope.rows]
    empty = np.array([not (n & b) for n, b in zip(now, before, strict=True)], dtype=bool)
    no_start = np.array([bool(b - n) for n, b in zip(now, before, strict=True)]) | empty
    no_end = np.array([bool(n - b) for n, b in zip(now, before, strict=True)]) | empty
    parts = []
    for measure, label in MEASURES:
        sums = _sum_by_row(scope, rows[rows["measure"] == measure], columns).astype("Int64")
        sums = sums.mask(pd.DataFrame({c: empty for c in columns}, index=sums.index))
        sums["start"] = sums["start"].mask(no_start)
        sums["end"] = sums["end"].mask(no_end)
        part = pd.concat([_frame(scope), sums.reset_index(drop=True)], axis=1)
        parts.append(part.assign(measure=label, order=range(len(part))))
    out = pd.concat(parts, ignore_index=True)
    out["_m"] = out["measure"].map({label: k for k, (_, label) in enumerate(MEASURES)})
    out = out.sort_values(["order", "_m"]).drop(columns=["order", "_m"]).reset_index(drop=True)
    out = out.rename(columns={c: f"c{i}" for i, c in enumerate(columns, start=1)})
    gaps = [
        Gaps(
            r.code,
            r.name,
            tuple(sorted((r.villages & listed) - listed_before)),
            tuple(sorted((r.villages & listed_before) - listed)),
        )
        for r in scope.leaves
        if (r.villages & listed) ^ (r.villages & listed_before)
    ]
    return out, gaps


def deprivation_table(deprivations: pd.DataFrame, listed: set[str], scope: Scope, status: str):
    """Phân tích các chỉ số thiếu hụt (of poor or near-poor households): households, all
    deprivations, indicators 1–12 (counts), and each as a % of the status's households
    (columns ending in _pct). A row without any list is empty."""
    rows = deprivations[deprivations["status"] == status]
    columns = ["households", "deprivations", *INDICATORS]
    table = _sum_by_row(scope, rows, columns).astype("Int64").reset_index(drop=True)
    # no household of the status is 0; no list, empty
    has_list = np.array([bool(r.villages & listed) for r in scope.rows], dtype=bool)
    table = table.fillna(0).mask(pd.DataFrame({c: ~has_list for c in columns})).astype("Int64")
    for col in INDICATORS:
        table[f"{col}_pct"] = rate_pct(table[col], table["households"])
    return pd.concat([_frame(scope), table], axis=1)


def targets_table(
    villages: pd.DataFrame,
    targets: pd.DataFrame,
    next_dynamics: pd.DataFrame,
    listed_next: set[str],
    scope: Scope,
    year: int,
) -> pd.DataFrame:
    """Chỉ tiêu & thực hiện: per row the poor households at the start of the year (its real
    poor count), the target, the households that actually left poverty (from the next year's
    lists) and the verdict.

    A leaf row has a target when its commune's plan (or the planner) set one; a parent's target
    is the sum of its children's, when all of them have one. Exits are known where every
    village with this year's list has the next year's too. "Đạt" / "Không đạt" only where both
    are known; a parent's verdict needs every child's.
    """
    listed = set(villages["village_code"])
    poor = _sum_by_row(scope, villages, ["poor_households"])["poor_households"]
    targeted = _sum_by_row(scope, targets, ["target_households"])["target_households"]
    poor_next = next_dynamics[
        (next_dynamics["status"] == "poor") & (next_dynamics["measure"] == "households")
    ].assign(exits=lambda f: f["out_improved_to_near_poor"] + f["out_above_near_poor"])
    exits = _sum_by_row(scope, poor_next, ["exits"])["exits"]
    records = []
    leaves: dict[int, tuple] = {}
    for i, r in enumerate(scope.rows):
        now = r.villages & listed
        target = targeted.iloc[i] if r.villages & set(targets["village_code"]) else pd.NA
        known_exits = exits.iloc[i] if now and now <= listed_next else pd.NA
        if not now:
            known_exits = pd.NA
        records.append(
            {
                "poor_households": poor.iloc[i] if now else pd.NA,
                "target": target,
                "exits": known_exits,
            }
        )
        if not r.bold:
            leaves[i] = (target, known_exits)
    table = pd.DataFrame(records)
    # A parent sums its children: its target needs all of theirs, its verdict all of theirs.
    for i, r in enumerate(scope.rows):
        if not r.bold:
            continue
        kids = [
            j for j, leaf in enumerate(scope.rows) if not leaf.bold and leaf.villages <= r.villages
        ]
        kid_targets = [leaves[j][0] for j in kids]
        table.loc[i, "target"] = (
            sum(int(t) for t in kid_targets)
            if kids and all(pd.notna(t) for t in kid_targets)
            else pd.NA
        )
    verdicts = []
    for _, rec in table.iterrows():
        target, done = rec["target"], rec["exits"]
        if pd.isna(rec["poor_households"]):
            verdicts.append(f"Chưa có danh sách năm {year}")
        elif pd.isna(target):
            verdicts.append("Chưa giao chỉ tiêu")
        elif pd.isna(done):
            verdicts.append(f"Chưa có danh sách năm {year + 1}")
        else:
            verdicts.append(MET if done >= target else NOT_MET)
    for i, r in enumerate(scope.rows):
        kids = [
            j for j, leaf in enumerate(scope.rows) if not leaf.bold and leaf.villages <= r.villages
        ]
        if (
            r.bold
            and verdicts[i] in (MET, NOT_MET)
            and any(verdicts[j] not in (MET, NOT_MET) for j in kids)
        ):
            verdicts[i] = "Chưa đủ kết quả của các đơn vị"
    table["verdict"] = verdicts
    table["target_rate_pct"] = rate_pct(
        table["target"].astype("Int64"),
        _sum_by_row(scope, villages, ["total_households"])["total_households"]
        .reset_index(drop=True)
        .astype("Int64"),
    )
    out = pd.concat(
        [
            _frame(scope),
            table.astype({"poor_households": "Int64", "target": "Int64", "exits": "Int64"}),
        ],
        axis=1,
    )
    return out.rename(columns={"target": "target_households", "exits": "actual_exits"})


MET = "Đạt"
NOT_MET = "Không đạt"
PLAN_FIGURES = ("poor_households", "poor_rate_pct", "target_households", "target_rate_pct")


@dataclass(frozen=True)
class VillageFigures:
    """Each village's figures of the year and its reduction target, by village code: built
    once for the many communes of a report."""

    total: dict[str, int]
    poor: dict[str, int]
    rate: dict[str, float]
    target: dict[str, int]

    @classmethod
    def of(cls, villages: pd.DataFrame, targets: pd.DataFrame) -> VillageFigures:
        codes = villages["village_code"].tolist()

        def by_code(column: str) -> dict:
            return dict(zip(codes, villages[column].tolist(), strict=True))

        return cls(
            total=by_code("total_households"),
            poor=by_code("poor_households"),
            rate=by_code("poor_rate_pct"),
            target=dict(
                zip(
                    targets["village_code"].tolist(),
                    targets["target_households"].tolist(),
                    strict=True,
                )
            ),
        )


def commune_plan_table(
    villages: pd.DataFrame,
    targets: pd.DataFrame,
    scope_row: ReportRow,
    village_names: dict[str, str],
    plan: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The commune plan's layout for one commune: Stt · Đơn vị · Hộ nghèo năm Y (Hộ, Tỷ lệ %) ·
    Chỉ tiêu giảm nghèo năm Y (Hộ, Tỷ lệ %), one row per village and a Tổng cộng row, as the
    lists compute them; beside them, when the commune's own plan table was loaded, the figures
    it wrote (`plan_*`).

    Target rates are target households ÷ the village's total households; the Tổng cộng rates
    are computed from the totals. A village without a list keeps its row, empty.
    """
    return plan_table(VillageFigures.of(villages, targets), scope_row, village_names, plan)


def plan_table(
    figures: VillageFigures,
    scope_row: ReportRow,
    village_names: dict[str, str],
    plan: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """`commune_plan_table` from figures looked up by village code."""
    written = _written(plan)
    rows = []
    for i, code in enumerate(_by_number(list(scope_row.villages)), start=1):
        listed = code in figures.total
        total = figures.total[code] if listed else pd.NA
        target = figures.target.get(code, pd.NA)
        rows.append(
            {
                "stt": str(i),
                "village_code": code,
                "unit_name": village_names.get(code, code),
                "total_households": total,
                "poor_households": figures.poor[code] if listed else pd.NA,
                "poor_rate_pct": figures.rate[code] if listed else pd.NA,
                "target_households": target,
                "target_rate_pct": rate_pct(target, total) if listed else pd.NA,
                "submitted": listed,
                "is_total": False,
                **{f"plan_{k}": written.get(code, {}).get(k, pd.NA) for k in PLAN_FIGURES},
            }
        )
    done = [r for r in rows if r["submitted"]]

    def total_of(column: str, of: list[dict]) -> int:
        return int(sum(r[column] for r in of if not pd.isna(r[column])))

    total_households = total_of("total_households", done) if done else pd.NA
    poor = total_of("poor_households", done) if done else pd.NA
    has_targets = any(not pd.isna(r["target_households"]) for r in rows)
    target = total_of("target_households", rows) if has_targets else pd.NA
    all_listed = bool(done) and len(done) == len(rows)
    rows.append(
        {
            "stt": "",
            "village_code": scope_row.code,
            "unit_name": "Tổng cộng",
            "total_households": total_households,
            "poor_households": poor,
            "poor_rate_pct": rate_pct(poor, total_households) if done else pd.NA,
            "target_households": target,
            "target_rate_pct": rate_pct(target, total_households)
            if has_targets and done
            else pd.NA,
            "submitted": all_listed,
            "is_total": True,
            **{f"plan_{k}": written.get(None, {}).get(k, pd.NA) for k in PLAN_FIGURES},
        }
    )
    columns = ["stt", "village_code", "unit_name", "total_households", "poor_households"]
    columns += ["poor_rate_pct", "target_households", "target_rate_pct", "submitted", "is_total"]
    return pd.DataFrame(rows, columns=[*columns, *(f"plan_{k}" for k in PLAN_FIGURES)])


def _by_number(codes: list[str]) -> list[str]:
    def key(code: str) -> tuple:
        number = code.rsplit("-", 1)[-1]
        return (int(number) if number.isdigit() else 0, code)

    return sorted(codes, key=key)


def _written(plan: pd.DataFrame | None) -> dict[str | None, dict[str, float]]:
    """The figures a plan table wrote, by village (None: its Tổng cộng row)."""
    if plan is None or plan.empty:
        return {}
    out = {}
    for row in plan.to_dict("records"):
        key = None if row["is_total"] else row["village_code"]
        if key is None and not row["is_total"]:
            continue
        out[key] = {k: row[k] for k in PLAN_FIGURES}
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
    ("Kế hoạch ghi 3,99 %; tính lại: 5 ÷ 1.415 × 100 = 0,35 %")."""
    out: list[Difference] = []
    if table[[f"plan_{c}" for c in PLAN_FIGURES]].isna().all().all():
        return out  # no plan of the commune was loaded: nothing written to compare
    for i, row in table.iterrows():
        for column in PLAN_FIGURES:
            written, computed = row[f"plan_{column}"], row[column]
            if pd.isna(written):
                continue
            if pd.isna(computed):
                computed = 0 if column.startswith("target") else computed
            if pd.isna(computed) or round(float(written), 2) == round(float(computed), 2):
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


def goal_line(
    table: pd.DataFrame, goal: Goal | None, next_poor: int | None, next_total: int | None
) -> tuple[str, bool | None]:
    """The plan's goal ("giảm còn dưới 1 % hộ nghèo", "giảm xuống còn 0,9 %") against its targets, and against the next
    year's lists when they are in: the sentence and whether the goal was met (None when the
    next year's lists are not in yet)."""
    total = table.iloc[-1]
    if goal is None or pd.isna(total["total_households"]):
        return "", None
    households = int(total["total_households"])
    verb = "giảm xuống" if goal.at_most else "giảm còn"  # "… còn 0,90 %" / "… dưới 1,00 %"
    goal_text = f"Mục tiêu của kế hoạch: {verb} {goal.words} hộ nghèo."
    parts = [goal_text]
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
