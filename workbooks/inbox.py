"""What the inbox holds: regular files to read, fingerprinted, and everything else refused.

Only regular files inside the inbox are ever opened. A symbolic link (to a file, a workbook
elsewhere or a folder), a FIFO, a socket or a device is refused with an issue that names it,
and nothing behind it is read: `ln -s /etc/shadow inbox/x.xlsx` must not copy /etc/shadow
anywhere. Files are opened without following links (O_NOFOLLOW), so a file swapped for a link
after it was found is refused too.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from giamngheo.errors import ConfigurationError

if TYPE_CHECKING:  # the commands that hand a run to the service import this module: no pandas
    import pandas as pd

# Workbooks, and tables pasted into text (Excel's "Unicode text" is a .txt in UTF-16).
EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt")


@dataclass(frozen=True)
class Candidate:
    """A file found in the inbox, fingerprinted; or an entry refused without being opened
    (`refusal` names what it is, in Vietnamese and English)."""

    path: Path
    rel_path: str
    sha256: str
    size_bytes: int
    modified: dt.datetime
    refusal: tuple[str, str] | None = None
    only: frozenset[str] | None = None  # a rerun of some villages of the file: their ids

    @property
    def submission_id(self) -> str:
        return self.sha256[:16]


@dataclass
class Discovery:
    """What the inbox holds this run: files to process, and those passed over (and why)."""

    candidates: list[Candidate] = field(default_factory=list)
    already_loaded: list[str] = field(default_factory=list)
    still_writing: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # rerun: file no longer in the inbox
    changed: list[str] = field(default_factory=list)  # rerun: file edited since (a new version)
    hashed: dict[str, tuple[StatKey, str]] = field(default_factory=dict)  # read to fingerprint


# What a file's metadata says of its bytes: size, modification and change times (ns), inode.
StatKey = tuple[int, int, int, int]


# A file changed less than this many seconds ago is not remembered (it is hashed again next
# time): change times are kept at a coarse tick, and a second write within the same tick would
# leave the same metadata behind.
RECENT_CHANGE = 2.0


def stat_key(info: os.stat_result) -> StatKey:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def open_regular(path: Path) -> int:
    """A descriptor of `path` opened for reading, only if it is a regular file reached without
    following a link; OSError otherwise."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    return fd


