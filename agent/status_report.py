"""The escalation status report: every open escalation, counts, what is breached now (the board's
clocks, so the table and the list agree) and which of those breached since the last report."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from . import board, sla
from .store import Store, parse_id
from .wording import format_time


def _age(opened: datetime, now: datetime) -> str:
    return sla.humanize((now - opened).total_seconds() / 60)


def build(store: Store, now: datetime, *, timezone: str = "UTC") -> str:
    rows = board.build(store, now)
    previous = list(store.db.query("SELECT generated_at FROM status_reports ORDER BY id DESC LIMIT 1"))
    since = datetime.fromisoformat(previous[0]["generated_at"]) if previous else None
    counts = Counter(r.severity.value for r in rows)
    lines = [
        f"# Escalation status report, {format_time(now, timezone)}",
        "",
        f"{len(rows)} open escalation(s): " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none") + ".",
        "",
    ]
    if rows:
        lines += ["| ID | Sev | Customer | Owner | Status | Age | Next deadline | Last customer update | Red flags |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in rows:
            nxt = r.next_clock
            deadline = (f"{nxt.name.replace('_', ' ')} {format_time(nxt.due, timezone)}"
                        + (" (BREACHED)" if nxt.status == sla.BREACHED else "")) if nxt else "-"
            last = _last_update(store, r, timezone)
            flags = "; ".join(f.name.replace("_", " ") for f in r.flags) or "-"
            lines.append(f"| {r.id} | {r.severity.value} | {_cell(r.customer)} | {_cell(r.owner)} | {r.status} | "
                         f"{_age(r.opened_at, now)} | {deadline} | {last} | {flags} |")
        lines.append("")
    # Every clock the board shows as breached, oldest first; those that breached since the last report say so.
    breached = sorted(((r, c) for r in rows for c in r.clocks if c.status == sla.BREACHED and c.due and c.due <= now),
                      key=lambda rc: rc[1].due)
    lines.append(f"## Breached now ({len(breached)})")
    lines.append("")
    for r, c in breached:
        new = since is None or c.due > since
        lines.append(f"- {r.id} {r.customer}: {c.name.replace('_', ' ')} target passed at {format_time(c.due, timezone)}"
                     + (" (new since the last report)" if new and since else ""))
    if not breached:
        lines.append("- nothing")
    fresh = sum(1 for _, c in breached if since is None or c.due > since)
    lines += ["", f"Breached since the last report ({format_time(since, timezone)}): {fresh}" if since
              else "First report: every breach above is new."]
    with store.transaction() as db:
        db["status_reports"].insert({"generated_at": now.isoformat(), "open": len(rows),
                                     "breached": sum(1 for r in rows if r.breached)})
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return (text or "-").replace("|", "\\|")


def _last_update(store: Store, row: board.Row, timezone: str) -> str:
    number = parse_id(row.id)
    last = list(store.db.query(
        "SELECT at FROM events WHERE escalation_id = ? AND kind IN ('ack', 'update') ORDER BY at DESC LIMIT 1", [number]))
    return format_time(datetime.fromisoformat(last[0]["at"]), timezone) if last else "none yet"
