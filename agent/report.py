"""The Post-Incident Report, the customer incident summary and the knowledge-base draft, from the store.

Everything in a report comes from the record: the triage, the events (a timeline correction made
in the RCA replaces the time of the entry it corrects, and says so), the RCA answers and the
prevention actions. `check` then proves it: every time in the text is the time of a stored event,
every timeline row is a stored event, the duration is the one the timeline gives, and every
action has an owner and a due date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from . import rca
from . import store as store_mod
from .lint import Finding
from .prevention import from_events as actions_from_events
from .schemas import Escalation, Event
from .schemas.rca import PreventionAction
from .sla import humanize
from .store import Store, parse_id
from .wording import format_time, headline, second_person

KINDS = ("pir", "customer", "kb")
TIME = re.compile(r"\b\d{2}:\d{2} [A-Za-z0-9+\-]+ on [A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4}\b")
LESSONS = (("triage_worked", "Triage"), ("communication_effective", "Communication"), ("right_people", "People"),
           ("tools_processes", "Tools and processes"), ("do_differently", "Next time"))
FACTORS = (("users_affected", "Users affected"), ("revenue_at_risk", "Revenue"),
           ("business_criticality", "Business criticality"), ("public_exposure", "Public exposure"),
           ("regulatory", "Regulatory"))


@dataclass
class Row:
    label: str
    event_id: int | None
    kind: str | None
    at: datetime | None
    text: str
    corrected_by: int | None = None


@dataclass
class Report:
    kind: str
    escalation: Escalation
    markdown: str
    timeline: list[Row]
    start: datetime | None
    end: datetime | None
    actions: list[PreventionAction] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def duration_minutes(self) -> float | None:
        return (self.end - self.start).total_seconds() / 60 if self.start and self.end else None


def _first(events: list[Event], kind: str, last: bool = False) -> Event | None:
    found = [e for e in events if e.kind == kind]
    return (found[-1] if last else found[0]) if found else None


def milestones(esc: Escalation, st: rca.State) -> list[Row]:
    """The playbook's five timeline rows, each a stored event (or 'not recorded')."""
    corrected = {c["event_id"]: c for c in st.corrections if c.get("event_id") and c.get("at")}
    by_id = {e.id: e for e in esc.events}

    def row(label: str, e: Event | None, text: str) -> Row:
        if e is None:
            return Row(label, None, None, None, "not recorded")
        text = text.removeprefix(f"{label}: ")
        c = corrected.get(e.id)
        if c:
            return Row(label, e.id, e.kind, datetime.fromisoformat(c["at"]), f"{text} (corrected in the RCA: {c['text']})", c["id"])
        return Row(label, e.id, e.kind, e.at, text)

    triaged = _first(esc.events, "triaged")
    identified = by_id.get((st.answers.get("identified") or {}).get("event_id"))
    resolved = _first(esc.events, "resolved", last=True)
    return [
        row("Issue first reported", _first(esc.events, "opened"), f"{esc.customer} reported: {esc.summary}"),
        row("Escalation triggered", triaged, rca.event_text(esc, triaged) if triaged else ""),
        row("Root cause identified", identified, rca.event_text(esc, identified) if identified else ""),
        row("Resolution implemented", resolved, rca.event_text(esc, resolved) if resolved else ""),
        row("Customer confirmed", _first(esc.events, "confirmed", last=True), "Customer confirmed the fix"),
    ]


def build(store: Store, ident: str, kind: str = "pir") -> Report:
    from .errors import UsageError

    if kind not in KINDS:
        raise UsageError(f"unknown report kind {kind!r}: choose one of {', '.join(KINDS)}")
    esc = store.get(ident)
    st = rca.derive(esc.events)
    rows = milestones(esc, st)
    start, end = rows[0].at, rows[3].at
    actions = actions_from_events(esc.id, esc.events)
    report = Report(kind, esc, "", rows, start, end, actions)
    if not _cause(st):
        report.warnings.append(f"{esc.id} has no completed RCA: the root cause is missing (`escalate rca {esc.id}`)")
    if not end:
        report.warnings.append(f"{esc.id} is not resolved: the duration is open")
    render = {"pir": _pir, "customer": _customer, "kb": _kb}[kind]
    report.markdown = render(store, esc, st, report).rstrip() + "\n"
    if kind == "customer":
        report.markdown = _linted(esc, report)
    return report


