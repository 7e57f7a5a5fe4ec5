"""Text a person edited before sending: linted against the record, and "mark as sent", which saves
what was sent and records the step it was (the acknowledgment, a customer update, an internal note).

A face (the web workspace) calls `check` as the person types and `mark_sent` when they say they
sent it; the message is sent by them, from their helpdesk: nothing here sends mail.
"""

from __future__ import annotations

from datetime import datetime

from . import board, draft_checks, drafting, lifecycle, lint
from .errors import UsageError
from .schemas import Draft, Escalation
from .store import Store, now, parse_id

MAX_CHARS = 100_000


def _audience(kind: str, audience: str | None) -> str:
    return audience or drafting.DEFAULT_AUDIENCE.get(kind, "customer")


def check(store: Store, ident: str, kind: str, text: str, *, audience: str | None = None,
          moment: datetime | None = None) -> lint.LintResult:
    """Lint text a person wrote, as it stands (nothing is corrected or stored): the findings to show."""
    if kind not in drafting.KINDS:
        raise UsageError(f"unknown draft kind {kind!r}: choose one of {', '.join(drafting.KINDS)}")
    if len(text or "") > MAX_CHARS:
        raise UsageError(f"the text is {len(text):,} characters, over the {MAX_CHARS:,} limit")
    esc = store.get(ident)
    number = parse_id(esc.id)
    policy = store.policy_of(number)
    moment = moment or now()
    audience = _audience(kind, audience)
    ctx = drafting.context(esc, policy, moment, board.one(store, number, moment), kind=kind, audience=audience)
    found = lint.lint(text or "", drafting.lint_context(esc, policy, kind, audience, ctx), fix=False)
    # and the checks every generated draft passes: a logged hypothesis, an internal stakeholder or a team's name in a
    # customer message, a severity or escalation id other than the record's, a promise of another update time
    _, checked = draft_checks.audit(text or "", drafting.check_facts(esc, policy, ctx, moment, audience), fix=False,
                                    skip=("placeholder",), warn=("request_unanswered",))
    return lint.LintResult(found.text, found.findings + checked)


def step_for(esc: Escalation, kind: str, audience: str) -> str:
    """The lifecycle step that sending this message is."""
    if audience == "internal" or kind == "internal":
        return "log"
    if kind == "acknowledgment" and esc.status == "open":
        return "ack"
    return "update"


def mark_sent(store: Store, ident: str, kind: str, subject: str, body: str, *, audience: str | None = None,
              actor: str = "cli", at: datetime | None = None) -> tuple[Escalation, str]:
    """Record that this message was sent: refused (nothing stored) while lint finds an error in it or
    the lifecycle does not allow the step; otherwise the text is saved as the kind's latest draft and
    the step recorded. Returns the escalation as it now is and the step."""
    audience = _audience(kind, audience)
    subject = " ".join((subject or "").split())
    if not subject or not (body or "").strip():
        raise UsageError("a sent message needs a subject and a body")
    result = check(store, ident, kind, body, audience=audience)
    errors = [f for f in result.findings if f.severity == "error"]
    if errors:
        raise UsageError("not marked as sent: lint still finds " + "; ".join(f.describe() for f in errors))
    esc = store.get(ident)
    action = step_for(esc, kind, audience)
    moment = at or now()
    allowed = lifecycle.available(esc, store.policy_of(esc.id), moment)
    if action not in allowed:
        raise UsageError(f"cannot record the {kind} as sent: {esc.id} is {esc.status}")
    number = parse_id(esc.id)
    draft = Draft(kind=kind, subject=subject, body=body.rstrip() + "\n", engine="human")
    store.save_draft(number, draft, "sent", findings=[f.model_dump(mode="json") for f in result.findings], passed=True,
                     audience=audience, actor=actor, at=moment)
    args = {"log": {"kind": "note", "text": f"Internal message sent: {subject}"}, "ack": {},
            "update": {"note": subject}}[action]
    return lifecycle.step(store, esc.id, action, at=moment, actor=actor, **args), action