def fingerprint(path: Path) -> str:
    """sha256 of a regular file's bytes (never through a link)."""
    digest = hashlib.sha256()
    with os.fdopen(open_regular(path), "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def copy_regular(source: Path, target: Path) -> None:
    """Copy a regular file's bytes (never through a link) to a new owner-only file."""
    with os.fdopen(open_regular(source), "rb") as src:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as dst:
            for chunk in iter(lambda: src.read(1 << 20), b""):
                dst.write(chunk)
    os.chmod(target, 0o600)


def check_inbox(inbox: Path) -> Path:
    """The inbox as a real folder path; ConfigurationError (exit 2) when it is missing or
    cannot be read, so a mistyped path is never taken for an empty inbox."""
    if not inbox.exists():
        raise ConfigurationError(
            f"Không có thư mục nhận tệp {inbox}. Kiểm tra lại đường dẫn (--inbox hoặc "
            f"GIAMNGHEO_INBOX). (The inbox {inbox} does not exist: check --inbox or "
            "GIAMNGHEO_INBOX.)"
        )
    if not inbox.is_dir():
        raise ConfigurationError(
            f"{inbox} không phải là thư mục. (The inbox {inbox} is not a folder.)"
        )
    if not os.access(inbox, os.R_OK | os.X_OK):
        raise ConfigurationError(
            f"Không đọc được thư mục nhận tệp {inbox} (không có quyền). "
            f"(The inbox {inbox} cannot be read: permission denied.)"
        )
    return inbox.resolve()


_KINDS = (
    (stat.S_ISLNK, "liên kết tượng trưng (symlink)", "a symbolic link"),
    (stat.S_ISFIFO, "ống dẫn (FIFO)", "a FIFO"),
    (stat.S_ISSOCK, "socket", "a socket"),
    (stat.S_ISCHR, "thiết bị (device)", "a device"),
    (stat.S_ISBLK, "thiết bị (device)", "a device"),
)


def _what(mode: int, path: Path) -> tuple[str, str] | None:
    """What a non-regular entry is, in Vietnamese and English; None for a regular file."""
    for test, vi, en in _KINDS:
        if test(mode):
            if stat.S_ISLNK(mode):
                target = os.readlink(path)
                return f"{vi} tới {target}", f"{en} to {target}"
            return vi, en
    return None


def walk(inbox: Path) -> list[tuple[str, os.stat_result]]:
    """Every entry under the inbox: its path from the inbox ("/" between folders) and its
    lstat (links are not followed; a linked folder is listed, not entered), sorted by path
    folder by folder. Paths stay strings: tens of thousands of `Path` objects cost more than
    the walk."""
    top = str(inbox)
    entries: list[tuple[str, os.stat_result]] = []
    for root, dirs, files in os.walk(top, followlinks=False):
        folder = os.path.relpath(root, top)
        prefix = "" if folder == "." else folder.replace(os.sep, "/") + "/"
        for name in dirs + files:
            try:
                info = os.lstat(os.path.join(root, name))
            except FileNotFoundError:
                continue  # removed while we looked
            if not stat.S_ISDIR(info.st_mode):
                entries.append((prefix + name, info))
    entries.sort(key=lambda entry: entry[0].split("/"))  # as paths sort: part by part
    return entries


def discover(
    inbox: Path,
    known: set[str],
    force: bool = False,
    settle_seconds: float = 2.0,
    hashes: dict[str, tuple[StatKey, str]] | None = None,
) -> Discovery:
    """Spreadsheets under `inbox`, minus lock files, files still being written, and files whose
    fingerprint was already processed (unless `force`); entries that are not regular files are
    refused. Sorted by path for a stable order.

    `hashes` are the fingerprints found before (`Warehouse.file_stats`): a file whose metadata
    is the same is not read again. The files read are in `Discovery.hashed`, to remember."""
    inbox = check_inbox(inbox)
    hashes = hashes or {}
    found = Discovery()
    now = time.time()
    seen: set[str] = set()
    for rel, info in walk(inbox):
        name = rel.rsplit("/", 1)[-1]
        if name.startswith(("~$", ".")):
            found.ignored.append(rel)
            continue
        refusal = None if stat.S_ISREG(info.st_mode) else _what(info.st_mode, inbox / rel)
        if refusal is None and os.path.splitext(name)[1].lower() not in EXTENSIONS:
            found.ignored.append(rel)
            continue
        if refusal is None and 0 <= now - info.st_mtime < settle_seconds:
            found.still_writing.append(rel)  # a time in the future counts as settled
            continue
        where = os.path.join(inbox, rel)
        if refusal is None:
            key = stat_key(info)
            before = hashes.get(where)
            if before is not None and before[0] == key:
                sha = before[1]
            else:
                try:
                    sha = fingerprint(Path(where))
                    if now - info.st_ctime >= RECENT_CHANGE:
                        found.hashed[where] = (key, sha)
                except OSError as exc:  # swapped for a link, or unreadable, since we looked
                    refusal = ("không mở được", f"cannot be opened ({exc.strerror})")
        if refusal is not None:
            sha = refused_fingerprint(rel, refusal[1])
        if sha in seen or (sha in known and not force):
            found.already_loaded.append(rel)
            continue
        seen.add(sha)
        found.candidates.append(
            Candidate(Path(where), rel, sha, info.st_size, _mtime(info.st_mtime), refusal)
        )
    return found


def refused_fingerprint(rel_path: str, what: str) -> str:
    """A stable fingerprint for an entry that is never opened: what it is, where."""
    return hashlib.sha256(f"not-a-regular-file\0{rel_path}\0{what}".encode()).hexdigest()


def rerun_candidates(chosen: pd.DataFrame, inbox: Path, force: bool = False) -> Discovery:
    """Files of processed submissions to process again (`giamngheo rerun`).

    `chosen` has submission_id, file_path, sha256 and status. A rejected submission is read
    again; a loaded or superseded one only with `force`. A file that is gone, is no longer a
    regular file, or whose bytes changed since (then it is a new version, which `ingest` picks
    up), is passed over.
    """
    found = Discovery()
    for (file_path, sha256), rows in chosen.groupby(["file_path", "sha256"], sort=True):
        path = inbox / file_path
        try:
            sha = fingerprint(path)
        except OSError:
            found.missing.append(file_path)
            continue
        if sha != sha256:
            found.changed.append(file_path)
            continue
        if not force:
            rows = rows[rows["status"] == "rejected"]
        if rows.empty:
            found.already_loaded.append(file_path)
            continue
        ids = set(rows["submission_id"])
        info = path.lstat()
        found.candidates.append(
            Candidate(
                path,
                file_path,
                sha256,
                info.st_size,
                _mtime(info.st_mtime),
                # some villages of a commune-wide file: only those are processed again
                only=None if sha256[:16] in ids else frozenset(ids),
            )
        )
    return found


def files_frame(candidates: list[Candidate], submissions: list) -> pd.DataFrame:
    """The file facts of each submission by submission_id (the villages of a commune-wide
    file share their file's), as `transforms.batch.decide` takes them."""
    import pandas as pd

    by_id = {c.submission_id: c for c in candidates}
    files = [by_id[s.source_id] for s in submissions]
    return pd.DataFrame(
        {
            "file_name": [c.path.name for c in files],
            "file_path": [c.rel_path for c in files],
            "sha256": [c.sha256 for c in files],
            "size_bytes": [c.size_bytes for c in files],
            "received_at": [c.modified for c in files],
        },
        index=pd.Index([s.submission_id for s in submissions], name="submission_id"),
    )


def _mtime(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp)
