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


def test_after_a_retype_and_in_the_apology_the_customer_still_reaches_the_teams_named_person(db_path):
    team = str(EXAMPLES / "team-policy.toml")
    ok(db_path, "--policy", team, "triage", str(EXAMPLES / "wrong-customer-data.txt"), "--customer", "Acme")
    ok(db_path, "--policy", team, "ack", "ESC-1")
    contact = "Sam Rivera: support@vendorcloud.example, +44 20 7946 0000."
    assert f"Your single point of contact is {contact}" in ok(db_path, "--policy", team, "draft", "ESC-1", "update")
    ok(db_path, "--policy", team, "retype", "ESC-1", "technical", "--reason", "a rendering bug, no data left the tenant")
    update = ok(db_path, "--policy", team, "draft", "ESC-1", "update")
    assert f"Your single point of contact is {contact}" in update and "Security incident lead" not in update
    apology = ok(db_path, "--policy", team, "draft", "ESC-1", "apology")  # signed by the executive, Lee Chen
    assert "Sam Rivera remains your single point of contact (support@vendorcloud.example" in apology
    assert "Lee Chen remains" not in apology
