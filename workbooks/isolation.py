"""Reading each file (and writing its feedback) in a child process with a time limit.

A workbook that makes the reader spin, or crash inside a native library, must cost one file,
not the night's run. The child reads files one at a time; when a file takes longer than the
limit the child is killed and the file gets a FILE-TIMEOUT issue, and when the child dies the
file gets FILE-UNREADABLE. Either way a fresh child reads the next file. A child that fails
to start is tried once more; then only its file is rejected. The feedback workbook of a
rejected file, which opens the file again, is written the same way (`IsolatedReader.call_all`).

Children fork from a preloaded forkserver, so one costs milliseconds: a batch of files gets a
child of its own, and with the thread task runner N threads read N files at a time in N
processes, each result coming back over one pipe. A daemonic process (a Dask worker) may not
have multiprocessing children; there the child is a plain `python -m` subprocess instead.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import subprocess
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from giamngheo.transforms.standards import Catalog
from giamngheo.transforms.submission import Submission
from giamngheo.workbooks.reader import DEFAULT_LIMITS, ReaderLimits, read_submission, unreadable

_PRELOAD = ["giamngheo.workbooks.reader"]
_READY = "ready"
STARTUP_SECONDS = 120.0  # a child's imports do not count against a file's time limit


def _context():
    """forkserver where the platform has it: children fork from a clean, preloaded server
    (never from this threaded process), so starting a new one costs milliseconds."""
    try:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    except ValueError:
        return multiprocessing.get_context("spawn")


def start_forkserver() -> None:
    """Start the preloaded forkserver now rather than at the first file read: for a service,
    whose first run should be as quick as the next ones (it costs about 0.4 s)."""
    if _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _serve(jobs: Connection, results: Connection) -> None:
    """The child: call each (function, arguments) sent, answer with the result."""
    results.send(_READY)
    while True:
        try:
            job = jobs.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        function, arguments = job
        results.send(function(*arguments))


def _read(
    path: str,
    submission_id: str,
    name: str,
    limits: ReaderLimits,
    frame: bool,
    catalog: Catalog | None = None,
):
    return read_submission(Path(path), submission_id, name, limits, frame=frame, catalog=catalog)


def _daemonic() -> bool:
    return bool(multiprocessing.current_process().daemon)


class _Child:
    """A reader process and the two ends of the pipe to it."""

    def __init__(self) -> None:
        self._process = self._popen = None
        if _daemonic():
            self._start_subprocess()
        else:
            self._start_forked()
        try:
            ready = self.results.poll(STARTUP_SECONDS) and self.results.recv() == _READY
        except (EOFError, OSError):
            ready = False
        if not ready:
            code = self.stop(kill=True)
            raise RuntimeError(f"the reader process did not start (exit code {code})")

    def _start_forked(self) -> None:
        parent, child = multiprocessing.Pipe()
        process = _context().Process(target=_serve, args=(child, child), daemon=True)
        try:
            process.start()
        except BaseException:
            parent.close()
            raise
        finally:
            child.close()
        self._process, self.jobs, self.results = process, parent, parent

    def _start_subprocess(self) -> None:
        job_r, job_w = os.pipe()
        result_r, result_w = os.pipe()
        command = [sys.executable, "-m", "giamngheo.workbooks.isolation", str(job_r), str(result_w)]
        try:
            self._popen = subprocess.Popen(command, pass_fds=(job_r, result_w))
        except BaseException:
            os.close(job_w)
            os.close(result_r)
            raise
        finally:
            os.close(job_r)
            os.close(result_w)
        self.jobs = Connection(job_w, readable=False)
        self.results = Connection(result_r, writable=False)

    @property
    def pid(self) -> int:
        return self._process.pid if self._process is not None else self._popen.pid

    def alive(self) -> bool:
        if self._process is not None:
            return self._process.is_alive()
        return self._popen.poll() is None

    def stop(self, kill: bool) -> int | None:
        """End the child (at once if `kill`, else by closing its pipe); its exit code."""
        if not kill:
            with contextlib.suppress(OSError):
                self.jobs.send(None)
        for conn in {self.jobs, self.results}:
            conn.close()
        if self._process is not None:
            if kill:
                self._process.kill()
            self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
            code = self._process.exitcode
            self._process.close()
            return code
        if kill:
            self._popen.kill()
        try:
            return self._popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._popen.kill()
            return self._popen.wait()


class ChildStartError(Exception):
    """A reader process could not be started, twice (memory or process limits)."""

    def __init__(self, cause: BaseException):
        super().__init__(str(cause))
        self.detail_vi = f"không khởi động được chương trình đọc tệp ({cause})"
        self.detail_en = f"the reader process could not start ({cause})"


class IsolatedReader:
    """Reads files one at a time in a child process, killed and replaced when a file overruns.

    A few jobs are kept queued in the pipe, so the child starts its next file while this
    process takes in the last result. A file's time starts when the child is free for it.
    """

    WINDOW = 4  # jobs in flight

    def __init__(self, timeout: float):
        self.timeout = timeout
        self._child: _Child | None = None

    def read(
        self,
        path: Path,
        submission_id: str,
        name: str,
        limits: ReaderLimits = DEFAULT_LIMITS,
        frame: bool = True,
        catalog: Catalog | None = None,
    ) -> Submission:
        """`read_submission` in the child, within the time limit."""
        return self.read_all([(path, submission_id, name)], limits, frame, catalog)[0]

    def read_all(
        self,
        files: list[tuple[Path, str, str]],
        limits: ReaderLimits = DEFAULT_LIMITS,
        frame: bool = True,
        catalog: Catalog | None = None,
    ) -> list[Submission]:
        """`read_submission` of each (path, submission id, name), in order, each within the
        time limit; a file that overruns or kills the child is an unreadable submission.
        `catalog`: the standards the lists are read under (None: those shipped, which the
        child has)."""
        jobs = [
            (_read, (str(path), sid, name, limits, frame, catalog)) for path, sid, name in files
        ]

        def failed(i: int, code: str, detail_vi: str, detail_en: str) -> Submission:
            _, submission_id, name = files[i]
            return unreadable(submission_id, name, code, detail_vi, detail_en)

        return self.call_all(jobs, failed)

    def call_all(self, jobs: list[tuple[Callable, tuple]], failed: Callable[..., object]) -> list:
        """Each job's `function(*arguments)` in the child, in order, each within the time
        limit. A job that overruns, kills the child, or finds no child to run in gets
        `failed(index, code, detail_vi, detail_en)` instead (FILE-TIMEOUT or FILE-UNREADABLE).
        """
        out: list = []
        sent = 0  # jobs sent to the current child (those before len(out) are answered)
        while len(out) < len(jobs):
            try:
                if self._child is None or not self._child.alive():
                    self._stop(kill=True)
                    self._child = self._start()
                    sent = len(out)
            except ChildStartError as exc:
                out.append(failed(len(out), "FILE-UNREADABLE", exc.detail_vi, exc.detail_en))
                continue
            try:
                while sent < len(jobs) and sent - len(out) < self.WINDOW:
                    self._child.jobs.send(jobs[sent])
                    sent += 1
                if self._child.results.poll(self.timeout):
                    out.append(self._child.results.recv())
                    continue
                self._stop(kill=True)
                seconds = f"{self.timeout:g}"
                detail = ("FILE-TIMEOUT", f"{seconds} giây", f"{seconds} seconds")
            except (EOFError, OSError):
                code = self._stop(kill=True)
                detail = (
                    "FILE-UNREADABLE",
                    f"chương trình đọc tệp bị dừng đột ngột (mã {code})",
                    f"the reader process died (exit code {code})",
                )
            out.append(failed(len(out), *detail))
        return out

    def _start(self) -> _Child:
        """A new child; if it fails to start, one more try (ChildStartError after both)."""
        for attempt in range(2):
            try:
                return _Child()
            except (RuntimeError, OSError) as exc:
                if attempt:
                    raise ChildStartError(exc) from exc
        raise AssertionError("unreachable")

    def __enter__(self) -> IsolatedReader:
        return self

    def __exit__(self, *exc) -> None:
        self._stop(kill=False)

    def _stop(self, kill: bool) -> int | None:
        child, self._child = self._child, None
        return child.stop(kill) if child is not None else None


if __name__ == "__main__":
    _serve(
        Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False)
    )
