"""Validation of a whole batch: assemble its tables, run every rule once, decide each status.

Every rule runs once over the batch's combined frames: the domain checks (`transforms`) and
the Great Expectations suites (`expectations`). Findings are located to their file, sheet and
Excel cell; any error rejects its submission, warnings load it flagged.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from giamngheo.expectations.runner import SuiteRunner
from giamngheo.flows.steps import Candidate, files_frame
from giamngheo.transforms import batch
from giamngheo.transforms.batch import Reference, Validated
from giamngheo.transforms.checks import run_checks
from giamngheo.transforms.issues import Finding
from giamngheo.transforms.submission import Submission

LINEAGE = ["submission_id", "source_row"]

__all__ = ["Reference", "Validated", "validate"]


def validate(
    candidates: list[Candidate],
    submissions: list[Submission],
    reference: Reference,
    docs_dir: Path | None = None,
    households: pd.DataFrame | None = None,
    max_issues: int = 500,
) -> Validated:
    """Run every rule over the whole batch at once and decide each submission's status.

    `candidates` are the files read; `households` holds the rows of all the submissions when
    they were read as one frame. Each file keeps at most `max_issues` issues (the counts
    cover them all).
    """
    assembled = batch.assemble(submissions, reference.registry, households)
    runner = SuiteRunner(docs_dir)
    findings = [
        *assembled.findings,
        *run_checks(assembled.check_input(reference)),
        *_without_codes_shown(runner, assembled.households),
        *runner.run("village_reports", assembled.reports, ["submission_id"]),
        *runner.run("plan_rows", assembled.plans, LINEAGE),
    ]
    docs = runner.build_docs()
    decided = batch.decide(assembled, files_frame(candidates, submissions), findings, reference)
    rows = batch.accepted_rows(assembled, decided.table)
    return Validated(
        submissions=decided.table,
        village_reports=rows["village_reports"],
        households=rows["households"],
        issues=batch.capped(decided.issues, max_issues),
        plan_rows=rows["plan_rows"],
        gx_runs=runner.runs,
        data_docs=docs,
        reevaluated=batch.capped(decided.reevaluated, max_issues),
        reevaluated_plans=decided.reevaluated_plans,
    )


def _without_codes_shown(runner: SuiteRunner, households: pd.DataFrame) -> list[Finding]:
    """The household suite, run on the households with each code replaced by its number among
    the batch's codes: Data Docs list unexpected values, and a household code is personal
    data. Uniqueness is the same on the numbers; the findings get the codes back."""
    numbers, codes = pd.factorize(households["household_code"])
    shown = pd.Series(numbers, index=households.index).astype("string").mask(numbers < 0)
    found = runner.run("households", households.assign(household_code=shown), LINEAGE)

    def code(number: object) -> object:
        try:
            return codes[int(number)]
        except (TypeError, ValueError, IndexError):  # no code (None, NaN): nothing to give back
            return number

    return [replace(f, value=code(f.value)) if f.field == "household_code" else f for f in found]
