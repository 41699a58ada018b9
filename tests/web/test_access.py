"""What an account of each role reaches, through the registry in force today."""

import pandas as pd

from giamngheo.web.access import QUERY, UPLOAD, Tree, access_of
from giamngheo.web.accounts import Account

REGISTRY = pd.DataFrame(
    [
        ("46", "province", "Tỉnh", None, None, None, None),
        ("476", "district", "Huyện", "46", None, None, "2025-07-01"),
        ("19834", "commune", "Xã Điền Hòa", "476", "rural", None, "2025-07-01"),
        ("19828", "commune", "Phường Phong Phú", "476", "urban", None, "2025-07-01"),
        ("19828", "commune", "Phường Phong Phú", "46", "urban", "2025-07-01", None),
        ("19834-03", "village", "Thôn 3", "19834", "rural", None, "2025-07-01"),
        ("19834-03", "village", "Thôn 3", "19828", "urban", "2025-07-01", None),
        ("19828-01", "village", "Tổ 1", "19828", "urban", None, None),
        ("19819", "commune", "Thị trấn", "46", "urban", None, None),
        ("19819-01", "village", "Tổ 1", "19819", "urban", None, None),
    ],
    columns=["code", "level", "name", "parent_code", "area", "valid_from", "valid_to"],
)


def test_an_account_reaches_its_units_villages_today_and_those_coded_under_its_old_commune():
    tree = Tree(REGISTRY)
    ward = access_of(Account("p", "commune", "19828"), tree)
    assert ward.villages == {"19828-01", "19834-03"}  # Thôn 3 joined the ward in July 2025
    old = access_of(Account("d", "commune", "19834"), tree)
    assert old.villages == {"19834-03"}  # an account of the merged commune keeps its villages
    province = access_of(Account("h", "province", "46"), tree)
    assert province.villages == {"19828-01", "19834-03", "19819-01"}
    assert province.sees_unit("19819") and not ward.sees_unit("19819")
    admin = access_of(Account("a", "admin", None), tree)
    assert admin.villages is None and admin.sees_village("anything")
    analyst = access_of(Account("x", "analyst", None), tree)
    assert analyst.can(QUERY) and not analyst.can(UPLOAD)
    assert ward.submission_visible(None, "19828") and not ward.submission_visible(None, "19819")
