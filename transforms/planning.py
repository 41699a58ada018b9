"""Target planning (chỉ tiêu giảm nghèo): how many households must leave poverty, and where.

The commune's rate must fall strictly below the goal ("giảm còn dưới 1 % hộ nghèo"): with P
poor households of T, at most ceil(goal × T / 100) − 1 may remain, so the minimum number of
exits is P minus that. Arithmetic is exact (fractions), never floating point.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from giamngheo.transforms.vietnamese import vi_int, vi_pct

if TYPE_CHECKING:  # the command line reads METHODS at start-up, before any frame exists
    import pandas as pd

PROPORTIONAL = "proportional"
HIGHEST_RATE = "highest-rate"
METHODS = (PROPORTIONAL, HIGHEST_RATE)


@dataclass(frozen=True)
class Requirement:
    """The minimum exits for a unit to fall strictly below a goal rate, with its reasoning."""

    poor: int
    total: int
    goal_rate_pct: Fraction
    max_remaining: int
    exits: int

    @property
    def explanation_vi(self) -> str:
        now = vi_pct(Fraction(self.poor * 100, self.total))
        after = vi_pct(Fraction((self.poor - self.exits) * 100, self.total))
        goal = vi_pct(self.goal_rate_pct)
        if self.exits == 0:
            return (
                f"Hiện có {self.poor} hộ nghèo trên {vi_int(self.total)} hộ = {now} %, đã dưới {goal} %: "
                "không cần chỉ tiêu thêm."
            )
        return (
            f"Hiện có {self.poor} hộ nghèo trên {vi_int(self.total)} hộ = {now} %. Để dưới {goal} % "
            f"chỉ được còn tối đa {self.max_remaining} hộ ({self.max_remaining} ÷ {vi_int(self.total)} "
            f"= {vi_pct(Fraction(self.max_remaining * 100, self.total))} %), nên phải giảm ít nhất "
            f"{self.exits} hộ; khi đó tỷ lệ còn {after} %."
        )


@dataclass(frozen=True)
class Goal:
    """The goal a commune plan states: a rate to fall strictly below ("giảm còn dưới 1 % hộ
    nghèo"), or, with `at_most`, a rate to reach ("giảm xuống còn 0,9 %")."""

    rate_pct: float
    at_most: bool = False

    def max_remaining(self, total: int) -> int:
        """The most poor households of `total` that still meet the goal (exact arithmetic)."""
        limit = Fraction(str(self.rate_pct)) * total / 100
        return max(math.floor(limit) if self.at_most else math.ceil(limit) - 1, 0)

    def met(self, poor: int, total: int) -> bool:
        return poor <= self.max_remaining(total)

    @property
    def words(self) -> str:
        """ "dưới 1,00 %" or "còn 0,90 %"."""
        return f"{'còn' if self.at_most else 'dưới'} {vi_pct(self.rate_pct)} %"

    @property
    def words_en(self) -> str:
        return f"{'at most' if self.at_most else 'below'} {self.rate_pct:.2f}%"


def requirement(poor: int, total: int, goal_rate_pct: float | str | Fraction) -> Requirement:
    """Minimum households that must leave poverty for poor/total × 100 < goal."""
    if total <= 0:
        raise ValueError("total households must be positive")
    goal = (
        Fraction(str(goal_rate_pct)) if not isinstance(goal_rate_pct, Fraction) else goal_rate_pct
    )
    if goal <= 0:
        raise ValueError("the goal rate must be positive")
    # remaining × 100 < goal × total  ⇔  remaining < goal × total / 100
    max_remaining = math.ceil(goal * total / 100) - 1
    return Requirement(
        poor, total, goal, max(max_remaining, 0), max(poor - max(max_remaining, 0), 0)
    )


def allocate(villages: pd.DataFrame, exits: int, method: str = PROPORTIONAL) -> pd.Series:
    """Split `exits` among villages (village_code, poor_households, total_households).

    proportional: largest remainder on poor counts (ties to the larger poor count, then the
    code). highest-rate: one household at a time from the village whose rate is then highest.
    A village never gets more than its poor households; the result sums to `exits`.
    """
    frame = villages.sort_values("village_code").reset_index(drop=True)
    poor = frame["poor_households"].astype(int).tolist()
    if exits > sum(poor):
        raise ValueError("more exits than poor households")
    if method == PROPORTIONAL:
        shares = _largest_remainder(poor, exits)
    elif method == HIGHEST_RATE:
        shares = _highest_rate_first(poor, frame["total_households"].astype(int).tolist(), exits)
    else:
        raise ValueError(f"unknown method {method!r}")
    import pandas as pd

    return pd.Series(shares, index=frame["village_code"], name="target_households")


def _largest_remainder(poor: list[int], exits: int) -> list[int]:
    total = sum(poor)
    if total == 0 or exits == 0:
        return [0] * len(poor)
    quotas = [Fraction(p * exits, total) for p in poor]
    shares = [math.floor(q) for q in quotas]
    left = exits - sum(shares)
    order = sorted(range(len(poor)), key=lambda i: (-(quotas[i] - shares[i]), -poor[i], i))
    for i in order:
        if left == 0:
            break
        if shares[i] < poor[i]:
            shares[i] += 1
            left -= 1
    return shares


def _highest_rate_first(poor: list[int], totals: list[int], exits: int) -> list[int]:
    shares = [0] * len(poor)
    heap = [
        (-Fraction(p, t), i) for i, (p, t) in enumerate(zip(poor, totals, strict=True)) if p > 0
    ]
    heapq.heapify(heap)
    for _ in range(exits):
        _, i = heapq.heappop(heap)
        shares[i] += 1
        left = poor[i] - shares[i]
        if left > 0:
            heapq.heappush(heap, (-Fraction(left, totals[i]), i))
    return shares
