"""Report tables: every figure the forms print, from hand-built village figures."""

import pandas as pd
import pytest

from giamngheo.transforms.aggregate import add_rates
from giamngheo.transforms.planning import Goal
from giamngheo.transforms.reports import (
    commune_plan_table,
    dynamics_table,
    goal_line,
    plan_differences,
    scope,
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
    return pd.DataFrame(
        {"village_code": VILLAGES, "year": 2024, "target_households": DIEN_HOA_TARGETS_2024}
    )


def seed_plan() -> pd.DataFrame:
    """The plan table as the commune printed it (Kế hoạch 05/KH-UBND), its slips included."""
    rows = [
        {
            "village_code": code,
            "is_total": False,
            "poor_households": poor,
            "poor_rate_pct": rate,
            "target_households": target or None,
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
    return pd.DataFrame(rows)


@pytest.fixture
def district(registry):
    return scope(registry, "476")


def test_a_district_scope_numbers_its_communes_under_it(district, registry):
    assert [r.tt for r in district.rows[:3]] == ["1", "1.1", "1.2"]
    assert district.rows[0].bold and not district.rows[1].bold
    assert len(district.rows) == 17 and district.child_label == "Phường/Xã"
    dien_hoa = next(r for r in district.rows if r.code == DIEN_HOA)
    assert dien_hoa.villages == frozenset(VILLAGES)
    assert district.villages == frozenset(registry.loc[registry["level"] == "village", "code"])
    assert district.place == "Phong Điền"


def test_a_commune_scope_lists_its_villages_in_number_order(registry):
    commune = scope(registry, DIEN_HOA)
    assert [r.name for r in commune.rows[1:4]] == ["Thôn 1", "Thôn 2", "Thôn 3"]
    assert commune.rows[-1].name == "Thôn 11" and commune.child_label == "Thôn, tổ dân phố"


def test_a_province_scope_has_its_total_then_each_district_and_its_communes(registry):
    province = scope(registry, "46")
    assert (province.rows[0].tt, province.rows[0].bold) == ("", True)
    assert (province.rows[1].tt, province.rows[1].code) == ("1", "476")
    assert province.rows[2].tt == "1.1"
    without_districts = registry[registry["level"] != "district"].assign(
        parent_code=lambda f: f["parent_code"].where(f["level"] != "commune", "46")
    )
    direct = scope(without_districts, "46")
    assert [r.tt for r in direct.rows[:2]] == ["1", "1.1"] and len(direct.rows) == 17


def test_a_commune_the_registry_has_no_village_of_is_named_not_a_row(registry):
    # a province after July 2025 holds communes whose villages the registry does not know yet
    extra = pd.DataFrame(
        [
            {"code": "19753", "level": "commune", "name": "Phường Thuận Hóa", "parent_code": "476"},
            {"code": "19880", "level": "commune", "name": "Xã Quảng Điền", "parent_code": "476"},
        ]
    )
    units = pd.concat([registry, extra], ignore_index=True)
    district = scope(units, "476")
    assert {r.code for r in district.rows}.isdisjoint({"19753", "19880"})
    assert len(district.rows) == 17
    assert district.without_villages == ("Phường Thuận Hóa", "Xã Quảng Điền")
    assert scope(registry, "476").without_villages == ()
    assert scope(units, DIEN_HOA).without_villages == ()  # a commune's rows are villages


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


def test_movements_are_summed_over_villages_with_both_years_and_true_columns_only(registry):
    commune = scope(registry, DIEN_HOA)
    both = set(VILLAGES[1:])  # Thôn 1 has no list of the year before
    table, gaps = dynamics_table(dynamics(sorted(both)), set(VILLAGES), both, commune, "poor")
    head = table.iloc[0]  # the commune, households
    assert head["measure"] == "Hộ" and head["c2"] == 10 and head["c7"] == 10
    assert pd.isna(head["c9"])  # Thôn 1's end cannot be counted: no start to balance it
    assert head["c1"] == 30  # every village listed the year before is listed now
    thon1 = table[(table["unit_name"] == "Thôn 1") & (table["measure"] == "Hộ")].iloc[0]
    assert thon1[[f"c{i}" for i in range(1, 10)]].isna().all()
    assert [(g.unit_code, g.no_previous) for g in gaps] == [(VILLAGES[0], (VILLAGES[0],))]


def test_no_list_of_the_year_before_leaves_the_whole_sheet_empty(registry):
    table, _ = dynamics_table(dynamics([]), set(VILLAGES), set(), scope(registry, DIEN_HOA), "poor")
    assert table[[f"c{i}" for i in range(1, 10)]].isna().all().all()


def test_a_complete_row_balances_and_ends_at_the_years_poor_count(registry):
    table, gaps = dynamics_table(
        dynamics(VILLAGES), set(VILLAGES), set(VILLAGES), scope(registry, DIEN_HOA), "poor"
    )
    head = table.iloc[0]
    moves = [head[f"c{i}"] for i in range(2, 9)]
    assert head["c9"] == head["c1"] - sum(moves[:3]) + sum(moves[3:]) == 33 and gaps == []


def test_targets_against_exits_need_a_target_and_the_next_years_lists(registry):
    commune = scope(registry, DIEN_HOA)
    next_year = dynamics(VILLAGES, 2025)  # 1 exit per village
    table = targets_table(dien_hoa_villages(), targets(), next_year, set(VILLAGES), commune, 2024)
    head = table.iloc[0]
    assert (head["poor_households"], head["target_households"], head["actual_exits"]) == (15, 5, 11)
    assert head["verdict"] == "Đạt" and head["target_rate_pct"] == 0.35
    thon2 = table[table["unit_name"] == "Thôn 2"].iloc[0]
    assert thon2["target_households"] == 0 and thon2["verdict"] == "Đạt"
    partial = targets_table(
        dien_hoa_villages(), targets(), next_year, set(VILLAGES[1:]), commune, 2024
    )
    assert pd.isna(partial.iloc[0]["actual_exits"])
    assert partial.iloc[0]["verdict"] == "Chưa có danh sách năm 2025"
    none = targets_table(
        dien_hoa_villages(), targets().iloc[:0], next_year, set(VILLAGES), commune, 2024
    )
    assert none.iloc[0]["verdict"] == "Chưa giao chỉ tiêu" and none.iloc[1]["actual_exits"] == 1


def test_a_parent_target_is_the_sum_of_its_childrens_when_all_have_one(district):
    table = targets_table(
        dien_hoa_villages(), targets(), dynamics(VILLAGES), set(VILLAGES), district, 2024
    )
    head = table.iloc[0]
    assert pd.isna(head["target_households"]) and head["poor_households"] == 15
    assert head["verdict"] == "Chưa giao chỉ tiêu"
    dien_hoa = table.set_index("unit_code").loc[DIEN_HOA]
    assert (dien_hoa["target_households"], dien_hoa["verdict"]) == (5, "Đạt")


def test_the_commune_table_reproduces_the_seed_and_shows_its_slips(registry):
    commune = scope(registry, DIEN_HOA)
    names = dict(zip(registry["code"], registry["name"], strict=True))
    table = commune_plan_table(dien_hoa_villages(), targets(), commune.rows[0], names, seed_plan())
    body, total = table.iloc[:-1], table.iloc[-1]
    assert body["poor_rate_pct"].tolist() == list(DIEN_HOA_PLAN_2024["poor_rate_pct"])
    assert body.loc[6, "target_rate_pct"] == 0.63 and body.loc[10, "target_rate_pct"] == 1.08
    assert (total["target_households"], total["target_rate_pct"]) == (5, 0.35)
    assert total["plan_target_rate_pct"] == 3.99
    found = {(d.row, d.column): d for d in plan_differences(table)}
    assert set(found) == {(6, "target_rate_pct"), (10, "target_rate_pct"), (11, "target_rate_pct")}
    assert found[(11, "target_rate_pct")].explanation == (
        "Kế hoạch ghi 3,99 %; tính lại: 5 ÷ 1.415 × 100 = 0,35 %"
    )


def test_the_goal_line_says_whether_the_targets_and_the_result_reach_the_goal(registry):
    commune = scope(registry, DIEN_HOA)
    names = dict(zip(registry["code"], registry["name"], strict=True))
    table = commune_plan_table(dien_hoa_villages(), targets(), commune.rows[0], names, seed_plan())
    line, met = goal_line(table, Goal(1.0), None, None)
    assert "giảm còn dưới 1,00 % hộ nghèo" in line and "10 hộ nghèo trên 1.415 hộ = 0,71 %" in line
    assert "chưa có danh sách năm sau" in line and met is None
    line, met = goal_line(table, Goal(1.0), 12, 1430)
    assert met is True and "12 hộ nghèo trên 1.430 hộ = 0,84 %: ĐẠT" in line
    assert goal_line(table, Goal(0.5), 12, 1430)[1] is False
    # 12 of 1,500 is exactly 0,8 %: "xuống còn 0,8 %" is reached, "dưới 0,8 %" is not
    line, met = goal_line(table, Goal(0.8, at_most=True), 12, 1500)
    assert met is True and "giảm xuống còn 0,80 % hộ nghèo" in line
    assert goal_line(table, Goal(0.8), 12, 1500)[1] is False
    assert goal_line(table, None, 12, 1430) == ("", None)
