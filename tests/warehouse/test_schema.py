"""The tables declared in transforms/tables.py are exactly the migrated warehouse's tables, and
the analyst snapshot holds exactly what their privacy allows."""

import re
from pathlib import Path

import pytest

from giamngheo.transforms.tables import NOT_PUBLISHED, PERSONAL, PRIVACY, TABLES
from giamngheo.warehouse.store import Warehouse

README = (Path(__file__).parents[2] / "warehouse" / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "w.duckdb"
    with Warehouse(path) as wh:
        wh.migrate()
        yield wh


def described(wh: Warehouse, table: str) -> list[tuple[str, str]]:
    frame = wh.sql(f'describe "{table}"')
    return list(zip(frame["column_name"], frame["column_type"], strict=True))


def test_every_migrated_table_is_declared(migrated):
    assert set(migrated.fetch("defined_tables")["table_name"]) == set(TABLES)


@pytest.mark.parametrize("table", TABLES.values(), ids=lambda t: t.name)
def test_each_declared_table_matches_the_migrated_one_column_by_column(migrated, table):
    assert described(migrated, table.name) == [(c.name, c.type) for c in table.columns]
    assert all(c.privacy in PRIVACY for c in table.columns)


@pytest.mark.parametrize("table", TABLES.values(), ids=lambda t: t.name)
def test_the_warehouse_readme_names_every_column(table):
    if table.name in ("warehouse_settings", "pending_work", "file_stats"):
        return  # never published; documented in a sentence
    section = re.search(rf"^### `{table.name}`\n(.*?)(?=^### |^## |\Z)", README, re.M | re.S)
    assert section, f"warehouse/README.md has no section for {table.name}"
    text = section.group(1)
    missing = [c.name for c in table.columns if f"`{c.name}`" not in text]
    assert not missing, f"{table.name}: README does not name {missing}"


def test_the_snapshot_holds_exactly_what_privacy_allows(migrated, tmp_path):
    target = tmp_path / "current.duckdb"
    migrated.publish(target)
    with Warehouse(target, read_only=True) as snap:
        published = set(snap.fetch("defined_tables")["table_name"])
        for table in TABLES.values():
            if any(c.privacy in NOT_PUBLISHED for c in table.columns):
                assert table.name not in published
                continue
            shown = [name for name, _ in described(snap, table.name)]
            assert shown == [c.name for c in table.columns if c.privacy != PERSONAL]
