import pandas as pd
import pytest

from giamngheo.transforms.classify import classify
from giamngheo.transforms.standards import parse_standard, shipped


def household(year: int, area: str, income_kvnd: float | None, deprived: int) -> pd.DataFrame:
    standard = shipped().national(year) or shipped().sets[0]
    codes = standard.codes[:deprived]
    return pd.DataFrame(
        [{"year": year, "area": area, "income_kvnd": income_kvnd, "deprivations": codes}]
    )


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


def test_no_deprivations_recorded_count_as_none():
    frame = household(2024, "rural", 1000, 3).assign(deprivations=[None])
    out = classify(frame)
    assert out["deprivation_count"].iloc[0] == 0
    assert out["computed_class"].iloc[0] == "near_poor"


STANDARD = """
id = "test-2031"
name = "Chuẩn thử"
legal_basis = "Nghị định thử"
first_year = 2031
last_year = 2035
min_deprivations_poor = 4
[lines.rural]
poverty = 3_000_000
average_upper = 4_000_000
[lines.urban]
poverty = 3_500_000
[[indicators]]
number = 1
code = "employment"
name = "Việc làm"
dimension = "Việc làm"
[[indicators]]
number = 2
code = "nutrition"
name = "Dinh dưỡng"
dimension = "Y tế"
[[indicators]]
number = 3
code = "sanitation"
name = "Nhà tiêu"
dimension = "Vệ sinh"
[[indicators]]
number = 4
code = "waste_treatment"
name = "Rác thải"
dimension = "Môi trường"
"""


def test_a_new_standard_is_a_file_not_code():
    catalog = shipped().with_standards([parse_standard(STANDARD)])
    frame = household(2031, "rural", 3000, 0).assign(
        deprivations=[("employment", "nutrition", "sanitation")]
    )
    assert classify(frame, catalog)["computed_class"].iloc[0] == "near_poor"  # wants 4
    frame = frame.assign(
        deprivations=[("employment", "nutrition", "sanitation", "waste_treatment")]
    )
    assert classify(frame, catalog)["computed_class"].iloc[0] == "poor"


PROVINCE = """
id = "hcm-2021"
name = "Chuẩn nghèo của Thành phố"
legal_basis = "Nghị quyết 15/2021/NQ-HĐND"
province = "79"
first_year = 2022
last_year = 2025
unit = "year"
min_deprivations_poor = 3
[lines.rural]
poverty = 36_000_000
near_poor = 46_000_000
[lines.urban]
poverty = 36_000_000
near_poor = 46_000_000
"""


@pytest.mark.parametrize(
    ("income", "deprived", "national", "local"),
    [
        (2900, 3, "average", "poor"),  # above the national line, below the city's 3 M a month
        (3000, 0, "average", "near_poor"),
        (3500, 5, "not_poor", "near_poor"),  # 46 M a year: 3,833,333 a month
        (3900, 0, "not_poor", None),  # above both of the city's lines, no average band
        (1400, 4, "poor", "poor"),
    ],
)
def test_a_provincial_standard_classes_its_lists_a_second_time(income, deprived, national, local):
    catalog = shipped().with_standards([parse_standard(PROVINCE)])
    frame = household(2024, "urban", income, deprived).assign(province_code="79")
    out = classify(frame, catalog)
    assert out["computed_class"].iloc[0] == national
    got = out["local_class"].iloc[0]
    assert (None if pd.isna(got) else got) == local
    elsewhere = classify(frame.assign(province_code="46"), catalog)
    assert pd.isna(elsewhere["local_class"].iloc[0])
