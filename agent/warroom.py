"""The war room of a SEV-1/2, the read-in brief for someone joining late, and the workaround protocol.

Everything is an event on the escalation:
  warroom_opened     {commander, roster [{role, name}], channel, cadence, update_every_minutes, checklist [text]}
  warroom_commander  {from, to}            a handover
  warroom_role       {role, name}          someone takes a role
  warroom_check      {n, item}             a checklist item done
  workaround_protocol {log_event_id, steps, permanent_fix_eta, eta_source, commitment}

The roster is the policy's roles for the escalation's current severity (`roles` in the policy), so
raising SEV-2 to SEV-1 adds the executive sponsor and the scribe. The channel is
#esc-<n>-<customer slug>. A workaround counts as communicated once a customer update (or the
acknowledgment) is recorded at or after it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

from . import board, commitments
from .errors import UsageError
from .policy import DEFAULT_ROLES, Policy
from .recovery import executive
from .schemas import Escalation, Severity
from .store import Store, parse_id, serialised
from .wording import format_time

WAR_ROOM_SEVERITIES = (Severity.SEV1, Severity.SEV2)
COMMANDER = "incident commander"
ETA_END_OF_DAY = time(17, 0)
DECISION_TEXT = "what we decided and why"  # the TEXT of the checklist's `escalate log` examples
ACTION_TEXT = "what was done, by whom"  # a date-only --permanent-fix-eta means by 17:00 in the customer's zone


def channel_name(number: int, customer: str) -> str:
    """#esc-42-acme-corp: lower case ASCII, dashes, at most 80 characters (Slack's limit)."""
    slug = unicodedata.normalize("NFKD", customer).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", slug).strip("-")
    return "#" + (f"esc-{number}" + (f"-{slug}" if slug else ""))[:80].rstrip("-")


def roles_for(policy: Policy, severity: Severity) -> list[str]:
    return list(policy.roles.get(severity) or DEFAULT_ROLES[severity.value])


@dataclass
class Room:
    opened_at: datetime
    commander: str
    channel: str
    cadence: str
    checklist: list[str]
    roles: list[str]
    assignments: dict[str, str] = field(default_factory=dict)
    checked: dict[int, datetime] = field(default_factory=dict)

    def roster(self) -> list[tuple[str, str]]:
        names = {**self.assignments, COMMANDER: self.commander}
        extra = [r for r in names if r not in self.roles]
        return [(role, names.get(role, "unassigned")) for role in [*self.roles, *extra]]

    def open_items(self) -> list[tuple[int, str]]:
        return [(n, item) for n, item in enumerate(self.checklist, 1) if n not in self.checked]

    def as_dict(self, tz: str) -> dict:
        zone = ZoneInfo(tz)
        return {
            "opened_at": self.opened_at.astimezone(zone).isoformat(), "commander": self.commander,
            "channel": self.channel, "cadence": self.cadence,
            "roster": [{"role": r, "name": n} for r, n in self.roster()],
            "checklist": [{"n": n, "item": item, "done": n in self.checked,
                           "done_at": self.checked[n].astimezone(zone).isoformat() if n in self.checked else None}
                          for n, item in enumerate(self.checklist, 1)],
        }


def room(esc: Escalation, policy: Policy) -> Room | None:
    """The war room as its events tell it, or None when none was opened."""
    r = None
    for e in esc.events:
        d = e.data
        if e.kind == "warroom_opened":
            r = Room(opened_at=e.at, commander=d["commander"], channel=d["channel"], cadence=d["cadence"],
                     checklist=list(d["checklist"]), roles=[],
                     assignments={x["role"]: x["name"] for x in d["roster"] if x["name"] != "unassigned"})
        elif r and e.kind == "warroom_commander":
            r.commander = d["to"]
        elif r and e.kind == "warroom_role":
            r.assignments[d["role"]] = d["name"]
        elif r and e.kind == "warroom_check":
            r.checked[d["n"]] = e.at
    if r:
        r.roles = roles_for(policy, esc.severity)
        r.cadence = policy.for_severity(esc.severity, esc.tier).cadence_label
    return r


