"""The JSON API: signing in, what each role may reach, and uploads that get the nightly flow's
verdict at once."""

import io
import time

import pytest
from openpyxl import load_workbook

from giamngheo.web.app import COOKIE
from tests.web.conftest import PASSWORDS, signed_in

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]


def audited(app, name: str, action: str) -> bool:
    """Whether the audit table holds an entry of this account doing this."""
    return any(
        (e["name"], e["action"]) == (name, action) for e in app.state.app.accounts.audit(500)
    )


def test_signing_in_sets_a_signed_httponly_samesite_cookie_and_a_wrong_password_is_401(app):
    from fastapi.testclient import TestClient

    client = TestClient(app)
    answer = client.post(
        "/api/login", json={"username": "dienhoa", "password": PASSWORDS["dienhoa"]}
    )
    assert answer.status_code == 200
    assert answer.json()["role"] == "commune" and answer.json()["unit_code"] == "19834"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    token = client.cookies[COOKIE]
    assert "." in token  # the session token and its signature
    tampered = TestClient(app, cookies={COOKIE: token[:-1] + ("0" if token[-1] != "0" else "1")})
    assert tampered.get("/api/submissions").status_code == 401
    wrong = TestClient(app).post("/api/login", json={"username": "dienhoa", "password": "sai"})
    assert wrong.status_code == 401 and "Sai tên tài khoản hoặc mật khẩu" in wrong.json()["error"]
    unknown = TestClient(app).post("/api/login", json={"username": "ai-do", "password": "sai"})
    assert unknown.status_code == 401 and unknown.json() == wrong.json()  # names are not told
    assert audited(app, "dienhoa", "login")


def test_no_session_is_401_and_a_role_without_the_right_403(app, as_role):
    from fastapi.testclient import TestClient

    anonymous = TestClient(app)
    for method, path in [
        ("get", "/api/submissions"),
        ("get", "/api/completeness?year=2024"),
        ("get", "/api/reports"),
        ("post", "/api/sql"),
        ("post", "/api/rerun"),
        ("post", "/api/submissions"),
    ]:
        assert getattr(anonymous, method)(path).status_code == 401, path
    assert as_role("phantich").get("/api/submissions").status_code == 403
    assert as_role("phantich").get("/api/reports").status_code == 403
    assert as_role("dienhoa").post("/api/sql", json={"query": "select 1"}).status_code == 403
    no_token = signed_in(app, "admin")
    del no_token.headers["X-CSRF-Token"]
    refused = no_token.post("/api/rerun", json={"failed": True})
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]


def test_a_commune_account_reaches_its_own_villages_only(as_role):
    dien_hoa = as_role("dienhoa").get("/api/submissions").json()
    assert len(dien_hoa) == 22 and {s["village_code"][:5] for s in dien_hoa} == {"19834"}
    other = as_role("thitran")
    assert other.get("/api/submissions").json() == []
    some = dien_hoa[0]["submission_id"]
    assert other.get(f"/api/submissions/{some}").status_code == 404
    assert other.get(f"/api/submissions/{some}/feedback").status_code == 404
    assert other.get("/api/submissions/0123456789abcdef").status_code == 404  # the same answer
    assert other.get("/api/completeness?year=2024&unit=19834").status_code == 404
    mine = as_role("dienhoa").get(f"/api/submissions/{some}").json()
    assert mine["submission_id"] == some and "issues" in mine and mine["versions"]
    # a province account reaches every commune of its province
    assert len(as_role("hue").get("/api/submissions").json()) == 22


def test_completeness_counts_what_the_registry_expects(as_role):
    commune = as_role("dienhoa").get("/api/completeness?year=2024").json()
    assert commune["unit"] == "19834" and commune["name"] == "Xã Điền Hòa"
    top, *villages = commune["rows"]
    assert (top["expected"], top["sent"], top["loaded"], top["missing"]) == (11, 11, 11, 0)
    assert top["loaded_rate_pct"] == 100.0 and len(villages) == 11
    assert {v["state"] for v in villages} == {"loaded"}
    district = as_role("hue").get("/api/completeness?year=2024&unit=476").json()
    by_code = {r["code"]: r for r in district["rows"]}
    assert by_code["19834"]["loaded"] == 11 and by_code["19819"]["loaded"] == 0
    assert by_code["476"]["expected"] == sum(
        r["expected"] for r in district["rows"] if r["level"] == "commune"
    )
    assert by_code["19819"]["missing"] == by_code["19819"]["expected"] > 0
    country = as_role("admin").get("/api/completeness?year=2024").json()
    assert [r["code"] for r in country["rows"]] == ["46"]


def listed(home, village: str, year: int) -> bytes:
    """A village's workbook as it was sent."""
    return (home / "inbox" / village[:5] / f"{village}_{year}.xlsx").read_bytes()


