"""The commune plan's sheet: the plan table in the layout of the commune's plan, its own figures
beside the recomputed ones, the differences explained, and the goal line."""

import pandas as pd

from giamngheo.transforms.planning import Goal
from giamngheo.transforms.report_plans import (
    VillageFigures,
    goal_line,
    plan_differences,
    plan_groups,
    plan_notes,
    plan_table,
)
from giamngheo.transforms.report_scope import scope
from giamngheo.transforms.synthetic import (
    DIEN_HOA,
    DIEN_HOA_PLAN_2024,
    DIEN_HOA_POOR_2024,
    DIEN_HOA_TARGETS_2024,
)
from tests.transforms.test_report_tables import VILLAGES, dien_hoa_villages, targets


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
