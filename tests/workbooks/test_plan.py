from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from giamngheo.transforms.synthetic import DIEN_HOA_PLAN_2024
from giamngheo.workbooks.reader import read_submission

SEED_PLAN = Path(__file__).parents[1] / "data" / "ke_hoach_dien_hoa_2024.xlsx"


def test_the_seed_plan_table_reads_into_eleven_villages_and_a_totals_row():
    sub = read_submission(SEED_PLAN, "p1")
    assert (sub.kind, sub.issues) == ("plan", [])
    assert sub.metadata == {
        "year": 2024,
        "commune_name": "xa dien hoa",
        "goal_rate_pct": 1.0,
        "goal_at_most": False,
    }
    plan = sub.plan
    body, total = plan[~plan["is_total"]], plan[plan["is_total"]].iloc[0]
    assert body["unit_name"].tolist() == [f"Thôn {i}" for i in range(1, 12)]
    assert body["poor_households"].tolist() == [3, 1, 3, 1, 2, 2, 1, 0, 0, 0, 2]
    assert body["poor_rate_pct"].tolist() == list(DIEN_HOA_PLAN_2024["poor_rate_pct"])
    targets = body["target_households"].tolist()
    assert [0 if pd.isna(t) else t for t in targets] == [1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1]
    assert body["source_row"].tolist() == list(range(12, 23))
    assert (total["poor_households"], total["poor_rate_pct"]) == (15, 1.06)
    assert (total["target_households"], total["target_rate_pct"]) == (5, 3.99)


def test_a_plan_table_resolves_against_the_registry(registry):
    from giamngheo.transforms.registry import resolve_commune, resolve_village

    assert resolve_commune(registry, None, "xa dien hoa") == "19834"
    assert resolve_commune(registry, None, "Xã Điền Hòa") == "19834"
    assert resolve_village(registry, None, "Thôn 11", "19834", None) == "19834-11"
    assert resolve_village(registry, None, "Thôn 99", "19834", None) is None


@pytest.mark.parametrize(
    ("sentence", "rate", "at_most"),
    [
        ("phấn đấu cuối năm giảm còn dưới 1% hộ nghèo", 1.0, False),
        ("Giảm tỷ lệ hộ nghèo xuống dưới 1,5 %", 1.5, False),
        ("phấn đấu giảm tỷ lệ hộ nghèo xuống còn 0,9%", 0.9, True),
        ("Mục tiêu: giảm còn 2 % hộ nghèo", 2.0, True),
    ],
)
def test_the_goal_sentence_is_read_in_its_usual_wordings(tmp_path, sentence, rate, at_most):
    wb = load_workbook(SEED_PLAN)
    ws = wb.active
    cell = next(c for row in ws.iter_rows() for c in row if "dưới 1%" in str(c.value or ""))
    cell.value = f"Chỉ tiêu giảm hộ nghèo năm 2024: {sentence}. Cụ thể các thôn như sau:"
    wb.save(tmp_path / "plan.xlsx")
    meta = read_submission(tmp_path / "plan.xlsx", "p").metadata
    assert (meta["goal_rate_pct"], meta["goal_at_most"]) == (rate, at_most)


def test_a_plan_without_a_goal_sentence_has_no_goal(tmp_path):
    wb = load_workbook(SEED_PLAN)
    ws = wb.active
    cell = next(c for row in ws.iter_rows() for c in row if "dưới 1%" in str(c.value or ""))
    cell.value = "Cụ thể các thôn như sau:"
    wb.save(tmp_path / "plan.xlsx")
    assert "goal_rate_pct" not in read_submission(tmp_path / "plan.xlsx", "p").metadata
