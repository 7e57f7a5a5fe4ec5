"""`escalate serve`, single-user mode, through Starlette's test client: every route, the lifecycle
buttons and refusals, drafts with lint and mark-as-sent, the RCA interview, reports, metrics,
import/export, CSRF, escaping and the security headers."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from web_support import ACTION, answer_for, client, csrf, question, step, triage


def events(db_path, number: int = 1) -> list[tuple[str, str]]:
    with sqlite3.connect(db_path) as conn:
        return list(conn.execute("SELECT kind, actor FROM events WHERE escalation_id = ? ORDER BY id", [number]))


@pytest.fixture
def c(db_path):
    return client(db_path)


def test_board_starts_empty_and_pages_carry_csp_without_inline_script(c):
    home = c.get("/")
    assert "No open escalation matches." in home.text  # the board is the home page
    cookie = home.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    r = c.get("/board")
    assert r.status_code == 200 and "No open escalation matches." in r.text
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
    assert not re.search(r"<script(?![^>]*\ssrc=)", r.text), "inline script in the page"


def test_paste_triage_shows_severity_why_impact_questions_routing_and_the_ack_draft(c, db_path):
    ident = triage(c)
    page = c.get(f"/e/{ident}")
    assert page.status_code == 200
    html = page.text
    assert ident == "ESC-1" and "SEV-1" in html and "Why SEV-1" in html
    assert "<mark>" in html  # the customer's words behind the impact, highlighted in the complaint
    assert "Routing:" in html and "Acknowledgment draft" in html and "first response by" in html
    assert "Ask:" in html or "✓" in html
    assert events(db_path)[0] == ("opened", "dana")


def test_a_hostile_complaint_is_shown_literally(c):
    hostile = ("Production is down for all 300 users. <script>alert('x')</script> {{ 7*7 }} {% raw %} "
               "<a href=\"javascript:alert(1)\">click</a> <!-- hidden --> <img src=x onerror=alert(2)>")
    ident = triage(c, hostile, customer="Evil <b>Corp</b>")
    html = c.get(f"/e/{ident}").text
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and "{% raw %}" in html
    assert 'href="javascript:' not in html and "&lt;a href=&#34;javascript:alert(1)&#34;&gt;" in html
    assert "<!-- hidden -->" not in html and "&lt;!-- hidden --&gt;" in html
    assert "<img src=x" not in html and "Evil &lt;b&gt;Corp&lt;/b&gt;" in html
    board = c.get("/board").text
    assert "Evil &lt;b&gt;Corp&lt;/b&gt;" in board and "<b>Corp</b>" not in board


def test_a_refused_triage_gives_the_form_back_as_typed_and_stores_nothing(c, db_path):
    pasted = "Since 9am none of our agents can log in </textarea><script>alert(1)</script>"
    r = c.post("/triage", data={"csrf": csrf(c), "complaint": pasted, "customer": "", "tier": "enterprise",
                                "contact": "Dana", "owner": "Sam Rivera", "timezone": "Europe/Paris", "engine": "offline"})
    assert r.status_code == 400 and '<p class="error" role="alert">name the customer</p>' in r.text
    assert ">Since 9am none of our agents can log in &lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in r.text
    assert 'name="owner" value="Sam Rivera"' in r.text and 'value="Europe/Paris"' in r.text and "<option selected>enterprise</option>" in r.text
    zone = c.post("/triage", data={"csrf": csrf(c), "complaint": "Exports fail.", "customer": "Acme", "timezone": "Mars/Olympus"})
    assert zone.status_code == 400 and ">Exports fail.</textarea>" in zone.text
    big = "x " * 600_000  # 1.2 MB: the app's own limit and message, not the form parser's
    over = c.post("/triage", data={"csrf": csrf(c), "complaint": big, "customer": "Acme"})
    assert over.status_code == 400 and "100,000" in over.text and "Field exceeded" not in over.text
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM escalations").fetchone()[0] == 0


def test_a_post_without_the_csrf_token_is_refused_and_stores_nothing(c, db_path):
    r = c.post("/triage", data={"complaint": "Down", "customer": "Acme"})
    assert r.status_code == 403 and "CSRF" in r.text
    c.get("/board")  # now the client has a session cookie, but a wrong token is still refused
    r = c.post("/triage", data={"csrf": "0" * 64, "complaint": "Down", "customer": "Acme"})
    assert r.status_code == 403
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM escalations").fetchone()[0] == 0


def test_only_the_valid_lifecycle_buttons_show(c):
    ident = triage(c)
    html = c.get(f"/e/{ident}").text
    assert 'class="inline step-ack"' in html
    for absent in ("resolve", "confirm", "resume", "update"):
        assert f"step-{absent}\"" not in html, absent
    assert step(c, ident, "ack").status_code == 303
    html = c.get(f"/e/{ident}").text
    assert "step-ack\"" not in html and "step-resolve\"" in html and "step-update\"" in html and "step-pause\"" in html
    assert "Close before the customer confirms" in html  # close is possible only forced
    assert step(c, ident, "pause", reason="waiting for logs").status_code == 303
    html = c.get(f"/e/{ident}").text
    assert "step-resume\"" in html and "step-pause\"" not in html


def test_a_refused_step_says_what_the_cli_says_and_stores_nothing(c, db_path):
    ident = triage(c)
    before = events(db_path)
    r = step(c, ident, "resolve")
    assert r.status_code == 400 and "cannot resolve ESC-1: it is open" in r.text
    r = step(c, ident, "severity", severity="SEV-2", reason="")
    assert r.status_code == 400 and "needs --reason" in r.text
    assert step(c, ident, "fly").status_code == 400
    assert events(db_path) == before


def test_severity_and_type_change_with_a_reason_are_events(c, db_path):
    ident = triage(c)
    assert step(c, ident, "severity", severity="SEV-2", reason="only one region affected").status_code == 303
    assert step(c, ident, "type", type="service", reason="a support process failed").status_code == 303
    kinds = [k for k, _ in events(db_path)]
    assert "severity_changed" in kinds and "type_changed" in kinds
    html = c.get(f"/e/{ident}").text
    assert "SEV-1 → SEV-2: only one region affected" in html and "Type technical → service" in html
    assert "<strong>SLA plan at triage (SEV-1; the clocks follow the change to SEV-2):</strong>" in html
    r = step(c, ident, "type", type="service", reason="again")
    assert r.status_code == 400 and "already service" in r.text


def test_log_entries_appear_in_the_timeline_with_the_actor(c, db_path):
    ident = triage(c)
    token = csrf(c, f"/e/{ident}")
    r = c.post(f"/e/{ident}/log", data={"csrf": token, "kind": "hypothesis", "text": "Auth gateway <cert> expired"})
    assert r.status_code == 303
    assert r.headers["location"] == f"/e/{ident}?done=logged#timeline"  # the notice before the anchor, not inside it
    assert '<p class="notice" role="status">logged</p>' in c.get(r.headers["location"]).text
    html = c.get(f"/e/{ident}").text
    assert "Hypothesis: Auth gateway &lt;cert&gt; expired" in html
    assert events(db_path)[-1] == ("log", "dana")
    r = c.post(f"/e/{ident}/log", data={"csrf": token, "kind": "note", "text": "  "})
    assert r.status_code == 400 and "empty" in r.text


def test_unknown_escalation_is_404_and_a_bad_page_number_400(c):
    assert c.get("/e/ESC-99").status_code == 404
    assert c.get("/e/banana").status_code == 404
    assert c.get("/nowhere").status_code == 404
    assert c.get("/board?page=x").status_code == 400
    huge = c.get("/board?page=99999999999999999999")
    assert huge.status_code == 400 and "past the last page there could be" in huge.text
    assert c.get("/board?page=10000000").status_code == 200  # the last allowed, empty
    assert c.get("/metrics?month=9999-12").status_code == 400


def test_a_filter_value_with_an_ampersand_stays_one_value_in_every_link(c):
    triage(c, customer="AT&T")
    triage(c, customer="Atlas Corp")
    board = c.get("/board?customer=AT%26T").text
    assert 'hx-get="/board/rows?customer=AT%26T&amp;page=1"' in board
    rows = c.get("/board/rows?customer=AT%26T&page=1").text
    assert "AT&amp;T" in rows and "Atlas Corp" not in rows
    assert 'src="/metrics/chart.png?customer=AT%26T"' in c.get("/metrics?customer=AT%26T").text  # matplotlib: a test extra


def test_board_filters_and_the_next_30_minutes(c):
    triage(c)  # SEV-1: first response due in 15 minutes
    triage(c, "A typo on the billing page footer, cosmetic only.", customer="Globex", tier="standard")
    board = c.get("/board").text
    assert "ESC-1" in board and "ESC-2" in board
    soon = board.split("What must happen in the next 30 minutes")[1].split("</section>")[0]
    assert "ESC-1" in soon and "ESC-2" not in soon
    assert "ESC-2" not in c.get("/board?severity=SEV-1").text.split("<tbody")[1]
    assert "ESC-1" not in c.get("/board?customer=glob").text.split("<tbody")[1]
    rows = c.get("/board/rows?customer=acme")
    assert rows.status_code == 200 and rows.text.startswith("<tbody") and "ESC-1" in rows.text
    assert 'data-due="' in rows.text
    triage(c)  # the same complaint from Acme again: a pattern-blindness red flag
    flagged = c.get("/board?flag=pattern_blindness").text.split("<tbody")[1]
    assert "ESC-3" in flagged and "ESC-2" not in flagged


def _draft(c, ident, kind="update"):
    r = c.post(f"/e/{ident}/drafts", data={"csrf": csrf(c, f"/e/{ident}"), "kind": kind, "engine": "offline"})
    assert r.status_code == 200, r.text[:1500]
    subject = re.search(r'name="subject" value="([^"]*)"', r.text).group(1)
    body = re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', r.text, re.S).group(1)
    import html as h

    return h.unescape(subject), h.unescape(body)


def test_draft_lint_live_then_mark_as_sent_records_the_update(c, db_path):
    ident = triage(c)
    step(c, ident, "ack")
    subject, body = _draft(c, ident)
    assert "Lint passes" in c.get(f"/e/{ident}/drafts/update").text
    token = csrf(c, f"/e/{ident}")
    blamed = "This was user error on your side.\n" + body
    lint = c.post(f"/e/{ident}/drafts/update/lint", data={"csrf": token, "subject": subject, "body": blamed},
                  headers={"HX-Request": "true"})
    assert lint.status_code == 200 and "Lint finds" in lint.text and "<html" not in lint.text
    refused = c.post(f"/e/{ident}/drafts/update/sent", data={"csrf": token, "subject": subject, "body": blamed})
    assert refused.status_code == 400 and "not marked as sent" in refused.text
    assert [k for k, _ in events(db_path)].count("update") == 0
    sent = c.post(f"/e/{ident}/drafts/update/sent", data={"csrf": token, "subject": subject, "body": body})
    assert sent.status_code == 303 and "customer+update+recorded" in sent.headers["location"]
    assert ("update", "dana") in events(db_path)


def test_an_internal_update_opens_as_internal_and_cannot_be_sent_to_the_customer(c, db_path):
    ident = triage(c)
    step(c, ident, "ack")
    token = csrf(c, f"/e/{ident}")
    c.post(f"/e/{ident}/log", data={"csrf": token, "kind": "hypothesis", "text": "Bob's deploy of auth 4.3 broke SSO"})
    made = c.post(f"/e/{ident}/drafts", data={"csrf": token, "kind": "update", "audience": "internal", "engine": "offline"})
    assert made.status_code == 200 and "<h1>Update for internal" in made.text
    listing = c.get(f"/e/{ident}/drafts").text
    assert f'href="/e/{ident}/drafts/update?audience=internal"' in listing and "· for internal" in listing
    assert "<h1>Update for internal" in c.get(f"/e/{ident}/drafts/update").text  # the bare link keeps its audience too
    import html as h

    body = h.unescape(re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', made.text, re.S).group(1))
    assert "Bob's deploy of auth 4.3 broke SSO" in body
    refused = c.post(f"/e/{ident}/drafts/update/sent", data={"csrf": token, "subject": "Update", "body": body, "audience": "customer"})
    assert refused.status_code == 400 and "not marked as sent" in refused.text and "internal_only" in refused.text
    assert [k for k, _ in events(db_path)].count("update") == 0
    typed = ("Hello,\n\nOur current theory: Bob's deploy of auth 4.3 broke SSO. We will update you soon.\n")
    lint = c.post(f"/e/{ident}/drafts/update/lint", data={"csrf": token, "subject": "Update", "body": typed, "audience": "customer"},
                  headers={"HX-Request": "true"})
    assert "internal_only" in lint.text


def test_marking_the_acknowledgment_sent_records_the_ack(c, db_path):
    ident = triage(c)
    page = c.get(f"/e/{ident}/drafts/acknowledgment").text
    import html as h

    subject = h.unescape(re.search(r'name="subject" value="([^"]*)"', page).group(1))
    body = h.unescape(re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', page, re.S).group(1))
    r = c.post(f"/e/{ident}/drafts/acknowledgment/sent", data={"csrf": csrf(c, f"/e/{ident}"), "subject": subject, "body": body})
    assert r.status_code == 303, r.text[:1500]
    assert "ack" in [k for k, _ in events(db_path)]
    assert "acknowledged" in c.get(f"/e/{ident}").text


def test_drafts_download_as_eml_and_markdown_and_unknown_kinds_are_refused(c):
    ident = triage(c)
    token = csrf(c, f"/e/{ident}")
    form = {"csrf": token, "subject": "Update on your outage", "body": "Hello Dana,\n\nWe are on it.\n"}
    eml = c.post(f"/e/{ident}/drafts/update/download", data={**form, "format": "eml"})
    assert eml.status_code == 200 and eml.headers["content-type"] == "message/rfc822"
    assert "ESC-1-update.eml" in eml.headers["content-disposition"] and b"Subject: Update on your outage" in eml.content
    md = c.post(f"/e/{ident}/drafts/update/download", data={**form, "format": "md"})
    assert md.status_code == 200 and "We are on it." in md.text
    assert c.post(f"/e/{ident}/drafts/poem/download", data={**form, "format": "md"}).status_code == 400
    assert c.get(f"/e/{ident}/drafts/resolution").status_code == 400  # none drafted yet
    assert "No drafts yet" not in c.get(f"/e/{ident}/drafts").text  # the triage drafted the acknowledgment


def run_rca(c, ident: str) -> str:
    """Answer the interview through the page until it completes; returns the last page."""
    html = c.get(f"/e/{ident}/rca").text
    token = csrf(c, f"/e/{ident}")
    actions = 0
    for _ in range(40):
        if 'id="rca-done"' in html:
            return html
        key, level = question(html)
        data = {"csrf": token, "key": key, **answer_for(key, level)}
        if key == "action":
            data.update(ACTION if actions == 0 else {"finish": "1"})
            actions += 1
        r = c.post(f"/e/{ident}/rca", data=data)
        assert r.status_code == 200, r.text[:2000]
        html = r.text
    raise AssertionError("the interview did not complete")


def resolved(c, ident):
    for action, fields in (("ack", {}), ("resolve", {"summary": "Certificate renewed"}), ("confirm", {})):
        assert step(c, ident, action, **fields).status_code == 303


def test_rca_interview_resumes_refuses_blame_and_completes_into_reports(c, db_path):
    ident = triage(c)
    assert c.get(f"/e/{ident}/rca").status_code == 400  # not resolved yet
    resolved(c, ident)
    first = c.get(f"/e/{ident}/rca").text
    assert question(first)[0] == "timeline"
    assert question(c.get(f"/e/{ident}/rca").text)[0] == "timeline"  # asking again asks the same
    token = csrf(c, f"/e/{ident}")
    stale = c.post(f"/e/{ident}/rca", data={"csrf": token, "key": "why", "answer": "x"})
    assert stale.status_code == 400 and "moved on" in stale.text
    flagged = c.post(f"/e/{ident}/rca/lint", data={"csrf": token, "answer": "The engineer forgot to renew it"})
    assert "names_a_person" in flagged.text or "human_error" in flagged.text
    done = run_rca(c, ident)
    assert "The RCA is completed." in done
    pir = c.get(f"/e/{ident}/report/pir")
    assert pir.status_code == 200 and "Download ESC-1-pir.md" in pir.text
    file = c.get(f"/e/{ident}/report/pir/download")
    assert file.status_code == 200 and file.headers["content-type"].startswith("text/markdown")
    assert "attachment" in file.headers["content-disposition"] and "Alert 30 days" in file.text
    for kind in ("customer", "kb"):
        assert c.get(f"/e/{ident}/report/{kind}").status_code == 200
    assert c.get(f"/e/{ident}/report/essay").status_code == 400
    token = csrf(c, f"/e/{ident}")
    assert c.post(f"/e/{ident}/actions/1", data={"csrf": token, "status": "done"}).status_code == 303
    assert "done" in c.get("/actions").text
    assert c.post(f"/e/{ident}/actions/1", data={"csrf": token, "status": "finished"}).status_code == 400
    assert c.post(f"/e/{ident}/csat", data={"csrf": token, "score": "5"}).status_code == 303
    assert c.post(f"/e/{ident}/csat", data={"csrf": token, "score": "9"}).status_code == 400


def test_warroom_workaround_recovery_and_commitments(c, db_path):
    ident = triage(c)
    step(c, ident, "ack")
    token = csrf(c, f"/e/{ident}")
    r = c.post(f"/e/{ident}/warroom", data={"csrf": token, "commander": "Pat Kim", "role:scribe": "Lee Wong"})
    assert r.status_code == 303
    html = c.get(f"/e/{ident}").text
    assert "Commander <strong>Pat Kim</strong>" in html and "scribe: Lee Wong" in html
    assert c.post(f"/e/{ident}/warroom", data={"csrf": token, "check": "1"}).status_code == 303
    assert c.post(f"/e/{ident}/warroom", data={"csrf": token, "check": "x"}).status_code == 400
    assert "Brief: ESC-1" in c.get(f"/e/{ident}/brief").text
    r = c.post(f"/e/{ident}/workaround", data={"csrf": token, "steps": "Sign in at the backup URL", "eta": "2027-01-10"})
    assert r.status_code == 303
    assert c.post(f"/e/{ident}/recovery", data={"csrf": token, "credit_months": "1"}).status_code == 303
    html = c.get(f"/e/{ident}").text
    assert "Impact level <strong>" in html and "Sign in at the backup URL" in html
    assert c.post(f"/e/{ident}/recovery", data={"csrf": token, "credit_months": "x"}).status_code == 400
    assert c.post(f"/e/{ident}/commitments/1/done", data={"csrf": token, "note": "told them"}).status_code == 303
    assert "commitment_done" in [k for k, _ in events(db_path)]
    assert c.post(f"/e/{ident}/commitments/99/done", data={"csrf": token}).status_code == 400


def test_metrics_status_report_and_chart(c):
    triage(c)
    m = c.get("/metrics")
    assert m.status_code == 200 and "1 escalation(s)" in m.text and "sla compliance" in m.text
    assert "No escalations match." in c.get("/metrics?customer=Nobody").text
    assert "1 escalation(s)" in c.get("/metrics?severity=sev-1").text
    assert c.get("/metrics?month=2026-13").status_code == 400
    png = c.get("/metrics/chart.png")
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    report = c.get("/status-report")
    assert report.status_code == 200 and "ESC-1" in report.text
    assert "attachment" in c.get("/status-report?download=1").headers["content-disposition"]


def test_export_then_import_into_another_database(c, tmp_path):
    triage(c)
    exported = c.get("/export.jsonl")
    assert exported.status_code == 200 and json.loads(exported.text.splitlines()[0])
    assert c.get("/export.csv").status_code == 200 and c.get("/export.xml").status_code == 400
    other = client(tmp_path / "other.db")
    token = csrf(other, "/import")
    files = {"file": ("escalations.jsonl", exported.content, "application/x-ndjson")}
    dry = other.post("/import", data={"csrf": token, "dry_run": "yes"}, files=files)
    assert dry.status_code == 200 and "would add 1 escalations" in dry.text
    done = other.post("/import", data={"csrf": token}, files=files)
    assert "added 1 escalations" in done.text
    again = other.post("/import", data={"csrf": token}, files=files)
    assert "1 already present" in again.text
    bad = other.post("/import", data={"csrf": token}, files={"file": ("x.jsonl", b"{not json", "text/plain")})
    assert bad.status_code == 400
    assert other.post("/import", data={"csrf": token}).status_code == 400
