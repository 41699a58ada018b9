"""The pages, in Vietnamese, server-rendered: sign-in, completeness, upload and verdicts,
submissions, reruns, reports (and Tổng hợp as a table with its chart), village templates, and
for analysts read-only SQL and the views. Every form carries the session's CSRF token."""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from giamngheo.web import api, data, work
from giamngheo.web.access import ADMIN, QUERY, REPORTS, UPLOAD
from giamngheo.web.accounts import ROLE_VI, SignInRefused
from giamngheo.web.app import (
    MAX_FILES,
    Forbidden,
    NotFound,
    client_address,
    needs,
    session_of,
    set_session_cookie,
    signed_in,
    state_of,
)

router = APIRouter()
LOGIN_COOKIE = "giamngheo_login"
PAGE_WAIT = 20.0  # seconds a form waits for its job before showing the waiting page


def render(request: Request, name: str, context: dict, status: int = 200):
    return state_of(request).pages.TemplateResponse(request, name, context, status_code=status)


async def _form(request: Request, session) -> dict:
    """A posted form, its CSRF token checked against the session's."""
    form = await request.form(max_files=MAX_FILES, max_fields=20)
    if form.get("csrf") != session.csrf:
        raise Forbidden(api.CSRF_REFUSED)
    return form


def _year(request: Request, wh) -> int:
    """The year a page shows: the one asked for, else the newest with lists, else next year's."""
    asked = request.query_params.get("year", "")
    if asked.isdigit():
        return int(asked)
    known = data.years(wh)
    return known[0] if known else dt.date.today().year + 1


# -- signing in -------------------------------------------------------------------------------


@router.get("/login")
async def login_page(request: Request, next: str = "/"):
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        {"session": None, "next": _local(next), "token": token, "error": None},
    )
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", max_age=3600)
    return response


@router.post("/login")
async def login(request: Request):
    form = await request.form(max_fields=10)
    token = request.cookies.get(LOGIN_COOKIE)
    target = _local(str(form.get("next", "/")))
    if not token or form.get("csrf") != token:
        raise Forbidden(api.CSRF_REFUSED)
    session = await api.sign_in(
        request, str(form.get("username", "")), str(form.get("password", ""))
    )
    if isinstance(session, SignInRefused):
        context = {"session": None, "next": target, "token": token, "error": session.message_vi}
        return render(request, "login.html", context, status=429 if session.locked else 401)
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, session)
    response.delete_cookie(LOGIN_COOKIE)
    return response


