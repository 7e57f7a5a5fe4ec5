"""The escalation lifecycle: each step an appended event, checked against the current state.

open → acknowledged → investigating → workaround → resolved → confirmed → closed. Pauses
(waiting on the customer) are a flag beside the status. An invalid step is a UsageError and
nothing is stored. Steps that move a clock or the status are recorded in the order they happened:
one backfilled with --at cannot be dated before the last such step (notes and reassignments can).
"""

from __future__ import annotations

from datetime import datetime

from . import sla
from .errors import UsageError
from .event_data import LOG_KINDS
from .policy import Policy
from .schemas import Escalation, EscalationType, Severity
from .store import FUTURE_SLACK, Store, now, parse_id

STATUSES = ("open", "acknowledged", "investigating", "workaround", "resolved", "confirmed", "closed")
ACTIVE = ("acknowledged", "investigating", "workaround")
MAX_LOG_CHARS = 20_000
CLOCK_ACTIONS = ("ack", "update", "severity", "pause", "resume", "resolve", "confirm", "close")
CLOCK_KINDS = ("ack", "update", "severity_changed", "pause", "resume", "resolved", "reopened", "confirmed", "closed")


def _moment(esc: Escalation, at: datetime | None) -> datetime:
    moment = at or now()
    if moment.tzinfo is None:
        raise UsageError("--at needs a time zone offset, e.g. 2026-11-28T09:00:00+01:00")
    if moment < esc.opened_at:
        raise UsageError(f"--at {moment.isoformat()} is before {esc.id} opened ({esc.opened_at.isoformat()})")
    if moment > now() + FUTURE_SLACK:
        raise UsageError(f"--at {moment.isoformat()} is in the future")
    return moment


def _in_order(esc: Escalation, action: str, moment: datetime) -> None:
    if action not in CLOCK_ACTIONS:
        return
    last = max((e for e in esc.events if e.kind in CLOCK_KINDS), key=lambda e: e.at, default=None)
    if last and moment < last.at:
        raise UsageError(
            f"--at {moment.isoformat()} is before the last recorded step of {esc.id} "
            f"({last.kind} at {last.at.isoformat()}): record steps in the order they happened"
        )


def _paused(esc: Escalation) -> bool:
    return sla.replay(esc.opened_at, esc.severity, esc.events).paused


def _require(esc: Escalation, allowed: tuple[str, ...], action: str, hint: str = "") -> None:
    if esc.status not in allowed:
        raise UsageError(f"cannot {action} {esc.id}: it is {esc.status}" + (f"; {hint}" if hint else ""))


def step(store: Store, ident: str, action: str, *, at: datetime | None = None, actor: str = "cli",
         **args) -> Escalation:
    """Apply one lifecycle action and return the escalation as it now is.

    The check and the write happen inside one BEGIN IMMEDIATE transaction, so concurrent steps queue
    and each is judged on the state the one before it left. The escalation is read before the write
    lock is taken (the slow part); inside the lock, if any event landed since that read, it is read
    again and the step judged on that."""
    seen = store.last_event_id(parse_id(ident))
    esc = store.get(ident)
    number = parse_id(esc.id)
    policy = store.policy_of(number)  # stored at triage and never rewritten: safe to read outside the lock
    with store.transaction():
        if store.last_event_id(number) != seen:
            esc = store.get(number)
        moment = _moment(esc, at)
        kind, data, columns = _plan(esc, action, moment, policy, **args)
        _in_order(esc, action, moment)
        if kind in ("ack", "update"):
            from .draft_facts import commit_sent  # the promises of the message sent become commitments

            commit_sent(store, number, actor=actor, at=moment)
        store.append(number, kind, actor=actor, at=moment, data=data, columns=columns)
    return store.get(number)


