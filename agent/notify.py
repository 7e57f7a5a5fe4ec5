"""The notifier: what the ladder says is due now (agent/ladder.py) and the stakeholder updates, each
claimed once, rendered from the team's or the bundled templates, delivered (agent/channels.py) and
recorded in the event log with its result. A notification that failed after its retries is an
event too, and the board's "notification failed" red flag.

`run` is one pass (`escalate notify`, cron-friendly); `watch` repeats it (`escalate watch`).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

from . import board, ladder  # agent.channels (http, smtplib, ssl) is imported only when sending
from .notify_policy import Notifications
from .policy import Policy
from .store import Store, format_id, now as real_now
from .wording import format_time

STALE_CLAIM = timedelta(minutes=15)  # a claim never resolved (the notifier died mid-send) may be taken again
UPDATE_WINDOW = timedelta(hours=24)  # `escalate notify` catches up updates recorded this recently
ACTOR = "notifier"
MAX_HOSTS_AT_ONCE = 8
STATE_SCHEME = 1  # bump when what quiet_until means changes, so every kept state is recomputed


@dataclass
class Delivery:
    """One message to one recipient over one channel, and (after sending) how it went."""

    number: int
    keys: list[str]
    kind: str  # warning | breach | update
    recipient: str
    channel: str
    facts: dict
    message: channels.Message | None = None
    outcome: channels.Outcome | None = None

    @property
    def delivery(self) -> str:
        return self.keys[0]

    def describe(self) -> str:
        f = self.facts
        what = f.get("why") if self.kind != "update" else "update recorded: internal summary"
        head = f"{f.get('escalation_id')} {f.get('clock_label', '')} {what}".replace("  ", " ")
        result = ""
        if self.outcome:
            attempts = f" ({self.outcome.attempts} attempts)" if self.outcome.attempts > 1 else ""
            result = (": delivered" if self.outcome.delivered else f": FAILED ({self.outcome.detail})") + attempts
        return f"{head} → {self.recipient} via {self.channel}{result}"


@dataclass
class Report:
    deliveries: list[Delivery] = field(default_factory=list)
    skipped_claimed: int = 0  # due, but another notifier claimed it first
    configured: bool = True

    @property
    def failed(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.outcome and not d.outcome.delivered]


# -- what is due -------------------------------------------------------------------------------

def claimed_keys(store: Store, *, retry_failed: bool = False, numbers: list[int] | None = None) -> set[str]:
    """Keys sent, failed (unless retrying those) or being sent right now by another pass; of the open
    escalations, or only of `numbers`."""
    stale = (real_now() - STALE_CLAIM).isoformat()
    out = set()
    which = ("SELECT id FROM escalations WHERE status != 'closed'" if numbers is None
             else ",".join(str(int(n)) for n in numbers) or "NULL")
    for key, status, claimed_at in store.db.conn.execute(
            f"SELECT key, status, claimed_at FROM notifications WHERE escalation_id IN ({which})"):
        if status == "delivered" or (status == "failed" and not retry_failed) or (status == "sending" and claimed_at > stale):
            out.add(key)
    return out


def _facts(row: board.Row, clock: str | None, deadline: datetime | None, left: float | None, why: str,
           recipient: str) -> dict:
    from .sla import humanize

    countdown = None
    if left is not None:
        countdown = f"due in {humanize(left)}" if left >= 0 else f"overdue by {humanize(-left)}"
    return {
        "escalation_id": row.id, "customer": row.customer, "severity": row.severity.value, "tier": row.tier,
        "status": row.status, "owner": row.owner, "summary": row.summary, "clock": clock,
        "clock_label": ladder.CLOCK_LABEL.get(clock or "", ""),
        "deadline": deadline.astimezone(board.ZoneInfo(row.timezone)).isoformat() if deadline else None,
        "deadline_text": format_time(deadline, row.timezone) if deadline else None,
        "countdown": countdown, "next_action": row.next_step(), "why": why, "recipient": recipient,
    }


def ladder_deliveries(rows: list[board.Row], notifications: Notifications, now: datetime, sent: set[str]) -> list[Delivery]:
    by_id = {r.id: r for r in rows}
    out = []
    for d in ladder.due(rows, notifications, now, sent):
        row = by_id[d.escalation]
        facts = _facts(row, d.clock, d.deadline, d.left_minutes, d.rung.label, d.recipient)
        facts.update(rung=d.rung.trigger, breaches=d.breaches, deadline_key=d.deadline_key)
        out.append(Delivery(d.number, d.keys, d.kind, d.recipient, notifications.recipients[d.recipient].channel, facts))
    return out


def update_deliveries(store: Store, rows: list[board.Row], notifications: Notifications, now: datetime,
                      sent: set[str], *, number: int | None = None) -> list[Delivery]:
    """The internal summary for the stakeholders who asked for a severity's updates, once per update
    recorded (the latest one of each escalation, within the last day)."""
    wanted = {row.id: row for row in rows if notifications.updates.get(row.severity) and (number is None or row.id == format_id(number))}
    if not wanted:
        return []
    ids = ",".join(str(int(i.removeprefix("ESC-"))) for i in wanted)
    latest = store.db.conn.execute(
        f"SELECT escalation_id, id, at FROM events WHERE kind = 'update' AND escalation_id IN ({ids}) "
        f"AND id IN (SELECT max(id) FROM events WHERE kind = 'update' AND escalation_id IN ({ids}) GROUP BY escalation_id)"
    ).fetchall()
    out = []
    for escalation_id, event_id, at in latest:
        moment = datetime.fromisoformat(at)
        if not (now - UPDATE_WINDOW <= moment <= now):
            continue
        row = wanted[format_id(escalation_id)]
        for recipient in notifications.updates[row.severity]:
            key = f"{row.id}|update-event:{event_id}|{recipient}"
            if key in sent:
                continue
            facts = _facts(row, None, None, None, "an update was recorded", recipient)
            facts.update(update_at=moment.astimezone(board.ZoneInfo(row.timezone)).isoformat(), update_event=event_id)
            out.append(Delivery(escalation_id, [key], "update", recipient, notifications.recipients[recipient].channel, facts))
    return out


# -- rendering ---------------------------------------------------------------------------------

def render(store: Store, deliveries: list[Delivery], rows: list[board.Row], now: datetime) -> None:
    """Each delivery's message, from the escalation's record and the templates in force."""
    from . import channels, drafting
    from .prompts import render as render_template

    by_id = {r.id: r for r in rows}
    contexts: dict[int, dict] = {}
    for d in deliveries:
        if d.number not in contexts:
            esc = store.get(d.number)
            row = by_id[format_id(d.number)]
            contexts[d.number] = drafting.context(esc, row.policy, now, row)
        ctx = {**contexts[d.number], "notification": {**d.facts, "kind": d.kind}, "recipient": d.recipient}
        if d.kind == "update":
            draft = drafting.render_offline("internal", {**ctx, "audience": "internal"})
            subject, text = draft.subject, draft.body
        else:
            subject, _, body = render_template("messages/notification.j2", **ctx).partition("\n")
            subject, text = subject.strip(), body.strip() + "\n"
        d.message = channels.Message(d.delivery, d.kind, subject, text, d.facts, now.isoformat())
        d.facts["subject"] = subject


# -- claiming, sending, recording --------------------------------------------------------------

def claim(store: Store, deliveries: list[Delivery], *, retry_failed: bool) -> list[Delivery]:
    """Take each delivery's keys for this run; a delivery whose main key another run holds is dropped."""
    stamp = real_now().isoformat()
    stale = (real_now() - STALE_CLAIM).isoformat()
    reclaimable = "(status = 'sending' AND claimed_at <= ?)" + (" OR status = 'failed'" if retry_failed else "")
    mine = []
    with store.transaction() as db:
        for d in deliveries:
            taken = db.conn.execute(
                "INSERT INTO notifications (key, escalation_id, delivery, status, claimed_at) VALUES (?, ?, ?, 'sending', ?) "
                f"ON CONFLICT (key) DO UPDATE SET delivery = excluded.delivery, status = 'sending', claimed_at = excluded.claimed_at "
                f"WHERE {reclaimable}", [d.delivery, d.number, d.delivery, stamp, stale]).rowcount
            if not taken:
                continue
            for key in d.keys[1:]:  # the rungs it covers
                db.conn.execute(
                    "INSERT INTO notifications (key, escalation_id, delivery, status, claimed_at) VALUES (?, ?, ?, 'sending', ?) "
                    "ON CONFLICT (key) DO UPDATE SET delivery = excluded.delivery, status = 'sending', claimed_at = excluded.claimed_at "
                    f"WHERE {reclaimable}", [key, d.number, d.delivery, stamp, stale])
            mine.append(d)
    return mine


