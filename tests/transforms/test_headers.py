"""Indicator headers: matched by name in any standard's set, by number in the set of the list's
own standard, a name winning over a number; a list made with another period's set is told so."""

import pytest

from giamngheo.transforms.headers import HeaderMatcher, IndicatorHeader, resolve_indicators
from giamngheo.transforms.standards import shipped

CATALOG = shipped()
OLD, NEW = CATALOG.get("nd-07-2021"), CATALOG.get("nd-351-2025")


@pytest.fixture(scope="module")
def matcher():
    return HeaderMatcher(CATALOG)


@pytest.mark.parametrize(
    ("header", "codes", "number"),
    [
        ("1", set(), 1),
        (9.0, set(), 9),  # a typed 9
        ("(12)", set(), 12),
        ("Chỉ số 3", set(), 3),
        ("Dinh dưỡng", {"nutrition"}, None),
        ("3. Dinh dưỡng", {"nutrition"}, 3),
        ("9. Nguồn nước", {"drinking_water"}, 9),
        ("Xử lý rác thải sinh hoạt", {"waste_treatment"}, None),
        ("12. Phương tiện phục vụ tiếp cận thông tin", {"information_means"}, 12),
        ("11. Sử dụng dịch vụ viễn thông", {"telecom", "digital_services"}, 11),
        ("BHYT", {"health_insurance"}, None),
    ],
)
def test_an_indicator_header_names_codes_or_a_number(matcher, header, codes, number):
    assert matcher.match(header) == IndicatorHeader(frozenset(codes), number)


@pytest.mark.parametrize("header", ["13", "Nhà", "Số điện thoại", "Internet banking?"])
def test_what_no_indicator_is_named_by(matcher, header):
    assert matcher.match(header) is None


def test_fields_are_matched_before_indicators(matcher):
    assert matcher.match("Họ và tên chủ hộ") == "head_name"
    assert matcher.match("Phân loại") == "claimed_class"


def headers_of(texts: list, matcher: HeaderMatcher) -> tuple[dict, dict]:
    matched = {c: matcher.match(t) for c, t in enumerate(texts)}
    return {c: h for c, h in matched.items() if isinstance(h, IndicatorHeader)}, dict(
        enumerate(str(t) for t in texts)
    )


def test_numbers_alone_take_the_meaning_of_the_lists_own_standard(matcher):
    headers, texts = headers_of([str(n) for n in range(1, 13)], matcher)
    old = resolve_indicators(headers, texts, OLD, CATALOG)
    new = resolve_indicators(headers, texts, NEW, CATALOG)
    assert old.columns["drinking_water"] == 8 and old.columns["information_means"] == 11
    assert new.columns["drinking_water"] == 9 and new.columns["waste_treatment"] == 11
    assert not old.missing and not new.missing and new.fits_instead is None


def test_a_name_wins_over_its_number(matcher):
    names = [f"{i.number}. {i.name}" for i in OLD.indicators]  # the 2022–2026 form's headers
    swapped = names[:8] + ["10. Nguồn nước sinh hoạt", "9. Nhà tiêu hợp vệ sinh"] + names[10:]
    headers, texts = headers_of(swapped, matcher)
    resolved = resolve_indicators(headers, texts, OLD, CATALOG)
    assert resolved.columns["drinking_water"] == 8 and resolved.columns["sanitation"] == 9


def test_a_list_on_the_other_periods_form_is_told_which_set_it_fits(matcher):
    old_form = [f"{i.number}. {i.name}" for i in OLD.indicators]
    headers, texts = headers_of(old_form, matcher)
    resolved = resolve_indicators(headers, texts, NEW, CATALOG)
    assert resolved.fits_instead == OLD
    assert resolved.missing == ["waste_treatment"]
    assert list(resolved.foreign.values()) == ["12. Phương tiện phục vụ tiếp cận thông tin"]
    new_form = [f"{i.number}. {i.name}" for i in NEW.indicators]
    headers, texts = headers_of(new_form, matcher)
    assert resolve_indicators(headers, texts, NEW, CATALOG).missing == []
    short = headers_of(new_form[:-1], matcher)
    lacking = resolve_indicators(*short, NEW, CATALOG)
    assert lacking.missing == ["waste_treatment"] and lacking.fits_instead is None
