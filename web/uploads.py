"""Files sent through the web app: received safely, checked against the sender's reach, then
put in the inbox for the nightly flow, which gives their verdict.

A file is written under `<home>/uploads/<job>/` as a temporary name and renamed once whole, so
a dropped connection leaves nothing behind; it reaches the inbox the same way (a `.part` name
the flow ignores, then a rename). A file name with a path or control characters, a file of
another kind or over `GIAMNGHEO_MAX_FILE_MB` is refused with a message before anything is
read. A file is read once to find its villages: a list of a village outside the sender's
reach is refused whole, and nothing of it is loaded. A dry run (`kiểm tra thử`) validates the
files as the flow would and loads nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from giamngheo.flows.settings import Settings
from giamngheo.workbooks.inbox import EXTENSIONS

NAME_LIMIT = 120
INBOX_FOLDER = "web"  # under the inbox: <inbox>/web/<YYYY-MM-DD>/<time>-<job>-<name>


@dataclass
class Received:
    """One file of an upload: its name as sent, and where it was kept, or why it was not."""

    sent_name: str
    name: str | None = None  # the name it is kept under
    path: Path | None = None
    size: int = 0
    refusal_vi: str = ""
    refusal_en: str = ""

    @property
    def refused(self) -> bool:
        return self.path is None


@dataclass
class Verdict:
    """What became of one list of an upload (one row per village of a commune-wide file)."""

    file: str
    submission_id: str | None = None
    village_code: str | None = None
    commune_code: str | None = None
    year: int | None = None
    status: str = "refused"  # loaded | rejected | superseded | checked | refused
    message_vi: str = ""
    message_en: str = ""
    issues: list[dict] = field(default_factory=list)
    feedback: bool = False  # a marked workbook can be downloaded

    def to_dict(self) -> dict:
        return {
            "submission_id": self.submission_id,
            "file": self.file,
            "village_code": self.village_code,
            "year": self.year,
            "status": self.status,
            "message_vi": self.message_vi,
            "message_en": self.message_en,
            "issues": self.issues,
        }


def safe_name(sent: str) -> tuple[str | None, str, str]:
    """The name a file is kept under, or None with why (Vietnamese, English). A name with a
    path, control or invisible characters is refused rather than changed: the sender is told
    to rename it, and no file is ever written where a name points."""
    if not sent or sent.strip() != sent or len(sent) > NAME_LIMIT:
        return None, "Tên tệp trống, quá dài hoặc có khoảng trắng ở đầu, cuối.", "Bad file name."
    if any(c in sent for c in "/\\") or sent in (".", "..") or sent.startswith("."):
        return (
            None,
            "Tên tệp không được chứa đường dẫn ('/', '\\', '..'): hãy đổi tên tệp rồi gửi lại.",
            "A file name may not hold a path: rename the file and send it again.",
        )
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co") for c in sent):
        return (
            None,
            "Tên tệp có ký tự điều khiển hoặc ký tự ẩn: hãy đổi tên tệp rồi gửi lại.",
            "The file name holds control or invisible characters: rename it and send it again.",
        )
    if os.path.splitext(sent)[1].lower() not in EXTENSIONS:
        kinds = ", ".join(EXTENSIONS)
        return (
            None,
            f"Chỉ nhận tệp bảng tính ({kinds}).",
            f"Only spreadsheets are accepted ({kinds}).",
        )
    return unicodedata.normalize("NFC", sent), "", ""


class TooLarge(Exception):
    """A file went past the size limit while it was being received."""


def keep(folder: Path, sent_name: str, chunks, limit_bytes: int) -> Received:
    """Write one uploaded file (an iterator of byte chunks) into `folder`, whole or not at all."""
    name, why_vi, why_en = safe_name(sent_name)
    if name is None:
        return Received(sent_name, refusal_vi=why_vi, refusal_en=why_en)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = folder / name
    if target.exists():  # the same name twice in one upload
        stem, suffix = os.path.splitext(name)
        n = 2
        while (folder / f"{stem} ({n}){suffix}").exists():
            n += 1
        target = folder / f"{stem} ({n}){suffix}"
    part = target.with_name(f".{target.name}.part")
    size = 0
    try:
        with part.open("wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > limit_bytes:
                    raise TooLarge
                out.write(chunk)
    except TooLarge:
        part.unlink(missing_ok=True)
        mb = limit_bytes // 1_000_000
        return Received(
            sent_name,
            refusal_vi=f"Tệp lớn hơn {mb} MB: không nhận.",
            refusal_en=f"The file is larger than {mb} MB: refused.",
        )
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, target)
    return Received(sent_name, target.name, target, size)


def into_inbox(settings: Settings, job_id: str, files: list[Path]) -> list[str]:
    """Move the files of a job into the inbox, each under a name of its own (an earlier file is
    never overwritten: a rerun reads it again). Their time is set to when they were received,
    so the flow does not take them for files still being written. Returns their inbox paths."""
    now = dt.datetime.now()
    folder = settings.inbox / INBOX_FOLDER / now.strftime("%Y-%m-%d")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    settled = time.time() - settings.settle_seconds - 1
    placed = []
    for source in files:
        target = folder / f"{now:%H%M%S}-{job_id[:6]}-{source.name}"
        part = target.with_name(f".{target.name}.part")
        shutil.copyfile(source, part)
        os.utime(part, (settled, settled))
        os.replace(part, target)
        placed.append(target.relative_to(settings.inbox).as_posix())
    return placed
