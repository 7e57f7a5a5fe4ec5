"""Team mode's users and login sessions: roles, argon2 password hashes, revocable sessions.

Users live in the escalation database (`escalate user add`); passwords are hashed with argon2id
(argon2-cffi, the [web] extra). A session is a random token in an HttpOnly cookie; the store keeps
only its SHA-256, so the database never holds a usable cookie, and logging out deletes it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from .errors import UsageError
from .store import Store, now

ROLES = ("agent", "manager", "viewer")
WRITERS = ("agent", "manager")
MIN_PASSWORD = 10
SESSION_LIFETIME = timedelta(hours=12)
MAX_NAME = 80


@dataclass(frozen=True)
class User:
    name: str
    role: str

    @property
    def can_write(self) -> bool:
        return self.role in WRITERS


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME or any(ch.isspace() and ch != " " for ch in name) or not name.isprintable():
        raise UsageError(f"a user name is 1 to {MAX_NAME} printable characters, e.g. dana.lee")
    return name


def add(store: Store, name: str, password: str, role: str, *, replace: bool = False) -> User:
    """Create a user (or, with replace, reset an existing one's password and role)."""
    name = _clean_name(name)
    if role not in ROLES:
        raise UsageError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    if len(password or "") < MIN_PASSWORD:
        raise UsageError(f"the password is too short: use at least {MIN_PASSWORD} characters")
    exists = store.db.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone()
    if exists and not replace:
        raise UsageError(f"user {name} exists: pass --replace to reset the password and role")
    digest = _hasher().hash(password)
    with store.transaction() as db:
        db["users"].upsert({"name": name, "role": role, "password_hash": digest, "created_at": now().isoformat()},
                           pk="name")
        if exists:  # a reset password ends the user's sessions
            db.execute("DELETE FROM web_sessions WHERE user = ?", [name])
    return User(name, role)


def remove(store: Store, name: str) -> None:
    with store.transaction() as db:
        db.execute("DELETE FROM web_sessions WHERE user = ?", [name])
        if db.execute("DELETE FROM users WHERE name = ?", [name]).rowcount == 0:
            raise UsageError(f"no user {name}")


def list_all(store: Store) -> list[User]:
    return [User(n, r) for n, r in store.db.execute("SELECT name, role FROM users ORDER BY name")]


def count(store: Store) -> int:
    return store.db.execute("SELECT count(*) FROM users").fetchone()[0]


# A hash of a random password: checking an unknown user costs as much as a known one.
_DUMMY: list[str] = []


def verify(store: Store, name: str, password: str) -> User | None:
    """The user when the password is theirs, else None (same work either way)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = _hasher()
    row = store.db.execute("SELECT role, password_hash FROM users WHERE name = ?", [(name or "").strip()]).fetchone()
    if row is None:
        if not _DUMMY:
            _DUMMY.append(hasher.hash(secrets.token_urlsafe(16)))
        try:
            hasher.verify(_DUMMY[0], password or "")
        except VerificationError:
            pass
        return None
    try:
        hasher.verify(row[1], password or "")
    except (VerificationError, InvalidHashError):
        return None
    return User(name.strip(), row[0])


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(store: Store, user: User, *, at: datetime | None = None) -> str:
    """A new session token for the cookie; the store keeps its hash."""
    token = secrets.token_urlsafe(32)
    moment = at or now()
    with store.transaction() as db:
        db.execute("DELETE FROM web_sessions WHERE expires_at < ?", [moment.isoformat()])
        db["web_sessions"].insert({"token_hash": _token_hash(token), "user": user.name, "created_at": moment.isoformat(),
                                   "expires_at": (moment + SESSION_LIFETIME).isoformat()})
    return token


def session_user(store: Store, token: str | None, *, at: datetime | None = None) -> User | None:
    if not token:
        return None
    row = store.db.execute(
        "SELECT u.name, u.role, s.expires_at FROM web_sessions s JOIN users u ON u.name = s.user WHERE s.token_hash = ?",
        [_token_hash(token)]).fetchone()
    if row is None or row[2] < (at or now()).isoformat():
        return None
    return User(row[0], row[1])


def end_session(store: Store, token: str | None) -> None:
    if token:
        with store.transaction() as db:
            db.execute("DELETE FROM web_sessions WHERE token_hash = ?", [_token_hash(token)])
