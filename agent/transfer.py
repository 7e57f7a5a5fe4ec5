"""Import and export of escalations with their timelines.

Formats:
- jsonl: one escalation a line: {"id", "customer", "tier", "severity", "type", "summary",
  "complaint", "opened_at", "owner", "status", "events": [{"kind", "at", "actor", "data"}], and,
  when exported by this tool, "external_id", "engine", "triage", "sla", "policy", "drafts"} — export
  then import reproduces the DB, into an empty database or one with escalations of its own.
  "id" is the escalation's id where it was exported; "external_id" the id it keeps everywhere (a
  helpdesk's or an earlier import's id, else `ESC-n@<database name>`), which import matches on, so
  re-importing an export adds nothing and two databases' ESC-1 never collide. Events (in the order
  they were stored) and drafts carry a number `n`; what an event names (the workaround a protocol
  protects, the draft it saved, a similar escalation) is written by number or stable id and read
  back into the receiving database's ids (agent/references.py). "triage", "sla", "policy" and
  "engine" are validated (agent.schemas Triage, SlaPlan and EngineInfo, agent.policy Policy)
  before anything is stored. The monthly ticket counts (the escalation-rate denominator, the
  `tickets` table) are exported as extra lines {"tickets": {"period": "YYYY-MM", "count": N}};
  import stores them (replacing the count of the same period) so the metrics come out equal.
- csv: one escalation a row with columns id, external_id (matched on when present), customer, tier, severity, type, summary, complaint,
  opened_at, owner, acknowledged_at, resolved_at, confirmed_at, closed_at, csat, outcome
  (`--map "Their Column=our_column"` renames). csat must be 1–5 and outcome retained, churned or
  at-risk (the checks of `escalate csat` / `escalate outcome`). Ticket counts are not in CSV.
- statuspage: the status-page incident format of ../shared/datasets/status_incidents_dev.jsonl
  (provider, title, text, severity, started_at, closed_at, updates[{stage, at, text}]). Each update
  becomes a `stage` event; the first update (of any stage) is the first response (`ack`), later
  ones `update`s; a 'resolved' update is `resolved` followed by `closed` ({"source": "status page"}),
  so imported history is closed and stays off the open board; 'postmortem' is `rca_completed`
  with the postmortem's first sentence that names a cause as its root cause.
Import is idempotent (each row's external id is stored; a second import of the same file adds
nothing) and all-or-nothing per file (a bad row names its line and nothing is stored).
"""

from __future__ import annotations

import csv
import itertools
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterator

from pydantic import ValidationError

from . import sla
from . import event_data, references
from .errors import UsageError
from .cues import SENTENCE
from .event_data import EARLIEST_YEAR
from .lifecycle import STATUSES
from .metrics import check_csat, check_outcome
from .policy import Policy, _check_zone
from .schemas import EngineInfo, EscalationType, Severity, SlaPlan, Tier, Triage
from . import store as store_module
from .packing import pack, unpack
from .store import FUTURE_SLACK, Store, format_id, pack_record, put_policy

MAX_DEPTH = 64  # JSON nesting an escalation line may have (an exported one uses 6)
MAX_LINE_CHARS = 5_000_000
MAX_FILE_BYTES = 1_000_000_000

FORMATS = ("jsonl", "csv", "statuspage")
CSV_COLUMNS = ("id", "external_id", "customer", "tier", "severity", "type", "summary", "complaint", "opened_at", "owner",
               "acknowledged_at", "resolved_at", "confirmed_at", "closed_at", "csat", "outcome")
CSV_EVENTS = {"acknowledged_at": "ack", "resolved_at": "resolved", "confirmed_at": "confirmed", "closed_at": "closed"}
STATUS_AFTER = {"ack": "acknowledged", "resolved": "resolved", "confirmed": "confirmed", "closed": "closed"}
QUESTIONS = ("what", "when", "who", "business_impact", "tried", "workaround")


@dataclass
class Parsed:
    external_id: str
    row: dict
    events: list[dict] = field(default_factory=list)
    line: int = 0


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
    tickets: int = 0  # monthly ticket counts stored (new or changed)


def _time(value, line: int, what: str) -> datetime:
    """An ISO 8601 time with an offset, in triage's range: from 1990 to now (plus the clock slack)."""
    if not isinstance(value, str):
        raise UsageError(f"line {line}: {what} {value!r} is not an ISO 8601 time")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"line {line}: {what} {value!r} is not an ISO 8601 time")
    if moment.tzinfo is None:
        raise UsageError(f"line {line}: {what} {value!r} has no time zone offset")
    if moment.year < EARLIEST_YEAR:
        raise UsageError(f"line {line}: {what} {value!r} is before {EARLIEST_YEAR} (triage refuses it too)")
    if moment > store_module.now() + FUTURE_SLACK:
        raise UsageError(f"line {line}: {what} {value!r} is in the future")
    return moment


