"""Hostile uploads: each is refused with a message, or waits and says so, and nothing half
written or misplaced reaches the inbox."""

import io
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from openpyxl import load_workbook

from tests.web.test_api import edited, listed

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]


def inbox_files(home: Path) -> set[str]:
    return {str(p.relative_to(home / "inbox")) for p in (home / "inbox").rglob("*") if p.is_file()}


def leftovers(home: Path) -> list[Path]:
    return (
        [p for p in (home / "uploads").rglob("*") if p.is_file()]
        if (home / "uploads").exists()
        else []
    )


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("../../warehouse/evil.xlsx", "đường dẫn"),
        ("..\\evil.xlsx", "đường dẫn"),
        ("thon\x1b[31m3.xlsx", "ký tự điều khiển"),
        ("thon\u202e3.xlsx", "ký tự điều khiển"),
        ("ghi-chu.pdf", "Chỉ nhận tệp bảng tính"),
        (".an.xlsx", "đường dẫn"),
        ("", "Tên tệp trống"),
    ],
)
def test_a_bad_file_name_is_refused_and_nothing_is_written(web_home, as_role, name, says):
    before = inbox_files(web_home)
    answer = as_role("dienhoa").post("/api/submissions", files=[("files", (name, b"PK\x03\x04"))])
    assert answer.status_code == 200
    [verdict] = answer.json()
    assert verdict["status"] == "refused" and says in verdict["message_vi"], verdict
    assert inbox_files(web_home) == before and leftovers(web_home) == []
    assert not (web_home / "warehouse" / "evil.xlsx").exists()


def test_a_file_over_the_size_limit_is_refused_and_a_body_over_the_cap_is_413(web_settings, app):
    from dataclasses import replace

    from fastapi.testclient import TestClient

    from giamngheo.web.app import create_app
    from tests.web.conftest import signed_in

    small = replace(web_settings, max_file_mb=1)
    with TestClient(create_app(small, warm=False)) as client:
        session = signed_in(client.app, "dienhoa")
        [verdict] = session.post(
            "/api/submissions", files=[("files", ("lon.xlsx", b"x" * 1_500_000))]
        ).json()
        assert verdict["status"] == "refused" and "lớn hơn 1 MB" in verdict["message_vi"]
        cap = 1_000_000 * 50 + 1_000_000
        huge = session.post(
            "/api/submissions",
            content=b"x" * 16,
            headers={
                "content-type": "multipart/form-data; boundary=x",
                "content-length": str(cap + 1),
            },
        )
        assert huge.status_code == 413
    assert leftovers(small.home) == []


def test_a_file_that_is_no_spreadsheet_is_rejected_by_the_flow_with_its_reason(as_role):
    [verdict] = (
        as_role("dienhoa")
        .post(
            "/api/submissions", files=[("files", ("anh.xlsx", b"\x89PNG\r\n\x1a\n" + b"0" * 200))]
        )
        .json()
    )
    assert verdict["status"] == "rejected" and verdict["file"] == "anh.xlsx"
    [issue] = verdict["issues"]
    assert issue["code"] == "FILE-NOT-SPREADSHEET" and "ảnh PNG" in issue["message_vi"]


HOLD_LOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()
"""


def test_an_upload_while_another_run_writes_waits_and_says_so(web_home, web_settings, as_role):
    client = as_role("dienhoa")
    lock = web_settings.warehouse_path.with_suffix(".lock")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(lock)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        data = edited(listed(web_home, "19834-08", 2025), "Thông tin chung", "B11", "chờ lượt")
        answer = client.post("/api/submissions?wait=2", files=[("files", ("cho.xlsx", data))])
        assert answer.status_code == 202
        job = answer.json()
        assert job["state"] == "waiting" and "Đang chờ một lần nạp khác" in job["message_vi"]
        page = client.get(f"/jobs/{job['job']}")
        assert "Đang chờ một lần nạp khác" in page.text and 'http-equiv="refresh"' in page.text
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
    deadline = time.monotonic() + 120
    while (done := client.get(f"/api/jobs/{job['job']}")).status_code == 202:
        assert time.monotonic() < deadline
        time.sleep(0.5)
    assert [v["status"] for v in done.json()] == ["loaded"]


def test_a_connection_dropped_mid_upload_leaves_nothing_behind(web_home, live, as_role):
    before = inbox_files(web_home)
    session = as_role("dienhoa")
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    body = (
        b'--b\r\nContent-Disposition: form-data; name="files"; filename="dut.xlsx"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + b"PK" + b"0" * 200_000
    )
    url = urlparse(live)
    with socket.create_connection((url.hostname, url.port)) as conn:
        conn.sendall(
            b"POST /api/submissions HTTP/1.1\r\nHost: x\r\n"
            + f"Cookie: {cookie}\r\nX-CSRF-Token: {session.headers['X-CSRF-Token']}\r\n".encode()
            + b"Content-Type: multipart/form-data; boundary=b\r\n"
            + f"Content-Length: {len(body) + 5_000_000}\r\n\r\n".encode()
            + body
        )
        time.sleep(0.5)
    time.sleep(1.0)
    assert inbox_files(web_home) == before and leftovers(web_home) == []


def test_html_in_a_file_name_or_a_cell_is_shown_as_text_on_every_page(web_home, as_role):
    client = as_role("dienhoa")
    script = "<script>alert(1)</script>"
    data = edited(listed(web_home, "19834-09", 2025), "Danh sách hộ", "E2", script)
    name = "<img src=x onerror=alert(2)>.xlsx"
    [verdict] = client.post("/api/submissions", files=[("files", (name, data))]).json()
    assert verdict["status"] == "rejected" and verdict["file"] == name
    sid = verdict["submission_id"]
    pages = [client.get(p).text for p in ("/submissions?year=2025", f"/submissions/{sid}")]
    for html in pages:
        assert "<img src=x" not in html and "<script>alert" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;.xlsx" in pages[0]
    assert "&lt;script&gt;" in pages[1] or "…" in pages[1]  # quoted, or hidden as a name would be
    workbook = load_workbook(io.BytesIO(client.get(f"/api/submissions/{sid}/feedback").content))
    assert workbook["Lỗi"].max_row >= 2