def _plan(esc: Escalation, action: str, moment: datetime, policy: Policy, **args):
    not_closed = STATUSES[:-1]
    if action == "ack":
        _require(esc, ("open",), "acknowledge", "it was acknowledged already: record customer updates with `escalate update`")
        return "ack", {}, {"status": "acknowledged"}
    if action == "update":
        _require(esc, (*ACTIVE, "resolved"), "record an update for",
                 "acknowledge it first with `escalate ack`" if esc.status == "open" else "")
        return "update", {"note": args.get("note")}, {}
    if action == "log":
        kind = args["kind"]
        if kind not in LOG_KINDS:
            raise UsageError(f"unknown log kind {kind!r}: choose one of {', '.join(LOG_KINDS)}")
        text = (args.get("text") or "").strip()
        if not text:
            raise UsageError("the log entry is empty: say what happened")
        if len(text) > MAX_LOG_CHARS:
            raise UsageError(f"the log entry is {len(text):,} characters, over {MAX_LOG_CHARS:,}: log a summary and attach the rest elsewhere")
        _require(esc, not_closed, "log to")
        status = esc.status
        if kind == "workaround" and status in ACTIVE:
            status = "workaround"
        elif kind in ("action", "hypothesis") and status == "acknowledged":
            status = "investigating"
        return "log", {"kind": kind, "text": text}, {"status": status}
    if action == "assign":
        owner = (args.get("owner") or "").strip()
        if not owner:
            raise UsageError("name the new owner")
        _require(esc, not_closed, "assign")
        if owner == esc.owner:
            raise UsageError(f"{esc.id} is already owned by {owner}")
        return "assigned", {"from": esc.owner, "to": owner}, {"owner": owner}
    if action == "severity":
        new = args["severity"]
        try:
            new = Severity(str(new).upper())
        except ValueError:
            raise UsageError(f"unknown severity {new!r}: choose SEV-1, SEV-2, SEV-3 or SEV-4")
        reason = (args.get("reason") or "").strip()
        if not reason:
            raise UsageError("a severity change needs --reason")
        _require(esc, not_closed, "change the severity of")
        if new == esc.severity:
            raise UsageError(f"{esc.id} is already {new.value}")
        old_plan = esc.sla.model_dump(mode="json")
        new_plan = sla.plan(policy, new, moment, esc.sla.timezone, esc.tier).model_dump(mode="json")
        return (
            "severity_changed",
            {"from": esc.severity.value, "to": new.value, "reason": reason, "previous_plan": old_plan, "targets_from": new_plan},
            {"severity": new.value},
        )
    if action == "type":
        try:
            new_type = EscalationType(str(args.get("type", "")).lower())
        except ValueError:
            raise UsageError(f"unknown type {args.get('type')!r}: choose one of {', '.join(t.value for t in EscalationType)}")
        reason = (args.get("reason") or "").strip()
        if not reason:
            raise UsageError("a type change needs a reason")
        _require(esc, not_closed, "change the type of")
        if new_type == esc.type:
            raise UsageError(f"{esc.id} is already {new_type.value}")
        return "type_changed", {"from": esc.type.value, "to": new_type.value, "reason": reason}, {"type": new_type.value}
    if action == "pause":
        reason = (args.get("reason") or "").strip()
        if not reason:
            raise UsageError("a pause needs --reason (what are we waiting for from the customer?)")
        _require(esc, ("open", *ACTIVE), "pause")
        if _paused(esc):
            raise UsageError(f"{esc.id} is already paused: `escalate resume {esc.id}` first")
        return "pause", {"reason": reason}, {}
    if action == "resume":
        if not _paused(esc):
            raise UsageError(f"{esc.id} is not paused")
        return "resume", {}, {}
    if action == "resolve":
        _require(esc, ACTIVE, "resolve",
                 "acknowledge it first with `escalate ack`" if esc.status == "open" else "")
        return "resolved", {"summary": args.get("summary")}, {"status": "resolved"}
    if action == "confirm":
        _require(esc, ("resolved",), "confirm", "resolve it first with `escalate resolve`")
        return "confirmed", {}, {"status": "confirmed"}
    if action == "close":
        if esc.status == "closed":
            raise UsageError(f"{esc.id} is already closed")
        if esc.status != "confirmed":
            if not args.get("force"):
                raise UsageError(
                    f"cannot close {esc.id}: the customer has not confirmed the fix (status {esc.status}); "
                    "record it with `escalate confirm`, or pass --force --reason to close anyway (a premature-closure red flag)"
                )
            reason = (args.get("reason") or "").strip()
            if not reason:
                raise UsageError("--force needs --reason: why close before the customer confirms?")
            return "closed", {"forced": True, "reason": reason, "status_before": esc.status}, {"status": "closed"}
        return "closed", {"forced": False}, {"status": "closed"}
    raise UsageError(f"unknown action {action!r}")


# A sample of each step's arguments: enough for _plan to judge whether the step is allowed now.
def _samples(esc: Escalation) -> dict[str, list[dict]]:
    other_severity = next(s for s in Severity if s != esc.severity)
    other_type = next(t for t in EscalationType if t != esc.type)
    return {
        "ack": [{}], "update": [{}], "log": [{"kind": "note", "text": "x"}], "assign": [{"owner": esc.owner + " (new)"}],
        "severity": [{"severity": other_severity.value, "reason": "x"}], "type": [{"type": other_type.value, "reason": "x"}],
        "pause": [{"reason": "x"}], "resume": [{}], "resolve": [{}], "confirm": [{}],
        "close": [{}, {"force": True, "reason": "x"}],
    }


def available(esc: Escalation, policy: Policy, moment: datetime | None = None) -> dict[str, bool]:
    """The steps the lifecycle allows now, judged by the same checks `step` makes (the buttons a face
    shows). For close, the value says whether it needs force (the customer has not confirmed)."""
    moment = moment or now()
    out: dict[str, bool] = {}
    for action, tries in _samples(esc).items():
        for args in tries:
            try:
                _plan(esc, action, moment, policy, **args)
            except UsageError:
                continue
            out[action] = bool(args.get("force"))
            break
    return out