def _text(value, line: int, what: str, *, required: bool = False) -> str | None:
    """Text fields are text, as triage takes them: a number, a list or NaN is refused, not stored as "nan"."""
    if value is None or (value == "" and not required):
        if required:
            raise UsageError(f"line {line}: {what} is missing")
        return None
    if not isinstance(value, str):
        raise UsageError(f"line {line}: {what} must be text, not {type(value).__name__} {value!r:.60}")
    if required and not value.strip():
        raise UsageError(f"line {line}: {what} is missing")
    return value


def _ident(value, line: int, what: str = "id") -> str:
    """Ids are text or whole numbers (not lists, booleans or fractions)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise UsageError(f"line {line}: {what} must be text or a whole number, not {type(value).__name__} {value!r:.60}")
    text = str(value).strip()
    if not text:
        raise UsageError(f"line {line}: {what} is missing")
    return text


def _enum(cls, value, line: int, what: str, default=None):
    if value in (None, "") and default is not None:
        return default
    if value is None or (isinstance(value, str) and not value.strip()):
        raise UsageError(f"line {line}: {what} is missing: choose one of {', '.join(m.value for m in cls)}")
    if not isinstance(value, str):
        raise UsageError(f"line {line}: {what} must be text, not {type(value).__name__} {value!r:.60}")
    try:
        return cls(str(value).strip().lower() if cls is not Severity else str(value).strip().upper())
    except ValueError:
        raise UsageError(f"line {line}: unknown {what} {value!r}: choose one of {', '.join(m.value for m in cls)}")


def detect(path: Path, first: str) -> str:
    """The format of a file whose first non-empty line is `first` (csv by its name)."""
    if path.suffix.lower() == ".csv":
        return "csv"
    try:
        sample = _json(first, 0)
    except UsageError:
        sample = None
    if sample is None and first.lstrip().startswith("{"):
        return "jsonl"  # JSON the reader will refuse with its line and reason (too long, not JSON, too deep)
    if not isinstance(sample, dict):
        raise UsageError(f"{path}: cannot tell the format; pass --format {'|'.join(FORMATS)}")
    return "statuspage" if {"provider", "updates", "started_at"} <= set(sample) else "jsonl"


def _json(text: str, line: int):
    """One JSON value, within the limits: no deeper than MAX_DEPTH, no integer longer than 4,300 digits."""
    if len(text) > MAX_LINE_CHARS:
        raise UsageError(f"line {line}: {len(text):,} characters, over the {MAX_LINE_CHARS:,} limit for one line")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"line {line}: not JSON ({exc.msg})")
    except RecursionError:
        raise UsageError(f"line {line}: nested too deep (over the {MAX_DEPTH}-level limit)")
    except ValueError as exc:  # e.g. an integer over Python's 4,300-digit limit
        raise UsageError(f"line {line}: not usable JSON ({str(exc).split(';')[0]})")
    level, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            level = max(level, depth)
            if level > MAX_DEPTH:
                raise UsageError(f"line {line}: nested over the {MAX_DEPTH}-level limit")
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return value


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UsageError(f"{path} is not valid UTF-16 (byte {exc.start}): save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path} is not UTF-8 (byte {exc.start}): save it as UTF-8")


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_WITH_END = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _pieces(path: Path) -> Iterator[str]:
    """The file's text a physical line at a time (each with its line break), never the whole file at
    once: a byte that is not UTF-8 is named by its offset in the file. UTF-16 (with a byte-order mark)
    is decoded whole, as before."""
    with path.open("rb") as f:
        head = f.read(3)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            yield from _LINE_WITH_END.findall(_decode(path, head + f.read()))
            return
        offset = 3 if head == b"\xef\xbb\xbf" else 0
        f.seek(offset)
        for raw in f:
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise UsageError(f"{path} is not UTF-8 (byte {offset + exc.start}): save it as UTF-8")
            offset += len(raw)


def _base(line: int, *, ext: str, customer, tier, severity, type_, summary, complaint, opened_at, owner=None) -> dict:
    customer = _text(customer, line, "customer", required=True)
    complaint, summary = _text(complaint, line, "complaint"), _text(summary, line, "summary")
    owner = _text(owner, line, "owner")
    if not (complaint or summary or "").strip():
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
    row = _base(line, ext=f"statuspage:{_text(raw.get('provider'), line, 'provider', required=True)}:{_ident(raw.get('id'), line)}",
                customer=raw.get("provider"), tier="standard",
                severity=raw.get("severity"), type_="technical", summary=raw.get("title"), complaint=raw.get("text"),
                opened_at=raw.get("started_at"), owner="status page")
    events = []
    updates = raw.get("updates") or []
    if not isinstance(updates, list) or not all(isinstance(u, dict) for u in updates):
        raise UsageError(f"line {line}: updates must be a list of objects {{stage, at, text}}")
    for i, u in enumerate(updates):
        _text(u.get("stage"), line, f"updates[{i}].stage")
        _text(u.get("text"), line, f"updates[{i}].text")
    timed = [(_time(u.get("at"), line, f"updates[{i}].at"), u) for i, u in enumerate(updates)]
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
            events.append({"kind": "rca_completed", "at": at, "data": postmortem_rca(u.get("text"))})
    resolved = [i for i, e in enumerate(events) if e["kind"] == "resolved"]
    if resolved:  # history: closed when resolved, so it does not sit on the open board
        last = resolved[-1]
        events.insert(last + 1, {"kind": "closed", "at": events[last]["at"], "data": {"source": "status page"}})
    return Parsed(row["external_id"], row, events, line)


# A sentence that gives the cause: "The outage occurred due to routing layer nodes hitting memory limits".
_CAUSE = re.compile(r"\b(?:root[- ]cause|caused\s+by|due\s+to|triggered\s+by|because|result(?:ed)?\s+(?:of|from)|the\s+cause)\b", re.I)


def postmortem_rca(text) -> dict:
    """The RCA a status page's postmortem gives: its first sentence that names a cause (or, when none
    does, its opening) is the root cause, categorised as `escalate rca` categorises one."""
    from .blameless import classify

    body = " ".join(str(text or "").replace("\u200b", " ").replace("\u200c", " ").replace("\ufeff", " ").split())
    sentences = [s.strip() for s in SENTENCE.findall(body) if s.strip()]
    cause = next((s for s in sentences if _CAUSE.search(s)), None) or " ".join(sentences[:2])
    cause = cause[:500] or "the status page posted a postmortem without text"
    return {"root_cause": cause, "category": classify(cause) or "unclassified", "source": "status page postmortem"}


def parse_jsonl(raw: dict, line: int) -> Parsed:
    id_key = "external_id" if raw.get("external_id") not in (None, "") else "id"
    ext = _ident(raw.get(id_key), line, id_key)
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
            row[key] = _text(raw[key], line, key)
    if raw.get("engine") is not None:
        _validate(EngineInfo, raw["engine"], line, "engine")
        row["engine"] = EngineInfo.model_validate(raw["engine"])
    raw_events = raw.get("events") or []
    if not isinstance(raw_events, list):
        raise UsageError(f"line {line}: events must be a list")
    events = [_checked_event(e, i, line, row["opened_at"]) for i, e in enumerate(raw_events)]
    drafts = None
    if raw.get("drafts") is not None:
        if not isinstance(raw["drafts"], list):
            raise UsageError(f"line {line}: drafts must be a list")
        drafts = [_checked_draft(d, i, line) for i, d in enumerate(raw["drafts"])]
        row["drafts"] = drafts
    _numbers(events, line, "events")
    _numbers(drafts or [], line, "drafts")
    row["numbered"] = bool(events) and all("n" in e for e in events)
    row["by_id"] = id_key == "id"
    if row["numbered"]:
        numbers, draft_numbers = {e["n"] for e in events}, None if drafts is None else {d["n"] for d in drafts if "n" in d}
        for i, e in enumerate(events):
            references.checked(e["kind"], e["data"], numbers, draft_numbers, f"line {line}: events[{i}]")
        events.sort(key=lambda e: e["n"])  # the order they were stored in, whatever order the file lists them
    return Parsed(ext, row, events, line)


def _numbers(items: list[dict], line: int, what: str) -> None:
    """A line's events (or drafts) are numbered all or none, each number once (agent/references.py)."""
    given = [x["n"] for x in items if "n" in x]
    if given and len(given) != len(items):
        raise UsageError(f"line {line}: some {what} have a number n and some do not: number all of them or none")
    if len(set(given)) != len(given):
        raise UsageError(f"line {line}: two {what} have the same number n")


