"""Prevention actions: what the RCAs committed to, their status, the implementation metric, plans per type.

An action is the event `prevention_action` {n, category, group, action, owner, due, status}
appended by the RCA interview (agent/rca.py); `escalate action ESC-7 2 --done` appends
`action_status` {n, from, to, note}. N counts from 1 within one escalation.

The prevention implementation metric is the share of actions done, cancelled ones left out:
done / (all - cancelled). The playbook's target is 100 %.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from . import store as store_mod
from .errors import UsageError
from .schemas import EscalationType, Event
from .schemas.rca import ACTION_STATUSES, PreventionAction
from .store import Store, format_id, parse_id

EVENT, STATUS, COMPLETED = "prevention_action", "action_status", "rca_completed"
CLOSED = ("done", "cancelled")
# Which action categories answer a root cause of each category.
ANSWERS = {"process": ("process", "documentation"), "technical": ("monitoring", "testing", "architecture"),
           "training": ("training", "documentation")}
PLAYBOOK = {
    "process": "Fix the process step that failed: a written checklist or runbook with a named owner, "
               "reviewed at the next escalation of this type",
    "technical": "Add the missing technical safeguard: monitoring and an alert on the failing component, "
                 "a test that reproduces the failure, and an architecture review if it recurs",
    "training": "Train the people who handle this type on what the escalations exposed, add it to onboarding, "
                "and check it at the next review",
    "unclassified": "Read each one and say what the organisation lacked (a process, a safeguard or training): "
                    "a cause with no category has no playbook yet",
}


def from_events(escalation: str, events: list[Event], *, customer: str | None = None, type: str | None = None
                ) -> list[PreventionAction]:
    made: dict[int, PreventionAction] = {}
    for e in sorted(events, key=lambda e: e.id or 0):
        if e.kind == EVENT:
            d = e.data
            made[d["n"]] = PreventionAction(
                escalation_id=escalation, n=d["n"], category=d["category"], group=d.get("group", d["category"]),
                action=d["action"], owner=d.get("owner") or "", due=d.get("due") or "", status=d.get("status", "open"),
                customer=customer, type=type, updated_at=e.at.isoformat())
        elif e.kind == STATUS and e.data.get("n") in made:
            a = made[e.data["n"]]
            a.status, a.updated_at = e.data["to"], e.at.isoformat()
    return [made[n] for n in sorted(made)]


def _events(store: Store, kinds: tuple[str, ...], where: str = "", args: list | None = None) -> dict[int, list[Event]]:
    out: dict[int, list[Event]] = defaultdict(list)
    marks = ",".join("?" * len(kinds))
    for e in store.db.query(
        f"SELECT e.id, e.escalation_id, e.at, e.actor, e.kind, e.data FROM events e JOIN escalations x "
        f"ON x.id = e.escalation_id WHERE e.kind IN ({marks}){where} ORDER BY e.id", [*kinds, *(args or [])]
    ):
        if (data := store_mod.usable(e["escalation_id"], e["id"], e["kind"], e["at"], e["data"])) is None:
            continue  # one warning; the rest of the log still reads
        out[e["escalation_id"]].append(Event(id=e["id"], escalation_id=e["escalation_id"], at=e["at"], actor=e["actor"],
                                             kind=e["kind"], data=data))
    return out


def _meta(store: Store, ids) -> dict[int, dict]:
    ids = list(ids)
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return {r["id"]: r for r in store.db.query(
        f"SELECT id, customer, type, timezone, opened_at FROM escalations WHERE id IN ({marks})", ids)}


def list_all(store: Store, *, open_only: bool = False, owner: str | None = None, escalation: str | None = None,
             type: str | None = None) -> list[PreventionAction]:
    """Every prevention action (filtered), soonest due first."""
    where, args = "", []
    if escalation is not None:
        number = parse_id(escalation)
        store.row(number)  # an unknown id is a clear error
        where, args = " AND x.id = ?", [number]
    if type is not None:
        where, args = where + " AND x.type = ?", [*args, type]
    by = _events(store, (EVENT, STATUS), where, args)
    meta = _meta(store, by)
    out = []
    for number, events in by.items():
        out += from_events(format_id(number), events, customer=meta[number]["customer"], type=meta[number]["type"])
    if open_only:
        out = [a for a in out if a.status not in CLOSED]
    if owner:
        out = [a for a in out if a.owner.casefold() == owner.strip().casefold()]
    out.sort(key=lambda a: (a.due, parse_id(a.escalation_id), a.n))
    return out


def implementation_rate(actions: list[PreventionAction]) -> float | None:
    """The share of prevention actions done (cancelled ones left out); None when there are none."""
    counted = [a for a in actions if a.status != "cancelled"]
    return sum(a.status == "done" for a in counted) / len(counted) if counted else None


def prevention_counts(store: Store, ids: list[int]) -> tuple[int, int]:
    """(done, counted) over the actions of these escalations, for the metrics module."""
    ids = [int(i) for i in ids]
    if not ids:
        return 0, 0
    where = f" AND x.id IN ({','.join('?' * len(ids))})"
    actions = [a for number, events in _events(store, (EVENT, STATUS), where, ids).items()
               for a in from_events(format_id(number), events)]
    counted = [a for a in actions if a.status != "cancelled"]
    return sum(a.status == "done" for a in counted), len(counted)


def overdue(action: PreventionAction, today: date) -> bool:
    return action.status not in CLOSED and date.fromisoformat(action.due) < today


@store_mod.serialised
def set_status(store: Store, ident: str, n: int, status: str, *, at: datetime | None = None, actor: str = "cli",
               note: str | None = None) -> PreventionAction:
    """Append `action_status`; an unknown action, status or a no-op is a UsageError and stores nothing."""
    number = parse_id(ident)
    row = store.row(number)
    esc_id = format_id(number)
    status = (status or "").strip().lower().replace(" ", "_").replace("-", "_")
    if status not in ACTION_STATUSES:
        raise UsageError(f"unknown status {status!r}: choose one of {', '.join(ACTION_STATUSES)}")
    actions = {a.n: a for a in from_events(esc_id, store.events(number), customer=row["customer"], type=row["type"])}
    if n not in actions:
        known = ", ".join(f"#{k}" for k in actions) if actions else "none yet (the RCA interview records them: `escalate rca " + esc_id + "`)"
        raise UsageError(f"{esc_id} has no prevention action #{n}: it has {known}")
    action = actions[n]
    if action.status == status:
        raise UsageError(f"{esc_id} action #{n} is already {status}")
    moment = at or store_mod.now()
    if moment.tzinfo is None:
        raise UsageError("--at needs a time zone offset, e.g. 2026-11-28T09:00:00+01:00")
    if moment < datetime.fromisoformat(row["opened_at"]):
        raise UsageError(f"--at {moment.isoformat()} is before {esc_id} opened")
    store.append(number, STATUS, actor=actor, at=moment,
                 data={"n": n, "from": action.status, "to": status, "note": (note or "").strip() or None})
    return action.model_copy(update={"status": status, "updated_at": moment.isoformat()})


# -- plans per escalation type --------------------------------------------------------------------


def plan(store: Store, type: str, *, today: date | None = None) -> dict:
    """The root causes and actions of past escalations of this type, and a prevention plan from them."""
    from .rca import terms

    try:
        kind = EscalationType(str(type).strip().lower())
    except ValueError:
        raise UsageError(f"unknown escalation type {type!r}: choose one of {', '.join(t.value for t in EscalationType)}")
    today = today or store_mod.now().date()
    completed = _events(store, (COMPLETED,), " AND x.type = ?", [kind.value])
    meta = _meta(store, completed)
    causes = []
    for number, events in sorted(completed.items()):
        e = events[-1]
        causes.append({"id": format_id(number), "customer": meta[number]["customer"],
                       "opened_at": meta[number]["opened_at"], "category": e.data.get("category"),
                       "root_cause": e.data.get("root_cause")})
    actions = list_all(store, type=kind.value)
    by_category = Counter(c["category"] for c in causes)
    addressed = Counter(a.category for a in actions)
    steps = []
    for category, count in by_category.most_common():
        ids = [c["id"] for c in causes if c["category"] == category]
        covered = [a for a in actions if a.category in ANSWERS.get(category, ())]
        line = f"{category} root causes ({count}: {', '.join(ids)}): {PLAYBOOK.get(category, 'address the gap')}"
        if not covered and ANSWERS.get(category):
            line += f". No action of a matching category ({', '.join(ANSWERS.get(category, ()))}) exists yet"
        steps.append(line)
    shared = Counter(t for c in causes for t in terms(c["root_cause"] or ""))
    recurring = [{"term": t, "ids": [c["id"] for c in causes if t in terms(c["root_cause"] or "")]}
                 for t, n in sorted(shared.items(), key=lambda x: (-x[1], x[0])) if n >= 2][:5]
    for r in recurring:
        steps.append(f"recurring theme \"{r['term']}\" in {', '.join(r['ids'])}: treat it as one problem, not {len(r['ids'])}")
    still_open = [a for a in actions if a.status not in CLOSED]
    if still_open:
        steps.insert(0, f"finish the {len(still_open)} past action(s) still open before adding new ones")
    return {
        "type": kind.value, "escalations": len(causes), "root_causes": causes,
        "root_cause_categories": dict(by_category), "action_categories": dict(addressed),
        "actions": [a.model_dump() for a in actions],
        "open_actions": [{**a.model_dump(), "overdue": overdue(a, today)} for a in still_open],
        "implementation_rate": implementation_rate(actions), "recurring": recurring, "plan": steps,
    }


# -- text views ------------------------------------------------------------------------------------


def render_list(actions: list[PreventionAction], today: date) -> str:
    if not actions:
        return "No prevention actions."
    lines = [f"{'action':<9} {'category':<22} {'owner':<18} {'due':<10}  {'status':<11} what"]
    for a in actions:
        status = a.status + (" OVERDUE" if overdue(a, today) else "")
        lines.append(f"{a.escalation_id + '#' + str(a.n):<9} {a.category:<22} {a.owner[:18]:<18} {a.due:<10}  {status:<11} {a.action}")
    rate = implementation_rate(actions)
    done = sum(a.status == "done" for a in actions)
    counted = sum(a.status != "cancelled" for a in actions)
    lines.append("")
    lines.append(f"prevention implementation: {done} of {counted} done"
                 + (f" ({rate:.0%}; target 100%)" if rate is not None else ""))
    return "\n".join(lines)


def render_plan(p: dict) -> str:
    lines = [f"Prevention plan for {p['type']} escalations: {p['escalations']} with a completed RCA"]
    if not p["root_causes"]:
        lines.append(f"No completed RCA for a {p['type']} escalation yet: `escalate rca ID` runs one.")
        return "\n".join(lines)
    lines += ["", "Root causes:"]
    lines += [f"  {c['id']}  {c['customer']}  ({c['category']}) {c['root_cause']}" for c in p["root_causes"]]
    lines += ["", "Plan:"]
    lines += [f"  {i}. {s}" for i, s in enumerate(p["plan"], 1)]
    lines += ["", "Past actions still open:" if p["open_actions"] else "Past actions still open: none"]
    for a in p["open_actions"]:
        lines.append(f"  {a['escalation_id']}#{a['n']}  {a['category']}: {a['action']}  (owner {a['owner']}, due {a['due']}, "
                     f"{a['status']}{', OVERDUE' if a['overdue'] else ''})")
    rate = p["implementation_rate"]
    lines += ["", "prevention implementation: " + (f"{rate:.0%} of past actions done (target 100%)" if rate is not None else "no actions")]
    return "\n".join(lines)


def today_in(tz: str = "UTC") -> date:
    return store_mod.now().astimezone(ZoneInfo(tz)).date()
