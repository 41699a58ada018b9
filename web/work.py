"""The jobs the app runs on its writer thread (`jobs.py`): an upload (checked, or loaded by the
nightly flow), a rerun, a report, a village template. Each is what the command line does,
through the same functions; the only thing of the app's own is the reach of the account."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from giamngheo.errors import ConfigurationError
from giamngheo.flows.outputs import private_warehouse, write_reports_of, write_templates
from giamngheo.flows.reporting import Outcome
from giamngheo.flows.serve import run_handed_off
from giamngheo.flows.settings import Settings
from giamngheo.flows.steps import read_files
from giamngheo.flows.validation import Reference, validate
from giamngheo.transforms.assemble import assemble
from giamngheo.transforms.privacy import shareable
from giamngheo.transforms.rules import ERROR
from giamngheo.warehouse import standards as standard_store
from giamngheo.web import data
from giamngheo.web.access import Access
from giamngheo.web.uploads import Received, Verdict, into_inbox
from giamngheo.workbooks.inbox import discover

ISSUE_FIELDS = (
    "code",
    "severity",
    "submission_id",
    "file",
    "sheet",
    "cell",
    "column",
    "value",
    "message_vi",
    "message_en",
)


def upload(
    settings: Settings,
    access: Access,
    job_id: str,
    received: list[Received],
    dry_run: bool,
    deliver: Callable[[list[Verdict]], None] | None = None,
) -> list[Verdict]:
    """The verdict on every file of an upload: refused before reading (its name, kind or size),
    refused for a village outside the account's reach, checked (a dry run), or what the
    nightly flow made of it, given to `deliver` as soon as the snapshot holds it (the run
    then rewrites the reports its lists changed)."""
    verdicts = [
        Verdict(r.sent_name, message_vi=r.refusal_vi, message_en=r.refusal_en)
        for r in received
        if r.refused
    ]
    kept = [r for r in received if not r.refused]
    if not kept:
        return verdicts
    folder = kept[0].path.parent
    with private_warehouse(settings) as wh:
        registry = wh.admin_units()
        catalog = standard_store.catalog(wh)
    found = discover(folder, known=set(), settle_seconds=0)
    read = read_files(
        found.candidates, settings.reader_limits, settings.read_timeout, catalog=catalog
    )
    assembled = assemble(read, registry, None, catalog)
    village_of = dict(
        zip(assembled.reports["submission_id"], assembled.reports["village_code"], strict=True)
    )
    commune_of = dict(
        zip(
            assembled.plans.get("submission_id", []),
            assembled.plans.get("commune_code", []),
            strict=True,
        )
    )
    name_of = {c.submission_id: c.path.name for c in found.candidates}
    sent_of = {r.path.name: r.sent_name for r in kept}
    outside: dict[str, list[str]] = {}
    for sub in read:
        village = village_of.get(sub.submission_id)
        commune = commune_of.get(sub.submission_id)
        if (isinstance(village, str) and not access.sees_village(village)) or (
            isinstance(commune, str) and not access.sees_unit(commune)
        ):
            outside.setdefault(sub.source_id, []).append(village or commune)
    for source, units in outside.items():
        verdicts.append(
            Verdict(
                sent_of[name_of[source]],
                message_vi="Tệp có danh sách của đơn vị ngoài phạm vi tài khoản "
                f"({', '.join(sorted(set(units)))}): không nhận, không nạp gì.",
                message_en="The file holds lists of units outside the account's reach: "
                "refused, nothing loaded.",
            )
        )
    candidates = [c for c in found.candidates if c.submission_id not in outside]
    parts = [s for s in read if s.source_id not in outside]
    if not candidates:
        return verdicts
    if dry_run:
        return verdicts + _checked(candidates, parts, Reference(registry, catalog), sent_of)
    with data.snapshot(settings) as snap:
        before = (
            set()
            if snap is None
            else set(
                snap.fetch("submission_rows", year=None, ids=[s.submission_id for s in parts])[
                    "submission_id"
                ]
            )
        )
    into_inbox(settings, job_id, [c.path for c in candidates])
    ran: list[Verdict] = []

    def published() -> None:
        ran.extend(_run_verdicts(settings, parts, before, sent_of))
        if deliver is not None:
            deliver(verdicts + ran)

    run_handed_off(settings, {}, None, published)
    if not ran:  # nothing new to the warehouse (the same bytes sent before): no run published
        ran.extend(_run_verdicts(settings, parts, before, sent_of))
    return verdicts + ran


def _run_verdicts(settings: Settings, parts, before: set[str], sent_of) -> list[Verdict]:
    """What the run made of each list, from the snapshot it published."""
    out = []
    with data.snapshot(settings) as snap:
        for sub in parts:
            verdict = _verdict(settings, snap, sub.submission_id, sent_of[sub.file])
            if sub.submission_id in before:
                verdict.message_vi = (
                    "Tệp này đã được gửi trước đó (cùng nội dung), không xử lý lại; kết quả "
                    f"lần trước: {data.STATUS_VI.get(verdict.status, verdict.status).lower()}. "
                    + verdict.message_vi
                )
                verdict.message_en = (
                    "This file was sent before (the same bytes) and was not processed again; "
                    "its earlier verdict: " + verdict.message_en
                )
            out.append(verdict)
    return out


def _checked(candidates, parts, reference: Reference, sent_of: dict[str, str]) -> list[Verdict]:
    """A dry run's verdicts: the file validated as the flow validates it, nothing loaded."""
    validated = validate(candidates, parts, reference)
    issues: dict[str, list[dict]] = {}
    for issue in validated.issues:
        shown = asdict(shareable(issue))
        issues.setdefault(issue.submission_id, []).append({k: shown[k] for k in ISSUE_FIELDS})
    out = []
    for row in validated.submissions.to_dict("records"):
        own = issues.get(row["submission_id"], [])
        rejected = any(i["severity"] == ERROR for i in own)
        out.append(
            Verdict(
                sent_of.get(row["file_name"], row["file_name"]),
                row["submission_id"],
                _text(row.get("village_code")),
                _text(row.get("commune_code")),
                None if row.get("year") is None else int(row["year"]),
                "rejected" if rejected else "checked",
                "Kiểm tra thử: danh sách sẽ bị từ chối vì các lỗi dưới đây; chưa nạp gì."
                if rejected
                else "Kiểm tra thử: danh sách hợp lệ và sẽ được nạp; chưa nạp gì.",
                "Dry run: the list would be rejected; nothing was loaded."
                if rejected
                else "Dry run: the list is valid and would load; nothing was loaded.",
                own,
            )
        )
    return out


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _verdict(settings: Settings, snap, submission_id: str, sent: str) -> Verdict:
    """A list's verdict as the warehouse recorded it."""
    rows = (
        []
        if snap is None
        else data.records(snap.fetch("submission_rows", year=None, ids=[submission_id]))
    )
    if not rows:
        return Verdict(
            sent,
            submission_id,
            status="refused",
            message_vi="Tệp chưa được xử lý (đang có lần nạp khác?): xem lại sau ít phút.",
            message_en="The file was not processed yet: look again in a few minutes.",
        )
    row = rows[0]
    issues = data.records(snap.fetch("issues", submission_id=submission_id))
    words = {
        "loaded": ("Đã nạp vào kho dữ liệu.", "Loaded."),
        "rejected": (
            "Bị từ chối: sửa các lỗi dưới đây rồi gửi lại (tải tệp phản hồi đã đánh dấu).",
            "Rejected: fix the issues below and send it again (download the marked feedback).",
        ),
        "superseded": (
            "Bị thay thế bởi một danh sách gửi sau của cùng thôn và năm.",
            "Superseded by a later list of the same village and year.",
        ),
    }
    vi, en = words.get(row["status"], ("", ""))
    return Verdict(
        sent,
        submission_id,
        row["village_code"],
        row["commune_code"],
        row["year"],
        row["status"],
        vi,
        en,
        [{k: i.get(k) for k in ISSUE_FIELDS} for i in issues],
        data.feedback_of(settings, submission_id, row["status"]) is not None,
    )