def _checked_draft(d, i: int, line: int) -> dict:
    """A draft as export writes it: its text and what the draft checks found, as the store keeps them."""
    where = f"drafts[{i}]"
    if not isinstance(d, dict):
        raise UsageError(f"line {line}: {where} must be an object {{n, kind, subject, body, ...}}")
    out = {"kind": _text(d.get("kind"), line, f"{where}.kind", required=True),
           "subject": _text(d.get("subject"), line, f"{where}.subject") or "",
           "body": _text(d.get("body"), line, f"{where}.body", required=True),
           "engine": _text(d.get("engine"), line, f"{where}.engine") or "offline",
           "audience": _text(d.get("audience"), line, f"{where}.audience") or "customer",
           "prompt_hash": _text(d.get("prompt_hash"), line, f"{where}.prompt_hash"),
           "fallback_reason": _text(d.get("fallback_reason"), line, f"{where}.fallback_reason"),
           "created_at": _time(d.get("created_at"), line, f"{where}.created_at")}
    from .drafting import AUDIENCES, KINDS

    if out["kind"] not in KINDS:
        raise UsageError(f"line {line}: {where}.kind {out['kind']!r}: choose one of {', '.join(KINDS)}")
    if out["audience"] not in AUDIENCES:
        raise UsageError(f"line {line}: {where}.audience {out['audience']!r}: choose one of {', '.join(AUDIENCES)}")
    if d.get("passed") is not None and not isinstance(d["passed"], bool):
        raise UsageError(f"line {line}: {where}.passed must be true or false")
    out["passed"] = d.get("passed")
    if not isinstance(d.get("findings", []), list):
        raise UsageError(f"line {line}: {where}.findings must be a list")
    out["findings"] = d.get("findings") or []
    if "n" in d:
        out["n"] = _number(d["n"], f"line {line}: {where}")
    return out


