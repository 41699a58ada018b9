"""One writer at a time: an exclusive lock file beside the warehouse.

DuckDB itself allows one writing process; this lock makes a second run wait a bounded time
for the first, then stop with a clear message, instead of failing halfway on "Could not set
lock on file". The OS releases the lock when the holder exits, even after SIGKILL. Within one
process the lock is re-entrant: the CLI takes it before starting a flow (so that a busy
warehouse is one line, not a failed flow run), and the flow takes it again.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from giamngheo.errors import WarehouseBusy

_held: dict[Path, int] = {}  # lock file → how many holders in this process
_guard = threading.Lock()


@contextmanager
def writer_lock(warehouse_path: Path, timeout: float):
    """Hold the writer lock of `warehouse_path`, waiting at most `timeout` seconds for it."""
    lock_path = warehouse_path.with_suffix(".lock").absolute()
    with _guard:
        if lock_path in _held:
            _held[lock_path] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                _held[lock_path] -= 1
        return
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(
                        f"Một lần nạp khác đang ghi vào kho dữ liệu; đã chờ {timeout:.0f} giây. "
                        f"Hãy chạy lại sau. (Another run holds the warehouse lock {lock_path}; "
                        f"waited {timeout:.0f} s. Nothing was changed: run it again later.)"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        with _guard:
            _held[lock_path] = 1
        try:
            yield
        finally:
            with _guard:
                del _held[lock_path]
    finally:
        os.close(fd)  # closing the descriptor releases the lock
