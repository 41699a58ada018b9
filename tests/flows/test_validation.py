"""Every rule: a workbook breaking exactly that rule gives exactly that issue at the right cell."""

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from giamngheo.flows import steps
from giamngheo.flows.validation import Reference, validate
from giamngheo.transforms.columns import DEPRIVATIONS
from giamngheo.transforms.synthetic import (
    DIEN_HOA_PLAN_2024,
    DIEN_HOA_POOR_2024,
    DIEN_HOA_TARGETS_2024,
    sample_lists,
)
from giamngheo.workbooks.inbox import discover
from giamngheo.workbooks.template import INFO_SHEET, write_plan_workbook, write_village_workbook


def run(inbox: Path, registry, history=None, known=None, docs=None):
    found = discover(inbox, known=set(), settle_seconds=0)
    subs = steps.read_files(found.candidates)
    reference = Reference(registry)
    if history is not None:
        reference.history = history
    return validate(found.candidates, subs, reference, docs_dir=docs, known_codes=known)


def found(validated) -> list[tuple[str, str, str | None]]:
    return sorted((i.code, i.severity, i.cell) for i in validated.issues)


def first_row(village, cls: str) -> int:
    """Index (0-based) of the first household of a class in a sample list."""
    return int((village.households["claimed_class"] == cls).to_numpy().argmax())


@pytest.fixture
def thon3(dien_hoa_lists):
    return next(
        v
        for v in dien_hoa_lists
        if v.metadata["village_code"] == "19834-03" and v.metadata["year"] == 2024
    )


def test_a_clean_batch_has_no_issue(tmp_path, registry, make_workbook):
    for code in ("19834-01", "19834-02", "19834-03"):
        make_workbook(code, folder=tmp_path / "inbox")
    out = run(tmp_path / "inbox", registry)
    assert out.issues == [] and set(out.submissions["status"]) == {"loaded"}


def cell(village, index: int, letter: str) -> str:
    return f"{letter}{index + 2}"


@pytest.mark.parametrize(
    ("code", "severity", "cells", "metadata"),
    [
        ("HH-MEMBERS", "error", {"members": 45}, {}),
        ("HH-INCOME-RANGE", "error", {"income_kvnd": -5}, {}),
        ("HH-CLASS-MISMATCH", "error", {"claimed_class": "near_poor"}, {}),
        ("VR-UNKNOWN-VILLAGE", "error", {}, {"village_code": "19834-77"}),
        ("VR-BAD-YEAR", "error", {}, {"year": 2019}),
        ("VR-TOTAL-RANGE", "error", {}, {"total_households": 25_000, "total_persons": 90_000}),
        ("VR-PERSONS-BELOW-HOUSEHOLDS", "warning", {}, {"total_persons": 40}),
        ("VR-TOO-MANY", "error", {}, {"total_households": 5}),
        ("VR-MISSING", "error", {}, {"total_households": None}),
        ("VR-BAD-AREA", "error", {}, {"area": "Miền núi"}),
        ("VR-PERSONS-RANGE", "error", {}, {"total_persons": 250_000}),
    ],
)
def test_each_rule_at_its_cell(
    code, severity, cells, metadata, tmp_path, registry, make_workbook, thon3
):
    row = first_row(thon3, "poor")
    letters = {"members": "E", "income_kvnd": "F", "claimed_class": "U"}
    make_workbook(
        "19834-03",
        folder=tmp_path / "inbox",
        metadata=metadata,
        cells={(row, k): v for k, v in cells.items()},
    )
    where = {
        "village_code": "B5",
        "year": "B7",
        "area": "B8",
        "total_households": "B9",
        "total_persons": "B10",
    }
    expected_cell = (
        f"{letters[next(iter(cells))]}{row + 2}" if cells else where[next(iter(metadata))]
    )
    out = run(tmp_path / "inbox", registry)
    assert found(out) == [(code, severity, expected_cell)]
    assert out.submissions["status"].tolist() == ["rejected" if severity == "error" else "loaded"]


def test_duplicate_household_codes_mark_both_rows(tmp_path, registry, make_workbook, thon3):
    make_workbook(
        "19834-03",
        folder=tmp_path / "inbox",
        cells={(1, "household_code"): thon3.households.loc[0, "household_code"]},
    )
    assert found(run(tmp_path / "inbox", registry)) == [
        ("HH-DUP-ID", "error", "B2"),
        ("HH-DUP-ID", "error", "B3"),
    ]


