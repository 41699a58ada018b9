"""Report tables: every figure the forms print, from hand-built village figures."""

import pandas as pd
import pytest

from giamngheo.transforms.aggregate import add_rates
from giamngheo.transforms.planning import Goal
from giamngheo.transforms.report_scope import scope
from giamngheo.transforms.report_tables import (
    VillageFigures,
    dynamics_table,
    goal_line,
    plan_differences,
    plan_groups,
    plan_notes,
    plan_table,
    summary_table,
    targets_table,
)
from giamngheo.transforms.synthetic import (
    DIEN_HOA,
    DIEN_HOA_PLAN_2024,
    DIEN_HOA_POOR_2024,
    DIEN_HOA_TARGETS_2024,
    DIEN_HOA_TOTALS,
)

VILLAGES = [f"{DIEN_HOA}-{i:02d}" for i in range(1, len(DIEN_HOA_TOTALS) + 1)]


def dien_hoa_villages() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "village_code": VILLAGES,
            "year": 2024,
            "total_households": DIEN_HOA_TOTALS,
            "total_persons": [t * 4 for t in DIEN_HOA_TOTALS],
            "poor_households": DIEN_HOA_POOR_2024,
            "near_poor_households": 0,
            "average_households": 0,
            "poor_persons": 0,
            "near_poor_persons": 0,
            "average_persons": 0,
        }
    )
    return add_rates(frame.astype({c: "Int64" for c in frame.columns if c != "village_code"}))


def targets() -> pd.DataFrame:
    """The seed plan's targets: the villages whose cell it left blank have none (no row)."""
    frame = pd.DataFrame(
        {"village_code": VILLAGES, "year": 2024, "target_households": DIEN_HOA_TARGETS_2024}
    )
    return frame.dropna(subset=["target_households"]).astype({"target_households": "Int64"})


def seed_plan() -> pd.DataFrame:
    """The plan table as the commune printed it (Kế hoạch 05/KH-UBND), its slips included."""
    rows = [
        {
            "village_code": code,
            "is_total": False,
            "poor_households": poor,
            "poor_rate_pct": rate,
            "target_households": target,
            "target_rate_pct": target_rate,
        }
        for code, poor, rate, target, target_rate in zip(
            VILLAGES,
            DIEN_HOA_POOR_2024,
            DIEN_HOA_PLAN_2024["poor_rate_pct"],
            DIEN_HOA_TARGETS_2024,
            DIEN_HOA_PLAN_2024["target_rate_pct"],
            strict=True,
        )
    ]
    rows.append({"village_code": None, "is_total": True, **DIEN_HOA_PLAN_2024["total"]})
    return pd.DataFrame(rows).assign(commune_code=DIEN_HOA)


def commune_plan_table(villages, target_frame, row, labels, plan=None) -> pd.DataFrame:
    """A commune's sheet from its villages' figures and its own plan (or none)."""
    plans = {row.code: plan} if plan is not None else {}
    groups = plan_groups(row, plans, labels)
    return plan_table(VillageFigures.of(villages, target_frame), row, labels, groups)


@pytest.fixture
def district(registry):
    return scope(registry, "476")


def test_summary_totals_come_from_the_villages_and_unlisted_communes_stay_empty(district):
    table = summary_table(dien_hoa_villages(), district)
    head = table.iloc[0]
    assert (head["poor_households"], head["poor_rate_pct"], head["listed"]) == (15, 1.06, 11)
    dien_hoa = table.set_index("unit_code").loc[DIEN_HOA]
    assert (dien_hoa["total_households"], dien_hoa["listed"], dien_hoa["expected"]) == (
        1415,
        11,
        11,
    )
    other = table.set_index("unit_code").loc["19819"]
    assert pd.isna(other["poor_households"]) and other["listed"] == 0  # blank, not 0


def dynamics(villages: list[str], year: int = 2025) -> pd.DataFrame:
    """Each village: 3 poor at the start, 1 left to near-poor, 1 new, 3 at the end."""
    rows = []
    for v in villages:
        for measure in ("households", "persons"):
            rows.append(
                {
                    "village_code": v,
                    "year": year,
                    "status": "poor",
                    "measure": measure,
                    "start": 3,
                    "out_improved_to_near_poor": 1,
                    "out_above_near_poor": 0,
                    "out_other": 0,
                    "in_from_near_poor": 0,
                    "in_returning": 0,
                    "in_new": 1,
                    "in_other": 0,
                    "end": 3,
                }
            )
    return pd.DataFrame(rows, columns=DYNAMICS_FIELDS)


