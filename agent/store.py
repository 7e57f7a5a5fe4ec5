"""The SQLite store (sqlite-utils): escalations, an append-only event log, drafts and model calls.

WAL mode and a busy timeout let several processes share one file; every write runs in a
`BEGIN IMMEDIATE` transaction so a waiting writer queues on the busy timeout instead of failing.
"""

from __future__ import annotations

import functools
from array import array
import json
import os
import sqlite3
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator


def _import_sqlite_utils():
    """sqlite-utils imports pandas and numpy when installed, only to store their types, which this
    tool never writes; with numpy present (it comes with the [chart] extra) that is ~30 ms of every
    command's start-up. They are hidden during the import and importable again afterwards."""
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # `import numpy` now raises ImportError
    try:
        import sqlite_utils
    finally:
        for name in hidden:
            sys.modules.pop(name, None)
    return sqlite_utils


sqlite_utils = _import_sqlite_utils()

from . import event_data, migrations, packing  # noqa: E402  (after sqlite_utils, which it imports too)
from .errors import NotFound, StoreError, StoreLocked  # noqa: E402
from .private import narrow  # noqa: E402
from .schemas import Draft, EngineInfo, Escalation, Event, ModelCall, SlaPlan, Triage

DEFAULT_BUSY_TIMEOUT = 5.0
# A new database's page: an escalation row is ~1-3 KB, so 4 KB pages left ~20 % of each leaf unused
# (8 KB: 4.7 → 4.1 KB per escalation at 5,000 imported, see README "Batch triage and storage at scale").
PAGE_SIZE = 8192
ID_PREFIX = "ESC-"
FUTURE_SLACK = timedelta(minutes=5)  # how far past "now" an --at may lie (clocks drift between machines)


@dataclass
class TriagedRow:
    """One judged escalation for `Store.create_triaged_many`; `draft` is the keyword arguments of
    its acknowledgment draft, or a function of the escalation number that returns them."""

    external_id: str | None
    customer: str
    tier: str
    contact: str | None
    complaint: str
    opened_at: datetime
    timezone_name: str
    requested_engine: str
    actor: str
    triage: Triage
    sla: SlaPlan
    engine: EngineInfo
    owner: str
    calls: list[ModelCall] = field(default_factory=list)
    draft: Any = None


class StoredEvent:
    """An event row read back for the clocks and flags: no validation, `data` parsed on first use.
    Quacks like schemas.Event where the clocks read it (id, at, kind, data)."""

    __slots__ = ("id", "escalation_id", "at", "actor", "kind", "_raw", "_data")

    def __init__(self, id: int, escalation_id: int, at: str, actor: str, kind: str, raw: str):
        self.id, self.escalation_id, self.actor, self.kind, self._raw = id, escalation_id, actor, kind, raw
        self.at = datetime.fromisoformat(at)
        self._data = None

    @property
    def data(self) -> dict:
        if self._data is None:
            self._data = json.loads(self._raw) if self._raw and self._raw != "{}" else {}
        return self._data


def events_by_escalation(db: sqlite_utils.Database, where_ids_sql: str, args: list | tuple = (),
                         kinds: tuple[str, ...] | None = None) -> dict[int, list[StoredEvent]]:
    """The events (of `kinds`, or all) of the escalations selected by `where_ids_sql` (a subquery of
    ids), in time order."""
    out: dict[int, list[StoredEvent]] = {}
    only = f" AND kind IN ({','.join(repr(k) for k in kinds)})" if kinds else ""
    checked = event_data.checked_kinds()
    for row in db.conn.execute(
        f"SELECT id, escalation_id, at, actor, kind, data FROM events WHERE escalation_id IN ({where_ids_sql}){only} "
        f"ORDER BY escalation_id, id",  # the escalation_id index gives this order without a sort
        args,
    ):
        if row[4] in checked or not (row[5] or "{").startswith("{"):  # the others' data no reader indexes
            if usable(row[1], row[0], row[4], row[2], row[5]) is None:
                continue
        try:
            event = StoredEvent(*row)
        except (TypeError, ValueError) as exc:
            event_data.skipped(row[1], row[0], row[4], f"at {row[2]!r}: {exc}")
            continue
        if event.at.tzinfo is None:
            event_data.skipped(row[1], row[0], row[4], f"at {row[2]!r} has no time zone offset")
            continue
        out.setdefault(row[1], []).append(event)
    for events in out.values():  # `at` keeps its offset: text order is not always time order
        events.sort(key=lambda e: (e.at, e.id))
    return out