def test_a_totals_row_that_disagrees_with_its_rows(tmp_path, registry, make_workbook, thon3):
    path = make_workbook("19834-03", folder=tmp_path / "inbox")
    wb = load_workbook(path)
    ws = wb["Danh sách hộ"]
    total = ws.max_row + 1
    ws.cell(total, 3, "Tổng cộng")
    ws.cell(total, 5, int(thon3.households["members"].sum()) + 1)  # members: one too many
    employed = sum("employment" in d for d in thon3.households["deprivations"])
    ws.cell(total, 7, employed)  # indicator 1: right
    wb.save(path)
    assert found(run(tmp_path / "inbox", registry)) == [("HH-TOTAL-ROW", "error", f"E{total}")]


def test_a_household_code_on_another_villages_list(
    tmp_path, registry, make_workbook, dien_hoa_lists
):
    other = next(
        v
        for v in dien_hoa_lists
        if v.metadata["village_code"] == "19834-05" and v.metadata["year"] == 2024
    )
    code = other.households.loc[0, "household_code"]
    make_workbook("19834-03", folder=tmp_path / "inbox", cells={(2, "household_code"): code})
    known = pd.DataFrame({"village_code": ["19834-05"], "year": [2024], "household_code": [code]})
    out = run(tmp_path / "inbox", registry, known=known)
    assert found(out) == [("HH-ID-OTHER-VILLAGE", "warning", "B4")]
    assert "19834-05" in out.issues[0].message_vi


def test_year_over_year_outliers(tmp_path, registry, make_workbook, thon3):
    make_workbook("19834-03", folder=tmp_path / "inbox")
    history = pd.DataFrame(
        {
            "village_code": ["19834-03"],
            "year": [2023],
            "total_households": [80],
            "poor_households": [20],
            "poor_rate_pct": [25.0],
        }
    )
    out = run(tmp_path / "inbox", registry, history=history)
    assert found(out) == [
        ("VR-OUTLIER-RATE", "warning", None),
        ("VR-OUTLIER-TOTAL", "warning", "B9"),
    ]
    assert out.submissions["status"].tolist() == ["loaded"]


def dien_hoa_history() -> pd.DataFrame:
    from giamngheo.transforms.aggregate import rate_pct
    from giamngheo.transforms.synthetic import DIEN_HOA_TOTALS

    return pd.DataFrame(
        {
            "village_code": [f"19834-{i:02d}" for i in range(1, 12)],
            "year": 2024,
            "total_households": DIEN_HOA_TOTALS,
            "poor_households": DIEN_HOA_POOR_2024,
            "poor_rate_pct": [
                rate_pct(p, t) for p, t in zip(DIEN_HOA_POOR_2024, DIEN_HOA_TOTALS, strict=True)
            ],
        }
    )


def plan_rows() -> tuple[list[dict], dict]:
    rows = [
        {
            "unit_name": f"Thôn {i}",
            "poor_households": p,
            "poor_rate_pct": r,
            "target_households": t or None,
            "target_rate_pct": tr,
        }
        for i, (p, r, t, tr) in enumerate(
            zip(
                DIEN_HOA_POOR_2024,
                DIEN_HOA_PLAN_2024["poor_rate_pct"],
                DIEN_HOA_TARGETS_2024,
                DIEN_HOA_PLAN_2024["target_rate_pct"],
                strict=True,
            ),
            start=1,
        )
    ]
    rows[6]["target_rate_pct"] = 0.63  # the seed's slips, corrected: Thôn 7
    rows[10]["target_rate_pct"] = 1.08  # Thôn 11
    total = {**DIEN_HOA_PLAN_2024["total"], "target_rate_pct": 0.35}
    return rows, total


def plan_issues(tmp_path, registry, rows, total) -> list[tuple[str, str, str | None]]:
    write_plan_workbook(tmp_path / "inbox" / "kh.xlsx", "Xã Điền Hòa", 2024, rows, total)
    return found(run(tmp_path / "inbox", registry, history=dien_hoa_history()))


def test_a_correct_plan_has_no_issue(tmp_path, registry):
    assert plan_issues(tmp_path, registry, *plan_rows()) == []


