"""A commune-wide list through the whole flow: eleven villages, eleven submissions, the same
figures as eleven one-village files; a wrong village rejected alone and rerun alone."""

import json
import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from giamngheo.flows.admin import load_registry
from giamngheo.flows.nightly import run_nightly
from giamngheo.flows.settings import Settings
from giamngheo.warehouse.store import Warehouse
from giamngheo.workbooks.template import write_village_workbook
from tests.conftest import invoke
from tests.workbooks.variants import write_commune_wide

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

FIGURES = (
    "select village_code, year, total_households, poor_households, near_poor_households"
    " from village_poverty order by all"
)


@pytest.fixture
def lists_2024(dien_hoa_lists):
    return [v for v in dien_hoa_lists if v.metadata["year"] == 2024]


def _figures(settings: Settings) -> tuple[list, list]:
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        villages = wh.sql(FIGURES)
        commune = wh.sql("select * from commune_poverty order by all")
    # a null (no provincial standard) is None, so that two of them compare equal
    return tuple(
        f.astype(object).where(f.notna(), None).to_dict("records") for f in (villages, commune)
    )


def test_a_commune_wide_workbook_loads_like_eleven_village_files(
    settings, registry, lists_2024, tmp_path
):
    load_registry(settings, registry)
    write_commune_wide(settings.inbox / "dien_hoa_2024.xlsx", lists_2024)
    summary = run_nightly(settings, runner="thread")
    assert (summary.loaded, summary.rejected) == (11, 0)

    singles = Settings.load(tmp_path / "singles", settle_seconds=0, max_workers=2)
    load_registry(singles, registry)
    for v in lists_2024:
        m = v.metadata
        write_village_workbook(singles.inbox / f"{m['village_code']}.xlsx", m, v.households)
    assert run_nightly(singles, runner="thread").loaded == 11
    assert _figures(settings) == _figures(singles)
    assert len(_figures(settings)[0]) == 11

    # `status` names the file once, its villages under it; a second run changes nothing.
    shown = invoke(settings.home, "status", "--year", "2024").output
    assert shown.count("dien_hoa_2024.xlsx") == 1 and len(re.findall(r"└ \w", shown)) == 11
    records = json.loads(invoke(settings.home, "status", "--json").output)
    assert {r["file"] for r in records} == {"dien_hoa_2024.xlsx"} and len(records) == 11
    assert run_nightly(settings, runner="thread").loaded == 0


def test_a_wrong_village_is_rejected_alone_and_rerun_alone(settings, registry, lists_2024):
    load_registry(settings, registry)
    path = write_commune_wide(settings.inbox / "xa.xlsx", lists_2024[:4], repeated_header=False)
    wb = load_workbook(path)
    ws = wb["Danh sách hộ"]
    section = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "THÔN 2")
    ws.cell(row=section, column=1).value = "Thôn 22"  # no such village in Điền Hòa
    wb.save(path)
    summary = run_nightly(settings, runner="thread")
    assert (summary.loaded, summary.rejected) == (3, 1)
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        subs = wh.sql("select submission_id, part, status, processed_at from submissions")
        issues = wh.sql("select submission_id, code, cell from issues")
    [bad] = subs.loc[subs["status"] == "rejected", "submission_id"]
    assert subs.set_index("submission_id").loc[bad, "part"] == "Thôn 22"
    own = issues[issues["submission_id"] == bad]
    # its name is wrong, so its total is not found either; nothing else is said of its rows
    assert sorted(own["code"]) == ["VR-MISSING", "VR-UNKNOWN-VILLAGE"]
    assert own.loc[own["code"] == "VR-UNKNOWN-VILLAGE", "cell"].tolist() == [f"A{section}"]
    # Its feedback folder holds the file and its own issues only.
    folder = settings.quarantine / bad
    assert (folder / "phan_hoi.xlsx").exists()
    assert pd.read_csv(folder / "issues.csv")["code"].tolist() == own["code"].tolist()

    again = run_nightly(settings, runner="thread", rerun_ids=[bad])
    assert (again.loaded, again.rejected) == (0, 1)
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        after = wh.sql("select submission_id, part, status, processed_at from submissions")
    loaded = subs[subs["status"] == "loaded"].set_index("submission_id")["processed_at"]
    assert after.set_index("submission_id").loc[loaded.index, "processed_at"].equals(loaded)