def _linted(esc: Escalation, report: Report) -> str:
    """The customer report read like any message to the customer (agent/lint.py): a sentence that blames
    (what we logged or wrote when resolving: "user error on their side") is removed, an internal note or
    an unapproved promise cut; each change is a warning. The customer's own words quoted back stay."""
    from . import lint

    ctx = lint.LintContext(kind="report", audience="customer", confirmed=esc.status in ("confirmed", "closed"),
                           status=esc.status, customer_text=[esc.complaint, esc.customer, esc.contact or ""])
    result = lint.lint(report.markdown, ctx)
    for f in result.findings:
        report.warnings.append(f"customer report: {f.rule} {f.found!r}" + (f" ({f.fix})" if f.fix else " (left for a person to fix)"))
    return result.text.rstrip() + "\n"  # (lint's tidy drops a bullet whose one sentence went)


def _cause(st: rca.State) -> str | None:
    """The root cause the 5 Whys found, or one recorded whole with the completed RCA (a status page's postmortem)."""
    return st.root_cause["text"] if st.root_cause else (st.completed or {}).get("root_cause")


def _t(esc: Escalation, moment: datetime | None) -> str:
    return format_time(moment, esc.sla.timezone) if moment else "-"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _duration(report: Report) -> str:
    if report.duration_minutes is None:
        return "ongoing (not resolved)"
    return (f"{humanize(report.duration_minutes)} (from {_t(report.escalation, report.start)} "
            f"to {_t(report.escalation, report.end)})")


def _impact_line(esc: Escalation) -> str:
    imp = esc.triage.impact
    parts = []
    if imp.users_affected.evidence != "unknown":
        parts.append(f"{imp.users_affected.assessment} affected")
    if imp.revenue_at_risk.evidence != "unknown":
        parts.append(imp.revenue_at_risk.assessment)
    return "; ".join(parts) or "not stated in the complaint"


def _pir(store: Store, esc: Escalation, st: rca.State, report: Report) -> str:
    from .recovery import impact_level

    tz = esc.sla.timezone
    level = impact_level(esc, report.end or store_mod.now(), report.end)
    changes = [e for e in esc.events if e.kind == "severity_changed"]
    severity = f"{esc.severity.value} ({esc.type.value})"
    if changes:
        severity += "; " + "; ".join(f"{e.data.get('from')} → {e.data.get('to')} at {_t(esc, e.at)}" for e in changes)
    out = [f"# Post-Incident Report: {esc.id}, {esc.customer}", "", "## Summary", "", "| | |", "|---|---|",
           f"| Customer | {_cell(esc.customer)} ({esc.tier.value}) |", f"| Issue | {_cell(esc.summary)} |",
           f"| Severity | {_cell(severity)} |", f"| Duration | {_duration(report)} |",
           f"| Impact | {_cell(_impact_line(esc))}; impact level {level.level} |", "",
           f"## Timeline ({tz})", "", "| Time | Milestone | From the record |", "|---|---|---|"]
    out += [f"| {_t(esc, r.at)} | {r.label} | {_cell(r.text)} |" for r in report.timeline]
    out += ["", "## Root Cause", ""]
    if st.root_cause:
        rc = st.root_cause
        out += [f"{rc['text']} ({rc['category']} cause, level {rc['level']} of the 5 Whys)", ""]
        out += [f"{i}. {w['question']} {w['answer']}" for i, w in enumerate(st.accepted, 1)]
        out.append("")
        out += [f"- {q} {st.answers[k]['answer']}" for k, q in rca.OTHER_QUESTIONS if k in st.answers]
    elif st.completed and st.completed.get("root_cause"):  # recorded whole, e.g. a status page's postmortem
        done = st.completed
        source = f" (from the {done['source']})" if done.get("source") else ""
        category = f" ({done['category']} cause)" if done.get("category") not in (None, "unclassified") else ""
        out += [f"{done['root_cause']}{category}{source}", ""]
    else:
        out.append(f"Not identified yet: no completed RCA (`escalate rca {esc.id}`).")
    resolved = _first(esc.events, "resolved", last=True)
    out += ["", "## Resolution", ""]
    out.append(f"{resolved.data.get('summary') or 'Resolved'} ({_t(esc, resolved.at)})" if resolved else "Not resolved yet.")
    logged = [e for e in esc.events if e.kind == "log" and e.data.get("kind") in ("action", "workaround", "decision")]
    if logged:
        out += ["", "Steps taken:"] + [f"- {_t(esc, e.at)}: {rca.event_text(esc, e)}" for e in logged]
    out += ["", "## Customer Impact", ""]
    imp = esc.triage.impact
    for key, label in FACTORS:
        f = getattr(imp, key)
        out.append(f"- {label}: {f.assessment}" + (f" (\"{f.evidence}\")" if f.evidence != "unknown" else ""))
    out.append(f"- Impact level: {level.level} ({'; '.join(level.reasons)})")
    out += [f"- SLA {line.strip()}" for line in rca.clock_lines(store, esc)]
    out += ["", "## Prevention Actions", ""]
    if report.actions:
        out += ["| # | Action | Category | Owner | Due date | Status |", "|---|---|---|---|---|---|"]
        out += [f"| {a.n} | {_cell(a.action)} | {a.category} | {_cell(a.owner)} | {a.due} | {a.status} |" for a in report.actions]
    else:
        out.append("None recorded.")
    out += ["", "## Lessons Learned", ""]
    lessons = [f"- {label}: {st.answers[k]['answer']}" for k, label in LESSONS if k in st.answers]
    out += lessons or ["Not recorded yet (the RCA's process review)."]
    out += ["", "## Recovery Actions Taken", ""]
    out += _recovery(esc) or ["None recorded."]
    out += ["", "## Response and Outcome", ""] + _response(esc, st)
    return "\n".join(out)