@pytest.mark.parametrize(
    ("change", "code", "cell"),
    [
        ({(0, "poor_rate_pct"): 2.5}, "PLAN-RATE", "D11"),
        ({(2, "target_rate_pct"): 0.9}, "PLAN-RATE", "F13"),
        ({("total", "poor_households"): 16}, "PLAN-TOTAL-COUNT", "C22"),
        ({("total", "target_rate_pct"): 3.99}, "PLAN-TOTAL-RATE", "F22"),
        ({("total", "poor_rate_pct"): 12.11}, "PLAN-TOTAL-RATE", "D22"),
        ({(1, "target_households"): 2}, "PLAN-TARGET-ABOVE-POOR", "E12"),
        ({(4, "poor_rate_pct"): 147.0}, "PLAN-RATE-RANGE", "D15"),
    ],
)
def test_each_plan_rule_at_its_cell(change, code, cell, tmp_path, registry):
    rows, total = plan_rows()
    for (index, name), value in change.items():
        (total if index == "total" else rows[index])[name] = value
    got = plan_issues(tmp_path, registry, rows, total)
    if code == "PLAN-TARGET-ABOVE-POOR":  # the total and the target rate move with it
        assert ("PLAN-TARGET-ABOVE-POOR", "warning", cell) in got
    elif code == "PLAN-RATE-RANGE":
        assert ("PLAN-RATE-RANGE", "warning", cell) in got and ("PLAN-RATE", "warning", cell) in got
    else:
        assert got == [(code, "warning", cell)]


def test_plan_poor_counts_are_checked_against_the_village_lists(tmp_path, registry):
    history = dien_hoa_history()
    history.loc[0, "poor_households"] = 4
    write_plan_workbook(tmp_path / "inbox" / "kh.xlsx", "Xã Điền Hòa", 2024, *plan_rows())
    assert found(run(tmp_path / "inbox", registry, history=history)) == [
        ("PLAN-POOR-MISMATCH", "warning", "C11")
    ]


def test_a_plan_that_misses_its_own_goal(tmp_path, registry):
    rows, total = plan_rows()
    path = write_plan_workbook(tmp_path / "inbox" / "kh.xlsx", "Xã Điền Hòa", 2024, rows, total)
    wb = load_workbook(path)
    wb.active["A7"] = "Phấn đấu cuối năm giảm còn dưới 0,5% hộ nghèo"
    wb.save(path)
    out = run(tmp_path / "inbox", registry, history=dien_hoa_history())
    assert found(out) == [("PLAN-GOAL-NOT-MET", "warning", "A7")]
    # 10 of 1.415 households stay poor = 0,71 %; below 0,5 % allows at most 7: 3 more must leave.
    assert "Cần giảm thêm ít nhất 3 hộ" in out.issues[0].message_vi


def test_validation_runs_each_suite_once_per_batch_and_builds_data_docs(
    tmp_path, registry, dien_hoa_lists
):
    from giamngheo.workbooks.template import write_village_workbook

    for v in dien_hoa_lists:
        m = v.metadata
        write_village_workbook(
            tmp_path / "inbox" / f"{m['village_code']}_{m['year']}.xlsx", m, v.households
        )
    write_plan_workbook(tmp_path / "inbox" / "kh.xlsx", "Xã Điền Hòa", 2024, *plan_rows())
    out = run(tmp_path / "inbox", registry, docs=tmp_path / "docs")
    assert len(out.submissions) == 23 and out.gx_runs == 3  # households, village_reports, plan_rows
    assert out.data_docs == tmp_path / "docs" / "index.html" and out.data_docs.exists()
    page = out.data_docs.read_text(encoding="utf-8")
    # One page, self-contained: nothing loaded from the internet (these machines are offline).
    assert "http" not in page and "<script" not in page and "<link" not in page
    assert page.count("<tr>") == 1 + 3 + 4 + 4  # a header, then every expectation of 3 suites
    assert sorted(p.name for p in (tmp_path / "docs").rglob("*")) == ["index.html"]
    assert out.data_docs.stat().st_size < 20_000


def test_old_validation_pages_are_pruned(tmp_path):
    from giamngheo.expectations.runner import prune_docs

    for run_id in ("20261101T010000-aaaaaa", "20261102T010000-bbbbbb", "20261103T010000-cccccc"):
        (tmp_path / run_id).mkdir()
        (tmp_path / run_id / "index.html").write_text("x")
    prune_docs(tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "20261102T010000-bbbbbb",
        "20261103T010000-cccccc",
    ]


