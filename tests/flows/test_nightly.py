"""The nightly flow end to end, under one temporary Prefect API for the session."""

import shutil
from pathlib import Path

import pytest

from giamngheo.flows.nightly import run_nightly
from giamngheo.transforms.aggregate import rollup, village_summary
from giamngheo.warehouse.store import Warehouse

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

TABLES = (
    "submissions",
    "village_reports",
    "households",
    "issues",
    "admin_units",
    "plan_targets",
    "runs",
)


def table_checksums(wh: Warehouse) -> dict[str, list]:
    out = {}
    for table in TABLES:
        columns = [
            c
            for c in wh.sql(f"select * from {table} limit 0").columns
            if c not in ("processed_at", "flow_run_id")
        ]
        out[table] = wh.con.execute(
            f"select {', '.join(columns)} from {table} order by all"
        ).fetchall()
    return out


def test_flow_loads_dien_hoa_and_a_second_run_changes_nothing(
    settings, warehouse, dien_hoa_inbox, make_workbook, monkeypatch
):
    from giamngheo.workbooks import inbox

    monkeypatch.setattr(inbox, "RECENT_CHANGE", 0.0)  # files made a moment ago are remembered
    warehouse.close()
    broken = make_workbook(
        "19834-05",
        2025,
        folder=dien_hoa_inbox / "19834",
        name="broken.xlsx",
        cells={(0, "income_kvnd"): "1,5tr"},
    )
    summary = run_nightly(settings, runner="thread")
    assert (summary.loaded, summary.rejected, summary.skipped) == (22, 1, 0)
    assert summary.exit_code == 3
    assert summary.rejected_files[0]["file"] == "19834/broken.xlsx"
    assert "F2" in summary.rejected_files[0]["first_issue"]
    assert len(summary.reports) == 2
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        row = wh.sql(
            "select * from commune_poverty where commune_code = '19834' and year = 2024"
        ).iloc[0]
        assert (row.total_households, row.poor_households, row.poor_rate_pct) == (1415, 15, 1.06)
        first = table_checksums(wh)
        issues = wh.sql("select code, cell, sheet, file from issues").to_dict("records")
        assert issues == [
            {
                "code": "HH-INCOME-NAN",
                "cell": "F2",
                "sheet": "Danh sách hộ",
                "file": "19834/broken.xlsx",
            }
        ]
    read = []
    fingerprint = inbox.fingerprint
    monkeypatch.setattr(inbox, "fingerprint", lambda path: read.append(path) or fingerprint(path))
    again = run_nightly(settings, runner="thread")
    assert (again.loaded, again.rejected, again.skipped) == (0, 0, 23)
    assert read == []  # the fingerprints the first run found are not computed again
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        assert table_checksums(wh) == first
        assert len(wh.file_stats()) == 23
    broken.unlink()


def test_views_agree_with_the_transforms(settings, warehouse, dien_hoa_inbox):
    warehouse.close()
    run_nightly(settings, runner="thread")
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        households = wh.sql("select * from households_current")
        reports = wh.sql(
            "select r.* from village_reports r join submissions s using (submission_id) where s.status = 'loaded'"
        )
        units = wh.admin_units()
        expected = village_summary(households, reports)
        expected = rollup(
            expected,
            units.set_index("code")["parent_code"],
            child="village_code",
            parent="commune_code",
        )
        got = wh.sql("select * from commune_poverty order by commune_code, year")
    expected = expected.sort_values(["commune_code", "year"]).reset_index(drop=True)
    for col in (
        "total_households",
        "total_persons",
        "poor_households",
        "near_poor_persons",
        "poor_rate_pct",
        "near_poor_rate_pct",
        "average_persons_rate_pct",
    ):
        assert got[col].astype(float).tolist() == expected[col].astype(float).tolist(), col


