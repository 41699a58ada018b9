"""What a submitted file really is, from its bytes (never from its extension).

Villages rename files freely: an ".xls" is often an HTML page or a CSV saved by some web
application, an ".xlsx" may be a password-protected container, a zip bomb, or a Word file.
`sniff` tells which, so the reader can read it or say exactly what it is.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

XLSX = "xlsx"  # also .xlsm: macros are never run, only cell values are read
XLS = "xls"
ODS = "ods"
HTML = "html"
CSV = "csv"

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_OTHER_KINDS = {
    b"%PDF": ("tệp PDF", "a PDF document"),
    b"\x89PNG": ("ảnh PNG", "a PNG image"),
    b"\xff\xd8\xff": ("ảnh JPEG", "a JPEG image"),
    b"Rar!": ("tệp nén RAR", "a RAR archive"),
    b"7z\xbc\xaf": ("tệp nén 7z", "a 7z archive"),
}


@dataclass(frozen=True)
class Sniffed:
    """The format a reader should use, or why there is none (`refusal` is an Issue code)."""

    format: str | None
    refusal: str | None = None
    detail_vi: str = ""
    detail_en: str = ""


def _refuse(code: str, vi: str, en: str) -> Sniffed:
    return Sniffed(None, code, vi, en)


def sniff(path: Path, max_uncompressed_bytes: int) -> Sniffed:
    """Identify a file by its content; refuse empty, encrypted, oversized or foreign files."""
    size = path.stat().st_size
    if size == 0:
        return _refuse("FILE-EMPTY", "tệp rỗng (0 byte)", "the file is empty (0 bytes)")
    with path.open("rb") as fh:
        head = fh.read(8192)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(path, max_uncompressed_bytes)
    if head.startswith(_OLE):
        return _sniff_ole(path)
    for magic, (vi, en) in _OTHER_KINDS.items():
        if head.startswith(magic):
            return _refuse("FILE-NOT-SPREADSHEET", vi, en)
    text = _decode_head(head)
    if text is None:
        return _refuse(
            "FILE-NOT-SPREADSHEET", "tệp không phải bảng tính", "not a spreadsheet or a text table"
        )
    lowered = text.lstrip().lower()
    if lowered.startswith(("<!doctype html", "<html", "<table", "<?xml", "<meta")) or (
        "<table" in lowered
    ):
        return Sniffed(HTML)
    return Sniffed(CSV)


def _sniff_zip(path: Path, limit: int) -> Sniffed:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            uncompressed = sum(info.file_size for info in archive.infolist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, KeyError) as exc:
        return _refuse(
            "FILE-UNREADABLE",
            "tệp nén bị hỏng hoặc gửi chưa hết",
            f"corrupt or truncated archive ({exc})",
        )
    if uncompressed > limit:
        return _refuse(
            "FILE-TOO-LARGE",
            f"nội dung giải nén {uncompressed // 1_000_000} MB vượt giới hạn {limit // 1_000_000} MB",
            f"uncompressed content {uncompressed:,} bytes exceeds the limit of {limit:,}",
        )
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return Sniffed(XLSX)
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return Sniffed(ODS)
    if "word/document.xml" in names:
        return _refuse("FILE-NOT-SPREADSHEET", "tệp Word (.docx)", "a Word document (.docx)")
    return _refuse(
        "FILE-NOT-SPREADSHEET", "tệp nén không chứa bảng tính", "a zip without a workbook"
    )


def _sniff_ole(path: Path) -> Sniffed:
    with path.open("rb") as fh:
        data = fh.read(1 << 20)
    if _ENCRYPTED in data:
        return _refuse(
            "FILE-PASSWORD",
            "tệp có đặt mật khẩu; hãy bỏ mật khẩu rồi gửi lại",
            "the workbook is password-protected",
        )
    if _WORD_STREAM in data:
        return _refuse("FILE-NOT-SPREADSHEET", "tệp Word (.doc)", "a Word document (.doc)")
    return Sniffed(XLS)


def _decode_head(head: bytes) -> str | None:
    """The start of a text file, if it is text (UTF-8, UTF-16 with BOM, or Windows-1258)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    if b"\x00" in head:
        return None
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return head.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
