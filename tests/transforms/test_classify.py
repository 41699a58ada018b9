import pandas as pd
import pytest

from giamngheo.transforms.classify import classify
from giamngheo.transforms.columns import INDICATOR_COLUMNS


def household(year: int, area: str, income_kvnd: float | None, deprived: int) -> pd.DataFrame:
    marks = {c: i < deprived for i, c in enumerate(INDICATOR_COLUMNS)}
    return pd.DataFrame([{"year": year, "area": area, "income_kvnd": income_kvnd, **marks}])


@pytest.mark.parametrize(
    ("year", "area", "income", "deprived", "expected"),
    [
        # 2022–2026, rural: poverty line 1,500,000; average band up to 2,250,000
        (2024, "rural", 1500, 3, "poor"),
        (2024, "rural", 1500, 2, "near_poor"),
        (2024, "rural", 1500.001, 3, "average"),
        (2024, "rural", 1501, 12, "average"),
        (2024, "rural", 0, 0, "near_poor"),
        (2024, "rural", 2250, 5, "average"),
        (2024, "rural", 2251, 0, "not_poor"),
        # 2022–2026, urban: 2,000,000 and 3,000,000
        (2022, "urban", 2000, 3, "poor"),
        (2026, "urban", 2000, 2, "near_poor"),
        (2024, "urban", 2001, 3, "average"),
        (2024, "urban", 3000, 0, "average"),
        (2024, "urban", 3001, 0, "not_poor"),
        # 2027–2030: 2,200,000 rural, 2,800,000 urban, average band not published
        (2027, "rural", 2200, 3, "poor"),
        (2030, "rural", 2200, 2, "near_poor"),
        (2027, "urban", 2800, 4, "poor"),
        (2027, "urban", 2799, 0, "near_poor"),
        (2027, "rural", 2201, 3, None),
        # no standard covers the year, or no income
        (2021, "rural", 1000, 5, None),
        (2031, "rural", 1000, 5, None),
        (2024, "rural", None, 5, None),
    ],
)
def test_classify_boundaries(year, area, income, deprived, expected):
    out = classify(household(year, area, income, deprived))
    got = out["computed_class"].iloc[0]
    assert (None if pd.isna(got) else got) == expected
    assert out["deprivation_count"].iloc[0] == deprived


def test_missing_marks_count_as_not_deprived():
    frame = household(2024, "rural", 1000, 3)
    frame["d01"] = pd.NA
    out = classify(frame.astype({"d01": "boolean"}))
    assert out["deprivation_count"].iloc[0] == 2
    assert out["computed_class"].iloc[0] == "near_poor"


def test_a_new_standard_is_a_new_row():
    from giamngheo.transforms.standards import STANDARDS

    extra = pd.DataFrame(
        [("test", 2031, 2035, "rural", 3_000_000, 4_000_000, 4)], columns=STANDARDS.columns
    )
    standards = pd.concat([STANDARDS, extra], ignore_index=True)
    out = classify(household(2031, "rural", 3000, 3), standards)
    assert out["computed_class"].iloc[0] == "near_poor"  # this decree wants 4 deprivations
