"""Terminal text for the recovery plan, commitments, the war room, the read-in brief and workarounds."""

from __future__ import annotations

import textwrap
from datetime import datetime

from ..schemas.recovery import STEP_TITLES
from ..wording import format_time

WIDTH = 96


def _wrap(text: str, indent: str, width: int = WIDTH) -> str:
    return textwrap.fill(" ".join(text.split()), width=width, initial_indent=indent,
                         subsequent_indent=" " * len(indent))


def recovery_text(plan, made_now: bool, tz: str) -> str:
    from ..recovery import gesture_label

    lines = [f"{plan.escalation_id}  {plan.customer}: recovery plan, {plan.level} impact ({plan.points} points)"]
    if not made_now:
        lines.append(f"  (made {format_time(plan.planned_at, tz)}; gestures and commitments as stored; the conversation as the record reads now)")
    lines += [_wrap("; ".join(plan.reasons), "  Why: "), "",
              f"Actions    {', '.join(plan.actions)}",
              "Gestures   " + (", ".join(gesture_label(g) for g in plan.gestures) or "none")
              + f"  (credit at most {plan.max_credit_months} month(s) at {plan.level} impact)"]
    if plan.corrections:
        lines += ["", "Corrections"]
        lines += [_wrap(f"{c.field}: {c.from_value} → {c.to_value} [{c.rule}] {c.reason}", "  - ") for c in plan.corrections]
    lines += ["", "Recovery conversation"]
    for i, s in enumerate(plan.conversation, 1):
        lines += [f"  {i}. {STEP_TITLES[s.step]}", _wrap(s.text, "     "), ""]
    lines.append("Follow-up commitments (`escalate commitments`, `escalate done ID N`)")
    for c in plan.schedule:
        lines.append(_wrap(f"#{c.n} due {format_time(c.due, tz)}, {c.owner}: {c.what}", "  "))
    return "\n".join(lines)


def commitments_text(items, moment: datetime) -> str:
    if not items:
        return "No commitments."
    lines = [f"{'ID':<10} {'ESC':<7} {'DUE':<28} {'OWNER':<26} {'STATUS':<8} WHAT"]
    for c in items:
        lines.append(f"{c.id:<10} {c.escalation:<7} {c.due_text():<28} {c.owner[:26]:<26} {c.status(moment):<8} {c.what}")
    return "\n".join(lines)


def done_text(c) -> str:
    return f"{c.escalation} commitment #{c.n} done: {c.what}" + (f" ({c.note})" if c.note else "")


def room_text(esc, room, changed: list[str]) -> str:
    lines = [f"{esc.id}  {esc.customer}  {esc.severity.value}: " + "; ".join(changed), "",
             f"Channel    {room.channel}", f"Commander  {room.commander}", f"Updates    {room.cadence} to {esc.customer}",
             "", "Roster"]
    lines += [f"  {role:<26} {name}" for role, name in room.roster()]
    lines += ["", "Checklist (`escalate warroom ID --check N`)"]
    lines += [f"  [{'x' if n in room.checked else ' '}] {n}. {item}" for n, item in enumerate(room.checklist, 1)]
    return "\n".join(lines)


def brief_text(b: dict) -> str:
    room = b["war_room"]
    head = f"Read-in: {b['id']} {b['customer']} ({b['tier']}), {b['severity']} {b['type']}"
    lines = [head + (f", war room {room['channel']}" if room else ""), f"As of {b['as_of']}", "", "What happened",
             f"  Opened {b['what_happened']['opened']}", _wrap(b["what_happened"]["summary"], "  ")]
    for key, value in b["what_happened"]["impact"].items():
        lines.append(f"  {key + ':':<22} {value}")
    timeline = b["what_happened"]["timeline"]
    if timeline:
        lines.append("  Timeline")
        lines += [_wrap(f"{t['at']} - {t['what']}", "    ") for t in timeline[-15:]]
        if len(timeline) > 15:
            lines.append(f"    ({len(timeline) - 15} earlier entries: `escalate show {b['id']}`)")
    s = b["status"]
    lines += ["", "Current status", f"  {s['status']}{' (PAUSED: waiting on the customer)' if s['paused'] else ''}"]
    for c in s["clocks"]:
        state = f"met {c['met_text']}" if c["met_text"] else (f"due {c['due_text']}" if c["due_text"] else "")
        lines.append(f"  {c['name'].replace('_', ' '):<15} {c['status']:<9} {state}")
    for w in s["workarounds"]:
        told = f"communicated {w['communicated_at']}" if w["communicated"] else "NOT yet communicated to the customer"
        lines.append(_wrap(f"workaround ({told}): {w['steps']}", "  "))
        if w["permanent_fix_eta"]:
            lines.append(f"  permanent fix expected by {w['permanent_fix_eta']} ({w['eta_source']})")
    for f in s["flags"]:
        lines.append(f"  ! {f['flag'].replace('_', ' ')}: {f['detail']}")
    lines += ["", "Who is doing what"]
    lines += [f"  {w['role']:<26} {w['name']}" for w in b["who"]]
    if not room:
        lines.append(f"  (no war room: `escalate warroom {b['id']} --commander NAME`)")
    lines += ["", "Next actions"]
    lines += [_wrap(a, "  - ") for a in b["next_actions"]] or ["  - none"]
    lines += ["", f"Next update due: {b['next_update_due']}"]
    return "\n".join(lines)


def workaround_text(esc, w: dict) -> str:
    tz = esc.sla.timezone
    lines = [f"{esc.id} {esc.status}: workaround recorded", _wrap(w["steps"], "  steps: "),
             f"  permanent fix expected by {format_time(w['permanent_fix_eta'], tz)} ({w['eta_source']})",
             f"  commitment #{w['commitment']}: tell the customer when the permanent fix ships"]
    if w["communicated"]:
        lines.append(f"  communicated {format_time(w['communicated_at'], tz)}")
    else:
        lines.append(f"  not yet communicated: record the update that carries it with `escalate update {esc.id} --note ...`")
    return "\n".join(lines)
