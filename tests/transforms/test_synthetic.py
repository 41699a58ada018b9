import pandas as pd

from giamngheo.transforms.aggregate import rate_pct
from giamngheo.transforms.classify import classify
from giamngheo.transforms.synthetic import (
    DIEN_HOA_POOR_2024,
    DIEN_HOA_TOTALS,
    sample_lists,
)


def test_dien_hoa_2024_reproduces_the_seed_plan(dien_hoa_lists):
    lists = [v for v in dien_hoa_lists if v.metadata["year"] == 2024]
    totals = [v.metadata["total_households"] for v in lists]
    poor = [int((v.households["claimed_class"] == "poor").sum()) for v in lists]
    assert totals == list(DIEN_HOA_TOTALS)
    assert poor == list(DIEN_HOA_POOR_2024)
    assert sum(totals) == 1415 and sum(poor) == 15
    assert rate_pct(sum(poor), sum(totals)) == 1.06


def test_every_household_is_consistent_with_the_standard(dien_hoa_lists):
    for v in dien_hoa_lists:
        frame = v.households.assign(year=v.metadata["year"], area=v.metadata["area"])
        out = classify(frame)
        assert (out["claimed_class"] == out["computed_class"]).all(), v.metadata["village_code"]
        assert len(frame) <= v.metadata["total_households"]
        assert frame["household_code"].is_unique


def test_same_seed_same_lists_and_codes_are_stable_across_years(dien_hoa_registry):
    a = sample_lists(dien_hoa_registry, seed=7)
    b = sample_lists(dien_hoa_registry, seed=7)
    for x, y in zip(a, b, strict=True):
        pd.testing.assert_frame_equal(x.households, y.households)
    codes_2024 = set(
        pd.concat([v.households for v in a if v.metadata["year"] == 2024])["household_code"]
    )
    codes_2025 = set(
        pd.concat([v.households for v in a if v.metadata["year"] == 2025])["household_code"]
    )
    assert len(codes_2024 & codes_2025) > len(codes_2024) / 2
