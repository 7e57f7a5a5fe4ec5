"""The web workspace in a real browser: Playwright for Python driving Debian's Chromium headless
against `escalate serve`'s app on 127.0.0.1.

The journey: paste a complaint → triage → ack → log → draft an update, edit it until lint passes
→ mark sent → resolve → confirm → RCA → PIR download; and the board's countdown ticking and a
breach turning red. Screenshots go to $ESCALATE_SCREENSHOTS (`make screenshots` writes
docs/screenshots/). Without Chromium the tests skip with one line; under CI=true they fail.
"""

from __future__ import annotations

import os
import shutil
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from web_support import ACTION, OUTAGE, WHYS, answer_for

CHROMIUM = os.environ.get("ESCALATE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def _browser_or_skip():
    missing = None
    try:
        from playwright.sync_api import sync_playwright  # noqa: F401
    except ImportError:
        missing = "the playwright package (pip install -e '.[test]')"
    if missing is None and not Path(CHROMIUM).exists():
        missing = f"Chromium at {CHROMIUM} (apt-get install chromium)"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests need {missing}; .ci/run installs it")
        pytest.skip(f"browser tests skipped: no {missing}")


@pytest.fixture
def server(db_path):
    """The app served by uvicorn on a free loopback port, in a thread."""
    _browser_or_skip()
    import uvicorn

    from agent.faces.web.app import Settings, create_app

    app = create_app(Settings(db_path=db_path, engine="offline", local_actor="dana"))
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        threading.Event().wait(0.05)
    assert srv.started, "uvicorn did not start"
    port = srv.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        tab = context.new_page()
        errors: list[str] = []
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        tab.set_default_timeout(20_000)
        tab.base = server
        yield tab
        browser.close()
        assert not [e for e in errors if "Content Security Policy" in e], errors


def shot(page, name: str) -> None:
    target = os.environ.get("ESCALATE_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / f"{name}.png"), full_page=False)


@pytest.mark.enable_socket
def test_journey_paste_to_pir_download(page, tmp_path):
    base = page.base
    page.goto(base + "/triage")
    page.fill("textarea[name=complaint]", OUTAGE)
    page.fill("input[name=customer]", "Acme Corp")
    page.select_option("select[name=tier]", "enterprise")
    page.fill("input[name=contact]", "Dana")
    page.select_option("select[name=engine]", "offline")
    shot(page, "triage-paste")
    page.click("button:has-text('Triage')")
    page.wait_for_url("**/e/ESC-1*")
    assert "SEV-1" in page.inner_text("h1")
    assert page.locator("pre.complaint mark").count() > 0
    shot(page, "escalation")

    page.click("button:has-text('Acknowledged')")
    page.wait_for_selector("#status:has-text('acknowledged')")
    page.fill("#log-form input[name=text]", "Rolled back release 4.2")
    page.select_option("#log-form select[name=kind]", "action")
    page.click("#log-form button")
    page.wait_for_selector(".timeline li:has-text('Rolled back release 4.2')")

    page.click("a:has-text('Drafts')")
    page.select_option("#new-draft select[name=kind]", "update")
    page.select_option("#new-draft select[name=engine]", "offline")
    page.click("#new-draft button")
    page.wait_for_selector("#lint-status:has-text('Lint passes')")
    good = page.input_value("#body")
    page.fill("#body", "This was user error on your side.\n" + good)
    page.wait_for_selector("#lint-status:has-text('Lint finds')")  # debounced live lint, no reload
    shot(page, "draft-lint")
    page.fill("#body", good)
    page.wait_for_selector("#lint-status:has-text('Lint passes')")
    page.click("#mark-sent")
    page.wait_for_selector(".notice:has-text('customer update recorded')")

    page.fill(".step-resolve input[name=summary]", "Certificate renewed and the gateway restarted")
    page.click(".step-resolve button")
    page.wait_for_selector("#status:has-text('resolved')")
    page.click(".step-confirm button")
    page.wait_for_selector("#status:has-text('confirmed')")

    page.click("#rca-link")
    actions = 0
    for _ in range(40):
        if page.locator("#rca-done").count():
            break
        key = page.get_attribute("#question", "data-key")
        if key == "action":
            if actions == 0:
                page.fill("#action", ACTION["action"])
                page.select_option("select[name=category]", ACTION["category"])
                page.fill("input[name=owner]", ACTION["owner"])
                page.fill("input[name=due]", ACTION["due"])
                page.click("button:has-text('Add action')")
            else:
                page.click("#finish-actions")
            actions += 1
        else:
            level = page.inner_text("#question label strong")
            n = int(level.split("[why ")[1].split("]")[0]) if "[why " in level else 0
            if key == "why" and n == 1:
                shot(page, "rca")
            page.fill("#answer", answer_for(key, n)["answer"])
            page.click("button:has-text('Save answer')")
        page.wait_for_load_state()
    assert page.locator("#rca-done").count() == 1
    page.click("#pir-link")
    shot(page, "pir")
    with page.expect_download() as download:
        page.click("#download-report")
    saved = tmp_path / "pir.md"
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert "Post-Incident Report" in text and WHYS[0] in text and ACTION["action"] in text


@pytest.mark.enable_socket
def test_board_countdown_ticks_and_a_breach_turns_red(page, db_path):
    from agent.engines import get_engine
    from agent.policy import default_policy
    from agent.store import Store, now
    from agent.triage import triage_complaint

    policy = default_policy()
    with Store(db_path) as store:  # SEV-1: first response due 15 minutes after opening, i.e. in ~4 s
        triage_complaint(text=OUTAGE, customer="Acme Corp", tier="enterprise", contact="Dana", store=store,
                         engine=get_engine("offline", policy=policy), policy=policy,
                         at=now() - timedelta(minutes=14, seconds=56))
        triage_complaint(text="A typo on the billing page footer, cosmetic only.", customer="Globex", tier="standard",
                         store=store, engine=get_engine("offline", policy=policy), policy=policy)
    page.goto(page.base + "/board")
    row = page.locator("tr[data-id='ESC-1']")
    countdown = row.locator(".countdown")
    first = countdown.inner_text()
    assert first.endswith("left"), first
    page.wait_for_function("t => document.querySelector(\"tr[data-id='ESC-1'] .countdown\").textContent !== t", arg=first)
    assert "breached" not in (row.get_attribute("class") or "")
    page.wait_for_selector("tr[data-id='ESC-1'].breached", timeout=30_000)
    assert countdown.inner_text().startswith("overdue")
    color = row.locator("td").first.evaluate("el => getComputedStyle(el).color")
    assert color == "rgb(179, 38, 30)"  # var(--red)
    assert "breached" not in (page.locator("tr[data-id='ESC-2']").get_attribute("class") or "")
    shot(page, "board")


@pytest.mark.enable_socket
def test_metrics_page_renders_in_the_browser(page, db_path):
    from agent.engines import get_engine
    from agent.policy import default_policy
    from agent.store import Store
    from agent.triage import triage_complaint

    policy = default_policy()
    with Store(db_path) as store:
        triage_complaint(text=OUTAGE, customer="Acme Corp", tier="enterprise", store=store,
                         engine=get_engine("offline", policy=policy), policy=policy)
    page.goto(page.base + "/metrics", wait_until="domcontentloaded")
    # The chart is drawn by matplotlib on request: its first import can take a while on a busy machine.
    page.wait_for_function("() => { const i = document.querySelector('img.chart'); return i && i.complete && i.naturalWidth > 0; }",
                           timeout=90_000)
    shot(page, "metrics")


def test_a_missing_browser_skips_locally_and_fails_under_ci(monkeypatch, tmp_path):
    import test_web_browser as me

    monkeypatch.setattr(me, "CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="browser tests skipped: no Chromium"):
        me._browser_or_skip()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="browser tests need Chromium"):
        me._browser_or_skip()