def _number(value, where: str) -> int:
    """An event's or draft's number in its line (agent/references.py): a whole number from 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UsageError(f"{where}.n must be a whole number from 1")
    return value


def _checked_event(e, i: int, line: int, opened: datetime) -> dict:
    """The checks the readers and the lifecycle commands make (agent/event_data.py): a bad event names
    its line and field and nothing of the file is stored."""
    where = f"line {line}: events[{i}]"
    if not isinstance(e, dict):
        raise UsageError(f"{where} must be an object {{kind, at, actor, data}}")
    kind = _text(e.get("kind"), line, f"events[{i}].kind", required=True)
    actor = _text(e.get("actor"), line, f"events[{i}].actor")
    at = _time(e.get("at"), line, f"events[{i}].at")
    if at < opened:
        raise UsageError(f"{where}.at {e.get('at')!r} is before the escalation opened ({opened.isoformat()})")
    data = e.get("data") if e.get("data") is not None else {}
    why = event_data.problem(kind, data)
    if why:
        raise UsageError(f"{where} ({kind}): {why}")
    out = {"kind": kind, "at": at, "actor": actor, "data": data}
    if "n" in e:
        out["n"] = _number(e["n"], where)
    return out


def _validate(model, value, line: int, what: str) -> None:
    try:
        model.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise UsageError(f"line {line}: {what}{'.' + where if where else ''}: {first['msg']}"
                         + (f" ({exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""))


def parse_csv_row(raw: dict, line: int) -> Parsed:
    key = "external_id" if raw.get("external_id") else "id"
    row = _base(line, ext=_ident(raw.get(key) or "", line, key), customer=raw.get("customer"), tier=raw.get("tier"),
                severity=raw.get("severity"), type_=raw.get("type"), summary=raw.get("summary"),
                complaint=raw.get("complaint"), opened_at=raw.get("opened_at"), owner=raw.get("owner") or None)
    events = [{"kind": kind, "at": _time(raw[col], line, col), "data": {}} for col, kind in CSV_EVENTS.items() if raw.get(col)]
    for col, e in zip([c for c in CSV_EVENTS if raw.get(c)], events):
        if e["at"] < row["opened_at"]:
            raise UsageError(f"line {line}: {col} {raw[col]!r} is before the escalation opened ({row['opened_at'].isoformat()})")
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
    row["by_id"] = key == "id"
    return Parsed(row["external_id"], row, events, line)


def records(path: Path, fmt: str | None, mapping: dict[str, str] | None = None) -> tuple[str, Iterator]:
    """(format, records): the file is checked and its format found now; the records are read as they
    are asked for, each a Parsed escalation or a ("tickets", period, count) line. A bad record raises
    UsageError naming its line when it is reached."""
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise UsageError(f"{path} is {path.stat().st_size:,} bytes, over the {MAX_FILE_BYTES:,} limit: split it")
    pieces = _pieces(path)
    seen: list[str] = []
    if fmt is None and path.suffix.lower() != ".csv":
        for piece in pieces:
            seen.append(piece)
            if piece.strip():
                break
    fmt = fmt or detect(path, next((p for p in seen if p.strip()), ""))
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    text = itertools.chain(seen, pieces)
    return fmt, (_csv_records(text, mapping) if fmt == "csv" else _json_records(text, fmt))


def _csv_records(text: Iterator[str], mapping: dict[str, str] | None) -> Iterator[Parsed]:
    reader = csv.DictReader(text)
    renamed = {src: dst for src, dst in (mapping or {}).items()}
    line = 1
    try:
        for line, raw in enumerate(reader, 2):
            if None in raw:
                raise UsageError(f"line {line}: more fields than the header has columns")
            yield parse_csv_row({renamed.get(k, k): v for k, v in raw.items()}, line)
    except csv.Error as exc:  # e.g. a field over the 131,072-character limit
        raise UsageError(f"line {line + 1}: not readable CSV ({exc})")


def _json_records(text: Iterator[str], fmt: str) -> Iterator:
    parser = parse_statuspage if fmt == "statuspage" else parse_jsonl
    line = 0
    for piece in text:
        # cut at \r\n, \r and \n only: a JSON string may hold U+2028 or U+0085 as they are, and splitlines() cut there
        for raw_line in _LINE_BREAK.split(piece.rstrip("\r\n")):
            line += 1
            if not raw_line.strip():
                continue
            raw = _json(raw_line, line)
            if not isinstance(raw, dict):
                raise UsageError(f"line {line}: expected a JSON object")
            if fmt == "jsonl" and set(raw) == {"tickets"}:
                yield ("tickets", *_tickets_line(raw["tickets"], line))
                continue
            yield parser(raw, line)


def parse(path: Path, fmt: str | None, mapping: dict[str, str] | None = None) -> ParsedFile:
    """The whole file parsed at once (small files; import_file streams it)."""
    out, tickets = [], {}
    for item in records(path, fmt, mapping)[1]:
        if isinstance(item, tuple):
            tickets[item[1]] = item[2]
        else:
            out.append(item)
    _no_duplicates(out, path)
    return ParsedFile(out, tickets)


def _no_duplicates(parsed: list[Parsed], path: Path) -> None:
    seen: dict[str, int] = {}
    for p in parsed:
        if p.external_id in seen:
            raise UsageError(_twice(p, path, seen[p.external_id]))
        seen[p.external_id] = p.line


def _twice(p: Parsed, path: Path, first: int) -> str:
    return f"line {p.line}: id {p.external_id!r} appears twice in {path} (first on line {first})"


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
    return _compact({
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


def _planned(p: Parsed, policy: Policy) -> tuple[str, dict]:
    """The row's time zone and SLA plan, worked out before anything is stored: a row that parses but
    cannot be planned names its line and the file is refused whole."""
    row = p.row
    tz = row.get("timezone") or policy.timezone
    if row.get("sla"):
        return tz, row["sla"]
    try:
        return tz, sla.plan(policy, Severity(row["severity"]), row["opened_at"], tz, row["tier"]).model_dump(mode="json")
    except (ValueError, OverflowError, KeyError) as exc:
        raise UsageError(f"line {p.line}: cannot plan the SLA from opened_at {row['opened_at'].isoformat()}: {exc}")


WRITE_EVERY = 1000  # escalations buffered before they are inserted (inside the file's one transaction)


def import_file(store: Store, path: str, *, fmt: str | None, policy: Policy, dry_run: bool = False,
                mapping: dict[str, str] | None = None, progress=None) -> ImportReport:
    """All or nothing: the file is read a record at a time inside one transaction, each record parsed,
    checked and planned before it is written; a bad one rolls the whole file back (nothing stored).
    A dry run reads it the same way and writes nothing. Memory stays flat with the file's size.
    `progress` (agent.progress.Progress) advances by one for each escalation read."""
    from . import projection

    source = Path(path)
    fmt, items = records(source, fmt, mapping)
    if dry_run:
        return _ingest(store.db, source, items, policy, None, progress)
    with store.transaction() as db:
        report = _ingest(db, source, items, policy, _Writer(db), progress)
    if report.added or report.tickets:
        projection.refresh_stale(store, store_module.now())
        from . import similar

        similar.catch_up(store.db)  # count the imported complaints in the similar-lookup term index now
    return report


class _Writer:
    """Inserts escalations and their events in batches, inside the caller's transaction."""

    def __init__(self, db):
        self.db, self.escalations, self.events, self.drafts = db, [], [], []

    def add(self, escalation: dict, events: list[dict], drafts: list[dict]) -> None:
        self.escalations.append(escalation)
        self.events += events
        self.drafts += drafts
        if len(self.escalations) >= WRITE_EVERY:
            self.flush()

    def flush(self) -> None:
        if self.escalations:
            self.db["escalations"].insert_all(self.escalations, batch_size=1000)
        if self.events:
            self.db["events"].insert_all(self.events, batch_size=5000)
        if self.drafts:
            self.db["drafts"].insert_all(self.drafts, batch_size=1000)
        # What an interrupt message names: each escalation once (a file's events are kept or lost with it).
        store_module._pending().extend((e["id"], "imported") for e in self.escalations)
        self.escalations, self.events, self.drafts = [], [], []