DYNAMICS_FIELDS = [
    "village_code",
    "year",
    "status",
    "measure",
    "start",
    "out_improved_to_near_poor",
    "out_above_near_poor",
    "out_other",
    "in_from_near_poor",
    "in_returning",
    "in_new",
    "in_other",
    "end",
]


CELLS = [f"c{i}" for i in range(1, 10)]


def movements(table: pd.DataFrame, name_start: str, measure: str = "Hộ") -> pd.Series:
    rows = table[table["unit_name"].str.startswith(name_start) & (table["measure"] == measure)]
    return rows.iloc[0]


def test_every_column_of_a_row_sums_the_same_villages_and_the_note_says_which(registry):
    commune = scope(registry, DIEN_HOA)
    labels = {r.code: r.name for r in commune.rows}
    both = set(VILLAGES[1:])  # Thôn 1 has no list of the year before
    table, gaps = dynamics_table(
        dynamics(sorted(both)), set(VILLAGES), both, commune, "poor", 2025, labels, both
    )
    head = table.iloc[0]  # the commune, households
    assert head["measure"] == "Hộ" and head["c2"] == 10 and head["c7"] == 10
    assert (head["c1"], head["c9"]) == (30, 30)  # the ten villages with both lists
    assert head["c9"] == head["c1"] - head[CELLS[1:4]].sum() + head[CELLS[4:8]].sum()
    assert "Chỉ gồm 10/11 thôn có đủ danh sách năm 2024 và 2025" in head["note"]
    thon1 = movements(table, "Thôn 1 ")
    assert thon1[CELLS].isna().all()
    assert "Thiếu danh sách năm 2024: Thôn 1 (mã 19834-01)" in thon1["note"]
    assert [(g.unit_code, g.no_previous) for g in gaps] == [(VILLAGES[0], (VILLAGES[0],))]
    assert movements(table, "Thôn 2 ")["note"] == ""


def test_returning_households_are_not_claimed_without_an_older_list(registry):
    commune = scope(registry, DIEN_HOA)
    moves = dynamics(VILLAGES).assign(in_returning=1, end=4)  # 1 back into poverty each
    every = set(VILLAGES)
    measured, _ = dynamics_table(moves, every, every, commune, "poor", 2025, {}, every)
    assert (measured.iloc[0]["c6"], measured.iloc[0]["c7"]) == (11, 11)
    unknown, _ = dynamics_table(moves, every, every, commune, "poor", 2025, {}, set())
    head = unknown.iloc[0]
    assert pd.isna(head["c6"]) and head["c7"] == 22  # counted in column 7, as the sheet says
    assert head["c9"] == head["c1"] - head[CELLS[1:4]].sum() + head[CELLS[4:8]].sum()
    assert head["note"] == ""  # no village has an older list: said once, under the table
    # where some villages have one, the rows that cannot tell say so
    some = set(VILLAGES[1:])
    mixed, _ = dynamics_table(moves, every, every, commune, "poor", 2025, {}, some)
    assert "Cột 6 để trống: chưa có danh sách trước năm 2024" in mixed.iloc[0]["note"]
    assert pd.isna(movements(mixed, "Thôn 1 ")["c6"])
    assert movements(mixed, "Thôn 2 ")["c6"] == 1 and movements(mixed, "Thôn 2 ")["note"] == ""


def test_no_list_of_the_year_before_leaves_the_whole_sheet_empty(registry):
    table, _ = dynamics_table(
        dynamics([]), set(VILLAGES), set(), scope(registry, DIEN_HOA), "poor", 2024, {}, set()
    )
    assert table[CELLS].isna().all().all()


def test_a_complete_row_balances_and_ends_at_the_years_poor_count(registry):
    every = set(VILLAGES)
    table, gaps = dynamics_table(
        dynamics(VILLAGES), every, every, scope(registry, DIEN_HOA), "poor", 2025, {}, every
    )
    head = table.iloc[0]
    moves = [head[f"c{i}"] for i in range(2, 9)]
    assert head["c9"] == head["c1"] - sum(moves[:3]) + sum(moves[3:]) == 33 and gaps == []
    assert head["note"] == ""


