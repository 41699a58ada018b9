import pandas as pd

from giamngheo.transforms.checks import (
    CheckInput,
    check_claimed_class,
    check_listed_within_total,
    check_village_reports,
    run_checks,
)


def reports(**overrides) -> pd.DataFrame:
    row = {"submission_id": "s1", "village_code": "19834-03", "year": 2024, "total_households": 115}
    return pd.DataFrame([{**row, **overrides}])


def codes(findings) -> list[tuple[str, str | None]]:
    return [(f.code, f.field) for f in findings]


def test_clean_metadata_has_no_findings(registry):
    assert check_village_reports(CheckInput(reports=reports(), registry=registry)) == []


def test_unknown_village(registry):
    assert codes(
        check_village_reports(
            CheckInput(reports=reports(village_code="19834-99"), registry=registry)
        )
    ) == [("VR-UNKNOWN-VILLAGE", "village_code")]


def test_year_outside_every_standard(registry):
    [finding] = check_village_reports(CheckInput(reports=reports(year=2019), registry=registry))
    assert finding.code == "VR-BAD-YEAR" and dict(finding.details) == {"first": 2022, "last": 2030}


def test_missing_metadata(registry):
    assert codes(
        check_village_reports(CheckInput(reports=reports(total_households=None), registry=registry))
    ) == [("VR-MISSING", "total_households")]


def test_zero_total(registry):
    assert codes(
        check_village_reports(CheckInput(reports=reports(total_households=0), registry=registry))
    ) == [("VR-BAD-TOTAL", "total_households")]


def test_more_households_listed_than_the_village_has():
    households = pd.DataFrame({"submission_id": ["s1"] * 3})
    [finding] = check_listed_within_total(
        CheckInput(households=households, reports=reports(total_households=2))
    )
    assert finding.code == "VR-TOO-MANY" and finding.value == 3
    assert (
        check_listed_within_total(
            CheckInput(households=households, reports=reports(total_households=3))
        )
        == []
    )


def classified(**overrides) -> pd.DataFrame:
    row = {
        "submission_id": "s1",
        "source_row": 7,
        "year": 2024,
        "claimed_class": "poor",
        "computed_class": "poor",
        "income_kvnd": 1000.0,
        "deprivation_count": 4,
    }
    return pd.DataFrame([{**row, **overrides}])


def test_claimed_class_agrees():
    assert check_claimed_class(CheckInput(households=classified())) == []


def test_claimed_class_contradicts_the_standard():
    [finding] = check_claimed_class(
        CheckInput(households=classified(computed_class="near_poor", deprivation_count=2))
    )
    assert (finding.code, finding.row, finding.field) == ("HH-CLASS-MISMATCH", 7, "claimed_class")
    assert dict(finding.details)["expected"] == "Cận nghèo"


def test_unpublished_average_band_accepts_average_or_not_poor():
    above = classified(claimed_class="average", computed_class=None, income_kvnd=2500.0)
    assert check_claimed_class(CheckInput(households=above)) == []
    wrong = classified(claimed_class="poor", computed_class=None, income_kvnd=2500.0)
    assert [f.code for f in check_claimed_class(CheckInput(households=wrong))] == [
        "HH-CLASS-MISMATCH"
    ]


def test_an_empty_batch_raises_nothing():
    assert run_checks(CheckInput()) == []