def pack_record(text: str):
    """A triage's or SLA plan's JSON as stored (agent/packing.py); `packing.unpack` reads it back."""
    return packing.pack(text, packing.RECORDS)


MATCH_COPIES = ("customer", "opened_at", "summary")  # facts of the matched escalation's own row


STORED_TERMS = 8  # shared terms a stored match keeps (longest first): its reason names six


def slim_match(match: dict) -> dict:
    """What a similar_found event keeps of a match: its id, score and first shared terms. The matched
    row's customer, time and summary are read back from that row, and the reason is rebuilt from the
    terms (`match_reason`): a near-duplicate complaint would otherwise store every word it shares."""
    out = {k: v for k, v in match.items() if k not in MATCH_COPIES and k != "reason"}
    if isinstance(out.get("shared_terms"), list):
        out["shared_terms"] = out["shared_terms"][:STORED_TERMS]
    return out


def match_reason(match: dict) -> str:
    """A stored match's reason, as agent.similar.Match.reason words it."""
    parts = ["same customer"] if match.get("same_customer") else []
    if match.get("shared_terms"):
        parts.append(f"shares {', '.join(match['shared_terms'][:6])}")
    return "; ".join(parts)


def hydrate_drafts(db, datas: list[dict]) -> None:
    """A draft_saved event written since m065 keeps its draft's id (and promises): its kind, lint
    verdict, findings count, engine and audience are filled in from the drafts row, in the order the
    event used to hold them, so every reader sees what it saw before. Older events hold them already."""
    slim = [d for d in datas if "kind" not in d and isinstance(d.get("draft_id"), int)]
    if not slim:
        return
    ids = sorted({d["draft_id"] for d in slim})
    rows = {}
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        rows.update((r[0], r[1:]) for r in db.execute(
            f"SELECT id, kind, passed, findings, engine, audience FROM drafts WHERE id IN ({','.join('?' * len(part))})",
            part))
    for d in slim:
        number = d["draft_id"]
        if number not in rows:
            continue
        kind, passed, findings, engine, audience = rows[number]
        rest = {k: v for k, v in d.items() if k != "draft_id"}
        d.clear()
        d.update({"kind": kind, "draft_id": number, "passed": bool(passed), "findings": len(json.loads(findings or "[]")),
                  "engine": engine, "audience": audience, **rest})


def usable(escalation_id: int, event_id: int, kind: str, at: str, raw: str) -> dict | None:
    """The event's data when a reader can use it; otherwise None, after one warning (agent/event_data.py)."""
    try:
        data = json.loads(raw) if raw else {}
    except (TypeError, ValueError, RecursionError):
        event_data.skipped(escalation_id, event_id, kind, "data is not JSON")
        return None
    why = event_data.problem(kind, data) or event_data.moment(at)
    if why is not None:
        event_data.skipped(escalation_id, event_id, kind, why if why.startswith(("data", "kind")) else f"at {why}")
        return None
    return data


def identity(db) -> str:
    """The database's random name (migration m090): what its own escalations are known by elsewhere."""
    return db.execute("SELECT name FROM identity WHERE id = 1").fetchone()[0]


def put_policy(db: sqlite_utils.Database, policy_json: str) -> str:
    """Store a policy once (inside the caller's transaction); returns the hash escalations keep."""
    from .migrations import policy_hash

    digest = policy_hash(policy_json)
    db.execute("INSERT OR IGNORE INTO policies (hash, json) VALUES (?, ?)", [digest, policy_json])
    return digest


