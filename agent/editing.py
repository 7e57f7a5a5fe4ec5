"""`escalate edit`: a human corrects the record's words, each change an appended event.

- the issue statement (`--summary`): every later draft, report and the RCA use it;
- the contact's e-mail address (`--contact-email`): the .eml's To: header.
"""

from __future__ import annotations

import re
from datetime import datetime

from .errors import UsageError
from . import store as _store
from .store import Store, parse_id

MAX_SUMMARY_CHARS = 300
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")


def check_email(value: str) -> str:
    value = value.strip()
    if not _ADDRESS.match(value) or len(value) > 254:
        raise UsageError(f"--contact-email {value!r} is not an e-mail address (name@example.com)")
    return value


def check_summary(value: str) -> str:
    value = " ".join("".join(ch for ch in value if ch.isprintable() or ch.isspace()).split())
    if not value:
        raise UsageError("--summary is empty: say what is broken and for whom")
    if len(value) > MAX_SUMMARY_CHARS:
        raise UsageError(f"--summary is {len(value)} characters, over the {MAX_SUMMARY_CHARS} limit: one clause")
    return value


def edit(store: Store, ident: str, *, summary: str | None = None, contact_email: str | None = None,
         actor: str = "cli", at: datetime | None = None):
    """Apply the given edits in one transaction; return the escalation as stored afterwards."""
    if summary is None and contact_email is None:
        raise UsageError("nothing to edit: pass --summary TEXT and/or --contact-email ADDRESS")
    summary = check_summary(summary) if summary is not None else None
    contact_email = check_email(contact_email) if contact_email is not None else None
    number = parse_id(ident)
    row = store.row(number)
    moment = at or _store.now()
    with store.transaction() as db:
        if summary is not None and summary != row["summary"]:
            db["escalations"].update(number, {"summary": summary, "updated_at": moment.isoformat()})
            store._event(db, number, "summary_edited", actor, moment, {"from": row["summary"], "to": summary})
        if contact_email is not None and contact_email != contact_email_of(store.events(number)):
            store._event(db, number, "contact_email", actor, moment, {"email": contact_email})
    return store.get(number)


def contact_email_of(events) -> str | None:
    """The contact's address as last recorded (at triage or by `escalate edit`)."""
    return next((e.data.get("email") for e in sorted(events, key=lambda e: e.id or 0, reverse=True) if e.kind == "contact_email"), None)
