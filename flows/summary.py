"""What a run did: the summary the CLI prints, machines read (--json) and Prefect shows."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a command handed to the service reads a RunSummary, and needs none of these
    import pandas as pd

    from giamngheo.transforms.batch import Validated
    from giamngheo.transforms.issues import Issue
    from giamngheo.warehouse.store import Loaded


@dataclass
class RunSummary:
    """What one run did, for the CLI, the logs and machines (`--json`)."""

    run_id: str
    seen: int = 0
    loaded: int = 0
    rejected: int = 0
    superseded: int = 0
    skipped: int = 0
    still_writing: int = 0
    households_loaded: int = 0
    reclassified: int = 0  # households of lists processed again now of another class
    batches: int = 0  # the files were read, checked and staged in this many batches
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    rejected_files: list[dict] = field(default_factory=list)
    kept_files: list[dict] = field(default_factory=list)  # failed again: loaded version kept
    communes: list[dict] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    # reports that could not be written: {year, unit, error}; they stay owed to the next run
    report_failures: list[dict] = field(default_factory=list)
    published: bool = False
    warehouse: str = ""
    data_docs: str = ""

    @property
    def exit_code(self) -> int:
        """1 when a report could not be written (everything else was done), 3 when some
        submissions were rejected, else 0."""
        if self.report_failures:
            return 1
        return 3 if self.rejected or self.kept_files else 0

    def to_dict(self) -> dict:
        return asdict(self)


def publish_artifacts(summary: RunSummary) -> None:
    """A markdown summary and a table of rejected submissions, in the Prefect UI."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    create_markdown_artifact(
        key="nightly-summary", markdown=summary_markdown(summary), description="Tóm tắt lần nạp"
    )
    if summary.rejected_files:
        create_table_artifact(
            key="rejected-submissions",
            table=[
                {
                    "file": r["file"],
                    "submission_id": r["submission_id"],
                    "errors": r["errors"],
                    "first_issue": r["first_issue"],
                }
                for r in summary.rejected_files
            ],
            description="Hồ sơ bị từ chối (rejected submissions)",
        )


def summary_markdown(summary: RunSummary) -> str:
    lines = [
        f"# Nightly consolidation {summary.run_id}",
        "",
        "| files | seen | loaded | rejected | superseded | already loaded | still being written |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| | {summary.seen} | {summary.loaded} | {summary.rejected} | {summary.superseded} "
        f"| {summary.skipped} | {summary.still_writing} |",
        "",
        f"Households loaded: {summary.households_loaded}",
    ]
    if summary.reclassified:
        lines += ["", f"Households whose class changed (standard changed): {summary.reclassified}"]
    if summary.communes:
        lines += [
            "",
            "| commune | year | villages | households | poor | poor % | near-poor | near-poor % |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for c in summary.communes:
            lines.append(
                f"| {c['commune_code']} {c['commune_name']} | {c['year']} | {c['village_count']} "
                f"| {c['total_households']} | {c['poor_households']} | {c['poor_rate_pct']} "
                f"| {c['near_poor_households']} | {c['near_poor_rate_pct']} |"
            )
    if summary.rejected_files:
        lines += [
            "",
            f"{len(summary.rejected_files)} rejected submission(s): see the table artifact.",
        ]
    for failure in summary.report_failures:
        lines += [
            "",
            f"Report of {failure['unit']} for {failure['year']} not written: {failure['error']}",
        ]
    return "\n".join(lines)


def count_results(
    summary: RunSummary, validated: Validated, loaded: Loaded, kept: list[dict]
) -> None:
    """Fill the summary's counts and rejected files from a batch and what the warehouse decided
    when loading it (supersessions count lists of earlier runs too)."""
    from giamngheo.transforms.batch import LOADED, REJECTED

    table = validated.submissions
    final = table["submission_id"].map(loaded.statuses)
    summary.loaded = int((final == LOADED).sum())
    summary.rejected = int((final == REJECTED).sum())
    summary.superseded = loaded.superseded
    summary.reclassified = loaded.reclassified
    summary.households_loaded = int(table.loc[final == LOADED, "household_count"].sum())
    summary.rejected_files = summary_lines(table[final == REJECTED], validated.issues)
    summary.kept_files = kept


def summary_lines(table: pd.DataFrame, issues: list[Issue]) -> list[dict]:
    """One line per submission of `table`: its file, error count and first error, as it may
    leave the warehouse (logs and artifacts quote no one)."""
    from giamngheo.transforms.privacy import shareable
    from giamngheo.transforms.rules import ERROR

    first_error: dict[str, Issue] = {}
    for issue in issues:
        if issue.severity == ERROR:
            first_error.setdefault(issue.submission_id, issue)
    lines = []
    for row in table.itertuples(index=False):
        issue = first_error.get(row.submission_id)
        issue = shareable(issue) if issue else None
        lines.append(
            {
                "submission_id": row.submission_id,
                "file": _file_and_village(row.file_path, getattr(row, "part", None)),
                "errors": int(row.error_count),
                "first_issue": issue.message_vi if issue else "",
                "quarantine": "",
            }
        )
    return lines


def _file_and_village(path: str, part: object) -> str:
    """The file, and the village when it is one of a commune-wide file's."""
    return f"{path} — {part}" if isinstance(part, str) else path