def _response(esc: Escalation, st: rca.State) -> list[str]:
    """The war room, the customer updates sent, RCA timeline corrections, closure, CSAT and outcome: from the events."""
    out, kinds = [], {e.kind for e in esc.events}
    for e in esc.events:
        d = e.data
        if e.kind == "warroom_opened":
            out.append(f"- War room opened {_t(esc, e.at)}: commander {d.get('commander')}, channel {d.get('channel')}, "
                       f"updates {d.get('cadence')}")
        elif e.kind == "warroom_commander":
            out.append(f"- War room command handed over {_t(esc, e.at)}: {d.get('from')} → {d.get('to')}")
    if "warroom_opened" not in kinds:
        out.append("- No war room was opened.")
    sent = [e for e in esc.events if e.kind in ("ack", "update")]
    out.append(f"- Customer updates sent ({len(sent)})" + (":" if sent else ": none recorded."))
    out += [f"  - {_t(esc, e.at)}: " + ("acknowledgment" if e.kind == "ack" else "update")
            + (f" ({e.data['note']})" if e.data.get("note") else "") for e in sent]
    entries = {x.n: x for x in rca.timeline(esc)}
    for c in st.corrections:
        entry = entries.get(c.get("entry"))
        where = f"entry {c['entry']} ({entry.text}, {_t(esc, entry.event.at)})" if entry else "the timeline"
        when = f", corrected to {_t(esc, datetime.fromisoformat(c['at']))}" if c.get("at") else ""
        out.append(f"- Timeline correction in the RCA, {where}{when}: {c['text']}")
    closed = _first(esc.events, "closed", last=True)
    if closed and closed.data.get("forced"):
        out.append(f"- Closed {_t(esc, closed.at)} by force, from {closed.data.get('status_before') or 'an earlier status'}"
                   f" without the customer's confirmation" + (f": {closed.data['reason']}" if closed.data.get("reason") else ""))
    elif closed:
        out.append(f"- Closed {_t(esc, closed.at)}.")
    csat = _first(esc.events, "csat", last=True)
    out.append(f"- CSAT: {float(csat.data.get('score')):g} of 5 ({_t(esc, csat.at)})" + (f": \"{csat.data['comment']}\"" if csat.data.get("comment") else "")
               if csat else "- CSAT: not recorded (`escalate csat`).")
    outcome = _first(esc.events, "outcome", last=True)
    out.append(f"- Outcome: {outcome.data.get('outcome')} ({_t(esc, outcome.at)})" if outcome
               else "- Outcome: not recorded (`escalate outcome`).")
    return out


