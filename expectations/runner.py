"""Run Great Expectations suites stored as JSON over a whole batch, and return Findings.

Each suite runs once per batch on the combined frame (never once per file), with
`result_format` COMPLETE and the lineage columns as the unexpected index, so every failing
row comes back with its submission (and Excel row). One ephemeral GX context serves a batch.
Its validation results are written as one self-contained HTML page (`write_docs`): no
stylesheet or script from the internet (these machines are offline), a few kilobytes per run,
no value that may name a person. A finding's severity is its rule's (`transforms/rules.py`).
Great Expectations is imported lazily: the import alone costs seconds, and a run with nothing
to validate should not pay it.
"""

from __future__ import annotations

import html
import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from giamngheo.transforms.issues import Finding
from giamngheo.transforms.privacy import has_number
from giamngheo.transforms.rules import RULES


def load_suite(name: str) -> dict:
    """The suite `name` as the JSON dict stored in expectations/suites/<name>.json."""
    path = resources.files("giamngheo.expectations").joinpath("suites", f"{name}.json")
    return json.loads(path.read_text(encoding="utf-8"))


def parameter_name(code: str, param: str) -> str:
    """The $PARAMETER a suite names a rule's threshold by ("HH-MEMBERS", "max" →
    "HH_MEMBERS__max")."""
    return f"{code.replace('-', '_')}__{param}"


def suite_parameters() -> dict[str, float]:
    """Every rule's thresholds (`transforms/rules.py`), as the suites' $PARAMETER values: a
    threshold is written once, where its rule and message are."""
    return {
        parameter_name(rule.code, param): value
        for rule in RULES.values()
        for param, value in rule.params.items()
    }


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


@dataclass
class Outcome:
    """One expectation's result over a batch, as the validation page shows it."""

    suite: str
    expectation: str
    columns: str
    code: str
    rows: int
    unexpected: int
    examples: list[str] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return self.unexpected == 0


class SuiteRunner:
    """The suites of a run: one GX context per batch; counts the runs and writes the run's
    validation page."""

    def __init__(self, docs_dir: Path | None = None):
        self.docs_dir = docs_dir
        self.runs = 0
        self.outcomes: list[Outcome] = []
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
        self.outcomes += _outcomes(name, result, len(data))
        return list(_findings(result, index_columns))

    def next_batch(self) -> None:
        """A new GX context for the run's next batch (its suites and assets take the same
        names); the runs and the outcomes so far stay for the page."""
        self._context = None

    def build_docs(self) -> Path | None:
        """Write the validation page of every run so far into `docs_dir`; returns it."""
        if self.docs_dir is None or not self.runs:
            return None
        return write_docs(self.outcomes, self.docs_dir / "index.html")

    @property
    def context(self):
        if self._context is None:
            self._context = _new_context()
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
            expectation_parameters=suite_parameters(),
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": index_columns,
            },
        )


def _new_context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # GX pins this module's logger at INFO ("Created temporary directory …" on every context).
    for logger in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(logger).setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def _outcomes(suite: str, result, rows: int) -> list[Outcome]:
    out = []
    for res in result.results:
        config = res.expectation_config
        kwargs = config.kwargs
        columns = [kwargs.get("column"), kwargs.get("column_A"), kwargs.get("column_B")]
        columns = [c for c in [*columns, *kwargs.get("column_list", [])] if c]
        unexpected = int(res.result.get("unexpected_count") or 0) if not res.success else 0
        examples = [
            str(_shown(v))
            for v in (res.result.get("partial_unexpected_list") or [])[:10]
            if not isinstance(v, str) or not has_number(v) and not any(ch.isalpha() for ch in v)
        ]
        out.append(
            Outcome(
                suite=suite,
                expectation=config.type,
                columns=", ".join(columns),
                code=(config.meta or {}).get("code", ""),
                rows=rows,
                unexpected=unexpected,
                examples=examples,
            )
        )
    return out


_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<title>Kết quả kiểm tra dữ liệu (validation results)</title>
<style>
body {{ font-family: "Times New Roman", serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #999; padding: 4px 8px; text-align: left; vertical-align: top; }}
th {{ background: #dde7f3; }}
.ok {{ color: #1b6e1b; }} .failed {{ color: #b00020; font-weight: bold; }}
td.n {{ text-align: right; }}
</style></head><body>
<h1>Kết quả kiểm tra dữ liệu</h1>
<p>Validation results of one run: {suites} suite(s), {failed} expectation(s) not met.
Each row is one expectation over the whole batch; the issues of each file, at their cells, are
in its quarantine folder and in <code>giamngheo issues</code>.</p>
<table><tr><th>Bộ kiểm tra (suite)</th><th>Mã lỗi (rule)</th><th>Kiểm tra (expectation)</th>
<th>Cột (columns)</th><th>Số dòng (rows)</th><th>Không đạt (unexpected)</th>
<th>Kết quả</th><th>Ví dụ (examples)</th></tr>
{rows}
</table></body></html>
"""


def write_docs(outcomes: list[Outcome], path: Path) -> Path:
    """The validation results as one self-contained HTML page."""
    rows = "\n".join(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=n>{:,}</td>"
        "<td class=n>{:,}</td><td class={}>{}</td><td>{}</td></tr>".format(
            html.escape(o.suite),
            html.escape(o.code),
            html.escape(o.expectation),
            html.escape(o.columns),
            o.rows,
            o.unexpected,
            "ok" if o.success else "failed",
            "Đạt" if o.success else "Không đạt",
            html.escape(", ".join(o.examples)),
        )
        for o in outcomes
    )
    page = _PAGE.format(
        suites=len({o.suite for o in outcomes}),
        failed=sum(not o.success for o in outcomes),
        rows=rows,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


def prune_docs(root: Path, keep: int) -> None:
    """Keep the validation pages of the `keep` latest runs under `root` (one folder per run,
    named so that their names sort by time)."""
    if not root.exists():
        return
    runs = sorted(p for p in root.iterdir() if p.is_dir())
    for old in runs[: max(len(runs) - keep, 0)]:
        shutil.rmtree(old, ignore_errors=True)


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
