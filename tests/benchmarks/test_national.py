"""The national inbox: the official units of 1 July 2025, and plain workbooks that read exactly
as the template's."""

import pandas as pd

from benchmarks.national import YEAR, inbox, registry, registry_csv
from benchmarks.plainxlsx import write_plain_workbook
from giamngheo.transforms.registry import registry_problems
from giamngheo.transforms.synthetic import sample_lists
from giamngheo.warehouse.registry import read_registry, sample_registry_path
from giamngheo.workbooks.reader import read_submission
from giamngheo.workbooks.template import write_village_workbook


def test_a_plain_workbook_reads_as_the_templates_does(tmp_path):
    units = read_registry(sample_registry_path())
    for village in sample_lists(units, years=(2024,), seed=5)[:12]:
        meta = village.metadata
        households = village.households.copy()
        households.loc[0, "note"] = 'chuyển đến <2024> & "tách hộ"'  # text that needs escaping
        plain = write_plain_workbook(tmp_path / "plain.xlsx", meta, households)
        template = write_village_workbook(tmp_path / "template.xlsx", meta, households)
        a, b = read_submission(plain, "s"), read_submission(template, "s")
        assert a.issues == b.issues == []
        assert a.metadata == b.metadata
        pd.testing.assert_frame_equal(a.households, b.households)


def test_the_national_registry_spreads_villages_over_the_communes_of_2025():
    units = registry(7000)
    levels = units["level"].value_counts().to_dict()
    assert levels == {"province": 34, "commune": 3321, "village": 7000}
    assert registry_problems(units) == []
    per_commune = units[units["level"] == "village"].groupby("parent_code").size()
    assert set(per_commune) == {2, 3}  # as even as 7,000 over 3,321 can be
    communes = units[units["level"] == "commune"].set_index("code")
    assert set(communes["parent_code"]) == set(units.loc[units["level"] == "province", "code"])


def test_the_inbox_is_written_once_on_every_core_and_reused(tmp_path):
    cache = tmp_path / "cache"
    folder = inbox(40, seed=3, cache=cache)
    files = sorted(folder.rglob("*.xlsx"))
    assert len(files) == 40 and all(f.name.endswith(f"_{YEAR}.xlsx") for f in files)
    first = read_submission(files[0], "s")
    assert first.issues == [] and len(first.households) > 100  # about 150 listed per village
    assert first.metadata["year"] == YEAR and "district_code" not in first.metadata
    stamps = [f.stat().st_mtime_ns for f in files]
    assert inbox(40, seed=3, cache=cache) == folder
    assert [f.stat().st_mtime_ns for f in files] == stamps
    assert len(pd.read_csv(registry_csv(40, cache), dtype=str)) == 34 + 3321 + 40
