"""The benchmark compares like with like: on a small generated inbox, the naive baseline and
`giamngheo ingest` load the same households and the same commune totals."""

import duckdb
import pandas as pd
import pytest

from benchmarks.baseline import run as run_baseline
from benchmarks.generate import inbox, registry_csv
from giamngheo.flows.admin import load_registry
from giamngheo.flows.nightly import run_nightly
from giamngheo.flows.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]


def test_baseline_and_ingest_load_the_same_households_and_commune_totals(tmp_path):
    source = inbox(24, seed=3, cache=tmp_path / "cache")  # 3 communes, one in five files messy
    files, households = run_baseline(source, str(tmp_path / "base.duckdb"))
    settings = Settings.load(tmp_path / "home", inbox=source, settle_seconds=0, max_workers=2)
    load_registry(settings, pd.read_csv(registry_csv(24, tmp_path / "cache"), dtype=str))
    summary = run_nightly(settings)
    assert (summary.loaded, summary.rejected) == (files, 0) == (24, 0)
    assert summary.households_loaded == households > 24 * 100  # about 150 listed per village
    with duckdb.connect(str(tmp_path / "base.duckdb"), read_only=True) as con:
        naive = con.execute(
            "select split_part(village_code, '-', 1) as commune, count(*) as households,"
            " count(*) filter (where claimed_class = 'Nghèo') as poor"
            " from households group by all order by commune"
        ).fetchall()
    with duckdb.connect(str(settings.published_path), read_only=True) as con:
        ours = con.execute(
            "select split_part(village_code, '-', 1) as commune, count(*) as households,"
            " count(*) filter (where poverty_class = 'poor') as poor"
            " from households_current group by all order by commune"
        ).fetchall()
    assert len(naive) == 3 and [tuple(map(str, r)) for r in naive] == [
        tuple(map(str, r)) for r in ours
    ]
