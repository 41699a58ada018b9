"""Seeded synthetic village lists for the bundled sample district, tests and benchmarks.

Every generated household is consistent with the standard in force (a poor household has an
income at or below the poverty line and at least 3 deprivations, and so on), household codes
are stable across years so year-over-year dynamics can be followed, and the same seed always
gives the same lists. Điền Hòa (19834) reproduces the commune plan of 2024 exactly.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from giamngheo.transforms.columns import (
    AVERAGE,
    DEPRIVATIONS,
    HOUSEHOLD_COLUMNS,
    NEAR_POOR,
    NOT_POOR,
    POOR,
)
from giamngheo.transforms.fields import FIELDS
from giamngheo.transforms.registry import Hierarchy, ancestors
from giamngheo.transforms.standards import Catalog, shipped

# Điền Hòa, Phong Điền, 2024 (seed plan 05/KH-UBND): total and poor households of Thôn 1–11.
DIEN_HOA = "19834"
DIEN_HOA_TOTALS = (135, 118, 115, 127, 136, 144, 159, 129, 130, 129, 93)
DIEN_HOA_POOR_2024 = (3, 1, 3, 1, 2, 2, 1, 0, 0, 0, 2)
# Households each village set out to lift out of poverty in 2024 (the plan's "Chỉ tiêu"; the
# villages whose cell the plan left blank were given none).
DIEN_HOA_TARGETS_2024 = (1, None, 1, None, None, 1, 1, None, None, None, 1)
# The plan's table as printed, rates included (Thôn 7's 0,62, Thôn 11's 1,07 and the total's
# 3,99 target rate are the plan's own arithmetic, which the pipeline checks).
DIEN_HOA_PLAN_2024 = {
    "poor_rate_pct": (2.22, 0.85, 2.61, 0.79, 1.47, 1.39, 0.63, 0, 0, 0, 2.15),
    "target_rate_pct": (0.74, None, 0.87, None, None, 0.69, 0.62, None, None, None, 1.07),
    "total": {
        "poor_households": 15,
        "poor_rate_pct": 1.06,
        "target_households": 5,
        "target_rate_pct": 3.99,
    },
}

_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
_MIDDLE = ("Văn", "Thị", "Đăng", "Hữu", "Minh", "Thanh", "Quang", "Ngọc", "Đức", "Xuân")
_GIVEN = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hà",
    "Hải",
    "Hạnh",
    "Hòa",
    "Hùng",
    "Hương",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quý",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thủy",
    "Tuấn",
    "Vân",
    "Yến",
)


@dataclass
class VillageList:
    """One village's list for one year: its metadata and its households (canonical columns)."""

    metadata: dict[str, object]
    households: pd.DataFrame = field(repr=False)


@dataclass(frozen=True)
class Profile:
    """How big villages are and how many of their households are listed, by class."""

    total_households: tuple[int, int] = (80, 260)
    poor_share: float = 0.025
    near_poor_share: float = 0.04
    average_share: float = 0.03