def edited(data: bytes, sheet: str, cell: str, value) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    wb[sheet][cell] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_upload_gets_the_flows_verdict_with_its_issues_and_feedback(app, web_home, as_role):
    client = as_role("dienhoa")
    good = edited(listed(web_home, "19834-03", 2025), "Thông tin chung", "B11", "Cán bộ sửa lại")
    bad = edited(listed(web_home, "19834-04", 2025), "Danh sách hộ", "E2", 45)
    started = time.perf_counter()
    answer = client.post(
        "/api/submissions",
        files=[("files", ("thon3.xlsx", good)), ("files", ("thon4.xlsx", bad))],
    )
    assert answer.status_code == 200, answer.text
    assert time.perf_counter() - started < 60
    verdicts = {v["file"]: v for v in answer.json()}
    assert verdicts["thon3.xlsx"]["status"] == "loaded" and verdicts["thon3.xlsx"]["issues"] == []
    rejected = verdicts["thon4.xlsx"]
    assert (rejected["status"], rejected["village_code"], rejected["year"]) == (
        "rejected",
        "19834-04",
        2025,
    )
    assert [(i["code"], i["sheet"], i["cell"]) for i in rejected["issues"]] == [
        ("HH-MEMBERS", "Danh sách hộ", "E2")
    ]
    assert "Số nhân khẩu" in rejected["issues"][0]["column"]
    sid = rejected["submission_id"]
    workbook = client.get(f"/api/submissions/{sid}/feedback")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    assert load_workbook(io.BytesIO(workbook.content)).sheetnames[0] == "Lỗi"
    assert as_role("thitran").get(f"/api/submissions/{sid}/feedback").status_code == 404
    # the corrected list superseded the one before it
    versions = client.get(f"/api/submissions/{verdicts['thon3.xlsx']['submission_id']}").json()[
        "versions"
    ]
    assert [v["status"] for v in versions] == ["superseded", "loaded"]
    # the same file again is not processed again, and says so
    again = client.post("/api/submissions", files=[("files", ("lai.xlsx", bad))]).json()
    assert again[0]["status"] == "rejected" and "đã được gửi trước đó" in again[0]["message_vi"]
    assert audited(app, "dienhoa", "upload") and audited(app, "dienhoa", "download")


def test_a_dry_run_checks_and_loads_nothing(app, web_home, as_role):
    client = as_role("dienhoa")
    before = client.get("/api/submissions").json()
    bad = edited(listed(web_home, "19834-05", 2025), "Danh sách hộ", "E3", 0)
    answer = client.post(
        "/api/submissions", data={"dry_run": "true"}, files=[("files", ("thu.xlsx", bad))]
    )
    [verdict] = answer.json()
    assert verdict["status"] == "rejected" and "Kiểm tra thử" in verdict["message_vi"]
    assert [i["cell"] for i in verdict["issues"]] == ["E3"]
    good = listed(web_home, "19834-06", 2025)
    [fine] = client.post(
        "/api/submissions", data={"dry_run": "1"}, files=[("files", ("t.xlsx", good))]
    ).json()
    assert fine["status"] == "checked"
    assert client.get("/api/submissions").json() == before
    assert not any((web_home / "inbox" / "web").rglob("thu.xlsx"))
    assert audited(app, "dienhoa", "dry-run")


def test_a_list_of_another_commune_is_refused_whole(web_home, as_role):
    client = as_role("thitran")
    [verdict] = client.post(
        "/api/submissions",
        files=[
            (
                "files",
                (
                    "x.xlsx",
                    edited(listed(web_home, "19834-07", 2025), "Thông tin chung", "B11", "khác"),
                ),
            )
        ],
    ).json()
    assert verdict["status"] == "refused" and "ngoài phạm vi" in verdict["message_vi"]
    assert (
        as_role("admin").get("/api/submissions").json()
        == as_role("dienhoa").get("/api/submissions").json()
    )


def test_rerun_of_the_failed_lists_in_reach(app, web_home, as_role):
    client = as_role("dienhoa")
    bad = edited(listed(web_home, "19834-08", 2025), "Danh sách hộ", "E2", 0)
    [sent] = client.post("/api/submissions", files=[("files", ("thon8.xlsx", bad))]).json()
    assert sent["status"] == "rejected"
    rejected = [
        s["submission_id"]
        for s in client.get("/api/submissions").json()
        if s["status"] == "rejected"
    ]
    assert rejected
    answer = client.post("/api/rerun", json={"failed": True})
    assert answer.status_code == 200
    assert sorted(v["submission_id"] for v in answer.json()) == sorted(rejected)
    assert {v["status"] for v in answer.json()} == {"rejected"}  # the rule did not change
    assert as_role("thitran").post("/api/rerun", json={"failed": True}).json() == []
    assert as_role("thitran").post("/api/rerun", json={"ids": rejected}).status_code == 409
    assert client.post("/api/rerun", json={}).status_code == 400
    assert audited(app, "dienhoa", "rerun")


