"""Accounts, sessions and the audit trail of the web app, in a SQLite file of their own
(`<home>/web/accounts.sqlite`, readable by the home's owner only).

They are not in the warehouse: a sign-in must not wait for a nightly run to release the writer
lock, and nothing of them belongs in the analysts' snapshot. Passwords are Argon2 hashes
(argon2-cffi). A session is a random token kept here (so that signing out or disabling an
account ends it at once), sent to the browser signed, with its CSRF token. Five failed
sign-ins in a row lock an account for a minute.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from giamngheo.errors import ConfigurationError

ROLES = ("admin", "province", "commune", "analyst")
ROLE_VI = {
    "admin": "Quản trị",
    "province": "Cán bộ tỉnh",
    "commune": "Cán bộ xã",
    "analyst": "Phân tích",
}
LOCK_AFTER = 5  # failed sign-ins in a row
LOCK_SECONDS = 60
SESSION_HOURS = 12
_HASHER = PasswordHasher()
# Verified against when a name is unknown, so that a wrong name costs as long as a wrong
# password (nothing tells an attacker which names exist).
_DUMMY_HASH = _HASHER.hash(secrets.token_hex(16))

SCHEMA = """
create table if not exists accounts (
    name          text primary key,
    role          text not null,
    unit_code     text,
    password_hash text not null,
    disabled      integer not null default 0,
    failures      integer not null default 0,
    locked_until  text,
    created_at    text not null
);
create table if not exists sessions (
    token       text primary key,
    name        text not null references accounts(name),
    csrf        text not null,
    created_at  text not null,
    expires_at  text not null
);
create table if not exists audit (
    at      text not null,
    name    text,
    action  text not null,
    target  text,
    outcome text not null,
    address text
);
"""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    unit_code: str | None
    disabled: bool = False

    @property
    def role_vi(self) -> str:
        return ROLE_VI[self.role]


@dataclass(frozen=True)
class Session:
    token: str
    csrf: str
    account: Account


class SignInRefused(Exception):
    """A sign-in that did not succeed: why, in Vietnamese and English, and whether the account
    is locked."""

    def __init__(self, message_vi: str, message_en: str, locked: bool = False):
        super().__init__(message_en)
        self.message_vi, self.message_en, self.locked = message_vi, message_en, locked


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def valid_name(name: str) -> bool:
    return bool(name) and len(name) <= 64 and all(c.isalnum() or c in "._-" for c in name)


class Accounts:
    """The accounts store of one home. Safe to share between the app's threads."""

    def __init__(self, home: Path):
        folder = home / "web"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = folder / "accounts.sqlite"
        self.secret = _secret(folder / "secret")
        self._lock = threading.Lock()
        with self._db() as db:
            db.executescript(SCHEMA)

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            db = sqlite3.connect(self.path, timeout=30)
            try:
                db.execute("pragma journal_mode = wal")
                db.execute("pragma foreign_keys = on")
                with db:
                    yield db
            finally:
                db.close()

    # -- accounts --------------------------------------------------------------------------

    def add(self, name: str, role: str, unit_code: str | None, password: str) -> Account:
        if not valid_name(name):
            raise ConfigurationError(
                f"Tên tài khoản '{name}' không hợp lệ: chỉ chữ, số, '.', '_' và '-', tối đa 64 "
                "ký tự. (Invalid account name: letters, digits, '.', '_' and '-' only.)"
            )
        if role not in ROLES:
            raise ConfigurationError(f"Vai trò (role) phải là một trong: {', '.join(ROLES)}.")
        if role in ("province", "commune") and not unit_code:
            raise ConfigurationError(
                f"Tài khoản {ROLE_VI[role].lower()} cần --unit (a {role} account needs --unit)."
            )
        if role in ("admin", "analyst") and unit_code:
            raise ConfigurationError(
                "Tài khoản quản trị và phân tích không gắn với đơn vị (no --unit for admin or "
                "analyst accounts)."
            )
        if len(password) < 8:
            raise ConfigurationError(
                "Mật khẩu cần ít nhất 8 ký tự. (The password needs at least 8 characters.)"
            )
        with self._db() as db:
            if db.execute("select 1 from accounts where name = ?", (name,)).fetchone():
                raise ConfigurationError(f"Tài khoản '{name}' đã có (account exists).")
            db.execute(
                "insert into accounts (name, role, unit_code, password_hash, created_at) "
                "values (?, ?, ?, ?, ?)",
                (name, role, unit_code, _HASHER.hash(password), _now().isoformat()),
            )
        return Account(name, role, unit_code)

    def list(self) -> list[Account]:
        with self._db() as db:
            rows = db.execute(
                "select name, role, unit_code, disabled from accounts order by name"
            ).fetchall()
        return [Account(n, r, u, bool(d)) for n, r, u, d in rows]

    def get(self, name: str) -> Account | None:
        return next((a for a in self.list() if a.name == name), None)

    def disable(self, name: str) -> bool:
        """Disable an account and end its sessions; False when there is no such account."""
        with self._db() as db:
            changed = db.execute("update accounts set disabled = 1 where name = ?", (name,))
            db.execute("delete from sessions where name = ?", (name,))
        return changed.rowcount > 0

    # -- signing in ------------------------------------------------------------------------

    def sign_in(self, name: str, password: str) -> Session:
        """A new session for `name`, or SignInRefused. A locked account is refused without
        checking the password; a wrong password counts, and the fifth in a row locks it."""
        now = _now()
        with self._db() as db:
            row = db.execute(
                "select password_hash, disabled, failures, locked_until from accounts "
                "where name = ?",
                (name,),
            ).fetchone()
        if row is None:
            _verify(_DUMMY_HASH, password)
            raise SignInRefused(
                "Sai tên tài khoản hoặc mật khẩu.", "Wrong account name or password."
            )
        password_hash, disabled, failures, locked_until = row
        if locked_until and dt.datetime.fromisoformat(locked_until) > now:
            wait = int((dt.datetime.fromisoformat(locked_until) - now).total_seconds()) + 1
            raise SignInRefused(
                f"Tài khoản tạm khóa do đăng nhập sai {LOCK_AFTER} lần liên tiếp: thử lại sau "
                f"{wait} giây.",
                f"Account locked after {LOCK_AFTER} failed sign-ins: try again in {wait} s.",
                locked=True,
            )
        if not _verify(password_hash, password) or disabled:
            failures += 1
            locked = failures >= LOCK_AFTER
            until = (now + dt.timedelta(seconds=LOCK_SECONDS)).isoformat() if locked else None
            with self._db() as db:
                db.execute(
                    "update accounts set failures = ?, locked_until = ? where name = ?",
                    (0 if locked else failures, until, name),
                )
            if locked:
                raise SignInRefused(
                    f"Đăng nhập sai {LOCK_AFTER} lần liên tiếp: tài khoản tạm khóa "
                    f"{LOCK_SECONDS} giây.",
                    f"{LOCK_AFTER} failed sign-ins in a row: account locked for {LOCK_SECONDS} s.",
                    locked=True,
                )
            if disabled:
                raise SignInRefused("Tài khoản đã bị khóa.", "The account is disabled.")
            raise SignInRefused(
                "Sai tên tài khoản hoặc mật khẩu.", "Wrong account name or password."
            )
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self._db() as db:
            db.execute(
                "update accounts set failures = 0, locked_until = null where name = ?", (name,)
            )
            if _HASHER.check_needs_rehash(password_hash):
                db.execute(
                    "update accounts set password_hash = ? where name = ?",
                    (_HASHER.hash(password), name),
                )
            db.execute("delete from sessions where expires_at < ?", (now.isoformat(),))
            db.execute(
                "insert into sessions values (?, ?, ?, ?, ?)",
                (
                    token,
                    name,
                    csrf,
                    now.isoformat(),
                    (now + dt.timedelta(hours=SESSION_HOURS)).isoformat(),
                ),
            )
        account = self.get(name)
        assert account is not None
        return Session(token, csrf, account)

    def session(self, token: str) -> Session | None:
        """The live session of `token` (its account enabled), or None."""
        with self._db() as db:
            row = db.execute(
                "select s.csrf, s.expires_at, a.name, a.role, a.unit_code, a.disabled "
                "from sessions as s join accounts as a using (name) where s.token = ?",
                (token,),
            ).fetchone()
        if row is None:
            return None
        csrf, expires, name, role, unit, disabled = row
        if disabled or dt.datetime.fromisoformat(expires) < _now():
            return None
        return Session(token, csrf, Account(name, role, unit))

    def sign_out(self, token: str) -> None:
        with self._db() as db:
            db.execute("delete from sessions where token = ?", (token,))

    # -- the signed cookie -----------------------------------------------------------------

    def cookie_value(self, token: str) -> str:
        return f"{token}.{self._signature(token)}"

    def token_of(self, cookie: str | None) -> str | None:
        """The session token a cookie carries, if its signature is ours."""
        if not cookie or "." not in cookie:
            return None
        token, _, signature = cookie.rpartition(".")
        return token if hmac.compare_digest(signature, self._signature(token)) else None

    def _signature(self, token: str) -> str:
        return hmac.new(self.secret, token.encode(), hashlib.sha256).hexdigest()

    # -- audit -----------------------------------------------------------------------------

    def record(
        self,
        name: str | None,
        action: str,
        target: str | None = None,
        outcome: str = "ok",
        address: str | None = None,
    ) -> None:
        """One line of the audit trail: who did what to which target, when, from where."""
        with self._db() as db:
            db.execute(
                "insert into audit values (?, ?, ?, ?, ?, ?)",
                (_now().isoformat(), name, action, target, outcome, address),
            )

    def audit(self, limit: int = 200) -> list[dict]:
        with self._db() as db:
            rows = db.execute(
                "select at, name, action, target, outcome, address from audit "
                "order by rowid desc limit ?",
                (limit,),
            ).fetchall()
        keys = ("at", "name", "action", "target", "outcome", "address")
        return [dict(zip(keys, row, strict=True)) for row in rows]


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _secret(path: Path) -> bytes:
    """The key that signs session cookies: made once, readable by the home's owner only."""
    if not path.exists():
        path.write_bytes(secrets.token_bytes(32))
        path.chmod(0o600)
    return path.read_bytes()
