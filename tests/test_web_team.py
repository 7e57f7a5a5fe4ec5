"""Team mode of `escalate serve`: users and roles, argon2 hashes, login sessions, the failed-login
limit, viewers read-only, the logged-in user as the actor; and the loopback rule of `serve`."""

from __future__ import annotations

import sqlite3

import pytest

from agent.faces.web.auth import FailedLogins, safe_next
from conftest import run
from web_support import client, csrf, step, triage

PASSWORD = "correct horse battery"


@pytest.fixture
def team_db(db_path):
    for name, role in (("maya", "manager"), ("ali", "agent"), ("vic", "viewer")):
        result = run(db_path, "user", "add", name, "--role", role, "--password", PASSWORD)
        assert result.exit_code == 0, result.stderr
    return db_path


def login(c, name: str, password: str = PASSWORD):
    return c.post("/login", data={"csrf": csrf(c, "/login"), "name": name, "password": password, "next": "/board"})


def test_user_add_stores_an_argon2_hash_not_the_password(team_db):
    with sqlite3.connect(team_db) as conn:
        rows = dict(conn.execute("SELECT name, password_hash FROM users"))
    assert set(rows) == {"maya", "ali", "vic"}
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in rows.values())
    assert run(team_db, "user", "list").stdout.splitlines() == ["ali\tagent", "maya\tmanager", "vic\tviewer"]


def test_user_add_refusals_exit_2(team_db):
    assert run(team_db, "user", "add", "ali", "--role", "agent", "--password", PASSWORD).exit_code == 2
    short = run(team_db, "user", "add", "bo", "--role", "agent", "--password", "123456789")
    assert short.exit_code == 2 and "at least 10" in short.stderr
    assert run(team_db, "user", "add", "bo", "--role", "admin", "--password", PASSWORD).exit_code == 2
    assert run(team_db, "user", "remove", "nobody").exit_code == 2


def test_pages_need_a_login_and_the_session_cookie_is_httponly_and_samesite(team_db):
    c = client(team_db, team=True)
    r = c.get("/board")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert c.post("/triage", data={"csrf": csrf(c, "/login"), "complaint": "x", "customer": "y"}).status_code == 401
    r = login(c, "ali")
    assert r.status_code == 303 and r.headers["location"] == "/board"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert c.get("/board").status_code == 200


def test_wrong_passwords_are_rate_limited_even_for_the_right_one_after(team_db):
    c = client(team_db, team=True)
    for _ in range(5):
        assert login(c, "ali", "wrong password!").status_code == 401
    r = login(c, "ali")
    assert r.status_code == 429 and "too many failed logins" in r.text
    assert login(c, "nobody", "whatever123").status_code == 429  # the same client address is limited too


def test_failed_logins_expire_after_the_window():
    clock = [1000.0]
    limiter = FailedLogins(limit=2, window=60, clock=lambda: clock[0])
    limiter.failed("user:a")
    assert limiter.blocked_for("user:a") == 0
    limiter.failed("user:a")
    assert limiter.blocked_for("user:a") == pytest.approx(60)
    clock[0] += 60
    assert limiter.blocked_for("user:a") == 0


def test_the_actor_of_every_event_is_the_logged_in_user(team_db):
    c = client(team_db, team=True)
    login(c, "ali")
    ident = triage(c)
    assert step(c, ident, "ack").status_code == 303
    with sqlite3.connect(team_db) as conn:
        actors = {k: a for k, a in conn.execute("SELECT kind, actor FROM events")}
    assert actors["opened"] == "ali" and actors["ack"] == "ali"


def test_viewers_read_but_cannot_write(team_db):
    agent = client(team_db, team=True)
    login(agent, "ali")
    ident = triage(agent)
    viewer = client(team_db, team=True)
    login(viewer, "vic")
    page = viewer.get(f"/e/{ident}")
    assert page.status_code == 200 and "step-ack" not in page.text and 'id="log-form"' not in page.text
    r = step(viewer, ident, "ack")
    assert r.status_code == 403 and "viewer" in r.text
    token = csrf(viewer, f"/e/{ident}")
    assert viewer.post(f"/e/{ident}/log", data={"csrf": token, "text": "hi"}).status_code == 403
    assert viewer.post(f"/e/{ident}/drafts", data={"csrf": token, "kind": "update"}).status_code == 403
    assert viewer.post("/triage", data={"csrf": token, "complaint": "x", "customer": "y"}).status_code == 403
    lint = viewer.post(f"/e/{ident}/drafts/update/lint", data={"csrf": token, "subject": "s", "body": "b"})
    assert lint.status_code == 200  # reading lint findings changes nothing
    with sqlite3.connect(team_db) as conn:
        assert conn.execute("SELECT count(*) FROM events WHERE kind IN ('ack', 'log')").fetchone()[0] == 0


def test_only_a_manager_imports(team_db):
    agent = client(team_db, team=True)
    login(agent, "ali")
    files = {"file": ("e.jsonl", b"", "application/x-ndjson")}
    assert agent.post("/import", data={"csrf": csrf(agent, "/import")}, files=files).status_code == 403
    manager = client(team_db, team=True)
    login(manager, "maya")
    assert manager.post("/import", data={"csrf": csrf(manager, "/import")}, files=files).status_code == 400  # empty file


def test_logout_ends_the_session(team_db):
    c = client(team_db, team=True)
    login(c, "ali")
    cookie = c.cookies.get("escalate_session")
    assert c.post("/logout", data={"csrf": csrf(c, "/board")}).status_code == 303
    again = client(team_db, team=True)
    again.cookies.set("escalate_session", cookie)
    assert again.get("/board").status_code == 303  # the old token no longer logs in


def test_a_reset_password_ends_the_users_sessions(team_db):
    c = client(team_db, team=True)
    login(c, "ali")
    assert run(team_db, "user", "add", "ali", "--role", "agent", "--password", "another password", "--replace").exit_code == 0
    assert c.get("/board").status_code == 303


def test_login_only_redirects_within_the_site():
    assert safe_next("/e/ESC-1") == "/e/ESC-1"
    for bad in ("//evil.example/x", "https://evil.example", "/\\evil.example", "", None):
        assert safe_next(bad) == "/"


def test_serve_refuses_a_public_address_without_team_mode(db_path):
    r = run(db_path, "serve", "--host", "0.0.0.0")
    assert r.exit_code == 2 and "without --team" in r.stderr
    r = run(db_path, "serve", "--team", "--host", "0.0.0.0")
    assert r.exit_code == 2 and "at least one user" in r.stderr


def test_serve_and_user_help_work():
    from click.testing import CliRunner

    from agent.faces.cli import cli

    for args in (["serve", "--help"], ["user", "add", "--help"]):
        r = CliRunner().invoke(cli, args)
        assert r.exit_code == 0 and "Usage:" in r.output
