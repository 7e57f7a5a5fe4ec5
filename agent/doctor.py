"""`escalate doctor`: check a database and repair what can be repaired safely.

Checks: SQLite's integrity and foreign keys; escalation rows no reader can use (a severity or status
outside the lists); events no reader can use (agent/event_data.py: readers skip them with a warning);
orphans (an escalation opened but never triaged, left by a version that wrote before judging); file
modes (the database and its -wal/-shm readable by others).

With --fix, and printing each change:
- files wider than 600 are narrowed to 600;
- an orphan whose complaint was triaged again later (same customer, same text) is marked superseded by
  that escalation (an appended event; nothing is deleted);
- any other orphan is triaged now on the offline engine, at the time it was opened, so the complaint
  nobody handled reaches the board.
Unreadable events stay as recorded (the log is append-only); readers go on skipping them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from . import event_data
from .lifecycle import STATUSES
from .private import mode_of, too_wide
from .schemas import Severity
from .store import Store, format_id, now

SUPERSEDED = "superseded"


@dataclass
class Finding:
    check: str
    problem: str
    fixed: str | None = None

    def as_dict(self) -> dict:
        return {"check": self.check, "problem": self.problem, "fixed": self.fixed}


@dataclass
class Checkup:
    findings: list[Finding] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        return all(f.fixed for f in self.findings)

    def as_dict(self) -> dict:
        return {"healthy": self.healthy, "checked": self.checked, "findings": [f.as_dict() for f in self.findings]}


def orphans(store: Store) -> list[dict]:
    """Escalations opened but never triaged, and not marked superseded."""
    return list(store.db.query(
        "SELECT id, customer, tier, contact, complaint, opened_at, timezone FROM escalations e WHERE triage IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM events v WHERE v.escalation_id = e.id AND v.kind = ?) ORDER BY id", [SUPERSEDED]))


def unreadable_events(store: Store) -> list[tuple[int, int, str, str]]:
    out = []
    for event_id, number, at, kind, raw in store.db.execute("SELECT id, escalation_id, at, kind, data FROM events ORDER BY id"):
        try:
            data = json.loads(raw) if raw else {}
        except (TypeError, ValueError, RecursionError):
            out.append((number, event_id, kind, "data is not JSON"))
            continue
        why = event_data.problem(kind, data) or (f"at {w}" if (w := event_data.moment(at)) else None)
        if why:
            out.append((number, event_id, kind, why))
    return out


def examine(store: Store, *, fix: bool = False, policy=None) -> Checkup:
    up = Checkup()
    conn = store.db.conn
    verdicts = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if verdicts != ["ok"]:
        up.findings += [Finding("integrity", v) for v in verdicts[:20]]
    for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check").fetchall()[:20]:
        up.findings.append(Finding("integrity", f"{table} row {rowid} points at a missing {parent} row"))
    up.checked["escalations"] = conn.execute("SELECT count(*) FROM escalations").fetchone()[0]
    up.checked["events"] = conn.execute("SELECT count(*) FROM events").fetchone()[0]

    marks = lambda values: ",".join("?" * len(values))  # noqa: E731
    severities = [s.value for s in Severity]
    for number, severity, status in conn.execute(
            f"SELECT id, severity, status FROM escalations WHERE triage IS NOT NULL AND "
            f"(severity NOT IN ({marks(severities)}) OR status NOT IN ({marks(STATUSES)}))", [*severities, *STATUSES]):
        up.findings.append(Finding("escalations", f"{format_id(number)} has severity {severity!r} and status {status!r}, "
                                                  "which no reader accepts"))
    for number, event_id, kind, why in unreadable_events(store):
        up.findings.append(Finding("events", f"event {event_id} ({kind}) of {format_id(number)}: {why}; readers skip it "
                                             "(the log is append-only, so it stays as recorded)"))

    for row in orphans(store):
        finding = Finding("orphans", f"{format_id(row['id'])} ({row['customer']}, opened {row['opened_at']}) was opened "
                                     "but never triaged")
        if fix:
            finding.fixed = _mend_orphan(store, row, policy)
        up.findings.append(finding)

    for suffix in ("", "-wal", "-shm"):
        path = store.path.with_name(store.path.name + suffix)
        if too_wide(path):
            finding = Finding("file modes", f"{path} is mode {mode_of(path):o}: others can read customer data")
            if fix:
                path.chmod(0o600)
                finding.fixed = f"narrowed {path.name} to 600"
            up.findings.append(finding)
    return up


def _mend_orphan(store: Store, row: dict, policy) -> str:
    from datetime import datetime

    from . import sla
    from .engines.offline import OfflineEngine
    from .policy import default_policy
    from .schemas import Tier
    from .triage import decide

    number = row["id"]
    later = store.db.execute(
        "SELECT id FROM escalations WHERE id > ? AND triage IS NOT NULL AND customer = ? COLLATE NOCASE AND complaint = ? "
        "ORDER BY id LIMIT 1", [number, row["customer"], row["complaint"]]).fetchone()
    opened = datetime.fromisoformat(row["opened_at"])
    if later:
        with store.transaction() as db:
            store._event(db, number, SUPERSEDED, "doctor", now(), {"by": format_id(later[0])})
        return f"marked superseded by {format_id(later[0])}, which triaged the same complaint"
    policy = policy or default_policy()
    tier = Tier(row["tier"]) if row["tier"] in {t.value for t in Tier} else Tier.STANDARD
    engine = OfflineEngine(policy)
    triage, result, info = decide(text=row["complaint"], customer=row["customer"], tier=tier, engine=engine, policy=policy)
    info = info.model_copy(update={"fallback_reason": "triaged by `escalate doctor --fix`: the original triage was interrupted"})
    tz = row["timezone"] or policy.timezone
    plan = sla.plan(policy, triage.severity, opened, tz, tier)
    store.record_triage(number, triage=triage, sla=plan, engine=info, owner=policy.teams[triage.type].owner,
                        policy=policy.model_dump(mode="json"), calls=result.calls, actor="doctor", at=opened)
    return f"triaged now on the offline engine: {triage.severity.value} {triage.type.value}, owner {policy.teams[triage.type].owner}"


def render(up: Checkup, path) -> str:
    lines = [f"{path}: {up.checked.get('escalations', 0)} escalations, {up.checked.get('events', 0)} events"]
    if not up.findings:
        lines.append("ok: integrity, escalations, events, orphans and file modes all pass")
    for f in up.findings:
        lines.append(f"{f.check}: {f.problem}" + (f"\n  fixed: {f.fixed}" if f.fixed else ""))
    unfixed = [f for f in up.findings if not f.fixed]
    if unfixed:
        fixable = [f for f in unfixed if f.check in ("orphans", "file modes")]
        lines.append(f"{len(unfixed)} problem(s)" + (f"; `escalate doctor --fix` repairs {len(fixable)}" if fixable else ""))
    return "\n".join(lines)
