"""The web app in a real browser: Debian's chromium driven by Playwright signs in as each role,
uploads a good and a bad file, downloads the feedback, opens completeness and a report."""

import io
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.web.conftest import PASSWORDS
from tests.web.test_api import edited, listed

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.usefixtures("prefect_harness"),
    pytest.mark.skipif(not CHROMIUM, reason="chromium renders the pages (.ci/run installs it)"),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page_as(browser, live):
    contexts = []

    def open_as(name: str, phone: bool = False):
        size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        context = browser.new_context(viewport=size, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("dialog", lambda d: problems.append(f"dialog: {d.message}") or d.dismiss())
        page.problems = problems
        page.goto(f"{live}/completeness")
        assert "/login" in page.url  # not signed in: sent to sign in
        page.fill("input[name=username]", name)
        page.fill("input[name=password]", PASSWORDS[name])
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_a_commune_officer_uploads_a_good_and_a_bad_list_and_downloads_the_feedback(
    web_home, page_as, tmp_path
):
    page = page_as("dienhoa")
    assert page.url.endswith("/completeness")
    assert "Tiến độ gửi danh sách năm" in page.inner_text(
        "h1"
    ) and "Xã Điền Hòa" in page.inner_text("h1")
    assert page.locator("table.data tbody tr").count() == 12  # the commune and its 11 villages
    good = tmp_path / "thon10.xlsx"
    good.write_bytes(
        edited(listed(web_home, "19834-10", 2025), "Thông tin chung", "B11", "Người sửa")
    )
    bad = tmp_path / "thon11.xlsx"
    bad.write_bytes(edited(listed(web_home, "19834-11", 2025), "Danh sách hộ", "F2", "1,5tr"))
    page.click("text=Gửi danh sách")
    page.set_input_files("input[type=file]", [str(good), str(bad)])
    assert "thon10.xlsx" in page.inner_text("#chosen")
    page.click("form#upload button[type=submit]")
    page.wait_for_url("**/jobs/**")
    page.wait_for_selector("article.verdict", timeout=120_000)
    verdicts = {a.locator("h2").inner_text(): a for a in page.locator("article.verdict").all()}
    assert any("thon10.xlsx" in k and "Đã nạp" in v.inner_text() for k, v in verdicts.items())
    rejected = next(v for k, v in verdicts.items() if "thon11.xlsx" in k)
    assert "Bị từ chối" in rejected.inner_text() and "F2" in rejected.inner_text()
    with page.expect_download() as download:
        rejected.locator("a:has-text('Tải tệp phản hồi')").click()
    feedback = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert feedback.sheetnames[0] == "Lỗi" and feedback["Danh sách hộ"]["F2"].comment is not None
    page.screenshot(path=str(tmp_path / "verdict.png"), full_page=True)
    assert page.problems == []


def test_a_province_officer_drills_down_and_reads_a_report(page_as):
    page = page_as("hue")
    page.click("text=Huyện Phong Điền")
    page.wait_for_load_state()
    assert "Huyện Phong Điền" in page.inner_text("h1")
    page.click("text=Xã Điền Hòa")
    assert "Thôn 3" in page.inner_text("table.data")
    page.click("text=Báo cáo")
    page.click("text=Tổng hợp >> nth=0")
    page.wait_for_load_state()
    assert "Tổng hợp kết quả rà soát" in page.inner_text("h1")
    assert page.locator(".chart-row").count() >= 1
    with page.expect_download() as download:
        page.goto(page.url.split("/reports")[0] + "/reports")
        page.click("text=bao_cao_476_2024.xlsx")
    assert download.value.suggested_filename == "bao_cao_476_2024.xlsx"
    assert page.problems == []


def test_an_analyst_queries_the_snapshot_and_sees_no_upload(page_as):
    page = page_as("phantich")
    assert page.locator("nav a", has_text="Gửi danh sách").count() == 0  # no upload
    page.click("text=Truy vấn")
    page.fill(
        "textarea[name=query]",
        "select commune_code, year, poor_households from commune_poverty order by all",
    )
    page.click("button[value=table]")
    page.wait_for_load_state()
    assert "19834" in page.inner_text("table.data")
    page.fill("textarea[name=query]", "select head_name from households")
    page.click("button[value=table]")
    page.wait_for_load_state()
    assert "head_name" in page.inner_text("p.error")
    page.click("text=Bảng dữ liệu")
    assert "village_poverty" in page.inner_text("main")
    assert page.goto(page.url.rsplit("/", 1)[0] + "/upload").status == 403
    # the refused query answers 400, the upload page 403: nothing else went wrong
    assert [p for p in page.problems if "(Bad Request)" not in p and "(Forbidden)" not in p] == []


def test_an_admin_sees_the_accounts_and_the_audit_and_a_phone_shows_the_pages(page_as):
    page = page_as("admin")
    page.click("text=Quản trị")
    assert "dienhoa" in page.inner_text("main") and "login" in page.inner_text("main")
    phone = page_as("dienhoa", phone=True)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the screen: wide tables scroll in their box
    assert phone.problems == []
