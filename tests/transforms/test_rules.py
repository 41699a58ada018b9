"""Each rule is declared once, and every place that raises it agrees with the declaration."""

import re
import string
from importlib import resources
from pathlib import Path

import pytest

from giamngheo.expectations.runner import load_suite
from giamngheo.transforms.checks import DOMAIN_CHECKS  # (importing it registers the checks)
from giamngheo.transforms.rules import RULES, SEVERITIES, Rule, _rules

SUITES = ("households", "village_reports", "plan_rows")
GX_SEVERITY = {"critical": "error", "warning": "warning"}
ROOT = Path(__file__).parents[2]


def fields(template: str) -> set[str]:
    """The template's fields, a language's own detail ("detail_vi") counted as one."""
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return {re.sub(r"_(vi|en)$", "", name) for name in names}


@pytest.mark.parametrize("rule", RULES.values(), ids=lambda r: r.code)
def test_every_rule_has_a_severity_a_message_and_a_fix_in_both_languages(rule):
    assert rule.severity in SEVERITIES
    assert rule.message_vi and rule.message_en and rule.fix_vi and rule.fix_en
    # The English text carries the same facts as the Vietnamese.
    assert fields(rule.text_vi()) == fields(rule.text_en()), rule.code


@pytest.mark.parametrize("suite", SUITES)
def test_every_expectation_names_a_rule_with_the_same_severity(suite):
    for expectation in load_suite(suite)["expectations"]:
        rule = RULES[expectation["meta"]["code"]]
        assert GX_SEVERITY[expectation["severity"]] == rule.severity, rule.code


def test_no_suite_file_but_the_suites():
    folder = resources.files("giamngheo.expectations").joinpath("suites")
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{s}.json" for s in SUITES)


def raised_in_code() -> set[str]:
    """Codes quoted in the product's code outside the rules table."""
    found: set[str] = set()
    for folder in ("flows", "transforms", "workbooks", "expectations", "warehouse"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name != "rules.py":
                found |= set(re.findall(r'"([A-Z]{2,8}(?:-[A-Z]+)+)"', path.read_text("utf-8")))
    return found


def test_every_rule_is_raised_somewhere_and_nothing_raises_an_undeclared_code():
    by_checks = {code for check in DOMAIN_CHECKS for code in check.codes}
    by_suites = {e["meta"]["code"] for s in SUITES for e in load_suite(s)["expectations"]}
    in_code = raised_in_code()
    assert set(RULES) <= by_checks | by_suites | in_code
    assert (by_checks | by_suites) <= set(RULES)
    assert {
        c for c in in_code if c.split("-")[0] in {"FILE", "HH", "VR", "PLAN", "TEXT", "ISSUES"}
    } <= set(RULES)


def test_a_code_declared_twice_is_refused():
    rule = Rule("X-ONE", "error", "a", "a")
    with pytest.raises(ValueError, match="declared twice"):
        _rules(rule, rule)


def test_a_threshold_changed_in_its_rule_reaches_the_suite_the_message_and_the_template(
    tmp_path, registry, make_workbook, monkeypatch
):
    """ "More than 20 members" is one change, to HH-MEMBERS's declaration: the Great
    Expectations suite, the issue's message and the template's check all follow."""
    from dataclasses import replace

    from openpyxl import load_workbook

    from giamngheo.flows.steps import read_files
    from giamngheo.flows.validation import Reference, validate
    from giamngheo.workbooks.inbox import discover
    from giamngheo.workbooks.template import LIST_SHEET, write_village_workbook

    path = make_workbook("19834-03", 2024, cells={(0, "members"): 25}, folder=tmp_path / "inbox")

    def members_issues() -> list:
        found = discover(tmp_path / "inbox", known=set(), settle_seconds=0)
        out = validate(found.candidates, read_files(found.candidates), Reference(registry))
        return [i for i in out.issues if i.code == "HH-MEMBERS"]

    assert members_issues() == []  # 25 is within the declared 1–30
    rule = RULES["HH-MEMBERS"]
    monkeypatch.setitem(RULES, "HH-MEMBERS", replace(rule, params={"min": 1, "max": 20}))
    [issue] = members_issues()
    assert (issue.cell, issue.value) == ("E2", "25")
    assert "từ 1 đến 20" in issue.message_vi and "from 1 to 20" in issue.message_en
    template = write_village_workbook(tmp_path / "mau.xlsx", {"year": 2024})
    validations = load_workbook(template)[LIST_SHEET].data_validations.dataValidation
    [members] = [
        dv
        for dv in validations
        if dv.promptTitle == "Số nhân khẩu" or dv.errorTitle == "Số nhân khẩu"
    ]
    assert (members.formula1, members.formula2) == ("1", "20")
    assert path.exists()
