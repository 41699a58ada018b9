"""Homes for the command-line tests: a warehouse loaded with Điền Hòa's 22 lists."""

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from giamngheo.flows.cli import cli
from giamngheo.warehouse.registry import sample_registry_path
from tests.conftest import write_inbox


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


@pytest.fixture
def loaded_home(settings, dien_hoa_inbox, prefect_harness):
    """A home of its own for a test that changes it."""
    return load_home(settings.home)


@pytest.fixture(scope="module")
def shared_home(tmp_path_factory, dien_hoa_lists, prefect_harness):
    """One loaded home for the tests of a module that leave it as they found it."""
    home = tmp_path_factory.mktemp("shared") / "home"
    write_inbox(home / "inbox", dien_hoa_lists)
    yield load_home(home)
    shutil.rmtree(home, ignore_errors=True)
