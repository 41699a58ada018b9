"""The JSON API (`/api/…`), for scripts and tests: the same functions as the pages.

Sign in with `POST /api/login`; the answer sets the session cookie and gives the CSRF token
that every other POST sends as `X-CSRF-Token`. No session: 401; a role without the right:
403; an id out of the account's reach: 404, as an unknown one.
"""

from __future__ import annotations

import asyncio
import shutil
import uuid

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from giamngheo.errors import QueryError
from giamngheo.web import data, work
from giamngheo.web.access import QUERY, REPORTS, UPLOAD, Access
from giamngheo.web.accounts import Session, SignInRefused
from giamngheo.web.app import (
    MAX_FILES,
    Forbidden,
    NotFound,
    client_address,
    needs,
    set_session_cookie,
    signed_in,
    state_of,
)
from giamngheo.web.jobs import DONE, Job
from giamngheo.web.uploads import Received, keep

router = APIRouter(prefix="/api")
VERDICT_WAIT = 60.0  # seconds an upload's request waits for its verdict before answering 202
SQL_ROWS = 10_000
FAILED_SIGN_IN_DELAY = 1.0
CSRF_REFUSED = (
    "Thiếu hoặc sai mã chống giả mạo (CSRF): hãy tải lại trang. "
    "(Missing or wrong CSRF token: send the X-CSRF-Token the sign-in gave.)"
)


@router.post("/login")
async def login(request: Request):
    body = await _json(request)
    session = await sign_in(request, str(body.get("username", "")), str(body.get("password", "")))
    if isinstance(session, SignInRefused):
        status = 429 if session.locked else 401
        return JSONResponse({"error": f"{session.message_vi} ({session.message_en})"}, status)
    response = JSONResponse(
        {
            "name": session.account.name,
            "role": session.account.role,
            "unit_code": session.account.unit_code,
            "csrf_token": session.csrf,
        }
    )
    set_session_cookie(request, response, session)
    return response


async def sign_in(request: Request, name: str, password: str) -> Session | SignInRefused:
    """A session, or why not (after a pause: failures are slowed), recorded in the audit."""
    accounts = state_of(request).accounts
    try:
        session = await run_in_threadpool(accounts.sign_in, name, password)
    except SignInRefused as refused:
        accounts.record(
            name[:64],
            "login",
            outcome="locked" if refused.locked else "refused",
            address=client_address(request),
        )
        await asyncio.sleep(FAILED_SIGN_IN_DELAY)
        return refused
    accounts.record(name, "login", address=client_address(request))
    return session


@router.post("/logout")
async def logout(request: Request):
    session, _ = _checked(request)
    state_of(request).accounts.sign_out(session.token)
    state_of(request).accounts.record(
        session.account.name, "logout", address=client_address(request)
    )
    return {"ok": True}


@router.get("/submissions")
async def list_submissions(request: Request, year: int | None = None):
    _, access = signed_in(request)
    needs(access, UPLOAD)
    with data.snapshot(state_of(request).settings) as wh:
        return data.submissions(wh, access, year)


@router.post("/submissions")
async def upload(request: Request, wait: float = VERDICT_WAIT):
    """Files (`files`, one or more), checked only with `dry_run=true`: one verdict per list;
    202 and the job to poll (`GET /api/jobs/{id}`) when it takes longer than `wait` seconds
    (another run writing, say)."""
    session, access = _checked(request)
    needs(access, UPLOAD)
    form = await request.form(max_files=MAX_FILES, max_fields=10)
    dry_run = str(form.get("dry_run", "")).lower() in ("1", "true", "on", "yes")
    job = await receive_upload(request, session, access, form.getlist("files"), dry_run)
    if not await run_in_threadpool(job.wait, min(max(wait, 0.0), VERDICT_WAIT)):
        return JSONResponse({"job": job.id, "state": job.state, "message_vi": job.state_vi}, 202)
    return job_answer(job)


async def receive_upload(
    request: Request, session: Session, access: Access, files, dry_run: bool
) -> Job:
    """Keep every file of an upload (whole or not at all) and queue its job."""
    state = state_of(request)
    job_id = uuid.uuid4().hex[:12]
    folder = state.settings.home / "uploads" / job_id
    limit = state.settings.max_file_mb * 1_000_000
    received: list[Received] = []
    for file in files:
        if not hasattr(file, "read"):  # a part without a file name arrives as text
            received.append(keep(folder, "", iter(()), limit))
            continue

        def chunks(f=file):
            while block := f.file.read(1 << 20):
                yield block

        received.append(await run_in_threadpool(keep, folder, file.filename or "", chunks(), limit))
    names = ", ".join(r.sent_name for r in received)[:500]
    state.accounts.record(
        session.account.name,
        "dry-run" if dry_run else "upload",
        names,
        address=client_address(request),
    )
    settings = state.settings

    def deliver(verdicts) -> None:  # the job is registered before its thread can run it
        state.jobs.get(job_id).deliver(verdicts)

    def run():
        try:
            return work.upload(settings, access, job_id, received, dry_run, deliver)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    return state.jobs.submit("dry-run" if dry_run else "upload", session.account.name, run, job_id)


def job_answer(job: Job):
    """A finished job's result, as JSON."""
    if job.state != DONE:
        return JSONResponse({"job": job.id, "state": job.state, "error": job.error}, 409)
    result = job.result
    if isinstance(result, list):
        return [v.to_dict() if hasattr(v, "to_dict") else v for v in result]
    return result


