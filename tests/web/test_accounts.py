"""Accounts: Argon2 hashes, sessions that end when signed out or disabled, cookies that cannot
be forged, and a lock after five failures."""

import stat

import pytest

from giamngheo.errors import ConfigurationError
from giamngheo.web.accounts import LOCK_AFTER, Account, Accounts, SignInRefused


@pytest.fixture
def accounts(tmp_path):
    return Accounts(tmp_path / "home")


def test_passwords_are_argon2_hashes_and_the_store_is_owner_only(accounts):
    accounts.add("thu", "commune", "19834", "mot-mat-khau")
    stored = accounts.path.read_bytes()
    assert b"mot-mat-khau" not in stored and b"$argon2id$" in stored
    assert stat.S_IMODE(accounts.path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((accounts.path.parent / "secret").stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("name", "role", "unit", "password", "says"),
    [
        ("thu hoa", "commune", "19834", "mot-mat-khau", "không hợp lệ"),
        ("thu", "mayor", None, "mot-mat-khau", "Vai trò"),
        ("thu", "commune", None, "mot-mat-khau", "cần --unit"),
        ("thu", "analyst", "19834", "mot-mat-khau", "không gắn với đơn vị"),
        ("thu", "admin", None, "ngan", "ít nhất 8"),
    ],
)
def test_a_bad_account_is_refused_with_why(accounts, name, role, unit, password, says):
    with pytest.raises(ConfigurationError, match=says):
        accounts.add(name, role, unit, password)
    assert accounts.list() == []


def test_a_name_is_taken_once(accounts):
    accounts.add("thu", "admin", None, "mot-mat-khau")
    with pytest.raises(ConfigurationError, match="đã có"):
        accounts.add("thu", "analyst", None, "mat-khau-khac")


def test_sessions_end_on_sign_out_and_when_the_account_is_disabled(accounts):
    accounts.add("thu", "commune", "19834", "mot-mat-khau")
    first = accounts.sign_in("thu", "mot-mat-khau")
    second = accounts.sign_in("thu", "mot-mat-khau")
    assert accounts.session(first.token).account == Account("thu", "commune", "19834")
    accounts.sign_out(first.token)
    assert accounts.session(first.token) is None and accounts.session(second.token) is not None
    assert accounts.disable("thu") and accounts.session(second.token) is None
    with pytest.raises(SignInRefused, match="disabled"):
        accounts.sign_in("thu", "mot-mat-khau")
    assert not accounts.disable("ai-do")


def test_a_cookie_carries_its_token_only_with_our_signature(accounts, tmp_path):
    value = accounts.cookie_value("abc")
    assert accounts.token_of(value) == "abc"
    assert accounts.token_of("abc." + "0" * 64) is None
    assert accounts.token_of("abc") is None and accounts.token_of(None) is None
    other = Accounts(tmp_path / "other")  # another home signs with another key
    assert other.token_of(value) is None


def test_the_fifth_failure_in_a_row_locks_and_a_success_resets_the_count(accounts):
    accounts.add("thu", "commune", "19834", "mot-mat-khau")
    for _ in range(LOCK_AFTER - 1):
        with pytest.raises(SignInRefused) as refused:
            accounts.sign_in("thu", "sai")
        assert not refused.value.locked
    accounts.sign_in("thu", "mot-mat-khau")  # the count starts again
    for _ in range(LOCK_AFTER - 1):
        with pytest.raises(SignInRefused):
            accounts.sign_in("thu", "sai")
    with pytest.raises(SignInRefused) as refused:
        accounts.sign_in("thu", "sai")
    assert refused.value.locked and "60 giây" in refused.value.message_vi
    with pytest.raises(SignInRefused) as refused:
        accounts.sign_in("thu", "mot-mat-khau")
    assert refused.value.locked  # the right password waits for the minute too