def test_income_that_contradicts_its_stated_unit(tmp_path, registry, make_workbook, thon3):
    cells = {
        (i, "income_kvnd"): float(v) * 1000 for i, v in enumerate(thon3.households["income_kvnd"])
    }
    make_workbook("19834-03", folder=tmp_path / "inbox", cells=cells)
    codes = found(run(tmp_path / "inbox", registry))
    assert ("HH-INCOME-UNIT", "warning", "F1") in codes


@pytest.mark.parametrize(
    ("commune", "unit", "code", "cell"),
    [
        ("Xã Không Có", "Thôn 1", "PLAN-UNKNOWN-COMMUNE", "A1"),
        ("Xã Điền Hòa", "Thôn 99", "PLAN-UNKNOWN-VILLAGE", "B11"),
    ],
)
def test_plan_units_must_be_in_the_registry(commune, unit, code, cell, tmp_path, registry):
    rows, total = plan_rows()
    rows[0]["unit_name"] = unit
    write_plan_workbook(tmp_path / "inbox" / "kh.xlsx", commune, 2024, rows, total)
    out = run(tmp_path / "inbox", registry, history=dien_hoa_history())
    assert (code, "error", cell) in found(out)
    assert out.submissions["status"].tolist() == ["rejected"]


def test_a_plan_without_a_year_is_rejected(tmp_path, registry):
    path = write_plan_workbook(tmp_path / "inbox" / "kh.xlsx", "Xã Điền Hòa", 2024, *plan_rows())
    wb = load_workbook(path)
    ws = wb.active
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and "2024" in c.value:
                c.value = c.value.replace(" năm 2024", "")
    wb.save(path)
    out = run(tmp_path / "inbox", registry, history=dien_hoa_history())
    assert ("PLAN-NO-YEAR", "error", "C9") in found(out)  # the header that should name the year


def test_data_docs_show_no_household_code_but_the_issue_does(
    tmp_path, registry, make_workbook, thon3
):
    code = thon3.households.loc[0, "household_code"]
    make_workbook("19834-03", folder=tmp_path / "inbox", cells={(1, "household_code"): code})
    out = run(tmp_path / "inbox", registry, docs=tmp_path / "docs")
    dups = [i for i in out.issues if i.code == "HH-DUP-ID"]
    assert [i.value for i in dups] == [code, code] and code in dups[0].message_vi
    pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "docs").rglob("*.html"))
    assert "expect_compound_columns_to_be_unique" in pages and "HH-DUP-ID" in pages
    assert "Không đạt" in pages  # the failing expectation is shown
    codes = set(thon3.households["household_code"])
    assert not [c for c in codes if c in pages]  # …and no household's code


def test_rows_without_a_code_are_reported_once_and_validation_goes_on(
    tmp_path, registry, make_workbook
):
    make_workbook(
        "19834-03",
        folder=tmp_path / "inbox",
        cells={(0, "household_code"): None, (1, "household_code"): None},
    )
    out = run(tmp_path / "inbox", registry, docs=tmp_path / "docs")
    assert [(i.code, i.cell) for i in out.issues if i.code.startswith("HH-ID")] == [
        ("HH-ID-MISSING", "B2"),
        ("HH-ID-MISSING", "B3"),
    ]


# -- the lists of 2027, the first under Nghị định 351/2025 ---------------------------------


@pytest.fixture(scope="module")
def thon3_2027(dien_hoa_registry):
    """Thôn 3's seeded lists of 2026 (07/2021) and 2027 (351/2025)."""
    lists = sample_lists(dien_hoa_registry, years=(2026, 2027), seed=2027)
    return {v.metadata["year"]: v for v in lists if v.metadata["village_code"] == "19834-03"}


def under_the_2027_lines(households: pd.DataFrame, area: str) -> list[object]:
    """The class of each household by the rule of Nghị định 351/2025 as reported: income at
    most 2,200,000 (rural) or 2,800,000 (urban) đồng with 3 deprivations or more: poor; with
    fewer: near-poor; above the line: no class (the average band is not published)."""
    line = {"rural": 2200, "urban": 2800}[area]
    return [
        None if income > line else ("poor" if len(deprived) >= 3 else "near_poor")
        for income, deprived in zip(
            households["income_kvnd"], households[DEPRIVATIONS], strict=True
        )
    ]


def relabel_year(path: Path, label: str, value: object, title: str | None = None) -> None:
    """The list's year stated as a village may state it: another label, and a title."""
    wb = load_workbook(path)
    ws = wb[INFO_SHEET]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Năm")
    ws.cell(row, 1, label)
    ws.cell(row, 2, value)
    if title:
        ws["D1"] = title
    wb.save(path)