def test_reports_are_listed_and_downloaded_within_reach(app, as_role):
    reports = as_role("hue").get("/api/reports").json()
    assert {r["name"] for r in reports} >= {"bao_cao_476_2024.xlsx", "bao_cao_476_2025.xlsx"}
    assert [r["name"] for r in as_role("hue").get("/api/reports?year=2024").json()] == [
        "bao_cao_476_2024.xlsx"
    ]
    workbook = as_role("hue").get("/api/reports/bao_cao_476_2024.xlsx")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    assert as_role("dienhoa").get("/api/reports").json() == []  # a district's report is above it
    assert as_role("dienhoa").get("/api/reports/bao_cao_476_2024.xlsx").status_code == 404
    assert (
        as_role("hue").get("/api/reports/..%2F..%2Fwarehouse%2Fgiamngheo.duckdb").status_code == 404
    )
    assert audited(app, "hue", "download")


def test_an_analysts_sql_sees_no_household_name_and_cannot_reach_files(app, as_role):
    client = as_role("phantich")
    answer = client.post("/api/sql", json={"query": "select * from households limit 5"}).json()
    assert "head_name" not in answer["columns"] and "household_code" not in answer["columns"]
    assert "household_key" in answer["columns"] and len(answer["rows"]) == 5
    names = client.post("/api/sql", json={"query": "select head_name from households"})
    assert names.status_code == 400 and "head_name" in names.json()["error"]
    for query in (
        "select * from read_csv('/etc/passwd')",
        "copy households to '/tmp/out.csv'",
        "delete from households",
        "attach '/tmp/x.duckdb' as x",
    ):
        assert client.post("/api/sql", json={"query": query}).status_code == 400, query
    counted = client.post(
        "/api/sql", json={"query": "select count(*) as n from submissions"}
    ).json()
    assert counted["rows"][0]["n"] >= 22
    assert audited(app, "phantich", "sql")


def test_five_failed_sign_ins_lock_the_account_for_a_minute_and_say_so(app):
    from fastapi.testclient import TestClient

    from giamngheo.web.accounts import Accounts

    accounts = app.state.app.accounts
    accounts.add("thu-khoa", "commune", "19834", "mat-khau-dung-1")
    client = TestClient(app)
    codes = [
        client.post("/api/login", json={"username": "thu-khoa", "password": "sai"}).status_code
        for _ in range(5)
    ]
    assert codes == [401, 401, 401, 401, 429]
    locked = client.post("/api/login", json={"username": "thu-khoa", "password": "mat-khau-dung-1"})
    assert locked.status_code == 429 and "tạm khóa" in locked.json()["error"]
    audit = [e for e in accounts.audit() if e["name"] == "thu-khoa"]
    assert [e["outcome"] for e in audit][:2] == ["locked", "locked"]
    assert isinstance(accounts, Accounts)


def test_the_submissions_page_comes_in_pages_of_one_status_or_all(as_role, monkeypatch):
    from giamngheo.web import data

    monkeypatch.setattr(data, "PAGE_ROWS", 5)
    client = as_role("hue")
    first = client.get("/submissions?year=2024").text
    assert "Trang 1/3 · 11 hồ sơ" in first and first.count("<tr>") == 1 + 5  # header and rows
    last = client.get("/submissions?year=2024&page=9").text  # past the end: the last page
    assert "Trang 3/3" in last and last.count("<tr>") == 1 + 1
    loaded = client.get("/submissions?year=2024&status=loaded&page=2").text
    assert "status=loaded&page=3" in loaded and "status=loaded&page=1" in loaded
    assert "Chưa có hồ sơ nào" in client.get("/submissions?year=2024&status=superseded").text
    odd = client.get("/submissions?year=2024&status=<script>&page=x")
    assert odd.status_code == 200 and "<script>" not in odd.text and "Trang 1/3" in odd.text


def test_the_verdict_comes_once_the_snapshot_holds_it_and_the_reports_follow(
    web_home, as_role, monkeypatch
):
    import threading

    from giamngheo.flows import nightly

    writing, release = threading.Event(), threading.Event()
    write_reports = nightly.write_pending_reports

    def held_reports(settings):
        writing.set()
        release.wait(120)
        return write_reports(settings)

    monkeypatch.setattr(nightly, "write_pending_reports", held_reports)
    report = web_home / "reports" / "bao_cao_476_2025.xlsx"
    before = report.stat().st_mtime_ns
    data = edited(listed(web_home, "19834-07", 2025), "Thông tin chung", "B11", "Người sửa sớm")
    client = as_role("dienhoa")
    try:
        answer = client.post("/api/submissions?wait=60", files=[("files", ("som.xlsx", data))])
        assert answer.status_code == 200 and [v["status"] for v in answer.json()] == ["loaded"]
        assert writing.is_set() and report.stat().st_mtime_ns == before  # reports still owed
    finally:
        release.set()
    deadline = time.monotonic() + 120  # the run goes on and rewrites the district's report
    while report.stat().st_mtime_ns == before:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    queued = client.post("/api/submissions?wait=60", files=[("files", ("som.xlsx", data))])
    assert [v["status"] for v in queued.json()] == ["loaded"]  # the same bytes: said, not rerun
    assert "đã được gửi trước đó" in queued.json()[0]["message_vi"]
