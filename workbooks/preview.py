"""Workbooks as a person sees them: rendered to PDF and PNG pages by LibreOffice (headless).

    python -m giamngheo.workbooks.preview OUT WORKBOOK...

writes OUT/<name>.pdf and OUT/<name>/trang-<n>.png for each workbook (what `make
report-preview` runs on the demo's reports). Needs LibreOffice (`soffice`) and poppler-utils
(`pdftoppm`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from giamngheo.errors import ConfigurationError

RENDER_TIMEOUT = 300  # seconds for LibreOffice to render one workbook


def _tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise ConfigurationError(
        f"Không tìm thấy {names[0]}: cài LibreOffice và poppler-utils để xem trước báo cáo. "
        f"({names[0]} not found: install LibreOffice and poppler-utils to preview reports.)"
    )


def render_pdf(workbook: Path, out: Path) -> Path:
    """The workbook printed to out/<name>.pdf by LibreOffice, as its print setup says."""
    soffice = _tool("soffice", "libreoffice")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:  # a profile of its own: runs side by side
        command = [soffice, "--headless", f"-env:UserInstallation=file://{profile}"]
        command += ["--convert-to", "pdf", "--outdir", str(out), str(workbook)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=RENDER_TIMEOUT)
    pdf = out / f"{workbook.stem}.pdf"
    if done.returncode != 0 or not pdf.exists():
        raise ConfigurationError(
            f"LibreOffice không in được {workbook.name} (LibreOffice could not render it): "
            f"{(done.stderr or done.stdout).strip()[-300:]}"
        )
    return pdf


def render_pngs(pdf: Path, resolution: int = 110) -> list[Path]:
    """Each page of the PDF as <pdf folder>/<name>/trang-<n>.png."""
    pages = pdf.with_suffix("")
    shutil.rmtree(pages, ignore_errors=True)
    pages.mkdir(parents=True)
    command = [_tool("pdftoppm"), "-png", "-r", str(resolution), str(pdf), str(pages / "trang")]
    subprocess.run(command, check=True, capture_output=True, timeout=RENDER_TIMEOUT)
    return sorted(pages.glob("trang-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2:
        print("usage: python -m giamngheo.workbooks.preview OUT WORKBOOK...", file=sys.stderr)
        return 2
    out, workbooks = Path(args[0]), [Path(a) for a in args[1:]]
    try:
        missing = [str(w) for w in workbooks if not w.is_file()]
        if missing:
            raise ConfigurationError(
                f"Không có tệp (no such file): {', '.join(missing)}. Chạy `make demo` trước "
                "(run `make demo` first)."
            )
        for workbook in workbooks:
            pdf = render_pdf(workbook, out)
            pngs = render_pngs(pdf)
            print(f"{pdf}  ({len(pngs)} trang / pages: {pngs[0].parent}/)")
    except ConfigurationError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
