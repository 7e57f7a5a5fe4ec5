"""How records look: the JSON shape of a triage, and the text a terminal shows."""

from __future__ import annotations

import json
import textwrap
from datetime import datetime
from zoneinfo import ZoneInfo

from ..wording import format_time
from ..schemas import Escalation

QUESTION_WIDTH = 96


def triage_json(esc: Escalation) -> dict:
    t = esc.triage
    return {
        "id": esc.id,
        "customer": esc.customer,
        "contact": esc.contact,
        "tier": esc.tier.value,
        "status": esc.status,
        "owner": esc.owner,
        "opened_at": esc.opened_at.isoformat(),
        "severity": t.severity.value,
        "type": t.type.value,
        "summary": t.summary,
        "rationale": t.rationale,
        "impact": t.impact.model_dump(mode="json"),
        "questions": [q.model_dump(mode="json") for q in t.questions],
        "routing": t.routing.model_dump(mode="json"),
        "corrections": [c.model_dump(mode="json", by_alias=True) for c in t.corrections],
        "notes": t.notes,
        "model_reading": t.model.model_dump(mode="json") if t.model else None,
        "engine_severity": t.engine_severity.value,
        "sla": esc.sla.model_dump(mode="json"),
        "engine": esc.engine.name,
        "model": esc.engine.model,
        "requested_engine": esc.engine.requested,
        "fallback_reason": esc.engine.fallback_reason,
        "drafts": {kind: {"subject": d.subject, "body": d.body, "engine": d.engine} for kind, d in esc.drafts.items()},
        "similar": similar_of(esc),
    }


def similar_of(esc: Escalation) -> list[dict]:
    return next((e.data.get("matches", []) for e in esc.events if e.kind == "similar_found"), [])


def similar_lines(esc: Escalation) -> list[str]:
    matches = similar_of(esc)
    if not matches:
        return []
    lines = ["Similar past escalations"]
    for m in matches:
        lines.append(f"  {m['id']:<8} {m['customer'][:20]:<20} {m['opened_at'][:10]}  {m['reason']}")
    return lines


def dumps(data: dict | list) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def _t(esc: Escalation, moment: datetime | None) -> str:
    return format_time(moment.astimezone(ZoneInfo(esc.sla.timezone)) if moment else None, esc.sla.timezone) or "-"


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(
        " ".join(text.split()), width=QUESTION_WIDTH, initial_indent=indent, subsequent_indent=" " * len(indent)
    )


def triage_text(esc: Escalation) -> str:
    t = esc.triage
    engine = esc.engine.name + (f" ({esc.engine.model})" if esc.engine.model else "")
    lines = [
        f"{esc.id}  {t.severity.value}  {t.type.value}  {esc.customer} ({esc.tier.value})",
        f"  {t.summary}",
        "",
        _wrap(t.rationale, "  Why: "),
        f"  Engine: {engine}",
    ]
    if esc.engine.fallback_reason:
        lines.append(f"  WARNING: fell back to the offline engine: {esc.engine.fallback_reason}")
    m = t.model
    if m and not m.error:
        probs = "  ".join(f"{s} {p:.0%}" for s, p in m.severity_probabilities.items())
        costs = "  ".join(f"{s} {c:.2f}" for s, c in m.expected_costs.items())
        lines.append(f"  Model ({m.source}, read as {m.kind}): {probs}")
        lines.append(f"  Expected cost: {costs}  → {m.chosen.value}; P(security) {m.security_probability:.2f}"
                     f" (threshold {m.security_threshold:.2f}{f', read as a {m.security_read_as}' if m.security_read_as else ''})")
        if m.words:
            lines.append("  Words that weighed most: " + ", ".join(w for w, _ in m.words))
    lines += ["", "Impact"]
    for key, factor in t.impact:
        label = key.replace("_", " ")
        evidence = "" if factor.evidence == "unknown" else f'   "{factor.evidence}"'
        lines.append(f"  {label:<21} {factor.assessment}{evidence}")
    lines += ["", "Triage questions"]
    for q in t.questions:
        if q.answer:
            lines.append(_wrap(f"{q.question} {q.answer}", "  ✓ "))
        else:
            lines.append(_wrap(f"{q.question} Ask: {q.follow_up}", "  ? "))
    r = t.routing
    lines += ["", f"Routing  {r.team}, {r.tier}  ({r.reason})"]
    if t.corrections:
        lines += ["", "Corrections by the rules"]
        for c in t.corrections:
            lines.append(_wrap(f"{c.field}: {c.from_value} → {c.to_value} [{c.rule}] {c.reason}", "  - "))
    for note in t.notes:
        lines.append(_wrap(note, "  Note: "))
    lines += ["", *sla_lines(esc)]
    similar = similar_lines(esc)
    if similar:
        lines += ["", *similar]
    ack = esc.drafts.get("acknowledgment")
    if ack:
        lines += ["", "Acknowledgment draft", f"  Subject: {ack.subject}", ""]
        lines += [("  " + line) if line else "" for line in ack.body.rstrip().splitlines()]
    return "\n".join(lines)


