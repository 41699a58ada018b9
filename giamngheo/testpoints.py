"""Named points where a crash-safety test can stop the process and kill it.

When GIAMNGHEO_PAUSE_AT names a point, reaching it writes the point's name to the file named
by GIAMNGHEO_PAUSE_FILE and sleeps, so a test can send SIGKILL at exactly that moment.
Unset (always, outside tests), `reached()` is a dictionary lookup and returns at once.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def reached(point: str) -> None:
    """Pause forever at `point` if a test asked for it."""
    if os.environ.get("GIAMNGHEO_PAUSE_AT") != point:
        return
    marker = os.environ.get("GIAMNGHEO_PAUSE_FILE")
    if marker:
        Path(marker).write_text(point, encoding="utf-8")
    while True:
        time.sleep(60)
