"""The one settings object: defaults for a local run, overridable by GIAMNGHEO_* variables."""

from __future__ import annotations

import os
from dataclasses import Field, asdict, dataclass, field, fields
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


def knob(default: object, minimum: float | None = None) -> object:
    """A setting read from GIAMNGHEO_<NAME> (its field's name in capitals): its default and
    the least value it may take."""
    return field(default=default, metadata={"minimum": minimum})


@dataclass(frozen=True)
class Settings:
    """Where everything lives under the home folder, and the knobs of a run.

    The home is GIAMNGHEO_HOME (default ./data) and the inbox GIAMNGHEO_INBOX (default
    <home>/inbox); every knob below is GIAMNGHEO_<ITS NAME> (GIAMNGHEO_MAX_WORKERS, …).
    """

    home: Path
    inbox: Path
    # a file modified more recently than this is still being written, and waits for next run
    settle_seconds: float = knob(2.0, 0)
    max_workers: int = knob(os.cpu_count() or 1, 1)  # parallel readers
    read_batch: int = knob(500, 1)  # most files per parsing task
    load_batch: int = knob(2000, 1)  # files read, checked and staged at a time: bounds memory
    lock_timeout: float = knob(30.0, 0)  # seconds a run waits for another run's writer lock
    # seconds one file may take to read, in a child process killed when it overruns (the file
    # gets FILE-TIMEOUT); 0 reads in the task's own process, without a limit
    read_timeout: float = knob(120.0, 0)
    # a file beyond one of these is refused with an issue
    max_uncompressed_mb: int = knob(200, 1)  # what a workbook unpacks to
    max_file_mb: int = knob(50, 1)
    max_sheets: int = knob(50, 1)
    max_rows: int = knob(100_000, 1)  # per sheet
    max_text: int = knob(10_000, 1)  # characters in one cell
    # headers of columns villages add outside the template ("Nghề nghiệp, Ghi chú khác") whose
    # values an administrator allows in the analyst snapshot, masked; none by default
    snapshot_extra_columns: tuple[str, ...] = knob(())
    data_docs_keep: int = knob(30, 1)  # runs whose validation pages are kept
    max_issues: int = knob(500, 1)  # issues kept per file, the rest counted in one

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
        """Settings from the environment, with an explicit home (e.g. --home) and `overrides`
        taking precedence."""
        unknown = set(overrides) - {f.name for f in fields(cls)}
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        env = os.environ
        home_path = Path(home or env.get("GIAMNGHEO_HOME") or "data").expanduser().absolute()
        inbox = overrides.pop("inbox", None) or env.get("GIAMNGHEO_INBOX")
        values: dict[str, object] = {}
        for f in fields(cls)[2:]:
            variable = f"GIAMNGHEO_{f.name.upper()}"
            raw = overrides.get(f.name)
            if raw is None and variable in env:
                raw = env[variable]
            if raw is not None:
                values[f.name] = _value(variable, f, raw)
        return cls(
            home=home_path,
            inbox=Path(inbox).expanduser().absolute() if inbox else home_path / "inbox",
            **values,
        )


def _value(variable: str, knob: Field, raw: object) -> object:
    """A knob's value from its variable (or an override), checked against its minimum."""
    kind = type(knob.default)
    try:
        if kind is tuple:
            return _names(raw) if isinstance(raw, str) else tuple(raw)
        value = kind(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(
            f"{variable} không hợp lệ (invalid setting): {raw!r} không phải là số (not a number)"
        ) from exc
    least = knob.metadata["minimum"]
    if least is not None and value < least:
        raise ConfigurationError(
            f"{variable} phải từ {least} trở lên (must be at least {least}): {raw!r}"
        )
    return value


def _names(text: str) -> tuple[str, ...]:
    """Comma- or semicolon-separated names, trimmed, empty ones dropped."""
    return tuple(n.strip() for n in text.replace(";", ",").split(",") if n.strip())
