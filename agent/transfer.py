"""Import and export of escalations with their timelines.

Formats:
- jsonl: one escalation a line: {"id", "customer", "tier", "severity", "type", "summary",
  "complaint", "opened_at", "owner", "status", "events": [{"kind", "at", "actor", "data"}], and,
  when exported by this tool, "triage", "sla", "policy"} — export then import reproduces the DB.
  "triage", "sla" and "policy" are validated (agent.schemas Triage and SlaPlan, agent.policy Policy)
  before anything is stored. The monthly ticket counts (the escalation-rate denominator, the
  `tickets` table) are exported as extra lines {"tickets": {"period": "YYYY-MM", "count": N}};
  import stores them (replacing the count of the same period) so the metrics come out equal.
- csv: one escalation a row with columns id, customer, tier, severity, type, summary, complaint,
  opened_at, owner, acknowledged_at, resolved_at, confirmed_at, closed_at, csat, outcome
  (`--map "Their Column=our_column"` renames). csat must be 1–5 and outcome retained, churned or
  at-risk (the checks of `escalate csat` / `escalate outcome`). Ticket counts are not in CSV.
- statuspage: the status-page incident format of ../shared/datasets/status_incidents_dev.jsonl
  (provider, title, text, severity, started_at, closed_at, updates[{stage, at, text}]). Each update
  becomes a `stage` event; the first update (of any stage) is the first response (`ack`), later
  ones `update`s; a 'resolved' update is `resolved` followed by `closed` ({"source": "status page"}),
  so imported history is closed and stays off the open board; 'postmortem' is `rca_completed`.
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

from pydantic import ValidationError

from . import sla
from .errors import UsageError
from .lifecycle import STATUSES
from .metrics import check_csat, check_outcome
from .policy import Policy, _check_zone
from .schemas import EscalationType, Severity, SlaPlan, Tier, Triage
from . import store as store_module
from .packing import unpack
from .store import Store, pack_record, put_policy

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
class ParsedFile:
    escalations: list[Parsed]
    tickets: dict[str, int] = field(default_factory=dict)


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
    timed = [(_time(u.get("at"), line, "updates.at"), u) for u in raw.get("updates") or []]
    timed.sort(key=lambda pair: pair[0])
    acked = False
    for at, u in timed:
        stage = u.get("stage")
        events.append({"kind": "stage", "at": at, "data": {"stage": stage, "text": u.get("text")}})
        if not acked:  # the first public update, whatever its stage, is the first response
            events.append({"kind": "ack", "at": at, "data": {}})
            acked = True
        elif stage not in ("resolved", "postmortem"):
            events.append({"kind": "update", "at": at, "data": {}})
        if stage == "resolved":
            events.append({"kind": "resolved", "at": at, "data": {"summary": u.get("text")}})
        elif stage == "postmortem":
            events.append({"kind": "rca_completed", "at": at, "data": {"source": "status page postmortem"}})
    resolved = [i for i, e in enumerate(events) if e["kind"] == "resolved"]
    if resolved:  # history: closed when resolved, so it does not sit on the open board
        last = resolved[-1]
        events.insert(last + 1, {"kind": "closed", "at": events[last]["at"], "data": {"source": "status page"}})
    return Parsed(row["external_id"], row, events)


def parse_jsonl(raw: dict, line: int) -> Parsed:
    ext = str(raw.get("external_id") or raw.get("id") or "")
    if not ext:
        raise UsageError(f"line {line}: id is missing")
    row = _base(line, ext=ext, customer=raw.get("customer"), tier=raw.get("tier"), severity=raw.get("severity"),
                type_=raw.get("type"), summary=raw.get("summary"), complaint=raw.get("complaint"),
                opened_at=raw.get("opened_at"), owner=raw.get("owner"))
    for key, model in (("triage", Triage), ("sla", SlaPlan), ("policy", Policy)):
        if raw.get(key) is not None:
            _validate(model, raw[key], line, key)
            row[key] = raw[key]
    if raw.get("status") is not None and raw["status"] not in STATUSES:
        raise UsageError(f"line {line}: unknown status {raw['status']!r}: choose one of {', '.join(STATUSES)}")
    if raw.get("timezone") is not None:
        try:
            _check_zone(str(raw["timezone"]))
        except ValueError as exc:
            raise UsageError(f"line {line}: timezone: {exc}")
    for key in ("contact", "timezone", "status"):
        if raw.get(key) is not None:
            row[key] = raw[key]
    events = []
    for i, e in enumerate(raw.get("events") or []):
        if not isinstance(e, dict) or not e.get("kind"):
            raise UsageError(f"line {line}: events[{i}] needs a kind")
        events.append({"kind": e["kind"], "at": _time(e.get("at"), line, f"events[{i}].at"), "actor": e.get("actor"),
                       "data": e.get("data") or {}})
    return Parsed(ext, row, events)


def _validate(model, value, line: int, what: str) -> None:
    try:
        model.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise UsageError(f"line {line}: {what}{'.' + where if where else ''}: {first['msg']}"
                         + (f" ({exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""))


def parse_csv_row(raw: dict, line: int) -> Parsed:
    row = _base(line, ext=str(raw.get("id") or ""), customer=raw.get("customer"), tier=raw.get("tier"),
                severity=raw.get("severity"), type_=raw.get("type"), summary=raw.get("summary"),
                complaint=raw.get("complaint"), opened_at=raw.get("opened_at"), owner=raw.get("owner") or None)
    if not row["external_id"]:
        raise UsageError(f"line {line}: id is missing")
    events = [{"kind": kind, "at": _time(raw[col], line, col), "data": {}} for col, kind in CSV_EVENTS.items() if raw.get(col)]
    when = events[-1]["at"] if events else row["opened_at"]
    if raw.get("csat"):
        try:
            score = float(raw["csat"])
        except ValueError:
            raise UsageError(f"line {line}: csat {raw['csat']!r} is not a number")
        try:
            score = check_csat(score)
        except UsageError as exc:
            raise UsageError(f"line {line}: {exc}")
        events.append({"kind": "csat", "at": when, "data": {"score": score}})
    if raw.get("outcome"):
        try:
            outcome = check_outcome(raw["outcome"].strip())
        except UsageError as exc:
            raise UsageError(f"line {line}: {exc}")
        events.append({"kind": "outcome", "at": when, "data": {"outcome": outcome}})
    return Parsed(row["external_id"], row, events)


def parse(path: Path, fmt: str | None, mapping: dict[str, str] | None = None) -> ParsedFile:
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
    tickets: dict[str, int] = {}
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        renamed = {src: dst for src, dst in (mapping or {}).items()}
        for line, raw in enumerate(reader, 2):
            out.append(parse_csv_row({renamed.get(k, k): v for k, v in raw.items()}, line))
        _no_duplicates(out, path)
        return ParsedFile(out)
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
        if fmt == "jsonl" and set(raw) == {"tickets"}:
            period, count = _tickets_line(raw["tickets"], line)
            tickets[period] = count
            continue
        out.append(parser(raw, line))
    _no_duplicates(out, path)
    return ParsedFile(out, tickets)


def _no_duplicates(parsed: list[Parsed], path: Path) -> None:
    seen = set()
    for p in parsed:
        if p.external_id in seen:
            raise UsageError(f"id {p.external_id!r} appears twice in {path}")
        seen.add(p.external_id)


def _tickets_line(value, line: int) -> tuple[str, int]:
    import re

    if not isinstance(value, dict):
        raise UsageError(f"line {line}: tickets must be an object {{\"period\": \"YYYY-MM\", \"count\": N}}")
    period, count = value.get("period"), value.get("count")
    if not isinstance(period, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        raise UsageError(f"line {line}: tickets.period {period!r}: use YYYY-MM")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise UsageError(f"line {line}: tickets.count {count!r} must be a whole number, 0 or more")
    return period, count


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
                mapping: dict[str, str] | None = None, progress=None) -> ImportReport:
    """`progress` (agent.progress.Progress) advances by one for each escalation written."""
    from . import projection

    source = Path(path)
    parsed_file = parse(source, fmt, mapping)
    parsed = parsed_file.escalations
    existing = {r[0] for r in store.db.execute("SELECT external_id FROM escalations WHERE external_id IS NOT NULL")}
    fresh = [p for p in parsed if p.external_id not in existing]
    report = ImportReport(len(parsed), len(fresh), len(parsed) - len(fresh), sum(len(p.events) for p in fresh), dry_run)
    known = dict(store.db.execute("SELECT period, count FROM tickets").fetchall())
    tickets = {period: count for period, count in parsed_file.tickets.items() if known.get(period) != count}
    if dry_run or not (fresh or tickets):
        return report
    recorded = store_module.now().isoformat()
    with store.transaction() as db:
        if tickets:
            db["tickets"].upsert_all([{"period": period, "count": count, "recorded_at": recorded}
                                      for period, count in sorted(tickets.items())], pk="period")
        default_hash = put_policy(db, json.dumps(policy.model_dump(mode="json"), sort_keys=True))
        next_id = (db.execute("SELECT max(id) FROM escalations").fetchone()[0] or 0) + 1
        escalations, events = [], []
        if progress is not None:
            progress.total(len(fresh))
        for number, p in enumerate(fresh, next_id):
            if progress is not None:
                progress.advance()
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
                "triage": pack_record(json.dumps(row["triage"]) if row.get("triage") else _triage_json(row, policy, source.name)),
                "triage_severity": (row.get("triage") or {}).get("severity") or row["severity"],
                "sla": pack_record(json.dumps(plan)),
                "policy": put_policy(db, json.dumps(row["policy"], sort_keys=True)) if row.get("policy") else default_hash,
                "engine": "import", "requested_engine": "import",
            })
            if not any(e["kind"] == "opened" for e in p.events):
                events.append(_event(number, "opened", opened, "import", {"customer": row["customer"], "source": source.name}, recorded))
            for e in p.events:
                events.append(_event(number, e["kind"], e["at"], e.get("actor") or "import", e["data"], recorded))
        if escalations:
            db["escalations"].insert_all(escalations, batch_size=1000)
        if events:
            db["events"].insert_all(events, batch_size=5000)
    projection.refresh_stale(store, store_module.now())
    from . import similar

    similar.catch_up(store.db)  # count the imported complaints in the similar-lookup term index now
    return report


def _event(number: int, kind: str, at: datetime, actor: str, data: dict, recorded: str) -> dict:
    return {"escalation_id": number, "at": at.isoformat(), "recorded_at": recorded, "actor": actor, "kind": kind,
            "data": json.dumps(data, ensure_ascii=False)}


def export(store: Store, fmt: str, out, progress=None) -> int:
    """Write every escalation with its events (and, in jsonl, the monthly ticket counts); returns how
    many escalations. `progress` (agent.progress.Progress) advances by one for each escalation."""
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
                "triage": json.loads(unpack(r["triage"])), "sla": json.loads(unpack(r["sla"])),
                "policy": json.loads(r["policy_json"]),
                "events": evs,
            }, ensure_ascii=False) + "\n")
        count += 1
        if progress is not None:
            progress.advance()
    if not writer:
        for period, tickets in store.db.execute("SELECT period, count FROM tickets ORDER BY period"):
            out.write(json.dumps({"tickets": {"period": period, "count": tickets}}) + "\n")
    return count
