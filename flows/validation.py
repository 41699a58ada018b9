"""Validation of a run: each batch's tables assembled and checked on its own, then the checks
that compare lists across the run, and each list's status.

A batch's rules run once over its combined frames: the domain checks (`transforms`) and the
Great Expectations suites (`expectations`). Findings are located to their file, sheet and
Excel cell; any error rejects its submission, warnings load it flagged. The run's later checks
(`transforms.batch.conclude`) only warn, so a list's status never depends on how the run was
cut into batches.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from giamngheo.expectations.runner import SuiteRunner
from giamngheo.transforms import batch
from giamngheo.transforms.assemble import assemble
from giamngheo.transforms.batch import Part, Reference, Validated
from giamngheo.transforms.checks import run_checks
from giamngheo.transforms.issues import Finding
from giamngheo.transforms.submission import Submission
from giamngheo.warehouse.store import CODE_COLUMNS, codes_elsewhere
from giamngheo.workbooks.inbox import Candidate, files_frame

LINEAGE = ["submission_id", "source_row"]

__all__ = ["Checked", "Reference", "Validated", "check_batch", "conclude", "validate"]


@dataclass
class Checked:
    """One batch, checked and decided on its own: its part of the run (statuses, issues and
    summaries), the rows of its accepted lists, and every list's household codes."""

    part: Part
    rows: dict[str, pd.DataFrame]  # village_reports, households, plan_rows
    codes: pd.DataFrame  # CODE_COLUMNS


def check_batch(
    candidates: list[Candidate],
    submissions: list[Submission],
    reference: Reference,
    runner: SuiteRunner,
    households: pd.DataFrame | None = None,
) -> Checked:
    """Every rule of a batch over its lists at once, and each list's status.

    `candidates` are the files read; `households` holds the rows of all the submissions when
    they were read as one frame. `runner` runs the suites (one per run: its page lists them
    all).
    """
    assembled = assemble(submissions, reference.registry, households, reference.catalog)
    findings = [
        *assembled.findings,
        *run_checks(assembled.check_input(reference)),
        *_without_codes_shown(runner, assembled.households),
        *runner.run("village_reports", assembled.reports, ["submission_id"]),
        *runner.run("plan_rows", assembled.plans, LINEAGE),
    ]
    runner.next_batch()
    part = batch.decide(assembled, files_frame(candidates, submissions), findings, reference)
    rows = batch.accepted_rows(assembled, part.table)
    return Checked(part, rows, assembled.households[CODE_COLUMNS])


def conclude(
    checked: list[Checked],
    reference: Reference,
    codes_elsewhere: pd.DataFrame,
    runner: SuiteRunner,
    max_issues: int = 500,
) -> Validated:
    """The run's checks across its batches, and what it loads (its households are left
    out: the caller staged them). Each file keeps at most `max_issues` issues (the counts
    cover them all)."""
    decided = batch.conclude([c.part for c in checked], reference, codes_elsewhere)

    def rows(name: str) -> pd.DataFrame:
        return batch.concat_parts([c.rows[name] for c in checked])

    return Validated(
        submissions=decided.table,
        village_reports=rows("village_reports"),
        households=pd.DataFrame(),
        issues=batch.capped(decided.issues, max_issues),
        plan_rows=rows("plan_rows"),
        gx_runs=runner.runs,
        data_docs=runner.build_docs(),
        reevaluated=batch.capped(decided.reevaluated, max_issues),
        reevaluated_plans=decided.reevaluated_plans,
    )


def validate(
    candidates: list[Candidate],
    submissions: list[Submission],
    reference: Reference,
    docs_dir: Path | None = None,
    households: pd.DataFrame | None = None,
    max_issues: int = 500,
    known_codes: pd.DataFrame | None = None,
) -> Validated:
    """A run of one batch, without a warehouse: `known_codes` are the current lists'
    household codes (village_code, year, household_code). The households to load are in
    `households`."""
    runner = SuiteRunner(docs_dir)
    checked = check_batch(candidates, submissions, reference, runner, households)
    shared = codes_elsewhere(checked.codes, known_codes)
    validated = conclude([checked], reference, shared, runner, max_issues)
    validated.households = checked.rows["households"]
    return validated


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