def _recovery(esc: Escalation) -> list[str]:
    out = []
    done = {e.data.get("n"): e for e in esc.events if e.kind == "commitment_done"}
    for e in esc.events:
        if e.kind == "recovery_planned":
            gestures = "; ".join(g.get("detail") or g.get("kind", "") for g in e.data.get("gestures") or [])
            out.append(f"- {_t(esc, e.at)}: recovery plan ({e.data.get('level')} impact): "
                       + ", ".join(e.data.get("actions") or []) + (f"; gestures: {gestures}" if gestures else ""))
        elif e.kind == "commitment":
            n = e.data.get("n")
            state = f"done {_t(esc, done[n].at)}" if n in done else "open"
            due = str(e.data.get("due") or "")[:10]
            out.append(f"- {e.data.get('what')} (owner {e.data.get('owner') or 'unassigned'}, due {due}): {state}")
    return out


def _customer(store: Store, esc: Escalation, st: rca.State, report: Report) -> str:
    rows = {r.label: r for r in report.timeline}
    out = [f"# Incident summary: {headline(esc.summary)}", "", f"{esc.customer} · reference {esc.id}", "",
           "## What happened", "", second_person(esc.summary.rstrip(".")) + ".", "", "## When", ""]
    said = _began(esc, report)
    when = f"You first reported the issue at {_t(esc, report.start)}."
    if said:  # the customer's own start time, when they gave one before they reported it
        when = (f"By your account it began at {_t(esc, said[0])} (you wrote “{said[1]}”), and you first reported it at "
                f"{_t(esc, report.start)}.")
    if report.end:
        when += f" The fix was in place at {_t(esc, report.end)}, {humanize(report.duration_minutes)} later"
        when += f" ({humanize((report.end - said[0]).total_seconds() / 60)} after it began)." if said else "."
    if rows["Customer confirmed"].at:
        when += f" You confirmed it at {_t(esc, rows['Customer confirmed'].at)}."
    out += [when, ""]
    users = esc.triage.impact.users_affected
    if users.evidence != "unknown":
        out += ["## Who was affected", "", f"{second_person(users.evidence)[:1].upper()}{second_person(users.evidence)[1:]}.", ""]
    out += ["## Why it happened", ""]
    out.append(f"{_cause(st).rstrip('.')}." if _cause(st) else "We are still confirming the root cause and will tell you when we have.")
    resolved = _first(esc.events, "resolved", last=True)
    done = [e.data["text"].rstrip(".") for e in esc.events if e.kind == "log" and e.data.get("kind") == "action"]
    fix = (resolved.data.get("summary") or "").rstrip(".") if resolved else ""
    out += ["", "## What we did", ""]
    out += [f"- {line}." for line in [*done, fix] if line] or ["- We fixed the issue."]
    if not resolved:
        out.append("- The permanent fix is not in place yet.")
    out += ["", "## What we are doing so it does not happen again", ""]
    live = [a for a in report.actions if a.status != "cancelled"]
    out += [f"- {a.action.rstrip('.')} (by {a.due}{', done' if a.status == 'done' else ''})" for a in live] or \
           ["We are agreeing the prevention actions and will share them with you."]
    from .drafting import customer_contact

    name, channel = customer_contact(esc, store.policy_of(parse_id(esc.id)))
    out += ["", "## Questions", "", f"{name} is your point of contact: {channel or 'reply to any of our messages'}."]
    return "\n".join(out)


def _began(esc: Escalation, report: Report) -> tuple[datetime, str] | None:
    from .began import began

    said = began(esc.complaint, esc.opened_at, esc.sla.timezone)
    return said if said and report.start and said[0] < report.start else None


def _severity_history(esc: Escalation) -> str:
    """'SEV-1 → SEV-2' when it changed, the one severity otherwise."""
    chain = [esc.triage.severity.value] + [e.data["to"] for e in esc.events if e.kind == "severity_changed"]
    return " → ".join(chain)


