"""A run handed to the warm service: `giamngheo serve` listens on a socket in the home folder,
and `giamngheo ingest` (or `rerun`) sends it the run instead of starting a Prefect API and
importing Great Expectations itself.

The service runs the same flow with the settings the command sends, under the same writer
lock, and writes the same records; the command shows its progress and prints its summary.
Only the home's owner can reach the socket (the home folder is private). With no service
answering, the command runs the flow itself.

The protocol is JSON lines: the command sends one request; the service answers with
``{"progress": [done, total]}`` lines, then ``{"summary": {...}}`` or
``{"error": {"type": ..., "message": ...}}``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
from collections.abc import Callable
from pathlib import Path

from giamngheo import errors
from giamngheo.errors import GiamngheoError, WarehouseBusy
from giamngheo.flows.settings import Settings, secure_home
from giamngheo.flows.summary import RunSummary

SOCKET_NAME = "serve.sock"
_SOCKET_PATH_MAX = 107  # bytes in sun_path, less its terminating NUL (Linux)
logger = logging.getLogger("giamngheo.handoff")


def socket_path(home: Path) -> Path:
    return home / SOCKET_NAME


def hand_off(
    settings: Settings, request: dict, progress: Callable[[int, int], None] | None = None
) -> RunSummary | None:
    """The summary of the run the service made of `request` (force, rerun_ids, rerun_failed,
    runner, dask_address), or None when no service answers: the caller runs it itself.
    An error the service met is raised here as the same error."""
    path = socket_path(settings.home)
    if not path.is_socket():
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(str(path))
    except OSError:  # a service that died left its socket behind
        conn.close()
        return None
    with conn, conn.makefile("rwb") as stream:
        stream.write(_line({"settings": settings.to_parameters(), **request}))
        stream.flush()
        for raw in stream:
            message = json.loads(raw)
            if "progress" in message:
                if progress is not None:
                    progress(*message["progress"])
            elif "summary" in message:
                return RunSummary(**message["summary"])
            elif "error" in message:
                raise _error(message["error"])
    raise GiamngheoError(
        "Dịch vụ 'giamngheo serve' dừng giữa chừng; lần nạp có thể chưa xong: chạy lại ingest. "
        "(The service stopped during the run; run ingest again.)"
    )


class Service:
    """The listening side, in the `serve` process: one run at a time, each on its own
    thread; a request that cannot have its turn within the lock timeout is refused as a
    busy warehouse, as a second local run would be."""

    def __init__(self, home: Path, run: Callable[[Settings, dict, Callable], RunSummary]):
        self.path = socket_path(home)
        self._run = run
        self._turn = threading.Lock()
        self._server: socket.socket | None = None

    def start(self) -> bool:
        """Listen; False when the socket's path is too long for the system (commands then
        run their flows themselves)."""
        if len(str(self.path).encode()) > _SOCKET_PATH_MAX:
            logger.warning("Home path too long for the service's socket: %s", self.path)
            return False
        secure_home(self.path.parent)  # the socket is the owner's only: so is its folder
        self.path.unlink(missing_ok=True)  # left by a service that was killed
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(self.path))
        self.path.chmod(0o600)
        server.listen()
        self._server = server
        threading.Thread(target=self._accept, name="handoff-accept", daemon=True).start()
        return True

    def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> Service:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _accept(self) -> None:
        while self._server is not None:
            try:
                conn, _ = self._server.accept()
            except OSError:  # closed by stop()
                return
            threading.Thread(
                target=self._serve, args=(conn,), name="handoff-run", daemon=True
            ).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rwb") as stream:

            def send(message: dict) -> None:
                with contextlib.suppress(OSError):  # the command is gone: the run goes on
                    stream.write(_line(message))
                    stream.flush()

            try:
                request = json.loads(stream.readline())
                settings = Settings.from_parameters(request.pop("settings"))
                if not self._turn.acquire(timeout=settings.lock_timeout):
                    raise WarehouseBusy(
                        "Dịch vụ đang chạy một lần nạp khác; hãy chạy lại sau. "
                        "(The service is busy with another run; run it again later.)"
                    )
                try:
                    summary = self._run(settings, request, lambda d, t: send({"progress": [d, t]}))
                finally:
                    self._turn.release()
            except Exception as exc:  # the command shows it; the service goes on
                if not isinstance(exc, GiamngheoError):
                    logger.exception("A handed-off run failed")
                send({"error": {"type": type(exc).__name__, "message": str(exc)}})
            else:
                send({"summary": summary.to_dict()})


def _line(message: dict) -> bytes:
    return json.dumps(message, ensure_ascii=False, default=str).encode() + b"\n"


def _error(error: dict) -> Exception:
    """The project's error of that name (its exit code), or a failure (exit 1)."""
    kind = getattr(errors, error.get("type", ""), None)
    if isinstance(kind, type) and issubclass(kind, GiamngheoError):
        return kind(error["message"])
    return GiamngheoError(
        f"Dịch vụ gặp lỗi (the service failed): {error.get('type')}: {error.get('message')}"
    )
