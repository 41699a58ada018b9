import pandas as pd

from giamngheo.transforms.reports import commune_plan_table, summary_table
from giamngheo.transforms.synthetic import (
    DIEN_HOA,
    DIEN_HOA_PLAN_2024,
    DIEN_HOA_POOR_2024,
    DIEN_HOA_TARGETS_2024,
    DIEN_HOA_TOTALS,
)


def dien_hoa_villages() -> pd.DataFrame:
    from giamngheo.transforms.aggregate import add_rates

    n = len(DIEN_HOA_TOTALS)
    frame = pd.DataFrame(
        {
            "village_code": [f"{DIEN_HOA}-{i:02d}" for i in range(1, n + 1)],
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


def test_commune_table_reproduces_the_seed_and_fixes_its_arithmetic(registry):
    villages = dien_hoa_villages()
    targets = pd.DataFrame(
        {
            "village_code": villages["village_code"],
            "year": 2024,
            "target_households": DIEN_HOA_TARGETS_2024,
        }
    )
    table = commune_plan_table(villages, registry, targets, DIEN_HOA, 2024)
    body, total = table.iloc[:-1], table.iloc[-1]
    assert body["poor_households"].tolist() == list(DIEN_HOA_POOR_2024)
    assert body["poor_rate_pct"].tolist() == list(DIEN_HOA_PLAN_2024["poor_rate_pct"])
    # The seed prints 0,62 for Thôn 7 and 1,07 for Thôn 11, but 1 ÷ 159 and 1 ÷ 93 round to 0,63 and 1,08.
    assert body.loc[6, "target_rate_pct"] == 0.63 and body.loc[10, "target_rate_pct"] == 1.08
    assert (total["unit_name"], total["poor_households"], total["poor_rate_pct"]) == (
        "Tổng cộng",
        15,
        1.06,
    )
    # The seed's 3,99 is the sum of the rows' rates; the rate of the total is 5 ÷ 1,415.
    assert (total["target_households"], total["target_rate_pct"]) == (5, 0.35)


def test_villages_without_a_list_keep_their_row(registry):
    villages = dien_hoa_villages().iloc[:10]
    table = commune_plan_table(
        villages,
        registry,
        pd.DataFrame(columns=["village_code", "year", "target_households"]),
        DIEN_HOA,
        2024,
    )
    assert len(table) == 12
    assert not table.iloc[10]["submitted"] and pd.isna(table.iloc[10]["poor_households"])
    assert table.iloc[-1]["total_households"] == sum(DIEN_HOA_TOTALS[:10])


def test_summary_table_has_the_parent_total_first(registry):
    table = summary_table(dien_hoa_villages(), registry, "476", 2024)
    assert table.iloc[0]["tt"] == "1" and table.iloc[0]["is_total"]
    assert table.iloc[0]["poor_households"] == 15 and table.iloc[0]["poor_rate_pct"] == 1.06
    assert table["tt"].tolist()[1:4] == ["1.1", "1.2", "1.3"]
    dien_hoa = table.set_index("unit_code").loc[DIEN_HOA]
    assert dien_hoa["total_households"] == 1415
    assert len(table) == 17  # the district and its 16 communes
