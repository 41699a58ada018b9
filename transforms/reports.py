"""Report tables as DataFrames, in the order and with the figures the official forms print.

The workbook writer only lays these out; every number is decided here, from the village
summaries, so a report and the warehouse views cannot disagree.
"""

from __future__ import annotations

import pandas as pd

from giamngheo.transforms.aggregate import rate_pct, rollup

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


def summary_table(
    villages: pd.DataFrame, units: pd.DataFrame, parent_code: str, year: int
) -> pd.DataFrame:
    """Tổng hợp: the parent unit's total row ("1") then one row per commune ("1.1", "1.2"…).

    `villages` is a village summary (see `aggregate.village_summary`) and `units` the admin
    registry. Communes of the parent with no list this year are listed with empty figures.
    """
    communes = units[(units["level"] == "commune") & (units["parent_code"] == parent_code)]
    communes = communes.sort_values("code")
    commune_of = units.set_index("code")["parent_code"]
    year_villages = villages[
        (villages["year"] == year) & villages["village_code"].map(commune_of).isin(communes["code"])
    ]
    per_commune = rollup(year_villages, commune_of, child="village_code", parent="commune_code")
    per_commune = communes[["code", "name"]].merge(
        per_commune, left_on="code", right_on="commune_code", how="left"
    )
    parent_of = pd.Series(parent_code, index=per_commune["code"])
    total = rollup(
        per_commune.dropna(subset=["commune_code"]).assign(year=year),
        parent_of,
        child="commune_code",
        parent="unit_code",
    )
    name = units.set_index("code").loc[parent_code, "name"]
    head = {"tt": "1", "unit_code": parent_code, "unit_name": name, "is_total": True}
    head |= {c: (total[c].iloc[0] if len(total) else pd.NA) for c in SUMMARY_COLUMNS}
    rows = [head]
    for i, row in enumerate(per_commune.itertuples(index=False), start=1):
        rec = {"tt": f"1.{i}", "unit_code": row.code, "unit_name": row.name, "is_total": False}
        rec |= {c: getattr(row, c) for c in SUMMARY_COLUMNS}
        rows.append(rec)
    return pd.DataFrame(rows)


def commune_plan_table(
    villages: pd.DataFrame,
    units: pd.DataFrame,
    targets: pd.DataFrame,
    commune_code: str,
    year: int,
) -> pd.DataFrame:
    """The seed's layout for one commune: Stt · Đơn vị · Hộ nghèo năm Y (Hộ, Tỷ lệ %) ·
    Chỉ tiêu giảm nghèo năm Y (Hộ, Tỷ lệ %), one row per village and a Tổng cộng row.

    Target rates are target households ÷ the village's total households, and the Tổng cộng
    rates are computed from the totals. Villages without a list this year keep their row, with
    empty figures and `submitted` False.
    """
    registry_villages = units[
        (units["level"] == "village") & (units["parent_code"] == commune_code)
    ]
    registry_villages = registry_villages.sort_values("code", key=_village_order)
    this_year = villages[
        (villages["year"] == year) & villages["village_code"].isin(registry_villages["code"])
    ]
    fields = ["total_households", "poor_households", "poor_rate_pct"]
    figures = dict(
        zip(this_year["village_code"], this_year[fields].to_dict("records"), strict=True)
    )
    planned = targets[
        (targets["year"] == year) & targets["village_code"].isin(registry_villages["code"])
    ]
    target_of = dict(zip(planned["village_code"], planned["target_households"], strict=True))
    rows = []
    for i, v in enumerate(registry_villages.itertuples(index=False), start=1):
        submitted = v.code in figures
        fig = figures.get(v.code)
        target = target_of.get(v.code, pd.NA)
        total = fig["total_households"] if submitted else pd.NA
        rows.append(
            {
                "stt": str(i),
                "village_code": v.code,
                "unit_name": v.name,
                "total_households": total,
                "poor_households": fig["poor_households"] if submitted else pd.NA,
                "poor_rate_pct": fig["poor_rate_pct"] if submitted else pd.NA,
                "target_households": target,
                "target_rate_pct": rate_pct(target, total) if submitted else pd.NA,
                "submitted": submitted,
                "is_total": False,
            }
        )
    body = pd.DataFrame(rows)
    done = body[body["submitted"]]
    total_households = int(done["total_households"].sum()) if len(done) else pd.NA
    poor = int(done["poor_households"].sum()) if len(done) else pd.NA
    has_targets = body["target_households"].notna().any()
    target = int(body["target_households"].fillna(0).sum()) if has_targets else pd.NA
    total_row = {
        "stt": "",
        "village_code": commune_code,
        "unit_name": "Tổng cộng",
        "total_households": total_households,
        "poor_households": poor,
        "poor_rate_pct": rate_pct(poor, total_households) if len(done) else pd.NA,
        "target_households": target,
        "target_rate_pct": rate_pct(target, total_households)
        if has_targets and len(done)
        else pd.NA,
        "submitted": bool(len(done)) and bool(body["submitted"].all()),
        "is_total": True,
    }
    return pd.concat([body, pd.DataFrame([total_row])], ignore_index=True)


