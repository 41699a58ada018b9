"""The officers' web app: `giamngheo web` serves it for one home.

FastAPI, server-rendered Jinja pages (every asset in the package: nothing from a CDN) and a
JSON API on the same functions (`pages.py`, `api.py`). It is warm: Great Expectations
imported, the readers' fork server and a Prefect API started once, so an upload gets its
verdict from the nightly flow at once, run on the app's writer thread (`jobs.py`).

Security: sessions are server-side tokens in a signed, HttpOnly, SameSite=Strict cookie
(Secure over HTTPS); every form and every API call that changes something carries the
session's CSRF token; a request body is capped by the upload limits; every page is sent with a
Content-Security-Policy that allows the app's own scripts and styles only.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from giamngheo.flows.settings import Settings, secure_home
from giamngheo.web import data
from giamngheo.web.access import Access, access_of
from giamngheo.web.accounts import Accounts, Session
from giamngheo.web.jobs import Jobs

COOKIE = "giamngheo_session"
MAX_FILES = 50  # files in one upload
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass
class App:
    """What every request of the app shares."""

    settings: Settings
    accounts: Accounts
    jobs: Jobs
    pages: Jinja2Templates


class NotSignedIn(Exception):
    """No live session: a page sends the browser to sign in, the API answers 401."""


class Forbidden(Exception):
    """A role without the right (or a request without the session's CSRF token): 403."""

    def __init__(
        self, message: str = "Tài khoản không có quyền này (this account may not do that)."
    ):
        super().__init__(message)
        self.message = message


class NotFound(Exception):
    """Unknown, or out of the account's reach: 404, the same answer for both."""


def create_app(settings: Settings, warm: bool = True) -> FastAPI:
    """The app for `settings.home`. `warm` starts what a run needs once, at start-up (a Prefect
    API, the readers' fork server, Great Expectations); without it the first upload pays."""
    secure_home(settings.home)
    templates = Jinja2Templates(directory=str(resources.files("giamngheo.web") / "templates"))
    templates.env.globals.update(status_vi=data.STATUS_VI)
    templates.env.filters["count"] = _count
    templates.env.filters["rate"] = _rate
    state = App(
        settings,
        Accounts(settings.home),
        Jobs(settings.warehouse_path, settings.lock_timeout),
        templates,
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        with contextlib.ExitStack() as stack:
            if warm:
                stack.enter_context(_warm())
            yield
            state.jobs.stop()

    app = FastAPI(
        title="giamngheo", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.app = state
    static = Path(str(resources.files("giamngheo.web") / "static"))
    app.mount("/static", StaticFiles(directory=static), name="static")
    limit = settings.max_file_mb * 1_000_000 * MAX_FILES + 1_000_000
    app.add_middleware(_BodyLimit, limit=limit)

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        for key, value in HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _: NotSignedIn):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "Chưa đăng nhập (not signed in)."}, status_code=401)
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, refused: Forbidden):
        message = refused.message
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=403)
        return state.pages.TemplateResponse(
            request, "error.html", {"message": message, "session": None}, status_code=403
        )

    @app.exception_handler(NotFound)
    async def not_found(request: Request, _: NotFound):
        message = "Không tìm thấy (not found)."
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=404)
        return state.pages.TemplateResponse(
            request, "error.html", {"message": message, "session": None}, status_code=404
        )

    from giamngheo.web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    return app


@contextlib.contextmanager
def _warm():
    """A Prefect API for the app's runs (the configured one, or a temporary server that dies
    with the app), the readers' fork server, and Great Expectations and the flow imported, as
    `giamngheo serve` does: the app answers its first request once they are (uvicorn waits for
    the lifespan), so no upload pays for them."""
    import gc

    from giamngheo.flows import nightly  # noqa: F401
    from giamngheo.flows.server import prefect_api
    from giamngheo.workbooks.isolation import start_forkserver

    with contextlib.suppress(Exception):  # validation imports it again, and reports errors
        import great_expectations  # noqa: F401
    start_forkserver()
    with prefect_api():
        # What is loaded by now lives as long as the app: out of the garbage collector's passes.
        gc.collect()
        gc.freeze()
        yield


class _BodyLimit:
    """Refuse a request body over `limit` bytes (413), declared or streamed, before it is read."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            return await _too_large(send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _Overflow
            return message

        try:
            await self.app(scope, counted, send)
        except _Overflow:
            await _too_large(send)


class _Overflow(Exception):
    pass


async def _too_large(send) -> None:
    body = '{"error": "Tệp gửi lên quá lớn (upload too large)."}'.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def state_of(request: Request) -> App:
    return request.app.state.app


def session_of(request: Request) -> Session | None:
    accounts = state_of(request).accounts
    token = accounts.token_of(request.cookies.get(COOKIE))
    return accounts.session(token) if token else None


def signed_in(request: Request) -> tuple[Session, Access]:
    """The request's session and the account's reach, or NotSignedIn."""
    session = session_of(request)
    if session is None:
        raise NotSignedIn
    tree, _ = data.tree(state_of(request).settings)
    return session, access_of(session.account, tree)


def needs(access: Access, right: str) -> None:
    if not access.can(right):
        raise Forbidden


def set_session_cookie(request: Request, response: Response, session: Session) -> None:
    response.set_cookie(
        COOKIE,
        state_of(request).accounts.cookie_value(session.token),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=12 * 3600,
        path="/",
    )


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def _count(value: object) -> str:
    """A count as the reports write it (1.415), blank when missing."""
    from giamngheo.transforms.vietnamese import vi_int

    return "" if value is None or value != value else vi_int(int(value))


def _rate(value: object) -> str:
    """A rate as the reports write it (1,06), blank when missing."""
    from giamngheo.transforms.vietnamese import vi_pct

    return "" if value is None or value != value else vi_pct(float(value))