def rerun(settings: Settings, access: Access, ids: list[str] | None, failed: bool) -> list[Verdict]:
    """Process again the rejected submissions asked for (or, with `failed`, every rejected one
    the account reaches), as `giamngheo rerun` does; their verdicts."""
    with data.snapshot(settings) as snap:
        visible = {r["submission_id"]: r for r in data.submissions(snap, access)}
    if failed:
        chosen = [sid for sid, r in visible.items() if r["status"] == "rejected"]
    else:
        unknown = [i for i in ids or [] if i not in visible]
        if unknown:
            raise ConfigurationError(
                f"Không có mã hồ sơ (unknown submission id): {', '.join(unknown)}."
            )
        chosen = list(ids or [])
    if not chosen:
        return []
    run_handed_off(settings, {"rerun_ids": chosen}, None)
    with data.snapshot(settings) as snap:
        return [_verdict(settings, snap, sid, visible[sid]["file_name"]) for sid in chosen]


def report(settings: Settings, year: int, unit: str) -> list[Outcome]:
    """`giamngheo report --year YEAR --unit UNIT`."""
    return write_reports_of(settings, year, unit)


def templates(settings: Settings, job_id: str, commune: str, year: int) -> Path:
    """The village templates of `commune` for `year`, in one zip file to download."""
    folder = settings.home / "web" / "downloads" / job_id
    written = write_templates(settings, commune, year, folder)
    archive = folder.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for t in written:
            out.write(t.path, t.path.name)
    shutil.rmtree(folder, ignore_errors=True)
    return archive
