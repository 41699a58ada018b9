"""A household field is declared once (`transforms/fields.py`): adding one there, with its
migration, is all it takes for the template to carry it, the reader to read it, the warehouse
to store it and the analyst snapshot to publish it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from giamngheo.transforms.fields import FIELDS
from giamngheo.warehouse.registry import sample_registry_path

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

# The product with one more field: an optional mark, "Hộ có người khuyết tật", declared in
# `fields.py` alone (before anything derives from it), and its migration. A `sitecustomize`
# module makes every process of the run (the readers' child processes too) that product.
WITH_A_NEW_FIELD = """
from giamngheo.transforms import fields

NEW = fields.Field(
    "disability",
    "Hộ có người khuyết tật",
    "mark",
    "BOOLEAN",
    exact=("ho co nguoi khuyet tat", "nguoi khuyet tat"),
    bad_cell="HH-MARK",
    total=fields.MARKED,
    sample=False,
)
at = [f.name for f in fields.FIELDS].index("claimed_class")
fields.FIELDS = (*fields.FIELDS[:at], NEW, *fields.FIELDS[at:])

from giamngheo.warehouse import store

shipped = store.migrations
store.migrations = lambda: [
    *shipped(),
    (999, "disability", "alter table households add column disability boolean;"),
]
"""
# A village's 2024 list, two of its households marked.
WRITE = """
import sys
from pathlib import Path

from giamngheo.transforms.synthetic import sample_lists
from giamngheo.warehouse.registry import read_registry, sample_registry_path
from giamngheo.workbooks.template import write_village_workbook

registry = read_registry(sample_registry_path())
keep = registry["code"].str.startswith("19834") | (registry["level"] != "village")
village = next(
    v
    for v in sample_lists(registry[keep], years=(2024,), seed=5)
    if v.metadata["village_code"] == "19834-03"
)
households = village.households.copy()
households.loc[:1, "disability"] = True
write_village_workbook(Path(sys.argv[1]), village.metadata, households)
"""
COMMAND = "import sys; from giamngheo.cli import main; sys.argv[0] = 'giamngheo'; main()"


def with_the_field(code: str, *args: str, home: Path) -> subprocess.CompletedProcess:
    from prefect.settings import PREFECT_API_URL

    site = home.parent / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(WITH_A_NEW_FIELD, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "GIAMNGHEO_HOME": str(home),
        "GIAMNGHEO_SETTLE_SECONDS": "0",
        "PREFECT_API_URL": PREFECT_API_URL.value(),
    }
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_a_new_household_field_is_one_declaration_from_the_template_to_the_snapshot(tmp_path):
    assert "disability" not in {f.name for f in FIELDS}  # this process knows nothing of it
    home = tmp_path / "home"
    with_the_field(COMMAND, "registry", "load", str(sample_registry_path()), home=home)
    sent = home / "inbox" / "19834-03_2024.xlsx"
    with_the_field(WRITE, str(sent), home=home)
    headers = [c.value for c in load_workbook(sent)["Danh sách hộ"][1]]
    assert "Hộ có người khuyết tật" in headers  # the template carries it, after the marks
    assert headers.index("Hộ có người khuyết tật") == headers.index("Phân loại") - 1

    summary = json.loads(with_the_field(COMMAND, "ingest", "--json", home=home).stdout)
    assert (summary["loaded"], summary["rejected"]) == (1, 0)

    with duckdb.connect(str(home / "warehouse" / "giamngheo.duckdb"), read_only=True) as con:
        stored = con.execute("select disability, count(*) from households group by all").fetchall()
    assert dict(stored) == {True: 2, False: summary["households_loaded"] - 2}
    with duckdb.connect(str(home / "published" / "current.duckdb"), read_only=True) as con:
        published = con.execute("select count(*) from households where disability").fetchone()
    assert published == (2,)  # a public field reaches the analysts

    # next year's template carries the households forward with their marks
    out = tmp_path / "mau"
    with_the_field(
        COMMAND, "template", "--commune", "19834", "--year", "2025", "--out", str(out), home=home
    )
    ws = load_workbook(out / "19834-03_2025.xlsx")["Danh sách hộ"]
    column = [c.value for c in ws[1]].index("Hộ có người khuyết tật") + 1
    marks = [ws.cell(r, column).value for r in range(2, ws.max_row + 1)]
    assert sum(1 for m in marks if m) == 2