def _village_order(codes: pd.Series) -> pd.Series:
    """Villages in their number order (…-2 before …-10), whatever the code's padding."""
    return codes.str.rsplit("-", n=1).str[-1].astype(int)


def numbered_rollup(
    villages: pd.DataFrame, units: pd.DataFrame, parent_code: str, counts: list[str]
) -> pd.DataFrame:
    """Counts of villages summed per commune of `parent_code`, the parent's total first.

    Returns tt ("1", "1.1", …), unit_code, unit_name, is_total and the count columns; every
    commune of the parent is listed, with zeros when it has no rows.
    """
    communes = units[(units["level"] == "commune") & (units["parent_code"] == parent_code)]
    communes = communes.sort_values("code")
    commune_of = units.set_index("code")["parent_code"]
    frame = villages.assign(commune_code=villages["village_code"].map(commune_of))
    frame = frame[frame["commune_code"].isin(communes["code"])]
    sums = frame.groupby("commune_code")[counts].sum()
    body = communes[["code", "name"]].rename(columns={"code": "unit_code", "name": "unit_name"})
    body = body.merge(sums, left_on="unit_code", right_index=True, how="left")
    body[counts] = body[counts].fillna(0).astype("int64")
    body.insert(0, "tt", [f"1.{i}" for i in range(1, len(body) + 1)])
    body["is_total"] = False
    name = units.set_index("code").loc[parent_code, "name"]
    head = {"tt": "1", "unit_code": parent_code, "unit_name": name, "is_total": True}
    head |= {c: int(body[c].sum()) for c in counts}
    return pd.concat([pd.DataFrame([head]), body], ignore_index=True)[
        ["tt", "unit_code", "unit_name", "is_total", *counts]
    ]


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


def dynamics_table(
    dynamics: pd.DataFrame, units: pd.DataFrame, parent_code: str, year: int, status: str
) -> pd.DataFrame:
    """Tổng hợp diễn biến: per unit two rows (Hộ, Nhân khẩu), columns 1–9 of the form."""
    columns = ["start", *DYNAMICS_COLUMNS[status], "end"]
    rows = dynamics[(dynamics["year"] == year) & (dynamics["status"] == status)]
    parts = []
    for measure, label in (("households", "Hộ"), ("persons", "Nhân khẩu")):
        table = numbered_rollup(rows[rows["measure"] == measure], units, parent_code, columns)
        parts.append(table.assign(measure=label, order=range(len(table))))
    out = (
        pd.concat(parts)
        .sort_values(["order", "measure"], key=_measure_order)
        .reset_index(drop=True)
    )
    out.columns = [*out.columns[:4], *[f"c{i}" for i in range(1, 10)], "measure", "order"]
    return out.drop(columns=["order"])


def _measure_order(values: pd.Series) -> pd.Series:
    return values.map({"Hộ": 0, "Nhân khẩu": 1}) if values.name == "measure" else values


def deprivation_table(
    deprivations: pd.DataFrame, units: pd.DataFrame, parent_code: str, year: int, status: str
) -> pd.DataFrame:
    """Phân tích các chỉ số thiếu hụt: households, all deprivations, indicators 1–12 (counts),
    and the same as % of the status's households (columns ending in _pct)."""
    indicators = [f"d{i:02d}" for i in range(1, 13)]
    rows = deprivations[(deprivations["year"] == year) & (deprivations["status"] == status)]
    table = numbered_rollup(rows, units, parent_code, ["households", "deprivations", *indicators])
    for col in indicators:
        table[f"{col}_pct"] = rate_pct(table[col], table["households"])
    return table


def targets_table(
    progress: pd.DataFrame, units: pd.DataFrame, parent_code: str, year: int
) -> pd.DataFrame:
    """Chỉ tiêu & thực hiện: targets against exits per commune (exits known once Y + 1 is in)."""
    rows = progress[progress["year"] == year]
    known = rows.dropna(subset=["actual_exits"])
    table = numbered_rollup(rows, units, parent_code, ["target_households", "poor_households"])
    exits = numbered_rollup(known, units, parent_code, ["actual_exits"])
    table["actual_exits"] = exits["actual_exits"].where(
        table["unit_code"].isin(set(known["commune_code"]) | {parent_code})
    )
    table["met"] = (table["actual_exits"] >= table["target_households"]).where(
        table["actual_exits"].notna()
    )
    return table