def test_a_verdict_needs_a_target_and_counts_only_the_villages_it_covers(registry):
    commune = scope(registry, DIEN_HOA)
    next_year = dynamics(VILLAGES, 2025)  # 1 exit per village
    table = targets_table(dien_hoa_villages(), targets(), next_year, commune, 2024)
    head = table.iloc[0]
    # 5 villages were given a target of 1: their 5 exits, not the commune's 11
    assert (head["poor_households"], head["target_households"], head["actual_exits"]) == (15, 5, 5)
    assert head["verdict"] == "Đạt" and head["target_rate_pct"] == 0.35
    assert "Chỉ tiêu giao cho 5/11 thôn" in head["note"]
    thon2 = table[table["unit_name"].str.startswith("Thôn 2 ")].iloc[0]
    assert pd.isna(thon2["target_households"]) and thon2["verdict"] == "Chưa giao chỉ tiêu"
    assert thon2["actual_exits"] == 1  # what happened, without a verdict
    partial = targets_table(dien_hoa_villages(), targets(), next_year.iloc[2:], commune, 2024)
    assert pd.isna(partial.iloc[0]["actual_exits"])
    assert partial.iloc[0]["verdict"] == "Chưa có danh sách năm 2025"
    assert "Còn 1 thôn chưa có danh sách năm 2025" in partial.iloc[0]["note"]
    none = targets_table(dien_hoa_villages(), targets().iloc[:0], next_year, commune, 2024)
    assert none.iloc[0]["verdict"] == "Chưa giao chỉ tiêu" and none.iloc[1]["actual_exits"] == 1
    assert pd.isna(none.iloc[0]["target_households"]) and pd.isna(none.iloc[0]["target_rate_pct"])


def test_a_parent_target_sums_the_targets_set_under_it(district):
    table = targets_table(dien_hoa_villages(), targets(), dynamics(VILLAGES), district, 2024)
    head = table.iloc[0]
    assert (head["target_households"], head["actual_exits"], head["verdict"]) == (5, 5, "Đạt")
    assert head["poor_households"] == 15
    assert "cộng 1/16 xã, phường có số liệu" in head["unit_name"]
    dien_hoa = table.set_index("unit_code").loc[DIEN_HOA]
    assert (dien_hoa["target_households"], dien_hoa["verdict"]) == (5, "Đạt")
    town = table.set_index("unit_code").loc["19819"]
    assert town["verdict"] == "Chưa có danh sách năm 2024" and pd.isna(town["actual_exits"])


def test_the_commune_table_reproduces_the_seed_and_shows_its_slips(registry):
    commune = scope(registry, DIEN_HOA)
    names = {r.code: r.name for r in commune.rows}
    table = commune_plan_table(dien_hoa_villages(), targets(), commune.rows[0], names, seed_plan())
    body, total = table.iloc[:-1], table.iloc[-1]
    assert body["poor_rate_pct"].tolist() == list(DIEN_HOA_PLAN_2024["poor_rate_pct"])
    assert body.loc[6, "target_rate_pct"] == 0.63 and body.loc[10, "target_rate_pct"] == 1.08
    assert pd.isna(body.loc[1, "target_households"])  # blank in the plan: blank here
    assert (total["target_households"], total["target_rate_pct"]) == (5, 0.35)
    assert total["plan_target_rate_pct"] == 3.99
    found = {(d.row, d.column): d for d in plan_differences(table)}
    assert set(found) == {(6, "target_rate_pct"), (10, "target_rate_pct"), (11, "target_rate_pct")}
    assert found[(11, "target_rate_pct")].explanation == (
        "Kế hoạch ghi 3,99 %; tính lại: 5 ÷ 1.415 × 100 = 0,35 %"
    )


def test_a_village_without_a_list_in_a_planned_commune_is_blank_and_said_so(registry):
    # the December case: Thôn 3 has not sent its list; the plan names it
    commune = scope(registry, DIEN_HOA)
    names = {r.code: r.name for r in commune.rows}
    late = dien_hoa_villages().iloc[[0, 1, 3, 4, 5, 6, 7, 8, 9, 10]]
    table = commune_plan_table(late, targets(), commune.rows[0], names, seed_plan())
    thon3, total = table.iloc[2], table.iloc[-1]
    assert pd.isna(thon3["poor_households"]) and pd.isna(thon3["target_rate_pct"])
    assert thon3["plan_poor_households"] == 3  # what the plan wrote stays beside it
    differences = plan_differences(table)
    assert {d.row for d in differences} == {6, 10}  # neither Thôn 3 nor the partial total
    notes = plan_notes(table, differences, 2024)
    assert notes[2] == "Chưa có danh sách năm 2024: không đối chiếu được với kế hoạch"
    assert notes[-1].startswith("Chỉ cộng 10/11 thôn có danh sách năm 2024")
    # the total sums the ten villages with a list, every figure over the same ones
    assert (total["total_households"], total["poor_households"]) == (1300, 12)
    assert total["target_households"] == 4 and not total["submitted"]
    line, met = goal_line(total, Goal(1.0), None, None)
    assert "Chưa đủ danh sách của các thôn (10/11)" in line and met is None


