"""`escalate retype`: the type changes with a reason, as a `type_changed` event (the same
lifecycle step the web page's "Change type" records)."""

from __future__ import annotations

import sqlite3

from conftest import EXAMPLES, ok, run


def test_retype_records_the_change_and_refuses_what_the_lifecycle_refuses(db_path):
    ok(db_path, "triage", str(EXAMPLES / "login-outage.txt"), "--customer", "Acme", "--engine", "offline")
    out = ok(db_path, "retype", "ESC-1", "service", "--reason", "a support process failed")
    assert out.strip() == "ESC-1 open: type_changed - technical → service: a support process failed"
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT type FROM escalations WHERE id = 1").fetchone()[0] == "service"
    again = run(db_path, "retype", "ESC-1", "service", "--reason", "again")
    assert again.exit_code == 2 and "already service" in again.stderr
    bad = run(db_path, "retype", "ESC-1", "weather", "--reason", "x")
    assert bad.exit_code == 2 and "unknown type 'weather'" in bad.stderr
    assert run(db_path, "retype", "ESC-1", "business", "--reason", " ").exit_code == 2