def test_a_corrected_file_supersedes_its_predecessor(
    settings, warehouse, dien_hoa_inbox, make_workbook, monkeypatch
):
    from prefect.settings import get_current_settings

    from giamngheo.flows import nightly

    heartbeats = []
    consolidate = nightly.consolidate

    def watched(*args, **kwargs):
        heartbeats.append(get_current_settings().flows.heartbeat_frequency)
        return consolidate(*args, **kwargs)

    monkeypatch.setattr(nightly, "consolidate", watched)
    warehouse.close()
    first = run_nightly(settings, runner="thread")
    assert heartbeats == [None]  # a run does not wait for a heartbeat thread at its end
    assert [(c["commune_code"], c["year"]) for c in first.communes] == [
        ("19834", 2024),
        ("19834", 2025),
    ]
    target = dien_hoa_inbox / "19834" / "19834-03_2024.xlsx"
    make_workbook(
        "19834-03",
        2024,
        folder=target.parent,
        name="19834-03_2024_v2.xlsx",
        metadata={"total_households": 120},
    )
    summary = run_nightly(settings, runner="process")
    assert (summary.loaded, summary.skipped) == (1, 22)
    # the summary shows the figures the run changed, not every commune of the year
    assert [(c["commune_code"], c["year"]) for c in summary.communes] == [("19834", 2024)]
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        statuses = wh.sql(
            "select file_path, status from submissions where village_code = '19834-03' and year = 2024"
        )
        assert sorted(map(tuple, statuses.to_numpy())) == [
            ("19834/19834-03_2024.xlsx", "superseded"),
            ("19834/19834-03_2024_v2.xlsx", "loaded"),
        ]
        row = wh.sql(
            "select * from commune_poverty where commune_code = '19834' and year = 2024"
        ).iloc[0]
        assert row.total_households == 1415 - 115 + 120


def test_an_empty_registry_stops_the_run_before_touching_files(settings, dien_hoa_inbox):
    from giamngheo.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="registry load"):
        run_nightly(settings, runner="thread")
    shutil.rmtree(settings.warehouse_path.parent)


def test_rerun_of_a_fixed_rejection_loads_it(
    settings, warehouse, dien_hoa_inbox, registry, make_workbook
):
    from giamngheo.flows.admin import load_registry

    without_thon_11 = registry[registry["code"] != "19834-11"]
    warehouse.replace_admin_units(without_thon_11)
    warehouse.close()
    first = run_nightly(settings, runner="thread")
    assert first.rejected == 2  # Thôn 11, 2024 and 2025: unknown village
    load_registry(settings, registry)  # the registry is fixed
    nothing = run_nightly(settings, runner="thread")
    assert nothing.loaded == 0 and nothing.skipped == 22
    again = run_nightly(settings, runner="thread", rerun_failed=True)
    assert (again.loaded, again.rejected) == (2, 0)
    with Warehouse(settings.published_path, read_only=True) as wh:
        statuses = wh.sql("select status, count(*) n from submissions group by all").set_index(
            "status"
        )["n"]
        assert statuses.to_dict() == {"loaded": 22}
        row = wh.sql(
            "select poor_households, total_households from commune_poverty where commune_code = '19834' and year = 2024"
        ).iloc[0]
        assert (row.poor_households, row.total_households) == (15, 1415)
        loaded_id = wh.sql("select submission_id from submissions limit 1").iloc[0, 0]
    unchanged = run_nightly(settings, runner="thread", rerun_ids=[loaded_id])
    assert (unchanged.loaded, unchanged.skipped) == (0, 1)
    forced = run_nightly(settings, runner="thread", rerun_ids=[loaded_id], force=True)
    assert forced.loaded == 1


