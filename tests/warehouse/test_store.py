import datetime as dt
import subprocess
import sys
import uuid
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from giamngheo.errors import QueryError, RegistryError, WarehouseError
from giamngheo.warehouse.registry import read_registry
from giamngheo.warehouse.store import Batch, Warehouse, migrations

VIEWS = {"households_current", "village_poverty", "commune_poverty", "district_poverty"}


def test_migrate_is_recorded_and_idempotent(settings):
    with Warehouse(settings.warehouse_path) as wh:
        assert wh.migrate() == [v for v, _, _ in migrations()]
        assert wh.migrate() == []
        recorded = wh.sql("select version from schema_migrations")["version"].tolist()
        assert recorded == [v for v, _, _ in migrations()]
        assert set(wh.views()) >= VIEWS


def test_read_only_open_of_a_missing_warehouse_is_a_clear_error(tmp_path):
    with pytest.raises(WarehouseError, match="giamngheo ingest"):
        Warehouse(tmp_path / "none.duckdb", read_only=True)


def submission(
    sid: str, village: str = "19834-03", year: int = 2024, status: str = "loaded"
) -> dict:
    now = dt.datetime(2024, 1, 1)
    return {
        "submission_id": sid,
        "file_name": f"{sid}.xlsx",
        "file_path": f"{sid}.xlsx",
        "sha256": sid * 4,
        "size_bytes": 1,
        "kind": "households",
        "village_code": village,
        "commune_code": village[:5],
        "year": year,
        "status": status,
        "household_count": 1,
        "error_count": 0,
        "warning_count": 0,
        "received_at": now,
        "processed_at": now,
        "flow_run_id": "r",
    }


def household(sid: str, cls: str = "poor", village: str = "19834-03") -> dict:
    return {
        "submission_id": sid,
        "village_code": village,
        "year": 2024,
        "household_code": "h1",
        "head_name": "A",
        "ethnicity": "Kinh",
        "members": 4,
        "income_kvnd": 900.0,
        "deprivations": ["employment", "dependants", "nutrition"],
        "deprivation_count": 3,
        "has_merit": False,
        "social_protection": False,
        "claimed_class": cls,
        "poverty_class": cls,
        "local_class": None,
        "note": None,
        "source_sheet": "Danh sách hộ",
        "source_row": 2,
    }


def batch(tmp_path: Path, sid: str, total: int = 115, cls: str = "poor") -> Batch:
    parquet = tmp_path / f"{sid}.parquet"
    pd.DataFrame([household(sid, cls)]).to_parquet(parquet)
    reports = pd.DataFrame(
        [
            {
                "submission_id": sid,
                "village_code": "19834-03",
                "year": 2024,
                "area": "rural",
                "total_households": total,
                "total_persons": 400,
                "prepared_by": None,
                "prepared_on": None,
                "source_sheet": "Danh sách hộ",
            }
        ]
    )
    issues = pd.DataFrame(
        columns=[
            "submission_id",
            "code",
            "severity",
            "file",
            "sheet",
            "cell",
            "column_name",
            "value",
            "message_vi",
            "message_en",
        ]
    )
    return Batch(
        f"run-{sid}-{uuid.uuid4().hex[:6]}",
        None,
        pd.DataFrame([submission(sid)]),
        reports,
        issues,
        (parquet,),
    )


def poverty(wh: Warehouse) -> tuple:
    return wh.con.execute(
        "select total_households, poor_households, poor_rate_pct from village_poverty"
    ).fetchall()[0]


def test_a_new_version_supersedes_the_old_one_and_keeps_it(warehouse, tmp_path):
    warehouse.load_batch(batch(tmp_path, "aaaa", total=115))
    assert poverty(warehouse) == (115, 1, 0.87)
    warehouse.load_batch(batch(tmp_path, "bbbb", total=100))
    assert poverty(warehouse) == (100, 1, 1.0)
    statuses = dict(
        warehouse.con.execute("select submission_id, status from submissions").fetchall()
    )
    assert statuses == {"aaaa": "superseded", "bbbb": "loaded"}
    assert warehouse.con.execute("select count(*) from households").fetchall()[0] == (2,)


