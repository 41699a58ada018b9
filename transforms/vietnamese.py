"""Numbers written the way Vietnamese documents write them: 1.415 hộ, 1,06 %."""

from __future__ import annotations

import math
from fractions import Fraction


def vi_int(value: int) -> str:
    """1415 → "1.415"."""
    return f"{int(value):,}".replace(",", ".")


def vi_vnd(amount: float) -> str:
    """An amount of đồng to the đồng, rounded half up: 3833333.33 → "3.833.333"."""
    return vi_int(math.floor(Fraction(str(amount)) + Fraction(1, 2)))


def vi_pct(value: float | Fraction) -> str:
    """A rate with 2 decimals, rounded half up, and a decimal comma: 1.0601 → "1,06"."""
    hundredths = math.floor(Fraction(str(value)) * 100 + Fraction(1, 2))
    sign = "-" if hundredths < 0 else ""
    hundredths = abs(hundredths)
    return f"{sign}{hundredths // 100},{hundredths % 100:02d}"
