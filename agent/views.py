"""How records look: the JSON shape of a triage, and the text a terminal shows."""

from __future__ import annotations

import json
import textwrap
from datetime import datetime
from zoneinfo import ZoneInfo

from .drafting import format_time
from .schemas import Escalation

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
        "engine_severity": t.engine_severity.value,
        "sla": esc.sla.model_dump(mode="json"),
        "engine": esc.engine.name,
        "model": esc.engine.model,
        "requested_engine": esc.engine.requested,
        "fallback_reason": esc.engine.fallback_reason,
        "drafts": {kind: {"subject": d.subject, "body": d.body, "engine": d.engine} for kind, d in esc.drafts.items()},
    }


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
    ack = esc.drafts.get("acknowledgment")
    if ack:
        lines += ["", "Acknowledgment draft", f"  Subject: {ack.subject}", ""]
        lines += [("  " + line) if line else "" for line in ack.body.rstrip().splitlines()]
    return "\n".join(lines)


def sla_lines(esc: Escalation) -> list[str]:
    s = esc.sla
    return [
        f"SLA ({s.policy} policy, {s.timezone})",
        f"  first response due   {_t(esc, s.first_response_due)}",
        f"  next update due      {_t(esc, s.next_update_due) if s.next_update_due else 'on change (no periodic update)'}",
        f"  resolution due       {_t(esc, s.resolution_due)}",
        f"  update cadence       {s.update_cadence}",
        f"  stakeholders         {', '.join(s.stakeholders)}",
    ]


def next_action(esc: Escalation) -> str:
    if esc.status == "open":
        return f"Send the acknowledgment to {esc.customer} by {_t(esc, esc.sla.first_response_due)}"
    if esc.sla.next_update_due:
        return f"Update {esc.customer} by {_t(esc, esc.sla.next_update_due)}"
    return f"Resolve by {_t(esc, esc.sla.resolution_due)}"


def show_text(esc: Escalation) -> str:
    lines = [
        f"{esc.id}  {esc.customer}",
        f"  severity     {esc.severity.value} ({esc.type.value})",
        f"  started      {_t(esc, esc.opened_at)}",
        f"  status       {esc.status}",
        f"  owner        {esc.owner}",
        f"  next action  {next_action(esc)}",
        f"  ETA          {_t(esc, esc.sla.resolution_due)} (resolution target)",
        f"  summary      {esc.summary}",
        "",
        "Complaint",
        *(_wrap(p, "  ") if p.strip() else "" for p in esc.complaint.splitlines()),
        "",
        triage_text(esc).split("\n", 3)[3],
        "",
        "Updates log",
    ]
    for e in esc.events:
        detail = ", ".join(f"{k}={v}" for k, v in e.data.items() if v not in (None, "")) if e.kind != "correction" else (
            f"{e.data.get('field')}: {e.data.get('from')} → {e.data.get('to')} ({e.data.get('rule')})"
        )
        lines.append(f"  {_t(esc, e.at)}  {e.kind:<12} {e.actor:<6} {detail}")
    return "\n".join(lines)


def list_text(rows: list[dict]) -> str:
    if not rows:
        return "No open escalations."
    lines = [f"{'ID':<8} {'SEV':<6} {'TYPE':<11} {'STATUS':<13} {'CUSTOMER':<20} {'FIRST RESPONSE DUE':<26} SUMMARY"]
    for r in rows:
        due = datetime.fromisoformat(r["sla"]["first_response_due"])
        summary = (r["summary"] or "")[:60]
        lines.append(
            f"ESC-{r['id']:<4} {r['severity']:<6} {r['type']:<11} {r['status']:<13} {r['customer'][:20]:<20} "
            f"{due:%Y-%m-%d %H:%M %Z}{'':<4} {summary}"
        )
    return "\n".join(lines)