class _Ids:
    """The ids an import gives, counted on from the database's highest, and the escalations it can
    name by their stable id (agent/references.py): those already stored and those this file adds."""

    def __init__(self, db):
        def top(table: str) -> int:
            return db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]

        self.escalation, self.event, self.draft = top("escalations") + 1, top("events") + 1, top("drafts") + 1
        self.database = store_module.identity(db)
        self.known: dict[str, int] = {}
        self.facts: dict[int, tuple[str, str, bool]] = {}  # number → (customer, opened_at, opened here)
        for number, ext, customer, opened in db.execute("SELECT id, external_id, customer, opened_at FROM escalations"):
            self.known[references.stable_id(number, ext, self.database)] = number
            self.facts[number] = (customer, opened, ext is None)

    def present(self, p: Parsed) -> bool:
        """Whether the escalation is stored here already (an id known here, naming the same customer and
        opening). The same id on another escalation is refused: two copies of one database that both
        went on (a backup restored beside the original), or two helpdesks' ids that collide."""
        number = self.known.get(p.external_id)
        if number is None and p.row.get("by_id") and re.fullmatch(r"ESC-\d{1,18}", p.external_id) \
                and self.facts.get(int(p.external_id[4:]), ("", "", False))[2]:
            # a file written before external ids: "ESC-n" is an escalation of this database when it is the same one
            return self._same(int(p.external_id[4:]), p)
        if number is None:
            if re.fullmatch(rf"ESC-\d+@{self.database}", p.external_id):
                raise UsageError(f"line {p.line}: id {p.external_id!r} names an escalation this database opened, "
                                 "and it holds none by that id: the file was edited, or written by a copy of this database")
            return False
        if not self._same(number, p):
            customer, opened, _ = self.facts[number]
            raise UsageError(f"line {p.line}: id {p.external_id!r} is already here as {format_id(number)}, a different "
                             f"escalation ({customer}, opened {opened}; the file has {p.row['customer']}, opened "
                             f"{p.row['opened_at'].isoformat()}): a copy of this database that went on by itself, "
                             "or ids that collide; nothing imported")
        return True

    def _same(self, number: int, p: Parsed) -> bool:
        customer, opened, _ = self.facts[number]
        return customer == p.row["customer"] and datetime.fromisoformat(opened) == p.row["opened_at"]

    def take(self, what: str) -> int:
        value = getattr(self, what)
        setattr(self, what, value + 1)
        return value