def sample_lists(
    registry: pd.DataFrame,
    years: tuple[int, ...] = (2024, 2025),
    seed: int = 2024,
    profile: Profile = Profile(),
    catalog: Catalog | None = None,
) -> list[VillageList]:
    """Lists for every village of `registry` and every year, evolving year to year.

    `registry` has the admin-registry columns (code, level, name, parent_code, area), and may
    carry periods (valid_from, valid_to): each year's list then names the commune its village
    belongs to for that year (a village not yet assigned to a new commune names its last one).
    Each village draws from a generator of its own, seeded by `seed` and its code, so its lists
    do not depend on which other villages or later years are generated with it.
    """
    hierarchy = Hierarchy(registry)
    placed = {year: hierarchy.at(year).set_index("code") for year in years}
    last = hierarchy.at(None).set_index("code")
    villages = registry[registry["level"] == "village"]
    if "valid_from" in villages.columns:  # each village as it first was
        villages = villages.sort_values("valid_from", na_position="first", kind="stable")
    villages = villages.drop_duplicates("code")
    out: list[VillageList] = []
    for v in villages.sort_values("code").itertuples(index=False):
        rng = np.random.default_rng([seed, zlib.crc32(v.code.encode())])
        state = _initial_state(rng, v.code, v.parent_code, profile)
        commune = v.parent_code
        for i, year in enumerate(years):
            if i:
                state = _evolve(rng, state, year)
            at = placed[year]
            if v.code in at.index:
                commune = at.at[v.code, "parent_code"]
            units = at if commune in at.index else last
            chain = ancestors(units, commune)
            area = at.at[v.code, "area"] if v.code in at.index else v.area
            metadata = {
                "province_code": chain.get("province"),
                "district_code": chain.get("district"),
                "commune_code": commune,
                "commune_name": units.at[commune, "name"],
                "village_code": v.code,
                "village_name": v.name,
                "year": year,
                "area": area,
                "total_households": state.total,
                "total_persons": state.persons,
                "prepared_by": "Trưởng thôn",
                "prepared_on": f"{year - 1}-12-15",
            }
            households = _households(rng, state, year, area, catalog or shipped())
            out.append(VillageList(metadata, households))
    return out


@dataclass
class _State:
    village_code: str
    total: int
    persons: int
    classes: dict[int, str]  # household number -> class (listed households only)
    members: dict[int, int]
    # Poor or near-poor last year and now above the average band: listed once more as
    # "Không nghèo", as a review records the households that left poverty.
    exited: tuple[int, ...] = ()


def _initial_state(
    rng: np.random.Generator, village_code: str, commune_code: str, profile: Profile
) -> _State:
    number = int(village_code.rsplit("-", 1)[1])
    if commune_code == DIEN_HOA and number <= len(DIEN_HOA_TOTALS):
        total = DIEN_HOA_TOTALS[number - 1]
        poor = DIEN_HOA_POOR_2024[number - 1]
    else:
        total = int(rng.integers(*profile.total_households))
        poor = int(rng.binomial(total, profile.poor_share))
    near_poor = int(rng.binomial(total, profile.near_poor_share))
    average = int(rng.binomial(total, profile.average_share))
    numbers = rng.permutation(np.arange(1, total + 1))
    classes: dict[int, str] = {}
    cursor = 0
    for cls, n in ((POOR, poor), (NEAR_POOR, near_poor), (AVERAGE, average)):
        for k in numbers[cursor : cursor + n]:
            classes[int(k)] = cls
        cursor += n
    members = dict(zip(range(1, total + 1), _members(rng, total), strict=True))
    return _State(village_code, total, sum(members.values()), classes, members)


def _members(rng: np.random.Generator, n: int) -> list[int]:
    """The sizes of `n` households."""
    sizes = rng.choice(8, size=n, p=[0.08, 0.15, 0.2, 0.25, 0.16, 0.09, 0.05, 0.02]) + 1
    return sizes.tolist()


# Year-over-year transition probabilities from each class (to poor, near-poor, average, unlisted).
_TRANSITIONS = {
    POOR: (0.55, 0.25, 0.1, 0.1),
    NEAR_POOR: (0.06, 0.6, 0.2, 0.14),
    AVERAGE: (0.0, 0.06, 0.7, 0.24),
}


def _evolve(rng: np.random.Generator, state: _State, year: int) -> _State:
    grown = int(round(state.total * rng.uniform(1.0, 1.02)))
    members = dict(state.members)
    born = range(state.total + 1, grown + 1)
    members.update(zip(born, _members(rng, len(born)), strict=True))
    classes: dict[int, str] = {}
    targets = (POOR, NEAR_POOR, AVERAGE, None)
    for k, cls in state.classes.items():
        nxt = targets[int(rng.choice(4, p=_TRANSITIONS[cls]))]
        if nxt:
            classes[k] = nxt
    unlisted = [k for k in range(1, grown + 1) if k not in classes]
    newcomers = rng.choice(unlisted, size=min(len(unlisted), int(rng.binomial(grown, 0.012))))
    for k in newcomers:
        classes[int(k)] = POOR if rng.random() < 0.4 else NEAR_POOR
    exited = tuple(
        k
        for k, cls in sorted(state.classes.items())
        if cls in (POOR, NEAR_POOR) and k not in classes
    )
    return _State(state.village_code, grown, sum(members.values()), classes, members, exited)