def test_refused_files_never_stop_the_others_and_a_plan_sets_targets(
    settings, warehouse, dien_hoa_inbox, make_workbook, tmp_path
):
    import zipfile

    warehouse.close()
    odd = dien_hoa_inbox / "odd"
    odd.mkdir()
    (odd / "empty.xlsx").write_bytes(b"")
    (odd / "notes.pdf.xls").write_bytes(b"%PDF-1.4 not a list")
    good = make_workbook("19834-01", 2024, folder=odd)
    (odd / "truncated.xlsx").write_bytes(good.read_bytes()[:3000])
    good.unlink()
    with zipfile.ZipFile(odd / "bomb.xlsx", "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * 300_000_000)
    (odd / "~$19834-01_2024.xlsx").write_bytes(b"lock")
    (odd / "notes.xls").write_text("Báo cáo tháng 12: không có bảng", encoding="utf-8")
    from msoffcrypto.format.ooxml import OOXMLFile

    secret = make_workbook("19834-02", 2024, folder=tmp_path, name="secret-plain.xlsx")
    with secret.open("rb") as src, (odd / "secret.xlsx").open("wb") as dst:
        OOXMLFile(src).encrypt("mat-khau", dst)
    shutil.copy(
        Path(__file__).parents[1] / "data" / "ke_hoach_dien_hoa_2024.xlsx", odd / "ke_hoach.xlsx"
    )
    summary = run_nightly(settings, runner="thread")
    assert (summary.loaded, summary.rejected) == (23, 6)
    rejected = {r["file"]: r["first_issue"] for r in summary.rejected_files}
    assert set(rejected) == {
        "odd/empty.xlsx",
        "odd/notes.pdf.xls",
        "odd/truncated.xlsx",
        "odd/bomb.xlsx",
        "odd/secret.xlsx",
        "odd/notes.xls",
    }
    assert (
        "mật khẩu" in rejected["odd/secret.xlsx"]
        and "Không tìm thấy bảng" in rejected["odd/notes.xls"]
    )
    with Warehouse(settings.published_path, read_only=True) as wh:
        codes = dict(
            wh.con.execute("select file, code from issues where severity = 'error'").fetchall()
        )
        assert codes == {
            "odd/empty.xlsx": "FILE-EMPTY",
            "odd/notes.pdf.xls": "FILE-NOT-SPREADSHEET",
            "odd/truncated.xlsx": "FILE-UNREADABLE",
            "odd/bomb.xlsx": "FILE-TOO-LARGE",
            "odd/secret.xlsx": "FILE-PASSWORD",
            "odd/notes.xls": "FILE-NO-TABLE",
        }
        plan_issues = wh.sql(
            "select code, cell, message_vi from issues where file = 'odd/ke_hoach.xlsx' order by cell"
        )
        # The seed's own arithmetic: 1 ÷ 159 and 1 ÷ 93 round to 0,63 and 1,08, and the total
        # target rate is 5 ÷ 1.415, not the sum of the rows' rates.
        assert plan_issues[["code", "cell"]].to_numpy().tolist() == [
            ["PLAN-RATE", "F18"],
            ["PLAN-RATE", "F22"],
            ["PLAN-TOTAL-RATE", "F23"],
        ]
        assert "5 ÷ 1.415 hộ × 100 = 0,35" in plan_issues["message_vi"].iloc[2]
        targets = wh.sql(
            "select village_code, target_households from plan_targets where year = 2024 order by 1"
        )
        # the villages whose target cell the plan left blank were given none: no row, not 0
        assert targets.values.tolist() == [[f"19834-{i:02d}", 1] for i in (1, 3, 6, 7, 11)]
        plan = wh.sql(
            "select kind, commune_code, year, status from submissions where kind = 'plan'"
        )
        assert plan.to_dict("records") == [
            {"kind": "plan", "commune_code": "19834", "year": 2024, "status": "loaded"}
        ]


@pytest.mark.parametrize(
    ("files", "workers", "most", "chunk"),
    [
        (2000, 2, 500, 500),  # a load batch of a cold run: four tasks
        (600, 2, 500, 150),  # two tasks per worker, not one of 500 and one of 100
        (7, 2, 500, 2),
        (1, 2, 500, 1),  # one corrected file
        (20_000, 8, 100, 100),  # GIAMNGHEO_READ_BATCH caps it
    ],
)
def test_files_are_parsed_in_two_tasks_per_worker_at_most_read_batch_each(
    settings, files, workers, most, chunk
):
    from dataclasses import replace

    from giamngheo.flows.runtime import read_chunk

    assert read_chunk(files, replace(settings, max_workers=workers, read_batch=most)) == chunk