def send_all(deliveries: list[Delivery], notifications: Notifications, *,
             sleep: Callable[[float], None] = time.sleep) -> dict[str, int]:
    """Deliver, one host's messages after another over one connection; different hosts in parallel.
    Returns how many connections each host needed."""
    from . import channels

    groups: dict[str, list[Delivery]] = {}
    for d in deliveries:
        groups.setdefault(channels.host_of(notifications.channels[d.channel]), []).append(d)

    def one_host(items: list[Delivery]) -> int:
        first = notifications.channels[items[0].channel]
        if first.type == "email":
            transport = channels.SmtpSession(first)
        else:
            transport = _http_host(first)
        try:
            for d in items:
                channel = notifications.channels[d.channel]
                recipient = notifications.recipients[d.recipient]
                d.outcome = channels.with_retries(lambda: _send(transport, channel, recipient, d), retries=notifications.retries,
                                                  backoff=notifications.backoff_seconds, sleep=sleep)
        finally:
            if transport is not None:
                transport.close()
        return getattr(transport, "connections", 0)

    if not groups:
        return {}
    with ThreadPoolExecutor(max_workers=min(MAX_HOSTS_AT_ONCE, len(groups))) as pool:
        return dict(zip(groups, pool.map(one_host, groups.values())))


def _http_host(channel) -> channels.HttpHost | None:
    from urllib.parse import urlsplit

    from . import channels

    try:
        parts = urlsplit(channels.url_of(channel))
    except channels.DeliveryError:
        return None  # the URL's variable is unset: each send fails with that reason
    return channels.HttpHost(parts.scheme, parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80),
                             channel.timeout_seconds)


