"""The one settings object: defaults for a local run, overridable by GIAMNGHEO_* variables."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from giamngheo.errors import ConfigurationError
from giamngheo.workbooks.limits import ReaderLimits

# Set before Prefect or Great Expectations is imported: these machines have no internet, and a
# user's log must not fill with failed telemetry calls.
QUIET_ENVIRONMENT = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "PREFECT_UI_ENABLED": "false",
}


def quiet_environment() -> None:
    """Turn telemetry off for this process and its children (explicit user values win)."""
    for key, value in QUIET_ENVIRONMENT.items():
        os.environ.setdefault(key, value)


def secure_home(home: Path) -> None:
    """Create the home folder (and its default inbox) readable by its owner only, and refuse a
    world-writable one.

    Everything written under it inherits owner-only permissions (umask 077): the warehouse
    holds the names and living conditions of poor families.
    """
    os.umask(0o077)
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    (home / "inbox").mkdir(exist_ok=True, mode=0o700)
    mode = home.stat().st_mode
    if mode & 0o002:
        raise ConfigurationError(
            f"Thư mục dữ liệu {home} ai cũng ghi được (world-writable): giamngheo không chạy. "
            f"Hãy chạy 'chmod o-w {home}'. (Refusing a world-writable home folder.)"
        )


@dataclass(frozen=True)
class Settings:
    """Where everything lives under the home folder, and the knobs of a run.

    Environment: GIAMNGHEO_HOME (default ./data), GIAMNGHEO_INBOX (default <home>/inbox),
    GIAMNGHEO_SETTLE_SECONDS (a file modified more recently than this is still being written
    and waits for the next run; default 2), GIAMNGHEO_MAX_WORKERS (parallel readers; default
    the number of CPUs), GIAMNGHEO_READ_BATCH (most files per parsing task; default 500),
    GIAMNGHEO_LOAD_BATCH (files read, checked and staged at a time, which bounds a run's
    memory; default 2,000),
    GIAMNGHEO_LOCK_TIMEOUT (seconds a run waits for another run's writer lock; default 30),
    GIAMNGHEO_READ_TIMEOUT (seconds one file may take to read, in a child process that is
    killed when it overruns; the file gets a FILE-TIMEOUT issue; default 120, 0 reads in the
    task's own process without a limit),
    GIAMNGHEO_MAX_UNCOMPRESSED_MB (a workbook that unpacks to more is refused; default 200),
    GIAMNGHEO_MAX_FILE_MB (default 50), GIAMNGHEO_MAX_SHEETS (default 50), GIAMNGHEO_MAX_ROWS
    (rows per sheet; default 100,000) and GIAMNGHEO_MAX_TEXT (characters in one cell; default
    10,000): a file beyond any of them is refused with an issue.
    GIAMNGHEO_SNAPSHOT_EXTRA_COLUMNS: headers of columns villages add outside the template
    (comma-separated, e.g. "Nghề nghiệp, Ghi chú khác") whose values an administrator allows
    in the analyst snapshot, masked; by default none. GIAMNGHEO_DATA_DOCS_KEEP: validation
    reports of this many runs are kept (default 30). GIAMNGHEO_MAX_ISSUES: issues kept per
    file, the rest counted in one ISSUES-TRUNCATED (default 500).
    """

    home: Path
    inbox: Path
    settle_seconds: float = 2.0
    max_workers: int = os.cpu_count() or 1
    read_batch: int = 500
    load_batch: int = 2000
    lock_timeout: float = 30.0
    read_timeout: float = 120.0
    max_uncompressed_mb: int = 200
    max_file_mb: int = 50
    max_sheets: int = 50
    max_rows: int = 100_000
    max_text: int = 10_000
    snapshot_extra_columns: tuple[str, ...] = ()
    data_docs_keep: int = 30
    max_issues: int = 500

    @property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse" / "giamngheo.duckdb"

    @property
    def reader_limits(self) -> ReaderLimits:
        return ReaderLimits(
            max_uncompressed_bytes=self.max_uncompressed_mb * 1_000_000,
            max_file_bytes=self.max_file_mb * 1_000_000,
            max_sheets=self.max_sheets,
            max_rows=self.max_rows,
            max_text=self.max_text,
        )

    @property
    def published_path(self) -> Path:
        """The analyst snapshot: read-only, swapped in atomically after each change."""
        return self.home / "published" / "current.duckdb"

    @property
    def staging(self) -> Path:
        return self.home / "staging"

    @property
    def reports(self) -> Path:
        return self.home / "reports"

    @property
    def data_docs(self) -> Path:
        """Great Expectations Data Docs, one site per run."""
        return self.home / "data_docs"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    def to_parameters(self) -> dict:
        """The settings as JSON values: how a flow run (or a deployment) receives them."""
        return {
            k: str(v) if isinstance(v, Path) else list(v) if isinstance(v, tuple) else v
            for k, v in asdict(self).items()
        }

    @classmethod
    def from_parameters(cls, parameters: dict | None) -> Settings:
        """Settings from `to_parameters` output; missing keys come from the environment."""
        parameters = dict(parameters or {})
        if parameters.get("snapshot_extra_columns") is not None:
            parameters["snapshot_extra_columns"] = tuple(parameters["snapshot_extra_columns"])
        return cls.load(parameters.pop("home", None), **parameters)

    @classmethod
    def load(cls, home: str | os.PathLike | None = None, **overrides: object) -> Settings:
        """Settings from the environment, with an explicit home (e.g. --home) taking precedence."""
        env = os.environ
        home_path = Path(home or env.get("GIAMNGHEO_HOME") or "data").expanduser().absolute()
        inbox = Path(env["GIAMNGHEO_INBOX"]).absolute() if env.get("GIAMNGHEO_INBOX") else None
        try:
            settings = cls(
                home=home_path,
                inbox=inbox or home_path / "inbox",
                settle_seconds=float(env.get("GIAMNGHEO_SETTLE_SECONDS", 2.0)),
                max_workers=int(env.get("GIAMNGHEO_MAX_WORKERS", os.cpu_count() or 1)),
                read_batch=int(env.get("GIAMNGHEO_READ_BATCH", 500)),
                load_batch=int(env.get("GIAMNGHEO_LOAD_BATCH", 2000)),
                lock_timeout=float(env.get("GIAMNGHEO_LOCK_TIMEOUT", 30)),
                read_timeout=float(env.get("GIAMNGHEO_READ_TIMEOUT", 120)),
                max_uncompressed_mb=int(env.get("GIAMNGHEO_MAX_UNCOMPRESSED_MB", 200)),
                max_file_mb=int(env.get("GIAMNGHEO_MAX_FILE_MB", 50)),
                max_sheets=int(env.get("GIAMNGHEO_MAX_SHEETS", 50)),
                max_rows=int(env.get("GIAMNGHEO_MAX_ROWS", 100_000)),
                max_text=int(env.get("GIAMNGHEO_MAX_TEXT", 10_000)),
                snapshot_extra_columns=_names(env.get("GIAMNGHEO_SNAPSHOT_EXTRA_COLUMNS", "")),
                data_docs_keep=int(env.get("GIAMNGHEO_DATA_DOCS_KEEP", 30)),
                max_issues=int(env.get("GIAMNGHEO_MAX_ISSUES", 500)),
            )
        except ValueError as exc:
            raise ConfigurationError(
                f"Biến môi trường GIAMNGHEO_* không hợp lệ (invalid GIAMNGHEO_* setting): {exc}"
            ) from exc
        overrides = {k: v for k, v in overrides.items() if v is not None}
        if "inbox" in overrides:
            overrides["inbox"] = Path(overrides["inbox"]).expanduser().absolute()
        settings = replace(settings, **overrides)
        if (
            settings.max_workers < 1
            or settings.read_batch < 1
            or settings.load_batch < 1
            or settings.settle_seconds < 0
            or settings.lock_timeout < 0
            or settings.read_timeout < 0
            or settings.max_uncompressed_mb < 1
            or settings.data_docs_keep < 1
            or settings.max_issues < 1
        ):
            raise ConfigurationError(
                "GIAMNGHEO_MAX_WORKERS, GIAMNGHEO_READ_BATCH, GIAMNGHEO_LOAD_BATCH, "
                "GIAMNGHEO_DATA_DOCS_KEEP, "
                "GIAMNGHEO_MAX_ISSUES phải ≥ 1; "
                "GIAMNGHEO_SETTLE_SECONDS, GIAMNGHEO_LOCK_TIMEOUT, GIAMNGHEO_READ_TIMEOUT phải ≥ 0 "
                "(must be ≥ 1 and ≥ 0)."
            )
        return settings


def _names(text: str) -> tuple[str, ...]:
    """Comma- or semicolon-separated names, trimmed, empty ones dropped."""
    return tuple(n.strip() for n in text.replace(";", ",").split(",") if n.strip())
