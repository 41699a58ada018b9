"""What a run did: the summary the CLI prints, machines read (--json) and Prefect shows."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from giamngheo.transforms.batch import LOADED, REJECTED, SUPERSEDED, Validated
from giamngheo.transforms.issues import shareable


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
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    rejected_files: list[dict] = field(default_factory=list)
    communes: list[dict] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    published: bool = False
    warehouse: str = ""
    data_docs: str = ""

    @property
    def exit_code(self) -> int:
        return 3 if self.rejected else 0

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
    return "\n".join(lines)


def count_results(summary: RunSummary, validated: Validated, folders: dict[str, str]) -> None:
    """Fill the summary's counts and rejected files from a validated batch."""
    table = validated.submissions
    summary.loaded = int((table["status"] == LOADED).sum())
    summary.rejected = int((table["status"] == REJECTED).sum())
    summary.superseded = int((table["status"] == SUPERSEDED).sum())
    summary.households_loaded = int(
        validated.households["submission_id"]
        .isin(table.loc[table["status"] == LOADED, "submission_id"])
        .sum()
    )
    first_error = {}
    for issue in validated.issues:
        if issue.severity == "error":
            first_error.setdefault(issue.submission_id, issue)
    for row in table[table["status"] == REJECTED].itertuples(index=False):
        issue = first_error.get(row.submission_id)
        issue = shareable(issue) if issue else None  # logs and artifacts quote no one
        summary.rejected_files.append(
            {
                "submission_id": row.submission_id,
                "file": row.file_path,
                "errors": int(row.error_count),
                "first_issue": issue.message_vi if issue else "",
                "quarantine": folders.get(row.submission_id, ""),
            }
        )
