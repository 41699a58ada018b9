"""Fixtures that build on fixtures: registry → sample lists → workbooks → inbox → warehouse."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from giamngheo.flows.settings import Settings, quiet_environment

quiet_environment()
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

from click.testing import CliRunner  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from giamngheo.cli import cli  # noqa: E402
from giamngheo.transforms.synthetic import DIEN_HOA, VillageList, sample_lists  # noqa: E402
from giamngheo.warehouse.registry import read_registry, sample_registry_path  # noqa: E402
from giamngheo.warehouse.store import Warehouse  # noqa: E402
from giamngheo.workbooks.template import write_village_workbook  # noqa: E402
from tests.listing import INDICATOR_CODES, LIST_COLUMNS  # noqa: E402

DATA = Path(__file__).parent / "data"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slow modules first: `make test` hands whole modules to its workers in this order
    (`--dist loadfile`), and the longest first makes them end together."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def registry() -> pd.DataFrame:
    """The bundled admin registry of Phong Điền."""
    return read_registry(sample_registry_path())


@pytest.fixture(scope="session")
def dien_hoa_registry(registry: pd.DataFrame) -> pd.DataFrame:
    """The registry cut down to Điền Hòa (19834) and its parents."""
    keep = (registry["code"] == DIEN_HOA) | (registry["parent_code"] == DIEN_HOA)
    keep |= registry["level"].isin(["province", "district"])
    return registry[keep].reset_index(drop=True)


@pytest.fixture(scope="session")
def dien_hoa_lists(dien_hoa_registry: pd.DataFrame) -> list[VillageList]:
    """Seeded lists of Điền Hòa's 11 villages for 2024 and 2025."""
    return sample_lists(dien_hoa_registry, years=(2024, 2025), seed=2024)


def _village_list(lists: list[VillageList], village_code: str, year: int) -> VillageList:
    return next(
        v
        for v in lists
        if v.metadata["village_code"] == village_code and v.metadata["year"] == year
    )


@pytest.fixture
def make_workbook(tmp_path: Path, dien_hoa_lists: list[VillageList]) -> Callable[..., Path]:
    """Write one village's sample workbook, with metadata and household overrides.

    make_workbook("19834-03", 2024, metadata={"year": 2019}, cells={(0, "members"): 40})

    A cell of an indicator (its code, e.g. "nutrition") is typed into the written sheet.
    """

    def make(
        village_code: str = "19834-03",
        year: int = 2024,
        *,
        metadata: dict | None = None,
        cells: dict[tuple[int, str], object] | None = None,
        name: str | None = None,
        folder: Path | None = None,
    ) -> Path:
        base = _village_list(dien_hoa_lists, village_code, year)
        meta = {**base.metadata, **(metadata or {})}
        households = base.households.copy().astype(object)
        marks = {}  # an indicator's cell: typed into the written sheet, as a village would
        for (row, column), value in (cells or {}).items():
            if column in INDICATOR_CODES:
                marks[row, column] = value
            else:
                households.at[row, column] = value
        path = (folder or tmp_path) / (name or f"{village_code}_{year}.xlsx")
        write_village_workbook(path, meta, households)
        if marks:
            wb = load_workbook(path)
            for (row, column), value in marks.items():
                wb["Danh sách hộ"].cell(row + 2, LIST_COLUMNS.index(column) + 1, value)
            wb.save(path)
        return path

    return make


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a fresh home folder; files count as complete as soon as they exist."""
    return Settings.load(tmp_path / "home", settle_seconds=0, max_workers=2)


@pytest.fixture
def warehouse(settings: Settings, registry: pd.DataFrame):
    """A migrated warehouse with the sample registry loaded."""
    with Warehouse(settings.warehouse_path) as wh:
        wh.migrate()
        wh.replace_admin_units(registry)
        yield wh


def write_inbox(inbox: Path, lists: list[VillageList]) -> Path:
    """One workbook per list, at ``<commune>/<village>_<year>.xlsx`` under `inbox`."""
    for v in lists:
        m = v.metadata
        path = inbox / m["commune_code"] / f"{m['village_code']}_{m['year']}.xlsx"
        write_village_workbook(path, m, v.households)
    return inbox


@pytest.fixture
def dien_hoa_inbox(settings: Settings, dien_hoa_lists: list[VillageList]) -> Path:
    """An inbox holding Điền Hòa's 22 workbooks (11 villages × 2024, 2025)."""
    return write_inbox(settings.inbox, dien_hoa_lists)


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for every flow test of the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


# -- homes for the command-line tests: a warehouse loaded with Điền Hòa's 22 lists ------------


def invoke(home: Path, *args: str):
    """The command line, in this process."""
    return CliRunner().invoke(cli, ["--home", str(home), *args], catch_exceptions=False)


def load_home(home: Path) -> Path:
    """Load the registry and ingest the home's inbox, as an officer would."""
    assert invoke(home, "registry", "load", str(sample_registry_path())).exit_code == 0
    os.environ["GIAMNGHEO_SETTLE_SECONDS"] = "0"
    try:
        result = invoke(home, "ingest", "--runner", "thread", "--json")
    finally:
        del os.environ["GIAMNGHEO_SETTLE_SECONDS"]
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["loaded"] == 22
    return home


@pytest.fixture(scope="session")
def loaded_original(tmp_path_factory, dien_hoa_lists, prefect_harness) -> Path:
    """Điền Hòa's 22 lists loaded once for the whole session, across xdist's workers (their
    base folders share the session's folder): the first worker to ask loads it, the others
    wait and read."""
    import fcntl

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    home = shared / "loaded-dien-hoa" / "home"
    with open(shared / "loaded-dien-hoa.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (home.parent / "done").exists():
            shutil.rmtree(home.parent, ignore_errors=True)
            write_inbox(home / "inbox", dien_hoa_lists)
            load_home(home)
            (home.parent / "done").touch()
    return home


def copy_home(original: Path, home: Path) -> Path:
    """A loaded home of its own, as if loaded there: a home keeps no path of itself but the
    file hash cache (`file_stats`), which a copy misses and fills again."""
    shutil.copytree(original, home, dirs_exist_ok=True)
    return home


@pytest.fixture
def loaded_home(settings, loaded_original):
    """A home of its own, loaded with Điền Hòa's 22 lists, for a test that changes it."""
    return copy_home(loaded_original, settings.home)


@pytest.fixture(scope="module")
def shared_home(tmp_path_factory, loaded_original):
    """One loaded home for the tests of a module that leave it as they found it."""
    home = copy_home(loaded_original, tmp_path_factory.mktemp("shared") / "home")
    yield home
    shutil.rmtree(home, ignore_errors=True)