def test_a_2027_list_on_the_2027_columns_is_classed_on_the_2027_lines(
    tmp_path, registry, thon3_2027
):
    v = thon3_2027[2027]
    path = write_village_workbook(tmp_path / "inbox" / "thon3.xlsx", v.metadata, v.households)
    out = run(tmp_path / "inbox", registry)
    assert [i for i in out.issues if i.severity == "error"] == []
    assert out.village_reports["standard_id"].tolist() == ["nd-351-2025"]
    got = (
        out.households["computed_class"]
        .astype(object)
        .where(out.households["computed_class"].notna(), None)
    )
    assert got.tolist() == under_the_2027_lines(v.households, v.metadata["area"])
    assert {"waste_treatment", "digital_services"} & {
        c for d in out.households[DEPRIVATIONS] for c in d
    }
    assert path.exists()


@pytest.mark.parametrize(
    ("label", "value", "title"),
    [
        ("Năm rà soát", 2026, None),
        ("Năm", 2027, "Danh sách hộ nghèo năm 2027"),
        ("Người lập biểu", "Cán bộ thôn", "Kết quả rà soát hộ nghèo, hộ cận nghèo năm 2026"),
        ("Người lập biểu", "Cán bộ thôn", "Danh sách rà soát cuối năm 2026"),
    ],
)
def test_a_list_labelled_by_its_review_year_is_the_next_years_list(
    tmp_path, registry, thon3_2027, label, value, title
):
    v = thon3_2027[2027]
    path = write_village_workbook(tmp_path / "inbox" / "thon3.xlsx", v.metadata, v.households)
    relabel_year(path, label, value, title)
    out = run(tmp_path / "inbox", registry)
    assert out.submissions["year"].tolist() == [2027]
    assert [i.code for i in out.issues if i.severity == "error"] == []


def test_two_statements_of_the_year_that_disagree_are_an_issue_at_the_cell(
    tmp_path, registry, thon3_2027
):
    v = thon3_2027[2027]
    path = write_village_workbook(tmp_path / "inbox" / "thon3.xlsx", v.metadata, v.households)
    relabel_year(path, "Năm", 2027, "Kết quả rà soát hộ nghèo năm 2027")  # a list of 2028
    out = run(tmp_path / "inbox", registry)
    conflicts = [i for i in out.issues if i.code == "VR-YEAR-CONFLICT"]
    assert [(i.sheet, i.cell, i.severity) for i in conflicts] == [(INFO_SHEET, "D1", "error")]
    assert "2028" in conflicts[0].message_vi and "B7" in conflicts[0].message_vi
    assert out.submissions["status"].tolist() == ["rejected"]


def test_a_2027_list_on_the_2022_2026_columns_gets_one_issue_naming_both_sets(
    tmp_path, registry, thon3_2027
):
    v = thon3_2027[2026]  # last year's list, its columns and classes, sent as the 2027 list
    path = write_village_workbook(tmp_path / "inbox" / "thon3.xlsx", v.metadata, v.households)
    relabel_year(path, "Năm", 2027)
    out = run(tmp_path / "inbox", registry)
    errors = [i for i in out.issues if i.severity == "error"]
    assert [i.code for i in errors] == ["VR-INDICATOR-SET"]
    message = errors[0].message_vi
    assert "Danh sách năm 2027 dùng bộ chỉ số giai đoạn 2022–2026" in message
    assert "Nghị định 351/2025/NĐ-CP" in message and "Xử lý rác thải sinh hoạt" in message
    assert "Nghị định 07/2021/NĐ-CP" in message


def test_no_outlier_warning_for_the_change_of_standard_alone(tmp_path, registry, thon3_2027):
    v = thon3_2027[2027]
    write_village_workbook(tmp_path / "inbox" / "thon3.xlsx", v.metadata, v.households)
    history = pd.DataFrame(
        {
            "village_code": ["19834-03"],
            "year": [2026],
            "total_households": [v.metadata["total_households"]],
            "poor_households": [60],
            "poor_rate_pct": [50.0],
            "standard_id": ["nd-07-2021"],
        }
    )
    out = run(tmp_path / "inbox", registry, history=history)
    assert "VR-OUTLIER-RATE" not in {i.code for i in out.issues}
    same = run(tmp_path / "inbox", registry, history=history.assign(standard_id="nd-351-2025"))
    assert "VR-OUTLIER-RATE" in {i.code for i in same.issues}  # the control: one standard
