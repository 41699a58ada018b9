"""`giamngheo users`: the password comes from standard input (one line), never an argument."""

import subprocess
import sys

from tests.conftest import invoke

EXE = [
    sys.executable,
    "-c",
    "import sys; from giamngheo.cli import main; sys.argv[0] = 'giamngheo'; main()",
]


def run(home, *args, stdin=""):
    return subprocess.run(
        [*EXE, "--home", str(home), "users", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_users_add_reads_one_line_of_stdin_list_and_disable(tmp_path):
    home = tmp_path / "home"
    added = run(
        home, "add", "thu.hoa", "--role", "commune", "--unit", "19834", stdin="mật khẩu dài\n"
    )
    assert added.returncode == 0, added.stderr
    assert "Đã thêm tài khoản" in added.stdout and "mật khẩu" not in added.stdout
    listed = run(home, "list")
    assert "thu.hoa" in listed.stdout and "19834" in listed.stdout and "hoạt động" in listed.stdout
    from giamngheo.web.accounts import Accounts

    assert Accounts(home).sign_in("thu.hoa", "mật khẩu dài").account.unit_code == "19834"
    assert run(home, "disable", "thu.hoa").returncode == 0
    assert "đã khóa" in run(home, "list").stdout


def test_users_add_without_a_password_or_with_a_bad_one_is_refused(tmp_path):
    home = tmp_path / "home"
    empty = run(home, "add", "thu", "--role", "admin", stdin="")
    assert empty.returncode == 2 and "Không có mật khẩu trên stdin" in empty.stderr
    short = run(home, "add", "thu", "--role", "admin", stdin="ngan\n")
    assert short.returncode == 2 and "ít nhất 8" in short.stderr
    no_unit = run(home, "add", "thu", "--role", "province", stdin="mot-mat-khau\n")
    assert no_unit.returncode == 2 and "--unit" in no_unit.stderr
    assert run(home, "disable", "ai-do").returncode == 2
    # the password is never an option
    assert invoke(home, "users", "add", "thu", "--role", "admin", "--password", "x").exit_code == 2
