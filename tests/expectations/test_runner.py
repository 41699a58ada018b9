import pandas as pd

from giamngheo.expectations.runner import load_suite, run_suite, suite_columns


def test_suite_json_round_trips_through_great_expectations():
    import great_expectations as gx

    suite = gx.ExpectationSuite(**load_suite("households"))
    assert {e.meta["code"] for e in suite.expectations} == {
        "HH-MEMBERS",
        "HH-INCOME-RANGE",
        "HH-DUP-ID",
    }
    assert suite_columns(load_suite("households")) == [
        "members",
        "income_kvnd",
        "submission_id",
        "household_code",
    ]


def batch() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "submission_id": ["a", "a", "a", "b", "b"],
            "source_row": [2, 3, 4, 2, 3],
            "household_code": ["h1", "h2", "h1", "h1", "h2"],
            "members": pd.array([3, 31, 2, 0, None], dtype="Int64"),
            "income_kvnd": pd.array([1000.0, 900.0, 100001.0, -1.0, 800.0], dtype="Float64"),
        }
    )


def test_one_run_over_the_batch_maps_failures_to_submission_and_row():
    found = {
        (f.code, f.submission_id, f.row, f.field, f.value) for f in run_suite("households", batch())
    }
    assert found == {
        ("HH-MEMBERS", "a", 3, "members", 31),
        ("HH-MEMBERS", "b", 2, "members", 0),
        ("HH-INCOME-RANGE", "a", 4, "income_kvnd", 100001),
        ("HH-INCOME-RANGE", "b", 2, "income_kvnd", -1),
        ("HH-DUP-ID", "a", 2, "household_code", "h1"),
        ("HH-DUP-ID", "a", 4, "household_code", "h1"),
    }


def test_a_clean_batch_has_no_findings_and_an_empty_one_skips_gx():
    clean = batch().iloc[[0, 3]].assign(members=3, income_kvnd=1000.0)
    assert run_suite("households", clean) == []
    assert run_suite("households", batch().iloc[:0]) == []


def test_a_finding_has_its_rules_severity_once_located():
    from giamngheo.transforms.issues import Source, locate
    from giamngheo.transforms.rules import RULES

    for finding in run_suite("households", batch()):
        issue = locate(finding, Source(finding.submission_id, "f.xlsx", "S", {}))
        assert issue.severity == RULES[finding.code].severity
