"""household_dynamics on hand-built lists: every transition, and end = start − outs + ins."""

import datetime as dt
import uuid

import pandas as pd
import pytest

from giamngheo.warehouse.store import Batch

# (village, year, code, class, members): two villages of Điền Hòa over 2022–2024.
LISTS = [
    # 2022
    ("19834-01", 2022, "H-RET", "poor", 4),  # poor in 2022, gone in 2023, poor again in 2024
    # 2023
    ("19834-01", 2023, "H-STAY", "poor", 5),  # stays poor, one member fewer in 2024
    ("19834-01", 2023, "H-NEAR", "poor", 3),  # → near-poor
    ("19834-01", 2023, "H-ABOVE", "poor", 2),  # → absent from 2024's list: not an exit
    ("19834-01", 2023, "H-NOTPOOR", "poor", 2),  # → listed as not poor in 2024: an exit
    ("19834-01", 2023, "H-AVG", "poor", 6),  # → average (listed, above near-poor)
    ("19834-01", 2023, "H-MOVE", "poor", 4),  # moves to Thôn 2, still poor
    ("19834-01", 2023, "H-UP", "near_poor", 3),  # near-poor → poor
    ("19834-01", 2023, "N-OUT", "near_poor", 2),  # near-poor → average
    ("19834-01", 2023, "N-GONE", "near_poor", 2),  # near-poor, absent from 2024's list
    ("19834-02", 2023, "X-1", "average", 3),
    # 2024
    ("19834-01", 2024, "H-STAY", "poor", 4),
    ("19834-01", 2024, "H-NEAR", "near_poor", 3),
    ("19834-01", 2024, "H-AVG", "average", 6),
    ("19834-01", 2024, "H-NOTPOOR", "not_poor", 2),
    ("19834-01", 2024, "N-OUT", "average", 2),
    ("19834-01", 2024, "H-UP", "poor", 3),
    ("19834-01", 2024, "H-RET", "poor", 4),
    ("19834-01", 2024, "H-NEW", "poor", 7),  # never poor before
    ("19834-02", 2024, "H-MOVE", "poor", 4),
]


def load_lists(warehouse, tmp_path):
    for (village, year), rows in pd.DataFrame(LISTS, columns=["v", "y", "c", "cls", "m"]).groupby(
        ["v", "y"]
    ):
        sid = uuid.uuid4().hex[:16]
        now = dt.datetime(year, 1, 1)
        households = pd.DataFrame(
            {
                "submission_id": sid,
                "village_code": village,
                "year": year,
                "household_code": rows["c"],
                "head_name": "A",
                "ethnicity": "Kinh",
                "members": rows["m"],
                "income_kvnd": 1000.0,
                "deprivations": [[] for _ in range(len(rows))],
                "deprivation_count": 0,
                "has_merit": False,
                "social_protection": False,
                "claimed_class": rows["cls"],
                "poverty_class": rows["cls"],
                "note": None,
                "source_sheet": "S",
                "source_row": range(2, len(rows) + 2),
                "extra": None,
            }
        )
        parquet = tmp_path / f"{sid}.parquet"
        households.to_parquet(parquet, index=False)
        subs = pd.DataFrame(
            [
                {
                    "submission_id": sid,
                    "file_name": "f",
                    "file_path": f"{sid}.xlsx",
                    "sha256": sid,
                    "size_bytes": 1,
                    "kind": "households",
                    "village_code": village,
                    "commune_code": "19834",
                    "year": year,
                    "status": "loaded",
                    "household_count": len(rows),
                    "error_count": 0,
                    "warning_count": 0,
                    "received_at": now,
                    "processed_at": now,
                }
            ]
        )
        reports = pd.DataFrame(
            [
                {
                    "submission_id": sid,
                    "village_code": village,
                    "year": year,
                    "area": "rural",
                    "total_households": 100,
                    "total_persons": 400,
                }
            ]
        )
        issues = pd.DataFrame(
            columns=["submission_id", "code", "severity", "file", "message_vi", "message_en"]
        )
        warehouse.load_batch(Batch(sid, None, subs, reports, issues, (parquet,)))


def row(warehouse, village, year, status, measure):
    frame = warehouse.sql(
        "select * from household_dynamics where village_code = ? and year = ? and status = ? and measure = ?",
        [village, year, status, measure],
    )
    assert len(frame) == 1
    return frame.iloc[0]


@pytest.fixture
def dynamics(warehouse, tmp_path):
    load_lists(warehouse, tmp_path)
    return warehouse


def test_every_poor_transition(dynamics):
    r = row(dynamics, "19834-01", 2024, "poor", "households")
    assert r["start"] == 6  # STAY, NEAR, ABOVE, NOTPOOR, AVG, MOVE
    # Exits: NEAR (to near-poor), AVG and NOTPOOR (above); ABOVE left the list: "giảm khác".
    assert (r["out_improved_to_near_poor"], r["out_above_near_poor"], r["out_other"]) == (1, 2, 2)
    assert (r["in_from_near_poor"], r["in_returning"], r["in_new"], r["in_other"]) == (1, 1, 1, 0)
    assert r["end"] == 4 and r["balances"]
    moved_in = row(dynamics, "19834-02", 2024, "poor", "households")
    assert (moved_in["start"], moved_in["in_other"], moved_in["end"]) == (0, 1, 1)


def test_every_near_poor_transition(dynamics):
    r = row(dynamics, "19834-01", 2024, "near_poor", "households")
    assert r["start"] == 3
    assert (r["out_above_near_poor"], r["out_to_poor"], r["out_other"]) == (1, 1, 1)
    assert (r["in_from_poor"], r["in_returning"], r["in_new"], r["in_other"]) == (1, 0, 0, 0)
    assert r["end"] == 1 and r["balances"]


def test_persons_balance_with_member_changes(dynamics):
    r = row(dynamics, "19834-01", 2024, "poor", "persons")
    assert r["start"] == 5 + 3 + 2 + 2 + 6 + 4
    assert r["out_other"] == 2 + 4 + 1  # H-ABOVE left; H-MOVE moved out; H-STAY lost one
    assert r["end"] == 4 + 3 + 4 + 7 and r["balances"]


def test_the_first_year_of_a_village_has_no_dynamics(dynamics):
    assert (
        dynamics.sql("select count(*) n from household_dynamics where year = 2022").iloc[0, 0] == 0
    )
