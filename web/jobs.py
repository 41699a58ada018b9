"""The app's one writer: every job that writes the warehouse or reads it with household codes
(an upload's run, a rerun, a report, a template) runs on one thread, in the order it came.

The writer lock serialises runs between processes; inside the app this queue does (the lock
is re-entrant within a process). A job that finds another process writing waits, and says so
(`waiting`), until that run ends.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from giamngheo.errors import GiamngheoError, WarehouseBusy
from giamngheo.warehouse.lock import writer_lock

log = logging.getLogger(__name__)

QUEUED, WAITING, RUNNING, DONE, FAILED = "queued", "waiting", "running", "done", "failed"
STATE_VI = {
    QUEUED: "Đang xếp hàng",
    WAITING: "Đang chờ một lần nạp khác ghi xong vào kho dữ liệu",
    RUNNING: "Đang xử lý",
    DONE: "Đã xong",
    FAILED: "Không thực hiện được",
}
KEPT = 200  # finished jobs remembered
WAIT_POLL = 1.0  # seconds between looks at another process's lock


@dataclass
class Job:
    """One piece of work: who asked for it, where it stands, and what it gave."""

    kind: str
    owner: str
    run: Callable[[], object]
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    state: str = QUEUED
    result: object = None
    error: str = ""
    created: dt.datetime = field(default_factory=dt.datetime.now)
    finished: dt.datetime | None = None
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def state_vi(self) -> str:
        return STATE_VI[self.state]

    def wait(self, seconds: float) -> bool:
        return self.done.wait(seconds)

    def deliver(self, result: object) -> None:
        """The job's result, known before its work ends (an upload's verdicts, once the
        snapshot holds them, while the reports are rewritten): whoever waits has it now."""
        self.result, self.state, self.finished = result, DONE, dt.datetime.now()
        self.done.set()


def _failure(job: Job, exc: Exception) -> str:
    if isinstance(exc, WarehouseBusy):
        return "Kho dữ liệu bận quá lâu; hãy thử lại. (The warehouse stayed busy: try again.)"
    if isinstance(exc, GiamngheoError):
        return str(exc)
    log.exception("Job %s (%s) failed", job.id, job.kind)
    return f"Lỗi không mong đợi (unexpected failure): {exc!r}"


class Jobs:
    """The queue and its thread. `warehouse_path` is whose writer lock a job waits for."""

    def __init__(self, warehouse_path, lock_timeout: float):
        self.warehouse_path, self.lock_timeout = warehouse_path, lock_timeout
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._jobs: dict[str, Job] = {}
        self._guard = threading.Lock()
        self._thread = threading.Thread(target=self._work, name="giamngheo-writer", daemon=True)
        self._thread.start()

    def submit(
        self, kind: str, owner: str, run: Callable[[], object], job_id: str | None = None
    ) -> Job:
        job = Job(kind, owner, run) if job_id is None else Job(kind, owner, run, job_id)
        with self._guard:
            self._jobs[job.id] = job
            finished = [j for j in self._jobs.values() if j.done.is_set()]
            for old in sorted(finished, key=lambda j: j.created)[:-KEPT]:
                del self._jobs[old.id]
        self._queue.put(job)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._guard:
            return self._jobs.get(job_id)

    def pending(self) -> int:
        return self._queue.qsize()

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=60)

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            self._wait_for_other_writers(job)
            job.state = RUNNING
            try:
                result = job.run()
                if not job.done.is_set():
                    job.result, job.state = result, DONE
            except Exception as exc:  # noqa: BLE001 - a job's failure is its own, never the app's
                if job.done.is_set():  # its result was delivered: what failed after is logged
                    log.exception("Job %s (%s) failed after its result", job.id, job.kind)
                else:
                    job.state, job.error = FAILED, _failure(job, exc)
            if job.finished is None:
                job.finished = dt.datetime.now()
            job.done.set()

    def _wait_for_other_writers(self, job: Job) -> None:
        """While another process holds the writer lock, the job is `waiting`."""
        while True:
            try:
                with writer_lock(self.warehouse_path, 0):
                    return
            except WarehouseBusy:
                job.state = WAITING
                time.sleep(WAIT_POLL)
