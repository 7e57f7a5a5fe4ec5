"""Nothing is sent by itself: drafts are written to an .eml or .md file, or posted to a webhook."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from email.headerregistry import Address, Group
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from .errors import EscalateError, UsageError
from .schemas import Draft, Escalation
from .store import now

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _one_line(text: str) -> str:
    """Header values never carry a line break (an engine's subject might)."""
    return " ".join(text.split())


def _party(name: str, address: str | None = None) -> Address | Group:
    """A named mailbox, quoted as needed ("Rivera, Sam" is one person, not two); with no address known,
    an empty group named after them, so the name survives a parser instead of becoming a bogus address."""
    name = _one_line(name)
    if address:
        return Address(display_name=name, addr_spec=address)
    return Group(display_name=name, addresses=())


def signer(draft: Draft, esc: Escalation, executive: str | None = None) -> str:
    """Whose name an email's From shows: the executive who signs an apology (the policy's
    company.executive, when it names one), the owner otherwise."""
    if draft.kind == "apology" and (executive or "").strip():
        return executive.strip()
    return esc.owner


def as_eml(draft: Draft, esc: Escalation, channel: str | None, *, executive: str | None = None,
           to_address: str | None = None, from_name: str | None = None) -> bytes:
    """`executive`: the policy's company.executive, the From name of an apology; `from_name`: who signs
    (the policy's [team] signer) when known; `to_address`: the contact's address (`--contact-email`)."""
    msg = EmailMessage()
    msg["Subject"] = _one_line(draft.subject)
    sender = _EMAIL.search(channel or "")
    msg["From"] = _party(from_name or signer(draft, esc, executive), sender.group(0) if sender else None)
    recipient = esc.contact or esc.customer
    address = _EMAIL.search(to_address or "") or _EMAIL.search(recipient)
    name = recipient.replace(address.group(0), "").strip(" <>") if address else recipient
    msg["To"] = _party(name or recipient, address.group(0)) if address else _party(recipient)
    msg["Date"] = format_datetime(now())
    msg["X-Escalation-Id"] = esc.id
    msg.set_content(draft.body)
    return bytes(msg)


def as_markdown(draft: Draft, esc: Escalation) -> str:
    return f"# {draft.subject}\n\n_{esc.id} · {esc.customer} · {draft.kind}_\n\n{draft.body}"


def check(out: str | None = None, webhook: str | None = None) -> None:
    """Refuse a bad --out or --webhook before anything is drafted or stored."""
    if out is not None and Path(out).suffix.lower() not in (".eml", ".md"):
        raise UsageError(f"--out {out}: use a .eml or .md file name")
    if webhook is not None and not webhook.startswith(("http://", "https://")):
        raise UsageError(f"--webhook {webhook!r}: give an http(s) URL")


def write(path: str, draft: Draft, esc: Escalation, channel: str | None, *, executive: str | None = None,
          to_address: str | None = None, from_name: str | None = None) -> Path:
    check(out=path)
    target = Path(path)
    suffix = target.suffix.lower()
    from .private import write_private  # mode 600: a draft quotes the customer

    write_private(target, as_eml(draft, esc, channel, executive=executive, to_address=to_address, from_name=from_name)
                  if suffix == ".eml" else as_markdown(draft, esc))
    return target


def slack_escape(text: str, limit: int | None = None) -> str:
    """Slack reads &, < and > as control characters (<!channel>, <url|label>): customer text is escaped,
    and a cut never splits an entity."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if limit is not None and len(escaped) > limit:
        escaped = re.sub(r"&[a-z]*$", "", escaped[: limit - 1]) + "…"
    return escaped


def slack_payload(draft: Draft, esc: Escalation) -> dict:
    subject = _one_line(draft.subject)
    return {
        "text": slack_escape(f"{subject}\n\n{draft.body}"),
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": subject[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": slack_escape(draft.body, 3000)}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": slack_escape(f"{esc.id} · {esc.customer} · {draft.kind}")}]},
        ],
    }


def post(url: str, draft: Draft, esc: Escalation, *, timeout: float = 10.0) -> int:
    check(webhook=url)
    body = json.dumps(slack_payload(draft, esc)).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        raise EscalateError(f"the webhook answered {exc.code} {exc.reason}; the draft is saved, nothing was posted")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise EscalateError(f"could not reach the webhook ({reason}); the draft is saved, nothing was posted")
