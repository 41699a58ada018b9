"""Run a Great Expectations suite stored as JSON over a whole batch, and return Findings.

The suite runs once per batch on the combined frame (never once per file), with
`result_format` COMPLETE and the lineage columns as the unexpected index, so every failing
row comes back with its submission and Excel row. Great Expectations is imported lazily: the
import alone costs seconds, and a run with nothing to validate should not pay it.
"""

from __future__ import annotations

import json
import logging
import os
from importlib import resources

import pandas as pd

from giamngheo.transforms.issues import ERROR, WARNING, Finding

INDEX_COLUMNS = ["submission_id", "source_row"]
_SEVERITY = {"critical": ERROR, "warning": WARNING, "info": WARNING}


def load_suite(name: str) -> dict:
    """The suite `name` as the JSON dict stored in expectations/suites/<name>.json."""
    path = resources.files("giamngheo.expectations").joinpath("suites", f"{name}.json")
    return json.loads(path.read_text(encoding="utf-8"))


def suite_columns(suite: dict) -> list[str]:
    """Columns a suite looks at, so callers can pass only those."""
    cols: list[str] = []
    for exp in suite["expectations"]:
        kwargs = exp["kwargs"]
        for col in [kwargs.get("column"), *kwargs.get("column_list", [])]:
            if col and col not in cols:
                cols.append(col)
    return cols


def run_suite(name: str, frame: pd.DataFrame) -> list[Finding]:
    """Validate `frame` (with `INDEX_COLUMNS`) against suite `name`; one Finding per bad row."""
    if frame.empty:
        return []
    suite_json = load_suite(name)
    columns = list(dict.fromkeys(INDEX_COLUMNS + suite_columns(suite_json)))
    data = _plain_dtypes(frame[columns])
    result = _validate(name, suite_json, data)
    findings: list[Finding] = []
    for res in result.results:
        if res.success:
            continue
        config = res.expectation_config
        meta = config.meta or {}
        severity = _SEVERITY.get(str(getattr(config.severity, "value", config.severity)), ERROR)
        field = meta.get("field") or config.kwargs.get("column")
        for hit in res.result.get("unexpected_index_list") or []:
            findings.append(
                Finding(
                    code=meta["code"],
                    submission_id=str(hit["submission_id"]),
                    field=field,
                    row=int(hit["source_row"]),
                    value=_shown(hit.get(field)),
                    severity=severity,
                )
            )
    return findings


def _validate(name: str, suite_json: dict, data: pd.DataFrame):
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # GX pins this module's logger at INFO ("Created temporary directory …" on every context).
    for name in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(name).setLevel(logging.WARNING)

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    suite = context.suites.add(gx.ExpectationSuite(**suite_json))
    asset = context.data_sources.add_pandas(f"{name}_batch").add_dataframe_asset(name)
    batch = asset.add_batch_definition_whole_dataframe("whole_batch")
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{name}_validation", data=batch, suite=suite)
    )
    return definition.run(
        batch_parameters={"dataframe": data},
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": INDEX_COLUMNS},
    )


def _plain_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable pandas dtypes as plain numpy/object ones, which GX's pandas engine expects."""
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            out[col] = s.astype("float64") if s.isna().any() else s.to_numpy(dtype="float64")
        else:
            out[col] = s.astype(object).where(s.notna(), None)
    if "source_row" in out:
        out["source_row"] = frame["source_row"].astype("int64")
    return out


def _shown(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "item"):
        return value.item()
    return value
