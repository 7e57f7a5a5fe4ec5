"""The worked example the RCA and report tests share: a SEV-1 login outage carried from triage to
closure with backfilled times, and the answers of its 5-Whys interview."""

from __future__ import annotations

import copy
import json
import sqlite3
from pathlib import Path

import yaml

from conftest import FROZEN_NOW, freeze_clock, ok, run  # noqa: F401  (run, ok: re-exported to the RCA tests)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

STEPS = [
    ["ack", "ESC-1", "--at", "2026-11-25T09:10:00+00:00"],
    ["log", "ESC-1", "Rolled back release 4.2", "--kind", "action", "--at", "2026-11-25T09:15:00+00:00"],
    ["log", "ESC-1", "Auth gateway rejects every login: its TLS certificate expired", "--kind", "hypothesis",
     "--at", "2026-11-25T09:20:00+00:00"],
    ["update", "ESC-1", "--note", "Root cause found", "--at", "2026-11-25T09:35:00+00:00"],
    ["resolve", "ESC-1", "--summary", "Certificate renewed and the gateway restarted", "--at", "2026-11-25T10:00:00+00:00"],
    ["confirm", "ESC-1", "--at", "2026-11-25T11:00:00+00:00"],
    ["close", "ESC-1", "--at", "2026-11-25T11:05:00+00:00"],
]

ANSWERS = {
    "timeline": ["1 @ 2026-11-25T08:50:00+00:00: Dana first phoned the hotline at 08:50, before the web form"],
    "identified": 5,
    "whys": [
        "The TLS certificate on the auth gateway expired",
        "Sam Rivera forgot to renew it",
        "Certificate renewal is a manual task with no owner and no expiry alert",
    ],
    "root_cause": "yes",
    "not_prevented": "Nothing tracked certificate expiry dates",
    "not_detected": "Monitoring checks the login page, not the certificate",
    "resolution_difficult": "Only one engineer could reach the certificate store",
    "triage_worked": "Yes: SEV-1 from the start, no severity change needed",
    "communication_effective": "Every update went out on time",
    "right_people": "Security joined late; they own the certificate store",
    "tools_processes": "The on-call runbook has no section on certificates",
    "do_differently": "Page security as soon as a certificate is involved",
    "actions": [
        {"action": "Alert 30 days before any certificate expires", "category": "monitoring", "owner": "Jordan Lee",
         "due": "2026-12-15"},
        {"action": "Automate certificate renewal", "category": "architecture", "owner": "Sam Rivera", "due": "2027-01-29"},
        {"action": "Add certificates to the on-call runbook", "category": "documentation", "owner": "Priya Shah",
         "due": "2026-12-04"},
    ],
}


def freeze(monkeypatch) -> None:
    freeze_clock(monkeypatch, FROZEN_NOW)


def worked(db_path, *, steps=STEPS, source="login-outage.txt", customer="Acme Corp") -> None:
    """ESC-1: a SEV-1 login outage for Acme Corp (enterprise), owned by Sam Rivera, closed the same morning."""
    ok(db_path, "triage", str(EXAMPLES / source), "--customer", customer, "--tier", "enterprise",
       "--contact", "Dana", "--owner", "Sam Rivera", "--at", "2026-11-25T09:00:00+00:00")
    for step in steps:
        ok(db_path, *step)


def answers(tmp_path, data=None, name="answers.yaml", **changes):
    data = copy.deepcopy(ANSWERS if data is None else data)
    data.update(changes)
    path = tmp_path / name
    path.write_text(json.dumps(data) if name.endswith(".json") else yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def kinds(db_path, number: int = 1, prefix: str = "") -> list[str]:
    with sqlite3.connect(db_path) as conn:
        return [k for (k,) in conn.execute("SELECT kind FROM events WHERE escalation_id = ? ORDER BY id", [number])
                if k.startswith(prefix)]


def datas(db_path, kind: str, number: int = 1) -> list[dict]:
    with sqlite3.connect(db_path) as conn:
        return [json.loads(d) for (d,) in conn.execute(
            "SELECT data FROM events WHERE escalation_id = ? AND kind = ? ORDER BY id", [number, kind])]