def _send(transport, channel, recipient, d: Delivery) -> str:
    from . import channels

    if channel.type == "email":
        return transport.send(channels.email_message(d.message, channel, recipient))
    if transport is None:
        channels.url_of(channel)  # raises: the variable holding the URL is not set
    payload = (channels.slack_payload(d.message, recipient) if channel.type == "slack"
               else channels.webhook_body(d.message, d.recipient))
    return channels.post_json(transport, channel, payload, delivery=d.delivery)


def record(store: Store, deliveries: list[Delivery], notifications: Notifications, now: datetime) -> None:
    with store.transaction() as db:
        for d in deliveries:
            channel = notifications.channels[d.channel]
            recipient = notifications.recipients[d.recipient]
            delivered = d.outcome.delivered
            data = {
                "delivery": d.delivery, "keys": d.keys, "kind": d.kind, "recipient": d.recipient, "channel": d.channel,
                "channel_type": channel.type, "to": recipient.to or None,
                **{k: d.facts.get(k) for k in ("clock", "deadline", "rung", "why", "breaches", "subject", "update_event")},
                "attempts": d.outcome.attempts, ("result" if delivered else "error"): d.outcome.detail,
            }
            Store._event(db, d.number, "notified" if delivered else "notification_failed", ACTOR, now,
                         {k: v for k, v in data.items() if v is not None})
            db.conn.execute(f"UPDATE notifications SET status = ?, at = ? WHERE key IN ({','.join('?' * len(d.keys))})",
                            ["delivered" if delivered else "failed", now.isoformat(), *d.keys])


# -- one pass, and the loop --------------------------------------------------------------------