def sla_lines(esc: Escalation) -> list[str]:
    s = esc.sla
    return [
        f"SLA plan at triage ({s.policy} policy, {s.timezone}; the clocks below follow later events)"
        if len(esc.events) > 3 else f"SLA ({s.policy} policy, {s.timezone})",
        f"  first response due   {_t(esc, s.first_response_due)}",
        f"  next update due      {_t(esc, s.next_update_due) if s.next_update_due else 'on change (no periodic update)'}",
        f"  resolution due       {_t(esc, s.resolution_due)}",
        f"  update cadence       {s.update_cadence}",
        f"  stakeholders         {', '.join(s.stakeholders)}",
    ]


def next_action(esc: Escalation, row=None) -> str:
    """From the live clocks when there are any; the triage-time plan otherwise."""
    if row is not None:
        clock = row.next_clock
        if clock is None:
            return {"resolved": f"Ask {esc.customer} to confirm the fix", "confirmed": "Close the escalation",
                    "closed": "Nothing: closed"}.get(esc.status, "No open deadline")
        verb = {"first_response": f"Send the acknowledgment to {esc.customer}", "update": f"Update {esc.customer}",
                "resolution": "Resolve"}[clock.name]
        return f"{verb} by {_t(esc, clock.due)}" + (" (BREACHED)" if clock.status == "breached" else "")
    if esc.status == "open":
        return f"Send the acknowledgment to {esc.customer} by {_t(esc, esc.sla.first_response_due)}"
    if esc.sla.next_update_due:
        return f"Update {esc.customer} by {_t(esc, esc.sla.next_update_due)}"
    return f"Resolve by {_t(esc, esc.sla.resolution_due)}"


def eta(esc: Escalation, row=None) -> str:
    clock = next((c for c in row.clocks if c.name == "resolution"), None) if row is not None else None
    if clock is not None and clock.met_at:
        return f"resolved at {_t(esc, clock.met_at)}"
    due = clock.due if clock is not None and clock.due else esc.sla.resolution_due
    return f"{_t(esc, due)} (resolution target)"


def clock_lines(row) -> list[str]:
    from ..sla import humanize

    lines = [f"Clocks{' (PAUSED: waiting on the customer)' if row.paused else ''}"]
    for c in row.clocks:
        label = c.name.replace("_", " ")
        due = format_time(c.due, row.timezone) if c.due else "-"
        if c.met_at:
            extra = f"met at {format_time(c.met_at, row.timezone)} after {humanize(c.elapsed_minutes)}"
        elif c.left_minutes is not None:
            extra = f"{humanize(c.left_minutes)} left" if c.left_minutes >= 0 else f"overdue by {humanize(-c.left_minutes)}"
        else:
            extra = ""
        missed = f", {c.missed} missed" if c.missed else ""
        lines.append(f"  {label:<15} {c.status:<9} due {due:<27} {extra}{missed}  [{c.calendar}]")
    if row.flags:
        lines.append("Red flags")
        lines += [f"  ! {f.name.replace('_', ' ')}: {f.detail}" for f in row.flags]
    return lines


