"""Notification channels: Slack-compatible incoming webhooks (blocks), JSON webhooks signed with an
HMAC-SHA256 header, and e-mail over SMTP with STARTTLS. Credentials come from the environment at
send time and are never written anywhere.

One connection per webhook host (kept alive across messages) and one SMTP session per e-mail
channel; the notifier sends each host's messages one after another. A failed send is retried with
exponential backoff a bounded number of times; what is final (an HTTP 4xx other than 408/429, an
SMTP 5xx, a missing credential) is not retried.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import smtplib
import ssl
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Callable
from urllib.parse import urlsplit

from .delivery import slack_escape
from .notify_policy import Channel, Recipient

USER_AGENT = "escalation-handler-notifier/1"
MAX_RETRY_AFTER = 60.0


@dataclass
class Message:
    """What one notification says; `facts` are the escalation, deadline, countdown and next action."""

    delivery: str  # a stable id for the receiver to de-duplicate on
    kind: str  # warning | breach | update
    subject: str
    text: str
    facts: dict = field(default_factory=dict)
    sent_at: str = ""


class DeliveryError(Exception):
    def __init__(self, message: str, *, final: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.final = final
        self.retry_after = retry_after


@dataclass
class Outcome:
    delivered: bool
    attempts: int
    detail: str  # "HTTP 200", "250 OK", or the last error


def with_retries(send: Callable[[], str], *, retries: int, backoff: float,
                 sleep: Callable[[float], None] = time.sleep) -> Outcome:
    """Call `send` until it succeeds, at most 1 + `retries` times, waiting backoff, 2×backoff, … between."""
    attempts = 0
    while True:
        attempts += 1
        try:
            return Outcome(True, attempts, send())
        except DeliveryError as exc:
            if exc.final or attempts > retries:
                return Outcome(False, attempts, str(exc))
            delay = backoff * 2 ** (attempts - 1)
            if exc.retry_after is not None:
                delay = max(delay, min(exc.retry_after, MAX_RETRY_AFTER))
            sleep(delay)


def env_value(name: str | None, what: str) -> str:
    value = os.environ.get(name or "")
    if not value:
        raise DeliveryError(f"{what}: the environment variable {name} is not set", final=True)
    return value


def url_of(channel: Channel) -> str:
    return channel.url or env_value(channel.url_env, "the webhook URL")


def host_of(channel: Channel) -> str:
    """Where a channel connects: what `one connection at a time` is counted per."""
    if channel.type == "email":
        return f"smtp://{channel.host}:{channel.port}"
    try:
        parts = urlsplit(url_of(channel))
    except DeliveryError:
        return f"unset:{channel.url_env}"
    return f"{parts.scheme}://{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"


# -- payloads ----------------------------------------------------------------------------------

def slack_payload(message: Message, recipient: Recipient) -> dict:
    f = message.facts
    mention = f"{recipient.mention} " if recipient.mention else ""
    fields = [
        ("Escalation", f"{f.get('escalation_id')} · {f.get('customer')} · {f.get('severity')} · {f.get('status')}"),
        ("Deadline", f.get("deadline_text") or "-"),
        ("Countdown", f.get("countdown") or "-"),
        ("Next action", f.get("next_action") or "-"),
    ]
    return {
        "text": mention + slack_escape(message.subject),
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": message.subject[:150]}},
            {"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{name}*\n{slack_escape(value, 1900)}"}
                                           for name, value in fields]},
            {"type": "section", "text": {"type": "mrkdwn", "text": mention + slack_escape(message.text, 2900)}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": slack_escape(
                f"{f.get('why', message.kind)} · owner {f.get('owner')} · {message.delivery}")}]},
        ],
    }


def webhook_body(message: Message, recipient_name: str) -> dict:
    return {"type": f"escalation.{message.kind}", "delivery": message.delivery, "sent_at": message.sent_at,
            "recipient": recipient_name, "subject": message.subject, "text": message.text, **message.facts}


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>.<body>"): the receiver recomputes it, and
    rejects old timestamps, so a captured request cannot be replayed later."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def email_message(message: Message, channel: Channel, recipient: Recipient) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = " ".join(message.subject.split())
    msg["From"] = channel.sender
    msg["To"] = ", ".join(recipient.to)
    msg["Date"] = format_datetime(datetime.now(timezone.utc))
    msg["Message-ID"] = make_msgid(domain=channel.sender.rsplit("@", 1)[-1])
    msg["X-Escalation-Id"] = str(message.facts.get("escalation_id", ""))
    msg["X-Escalate-Delivery"] = message.delivery
    msg.set_content(message.text)
    return msg


# -- transports --------------------------------------------------------------------------------

class HttpHost:
    """One kept-alive HTTP(S) connection to one host, reopened after an error; honours the proxy
    environment variables the way urllib does."""

    def __init__(self, scheme: str, host: str, port: int, timeout: float):
        self.scheme, self.host, self.port, self.timeout = scheme, host, port, timeout
        self.conn: http.client.HTTPConnection | None = None
        self.connections = 0  # how many were opened (the benchmark reads it)
        proxy = urllib.request.getproxies().get(scheme)
        self.proxy = urlsplit(proxy) if proxy and not urllib.request.proxy_bypass(host) else None

    def _connect(self) -> http.client.HTTPConnection:
        target_host, target_port = (self.proxy.hostname, self.proxy.port or 80) if self.proxy else (self.host, self.port)
        if self.scheme == "https":
            conn = http.client.HTTPSConnection(target_host, target_port, timeout=self.timeout,
                                               context=ssl.create_default_context())
            if self.proxy:
                conn.set_tunnel(self.host, self.port)
        else:
            conn = http.client.HTTPConnection(target_host, target_port, timeout=self.timeout)
        self.connections += 1
        return conn

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> str:
        if self.conn is None:
            self.conn = self._connect()
        target = f"http://{self.host}:{self.port}{path}" if self.proxy and self.scheme == "http" else path
        try:
            self.conn.request("POST", target, body=body, headers={
                "Content-Type": "application/json", "User-Agent": USER_AGENT, **headers})
            response = self.conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise DeliveryError(f"could not reach {self.host}:{self.port} ({exc or type(exc).__name__})")
        if response.will_close:
            self.close()
        status = response.status
        if 200 <= status < 300:
            return f"HTTP {status}"
        final = 400 <= status < 500 and status not in (408, 429)
        retry_after = response.getheader("Retry-After")
        raise DeliveryError(f"{self.host} answered HTTP {status} {response.reason}".rstrip(), final=final,
                            retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def post_json(host: HttpHost, channel: Channel, payload: dict, *, delivery: str) -> str:
    url = urlsplit(url_of(channel))
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {"X-Escalate-Delivery": delivery}
    if channel.type == "webhook":
        secret = env_value(channel.secret_env, "the webhook secret")
        timestamp = str(int(time.time()))
        headers.update({"X-Escalate-Timestamp": timestamp, channel.signature_header: signature(secret, timestamp, body)})
    return host.post((url.path or "/") + (f"?{url.query}" if url.query else ""), body, headers)


class SmtpSession:
    """One SMTP session per e-mail channel: EHLO, STARTTLS, login with credentials from the environment."""

    def __init__(self, channel: Channel):
        self.channel = channel
        self.smtp: smtplib.SMTP | None = None
        self.connections = 0

    def _connect(self) -> smtplib.SMTP:
        c = self.channel
        user = env_value(c.username_env, "the SMTP user name") if c.username_env else None
        password = env_value(c.password_env, "the SMTP password") if c.password_env else None
        try:
            smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout_seconds)
            self.connections += 1
            smtp.ehlo()
            if c.starttls:
                smtp.starttls(context=ssl.create_default_context(cafile=c.ca_file))
                smtp.ehlo()
            if user:
                smtp.login(user, password)
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"{c.host} refused the login ({exc.smtp_code})", final=True)
        except smtplib.SMTPNotSupportedError as exc:
            raise DeliveryError(f"{c.host}: {exc}", final=True)
        except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
            raise DeliveryError(f"could not open an SMTP session with {c.host}:{c.port} ({exc or type(exc).__name__})")
        return smtp

    def send(self, msg: EmailMessage) -> str:
        if self.smtp is None:
            self.smtp = self._connect()
        try:
            refused = self.smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"{self.channel.host} refused every recipient: {', '.join(exc.recipients)}", final=True)
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise DeliveryError(f"{self.channel.host} answered {exc.smtp_code} {exc.smtp_error.decode(errors='replace')}",
                                final=exc.smtp_code >= 500)
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise DeliveryError(f"the SMTP session with {self.channel.host} broke ({exc or type(exc).__name__})")
        if refused:
            raise DeliveryError(f"{self.channel.host} refused {', '.join(refused)}", final=True)
        return "accepted by " + self.channel.host

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None
