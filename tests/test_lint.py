"""The formatter owns the layout and the linter's rules hold everywhere (ruff, as `make lint`)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
FOLDERS = [
    "giamngheo",
    "cli",
    "flows",
    "transforms",
    "workbooks",
    "expectations",
    "warehouse",
    "web",
]
RUFF = Path(sys.executable).with_name("ruff")


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=" ".join)
def test_ruff(command):
    done = subprocess.run(
        [str(RUFF), *command, *FOLDERS, "benchmarks", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_transforms_import_nothing_but_pandas_and_the_standard_library():
    banned = ("prefect", "duckdb", "openpyxl", "great_expectations", "python_calamine", "click")
    for path in (ROOT / "transforms").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for name in banned:
            assert f"import {name}" not in text and f"from {name}" not in text, (path, name)
        for layer in ("flows", "workbooks", "expectations", "warehouse"):
            assert f"giamngheo.{layer}" not in text, (path, layer)


def test_nothing_outside_warehouse_touches_duckdb():
    for folder in ("cli", "web", "flows", "transforms", "workbooks", "expectations", "giamngheo"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert "import duckdb" not in text and ".con.execute" not in text, path


def test_no_layer_imports_flows():
    for folder in ("transforms", "workbooks", "expectations", "warehouse"):
        for path in (ROOT / folder).rglob("*.py"):
            assert "giamngheo.flows" not in path.read_text(encoding="utf-8"), path


def test_the_interfaces_stay_apart():
    """The web app and the command line are peers over the flows (the command only starts the app)."""
    pairs = [("web", "giamngheo.cli"), ("flows", "giamngheo.web"), ("flows", "giamngheo.cli")]
    for folder, other in pairs:
        for path in (ROOT / folder).rglob("*.py"):
            assert other not in path.read_text(encoding="utf-8"), (path, other)