def notification_lines(row) -> list[str]:
    """Who was told what, when, and whether it arrived (agent/notify.py)."""
    lines = ["Notifications"]
    for n in row.notifications:
        at = datetime.fromisoformat(n["at"])
        what = "update summary" if n.get("kind") == "update" else f"{(n.get('clock') or '').replace('_', ' ')} {n.get('rung')}"
        result = "delivered" if n["result"] == "delivered" else f"FAILED ({n.get('error')})"
        lines.append(f"  {format_time(at, row.timezone)}  {what:<26} → {n.get('recipient')} via {n.get('channel')}: {result}")
    return lines


PART_LABELS = {"header": "mail headers", "quoted": "quoted reply", "forwarded": "forwarded-message marker",
               "signature": "signature", "disclaimer": "disclaimer"}


def complaint_lines(text: str) -> list[str]:
    """The customer's own words, then what came pasted with them (kept as pasted, never quoted back)."""
    from ..complaint import parsed

    p = parsed(text)
    lines = ["Complaint" + (" (the customer's own words)" if p.parts else "")]
    if p.headline:
        lines.append(f"  subject: {p.headline}")
    lines += [_wrap(x, "  ") if x.strip() else "" for x in p.new_text.splitlines()]
    lines.append("")
    if p.parts:
        lines.append("Pasted with it (kept; not read as the issue)")
        for part in p.parts:
            lines.append(f"  [{PART_LABELS[part.kind]}]")
            lines += [_wrap(x, "    ") if x.strip() else "" for x in part.text.splitlines()]
        lines.append("")
    return lines


def show_text(esc: Escalation, row=None) -> str:
    lines = [
        f"{esc.id}  {esc.customer}",
        f"  severity     {esc.severity.value} ({esc.type.value})",
        f"  started      {_t(esc, esc.opened_at)}",
        f"  status       {esc.status}",
        f"  owner        {esc.owner}",
        f"  next action  {next_action(esc, row)}",
        f"  ETA          {eta(esc, row)}",
        *workaround_lines(esc),
        f"  summary      {esc.summary}",
        "",
        *complaint_lines(esc.complaint),
        triage_text(esc).split("\n", 3)[3],
        "",
        *(clock_lines(row) + [""] if row else []),
        *(notification_lines(row) + [""] if row and row.notifications else []),
        "Updates log",
    ]
    for e in esc.events:
        lines.append(f"  {_t(esc, e.at)}  {e.kind:<16} {e.actor:<8} {event_detail(e)}")
    return "\n".join(lines)


def workaround_lines(esc: Escalation) -> list[str]:
    """The latest workaround and the permanent fix it waits for, in the shared time format."""
    from ..warroom import workarounds

    logged = workarounds(esc)
    if not logged:
        return []
    w = logged[-1]
    eta = f" (permanent fix expected by {format_time(w['permanent_fix_eta'], esc.sla.timezone)})" if w["permanent_fix_eta"] else ""
    return [f"  workaround   {w['steps']}{eta}"]


def event_detail(e) -> str:
    d = e.data
    if e.kind == "correction":
        return f"{d.get('field')}: {d.get('from')} → {d.get('to')} ({d.get('rule')})"
    if e.kind in ("severity_changed", "type_changed"):
        return f"{d['from']} → {d['to']}: {d.get('reason')}"
    if e.kind == "similar_found":
        return "; ".join(f"{m['id']} ({m['reason']})" for m in d.get("matches", [])[:3])
    if e.kind == "log":
        return f"[{d.get('kind')}] {d.get('text')}"
    if e.kind in ("notified", "notification_failed"):
        to = f" to {', '.join(d['to'])}" if d.get("to") else ""
        what = "internal summary of the update" if d.get("kind") == "update" else f"{(d.get('clock') or '').replace('_', ' ')}: {d.get('why')}"
        result = d.get("result") if e.kind == "notified" else f"FAILED: {d.get('error')}"
        return f"{d.get('recipient')} via {d.get('channel')} ({d.get('channel_type')}{to}), {what}; {result}, {d.get('attempts')} attempt(s)"
    return ", ".join(f"{k}={v}" for k, v in d.items() if v not in (None, "", False) and not isinstance(v, (dict, list)))