def _ingest(db, source: Path, items, policy: Policy, writer: "_Writer | None", progress) -> ImportReport:
    report = ImportReport(0, 0, 0, 0, writer is None)
    ids = _Ids(db)
    known = dict(db.execute("SELECT period, count FROM tickets").fetchall())
    recorded, stamped = store_module.now().isoformat(), store_module.recorded_stamp()
    default_hash = put_policy(db, json.dumps(policy.model_dump(mode="json"), sort_keys=True)) if writer else None
    seen: dict[str, int] = {}
    tickets: dict[str, int] = {}
    for item in items:
        if isinstance(item, tuple):
            tickets[item[1]] = item[2]
            continue
        report.read += 1
        if progress is not None:
            progress.advance()
        if item.external_id in seen:
            raise UsageError(_twice(item, source, seen[item.external_id]))
        seen[item.external_id] = item.line
        if ids.present(item):
            report.skipped += 1
            continue
        tz, plan = _planned(item, policy)
        report.added += 1
        report.events += len(item.events)
        if writer is not None:
            writer.add(*_rows(db, ids, item, tz, plan, policy, source, default_hash, recorded, stamped))
    changed = {period: count for period, count in tickets.items() if known.get(period) != count}
    report.tickets = len(changed)
    if writer is not None:
        writer.flush()
        if changed:
            db["tickets"].upsert_all([{"period": period, "count": count, "recorded_at": recorded}
                                      for period, count in sorted(changed.items())], pk="period")
    return report


