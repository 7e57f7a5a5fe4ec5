"""Helpers for the notifier tests: policies, escalations at chosen times, and real local receivers on
127.0.0.1 (an HTTP server that checks webhook signatures, an SMTP server with STARTTLS and AUTH)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from agent import lifecycle
from agent.engines.offline import OfflineEngine
from agent.policy import parse_policy
from agent.store import parse_id
from agent.triage import triage_complaint

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEV1_TEXT = (EXAMPLES / "login-outage.txt").read_text()
SEV3_TEXT = (EXAMPLES / "data-export-slow.txt").read_text()
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # Mon 23 Nov 2026, 09:00 UTC (business hours open)
SECRET = "s3cret-for-tests"


def policy_from(toml: str):
    return parse_policy(toml, name="test")


def webhook_policy(url: str, *, ladder: str, extra: str = "", retries: int = 2, kind: str = "webhook") -> str:
    secret = 'secret_env = "NOTIFY_TEST_SECRET"\n' if kind == "webhook" else ""
    return (f"[notifications]\nretries = {retries}\nbackoff_seconds = 0.5\n"
            f'[notifications.channels.hook]\ntype = "{kind}"\nurl = "{url}"\n{secret}'
            f'[notifications.recipients.owner]\nchannel = "hook"\n'
            f'[notifications.recipients.team]\nchannel = "hook"\n' + extra + ladder)


def escalate(store, *, text: str = SEV1_TEXT, at: datetime = MONDAY, tier: str = "standard", customer: str = "Acme Corp",
             policy=None) -> int:
    from agent.policy import default_policy

    policy = policy or default_policy()
    esc = triage_complaint(text=text, customer=customer, tier=tier, contact="Dana", owner=None, timezone="UTC", at=at,
                           store=store, engine=OfflineEngine(policy=policy), policy=policy)
    return parse_id(esc.id)


def step(store, number: int, action: str, at: datetime, **args):
    return lifecycle.step(store, number, action, at=at, actor="test", **args)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


class Receiver:
    """An HTTP/1.1 keep-alive server on 127.0.0.1 that records each POST, can fail the first N, checks
    the HMAC signature when given the secret, and counts connections (open at once, and in all)."""

    def __init__(self, *, fail_first: int = 0, status: int = 500, always: int | None = None, secret: str | None = None):
        self.received: list[dict] = []
        self.requests = 0
        self.fail_first, self.status, self.always, self.secret = fail_first, status, always, secret
        self.open_now = self.max_open = self.connections = 0
        self.bad_signatures = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                super().setup()
                with receiver.lock:
                    receiver.connections += 1
                    receiver.open_now += 1
                    receiver.max_open = max(receiver.max_open, receiver.open_now)

            def finish(self):
                super().finish()
                with receiver.lock:
                    receiver.open_now -= 1

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.requests += 1
                    n = receiver.requests
                answer = receiver.always or (receiver.status if n <= receiver.fail_first else 200)
                if answer == 200 and receiver.secret is not None and not receiver.signed(self.headers, body):
                    receiver.bad_signatures += 1
                    answer = 401
                if answer == 200:
                    receiver.received.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
                self.send_response(answer)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok" if answer == 200 else b"no")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/escalations"

    def signed(self, headers, body: bytes) -> bool:
        """What a receiver does: recompute HMAC-SHA256 over "<timestamp>.<body>" and compare in constant time."""
        timestamp = headers.get("X-Escalate-Timestamp", "")
        expected = "sha256=" + hmac.new(self.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 300
        return fresh and hmac.compare_digest(expected, headers.get("X-Escalate-Signature", ""))

    def __enter__(self) -> "Receiver":
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(tmp_path: Path, *, user: str = "notifier", password: str = "pw-from-env"):
    """aiosmtpd on 127.0.0.1 with STARTTLS (a trustme certificate authority) and AUTH required after it;
    yields (port, messages, ca_file)."""
    import ssl

    import trustme
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    messages: list[dict] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "data": envelope.content,
                             "tls": session.ssl is not None, "authenticated": session.authenticated})
            return "250 OK"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == user.encode() and auth_data.password == password.encode()
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            authenticator=authenticator, auth_require_tls=True)
    controller.start()
    try:
        yield port, messages, ca_file
    finally:
        controller.stop()