def step_text(esc: Escalation, action: str) -> str:
    last = max(esc.events, key=lambda e: e.id or 0) if esc.events else None
    detail = event_detail(last) if last else ""
    return f"{esc.id} {esc.status}: {last.kind if last else action}{' - ' + detail if detail else ''}"


def board_text(rows, now: datetime) -> str:
    from ..sla import humanize

    if not rows:
        return "No open escalations."
    counts = {}
    for r in rows:
        counts[r.severity.value] = counts.get(r.severity.value, 0) + 1
    breached = sum(1 for r in rows if r.breached)
    lines = [
        f"{len(rows)} open ({', '.join(f'{k}: {v}' for k, v in sorted(counts.items()))}); {breached} breached",
        f"{'ID':<8} {'SEV':<6} {'STATUS':<13} {'CUSTOMER':<18} {'NEXT':<15} {'DUE IN':>10}  FLAGS",
    ]
    for r in rows:
        c = r.next_clock
        left = "-" if not c else ("PAUSED" if c.status == "paused" else humanize((c.due - now).total_seconds() / 60))
        name = c.name.replace("_", " ") if c else "-"
        flags = ", ".join(f.name.replace("_", " ") for f in r.flags)
        told = ""
        if r.notifications:
            last = r.notifications[-1]
            what = "update" if last.get("kind") == "update" else f"{(last.get('clock') or '').replace('_', ' ')} {last.get('rung')}"
            told = f"{'  ' if flags else ''}[told {len(r.notifications)}; last {last.get('recipient')}: {what}]"
        lines.append(f"{r.id:<8} {r.severity.value:<6} {r.status:<13} {r.customer[:18]:<18} {name:<15} {left:>10}  {flags}{told}")
    return "\n".join(lines)


def due_text(rows, window: str) -> str:
    if not rows:
        return f"Nothing due within {window}."
    return "\n".join(f"{r.id}: {r.next_step()}" for r in rows)


def policy_text(policy) -> str:
    from ..sla import humanize

    lines = [f"Policy {policy.name!r} (time zone {policy.timezone}); targets count open time in their calendar", "",
             f"{'severity':<9} {'first response':>15} {'update':>26} {'resolution':>15}  calendar  stakeholders"]
    def target(minutes: int, calendar: str) -> str:
        if calendar == "24x7":
            return humanize(minutes)
        if minutes % 480 == 0:
            days = minutes // 480
            return f"{days} business day{'s' if days > 1 else ''}"
        return f"{humanize(minutes)} business"

    for sev, p in policy.severities.items():
        lines.append(
            f"{sev.value:<9} {target(p.first_response_minutes, p.calendar):>15} {p.cadence_label:>26} "
            f"{target(p.resolution_minutes, p.calendar):>15}  {p.calendar:<9} {', '.join(p.stakeholders)}"
        )
    for tier, t in policy.tiers.items():
        for sev, override in t.severities.items():
            lines.append(f"  {tier.value} {sev.value}: " + ", ".join(f"{k}={v}" for k, v in override.items()))
    lines += ["", "Calendars"]
    for name, cal in policy.calendars.items():
        if cal.always_open:
            lines.append(f"  {name}: around the clock")
            continue
        hours = "; ".join(f"{d} {' '.join(iv)}" for d, iv in cal.hours.items() if iv)
        hol = f", holidays {cal.holidays_country}{'-' + cal.holidays_subdivision if cal.holidays_subdivision else ''}" if cal.holidays_country else ""
        extra = f", {len(cal.holidays_extra)} custom closed dates" if cal.holidays_extra else ""
        lines.append(f"  {name}: {cal.timezone or policy.timezone}, {hours}{hol}{extra}")
    lines += ["", "Routing"]
    for t, team in policy.teams.items():
        lines.append(f"  {t.value:<11} {team.name} (owner {team.owner}, {team.channel})")
    return "\n".join(lines + notification_policy_lines(policy))


