"""The playbook's metrics, each against its target, overall or by a dimension.

Reads the clock projection (agent/projection.py) joined with the escalations, so it is one
query plus arithmetic. Business-hours targets are measured in business time, as the clocks are.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime
from statistics import median

from . import projection
from .store import serialised as _serialised

TARGETS = {
    "csat": (">=", 4.0),
    "escalation_rate": ("<", 0.05),
    "repeat_rate": ("<", 0.10),
    "sla_compliance": (">=", 0.95),
    "recovery_success": (">=", 0.90),
    "prevention_done": (">=", 1.0),
}
DIMENSIONS = ("severity", "type", "customer", "owner", "tier", "month")


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    k = max(0, math.ceil(0.9 * len(ordered)) - 1)  # nearest rank
    return ordered[min(k, len(ordered) - 1)]


def _check(name: str, value: float | None) -> bool | None:
    if value is None:
        return None
    op, target = TARGETS[name]
    return value >= target if op == ">=" else value < target


# Row layout of _rows (indices used below).
COLUMNS = ("escalation_id", "severity", "type", "customer", "owner", "tier", "month",
           "first_response_minutes", "first_response_target", "first_response_due", "first_response_met_at",
           "resolution_minutes", "resolution_target", "resolution_due", "resolution_met_at",
           "updates_sent", "updates_missed", "csat", "outcome", "is_repeat", "opened_at", "update_due",
           "paused", "first_response_severity", "resolution_severity", "csat_at", "outcome_at")
(ID, SEVERITY, TYPE, CUSTOMER, OWNER, TIER, MONTH, FR_MINUTES, FR_TARGET, FR_DUE, FR_MET, RES_MINUTES, RES_TARGET,
 RES_DUE, RES_MET, UPDATES_SENT, UPDATES_MISSED, CSAT, OUTCOME, IS_REPEAT, OPENED_AT, UPDATE_DUE, PAUSED,
 FR_SEVERITY, RES_SEVERITY, CSAT_AT, OUTCOME_AT) = range(len(COLUMNS))
TIMES = {"first_response": (FR_MINUTES, FR_TARGET, FR_MET, FR_SEVERITY),
         "resolution": (RES_MINUTES, RES_TARGET, RES_MET, RES_SEVERITY)}
from .event_data import OUTCOMES  # noqa: E402


def check_csat(score: float) -> float:
    """The one check of a CSAT score (the csat command and CSV import)."""
    from .errors import UsageError

    if not 1 <= score <= 5:  # NaN fails too
        raise UsageError(f"CSAT {score:g} is outside 1–5")
    return score


def check_outcome(outcome: str) -> str:
    """The one check of a relationship outcome (the outcome command and CSV import)."""
    from .errors import UsageError

    if outcome not in OUTCOMES:
        raise UsageError(f"unknown outcome {outcome!r}: choose retained, churned or at-risk")
    return outcome


def _rows(store, since: str | None, until: str | None) -> list[tuple]:
    """One tuple per escalation, from the narrow projection table only (see projection.py).
    since/until compare real instants (opened_at keeps its own offset, so text order is not time order)."""
    sql = f"SELECT {', '.join(COLUMNS)} FROM clock_projection WHERE 1=1"
    args = []
    if since:
        sql += " AND julianday(opened_at) >= julianday(?)"
        args.append(since)
    if until:
        sql += " AND julianday(opened_at) < julianday(?)"
        args.append(until)
    return store.db.execute(sql, args).fetchall()


def _by_now(moment: str | None, now_utc: str) -> str | None:
    """A projected moment as known at `now`: one after it has not happened yet."""
    return moment if moment is not None and moment <= now_utc else None


def _clock_outcome(due: str | None, met_at: str | None, now_utc: str, paused: bool = False) -> int | None:
    """1 met on time, 0 breached (late or overdue), None still pending, paused or not applicable.
    All three are UTC text of one form (projection.utc), so they compare as strings; a met_at
    after `now` counts as pending (the projection is always as of the real current time)."""
    if due is None:
        return None
    met_at = _by_now(met_at, now_utc)
    if met_at is not None:
        return int(met_at <= due)
    if paused:
        return None  # a paused clock's deadline moves with the pause: not overdue
    return 0 if due < now_utc else None


def _compliance(rows: list[tuple], now_iso: str) -> tuple[int, int]:
    """(met, judged) over every target of these escalations that can be judged at `now`."""
    met = judged = 0
    for r in rows:
        paused = bool(r[PAUSED])
        for due_i, met_i, pausable in ((FR_DUE, FR_MET, False), (RES_DUE, RES_MET, True)):
            o = _clock_outcome(r[due_i], r[met_i], now_iso, paused and pausable)
            if o is not None:
                met += o
                judged += 1
        closed_intervals, missed = r[UPDATES_SENT] or 0, r[UPDATES_MISSED] or 0
        met += closed_intervals - missed
        judged += closed_intervals
        if r[UPDATE_DUE] and r[UPDATE_DUE] < now_iso and not paused:
            judged += 1  # the update interval still running is overdue
    return met, judged


def _summarise(rows: list[tuple], now_iso: str, tickets: int | None, prevention: tuple[int, int] | None,
               firsts: dict | None = None) -> dict:
    out: dict = {"escalations": len(rows)}
    for label, (minutes_i, target_i, met_i, severity_i) in TIMES.items():
        per_sev: dict[str, dict] = {}
        by_sev: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for r in rows:
            # Grouped by the severity the clock was judged under (its target's), not today's.
            if r[minutes_i] is not None and _by_now(r[met_i], now_iso):
                by_sev[r[severity_i] or r[SEVERITY]].append((r[minutes_i], r[target_i]))
        for sev in sorted(by_sev):
            values = [v for v, _ in by_sev[sev]]
            target = median(t for _, t in by_sev[sev])
            med = median(values)
            per_sev[sev] = {"n": len(values), "median_minutes": round(med, 1), "p90_minutes": round(_p90(values), 1),
                            "target_minutes": target, "pass": med <= target}
        out[label] = per_sev
    met, judged = _compliance(rows, now_iso)
    breached = judged - met
    out["sla_compliance"] = _metric("sla_compliance", met / (met + breached) if met + breached else None, met + breached)
    scores = [r[CSAT] for r in rows if r[CSAT] is not None and _by_now(r[CSAT_AT], now_iso)]
    out["csat"] = _metric("csat", sum(scores) / len(scores) if scores else None, len(scores), digits=2)
    outcomes = [r[OUTCOME] for r in rows if r[OUTCOME] and _by_now(r[OUTCOME_AT], now_iso)]
    out["recovery_success"] = _metric(
        "recovery_success", outcomes.count("retained") / len(outcomes) if outcomes else None, len(outcomes))
    out["repeat_rate"] = _metric("repeat_rate", sum(r[IS_REPEAT] or 0 for r in rows) / len(rows) if rows else None,
                                 len(rows))
    out["escalation_rate"] = _metric("escalation_rate", len(rows) / tickets if tickets else None, tickets or 0)
    stages = stage_times(firsts, rows) if firsts else None
    if stages:
        out["stages"] = stages
    if prevention is not None:
        done, total = prevention
        out["prevention_done"] = _metric("prevention_done", done / total if total else None, total)
    return out


def _metric(name: str, value: float | None, n: int, digits: int = 3) -> dict:
    op, target = TARGETS[name]
    shown = f"{target:.1f}" if name == "csat" else f"{target * 100:g} %"
    return {"value": None if value is None else round(value, digits), "n": n, "target": f"{op} {shown}",
            "pass": _check(name, value)}


STAGES = ("investigating", "identified", "monitoring", "resolved")


def stage_firsts(store, now_iso: str | None = None) -> dict[int, dict[str, datetime]]:
    """Per escalation, the first time each status-page stage was reached (one pass over the stage
    events, shared by every group); stages reached after `now` are not known yet."""
    firsts: dict[int, dict[str, datetime]] = defaultdict(dict)
    until = datetime.fromisoformat(now_iso) if now_iso is not None else None
    for number, stage, at in store.db.execute(
        "SELECT escalation_id, json_extract(data, '$.stage'), at FROM events WHERE kind = 'stage'"
    ):
        moment = datetime.fromisoformat(at)
        if until is not None and moment > until:
            continue
        known = firsts[number].get(stage)
        if known is None or moment < known:  # by instant: the stored text may carry any offset
            firsts[number][stage] = moment
    return firsts


def stage_times(all_firsts: dict[int, dict[str, datetime]], rows: list[tuple]) -> dict | None:
    """Mean wall-clock minutes between status-page stages, and mean time to resolution, when the
    history has stage events (imported status-page incidents)."""
    opened = {r[ID]: datetime.fromisoformat(r[OPENED_AT]) for r in rows}
    firsts = {n: all_firsts[n] for n in opened if n in all_firsts}
    if not firsts:
        return None
    out = {}
    for a, b in zip(STAGES, STAGES[1:]):
        gaps = [(f[b] - f[a]).total_seconds() / 60 for f in firsts.values() if a in f and b in f]
        out[f"{a}_to_{b}"] = {"mean_minutes": round(sum(gaps) / len(gaps), 2) if gaps else None, "n": len(gaps)}
    ttr = [(f["resolved"] - opened[n]).total_seconds() / 60 for n, f in firsts.items() if "resolved" in f]
    out["time_to_resolution"] = {"mean_minutes": round(sum(ttr) / len(ttr), 2) if ttr else None, "n": len(ttr)}
    return out


def _tickets(store, months: set[str]) -> int | None:
    if not months:
        return None
    marks = ",".join("?" * len(months))
    rows = store.db.execute(f"SELECT period, count FROM tickets WHERE period IN ({marks})", sorted(months)).fetchall()
    if {r[0] for r in rows} != months:
        return None  # a period without a ticket count: the rate would be wrong, so it is not given
    return sum(r[1] for r in rows)


def _prevention(store, ids: list[int]) -> tuple[int, int] | None:
    try:
        from .rca import prevention_counts
    except ImportError:
        return None
    return prevention_counts(store, ids)


def compute(store, *, now: datetime, since: str | None = None, until: str | None = None, by: str | None = None) -> dict:
    return compute_with_rows(store, now=now, since=since, until=until, by=by)[0]


def compute_with_rows(store, *, now: datetime, since: str | None = None, until: str | None = None,
                      by: str | None = None) -> tuple[dict, list[tuple]]:
    """The metrics as of `now`, and the projection rows they came from (for chart).

    The projection is always brought up to date as of the real current time (agent.store.now), so
    its rows stay valid for later reads; `now` is applied here, at query time."""
    from . import store as store_module
    from .errors import UsageError

    if by is not None and by not in DIMENSIONS:
        raise UsageError(f"cannot group metrics by {by!r}: choose one of {', '.join(DIMENSIONS)}")
    projection.refresh_stale(store, store_module.now())
    rows = _rows(store, since, until)
    now_iso = projection.utc(now)
    firsts = stage_firsts(store, now_iso)
    index = {"severity": SEVERITY, "type": TYPE, "customer": CUSTOMER, "owner": OWNER, "tier": TIER, "month": MONTH}

    def summary(part: list[tuple]) -> dict:
        months = {r[MONTH] for r in part}
        return _summarise(part, now_iso, _tickets(store, months), _prevention(store, [r[ID] for r in part]), firsts)

    result = {"since": since, "until": until, "now": now_iso, "overall": summary(rows)}
    if by:
        groups: dict[str, list[tuple]] = defaultdict(list)
        for r in rows:
            groups[r[index[by]] or "(none)"].append(r)
        result["by"] = by
        result["groups"] = {key: summary(part) for key, part in sorted(groups.items())}
    return result, rows


@_serialised
def record_csat(store, ident: str, score: float, comment: str | None, at: datetime, actor: str):
    from .store import parse_id

    check_csat(score)
    esc = store.get(ident)
    store.append(parse_id(esc.id), "csat", actor=actor, at=at, data={"score": score, "comment": comment})
    return store.get(esc.id)


@_serialised
def record_outcome(store, ident: str, outcome: str, at: datetime, actor: str):
    from .store import parse_id

    check_outcome(outcome)
    esc = store.get(ident)
    store.append(parse_id(esc.id), "outcome", actor=actor, at=at, data={"outcome": outcome})
    return store.get(esc.id)


def record_tickets(store, period: str, count: int) -> None:
    import re

    from .errors import UsageError
    from .store import now

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        raise UsageError(f"--period {period!r}: use YYYY-MM, e.g. 2026-11")
    if count < 0:
        raise UsageError("--count cannot be negative")
    with store.transaction() as db:
        db["tickets"].upsert({"period": period, "count": count, "recorded_at": now().isoformat()}, pk="period")


def _mark(ok: bool | None) -> str:
    return "-" if ok is None else "PASS" if ok else "FAIL"


def _fmt(name: str, value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" if name == "csat" else f"{value * 100:.1f} %"


def render(result: dict) -> str:
    from .sla import humanize

    def block(title: str, s: dict) -> list[str]:
        lines = [f"{title}: {s['escalations']} escalation(s)", f"  {'metric':<26} {'value':>18} {'target':>12}  n      mark"]
        for label in ("first_response", "resolution"):
            for sev, m in s[label].items():
                value = f"{humanize(m['median_minutes'])} / {humanize(m['p90_minutes'])}"
                lines.append(f"  {label.replace('_', ' ') + ' ' + sev:<26} {value:>18} {'≤ ' + humanize(m['target_minutes']):>12}  "
                             f"{m['n']:<6} {_mark(m['pass'])}")
        for name in ("sla_compliance", "csat", "escalation_rate", "repeat_rate", "recovery_success", "prevention_done"):
            if name not in s:
                continue
            m = s[name]
            lines.append(f"  {name.replace('_', ' '):<26} {_fmt(name, m['value']):>18} {m['target']:>12}  {m['n']:<6} {_mark(m['pass'])}")
        for name, m in (s.get("stages") or {}).items():
            lines.append(f"  {name.replace('_', ' '):<26} {humanize(m['mean_minutes']) + ' mean':>18} {'':>12}  {m['n']:<6}")
        return lines

    period = f"{result['since'] or 'start'} → {result['until'] or 'now'}"
    lines = [f"Escalation metrics, {period} (times: median / p90, business time for business-hours targets)", ""]
    lines += block("All", result["overall"])
    for key, s in result.get("groups", {}).items():
        lines += ["", *block(f"{result['by']} = {key}", s)]
    return "\n".join(lines)


def chart(result: dict, path: str, store, rows: list[tuple] | None = None) -> None:
    """SLA compliance and median time to resolution per month, per severity (matplotlib extra)."""
    from .errors import UsageError

    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise UsageError("--chart needs matplotlib: pip install 'escalation-handler[chart]'")
    groups: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    if rows is None:
        rows = _rows(store, result.get("since"), result.get("until"))
    for r in rows:
        groups[(r[MONTH], r[RES_SEVERITY] or r[SEVERITY])].append(r)
    months = sorted({month for month, _ in groups})
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    for sev in sorted({sev for _, sev in groups}):
        compliance, ttr = [], []
        for month in months:
            part = groups.get((month, sev), [])
            met, judged = _compliance(part, result["now"])
            compliance.append(100 * met / judged if judged else None)
            minutes = [r[RES_MINUTES] for r in part if r[RES_MINUTES] is not None and _by_now(r[RES_MET], result["now"])]
            ttr.append(median(minutes) / 60 if minutes else None)
        top.plot(months, compliance, marker="o", label=sev)
        bottom.plot(months, ttr, marker="o", label=sev)
    step = max(1, len(months) // 12)
    bottom.set_xticks(range(0, len(months), step), [months[i] for i in range(0, len(months), step)])
    bottom.tick_params(axis="x", labelrotation=45, labelsize=8)
    top.set_ylabel("SLA compliance (%)")
    top.axhline(95, color="grey", linestyle="--", linewidth=1)
    bottom.set_ylabel("median time to resolution (h)")
    top.legend(loc="lower left", fontsize=8)
    fig.suptitle("Escalations per month and severity")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