def _rows(db, ids: _Ids, p: Parsed, tz: str, plan: dict, policy: Policy, source: Path, default_hash: str,
          recorded: str, stamped: str) -> tuple[dict, list[dict], list[dict]]:
    """One parsed escalation as its row, its events and its drafts, with the ids this database gives
    them (what its events name is read into those ids: agent/references.py)."""
    row = p.row
    number = ids.take("escalation")
    ids.known[p.external_id] = number
    ids.facts[number] = (row["customer"], row["opened_at"].isoformat(), False)
    opened = row["opened_at"]
    status = row.get("status") or "open"
    if not row.get("status"):
        for e in sorted(p.events, key=lambda e: e["at"]):
            status = STATUS_AFTER.get(e["kind"], status)
    engine = row.get("engine") or EngineInfo(name="import", requested="import")
    escalation = {
        "id": number, "external_id": p.external_id, "customer": row["customer"], "tier": row["tier"],
        "contact": row.get("contact"), "owner": row.get("owner") or policy.teams[EscalationType(row["type"])].owner,
        "status": status, "severity": row["severity"], "type": row["type"], "summary": row["summary"],
        "complaint": row["complaint"], "timezone": tz, "opened_at": opened.isoformat(), "updated_at": recorded,
        "triage": pack_record(_compact(row["triage"]) if row.get("triage") else _triage_json(row, policy, source.name)),
        "triage_severity": (row.get("triage") or {}).get("severity") or row["severity"],
        "sla": pack_record(_compact(plan)),
        "policy": put_policy(db, json.dumps(row["policy"], sort_keys=True)) if row.get("policy") else default_hash,
        "engine": engine.name, "engine_model": engine.model, "requested_engine": engine.requested,
        "fallback_reason": engine.fallback_reason,
    }
    drafts, draft_ids = [], None
    if row.get("drafts") is not None:
        draft_ids = {}
        for d in row["drafts"]:
            draft_id = ids.take("draft")
            if "n" in d:
                draft_ids[d["n"]] = draft_id
            drafts.append({"id": draft_id, "escalation_id": number, "kind": d["kind"], "subject": d["subject"],
                           "body": pack(d["body"]), "engine": d["engine"],
                           "prompt_hash": d["prompt_hash"], "created_at": d["created_at"].isoformat(),
                           "audience": d["audience"], "findings": json.dumps(d["findings"], ensure_ascii=False),
                           "passed": None if d["passed"] is None else int(d["passed"]),
                           "fallback_reason": d["fallback_reason"]})
    opened_added = not any(e["kind"] == "opened" for e in p.events)
    first = ids.event + opened_added  # the id the line's first event will get
    event_ids = {e["n"]: first + i for i, e in enumerate(p.events)} if row.get("numbered") else None
    events = []
    if opened_added:
        events.append(_event(ids.take("event"), number, "opened", opened, "import",
                             {"customer": row["customer"], "source": source.name}, stamped))
    earlier: list[tuple[int, str, dict]] = []
    for e in p.events:
        data = references.read(e["kind"], e["data"], event_ids, draft_ids, ids.known.get, earlier=earlier)
        ident = ids.take("event")
        earlier.append((ident, e["kind"], data))
        events.append(_event(ident, number, e["kind"], e["at"], e.get("actor") or "import", data, stamped))
    return escalation, events, drafts


