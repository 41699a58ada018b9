"""The analyst snapshot: what it holds and hides, and that one brought up to date holds what one
built anew holds."""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from giamngheo.transforms.tables import NOT_PUBLISHED, TABLES
from giamngheo.warehouse import snapshot
from giamngheo.warehouse.store import Warehouse
from tests.warehouse.test_store import batch, poverty


def test_snapshot_has_no_names_or_codes_and_is_sandboxed(warehouse, tmp_path):
    warehouse.load_batch(batch(tmp_path, "aaaa"))
    warehouse.con.execute(
        "insert into issues values ('aaaa', 'HH-DUP-ID', 'error', 'f.xlsx', 'S', 'B2', 'Mã hộ', 'h1',"
        " 'Ô B2: mã hộ ''h1'' bị trùng', 'Cell B2: household code ''h1'' repeats')"
    )
    warehouse.record_change("r2")
    target = tmp_path / "published" / "current.duckdb"
    assert warehouse.snapshot_is_stale(target)
    warehouse.publish(target)
    assert not warehouse.snapshot_is_stale(target)
    assert list(target.parent.iterdir()) == [target]
    with Warehouse(target, read_only=True) as snap:
        columns = set(snap.sql("select * from households limit 0").columns)
        assert "head_name" not in columns and "household_code" not in columns
        assert "household_key" in columns
        assert "warehouse_settings" not in {
            r[0] for r in snap.con.execute("select table_name from duckdb_tables()").fetchall()
        }
        assert poverty(snap) == (115, 1, 0.87)
        value, message = snap.con.execute("select value, message_vi from issues").fetchall()[0]
        assert value is None and "h1" not in message
        for statement in (
            "select * from read_text('/etc/passwd')",
            "copy households to '/tmp/x.csv'",
            "attach '/tmp/other.duckdb'",
            "install httpfs",
            "load httpfs",
            "set enable_external_access = true",
            "set temp_directory = '/tmp/elsewhere'",
            "set memory_limit = '1TB'",
            "set extension_directory = '/tmp/x'",
            "delete from households",
        ):
            with pytest.raises(duckdb.Error):
                snap.con.execute(statement)


def test_snapshot_issues_show_what_shareable_shows(warehouse, tmp_path):
    from giamngheo.transforms.issues import issues_table, make_issue
    from giamngheo.transforms.privacy import shareable
    from tests.transforms.test_privacy import CASES

    issues = [
        make_issue(
            code,
            submission_id="aaaa",
            file="f.xlsx",
            sheet="S",
            cell=f"E{i}",
            column=column,
            value=value,
            expected="Cận nghèo",
            income=1500,
            deprivations=3,
            year=2024,
            other="T",
        )
        for i, (code, column, value, _) in enumerate(CASES)
    ]
    warehouse.load_batch(batch(tmp_path, "aaaa"))
    warehouse.con.register("found", issues_table(issues))
    warehouse.con.execute("insert into issues by name select * from found")
    warehouse.record_change("r2")
    warehouse.publish(tmp_path / "current.duckdb")
    with Warehouse(tmp_path / "current.duckdb", read_only=True) as snap:
        shown = snap.con.execute(
            "select value, message_vi, message_en from issues where file = 'f.xlsx' and sheet = 'S'"
        ).fetchall()
    expected = [(i.value, i.message_vi, i.message_en) for i in map(shareable, issues)]
    assert sorted(shown, key=str) == sorted(expected, key=str)


def snapshot_tables(path: Path) -> dict[str, list]:
    """Every table of a snapshot, its rows in order (but when each run was published)."""
    with duckdb.connect(str(path), read_only=True) as con:
        names = [n for (n,) in con.execute("select table_name from duckdb_tables()").fetchall()]
        return {
            n: con.execute(
                f'select * {"exclude (published_at)" if n == "runs" else ""} from "{n}" order by all'
            ).fetchall()
            for n in names
        }


def test_a_snapshot_brought_up_to_date_holds_what_one_built_anew_holds(
    warehouse, tmp_path, monkeypatch
):
    target, fresh = tmp_path / "current.duckdb", tmp_path / "fresh.duckdb"
    warehouse.load_batch(batch(tmp_path, "aaaa"))
    warehouse.load_batch(batch(tmp_path, "cccc", total=90))
    warehouse.publish(target)
    built = []
    build = snapshot._build
    monkeypatch.setattr(
        snapshot, "_build", lambda wh, *args: built.append(args) or build(wh, *args)
    )
    warehouse.load_batch(batch(tmp_path, "bbbb", total=120))  # a new list supersedes cccc
    (tmp_path / "again").mkdir()
    again = batch(tmp_path / "again", "aaaa", cls="near_poor")  # aaaa processed again
    again.submissions["processed_at"] = dt.datetime.now() + dt.timedelta(seconds=1)
    warehouse.load_batch(again)
    warehouse.publish(target)
    assert built == []  # brought up to date, not built anew
    warehouse.publish(fresh)
    assert len(built) == 1
    assert snapshot_tables(target) == snapshot_tables(fresh)
    with duckdb.connect(str(target), read_only=True) as con:
        classes = con.execute("select poverty_class from households order by all").fetchall()
    assert classes == [("near_poor",), ("poor",), ("poor",)]
    warehouse.publish(target, extra_columns=("nghe nghiep",))  # another recipe: built anew
    assert len(built) == 2


def test_the_duckdb_cli_from_pypi_reads_the_snapshot(warehouse, tmp_path):
    import re
    import shutil

    cli = shutil.which("duckdb", path=str(Path(sys.executable).parent)) or shutil.which("duckdb")
    assert cli, "duckdb-cli is a dev dependency"
    warehouse.load_batch(batch(tmp_path, "aaaa"))
    target = tmp_path / "current.duckdb"
    warehouse.publish(target)
    warehouse.load_batch(batch(tmp_path, "bbbb", total=115))
    warehouse.publish(target)  # brought up to date: still the format the CLI reads
    readme = (Path(__file__).parents[2] / "warehouse" / "README.md").read_text(encoding="utf-8")
    unpublished = {t.name for t in TABLES.values() if t.columns[0].privacy in NOT_PUBLISHED}
    documented = [
        n for n in re.findall(r"^### `(\w+)`", readme, flags=re.M) if n not in unpublished
    ]
    queries = "; ".join(f"select '{name}', count(*) from {name}" for name in documented)
    out = subprocess.run(
        [
            cli,
            "-readonly",
            "-csv",
            str(target),
            "-c",
            "select total_households, poor_households, poor_rate_pct from village_poverty; "
            + queries,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "115,1,0.87" in out.stdout
    for name in documented:
        assert f"{name}," in out.stdout
