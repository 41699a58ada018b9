"""Standards kept in the warehouse: imported once, refused whole, listed for the views."""

from importlib import resources

import pandas as pd
import pytest

from giamngheo.errors import ConfigurationError
from giamngheo.transforms.standards import SHIPPED
from giamngheo.warehouse import standards
from tests.transforms.test_standards import PROVINCE

OFFICIAL = (
    resources.files("giamngheo.transforms.standards")
    .joinpath(SHIPPED[1])
    .read_text("utf-8")
    .replace("provisional = true", "provisional = false")
    .replace("poverty = 2_200_000", "poverty = 2_200_000\naverage_upper = 3_300_000")
)


def rows(wh, table: str) -> pd.DataFrame:
    return wh.sql(f"select * from {table} order by all")


def test_a_fresh_warehouse_lists_the_shipped_standards(warehouse):
    lines = rows(warehouse, "standards")
    assert sorted(set(lines["standard_id"])) == ["nd-07-2021", "nd-351-2025"]
    assert len(lines) == 4  # one row per area
    new = lines[lines["standard_id"] == "nd-351-2025"]
    assert new["provisional"].all() and new["average_upper_vnd"].isna().all()
    assert new["provisional_note"].str.contains("chưa có văn bản chính thức").all()
    indicators = rows(warehouse, "standard_indicators")
    assert indicators.groupby("standard_id").size().to_dict() == {
        "nd-07-2021": 12,
        "nd-351-2025": 12,
    }


def test_importing_a_file_twice_changes_nothing_the_second_time(warehouse, tmp_path):
    path = tmp_path / "tinh-46.toml"
    path.write_text(PROVINCE, encoding="utf-8")
    first = standards.import_file(warehouse, path)
    assert first.changed and first.replaced is None
    before = rows(warehouse, "standards")
    again = standards.import_file(warehouse, path)
    assert not again.changed and again.replaced.id == "tinh-46"
    assert len(warehouse.sql("select * from standard_files")) == 1
    pd.testing.assert_frame_equal(rows(warehouse, "standards"), before)
    local = before[before["standard_id"] == "tinh-46"]
    assert local["province_code"].eq("46").all() and local["unit"].eq("year").all()
    assert set(local["poverty_line_vnd"]) == {2_500_000, 3_000_000}
    # without a set of its own, it counts the national set of its years
    indicators = rows(warehouse, "standard_indicators")
    own = indicators[indicators["standard_id"] == "tinh-46"]["code"].tolist()
    assert sorted(own) == sorted(standards.catalog(warehouse).national(2027).codes)


def test_the_official_text_replaces_the_provisional_standard(warehouse, tmp_path):
    path = tmp_path / "nd-351-2025-chinh-thuc.toml"
    path.write_text(OFFICIAL, encoding="utf-8")
    done = standards.import_file(warehouse, path)
    assert done.changed and done.replaced.provisional and not done.standard.provisional
    catalog = standards.catalog(warehouse)
    assert not catalog.national(2027).provisional
    assert catalog.national(2027).source_name == path.name
    lines = rows(warehouse, "standards")
    new = lines[lines["standard_id"] == "nd-351-2025"].set_index("area")
    assert new.at["rural", "average_upper_vnd"] == 3_300_000
    assert pd.isna(new.at["urban", "average_upper_vnd"])
    assert new.at["rural", "source"] == path.name and not new["provisional"].any()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (PROVINCE.replace("poverty = 30_000_000", "poverty = 0"), "dòng 11, lines.rural.poverty"),
        ("id = [", "TOML"),
        (OFFICIAL.replace('id = "nd-351-2025"', 'id = "nd-351-khac"'), "trùng thời gian"),
        (b"\xff\xfe\x00bad", "Không đọc được tệp chuẩn nghèo"),
    ],
)
def test_a_file_that_cannot_be_used_is_refused_and_nothing_is_stored(
    warehouse, tmp_path, text, says
):
    path = tmp_path / "chuan.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    before = rows(warehouse, "standards")
    with pytest.raises(ConfigurationError, match=says) as refused:
        standards.import_file(warehouse, path)
    assert refused.value.exit_code == 2
    assert len(warehouse.sql("select * from standard_files")) == 0
    pd.testing.assert_frame_equal(rows(warehouse, "standards"), before)


def test_lists_covered_counts_a_provincial_standards_own_lists(warehouse, tmp_path):
    warehouse.con.execute(
        """
        insert into submissions (submission_id, file_name, file_path, sha256, size_bytes, kind,
            village_code, commune_code, year, status, household_count, error_count,
            warning_count, received_at, processed_at, flow_run_id)
        values ('a', 'a', 'a', 'a', 1, 'households', '19834-03', '19834', 2027, 'loaded', 0, 0,
            0, now(), now(), 'r'),
            ('b', 'b', 'b', 'b', 1, 'households', '19834-04', '19834', 2026, 'loaded', 0, 0,
            0, now(), now(), 'r')
        """
    )
    warehouse.con.execute(
        """
        insert into village_reports (submission_id, village_code, year, area, total_households,
            total_persons)
        values ('a', '19834-03', 2027, 'rural', 10, 40), ('b', '19834-04', 2026, 'rural', 10, 40)
        """
    )
    path = tmp_path / "tinh-46.toml"
    path.write_text(PROVINCE, encoding="utf-8")
    local = standards.import_file(warehouse, path).standard
    assert standards.lists_covered(warehouse, local) == 1
    elsewhere = path.with_name("tinh-79.toml")
    elsewhere.write_text(PROVINCE.replace('"46"', '"79"').replace("tinh-46", "tinh-79"), "utf-8")
    assert (
        standards.lists_covered(warehouse, standards.import_file(warehouse, elsewhere).standard)
        == 0
    )
    assert standards.lists_covered(warehouse, standards.catalog(warehouse).national(2026)) == 1
