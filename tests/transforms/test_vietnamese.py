"""Numbers as Vietnamese documents write them."""

import pytest

from giamngheo.transforms.vietnamese import vi_int, vi_pct, vi_vnd


@pytest.mark.parametrize(("value", "text"), [(0, "0"), (1415, "1.415"), (2_200_000, "2.200.000")])
def test_whole_numbers_group_thousands_with_dots(value, text):
    assert vi_int(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(1.0601, "1,06"), (63.125, "63,13"), (0.005, "0,01"), (-1.005, "-1,00"), (100, "100,00")],
)
def test_rates_have_two_decimals_rounded_half_up_and_a_comma(value, text):
    assert vi_pct(value) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (3_000_000.0, "3.000.000"),
        (46_000_000 / 12, "3.833.333"),
        (2.5, "3"),
        (1_500_000, "1.500.000"),
    ],
)
def test_amounts_of_dong_are_whole_rounded_half_up(amount, text):
    assert vi_vnd(amount) == text
