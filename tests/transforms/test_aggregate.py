import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from giamngheo.transforms.aggregate import COUNT_COLUMNS, rate_pct, rollup, village_summary


@pytest.mark.parametrize(
    ("num", "den", "expected"),
    [
        (3, 135, 2.22),
        (15, 1415, 1.06),
        (1, 8, 12.5),
        (1, 800, 0.13),
        (1, 93, 1.08),
        (0, 5, 0.0),
        (1, 159, 0.63),
        (5, 1415, 0.35),
        (2, 3, 66.67),
        (7, 0, None),
    ],
)
def test_rate_pct_rounds_half_up(num, den, expected):
    assert rate_pct(num, den) == expected


def test_rate_pct_on_series_matches_scalar():
    num = pd.Series([3, 1, 0, 15], dtype="Int64")
    den = pd.Series([135, 800, 0, 1415], dtype="Int64")
    got = rate_pct(num, den).tolist()
    assert got[0] == 2.22 and got[1] == 0.13 and pd.isna(got[2]) and got[3] == 1.06


def test_village_summary_counts_classes_and_keeps_empty_villages():
    households = pd.DataFrame(
        {
            "village_code": ["v1", "v1", "v1", "v1"],
            "year": [2024] * 4,
            "poverty_class": ["poor", "poor", "near_poor", "average"],
            "members": [3, 4, 2, 5],
        }
    )
    villages = pd.DataFrame(
        {
            "village_code": ["v1", "v2"],
            "year": [2024, 2024],
            "total_households": [135, 40],
            "total_persons": [500, None],
        }
    )
    out = village_summary(households, villages).set_index("village_code")
    assert out.loc["v1", "poor_households"] == 2
    assert out.loc["v1", "poor_persons"] == 7
    assert out.loc["v1", "poor_rate_pct"] == 1.48
    assert out.loc["v1", "poor_persons_rate_pct"] == 1.4
    assert out.loc["v2", "poor_households"] == 0
    assert pd.isna(out.loc["v2", "poor_persons_rate_pct"])


village = st.fixed_dictionaries(
    {
        "total_households": st.integers(1, 2000),
        "total_persons": st.integers(1, 9000),
        "poor": st.integers(0, 100),
        "near": st.integers(0, 100),
        "parent": st.sampled_from(["c1", "c2", "c3"]),
    }
)


@settings(max_examples=150, deadline=None)
@given(st.lists(village, min_size=1, max_size=30))
def test_rollup_totals_equal_sum_of_parts_and_rates_come_from_totals(rows):
    frame = pd.DataFrame(
        {
            "village_code": [f"v{i}" for i in range(len(rows))],
            "year": 2024,
            "total_households": [r["total_households"] for r in rows],
            "total_persons": [r["total_persons"] for r in rows],
            "poor_households": [min(r["poor"], r["total_households"]) for r in rows],
            "near_poor_households": [r["near"] for r in rows],
            "average_households": 0,
            "poor_persons": [r["poor"] * 3 for r in rows],
            "near_poor_persons": [r["near"] * 2 for r in rows],
            "average_persons": 0,
        }
    ).astype({c: "Int64" for c in COUNT_COLUMNS})
    parent_of = pd.Series([r["parent"] for r in rows], index=frame["village_code"])
    out = rollup(frame, parent_of, child="village_code", parent="commune_code")
    frame["commune_code"] = frame["village_code"].map(parent_of)
    for code, group in frame.groupby("commune_code"):
        got = out.set_index("commune_code").loc[code]
        for col in COUNT_COLUMNS:
            assert got[col] == group[col].sum()
        assert got["poor_rate_pct"] == rate_pct(
            int(group["poor_households"].sum()), int(group["total_households"].sum())
        )
        assert got["child_count"] == len(group)
    assert out["total_households"].sum() == frame["total_households"].sum()


def test_rollup_total_persons_is_missing_when_a_child_did_not_report_it():
    frame = pd.DataFrame(
        {"village_code": ["a", "b"], "year": [2024, 2024], **{c: [1, 1] for c in COUNT_COLUMNS}}
    ).astype({c: "Int64" for c in COUNT_COLUMNS})
    frame.loc[1, "total_persons"] = pd.NA
    out = rollup(
        frame, pd.Series({"a": "c", "b": "c"}), child="village_code", parent="commune_code"
    )
    assert pd.isna(out.loc[0, "total_persons"])
    assert out.loc[0, "total_households"] == 2