def _kb(store: Store, esc: Escalation, st: rca.State, report: Report) -> str:
    t = esc.triage
    what = next((q.answer for q in t.questions if q.key == "what" and q.answer), None)
    stated = next((q.answer for q in t.questions if q.key == "workaround" and q.answer), None)
    stated = stated.removeprefix("Yes: ") if stated and stated.startswith("Yes: ") else None
    workarounds = [e.data["text"] for e in esc.events if e.kind == "log" and e.data.get("kind") == "workaround"]
    resolved = _first(esc.events, "resolved", last=True)
    title = rca.problem_of(esc)
    out = [f"# KB draft: {title[:1].upper()}{title[1:]}", "",
           f"Type: {esc.type.value} · severity: {_severity_history(esc)} · source: {esc.id} (internal)", "",
           "## Symptoms", "", f"- {t.summary}"]
    if what and what != t.summary:
        out.append(f"- {what}")
    out += ["", "## Cause", "", _cause(st) or "Not known yet (no completed RCA).", ""]
    out += ["## Workaround", "", workarounds[-1] if workarounds else (stated or "None known."), ""]
    out += ["## Fix", "", (resolved.data.get("summary") or "Resolved; no summary recorded.") if resolved else "Not fixed yet."]
    technical = [a for a in report.actions if a.group == "technical fix"]
    out += [""] if technical else []
    out += [f"- Planned: {a.action} ({a.category}, due {a.due}, {a.status})" for a in technical]
    return "\n".join(out)


# -- the checks ------------------------------------------------------------------------------------


def _stated_duration(report: Report) -> str:
    """How the report states the duration the timeline gives."""
    if report.kind == "pir":
        return f"| Duration | {_duration(report)} |"
    return f"{humanize(report.duration_minutes)} later"


def check(report: Report, events: list[Event]) -> list[Finding]:
    """Nothing invented: every time and timeline row is in the store, durations agree, actions are owned and dated."""
    esc = report.escalation
    tz = esc.sla.timezone
    by_id = {e.id: e for e in events}
    moments = {e.at for e in events}
    moments |= {datetime.fromisoformat(e.data["at"]) for e in events if e.kind == "rca_timeline_correction" and e.data.get("at")}
    said = _began(esc, report)
    known = {format_time(m, tz) for m in moments | ({said[0]} if said else set())}
    out: list[Finding] = []
    for m in TIME.finditer(report.markdown):
        if m.group(0) not in known:
            out.append(Finding(rule="time_not_in_store", span=m.span(), found=m.group(0)))
    for r in report.timeline:
        if r.at is None:
            continue
        e = by_id.get(r.event_id)
        fixed = by_id.get(r.corrected_by)
        ok = e is not None and e.kind == r.kind and (r.at == e.at or (fixed is not None and fixed.kind == "rca_timeline_correction"
                                                                      and fixed.data.get("event_id") == e.id
                                                                      and datetime.fromisoformat(fixed.data["at"]) == r.at))
        if not ok:
            out.append(Finding(rule="event_not_in_store", span=None, found=f"{r.label} at {_t(esc, r.at)}"))
    timed = [r.at for r in report.timeline if r.at]
    if timed != sorted(timed):
        out.append(Finding(rule="timeline_out_of_order", span=None, found=", ".join(_t(esc, t) for t in timed), severity="warning"))
    if report.start and report.end:
        if report.end < report.start:
            out.append(Finding(rule="duration_inconsistent", span=None, found="resolved before it was first reported"))
        elif report.kind != "kb" and _stated_duration(report) not in report.markdown:
            out.append(Finding(rule="duration_inconsistent", span=None,
                               found=f"the duration {humanize(report.duration_minutes)} from the timeline is not the one stated"))
    for a in report.actions:
        if not a.owner.strip():
            out.append(Finding(rule="action_without_owner", span=None, found=f"#{a.n} {a.action}"))
        if not a.due.strip():
            out.append(Finding(rule="action_without_due", span=None, found=f"#{a.n} {a.action}"))
    return out
