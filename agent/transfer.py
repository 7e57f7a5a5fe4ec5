"""Import and export of escalations with their timelines.

Formats:
- jsonl: one escalation a line: {"id", "customer", "tier", "severity", "type", "summary",
  "complaint", "opened_at", "owner", "status", "events": [{"kind", "at", "actor", "data"}], and,
  when exported by this tool, "triage", "sla", "policy"} — export then import reproduces the DB.
- csv: one escalation a row with columns id, customer, tier, severity, type, summary, complaint,
  opened_at, owner, acknowledged_at, resolved_at, confirmed_at, closed_at, csat, outcome
  (`--map "Their Column=our_column"` renames).
- statuspage: the status-page incident format of ../shared/datasets/status_incidents_dev.jsonl
  (provider, title, text, severity, started_at, closed_at, updates[{stage, at, text}]).
Import is idempotent (each row's external id is stored; a second import of the same file adds
nothing) and all-or-nothing per file (a bad row names its line and nothing is stored).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from . import sla
from .errors import UsageError
from .policy import Policy
from .schemas import EscalationType, Severity, Tier
from .store import Store, now, put_policy

FORMATS = ("jsonl", "csv", "statuspage")
CSV_COLUMNS = ("id", "customer", "tier", "severity", "type", "summary", "complaint", "opened_at", "owner",
               "acknowledged_at", "resolved_at", "confirmed_at", "closed_at", "csat", "outcome")
CSV_EVENTS = {"acknowledged_at": "ack", "resolved_at": "resolved", "confirmed_at": "confirmed", "closed_at": "closed"}
STATUS_AFTER = {"ack": "acknowledged", "resolved": "resolved", "confirmed": "confirmed", "closed": "closed"}
QUESTIONS = ("what", "when", "who", "business_impact", "tried", "workaround")


@dataclass
class Parsed:
    external_id: str
    row: dict
    events: list[dict] = field(default_factory=list)


@dataclass
class ImportReport:
    read: int
    added: int
    skipped: int
    events: int
    dry_run: bool


def _time(value, line: int, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except (TypeError, ValueError):
        raise UsageError(f"line {line}: {what} {value!r} is not an ISO 8601 time")
    if moment.tzinfo is None:
        raise UsageError(f"line {line}: {what} {value!r} has no time zone offset")
    return moment


def _enum(cls, value, line: int, what: str, default=None):
    if value in (None, "") and default is not None:
        return default
    try:
        return cls(str(value).strip().lower() if cls is not Severity else str(value).strip().upper())
    except ValueError:
        raise UsageError(f"line {line}: unknown {what} {value!r}: choose one of {', '.join(m.value for m in cls)}")


def detect(path: Path) -> str:
    if path.suffix.lower() == ".csv":
        return "csv"
    with path.open(encoding="utf-8") as fh:
        first = next((line for line in fh if line.strip()), "")
    try:
        sample = json.loads(first)
    except json.JSONDecodeError:
        raise UsageError(f"{path}: cannot tell the format; pass --format {'|'.join(FORMATS)}")
    return "statuspage" if {"provider", "updates", "started_at"} <= set(sample) else "jsonl"


def _base(line: int, *, ext: str, customer, tier, severity, type_, summary, complaint, opened_at, owner=None) -> dict:
    if not str(customer or "").strip():
        raise UsageError(f"line {line}: customer is missing")
    if not str(complaint or summary or "").strip():
        raise UsageError(f"line {line}: complaint (or summary) is missing")
    return {
        "external_id": ext,
        "customer": str(customer).strip(),
        "tier": _enum(Tier, tier, line, "tier", Tier.STANDARD).value,
        "severity": _enum(Severity, severity, line, "severity").value,
        "type": _enum(EscalationType, type_, line, "type", EscalationType.TECHNICAL).value,
        "summary": str(summary or complaint)[:300],
        "complaint": str(complaint or summary),
        "opened_at": _time(opened_at, line, "opened_at"),
        "owner": owner,
    }


def parse_statuspage(raw: dict, line: int) -> Parsed:
    row = _base(line, ext=f"statuspage:{raw.get('provider')}:{raw.get('id')}", customer=raw.get("provider"), tier="standard",
                severity=raw.get("severity"), type_="technical", summary=raw.get("title"), complaint=raw.get("text"),
                opened_at=raw.get("started_at"), owner="status page")
    events = []
    updates = sorted(raw.get("updates") or [], key=lambda u: u.get("at") or "")
    for i, u in enumerate(updates):
        at = _time(u.get("at"), line, "updates.at")
        stage = u.get("stage")
        events.append({"kind": "stage", "at": at, "data": {"stage": stage, "text": u.get("text")}})
        if stage == "resolved":
            events.append({"kind": "resolved", "at": at, "data": {"summary": u.get("text")}})
        elif stage == "postmortem":
            events.append({"kind": "rca_completed", "at": at, "data": {"source": "status page postmortem"}})
        else:
            events.append({"kind": "ack" if not any(e["kind"] == "ack" for e in events) else "update", "at": at, "data": {}})
    return Parsed(row["external_id"], row, events)


def parse_jsonl(raw: dict, line: int) -> Parsed:
    ext = str(raw.get("external_id") or raw.get("id") or "")
    if not ext:
        raise UsageError(f"line {line}: id is missing")
    row = _base(line, ext=ext, customer=raw.get("customer"), tier=raw.get("tier"), severity=raw.get("severity"),
                type_=raw.get("type"), summary=raw.get("summary"), complaint=raw.get("complaint"),
                opened_at=raw.get("opened_at"), owner=raw.get("owner"))
    for key in ("triage", "sla", "policy", "contact", "timezone", "status"):
        if raw.get(key) is not None:
            row[key] = raw[key]
    events = []
    for i, e in enumerate(raw.get("events") or []):
        if not isinstance(e, dict) or not e.get("kind"):
            raise UsageError(f"line {line}: events[{i}] needs a kind")
        events.append({"kind": e["kind"], "at": _time(e.get("at"), line, f"events[{i}].at"), "actor": e.get("actor"),
                       "data": e.get("data") or {}})
    return Parsed(ext, row, events)


def parse_csv_row(raw: dict, line: int) -> Parsed:
    row = _base(line, ext=str(raw.get("id") or ""), customer=raw.get("customer"), tier=raw.get("tier"),
                severity=raw.get("severity"), type_=raw.get("type"), summary=raw.get("summary"),
                complaint=raw.get("complaint"), opened_at=raw.get("opened_at"), owner=raw.get("owner") or None)
    if not row["external_id"]:
        raise UsageError(f"line {line}: id is missing")
    events = [{"kind": kind, "at": _time(raw[col], line, col), "data": {}} for col, kind in CSV_EVENTS.items() if raw.get(col)]
    if raw.get("csat"):
        try:
            events.append({"kind": "csat", "at": events[-1]["at"] if events else row["opened_at"], "data": {"score": float(raw["csat"])}})
        except ValueError:
            raise UsageError(f"line {line}: csat {raw['csat']!r} is not a number")
    if raw.get("outcome"):
        events.append({"kind": "outcome", "at": events[-1]["at"] if events else row["opened_at"], "data": {"outcome": raw["outcome"]}})
    return Parsed(row["external_id"], row, events)


def parse(path: Path, fmt: str | None, mapping: dict[str, str] | None = None) -> list[Parsed]:
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    fmt = fmt or detect(path)
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path} is not UTF-8 (byte {exc.start})")
    out = []
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        renamed = {src: dst for src, dst in (mapping or {}).items()}
        for line, raw in enumerate(reader, 2):
            out.append(parse_csv_row({renamed.get(k, k): v for k, v in raw.items()}, line))
        return out
    parser = parse_statuspage if fmt == "statuspage" else parse_jsonl
    for line, raw_line in enumerate(text.splitlines(), 1):
        if not raw_line.strip():
            continue
        try:
            raw = json.loads(raw_line)
        except json.JSONDecodeError as exc:
            raise UsageError(f"line {line}: not JSON ({exc.msg})")
        if not isinstance(raw, dict):
            raise UsageError(f"line {line}: expected a JSON object")
        out.append(parser(raw, line))
    seen = set()
    for p in out:
        if p.external_id in seen:
            raise UsageError(f"id {p.external_id!r} appears twice in {path}")
        seen.add(p.external_id)
    return out


def _triage_json(row: dict, policy: Policy, source: str) -> str:
    team = policy.teams[EscalationType(row["type"])]
    unknown = {"assessment": "unknown", "evidence": "unknown"}
    return json.dumps({
        "severity": row["severity"], "type": row["type"], "engine_severity": row["severity"],
        "rationale": f"Imported from {source} with severity {row['severity']}.", "summary": row["summary"],
        "impact": {k: dict(unknown) for k in ("customer_tier", "revenue_at_risk", "users_affected", "business_criticality",
                                              "public_exposure", "regulatory")},
        "questions": [{"key": k, "question": k.replace("_", " ").capitalize() + "?", "answer": None,
                       "follow_up": "Not recorded in the imported history."} for k in QUESTIONS],
        "routing": {"team": team.name, "tier": policy.tier_by_severity[Severity(row["severity"])],
                    "reason": "imported"},
        "corrections": [], "notes": [f"imported from {source}"],
    })


def import_file(store: Store, path: str, *, fmt: str | None, policy: Policy, dry_run: bool = False,
                mapping: dict[str, str] | None = None) -> ImportReport:
    from . import projection

    source = Path(path)
    parsed = parse(source, fmt, mapping)
    existing = {r[0] for r in store.db.execute("SELECT external_id FROM escalations WHERE external_id IS NOT NULL")}
    fresh = [p for p in parsed if p.external_id not in existing]
    report = ImportReport(len(parsed), len(fresh), len(parsed) - len(fresh), sum(len(p.events) for p in fresh), dry_run)
    if dry_run or not fresh:
        return report
    recorded = now().isoformat()
    with store.transaction() as db:
        default_hash = put_policy(db, json.dumps(policy.model_dump(mode="json"), sort_keys=True))
        next_id = (db.execute("SELECT max(id) FROM escalations").fetchone()[0] or 0) + 1
        escalations, events = [], []
        for number, p in enumerate(fresh, next_id):
            row = p.row
            opened = row["opened_at"]
            tz = row.get("timezone") or policy.timezone
            plan = row.get("sla") or sla.plan(policy, Severity(row["severity"]), opened, tz, row["tier"]).model_dump(mode="json")
            status = row.get("status") or "open"
            if not row.get("status"):
                for e in sorted(p.events, key=lambda e: e["at"]):
                    status = STATUS_AFTER.get(e["kind"], status)
            escalations.append({
                "id": number, "external_id": p.external_id, "customer": row["customer"], "tier": row["tier"],
                "contact": row.get("contact"), "owner": row.get("owner") or policy.teams[EscalationType(row["type"])].owner,
                "status": status, "severity": row["severity"], "type": row["type"], "summary": row["summary"],
                "complaint": row["complaint"], "timezone": tz, "opened_at": opened.isoformat(), "updated_at": recorded,
                "triage": json.dumps(row["triage"]) if row.get("triage") else _triage_json(row, policy, source.name),
                "sla": json.dumps(plan),
                "policy": put_policy(db, json.dumps(row["policy"], sort_keys=True)) if row.get("policy") else default_hash,
                "engine": "import", "requested_engine": "import",
            })
            if not any(e["kind"] == "opened" for e in p.events):
                events.append(_event(number, "opened", opened, "import", {"customer": row["customer"], "source": source.name}, recorded))
            for e in p.events:
                events.append(_event(number, e["kind"], e["at"], e.get("actor") or "import", e["data"], recorded))
        db["escalations"].insert_all(escalations, batch_size=1000)
        db["events"].insert_all(events, batch_size=5000)
    projection.refresh_stale(store, now())
    return report


def _event(number: int, kind: str, at: datetime, actor: str, data: dict, recorded: str) -> dict:
    return {"escalation_id": number, "at": at.isoformat(), "recorded_at": recorded, "actor": actor, "kind": kind,
            "data": json.dumps(data, ensure_ascii=False)}


def export(store: Store, fmt: str, out) -> int:
    """Write every escalation with its events; returns how many."""
    if fmt not in ("jsonl", "csv"):
        raise UsageError(f"unknown export format {fmt!r}: choose jsonl or csv")
    events: dict[int, list[dict]] = {}
    for e in store.db.execute("SELECT escalation_id, kind, at, actor, data FROM events ORDER BY escalation_id, at, id"):
        events.setdefault(e[0], []).append({"kind": e[1], "at": e[2], "actor": e[3], "data": json.loads(e[4])})
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS) if fmt == "csv" else None
    if writer:
        writer.writeheader()
    count = 0
    for r in store.db.query("SELECT e.*, p.json AS policy_json FROM escalations e JOIN policies p ON p.hash = e.policy "
                            "WHERE e.triage IS NOT NULL ORDER BY e.id"):
        evs = events.get(r["id"], [])
        ext = r["external_id"] or f"ESC-{r['id']}"
        if writer:
            first = {kind: next((e["at"] for e in evs if e["kind"] == kind), "") for kind in CSV_EVENTS.values()}
            csat = [e["data"].get("score") for e in evs if e["kind"] == "csat"]
            outcome = [e["data"].get("outcome") for e in evs if e["kind"] == "outcome"]
            writer.writerow({
                "id": ext, "customer": r["customer"], "tier": r["tier"], "severity": r["severity"], "type": r["type"],
                "summary": r["summary"], "complaint": r["complaint"], "opened_at": r["opened_at"], "owner": r["owner"],
                **{col: first[kind] for col, kind in CSV_EVENTS.items()},
                "csat": csat[-1] if csat else "", "outcome": outcome[-1] if outcome else "",
            })
        else:
            out.write(json.dumps({
                "id": ext, "customer": r["customer"], "contact": r["contact"], "tier": r["tier"], "severity": r["severity"],
                "type": r["type"], "status": r["status"], "summary": r["summary"], "complaint": r["complaint"],
                "opened_at": r["opened_at"], "owner": r["owner"], "timezone": r["timezone"],
                "triage": json.loads(r["triage"]), "sla": json.loads(r["sla"]), "policy": json.loads(r["policy_json"]),
                "events": evs,
            }, ensure_ascii=False) + "\n")
        count += 1
    return count
