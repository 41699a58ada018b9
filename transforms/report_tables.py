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
from giamngheo.transforms.report_scope import (
    ReportRow,
    Scope,
    listed_parts,
    parts_words,
    village_order,
)

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