def test_reloading_the_same_submission_replaces_its_rows(warehouse, tmp_path):
    warehouse.load_batch(batch(tmp_path, "aaaa"))
    warehouse.load_batch(batch(tmp_path, "aaaa", cls="near_poor"))
    assert warehouse.con.execute("select count(*), min(poverty_class) from households").fetchall()[
        0
    ] == (1, "near_poor")


def test_a_failing_load_changes_nothing(warehouse, tmp_path):
    warehouse.load_batch(batch(tmp_path, "aaaa"))
    broken = batch(tmp_path, "bbbb")
    broken.households_parquet[0].write_bytes(b"not parquet")
    with pytest.raises(QueryError):
        warehouse.load_batch(broken)
    assert warehouse.con.execute("select submission_id, status from submissions").fetchall() == [
        ("aaaa", "loaded")
    ]
    assert poverty(warehouse) == (115, 1, 0.87)


def test_registry_csv_errors_are_listed(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(
        "code,level,name,parent_code,area\n46,province,T,,\n19834,commune,X,476,rural\n",
        encoding="utf-8",
    )
    with pytest.raises(RegistryError, match="parent '476'"):
        read_registry(path)
    path.write_text("code;level\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="missing columns"):
        read_registry(path)


def statuses(wh: Warehouse) -> dict[str, str]:
    return dict(wh.con.execute("select submission_id, status from submissions").fetchall())


def test_a_file_processed_again_keeps_its_place_in_the_order_of_receipt(warehouse, tmp_path):
    warehouse.load_batch(batch(tmp_path, "aaaa", total=115))
    warehouse.load_batch(batch(tmp_path, "bbbb", total=100))
    loaded = warehouse.load_batch(batch(tmp_path, "aaaa", total=115))  # e.g. a forced rerun
    assert statuses(warehouse) == {"aaaa": "superseded", "bbbb": "loaded"}
    assert loaded.statuses == {"aaaa": "superseded"} and loaded.superseded == 0
    assert poverty(warehouse) == (100, 1, 1.0)


def test_the_file_received_later_wins_whatever_its_modification_time(warehouse, tmp_path):
    warehouse.load_batch(batch(tmp_path, "aaaa", total=115))
    correction = batch(tmp_path, "bbbb", total=100)
    older = correction.submissions.assign(received_at=dt.datetime(2020, 1, 1))  # unzipped
    loaded = warehouse.load_batch(replace(correction, submissions=older))
    assert statuses(warehouse) == {"aaaa": "superseded", "bbbb": "loaded"}
    assert loaded.superseded == 1  # counted from the warehouse's decision, across runs


def test_inside_one_batch_modification_time_then_path_decide(warehouse, tmp_path):
    two = batch(tmp_path, "aaaa", total=115)
    second = batch(tmp_path, "bbbb", total=100)
    frames = [
        two.submissions.assign(received_at=dt.datetime(2024, 1, 2)),
        second.submissions.assign(received_at=dt.datetime(2024, 1, 1)),
    ]
    both = replace(
        two,
        submissions=pd.concat(frames, ignore_index=True),
        village_reports=pd.concat([two.village_reports, second.village_reports]),
    )
    loaded = warehouse.load_batch(both)
    assert loaded.statuses == {"aaaa": "loaded", "bbbb": "superseded"}
    assert loaded.superseded == 1


def rejected(tmp_path: Path, sid: str) -> Batch:
    failed = batch(tmp_path, sid)
    row = failed.submissions.assign(status="rejected", error_count=1, household_count=0)
    return replace(failed, submissions=row, households_parquet=())


def test_a_rejected_list_whose_correction_loads_is_superseded(warehouse, tmp_path):
    warehouse.load_batch(rejected(tmp_path, "aaaa"))
    assert statuses(warehouse) == {"aaaa": "rejected"}
    loaded = warehouse.load_batch(batch(tmp_path, "bbbb"))
    assert statuses(warehouse) == {"aaaa": "superseded", "bbbb": "loaded"}
    assert loaded.superseded == 1
    # A rejected file received after the loaded one is a new problem: it stays rejected.
    warehouse.load_batch(rejected(tmp_path, "cccc"))
    assert statuses(warehouse)["cccc"] == "rejected"
    assert poverty(warehouse) == (115, 1, 0.87)


def test_upgrading_a_warehouse_built_by_the_previous_migrations_keeps_its_data(settings, tmp_path):
    with Warehouse(settings.warehouse_path) as wh:
        assert wh.migrate(upto=1) == [1]
        wh.con.execute(
            "insert into admin_units values ('19834-03', 'village', 'Thôn 3', '19834', 'rural')"
        )
        row = household("old1")  # as the first schema held it: twelve d01…d12 marks
        del row["deprivations"], row["local_class"]
        row |= {f"d{i:02d}": i in (1, 2, 9) for i in range(1, 13)}
        wh.con.execute(
            f"insert into households ({', '.join(row)}) values ({', '.join('?' * len(row))})",
            list(row.values()),
        )
    with Warehouse(settings.warehouse_path) as wh:
        assert wh.migrate() == [v for v, _, _ in migrations() if v > 1]
        key, code, deprived = wh.con.execute(
            "select household_key, household_code, deprivations from households"
        ).fetchall()[0]
        assert code == "h1" and len(key) == 16
        # the marks by number became the codes of 07/2021's indicators
        assert deprived == ["employment", "dependants", "drinking_water"]
        assert wh.con.execute("select count(*) from admin_units").fetchall()[0] == (1,)


def test_household_key_is_stable_and_does_not_reveal_the_code(warehouse, tmp_path):
    warehouse.load_batch(batch(tmp_path, "aaaa"))
    warehouse.load_batch(batch(tmp_path, "bbbb"))
    keys = {r[0] for r in warehouse.con.execute("select household_key from households").fetchall()}
    assert len(keys) == 1
    assert "h1" not in keys.pop()


def test_a_second_writer_waits_then_gives_up_with_a_message(settings):
    from giamngheo.errors import WarehouseBusy
    from giamngheo.warehouse.lock import writer_lock

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path;"
            "from giamngheo.warehouse.lock import writer_lock;"
            "lock = writer_lock(Path(sys.argv[1]), 1); lock.__enter__();"
            "print('held', flush=True); time.sleep(60)",
            str(settings.warehouse_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        busy = pytest.raises(WarehouseBusy, match="Another run holds the warehouse lock")
        with busy, writer_lock(settings.warehouse_path, timeout=0.3):
            pass
    finally:
        holder.kill()
        holder.wait()
    with writer_lock(settings.warehouse_path, timeout=5):
        pass  # released when its holder died


def test_the_writer_lock_is_reentrant_within_a_process(settings):
    from giamngheo.warehouse.lock import writer_lock

    with (
        writer_lock(settings.warehouse_path, timeout=0.3),
        writer_lock(settings.warehouse_path, timeout=0.3),
    ):
        pass


def test_no_connection_draws_duckdbs_progress_bar_on_standard_output(settings):
    # a query over 2 s (a national run's) would print one into `ingest --json`'s output
    with Warehouse(settings.warehouse_path) as wh:
        wh.migrate()
        writer = wh.sql("select current_setting('enable_progress_bar') as on_")["on_"].iloc[0]
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        reader = wh.sql("select current_setting('enable_progress_bar') as on_")["on_"].iloc[0]
    assert not writer and not reader


def _memory_limit(wh: Warehouse) -> str:
    return wh.con.execute("select current_setting('memory_limit')").fetchone()[0]


def test_a_writer_holds_half_a_gigabyte_and_a_reader_what_it_asks(tmp_path):
    """DuckDB's default is 80 % of the machine, kept as a cache of what it read: a run's
    writer and its report writers share a small server with the run and Prefect."""
    path = tmp_path / "w.duckdb"
    with Warehouse(path) as wh:
        assert _memory_limit(wh) == "488.2 MiB"  # 512 MB
        default = duckdb.connect().execute("select current_setting('memory_limit')").fetchone()[0]
    with Warehouse(path, read_only=True) as wh:
        assert _memory_limit(wh) == default  # analysts' queries keep DuckDB's default
    with Warehouse(path, read_only=True, memory_limit="16MB") as wh:
        assert _memory_limit(wh) == "15.2 MiB"
        with pytest.raises(duckdb.Error):  # a reader's configuration is locked
            wh.con.execute("set memory_limit = '1GB'")


def test_a_query_over_the_limit_spills_to_disk_instead_of_failing(tmp_path):
    """Three million groups of text take about 550 MB in DuckDB's memory; under a limit of
    100 MB the query still ends, with the same answer (read-only readers may spill too)."""
    path = tmp_path / "w.duckdb"
    with Warehouse(path) as wh:
        wh.con.execute(
            "create table t as select i as k, i::varchar || '-a-household-code' as v"
            " from range(3000000) r(i)"
        )
    with Warehouse(path, read_only=True, memory_limit="100MB") as wh:
        groups = wh.con.execute(
            "select count(*), count(distinct m) from (select k, max(v) as m from t group by k)"
        ).fetchone()
    assert groups == (3000000, 3000000)


def test_the_household_code_check_reads_only_the_current_codes_the_run_brings():
    """A corrected file's run against the nation's ten million current households: the check
    joins the run's 150 codes with the households holding the same codes, not with all of them.
    Two million current households under 64 MB of DuckDB memory (the whole of them, as the
    check first held, ran out of memory on a national run's 512 MB)."""
    from giamngheo.warehouse.store import query_statements

    con = duckdb.connect(config={"memory_limit": "64MB"})
    con.execute(
        "create table households_current as select printf('%05d-%02d', i // 1500, (i // 150) % 10)"
        " as village_code, 2026 as year, printf('%010d', i) as household_code"
        " from range(2000000) r(i)"
    )
    con.execute(
        "create table run_codes as select 'new' as submission_id, i + 2 as source_row,"
        " '99999-01' as village_code, 2026 as year, printf('%010d', i * 997) as household_code"
        " from range(150) r(i)"
    )
    [(statement, _)] = query_statements("codes_elsewhere")
    pairs = con.execute(statement).df()
    assert len(pairs) == 150
    first = pairs[pairs["source_row"] == 3].iloc[0]  # code 997: household 997, in 00000-06
    assert (first["household_code"], first["other_village"]) == ("0000000997", "00000-06")


def test_an_upgrade_drops_the_zero_targets_stored_for_blank_plan_cells(settings):
    with Warehouse(settings.warehouse_path) as wh:
        wh.migrate(upto=9)
        wh.con.execute(
            "insert into submissions (submission_id, file_name, file_path, sha256, size_bytes, "
            "kind, year, status, received_at, processed_at, commune_code) values ('p1', "
            "'k.xlsx', '19834/k.xlsx', 'x', 1, 'plan', 2024, 'loaded', now(), now(), '19834')"
        )
        for row, (village, target) in enumerate(
            [("19834-01", 1), ("19834-02", None), ("19834-03", 0)], start=10
        ):
            wh.con.execute(
                "insert into plan_rows values ('p1', '19834', 2024, ?, 'Thôn', 1, 1.0, ?, null, "
                "false, ?)",
                [village, target, row],
            )
            wh.con.execute(
                "insert into plan_targets values ('19834', ?, 2024, ?, '19834/k.xlsx')",
                [village, target or 0],
            )
        wh.migrate()
        kept = wh.con.execute(
            "select village_code, target_households from plan_targets order by 1"
        ).fetchall()
    # the blank cell's 0 goes; a 0 the plan wrote stays a target of 0
    assert kept == [("19834-01", 1), ("19834-03", 0)]