def default_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("escalation-handler", appauthor=False)) / "escalations.db"


def parse_id(value: str | int) -> int:
    text = str(value).strip().upper()
    if text.startswith(ID_PREFIX):
        text = text[len(ID_PREFIX) :]
    if not (text.isascii() and text.isdigit()) or len(text) > 18:  # SQLite integers stop at 2**63-1; '²' is no id
        raise NotFound(f"not an escalation id: {value!r} (ids look like ESC-7)")
    return int(text)


def format_id(number: int) -> str:
    return f"{ID_PREFIX}{number}"


def now() -> datetime:
    return datetime.now(timezone.utc)


def recorded_stamp() -> str:
    """When an event is written (events.recorded_at): UTC to the second, `2026-12-02T02:27:51Z` (20
    characters; before m065 it was written with microseconds and +00:00, 32). ISO 8601 either way, read
    by datetime.fromisoformat and SQLite's date functions; the events' ids keep their exact order."""
    return now().strftime("%Y-%m-%dT%H:%M:%SZ")


class Kept:
    """What this process has committed, (escalation number, event kind) in order: an interrupt message
    says exactly what was kept. Each write is one transaction, so what is not listed was not stored at
    all. Held compactly (a number and a code for its kinds, per escalation a transaction wrote): a batch
    or an import of 10,000 escalations writes the same few kinds for each, and keeps 10,000 pairs of
    small numbers here rather than 40,000 tuples."""

    def __init__(self) -> None:
        self.numbers, self.codes = array("q"), array("H")
        self.kinds: list[tuple[str, ...]] = []
        self._code: dict[tuple[str, ...], int] = {}

    def extend(self, written: list[tuple[int, str]]) -> None:
        by: dict[int, list[str]] = {}
        for number, kind in written:
            by.setdefault(number, []).append(kind)
        for number, kinds in by.items():
            key = tuple(kinds)
            code = self._code.get(key)
            if code is None:
                code = self._code[key] = len(self.kinds)
                self.kinds.append(key)
            self.numbers.append(number)
            self.codes.append(code)

    def __bool__(self) -> bool:
        return bool(self.numbers)

    def __iter__(self) -> Iterator[tuple[int, str]]:
        for number, code in zip(self.numbers, self.codes):
            for kind in self.kinds[code]:
                yield number, kind

    def clear(self) -> None:
        self.__init__()


kept = Kept()
_writing = threading.local()  # each thread's open transaction: (number, kind) written so far


def _pending() -> list[tuple[int, str]]:
    return _writing.__dict__.setdefault("events", [])


def kept_summary() -> str:
    if not kept:
        return "nothing was stored"
    by: dict[int, list[str]] = {}
    for number, kind in kept:
        by.setdefault(number, []).append(kind)
    return "kept " + "; ".join(f"{format_id(n)} ({', '.join(dict.fromkeys(kinds))})" for n, kinds in by.items()) \
        + ", each written whole; nothing half-written"


