"""The one settings object: defaults for a local run, overridable by GIAMNGHEO_* variables."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from giamngheo.errors import ConfigurationError
from giamngheo.workbooks.reader import ReaderLimits

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


@dataclass(frozen=True)
class Settings:
    """Where everything lives under the home folder, and the knobs of a run.

    Environment: GIAMNGHEO_HOME (default ./data), GIAMNGHEO_INBOX (default <home>/inbox),
    GIAMNGHEO_SETTLE_SECONDS (a file modified more recently than this is still being written
    and waits for the next run; default 2), GIAMNGHEO_MAX_WORKERS (parallel readers; default
    the number of CPUs), GIAMNGHEO_READ_BATCH (files per parsing task; default 25),
    GIAMNGHEO_LOCK_TIMEOUT (seconds a run waits for another run's writer lock; default 30),
    GIAMNGHEO_MAX_UNCOMPRESSED_MB (a workbook that unpacks to more is refused; default 200).
    """

    home: Path
    inbox: Path
    settle_seconds: float = 2.0
    max_workers: int = os.cpu_count() or 1
    read_batch: int = 25
    lock_timeout: float = 30.0
    max_uncompressed_mb: int = 200

    @property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse" / "giamngheo.duckdb"

    @property
    def reader_limits(self) -> ReaderLimits:
        return ReaderLimits(max_uncompressed_bytes=self.max_uncompressed_mb * 1_000_000)

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
        return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()}

    @classmethod
    def from_parameters(cls, parameters: dict | None) -> Settings:
        """Settings from `to_parameters` output; missing keys come from the environment."""
        parameters = dict(parameters or {})
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
                read_batch=int(env.get("GIAMNGHEO_READ_BATCH", 25)),
                lock_timeout=float(env.get("GIAMNGHEO_LOCK_TIMEOUT", 30)),
                max_uncompressed_mb=int(env.get("GIAMNGHEO_MAX_UNCOMPRESSED_MB", 200)),
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
            or settings.settle_seconds < 0
            or settings.lock_timeout < 0
            or settings.max_uncompressed_mb < 1
        ):
            raise ConfigurationError(
                "GIAMNGHEO_MAX_WORKERS, GIAMNGHEO_READ_BATCH phải ≥ 1; GIAMNGHEO_SETTLE_SECONDS, "
                "GIAMNGHEO_LOCK_TIMEOUT phải ≥ 0 (must be ≥ 1 and ≥ 0)."
            )
        return settings
