"""The escalation status report: every open escalation, counts, and what breached since last time."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from . import board, sla
from .store import Store, parse_id


def _age(opened: datetime, now: datetime) -> str:
    return sla.humanize((now - opened).total_seconds() / 60)


def build(store: Store, now: datetime, *, timezone: str = "UTC") -> str:
    rows = board.build(store, now)
    previous = list(store.db.query("SELECT generated_at FROM status_reports ORDER BY id DESC LIMIT 1"))
    since = datetime.fromisoformat(previous[0]["generated_at"]) if previous else None
    tz = ZoneInfo(timezone)
    counts = Counter(r.severity.value for r in rows)
    lines = [
        f"# Escalation status report, {now.astimezone(tz):%Y-%m-%d %H:%M %Z}",
        "",
        f"{len(rows)} open escalation(s): " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none") + ".",
        "",
    ]
    if rows:
        lines += ["| ID | Sev | Customer | Owner | Status | Age | Next deadline | Last customer update | Red flags |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in rows:
            nxt = r.next_clock
            deadline = (f"{nxt.name.replace('_', ' ')} {nxt.due.astimezone(tz):%a %d %b %H:%M %Z}"
                        + (" (BREACHED)" if nxt.status == sla.BREACHED else "")) if nxt else "-"
            last = _last_update(store, r)
            flags = "; ".join(f.name.replace("_", " ") for f in r.flags) or "-"
            lines.append(f"| {r.id} | {r.severity.value} | {_cell(r.customer)} | {_cell(r.owner)} | {r.status} | "
                         f"{_age(r.opened_at, now)} | {deadline} | {last} | {flags} |")
        lines.append("")
    breached = [(r, c) for r in rows for c in r.clocks if c.status == sla.BREACHED and c.due
                and (since is None or c.due > since) and c.due <= now]
    lines.append(f"## Breached since {since.astimezone(tz):%Y-%m-%d %H:%M %Z}" if since else "## Breached (first report)")
    lines.append("")
    if breached:
        for r, c in sorted(breached, key=lambda rc: rc[1].due):
            lines.append(f"- {r.id} {r.customer}: {c.name.replace('_', ' ')} target passed at {c.due.astimezone(tz):%a %d %b %H:%M}")
    else:
        lines.append("- nothing")
    with store.transaction() as db:
        db["status_reports"].insert({"generated_at": now.isoformat(), "open": len(rows),
                                     "breached": sum(1 for r in rows if r.breached)})
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return (text or "-").replace("|", "\\|")


def _last_update(store: Store, row: board.Row) -> str:
    number = parse_id(row.id)
    last = list(store.db.query(
        "SELECT at FROM events WHERE escalation_id = ? AND kind IN ('ack', 'update') ORDER BY at DESC LIMIT 1", [number]))
    return datetime.fromisoformat(last[0]["at"]).strftime("%a %d %b %H:%M") if last else "none yet"