def _locked(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def busy_timeout_from_env() -> float:
    """ESCALATE_BUSY_TIMEOUT: seconds to wait for another process's write (a number from 0 to a day)."""
    raw = os.environ.get("ESCALATE_BUSY_TIMEOUT")
    if raw is None or not raw.strip():
        return DEFAULT_BUSY_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86_400:
        raise StoreError(f"ESCALATE_BUSY_TIMEOUT={raw!r} is not a number of seconds from 0 to 86400; unset it or "
                         f"give one (default {DEFAULT_BUSY_TIMEOUT:g})")
    return value


def locked_error(exc: BaseException, path) -> StoreLocked | None:
    """The store's one line for a database another process holds, for a lock met outside `Store.transaction`."""
    if not isinstance(exc, sqlite3.OperationalError) or not _locked(exc):
        return None
    timeout = busy_timeout_from_env()
    return StoreLocked(f"the database {path} is locked by another process (waited {timeout:g} s); "
                      "try again, or raise ESCALATE_BUSY_TIMEOUT")


def serialised(fn: Callable) -> Callable:
    """Run `fn(store, …)` inside one BEGIN IMMEDIATE transaction: the state it reads and checks is the
    state it writes on, so two concurrent steps queue instead of both passing the same check."""

    @functools.wraps(fn)
    def inside(store: "Store", *args, **kwargs):
        with store.transaction():
            return fn(store, *args, **kwargs)

    return inside


def _use_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """Switch the file to WAL (it stays so), within the busy timeout. Two connections switching a
    rollback-journal file at once, or one switching while another writes in rollback mode, get
    SQLITE_BUSY at once, without the busy handler (SQLite's deadlock avoidance): the loser retries until
    the winner is done, and then finds the file in WAL mode already."""
    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")  # a file system without WAL keeps its mode, as before
            return
        except sqlite3.OperationalError as exc:
            if not _locked(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


class Store:
    def __init__(self, path: str | Path, *, busy_timeout: float | None = None):
        self.path = Path(path)
        timeout = busy_timeout if busy_timeout is not None else busy_timeout_from_env()
        self.busy_timeout = timeout
        self._writer = threading.RLock()  # a Store shared by threads: one thread's transaction at a time
        try:
            if not self.path.parent.is_dir():
                # Only the default data folder is made: a --db in a folder that does not exist is a typo far more
                # often than a wish, and opening it would answer "No open escalations" from a new empty file.
                if self.path != default_path():
                    raise StoreError(f"cannot open the database {self.path}: the folder {self.path.parent} does not "
                                     "exist; create it or pass another --db")
                self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                # Complaints hold customer data: the file is readable by its owner only.
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
            else:  # one created wider (by hand, another tool, an old umask) is narrowed, with a warning
                for part in (self.path, *(self.path.with_name(self.path.name + s) for s in ("-wal", "-shm"))):
                    narrow(part)
            conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            if self.path.stat().st_size == 0:  # a new file: pages are set before the first write (WAL keeps them)
                conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            _use_wal(conn, timeout)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            self.db = sqlite_utils.Database(conn)
            migrations.apply(self.db)
        except sqlite3.OperationalError as exc:
            raise self._error(exc) from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not an escalation database ({exc}); pass --db to use another file") from exc
        except OSError as exc:
            raise StoreError(f"cannot open the database {self.path}: {exc.strerror}; pass --db or set ESCALATE_DB") from exc

    def _error(self, exc: sqlite3.OperationalError) -> StoreError:
        if _locked(exc):
            return StoreLocked(f"the database {self.path} is locked by another process (waited {self.busy_timeout:g} s); "
                              "try again, or raise ESCALATE_BUSY_TIMEOUT")
        return StoreError(f"database error on {self.path}: {exc}")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """BEGIN IMMEDIATE … COMMIT. Re-entrant: inside its own open transaction a thread joins it, so a
        step can read, check and write under one write lock (see `serialised`). Another thread using the
        same Store waits for that transaction to end (within the busy timeout) instead of joining it."""
        if not self._writer.acquire(timeout=self.busy_timeout):
            raise self._error(sqlite3.OperationalError("database is locked (by another thread of this process)"))
        try:
            conn = self.db.conn
            if conn.in_transaction:
                yield self.db
                return
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise self._error(exc) from exc
            _pending().clear()
            try:
                yield self.db
                conn.execute("COMMIT")
                kept.extend(_pending())
            except sqlite3.OperationalError as exc:
                conn.execute("ROLLBACK")
                raise self._error(exc) from exc
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            finally:
                _pending().clear()
        finally:
            self._writer.release()

    # -- writes ------------------------------------------------------------------------------

    def open_escalation(self, *, customer: str, tier: str, contact: str | None, complaint: str,
                        opened_at: datetime, timezone_name: str, requested_engine: str, actor: str) -> int:
        """An 'opened' escalation with no triage yet (imports and tests); triage uses create_triaged."""
        with self.transaction() as db:
            return self._insert_opened(db, customer=customer, tier=tier, contact=contact, complaint=complaint,
                                       opened_at=opened_at, timezone_name=timezone_name,
                                       requested_engine=requested_engine, actor=actor)

    def create_triaged(self, *, customer: str, tier: str, contact: str | None, complaint: str,
                       opened_at: datetime, timezone_name: str, requested_engine: str, actor: str,
                       triage: Triage, sla: SlaPlan, engine: EngineInfo, owner: str, policy: dict,
                       calls: list[ModelCall], similar: list[dict] | None = None) -> int:
        """The judged escalation written once: opened, triaged, corrections and matches in one transaction,
        so a failure or an interrupt leaves nothing half-made."""
        with self.transaction() as db:
            return self._insert_triaged(
                db, customer=customer, tier=tier, contact=contact, complaint=complaint, opened_at=opened_at,
                timezone_name=timezone_name, requested_engine=requested_engine, actor=actor, triage=triage, sla=sla,
                engine=engine, owner=owner, policy_hash=put_policy(db, json.dumps(policy, sort_keys=True)),
                calls=calls, similar=similar)

    def create_triaged_many(self, items: list["TriagedRow"], *, policy: dict, similar=None) -> list[int | None]:
        """Many judged escalations (batch triage) in one transaction, each with its external id and
        acknowledgment draft. `similar(db, item)` is asked inside the transaction, so a row sees the
        rows written before it. A row whose external id is already stored (another run got there
        first) is skipped: its place in the returned list is None."""
        with self.transaction() as db:
            digest = put_policy(db, json.dumps(policy, sort_keys=True))
            wanted = [i.external_id for i in items if i.external_id]
            taken = set()
            for start in range(0, len(wanted), 500):
                part = wanted[start:start + 500]
                taken |= {r[0] for r in db.execute(
                    f"SELECT external_id FROM escalations WHERE external_id IN ({','.join('?' * len(part))})", part)}
            out: list[int | None] = []
            for item in items:
                if item.external_id in taken:
                    out.append(None)
                    continue
                matches = similar(db, item) if similar else None
                number = self._insert_triaged(
                    db, customer=item.customer, tier=item.tier, contact=item.contact, complaint=item.complaint,
                    opened_at=item.opened_at, timezone_name=item.timezone_name, requested_engine=item.requested_engine,
                    actor=item.actor, triage=item.triage, sla=item.sla, engine=item.engine, owner=item.owner,
                    policy_hash=digest, calls=item.calls, similar=matches, external_id=item.external_id)
                draft = item.draft(number) if callable(item.draft) else item.draft
                if draft is not None:
                    self._insert_draft(db, number, **draft)
                taken.add(item.external_id)
                out.append(number)
            return out

    def _insert_triaged(self, db, *, customer: str, tier: str, contact: str | None, complaint: str,
                        opened_at: datetime, timezone_name: str, requested_engine: str, actor: str, triage: Triage,
                        sla: SlaPlan, engine: EngineInfo, owner: str, policy_hash: str, calls: list[ModelCall],
                        similar: list[dict] | None, external_id: str | None = None) -> int:
        """One whole row (a single insert: the full-text index is written once), then its events."""
        at = opened_at.isoformat()
        cur = db.conn.execute(
            "INSERT INTO escalations (customer, tier, contact, owner, status, severity, type, summary, complaint, "
            "timezone, opened_at, updated_at, triage, sla, policy, engine, engine_model, requested_engine, "
            "fallback_reason, external_id, triage_severity) "
            "VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [customer, tier, contact, owner, triage.severity.value, triage.type.value, triage.summary, complaint,
             timezone_name, at, at, pack_record(triage.model_dump_json()), pack_record(sla.model_dump_json()),
             policy_hash, engine.name, engine.model, requested_engine, engine.fallback_reason, external_id,
             triage.severity.value])
        number = cur.lastrowid
        recorded = recorded_stamp()
        rows = [(number, at, recorded, actor, "opened", json.dumps({"customer": customer, "tier": tier}, ensure_ascii=False)),
                (number, at, recorded, actor, "triaged", json.dumps({
                    "severity": triage.severity.value, "type": triage.type.value, "engine": engine.name,
                    "fallback_reason": engine.fallback_reason, "owner": owner}, ensure_ascii=False))]
        rows += [(number, at, recorded, "rules", "correction", json.dumps(c.model_dump(mode="json"), ensure_ascii=False))
                 for c in triage.corrections]
        if similar:
            rows.append((number, at, recorded, "rules", "similar_found",
                         json.dumps({"matches": [slim_match(m) for m in similar]}, ensure_ascii=False)))
        db.conn.executemany("INSERT INTO events (escalation_id, at, recorded_at, actor, kind, data) VALUES (?, ?, ?, ?, ?, ?)", rows)
        for call in calls:
            db["model_calls"].insert({"escalation_id": number, **call.model_dump(mode="json")})
        return number

    def _insert_opened(self, db, *, customer: str, tier: str, contact: str | None, complaint: str,
                       opened_at: datetime, timezone_name: str, requested_engine: str, actor: str) -> int:
        number = db["escalations"].insert(
            {
                "customer": customer,
                "tier": tier,
                "contact": contact,
                "status": "open",
                "complaint": complaint,
                "timezone": timezone_name,
                "opened_at": opened_at.isoformat(),
                "updated_at": now().isoformat(),
                "requested_engine": requested_engine,
            }
        ).last_pk
        self._event(db, number, "opened", actor, opened_at, {"customer": customer, "tier": tier})
        return number

    def record_triage(self, number: int, *, triage: Triage, sla: SlaPlan, engine: EngineInfo, owner: str,
                      policy: dict, calls: list[ModelCall], actor: str,
                      similar: list[dict] | None = None, at: datetime | None = None) -> None:
        with self.transaction() as db:
            self._write_triage(db, number, triage=triage, sla=sla, engine=engine, owner=owner, policy=policy,
                               calls=calls, actor=actor, similar=similar, at=at or now())

    def _write_triage(self, db, number: int, *, triage: Triage, sla: SlaPlan, engine: EngineInfo, owner: str,
                      policy: dict, calls: list[ModelCall], actor: str, similar: list[dict] | None,
                      at: datetime) -> None:
        db["escalations"].update(
            number,
            {
                "owner": owner,
                "severity": triage.severity.value,
                "type": triage.type.value,
                "summary": triage.summary,
                "triage": pack_record(triage.model_dump_json()),
                "triage_severity": triage.severity.value,
                "sla": pack_record(sla.model_dump_json()),
                "policy": put_policy(db, json.dumps(policy, sort_keys=True)),
                "engine": engine.name,
                "engine_model": engine.model,
                "fallback_reason": engine.fallback_reason,
                "updated_at": at.isoformat(),
            },
        )
        for call in calls:
            db["model_calls"].insert({"escalation_id": number, **call.model_dump(mode="json")})
        self._event(
            db, number, "triaged", actor, at,
            {
                "severity": triage.severity.value,
                "type": triage.type.value,
                "engine": engine.name,
                "fallback_reason": engine.fallback_reason,
                "owner": owner,
            },
        )
        for correction in triage.corrections:
            self._event(db, number, "correction", "rules", at, correction.model_dump(mode="json"))
        if similar:
            self._event(db, number, "similar_found", "rules", at, {"matches": similar})

    def save_draft(self, number: int, draft: Draft, prompt: str, *, findings: list[dict], passed: bool, audience: str,
                   actor: str, at: datetime, calls: list[ModelCall] = (), fallback_reason: str | None = None,
                   promises: list[dict] | None = None) -> None:
        with self.transaction() as db:
            self._insert_draft(db, number, draft=draft, prompt=prompt, findings=findings, passed=passed,
                               audience=audience, actor=actor, at=at, calls=calls, fallback_reason=fallback_reason,
                               promises=promises)

    def _insert_draft(self, db, number: int, *, draft: Draft, prompt: str, findings: list[dict], passed: bool,
                      audience: str, actor: str, at: datetime, calls: list[ModelCall] = (),
                      fallback_reason: str | None = None, promises: list[dict] | None = None) -> None:
        for call in calls:
            db["model_calls"].insert({"escalation_id": number, **call.model_dump(mode="json")})
        draft_id = db.conn.execute(
            "INSERT INTO drafts (escalation_id, kind, subject, body, engine, prompt_hash, created_at, audience, findings, "
            "passed, fallback_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [number, draft.kind, draft.subject, packing.pack(draft.body), draft.engine, prompt, at.isoformat(), audience,
             json.dumps(findings, ensure_ascii=False), int(passed), fallback_reason]).lastrowid
        # The event names its draft; the draft's kind, lint verdict, engine and audience are read back
        # from that row (`hydrate_drafts`): one copy of each fact.
        self._event(db, number, "draft_saved", actor, at,
                    {"draft_id": draft_id, **({"promises": promises} if promises else {})})

    def append(self, number: int, kind: str, *, actor: str, at: datetime, data: dict[str, Any],
               columns: dict[str, Any] | None = None) -> None:
        """One event, and the projection columns it changes, in one transaction."""
        with self.transaction() as db:
            self._event(db, number, kind, actor, at, data)
            db["escalations"].update(number, {**(columns or {}), "updated_at": now().isoformat()})

    @staticmethod
    def _event(db: sqlite_utils.Database, number: int, kind: str, actor: str, at: datetime, data: dict[str, Any]) -> None:
        _pending().append((number, kind))
        db["events"].insert(
            {
                "escalation_id": number,
                "at": at.isoformat(),
                "recorded_at": recorded_stamp(),
                "actor": actor,
                "kind": kind,
                "data": json.dumps(data, ensure_ascii=False),
            }
        )

    # -- reads -------------------------------------------------------------------------------

    def row(self, number: int) -> dict:
        try:
            return self.db["escalations"].get(number)
        except sqlite_utils.db.NotFoundError:
            raise NotFound(f"no escalation {format_id(number)}; `escalate list` shows the open ones")

    def draft_audiences(self, ident: str | int) -> dict[str, str]:
        """The audience of the latest draft of each kind (an update drafted for the internal brief is not the customer's)."""
        number = parse_id(ident)
        return {r["kind"]: r["audience"] for r in self.db.query(
            "SELECT kind, audience FROM drafts WHERE escalation_id = ? ORDER BY id", [number])}

    def get(self, ident: str | int) -> Escalation:
        number = parse_id(ident)
        row = self.row(number)
        if row["triage"] is None:
            raise NotFound(f"{format_id(number)} was opened but never triaged (the triage was interrupted)")
        drafts: dict[str, Draft] = {}
        for d in self.db.query("SELECT * FROM drafts WHERE escalation_id = ? ORDER BY id", [number]):
            drafts[d["kind"]] = Draft(kind=d["kind"], subject=d["subject"], body=packing.unpack(d["body"]),
                                      engine=d["engine"])  # latest wins
        return Escalation(
            id=format_id(number),
            customer=row["customer"],
            tier=row["tier"],
            contact=row["contact"],
            owner=row["owner"],
            status=row["status"],
            severity=row["severity"],
            type=row["type"],
            summary=row["summary"],
            complaint=row["complaint"],
            opened_at=row["opened_at"],
            triage=Triage.model_validate_json(packing.unpack(row["triage"])),
            sla=SlaPlan.model_validate_json(packing.unpack(row["sla"])),
            engine=EngineInfo(
                name=row["engine"], model=row["engine_model"], requested=row["requested_engine"],
                fallback_reason=row["fallback_reason"],
            ),
            drafts=drafts,
            events=self.events(number),
        )

    def events(self, number: int) -> list[Event]:
        """In real time order: `at` keeps the offset it was given, so text order is not time order."""
        events = [
            Event(id=e["id"], escalation_id=number, at=e["at"], actor=e["actor"], kind=e["kind"], data=data)
            for e in self.db.query("SELECT * FROM events WHERE escalation_id = ? ORDER BY id", [number])
            if (data := usable(number, e["id"], e["kind"], e["at"], e["data"])) is not None
        ]
        events.sort(key=lambda e: (e.at, e.id))
        self._hydrate_matches(events)
        hydrate_drafts(self.db, [e.data for e in events if e.kind == "draft_saved"])
        return events

    def _hydrate_matches(self, events: list[Event]) -> None:
        """A similar_found event stores each match's id, shared terms and score; the match's customer,
        opening time and summary are read from its own row (one copy of each fact)."""
        matches = [m for e in events if e.kind == "similar_found" for m in e.data.get("matches") or []
                   if isinstance(m, dict) and "summary" not in m]
        if not matches:
            return
        for m in matches:
            m.setdefault("reason", match_reason(m))
        numbers = sorted({parse_id(m["id"]) for m in matches})
        rows = {r[0]: r[1:] for r in self.db.execute(
            f"SELECT id, customer, opened_at, summary FROM escalations WHERE id IN ({','.join('?' * len(numbers))})",
            numbers)}
        for m in matches:
            customer, opened_at, summary = rows.get(parse_id(m["id"]), (None, None, None))
            m.update(customer=customer, opened_at=opened_at, summary=summary or "")

    def save_eval_run(self, run: dict) -> None:
        with self.transaction() as db:
            db["eval_runs"].insert({**run, "at": now().isoformat(), "metrics": json.dumps(run["metrics"])})

    def previous_eval_run(self, suite: str, engine: str) -> dict | None:
        rows = list(self.db.query(
            "SELECT * FROM eval_runs WHERE suite = ? AND engine = ? ORDER BY id DESC LIMIT 1", [suite, engine]))
        if not rows:
            return None
        return {**rows[0], "metrics": json.loads(rows[0]["metrics"])}

    def other_customers(self, customer: str) -> tuple[str, ...]:
        """Every other customer this database holds: a customer's message must name none of them."""
        rows = self.db.execute("SELECT DISTINCT customer FROM escalations WHERE customer != ?", [customer]).fetchall()
        return tuple(sorted(r[0] for r in rows if r[0]))

    def policy_of(self, ident: str | int):
        """The policy stored with the escalation when it was triaged (later edits never rewrite it)."""
        from .policy import policy_from_json

        row = self.row(parse_id(ident))
        return policy_from_json(self.policy_json(row["policy"]))

    def policy_json(self, digest: str) -> str:
        found = self.db.execute("SELECT json FROM policies WHERE hash = ?", [digest]).fetchone()
        if found is None:
            raise StoreError(f"policy {digest} is missing from {self.path}")
        return found[0]

    def identity(self) -> str:
        return identity(self.db)

    def last_event_id(self, number: int) -> int:
        """The newest event id of one escalation (0 for none): a cheap "has anything changed since?"."""
        return self.db.execute("SELECT coalesce(max(id), 0) FROM events WHERE escalation_id = ?", [number]).fetchone()[0]

    def model_calls(self, number: int) -> list[dict]:
        return list(self.db.query("SELECT * FROM model_calls WHERE escalation_id = ? ORDER BY id", [number]))

    def backup(self, path: str | Path) -> Path:
        """A consistent copy of the live database through SQLite's online backup API (other processes may
        keep writing), readable by its owner only. Written beside the target and renamed into place."""
        target = Path(path)
        if target.exists() and target.resolve() == self.path.resolve():
            raise StoreError(f"{target} is the database itself: back it up to another file")
        if not target.parent.is_dir():
            raise StoreError(f"cannot write the backup: no directory {target.parent}")
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        try:
            os.close(os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o600))
            os.chmod(partial, 0o600)
            copy = sqlite3.connect(partial, isolation_level=None)
            try:
                self.db.conn.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
                (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
            finally:
                copy.close()
            if verdict != "ok":
                raise StoreError(f"the backup failed its integrity check: {verdict}")
            os.replace(partial, target)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot back up {self.path} to {target}: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"cannot write the backup {target}: {exc.strerror}") from exc
        finally:
            if partial.exists():
                partial.unlink()
        return target
