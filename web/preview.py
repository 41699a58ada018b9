"""The web app's main pages as an officer sees them: screenshots taken by chromium.

    python -m giamngheo.web.preview HOME OUT_DIR

HOME is a loaded home (the demo's: `make web-preview` runs the demo first); it is copied, so
the screenshots change nothing in it. Accounts are made in the copy for a province officer
(the province of HOME's first district-level report), a commune officer of the commune whose
villages sent the most lists of the latest year, and an admin; the commune officer uploads one
of its villages' lists corrected and another with a mistyped income. Needs Playwright (a dev
extra) and chromium (Debian's `chromium` package).
"""

from __future__ import annotations

import io
import secrets
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

SHOTS = ("login", "completeness", "verdict", "summary", "phone")
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or not Path(args[0], "warehouse").is_dir():
        print("usage: python -m giamngheo.web.preview HOME OUT_DIR (HOME: a loaded home)")
        return 2
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("chromium is needed (apt-get install chromium)")
        return 2
    out = Path(args[1])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        shutil.copytree(args[0], home, ignore=shutil.ignore_patterns("*.lock", "preview"))
        shoot(home, Path(tmp), out, browser)
    for name in SHOTS:
        print(out / f"web-{name}.png")
    return 0


def shoot(home: Path, tmp: Path, out: Path, browser: str) -> None:
    from playwright.sync_api import sync_playwright

    from giamngheo.flows.settings import Settings

    settings = Settings.load(home, settle_seconds=0)
    commune, village_files = _busiest_commune(settings)
    province = commune_province(settings, commune)
    passwords = _accounts(home, province, commune)
    good, bad = _uploads(village_files[:2], tmp)
    with _served(settings) as url, sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=browser, args=["--no-sandbox"])
        page = chromium.new_page(viewport=DESKTOP)
        page.goto(f"{url}/login")
        page.screenshot(path=str(out / "web-login.png"))
        _sign_in(page, "tinh", passwords["tinh"])
        page.screenshot(path=str(out / "web-completeness.png"), full_page=True)
        page.goto(f"{url}/reports/summary?unit={province}")
        page.screenshot(path=str(out / "web-summary.png"), full_page=True)
        page.context.close()

        page = chromium.new_page(viewport=DESKTOP)
        page.goto(f"{url}/login")
        _sign_in(page, "xa", passwords["xa"])
        page.goto(f"{url}/upload")
        page.set_input_files("input[type=file]", [str(good), str(bad)])
        page.click("form#upload button[type=submit]")
        page.wait_for_selector("article.verdict", timeout=180_000)
        page.screenshot(path=str(out / "web-verdict.png"), full_page=True)
        page.context.close()

        phone = chromium.new_page(viewport=PHONE, device_scale_factor=2)
        phone.goto(f"{url}/login")
        _sign_in(phone, "xa", passwords["xa"])
        phone.screenshot(path=str(out / "web-phone.png"))
        chromium.close()


def _busiest_commune(settings) -> tuple[str, list[Path]]:
    """The commune with the most loaded lists of the latest year, and their files."""
    from giamngheo.warehouse.store import Warehouse

    with Warehouse(settings.published_path, read_only=True) as wh:
        rows = wh.fetch("submission_rows", year=None, ids=None)
    loaded = rows[(rows["status"] == "loaded") & (rows["year"] == rows["year"].max())]
    commune = loaded["commune_code"].value_counts().idxmax()
    mine = loaded[loaded["commune_code"] == commune].sort_values("village_code")
    return str(commune), [settings.inbox / p for p in mine["file"]]


def commune_province(settings, commune: str) -> str:
    from giamngheo.transforms.registry import registry_now
    from giamngheo.warehouse.store import Warehouse

    with Warehouse(settings.published_path, read_only=True) as wh:
        units = registry_now(wh.admin_units()).set_index("code")
    code = commune
    while units.loc[code, "level"] != "province":
        code = units.loc[code, "parent_code"]
    return str(code)


def _accounts(home: Path, province: str, commune: str) -> dict[str, str]:
    from giamngheo.web.accounts import Accounts

    accounts = Accounts(home)
    passwords = {name: secrets.token_urlsafe(12) for name in ("tinh", "xa", "quantri")}
    accounts.add("tinh", "province", province, passwords["tinh"])
    accounts.add("xa", "commune", commune, passwords["xa"])
    accounts.add("quantri", "admin", None, passwords["quantri"])
    return passwords


def _uploads(files: list[Path], tmp: Path) -> tuple[Path, Path]:
    """A village's list corrected (its preparer's name changed) and another village's with an
    income typed as text."""
    from openpyxl import load_workbook

    made = []
    for path, (sheet, cell, value) in zip(
        files,
        [("Thông tin chung", "B11", "Người sửa"), ("Danh sách hộ", "F2", "1,5tr")],
        strict=True,
    ):
        book = load_workbook(io.BytesIO(path.read_bytes()))
        book[sheet][cell] = value
        target = tmp / path.name
        book.save(target)
        made.append(target)
    return made[0], made[1]


def _sign_in(page, name: str, password: str) -> None:
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


class _served:
    """The app for `settings`, warm, served by uvicorn on a free port of loopback."""

    def __init__(self, settings):
        self.settings = settings

    def __enter__(self) -> str:
        import uvicorn

        from giamngheo.web.app import create_app

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        app = create_app(self.settings)
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 120
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.1)
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
