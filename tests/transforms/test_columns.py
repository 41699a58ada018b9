import pytest

from giamngheo.transforms.columns import (
    TEMPLATE_HEADERS,
    fold,
    income_unit_factor,
    match_header,
    match_metadata_label,
)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Họ và tên chủ hộ", "head_name"),
        ("HỌ TÊN CHỦ HỘ", "head_name"),
        ("Chủ hộ", "head_name"),
        ("Ho ten\nchu ho", "head_name"),
        ("Số khẩu", "members"),
        ("Nhân khẩu", "members"),
        ("TNBQ", "income_kvnd"),
        ("Thu nhập bình quân (đồng/người/tháng)", "income_kvnd"),
        ("Mã số hộ", "household_code"),
        ("Mã hộ", "household_code"),
        ("1", None),  # a number names an indicator: `headers.py`
        ("Phân loại hộ", "claimed_class"),
        ("Ghi chú", "note"),
        ("Số điện thoại", None),
        ("", None),
    ],
)
def test_header_synonyms(header, field):
    assert match_header(header) == field


def test_every_template_header_reads_back_to_its_field():
    for field, header in TEMPLATE_HEADERS.items():
        assert match_header(header) == field


@pytest.mark.parametrize(
    ("header", "factor"),
    [
        ("Thu nhập bình quân (nghìn đồng/người/tháng)", 1),
        ("TNBQ (đồng)", 1000),
        ("TNBQ", 1),
        ("Thu nhập (VNĐ)", 1000),
        ("Thu nhập (ngàn đồng)", 1),
    ],
)
def test_income_unit(header, factor):
    assert income_unit_factor(header) == factor


def test_fold_and_metadata_labels():
    assert fold("Mã THÔN:") == "ma thon"
    assert match_metadata_label("Mã thôn:") == "village_code"
    assert match_metadata_label("Tổng số hộ dân cư") == "total_households"
    assert match_metadata_label("Ghi chú") is None