def run(store: Store, policy: Policy, now: datetime | None = None, *, dry_run: bool = False, retry_failed: bool = False,
        sleep: Callable[[float], None] = time.sleep, only: int | None = None) -> Report:
    """Evaluate every open clock at `now` and send what is due (or, with `dry_run`, only say so).

    Escalations that cannot have anything due yet (agent/ladder.quiet_until, kept in notify_state) are
    skipped until then, or until a new event or a changed ladder; `retry_failed` evaluates them all."""
    notifications = policy.notifications
    if not notifications.configured:
        return Report(configured=False)
    now = now or real_now()
    if only is not None:
        rows = [board.one(store, only, now)]
        awake = None
    else:
        last_event = store.db.conn.execute("SELECT max(id) FROM events").fetchone()[0] or 0  # before reading anything
        awake = _awake(store, fingerprint(notifications), now, everything=retry_failed)
        rows = board.build(store, now, numbers=awake)
    sent = claimed_keys(store, retry_failed=retry_failed, numbers=awake) if rows else set()
    deliveries = ladder_deliveries(rows, notifications, now, sent) if only is None else []
    deliveries += update_deliveries(store, rows, notifications, now, sent, number=only)
    report = Report()
    if deliveries:
        render(store, deliveries, rows, now)
        if dry_run:
            report.deliveries = deliveries
            return report
        mine = claim(store, deliveries, retry_failed=retry_failed)
        report.skipped_claimed = len(deliveries) - len(mine)
        send_all(mine, notifications, sleep=sleep)
        record(store, mine, notifications, now)
        report.deliveries = mine
    if awake is not None and not dry_run:
        # This pass's own events are newer than last_event: those escalations are evaluated once more next time.
        _remember(store, rows, notifications, now, claimed_keys(store, numbers=awake) if rows else set(), last_event)
    return report


def fingerprint(notifications: Notifications) -> str:
    import hashlib

    return hashlib.sha256(f"{STATE_SCHEME}:{notifications.model_dump_json()}".encode()).hexdigest()[:16]


def _utc(moment: datetime) -> str:
    """UTC, always with microseconds, so the text sorts as the time does (SQL compares it)."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _awake(store: Store, ladder_fp: str, now: datetime, *, everything: bool = False) -> list[int]:
    """The open escalations that may have something due at `now`: all of them on a first pass, after the
    ladder changed, or for an earlier `now` than the last pass; otherwise those with an event recorded
    since the last pass and those whose quiet moment has come."""
    conn = store.db.conn
    previous = conn.execute("SELECT last_event, computed_at, ladder FROM notify_pass WHERE id = 1").fetchone()
    if everything or not previous or previous[2] != ladder_fp or previous[1] > _utc(now):
        return [n for (n,) in conn.execute("SELECT id FROM escalations WHERE triage IS NOT NULL AND status != 'closed'")]
    return [n for (n,) in conn.execute(
        "SELECT id FROM escalations WHERE triage IS NOT NULL AND status != 'closed' AND ("
        "id IN (SELECT escalation_id FROM events WHERE id > ?) OR "
        "id IN (SELECT escalation_id FROM notify_state WHERE quiet_until IS NOT NULL AND quiet_until <= ?) OR "
        "id NOT IN (SELECT escalation_id FROM notify_state))", [previous[0], _utc(now)])]


def _remember(store: Store, rows: list[board.Row], notifications: Notifications, now: datetime, sent: set[str],
              last_event: int) -> None:
    """Keep, for each escalation just evaluated, until when it is quiet; and the pass as a whole."""
    with store.transaction() as db:
        for row in rows:
            quiet = ladder.quiet_until(row, notifications, now, sent)
            db.conn.execute("INSERT OR REPLACE INTO notify_state VALUES (?, ?, ?)",
                            [int(row.id.removeprefix("ESC-")), _utc(now), _utc(quiet) if quiet else None])
        previous = db.conn.execute("SELECT computed_at FROM notify_pass WHERE id = 1").fetchone()
        latest = max(_utc(now), previous[0]) if previous else _utc(now)
        db.conn.execute("INSERT OR REPLACE INTO notify_pass VALUES (1, ?, ?, ?)",
                        [last_event, latest, fingerprint(notifications)])


def stakeholder_update(store: Store, policy: Policy, number: int, at: datetime | None = None, **kw) -> Report:
    """After `escalate update`: the internal summary to the severity's stakeholders who asked for it."""
    if not policy.notifications.updates:
        return Report(configured=False)
    return run(store, policy, at or real_now(), only=number, **kw)


def watch(run_once: Callable[[datetime], object], *, every: float = 60.0, max_runs: int | None = None,
          clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep) -> int:
    """Call `run_once(now)` every `every` seconds (a pass's own time counts towards the wait), until
    `max_runs` passes (forever when None). Returns the number of passes."""
    runs = 0
    while max_runs is None or runs < max_runs:
        started = clock()
        run_once(datetime.fromtimestamp(started, timezone.utc))
        runs += 1
        if max_runs is not None and runs >= max_runs:
            break
        sleep(max(0.0, every - (clock() - started)))
    return runs