def _assignments(pairs: list[str], roles: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        role, sep, name = pair.partition("=")
        role, name = " ".join(role.split()).lower(), name.strip()
        if not sep or not role or not name:
            raise UsageError(f"--role {pair!r}: write ROLE=NAME, e.g. --role \"technical lead=Sam Rivera\"")
        if role == COMMANDER:
            raise UsageError("name the incident commander with --commander")
        if role not in roles:
            raise UsageError(f"--role {pair!r}: unknown role {role!r}; this war room has: {', '.join(roles)}")
        out[role] = name
    return out


def _next_update(esc: Escalation, row: board.Row, *, countdown: bool = False) -> str:
    from .sla import humanize

    clocks = {c.name: c for c in row.clocks}
    fr, up = clocks["first_response"], clocks["update"]
    clock, text = None, None
    if not fr.met_at:
        clock, text = fr, f"acknowledge by {format_time(fr.due, esc.sla.timezone)}"
    elif up.due and not up.met_at:
        clock, text = up, format_time(up.due, esc.sla.timezone)
    if text is None:
        return "on change" if esc.status not in ("resolved", "confirmed", "closed") else "none (resolved)"
    if countdown and clock.left_minutes is not None:
        left = clock.left_minutes
        text += f" ({humanize(left)} left)" if left >= 0 else f" (overdue by {humanize(-left)})"
    return text


def checklist(esc: Escalation, policy: Policy, channel: str, cadence: str, next_update: str, roles: list[str]) -> list[str]:
    items = []
    if esc.status == "open":
        items.append(f"Acknowledge {esc.customer} now: `escalate ack {esc.id}`")
    items += [
        f"Open {channel} and invite the roster",
        "Confirm every role has a named person",
        f"Post the read-in in {channel}: `escalate warroom {esc.id} --brief`",
        f"Update {esc.customer} {cadence} (next: {next_update})",
        # Each command runs as copied: TEXT is a quoted description to overwrite, in plain words (no
        # [BRACKETS] or <angles>, which lint would read as an unfilled placeholder in a draft).
        f"Decide workaround, rollback or fix forward, and log it: "
        f"`escalate log {esc.id} \"{DECISION_TEXT}\" --kind decision`",
        f"Keep the timeline: log every action and hypothesis, e.g. `escalate log {esc.id} \"{ACTION_TEXT}\" --kind action`",
    ]
    if "executive sponsor" in roles:
        items.append("Brief the executive sponsor on impact and ETA")
    items.append(f"Agree the all-clear with {esc.customer}, stand down, and schedule the RCA")
    return items


@serialised
def open_room(store: Store, ident: str, *, commander: str | None, roles: list[str] = (), force: bool = False,
              at: datetime | None = None, actor: str = "cli") -> tuple[Escalation, Room, list[str]]:
    """Open the war room (or hand over command / fill roles in one already open). Returns what changed."""
    esc = store.get(ident)
    number = parse_id(esc.id)
    policy = store.policy_of(number)
    moment = commitments.checked_moment(esc.opened_at, at, esc.id)
    commander = (commander or "").strip()
    current = room(esc, policy)
    wanted = _assignments(list(roles), roles_for(policy, esc.severity))
    if current is None:
        if not commander:
            raise UsageError(f"{esc.id} has no war room yet: open one with --commander NAME")
        if esc.status == "closed":
            raise UsageError(f"{esc.id} is closed: there is no incident to run")
        if esc.severity not in WAR_ROOM_SEVERITIES and not force:
            raise UsageError(f"{esc.id} is {esc.severity.value}: a war room is for SEV-1 and SEV-2; "
                             "raise the severity with `escalate severity`, or pass --force to open one anyway")
        role_list = roles_for(policy, esc.severity)
        names = {COMMANDER: commander, "technical lead": esc.owner}
        if "executive sponsor" in role_list:
            names["executive sponsor"] = executive(policy)
        names.update(wanted)
        target = policy.for_severity(esc.severity, esc.tier)
        channel = channel_name(number, esc.customer)
        nxt = _next_update(esc, board.one(store, number, moment))
        data = {
            "commander": commander,
            "roster": [{"role": r, "name": names.get(r, "unassigned")} for r in role_list],
            "channel": channel, "cadence": target.cadence_label, "update_every_minutes": target.update_every_minutes,
            "checklist": checklist(esc, policy, channel, target.cadence_label, nxt, role_list),
        }
        store.append(number, "warroom_opened", actor=actor, at=moment, data=data)
        changed = [f"war room opened: {channel}, commander {commander}"]
    else:
        events = []
        if commander and commander != current.commander:
            events.append(("warroom_commander", {"from": current.commander, "to": commander}))
        for role, name in wanted.items():
            if current.assignments.get(role) != name:
                events.append(("warroom_role", {"role": role, "name": name}))
        if not events:
            raise UsageError(f"{esc.id} already has a war room ({current.channel}, commander {current.commander}): "
                             f"hand over with --commander NAME, fill roles with --role ROLE=NAME, or read in with --brief")
        commitments.append_events(store, number, events, actor=actor, at=moment)
        changed = [f"command handed over: {d['from']} → {d['to']}" if k == "warroom_commander" else f"{d['role']}: {d['name']}"
                   for k, d in events]
    esc = store.get(number)
    return esc, room(esc, policy), changed


@serialised
def check(store: Store, ident: str, n: int, *, at: datetime | None = None, actor: str = "cli") -> tuple[Escalation, Room]:
    """Tick checklist item N."""
    esc = store.get(ident)
    number = parse_id(esc.id)
    policy = store.policy_of(number)
    current = room(esc, policy)
    if current is None:
        raise UsageError(f"{esc.id} has no war room: open one with `escalate warroom {esc.id} --commander NAME`")
    if not 1 <= n <= len(current.checklist):
        raise UsageError(f"{esc.id} war room checklist has items 1-{len(current.checklist)}, not {n}")
    if n in current.checked:
        raise UsageError(f"{esc.id} checklist item {n} is already done")
    moment = commitments.checked_moment(esc.opened_at, at, esc.id)
    store.append(number, "warroom_check", actor=actor, at=moment, data={"n": n, "item": current.checklist[n - 1]})
    esc = store.get(number)
    return esc, room(esc, policy)


# -- the workaround protocol --------------------------------------------------------------------


def parse_eta(text: str, tz: str) -> datetime:
    """An ISO date (by 17:00 that day in the customer's zone) or an ISO time with offset."""
    from datetime import date

    raw = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            return datetime.combine(date.fromisoformat(raw), ETA_END_OF_DAY, ZoneInfo(tz))
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise UsageError(f"--permanent-fix-eta {text!r} is not a date (2026-12-01) or an ISO 8601 time with offset")
    if moment.tzinfo is None:
        raise UsageError("--permanent-fix-eta needs a time zone offset, e.g. 2026-12-01T17:00:00+01:00, or a date alone")
    return moment


def workarounds(esc: Escalation) -> list[dict]:
    """Each workaround logged, whether a customer update carried it, and the permanent-fix expectation."""
    protocols = {e.data.get("log_event_id"): e.data for e in esc.events if e.kind == "workaround_protocol"}
    messages = [e for e in esc.events if e.kind in ("ack", "update")]
    out = []
    for e in esc.events:
        if e.kind != "log" or e.data.get("kind") != "workaround":
            continue
        told = next((m for m in messages if m.at >= e.at), None)
        p = protocols.get(e.id, {})
        out.append({
            "at": e.at, "steps": e.data["text"], "communicated": bool(told),
            "communicated_at": told.at if told else None,
            "permanent_fix_eta": datetime.fromisoformat(p["permanent_fix_eta"]) if p.get("permanent_fix_eta") else None,
            "eta_source": p.get("eta_source"), "commitment": p.get("commitment"),
        })
    return out


def record_workaround(store: Store, ident: str, steps: str, *, eta: str | None = None, at: datetime | None = None,
                      actor: str = "cli") -> tuple[Escalation, dict]:
    """Log the workaround (status → workaround), set the permanent-fix expectation, and commit to
    telling the customer when the permanent fix ships. Every check runs before anything is stored."""
    from . import lifecycle

    esc = store.get(ident)
    number = parse_id(esc.id)
    tz = esc.sla.timezone
    moment = commitments.checked_moment(esc.opened_at, at, esc.id)
    steps = " ".join((steps or "").split())
    if not steps:
        raise UsageError("the workaround is empty: write the steps the customer should follow")
    if esc.status in ("resolved", "confirmed", "closed"):
        raise UsageError(f"{esc.id} is {esc.status}: a workaround is for an open problem")
    if eta:
        expected, source = parse_eta(eta, tz), "given"
        if expected <= moment:
            raise UsageError(f"--permanent-fix-eta {expected.isoformat()} is not after the workaround ({moment.isoformat()})")
    else:
        resolution = next(c for c in board.one(store, number, moment).clocks if c.name == "resolution")
        expected, source = resolution.due, "resolution target"
        if expected <= moment:
            raise UsageError(f"the resolution target ({format_time(expected, tz)}) has passed: "
                             "set the expectation with --permanent-fix-eta DATE")
    esc = lifecycle.step(store, esc.id, "log", at=moment, actor=actor, kind="workaround", text=steps)
    log_event = max((e for e in esc.events if e.kind == "log" and e.data.get("kind") == "workaround"), key=lambda e: e.id)
    who = esc.contact or esc.customer
    item = {"what": f"Tell {who} when the permanent fix ships (workaround in place since {format_time(moment, tz)})",
            "due": expected.astimezone(ZoneInfo(tz)), "owner": esc.owner, "source": "workaround"}

    def protocol(stored: list[dict]) -> list[tuple[str, dict]]:
        return [("workaround_protocol", {"log_event_id": log_event.id, "steps": steps,
                                         "permanent_fix_eta": item["due"].isoformat(), "eta_source": source,
                                         "commitment": stored[0]["n"]})]

    commitments.add(store, number, [item], actor=actor, at=moment, then=protocol)
    esc = store.get(number)
    return esc, workarounds(esc)[-1]


# -- the read-in brief --------------------------------------------------------------------------

TIMELINE_KINDS = ("ack", "update", "log", "severity_changed", "assigned", "pause", "resume", "resolved", "confirmed",
                  "warroom_opened", "warroom_commander", "warroom_role", "commitment_done")


def _timeline_text(e) -> str:
    d = e.data
    return {
        "ack": "acknowledged to the customer",
        "update": "customer update sent" + (f": {d['note']}" if d.get("note") else ""),
        "log": f"{d.get('kind')}: {d.get('text')}",
        "severity_changed": f"severity {d.get('from')} → {d.get('to')}: {d.get('reason')}",
        "assigned": f"owner {d.get('from')} → {d.get('to')}",
        "pause": f"paused: {d.get('reason')}",
        "resume": "resumed",
        "resolved": "resolved" + (f": {d['summary']}" if d.get("summary") else ""),
        "confirmed": "customer confirmed the fix",
        "warroom_opened": f"war room opened, commander {d.get('commander')}",
        "warroom_commander": f"command handed over: {d.get('from')} → {d.get('to')}",
        "warroom_role": f"{d.get('role')}: {d.get('name')}",
        "commitment_done": f"commitment #{d.get('n')} done",
    }[e.kind]


_NEXT = re.compile(r"\(next: [^)]*\)")


def brief(store: Store, ident: str, now: datetime) -> dict:
    """A read-in for someone joining late: what happened, where it stands, who does what, what next."""
    esc = store.get(ident)
    number = parse_id(esc.id)
    policy = store.policy_of(number)
    row = board.one(store, number, now)
    tz = esc.sla.timezone
    r = room(esc, policy)
    t = esc.triage
    impact = {k.replace("_", " "): f.assessment for k, f in t.impact if f.evidence != "unknown"}
    timeline = [{"at": format_time(e.at, tz), "what": _timeline_text(e)}
                for e in esc.events if e.kind in TIMELINE_KINDS and e.at <= now]
    open_commitments = [c for c in commitments.from_events(esc.id, esc.events, customer=esc.customer, timezone=tz)
                        if not c.done_at]
    next_actions = [row.next_step()] if row.next_step() else []
    # the checklist's update item names the next update as it was when the room opened: the live clock's instead
    live = next((c.due for c in row.clocks if c.name == "update" and c.due), None)
    next_actions += [f"checklist {n}: {_NEXT.sub(f'(next: {format_time(live, tz)})', item) if live else item}"
                     for n, item in (r.open_items() if r else [])]
    next_actions += [f"commitment #{c.n} ({c.status(now)}, due {c.due_text()}, {c.owner}): {c.what}" for c in open_commitments]
    next_actions += [f"ask the customer: {q.follow_up}" for q in t.questions if q.follow_up][:3]
    who = [{"role": role, "name": name} for role, name in (r.roster() if r else [])]
    who.append({"role": "owner", "name": esc.owner})
    if esc.contact:
        who.append({"role": "customer contact", "name": esc.contact})
    return {
        "id": esc.id, "customer": esc.customer, "tier": esc.tier.value, "severity": esc.severity.value,
        "type": esc.type.value, "as_of": format_time(now, tz),
        "war_room": r.as_dict(tz) if r else None,
        "what_happened": {"opened": format_time(esc.opened_at, tz), "summary": t.summary, "impact": impact,
                          "timeline": timeline},
        "status": {"status": esc.status, "paused": row.paused, "owner": esc.owner,
                   "clocks": [{**c.as_dict(ZoneInfo(tz)), "due_text": format_time(c.due, tz) if c.due else None,
                               "met_text": format_time(c.met_at, tz) if c.met_at else None} for c in row.clocks],
                   "flags": [f.as_dict() for f in row.flags],
                   "workarounds": [{**w, "at": format_time(w["at"], tz),
                                    "communicated_at": format_time(w["communicated_at"], tz) if w["communicated_at"] else None,
                                    "permanent_fix_eta": format_time(w["permanent_fix_eta"], tz) if w["permanent_fix_eta"] else None}
                                   for w in workarounds(esc)]},
        "who": who,
        "next_actions": next_actions,
        "next_update_due": _next_update(esc, row, countdown=True),
    }
