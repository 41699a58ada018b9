from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from giamngheo.transforms.planning import HIGHEST_RATE, METHODS, PROPORTIONAL, allocate, requirement
from giamngheo.transforms.synthetic import DIEN_HOA_POOR_2024, DIEN_HOA_TOTALS


def test_dien_hoa_2024_needs_one_exit_to_fall_below_one_percent():
    need = requirement(15, 1415, 1.0)
    assert (need.max_remaining, need.exits) == (14, 1)
    assert need.explanation_vi == (
        "Hiện có 15 hộ nghèo trên 1.415 hộ = 1,06 %. Để dưới 1,00 % chỉ được còn tối đa 14 hộ "
        "(14 ÷ 1.415 = 0,99 %), nên phải giảm ít nhất 1 hộ; khi đó tỷ lệ còn 0,99 %."
    )


@pytest.mark.parametrize(
    ("poor", "total", "goal", "exits"),
    [
        (15, 1415, 1.0, 1),
        (10, 1000, 1.0, 1),
        (9, 1000, 1.0, 0),
        (15, 1415, "0.5", 8),
        (0, 100, 1, 0),
        (3, 100, 3, 1),
        (3, 100, 3.01, 0),
        (50, 50, 1, 50),
    ],
)
def test_requirement_is_strictly_below_the_goal(poor, total, goal, exits):
    need = requirement(poor, total, goal)
    assert need.exits == exits
    assert (poor - exits) * 100 < Fraction(str(goal)) * total
    if exits:
        assert (poor - exits + 1) * 100 >= Fraction(str(goal)) * total


def test_requirement_refuses_nonsense():
    with pytest.raises(ValueError):
        requirement(1, 0, 1)
    with pytest.raises(ValueError):
        requirement(1, 10, 0)


def dien_hoa() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "village_code": [f"19834-{i:02d}" for i in range(1, 12)],
            "poor_households": DIEN_HOA_POOR_2024,
            "total_households": DIEN_HOA_TOTALS,
        }
    )


def test_highest_rate_takes_from_the_worst_village_first():
    shares = allocate(dien_hoa(), 1, HIGHEST_RATE)
    assert shares.idxmax() == "19834-03" and shares.sum() == 1  # 3 of 115 = 2,61 %, the highest


def test_proportional_uses_largest_remainders():
    shares = allocate(dien_hoa(), 5, PROPORTIONAL)
    assert shares.tolist() == [1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 1]


villages = st.lists(
    st.tuples(st.integers(0, 40), st.integers(1, 400)).map(lambda t: (min(t[0], t[1]), t[1])),
    min_size=1,
    max_size=15,
)


@settings(max_examples=200, deadline=None)
@given(villages, st.sampled_from(METHODS), st.decimals(min_value="0.1", max_value="20", places=2))
def test_allocations_meet_the_requirement_and_never_exceed_a_village(rows, method, goal):
    frame = pd.DataFrame(
        {
            "village_code": [f"v{i:02d}" for i in range(len(rows))],
            "poor_households": [p for p, _ in rows],
            "total_households": [t for _, t in rows],
        }
    )
    need = requirement(
        int(frame["poor_households"].sum()), int(frame["total_households"].sum()), str(goal)
    )
    shares = allocate(frame, need.exits, method)
    assert int(shares.sum()) == need.exits
    assert (
        shares.to_numpy()
        <= frame.set_index("village_code").loc[shares.index, "poor_households"].to_numpy()
    ).all()
    assert (shares >= 0).all()
    remaining = need.poor - need.exits
    assert remaining * 100 < Fraction(str(goal)) * need.total