@router.get("/jobs/{job_id}")
async def job(request: Request, job_id: str):
    session, _ = signed_in(request)
    found = state_of(request).jobs.get(job_id)
    if found is None or found.owner != session.account.name:
        raise NotFound
    if not found.done.is_set():
        return JSONResponse(
            {"job": found.id, "state": found.state, "message_vi": found.state_vi}, 202
        )
    return job_answer(found)


@router.get("/submissions/{submission_id}")
async def submission(request: Request, submission_id: str):
    _, access = signed_in(request)
    needs(access, UPLOAD)
    detail = submission_detail(request, access, submission_id)
    return {
        **detail.row,
        "issues": detail.issues,
        "versions": detail.versions,
        "feedback": detail.feedback is not None,
    }


@router.get("/submissions/{submission_id}/feedback")
async def feedback(request: Request, submission_id: str):
    session, access = signed_in(request)
    needs(access, UPLOAD)
    path = feedback_file(request, access, submission_id)
    state_of(request).accounts.record(
        session.account.name,
        "download",
        f"phan_hoi {submission_id}",
        address=client_address(request),
    )
    return FileResponse(path, filename=f"phan_hoi_{submission_id}.xlsx")


def submission_detail(request: Request, access: Access, submission_id: str) -> data.Detail:
    """A submission in the account's reach; out of reach, as unknown: 404."""
    settings = state_of(request).settings
    with data.snapshot(settings) as wh:
        detail = data.submission(settings, wh, access, submission_id)
    if detail is None:
        raise NotFound
    return detail


def feedback_file(request: Request, access: Access, submission_id: str):
    feedback = submission_detail(request, access, submission_id).feedback
    if feedback is None:
        raise NotFound
    return feedback


@router.get("/completeness")
async def completeness(request: Request, year: int, unit: str | None = None):
    _, access = signed_in(request)
    settings = state_of(request).settings
    with data.snapshot(settings) as wh:
        found = data.completeness(wh, settings, access, year, unit)
    if found is None:
        raise NotFound
    return {
        "year": found.year,
        "unit": found.unit,
        "name": found.name,
        "rows": found.rows,
        "missing": found.missing,
    }


@router.post("/rerun")
async def rerun(request: Request, wait: float = VERDICT_WAIT):
    session, access = _checked(request)
    needs(access, UPLOAD)
    body = await _json(request)
    ids = body.get("ids")
    failed = bool(body.get("failed"))
    if not failed and not (isinstance(ids, list) and all(isinstance(i, str) for i in ids) and ids):
        return JSONResponse(
            {"error": "Cho {failed: true} hoặc {ids: [...]} (give failed or ids)."}, 400
        )
    job = submit_rerun(request, session, access, ids, failed)
    if not await run_in_threadpool(job.wait, min(max(wait, 0.0), VERDICT_WAIT)):
        return JSONResponse({"job": job.id, "state": job.state, "message_vi": job.state_vi}, 202)
    return job_answer(job)


def submit_rerun(request: Request, session: Session, access: Access, ids, failed: bool) -> Job:
    state = state_of(request)
    target = "failed" if failed else ",".join(ids or [])[:500]
    state.accounts.record(session.account.name, "rerun", target, address=client_address(request))
    settings = state.settings
    return state.jobs.submit(
        "rerun", session.account.name, lambda: work.rerun(settings, access, ids, failed)
    )


@router.get("/reports")
async def reports(request: Request, year: int | None = None):
    _, access = signed_in(request)
    needs(access, REPORTS)
    found = data.reports(state_of(request).settings, access)
    return [r for r in found if year is None or r["year"] == year]


@router.get("/reports/{name}")
async def report(request: Request, name: str):
    session, access = signed_in(request)
    needs(access, REPORTS)
    path = data.report_file(state_of(request).settings, access, name)
    if path is None:
        raise NotFound
    state_of(request).accounts.record(
        session.account.name, "download", name, address=client_address(request)
    )
    return FileResponse(path, filename=name)


@router.post("/sql")
async def sql(request: Request):
    session, access = _checked(request)
    needs(access, QUERY)
    body = await _json(request)
    query = str(body.get("query", ""))
    answer = await run_in_threadpool(run_query, request, query)
    state_of(request).accounts.record(
        session.account.name,
        "sql",
        query[:500],
        "ok" if "error" not in answer else "refused",
        client_address(request),
    )
    if "error" in answer:
        return JSONResponse(answer, 400)
    return answer


def run_query(request: Request, query: str) -> dict:
    """An analyst's query on the snapshot, in the sandbox of `giamngheo sql`: its first
    `SQL_ROWS` rows, or the error."""
    with data.snapshot(state_of(request).settings) as wh:
        if wh is None:
            return {"error": "Chưa có dữ liệu (nothing published yet)."}
        try:
            frame = wh.sql(query)
        except QueryError as exc:
            return {"error": str(exc)}
    truncated = len(frame) > SQL_ROWS
    return {
        "columns": [str(c) for c in frame.columns],
        "rows": data.records(frame.head(SQL_ROWS)),
        "truncated": truncated,
    }


def _checked(request: Request) -> tuple[Session, Access]:
    """A signed-in request that changes something: its CSRF header must be the session's."""
    session, access = signed_in(request)
    if request.headers.get("x-csrf-token") != session.csrf:
        raise Forbidden(CSRF_REFUSED)
    return session, access


async def _json(request: Request) -> dict:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