def test_a_plan_with_no_targets_and_a_commune_with_no_plan_write_no_verdict(registry):
    commune = scope(registry, DIEN_HOA)
    names = {r.code: r.name for r in commune.rows}
    blank = seed_plan().assign(target_households=None, target_rate_pct=None)
    table = commune_plan_table(
        dien_hoa_villages(), targets().iloc[:0], commune.rows[0], names, blank
    )
    assert table["target_households"].isna().all() and plan_differences(table) == []
    none = commune_plan_table(dien_hoa_villages(), targets().iloc[:0], commune.rows[0], names)
    assert none[[c for c in none.columns if c.startswith("plan_")]].isna().all().all()


def test_a_ward_of_several_former_communes_shows_each_plan_beside_its_villages():
    from tests.transforms.test_report_scope import ward_history, ward_units

    ward = scope(ward_units(), "19828", ward_history()).rows[0]
    labels = {r.code: r.name for r in scope(ward_units(), "19828", ward_history()).rows}
    names = {"19828": "Xã Phong Phú", "19834": "Xã Điền Hòa", "19843": "Xã Điền Hải"}
    codes = ["19828-01", "19828-02", "19834-01", "19834-02", "19834-10", "19843-01"]
    villages = pd.DataFrame(
        {
            "village_code": codes,
            "total_households": [100, 100, 135, 118, 129, 80],
            "poor_households": [2, 1, 3, 1, 0, 1],
        }
    ).assign(poor_rate_pct=lambda f: f["poor_households"] * 100 / f["total_households"])
    plan = seed_plan()
    plan = plan[plan["village_code"].isin(codes) | plan["is_total"]]
    given = pd.DataFrame({"village_code": ["19834-01", "19828-01"], "target_households": [1, 2]})
    groups = plan_groups(ward, {"19834": plan}, names)
    assert [(g.commune, g.plan is not None) for g in groups] == [
        ("19828", False),
        ("19834", True),
        ("19843", False),
    ]
    table = plan_table(VillageFigures.of(villages, given), ward, labels, groups)
    assert table["kind"].tolist() == [
        "village",
        "village",
        "subtotal",
        "village",
        "village",
        "village",
        "subtotal",
        "village",
        "subtotal",
        "total",
    ]
    dien_hoa = table.iloc[6]
    assert dien_hoa["unit_name"] == "Cộng Điền Hòa cũ"
    assert (dien_hoa["poor_households"], dien_hoa["plan_poor_households"]) == (4, 15)
    assert table.iloc[-1]["target_households"] == 3  # both targets, whichever plan set them
    assert pd.isna(table.iloc[-1]["plan_poor_households"])  # no plan covers the whole ward


def test_the_goal_line_says_whether_the_targets_and_the_result_reach_the_goal(registry):
    commune = scope(registry, DIEN_HOA)
    names = {r.code: r.name for r in commune.rows}
    table = commune_plan_table(dien_hoa_villages(), targets(), commune.rows[0], names, seed_plan())
    total = table.iloc[-1]
    line, met = goal_line(total, Goal(1.0), None, None)
    assert "giảm còn dưới 1,00 % hộ nghèo" in line and "10 hộ nghèo trên 1.415 hộ = 0,71 %" in line
    assert "chưa có danh sách năm sau" in line and met is None
    line, met = goal_line(total, Goal(1.0), 12, 1430)
    assert met is True and "12 hộ nghèo trên 1.430 hộ = 0,84 %: ĐẠT" in line
    assert goal_line(total, Goal(0.5), 12, 1430)[1] is False
    # 12 of 1,500 is exactly 0,8 %: "xuống còn 0,8 %" is reached, "dưới 0,8 %" is not
    line, met = goal_line(total, Goal(0.8, at_most=True), 12, 1500)
    assert met is True and "giảm xuống còn 0,80 % hộ nghèo" in line
    assert goal_line(total, Goal(0.8), 12, 1500)[1] is False
    assert goal_line(total, None, 12, 1430) == ("", None)
