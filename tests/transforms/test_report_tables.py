"""Report tables: every figure the forms print, from hand-built village figures."""

import pandas as pd
import pytest

from giamngheo.transforms.aggregate import add_rates
from giamngheo.transforms.report_scope import scope
from giamngheo.transforms.report_tables import dynamics_table, summary_table, targets_table
from giamngheo.transforms.synthetic import (
    DIEN_HOA,
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
