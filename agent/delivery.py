"""Nothing is sent by itself: drafts are written to an .eml or .md file, or posted to a webhook."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from .errors import EscalateError, UsageError
from .schemas import Draft, Escalation
from .store import now

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def as_eml(draft: Draft, esc: Escalation, channel: str) -> bytes:
    msg = EmailMessage()
    msg["Subject"] = draft.subject
    sender = _EMAIL.search(channel or "")
    msg["From"] = f"{esc.owner} <{sender.group(0)}>" if sender else esc.owner
    msg["To"] = esc.contact or esc.customer
    msg["Date"] = format_datetime(now())
    msg["X-Escalation-Id"] = esc.id
    msg.set_content(draft.body)
    return bytes(msg)


def as_markdown(draft: Draft, esc: Escalation) -> str:
    return f"# {draft.subject}\n\n_{esc.id} · {esc.customer} · {draft.kind}_\n\n{draft.body}"


def write(path: str, draft: Draft, esc: Escalation, channel: str) -> Path:
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".eml", ".md"):
        raise UsageError(f"--out {path}: use a .eml or .md file name")
    try:
        if suffix == ".eml":
            target.write_bytes(as_eml(draft, esc, channel))
        else:
            target.write_text(as_markdown(draft, esc), encoding="utf-8")
    except OSError as exc:
        raise EscalateError(f"cannot write {path}: {exc.strerror}")
    return target


def slack_payload(draft: Draft, esc: Escalation) -> dict:
    return {
        "text": f"{draft.subject}\n\n{draft.body}",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": draft.subject[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": draft.body[:2900]}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"{esc.id} · {esc.customer} · {draft.kind}"}]},
        ],
    }


def post(url: str, draft: Draft, esc: Escalation, *, timeout: float = 10.0) -> int:
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"--webhook {url!r}: give an http(s) URL")
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