def notification_policy_lines(policy) -> list[str]:
    n = policy.notifications
    lines = ["", f"Templates: {policy.templates}"] if policy.templates else []
    if not n.configured:
        return lines
    lines += ["", f"Notifications (retries {n.retries}, backoff from {n.backoff_seconds:g} s)"]
    for name, c in n.channels.items():
        where = f"{c.host}:{c.port}, from {c.sender}" if c.type == "email" else (c.url or f"${c.url_env}")
        lines.append(f"  channel {name}: {c.type} {where}")
    for name, r in n.recipients.items():
        lines.append(f"  recipient {name}: {r.channel}{' ' + ', '.join(r.to) if r.to else ''}")
    ladders = [(sev.value, rungs) for sev, rungs in n.ladder.items()]
    ladders += [(f"{tier.value} {sev.value}", rungs) for tier, per in n.tiers.items() for sev, rungs in per.items()]
    for label, rungs in ladders:
        for r in rungs:
            hours = ", any hour" if r.outside_hours else ""
            clocks = "" if len(r.clocks) == 3 else f" ({', '.join(c.replace('_', ' ') for c in r.clocks)})"
            lines.append(f"  {label:<16} {r.label}{clocks} → {', '.join(r.notify)}{hours}")
    for sev, names in n.updates.items():
        lines.append(f"  {sev.value} updates → {', '.join(names)}")
    return lines


def list_text(rows) -> str:
    """Board rows, most urgent first: the next deadline decides."""
    if not rows:
        return "No open escalations."
    lines = [f"{'ID':<8} {'SEV':<6} {'TYPE':<11} {'STATUS':<13} {'CUSTOMER':<20} {'NEXT DEADLINE':<43} SUMMARY"]
    for r in rows:
        c = r.next_clock
        nxt = f"{c.name.replace('_', ' ')} {format_time(c.due, r.timezone)}" if c else "-"
        lines.append(f"{r.id:<8} {r.severity.value:<6} {r.type:<11} {r.status:<13} {r.customer[:20]:<20} {nxt:<43} {r.summary[:60]}")
    return "\n".join(lines)


def lint_json(result) -> dict:
    return {"passed": result.passed, "findings": [f.model_dump(mode="json") for f in result.findings], "text": result.text}


def lint_text(result) -> str:
    lines = [f"{'PASSED' if result.passed else 'FAILED'}: {len(result.findings)} finding(s)"]
    lines += [f"  {f.describe()}" for f in result.findings]
    return "\n".join(lines + ["", result.text.rstrip()])


def draft_json(outcome) -> dict:
    return {"id": outcome.escalation.id, "kind": outcome.draft.kind, "subject": outcome.draft.subject,
            "body": outcome.draft.body, "engine": outcome.draft.engine, "fallback_reason": outcome.fallback_reason,
            "warnings": list(getattr(outcome, "warnings", [])),
            **{k: v for k, v in lint_json(outcome.result).items() if k != "text"}}


def draft_text(outcome) -> str:
    lines = [f"Subject: {outcome.draft.subject}", "", outcome.draft.body.rstrip(), "",
             f"-- {outcome.draft.kind} for {outcome.escalation.id} by the {outcome.draft.engine} engine; lint "
             + ("passed" if outcome.result.passed else "FAILED")]
    lines += [f"   {f.describe()}" for f in outcome.result.findings]
    return "\n".join(lines)
