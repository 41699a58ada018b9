"""The resource limits a submitted file must stay within (settings: GIAMNGHEO_MAX_*).

A module of its own, without the reader's imports: the settings, and so every command, need
the limits, and a command that only hands its run to the service must start fast.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReaderLimits:
    """Resource limits a file must stay within (settings: GIAMNGHEO_MAX_*)."""

    max_uncompressed_bytes: int = 200_000_000
    max_file_bytes: int = 50_000_000
    max_sheets: int = 50
    max_rows: int = 100_000
    max_text: int = 10_000  # characters in one cell


DEFAULT_LIMITS = ReaderLimits()
