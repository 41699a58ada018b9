"""A rejected submission's quarantine folder: ``<quarantine>/<submission_id>/`` holds the file
as received, issues.csv, and phan_hoi.xlsx (the village's own workbook with every wrong cell
marked, or the list of issues alone), the files to send back to the village."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from giamngheo import testpoints
from giamngheo.transforms.batch import REJECTED
from giamngheo.transforms.issues import ISSUE_COLUMNS, Issue
from giamngheo.workbooks.feedback import write_feedback, write_issues_csv
from giamngheo.workbooks.inbox import copy_regular, fingerprint
from giamngheo.workbooks.isolation import IsolatedReader
from giamngheo.workbooks.limits import DEFAULT_LIMITS, ReaderLimits

# A file refused with one of these is never opened again (for its feedback workbook either):
# it is not a regular file, too large, unreadable, or made the reader overrun or die.
REFUSALS = frozenset(
    {
        "FILE-NOT-REGULAR",
        "FILE-EMPTY",
        "FILE-UNREADABLE",
        "FILE-PASSWORD",
        "FILE-TOO-LARGE",
        "FILE-TIMEOUT",
        "FILE-NOT-SPREADSHEET",
    }
)


@dataclass(frozen=True)
class Quarantined:
    """What a quarantine folder is made of: the submission's status and issues, its file in
    the inbox to copy (None when it is not a regular file, or is gone or changed since), and
    whether the feedback may open it again (not after a refusal: too large, unreadable,
    timed out)."""

    submission_id: str
    status: str
    original: Path | None
    issues: tuple[Issue, ...]
    reopen: bool = True

    @classmethod
    def of(cls, submission_id: str, status: str, path: Path | None, issues) -> Quarantined:
        codes = {i.code for i in issues}
        return cls(
            submission_id,
            status,
            None if "FILE-NOT-REGULAR" in codes else path,
            tuple(issues),
            reopen=not codes & REFUSALS,
        )


def quarantine_items(facts: pd.DataFrame, inbox: Path) -> list[Quarantined]:
    """Quarantine items from the warehouse's facts (`queries/quarantine_facts.sql`): one row
    per issue of a rejected submission (one row without an issue for any other), with the
    submission's status, file path and sha256. Only a rejected submission's file is opened
    again (to check it is unchanged); the others are only folders to remove."""
    rejected = facts["status"] == REJECTED
    others = facts.loc[~rejected, ["submission_id", "status"]].drop_duplicates("submission_id")
    items = [
        Quarantined(sid, status, None, ())
        for sid, status in zip(others["submission_id"], others["status"], strict=True)
    ]
    for sid, rows in facts[rejected].groupby("submission_id", sort=True):
        first = rows.iloc[0]
        issues = tuple(
            Issue(**{c: _text(r[c if c != "column" else "column_name"]) for c in ISSUE_COLUMNS})
            for _, r in rows.iterrows()
            if pd.notna(r["code"])
        )
        path = _unchanged(inbox / first["file_path"], first["sha256"])
        items.append(Quarantined.of(sid, first["status"], path, issues))
    return sorted(items, key=lambda item: item.submission_id)


def _text(value: object) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _unchanged(path: Path, sha256: str) -> Path | None:
    """The file if it is still the one that was processed (a regular file, same bytes)."""
    try:
        return path if fingerprint(path) == sha256 else None
    except OSError:
        return None


def quarantine(
    items: list[Quarantined],
    root: Path,
    limits: ReaderLimits = DEFAULT_LIMITS,
    timeout: float = 0,
) -> dict[str, Path]:
    """Make ``<root>/<submission_id>/`` hold, for every rejected submission, the original file,
    issues.csv and the feedback workbook; remove the folder of one that is no longer rejected.

    The feedback workbook opens the file again: that happens in a child process under the
    reading time limit (`timeout`, 0 in this process), and a file that overruns or kills it
    gets a feedback with the list of issues only. Paths come from submission ids (hex digits)
    only, never from file or sheet names.
    """
    folders: dict[str, Path] = {}
    jobs: list[tuple[Quarantined, Path]] = []
    for item in items:
        folder = root / item.submission_id
        if item.status != REJECTED:
            shutil.rmtree(folder, ignore_errors=True)
            continue
        folder.mkdir(parents=True, exist_ok=True)
        if item.original is not None:
            suffix = re.sub(r"[^A-Za-z0-9.]", "", item.original.suffix)[:8]
            copy_regular(item.original, folder / f"original{suffix}")
        write_issues_csv(item.issues, folder / "issues.csv")
        if item.original is None or not item.reopen:
            write_feedback(None, item.issues, folder / "phan_hoi.xlsx", limits)
        else:
            jobs.append((item, folder / "phan_hoi.xlsx"))
        folders[item.submission_id] = folder
        testpoints.reached("quarantine")

    def list_only(i: int, *_: object) -> Path:
        item, out = jobs[i]
        return write_feedback(None, item.issues, out, limits)

    calls = [(write_feedback, (item.original, item.issues, out, limits)) for item, out in jobs]
    if timeout and calls:
        with IsolatedReader(timeout) as child:
            child.call_all(calls, list_only)
    else:
        for function, arguments in calls:
            function(*arguments)
    return folders
