"""A standard's file: read whole, or refused with the line and field of what is wrong."""

from importlib import resources

import pytest

from giamngheo.transforms.standards import (
    SHIPPED,
    Catalog,
    StandardError,
    catalog_of,
    parse_standard,
    shipped,
)

PROVINCE = """\
id = "tinh-46"
name = "Chuẩn nghèo của tỉnh"
legal_basis = "Nghị quyết của HĐND tỉnh"
province = "46"
first_year = 2027
last_year = 2030
unit = "year"
min_deprivations_poor = 3

[lines.rural]
poverty = 30_000_000
near_poor = 36_000_000

[lines.urban]
poverty = 36_000_000
"""


def test_the_shipped_standards_cover_2022_to_2030_each_with_its_set():
    catalog = shipped()
    old, new = catalog.national(2026), catalog.national(2027)
    assert (old.id, new.id) == ("nd-07-2021", "nd-351-2025")
    assert catalog.covered_years() == (2022, 2030)
    assert "information_means" in old.codes and "information_means" not in new.codes
    assert {"waste_treatment", "digital_services"} <= set(new.codes)
    assert len(old.codes) == len(new.codes) == 12
    assert new.provisional and not old.provisional
    assert "tạm theo thông tin công bố" in new.label
    assert new.line("rural").poverty == 2_200_000 and new.line("urban").poverty == 2_800_000
    assert new.line("rural").average_upper is None  # not published: never 0
    assert old.line("rural").average_upper == 2_250_000


def test_a_yearly_standard_is_kept_per_month_and_a_provincial_one_beside_the_national():
    local = parse_standard(PROVINCE, "tinh-46.toml")
    assert local.line("rural").poverty == 2_500_000 and local.line("rural").near_poor == 3_000_000
    assert local.line("urban").near_poor is None
    catalog = shipped().with_standards([local])
    assert catalog.national(2027).id == "nd-351-2025"
    assert catalog.local(2027, "46") is local and catalog.local(2027, "79") is None
    assert catalog.local(2026, "46") is None


def test_imported_text_replaces_the_shipped_standard_of_its_id():
    text = resources.files("giamngheo.transforms.standards").joinpath(SHIPPED[1]).read_text("utf-8")
    official = text.replace("provisional = true", "provisional = false")
    catalog = catalog_of([(official, "nd-351-2025-chinh-thuc.toml")])
    assert not catalog.get("nd-351-2025").provisional
    assert catalog.get("nd-351-2025").source_name == "nd-351-2025-chinh-thuc.toml"
    assert len(catalog.standards) == len(shipped().standards)


def _broken(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "line", "where"),
    [
        ("poverty = 30_000_000", "poverty = -1", 11, "lines.rural.poverty"),
        ("poverty = 36_000_000", 'poverty = "nhiều"', 15, "lines.urban.poverty"),
        ("near_poor = 36_000_000", "near_poor = 20_000_000", 12, "lines.rural.near_poor"),
        ('province = "46"', 'province = "Huế"', 4, "province"),
        ("last_year = 2030", "last_year = 2020", 6, "last_year"),
        ('unit = "year"', 'unit = "week"', 7, "unit"),
        ("min_deprivations_poor = 3", "min_deprivations_poor = 0", 8, "min_deprivations_poor"),
        ('id = "tinh-46"', 'id = "Tỉnh 46"', 1, "id"),
        ("[lines.urban]\n", "[lines.city]\n", None, "lines.urban"),
        ("first_year = 2027", "first_year = 2027 2028", 5, "TOML"),
    ],
)
def test_a_bad_file_is_refused_with_its_line_and_field(old, new, line, where):
    with pytest.raises(StandardError) as refused:
        parse_standard(_broken(PROVINCE, old, new))
    assert (refused.value.line, refused.value.where) == (line, where)
    message = str(refused.value)
    assert where in message and (line is None or f"dòng {line}" in message)
    assert "(" in message and refused.value.message_en in message  # both languages


NATIONAL = """\
id = "moi"
name = "Chuẩn mới"
legal_basis = "Nghị định mới"
first_year = 2031
last_year = 2035
min_deprivations_poor = 2

[lines.rural]
poverty = 3_000_000

[lines.urban]
poverty = 3_500_000

[[indicators]]
number = 1
code = "employment"
name = "Việc làm"
dimension = "Việc làm"

[[indicators]]
number = 2
code = "sanitation"
name = "Nhà tiêu"
dimension = "Vệ sinh"
"""


@pytest.mark.parametrize(
    ("old", "new", "line", "where"),
    [
        ("number = 2", "number = 3", 21, "indicators[2].number"),
        ('code = "sanitation"', 'code = "employment"', 22, "indicators[2].code"),
        ('name = "Nhà tiêu"', 'name = ""', 23, "indicators[2].name"),
        ('dimension = "Vệ sinh"', "dimension = 7", 24, "indicators[2].dimension"),
        ("min_deprivations_poor = 2", "min_deprivations_poor = 3", 6, "min_deprivations_poor"),
    ],
)
def test_a_bad_indicator_is_refused_with_its_line(old, new, line, where):
    with pytest.raises(StandardError) as refused:
        parse_standard(_broken(NATIONAL, old, new))
    assert (refused.value.line, refused.value.where) == (line, where)


def test_a_national_standard_needs_its_indicator_set():
    head = NATIONAL.split("[[indicators]]")[0]
    with pytest.raises(StandardError, match="indicators"):
        parse_standard(head)
    assert parse_standard(NATIONAL).codes == ("employment", "sanitation")


def test_a_catalog_without_standards_for_a_year_says_none():
    assert Catalog(()).with_standards([parse_standard(NATIONAL)]).national(2030) is None