def _local(target: str) -> str:
    """Only a path of this app (never another site) after signing in."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.post("/logout")
async def logout(request: Request):
    session, _ = signed_in(request)
    await _form(request, session)
    state_of(request).accounts.sign_out(session.token)
    state_of(request).accounts.record(
        session.account.name, "logout", address=client_address(request)
    )
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie("giamngheo_session")
    return response


@router.get("/")
async def home(request: Request):
    session = session_of(request)
    if session is None:
        return RedirectResponse("/login", status_code=303)
    _, access = signed_in(request)
    return RedirectResponse("/completeness" if access.can(UPLOAD) else "/sql", status_code=303)


# -- completeness -----------------------------------------------------------------------------


@router.get("/completeness")
async def completeness(request: Request, unit: str | None = None):
    session, access = signed_in(request)
    settings = state_of(request).settings
    with data.snapshot(settings) as wh:
        year = _year(request, wh)
        found = data.completeness(wh, settings, access, year, unit or None)
        years = data.years(wh)
    if found is None:
        raise NotFound
    context = {"session": session, "access": access, "found": found, "year": year, "years": years}
    return render(request, "completeness.html", context)


# -- uploads and their verdicts ---------------------------------------------------------------


@router.get("/upload")
async def upload_page(request: Request):
    session, access = signed_in(request)
    needs(access, UPLOAD)
    settings = state_of(request).settings
    context = {
        "session": session,
        "access": access,
        "limit_mb": settings.max_file_mb,
        "max_files": MAX_FILES,
    }
    return render(request, "upload.html", context)


@router.post("/upload")
async def upload(request: Request):
    session, access = signed_in(request)
    needs(access, UPLOAD)
    form = await _form(request, session)
    dry_run = form.get("dry_run") == "1"
    job = await api.receive_upload(request, session, access, form.getlist("files"), dry_run)
    await run_in_threadpool(job.wait, PAGE_WAIT)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}")
async def job_page(request: Request, job_id: str):
    session, access = signed_in(request)
    job = state_of(request).jobs.get(job_id)
    if job is None or job.owner != session.account.name:
        raise NotFound
    return render(
        request,
        "job.html",
        {
            "session": session,
            "access": access,
            "job": job,
            "pending": state_of(request).jobs.pending(),
        },
    )


@router.get("/downloads/{job_id}")
async def download(request: Request, job_id: str):
    session, _ = signed_in(request)
    job = state_of(request).jobs.get(job_id)
    if (
        job is None
        or job.owner != session.account.name
        or job.kind != "templates"
        or not job.done.is_set()
        or job.result is None
    ):
        raise NotFound
    state_of(request).accounts.record(
        session.account.name, "download", job.result.name, address=client_address(request)
    )
    return FileResponse(job.result, filename=job.result.name)


# -- submissions ------------------------------------------------------------------------------


@router.get("/submissions")
async def submissions(request: Request):
    session, access = signed_in(request)
    needs(access, UPLOAD)
    status = request.query_params.get("status") or None
    if status not in (None, *data.STATUS_VI):
        status = None
    page = request.query_params.get("page", "1")
    with data.snapshot(state_of(request).settings) as wh:
        year = _year(request, wh)
        found = data.submission_page(wh, access, year, status, int(page) if page.isdigit() else 1)
        years = data.years(wh)
    context = {
        "session": session,
        "access": access,
        "found": found,
        "status": status,
        "year": year,
        "years": years,
    }
    return render(request, "submissions.html", context)


@router.get("/submissions/{submission_id}")
async def submission(request: Request, submission_id: str):
    session, access = signed_in(request)
    needs(access, UPLOAD)
    detail = api.submission_detail(request, access, submission_id)
    return render(
        request, "submission.html", {"session": session, "access": access, "detail": detail}
    )


@router.get("/submissions/{submission_id}/feedback")
async def feedback(request: Request, submission_id: str):
    return await api.feedback(request, submission_id)


@router.post("/rerun")
async def rerun(request: Request):
    session, access = signed_in(request)
    needs(access, UPLOAD)
    form = await _form(request, session)
    ids = [i for i in form.getlist("ids") if isinstance(i, str)]
    failed = form.get("failed") == "1"
    if not ids and not failed:
        return RedirectResponse("/submissions", status_code=303)
    job = api.submit_rerun(request, session, access, ids or None, failed)
    await run_in_threadpool(job.wait, PAGE_WAIT)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


# -- reports and templates --------------------------------------------------------------------


@router.get("/reports")
async def reports(request: Request):
    session, access = signed_in(request)
    needs(access, REPORTS)
    settings = state_of(request).settings
    with data.snapshot(settings) as wh:
        year = _year(request, wh)
        years = data.years(wh)
    files = data.reports(settings, access)
    context = {"session": session, "access": access, "files": files, "year": year, "years": years}
    return render(request, "reports.html", context)


@router.get("/reports/file/{name}")
async def report_file(request: Request, name: str):
    return await api.report(request, name)


@router.post("/reports")
async def write_report(request: Request):
    session, access = signed_in(request)
    needs(access, REPORTS)
    form = await _form(request, session)
    unit, year = str(form.get("unit", "")), str(form.get("year", ""))
    if not year.isdigit() or not access.sees_unit(unit):
        raise NotFound
    state = state_of(request)
    state.accounts.record(
        session.account.name, "report", f"{unit} {year}", address=client_address(request)
    )
    settings = state.settings
    job = state.jobs.submit(
        "report", session.account.name, lambda: work.report(settings, int(year), unit)
    )
    await run_in_threadpool(job.wait, PAGE_WAIT)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/reports/summary")
async def summary(request: Request, unit: str):
    session, access = signed_in(request)
    if not (access.can(REPORTS) or access.can(QUERY)) or not access.sees_unit(unit):
        raise NotFound
    settings = state_of(request).settings
    with data.snapshot(settings) as wh:
        year = _year(request, wh)
        try:
            name, rows = data.summary(wh, settings, year, unit)
        except KeyError:
            raise NotFound from None
    context = {
        "session": session,
        "access": access,
        "name": name,
        "rows": rows,
        "year": year,
        "unit": unit,
        "chart": _chart(rows),
    }
    return render(request, "summary.html", context)


def _chart(rows: list[dict]) -> list[dict]:
    """The bars of the poverty-rate chart: one per commune (or village) with a list, its width
    in percent of the highest rate."""
    shown = [r for r in rows if not r["bold"] and r.get("poor_rate_pct") is not None]
    top = max((float(r["poor_rate_pct"]) for r in shown), default=0.0) or 1.0
    return [
        {
            "name": r["unit_name"],
            "rate": r["poor_rate_pct"],
            "width": 100 * float(r["poor_rate_pct"]) / top,
        }
        for r in shown
    ]


@router.get("/templates")
async def templates_page(request: Request):
    session, access = signed_in(request)
    needs(access, REPORTS)
    tree, _ = data.tree(state_of(request).settings)
    communes = sorted(
        (code, tree.name[code])
        for code, level in tree.level.items()
        if level == "commune" and access.sees_unit(code)
    )
    year = dt.date.today().year + 1
    return render(
        request,
        "templates.html",
        {"session": session, "access": access, "communes": communes, "year": year},
    )


@router.post("/templates")
async def write_templates(request: Request):
    session, access = signed_in(request)
    needs(access, REPORTS)
    form = await _form(request, session)
    commune, year = str(form.get("commune", "")), str(form.get("year", ""))
    if not year.isdigit() or not access.sees_unit(commune):
        raise NotFound
    state = state_of(request)
    settings = state.settings
    job_id = secrets.token_hex(6)
    state.accounts.record(
        session.account.name, "templates", f"{commune} {year}", address=client_address(request)
    )
    job = state.jobs.submit(
        "templates",
        session.account.name,
        lambda: work.templates(settings, job_id, commune, int(year)),
        job_id,
    )
    await run_in_threadpool(job.wait, PAGE_WAIT)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


# -- analysts ---------------------------------------------------------------------------------


@router.get("/sql")
async def sql_page(request: Request):
    session, access = signed_in(request)
    needs(access, QUERY)
    query = "select * from commune_poverty order by year desc, commune_code limit 100"
    return render(
        request, "sql.html", {"session": session, "access": access, "query": query, "answer": None}
    )


@router.post("/sql")
async def sql(request: Request):
    session, access = signed_in(request)
    needs(access, QUERY)
    form = await _form(request, session)
    query = str(form.get("query", ""))
    answer = await run_in_threadpool(api.run_query, request, query)
    state_of(request).accounts.record(
        session.account.name,
        "sql",
        query[:500],
        "ok" if "error" not in answer else "refused",
        client_address(request),
    )
    if form.get("format") == "csv" and "error" not in answer:
        out = io.StringIO()
        out.write("\ufeff")  # Excel reads the Vietnamese text as UTF-8
        writer = csv.writer(out)
        writer.writerow(answer["columns"])
        for row in answer["rows"]:
            writer.writerow([row[c] for c in answer["columns"]])
        headers = {"Content-Disposition": 'attachment; filename="truy_van.csv"'}
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
    return render(
        request,
        "sql.html",
        {"session": session, "access": access, "query": query, "answer": answer},
        200 if "error" not in answer else 400,
    )


@router.get("/views")
async def views(request: Request):
    session, access = signed_in(request)
    needs(access, QUERY)
    with data.snapshot(state_of(request).settings) as wh:
        relations = data.described_relations(wh)
    return render(
        request, "views.html", {"session": session, "access": access, "relations": relations}
    )


@router.get("/admin")
async def admin(request: Request):
    session, access = signed_in(request)
    needs(access, ADMIN)
    accounts = state_of(request).accounts
    context = {
        "session": session,
        "access": access,
        "accounts": accounts.list(),
        "audit": accounts.audit(),
        "roles": ROLE_VI,
    }
    return render(request, "admin.html", context)
