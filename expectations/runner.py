"""Run Great Expectations suites stored as JSON over a whole batch, and return Findings.

Each suite runs once per batch on the combined frame (never once per file), with
`result_format` COMPLETE and the lineage columns as the unexpected index, so every failing
row comes back with its submission (and Excel row). One ephemeral GX context serves a batch;
its Data Docs site can be built into a folder. Great Expectations is imported lazily: the
import alone costs seconds, and a run with nothing to validate should not pay it.
"""

from __future__ import annotations

import json
import logging
import os
from importlib import resources
from pathlib import Path

import pandas as pd

from giamngheo.transforms.issues import Finding

DOCS_SITE = "giamngheo"


def load_suite(name: str) -> dict:
    """The suite `name` as the JSON dict stored in expectations/suites/<name>.json."""
    path = resources.files("giamngheo.expectations").joinpath("suites", f"{name}.json")
    return json.loads(path.read_text(encoding="utf-8"))


def suite_columns(suite: dict) -> list[str]:
    """Columns a suite looks at, so callers can pass only those."""
    cols: list[str] = []
    for exp in suite["expectations"]:
        kwargs = exp["kwargs"]
        names = [kwargs.get("column"), kwargs.get("column_A"), kwargs.get("column_B")]
        for col in [*names, *kwargs.get("column_list", [])]:
            if col and col not in cols:
                cols.append(col)
    return cols


class SuiteRunner:
    """One GX context for one batch: run suites, count the runs, build the Data Docs."""

    def __init__(self, docs_dir: Path | None = None):
        self.docs_dir = docs_dir
        self.runs = 0
        self._context = None

    def run(self, name: str, frame: pd.DataFrame, index_columns: list[str]) -> list[Finding]:
        """Validate `frame` against suite `name`; one Finding per unexpected row."""
        if frame.empty:
            return []
        suite_json = load_suite(name)
        columns = list(dict.fromkeys(index_columns + suite_columns(suite_json)))
        data = _plain_dtypes(frame[columns], index_columns)
        result = self._validate(name, suite_json, data, index_columns)
        self.runs += 1
        return list(_findings(result, index_columns))

    def build_docs(self) -> Path | None:
        """Write the Data Docs of every run so far into `docs_dir`; returns its index page."""
        if self._context is None or self.docs_dir is None:
            return None
        self._context.build_data_docs(site_names=[DOCS_SITE])
        index = self.docs_dir / "index.html"
        return index if index.exists() else None

    @property
    def context(self):
        if self._context is None:
            self._context = _new_context(self.docs_dir)
        return self._context

    def _validate(self, name: str, suite_json: dict, data: pd.DataFrame, index_columns: list[str]):
        import great_expectations as gx

        context = self.context
        suite = context.suites.add(gx.ExpectationSuite(**suite_json))
        asset = context.data_sources.add_pandas(f"{name}_batch").add_dataframe_asset(name)
        batch = asset.add_batch_definition_whole_dataframe("whole_batch")
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch, suite=suite)
        )
        return definition.run(
            batch_parameters={"dataframe": data},
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": index_columns,
            },
        )


def _new_context(docs_dir: Path | None):
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # GX pins this module's logger at INFO ("Created temporary directory …" on every context).
    for logger in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(logger).setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    if docs_dir is not None:
        docs_dir.mkdir(parents=True, exist_ok=True)
        context.add_data_docs_site(
            site_name=DOCS_SITE,
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    return context


def _findings(result, index_columns: list[str]):
    for res in result.results:
        if res.success:
            continue
        config = res.expectation_config
        meta = config.meta or {}
        field = meta.get("field") or config.kwargs.get("column")
        for hit in res.result.get("unexpected_index_list") or []:
            row = hit.get("source_row") if "source_row" in index_columns else None
            yield Finding(
                code=meta["code"],
                submission_id=str(hit["submission_id"]),
                field=field,
                row=None if row is None else int(row),
                value=_shown(hit.get(field)),
            )


def run_suite(
    name: str, frame: pd.DataFrame, index_columns: list[str] | None = None
) -> list[Finding]:
    """Validate one frame against one suite in a context of its own (see `SuiteRunner`)."""
    return SuiteRunner().run(name, frame, index_columns or ["submission_id", "source_row"])


def _plain_dtypes(frame: pd.DataFrame, index_columns: list[str]) -> pd.DataFrame:
    """Nullable pandas dtypes as plain numpy/object ones, which GX's pandas engine expects."""
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            out[col] = s.astype("float64")
        else:
            out[col] = s.astype(object).where(s.notna(), None)
    if "source_row" in index_columns:
        out["source_row"] = frame["source_row"].astype("int64")
    return out


def _shown(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "item"):
        return value.item()
    return value
