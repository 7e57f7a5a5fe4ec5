"""What the web tests share: an app over a temp database, the CSRF token of a page, a triage
through the paste form, and the 5-Whys answers a resolved escalation's interview takes."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.testclient import TestClient

from agent.faces.web.app import Settings, create_app

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
OUTAGE = (EXAMPLES / "login-outage.txt").read_text(encoding="utf-8")
WHYS = ["The TLS certificate on the auth gateway expired",
        "Certificate renewal is a manual task with no owner and no expiry alert",
        "The release checklist never covered certificates"]
REVIEW = "Nothing tracked certificate expiry dates"
ACTION = {"action": "Alert 30 days before any certificate expires", "category": "monitoring", "owner": "Jordan Lee",
          "due": "2027-01-15"}


def client(db_path, *, team: bool = False, **kw) -> TestClient:
    return TestClient(create_app(Settings(db_path=db_path, engine="offline", team=team, local_actor="dana", **kw)),
                      follow_redirects=False)


def csrf(c: TestClient, url: str = "/triage") -> str:
    page = c.get(url, follow_redirects=True)
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def triage(c: TestClient, text: str = OUTAGE, customer: str = "Acme Corp", **fields) -> str:
    token = csrf(c)
    r = c.post("/triage", data={"csrf": token, "complaint": text, "customer": customer, "tier": "enterprise",
                                "contact": "Dana", "engine": "offline", **fields})
    assert r.status_code == 303, r.text[:2000]
    return re.search(r"/e/(ESC-\d+)", r.headers["location"]).group(1)


def step(c: TestClient, ident: str, action: str, **fields):
    return c.post(f"/e/{ident}/step", data={"csrf": csrf(c, f"/e/{ident}"), "action": action, **fields})


def answer_for(key: str, level: int) -> dict:
    if key == "timeline":
        return {"answer": "yes"}
    if key == "identified":
        return {"answer": "none"}
    if key == "why":
        return {"answer": WHYS[min(level, len(WHYS)) - 1]}
    if key == "root_cause":
        return {"answer": "yes"}
    if key == "action":
        return {}
    return {"answer": REVIEW}


def question(html: str) -> tuple[str, int]:
    key = re.search(r'data-key="([a-z_]+)"', html).group(1)
    level = re.search(r"\[why (\d+)\]", html)
    return key, int(level.group(1)) if level else 0
