"""The web workspace (`escalate serve`): Starlette pages over the same library as the CLI and MCP.

app.py (settings, the page decorator: session, CSRF, roles, errors; security headers), auth.py
(team sessions, failed-login limit), pages_auth.py (login/logout), pages_work.py (board, triage,
one escalation and its steps), pages_drafts.py (drafts, live lint, mark as sent), pages_rca.py (the
5-Whys interview, reports), pages_reports.py (metrics, status report, import/export), filters.py
(escaping helpers), templates/ (Jinja2, autoescaped) and static/ (vendored htmx, app.js, app.css).
"""
