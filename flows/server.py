"""A Prefect API for one command: the running server when there is one, else a temporary one
that dies with the command.

Without PREFECT_API_URL, Prefect itself would start a temporary server in a subprocess and
stop it at exit; a command killed with SIGKILL would leave that server running forever. This
one is started with a parent-death signal (Linux `prctl(PR_SET_PDEATHSIG)`), so the kernel
stops it when the command dies, however it dies.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

import httpx

from giamngheo.errors import GiamngheoError

STARTUP_SECONDS = 90.0


class ServerError(GiamngheoError):
    """The temporary Prefect server could not be started."""


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent(parent: int):
    """A preexec function: the child gets SIGTERM when `parent` dies (Linux only)."""

    def arm() -> None:
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)

    return arm


@contextlib.contextmanager
def prefect_api() -> Iterator[str]:
    """The API URL to run flows against for the duration of the block: the configured one
    (PREFECT_API_URL, in the environment or the Prefect profile), else a temporary server on
    loopback that dies with this process."""
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    url = os.environ.get("PREFECT_API_URL") or get_current_settings().api.url
    if url:
        yield str(url)
        return

    port = _free_port()
    env = {
        **os.environ,
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "prefect.server.api.server:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "error",
        "--lifespan",
        "on",
    ]
    url = f"http://127.0.0.1:{port}/api"
    # Its errors go to a file: a pipe could fill up over a long run and block the server.
    with tempfile.TemporaryFile() as errors:
        server = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            preexec_fn=_die_with_parent(os.getpid()),
        )
        try:
            _wait_healthy(server, url, errors)
            os.environ["PREFECT_API_URL"] = url  # for worker processes, which inherit it
            with temporary_settings(updates={PREFECT_API_URL: url}):
                try:
                    yield url
                finally:
                    _drain_prefect_services()
        finally:
            os.environ.pop("PREFECT_API_URL", None)
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _drain_prefect_services(timeout: float = 15) -> None:
    """Let Prefect send the events and logs it still holds before its server goes away."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (EventsWorker, APILogWorker):
        with contextlib.suppress(Exception):
            service.drain_all(timeout=timeout)


def _wait_healthy(server: subprocess.Popen, url: str, errors) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                errors.seek(0)
                detail = errors.read().decode(errors="replace")[-1000:]
                raise ServerError(
                    f"Không khởi động được máy chủ Prefect tạm thời (mã {server.returncode}). "
                    f"(The temporary Prefect server exited with code {server.returncode}: "
                    f"{detail.strip()})"
                )
            with contextlib.suppress(httpx.HTTPError):
                if client.get(f"{url}/health").status_code == 200:
                    return
            time.sleep(0.1)
    raise ServerError(
        f"Máy chủ Prefect tạm thời không trả lời sau {STARTUP_SECONDS:.0f} giây. "
        f"(The temporary Prefect server did not answer within {STARTUP_SECONDS:.0f} s.)"
    )