def _compact(value) -> str:
    """JSON as the store packs it (no spaces after separators: what the packing dictionary holds)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _event(ident: int, number: int, kind: str, at: datetime, actor: str, data: dict, recorded: str) -> dict:
    return {"id": ident, "escalation_id": number, "at": at.isoformat(), "recorded_at": recorded, "actor": actor, "kind": kind,
            "data": json.dumps(data, ensure_ascii=False)}


def _timelines(store: Store):
    """A generator that is sent escalation ids in increasing order and answers each one's events in
    the order they were stored (with their ids): the events are read in one pass, in step with the
    escalations, never all at once. An unusable event is skipped with a warning."""
    rows = store.db.execute("SELECT escalation_id, kind, at, actor, data, id FROM events ORDER BY escalation_id, id")
    pending = next(rows, None)
    answer: list[dict] = []
    while True:
        wanted = yield answer
        found = []
        while pending is not None and pending[0] <= wanted:
            if pending[0] == wanted:
                found.append(pending)
            pending = next(rows, None)
        answer = [{"id": e[5], "kind": e[1], "at": e[2], "actor": e[3], "data": data} for e in found
                  if (data := store_module.usable(e[0], e[5], e[1], e[2], e[4])) is not None]


def _drafts(store: Store, number: int) -> list[dict]:
    """An escalation's drafts, oldest first, as an export line holds them (numbered from 1)."""
    return [{"n": n, "id": d["id"], "kind": d["kind"], "audience": d["audience"], "subject": d["subject"],
             "body": unpack(d["body"]), "engine": d["engine"], "created_at": d["created_at"],
             "prompt_hash": d["prompt_hash"], "passed": None if d["passed"] is None else bool(d["passed"]),
             "findings": json.loads(d["findings"] or "[]"), "fallback_reason": d["fallback_reason"]}
            for n, d in enumerate(store.db.query("SELECT * FROM drafts WHERE escalation_id = ? ORDER BY id", [number]), 1)]


def export(store: Store, fmt: str, out, progress=None) -> int:
    """Write every escalation with its events (and, in jsonl, its drafts and the monthly ticket
    counts); returns how many escalations. Each is named by its id here and, as `external_id`, by the
    id it keeps everywhere (agent/references.py). `progress` (agent.progress.Progress) advances by one
    for each escalation."""
    if fmt not in ("jsonl", "csv"):
        raise UsageError(f"unknown export format {fmt!r}: choose jsonl or csv")
    timelines = _timelines(store)
    next(timelines)
    database = store.identity()
    external = dict(store.db.execute("SELECT id, external_id FROM escalations WHERE external_id IS NOT NULL"))

    def stable(number: int) -> str:
        return references.stable_id(number, external.get(number), database)

    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS) if fmt == "csv" else None
    if writer:
        writer.writeheader()
    count = 0
    for r in store.db.query("SELECT e.*, p.json AS policy_json FROM escalations e JOIN policies p ON p.hash = e.policy "
                            "WHERE e.triage IS NOT NULL ORDER BY e.id"):
        evs = timelines.send(r["id"])
        if writer:
            first = {kind: next((e["at"] for e in sorted(evs, key=lambda e: e["at"]) if e["kind"] == kind), "")
                     for kind in CSV_EVENTS.values()}
            csat = [e["data"].get("score") for e in evs if e["kind"] == "csat"]
            outcome = [e["data"].get("outcome") for e in evs if e["kind"] == "outcome"]
            writer.writerow({
                "id": format_id(r["id"]), "external_id": stable(r["id"]), "customer": r["customer"], "tier": r["tier"],
                "severity": r["severity"], "type": r["type"],
                "summary": r["summary"], "complaint": r["complaint"], "opened_at": r["opened_at"], "owner": r["owner"],
                **{col: first[kind] for col, kind in CSV_EVENTS.items()},
                "csat": csat[-1] if csat else "", "outcome": outcome[-1] if outcome else "",
            })
        else:
            drafts = _drafts(store, r["id"])
            draft_n = {d.pop("id"): d["n"] for d in drafts}
            event_n = {e["id"]: n for n, e in enumerate(evs, 1)}
            out.write(json.dumps({
                "id": format_id(r["id"]), "external_id": stable(r["id"]),
                "customer": r["customer"], "contact": r["contact"], "tier": r["tier"], "severity": r["severity"],
                "type": r["type"], "status": r["status"], "summary": r["summary"], "complaint": r["complaint"],
                "opened_at": r["opened_at"], "owner": r["owner"], "timezone": r["timezone"],
                "engine": {"name": r["engine"], "model": r["engine_model"], "requested": r["requested_engine"],
                           "fallback_reason": r["fallback_reason"]},
                "triage": json.loads(unpack(r["triage"])), "sla": json.loads(unpack(r["sla"])),
                "policy": json.loads(r["policy_json"]),
                "events": [{"n": event_n[e["id"]], "kind": e["kind"], "at": e["at"], "actor": e["actor"],
                            "data": references.written(e["kind"], e["data"], event_n, draft_n, stable)} for e in evs],
                "drafts": drafts,
            }, ensure_ascii=False) + "\n")
        count += 1
        if progress is not None:
            progress.advance()
    if not writer:
        for period, tickets in store.db.execute("SELECT period, count FROM tickets ORDER BY period"):
            out.write(json.dumps({"tickets": {"period": period, "count": tickets}}) + "\n")
    return count