def _households(
    rng: np.random.Generator, state: _State, year: int, area: str, catalog: Catalog
) -> pd.DataFrame:
    standard = catalog.national(year)
    lines = standard.line(area)
    line = int(lines.poverty) // 1000
    upper = line * 3 // 2 if lines.average_upper is None else int(lines.average_upper) // 1000
    codes = standard.codes
    rows = []
    for seq, k in enumerate(sorted(state.classes), start=1):
        cls = state.classes[k]
        if cls == POOR:
            income = _income(rng, line // 3, line)
            deprived = int(rng.integers(3, 8))
        elif cls == NEAR_POOR:
            income = _income(rng, line // 2, line)
            deprived = int(rng.integers(0, 3))
        else:
            income = _income(rng, line + 10, upper)
            deprived = int(rng.integers(0, 5))
        marks = np.zeros(12, dtype=bool)
        marks[rng.choice(12, size=deprived, replace=False)] = True
        row = {
            **_defaults(),
            "seq": seq,
            "household_code": f"{state.village_code}-{k:04d}",
            "head_name": _name(rng),
            "ethnicity": "Kinh" if rng.random() < 0.95 else "Tà Ôi",
            "members": state.members[k],
            "income_kvnd": float(income),
            DEPRIVATIONS: tuple(code for code, m in zip(codes, marks, strict=False) if m),
            "has_merit": bool(rng.random() < 0.04),
            "social_protection": bool(rng.random() < 0.08),
            "claimed_class": cls,
            "note": None,
        }
        rows.append(row)
    rows += _exits(state, year, upper, len(rows))
    frame = pd.DataFrame(rows, columns=[*HOUSEHOLD_COLUMNS, DEPRIVATIONS])
    return frame


def _defaults() -> dict[str, object]:
    """What a generated household holds in the fields the generator gives no value of its
    own (a field declared later: `fields.py`'s `sample`)."""
    return {f.name: f.sample for f in FIELDS}


def _exits(state: _State, year: int, upper: int, listed: int) -> list[dict]:
    """The households that left poverty this year, listed as "Không nghèo". Drawn from a
    generator of their own, so that the rest of the sample stays what it always was."""
    village = int(state.village_code.replace("-", ""))
    rng = np.random.default_rng([year, village])
    rows = []
    for seq, k in enumerate(state.exited, start=listed + 1):
        rows.append(
            {
                **_defaults(),
                "seq": seq,
                "household_code": f"{state.village_code}-{k:04d}",
                "head_name": _name(rng),
                "ethnicity": "Kinh",
                "members": state.members[k],
                "income_kvnd": float(_income(rng, upper + 10, upper * 2)),
                DEPRIVATIONS: (),
                "has_merit": False,
                "social_protection": False,
                "claimed_class": NOT_POOR,
                "note": None,
            }
        )
    return rows


def _income(rng: np.random.Generator, low: int, high: int) -> int:
    """Income in nghìn đồng, a multiple of 10, and now and then exactly on the upper bound."""
    if rng.random() < 0.05:
        return high
    return int(rng.integers(low // 10, high // 10 + 1)) * 10


def _name(rng: np.random.Generator) -> str:
    family, middle, given = rng.integers((len(_FAMILY), len(_MIDDLE), len(_GIVEN)))
    return f"{_FAMILY[family]} {_MIDDLE[middle]} {_GIVEN[given]}"
