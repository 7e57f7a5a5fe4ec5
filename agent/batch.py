"""Batch triage of a helpdesk export: every row judged like `escalate triage` and stored with its
triage, SLA plan and acknowledgment draft.

Rows go in chunks of CHUNK. A chunk is judged and its acknowledgments composed (agent.triage.judge:
the same decide → SLA plan → routing as a single triage; on the offline engine by one worker process
per core, forked from this process once it has read the model, so they share it (see
`_lay_out_for_workers`); on the anthropic engine through one message batch per chunk)
and then written by this process in one transaction (Store.create_triaged_many), similar-escalation
lookup included. The workers judge the next chunk while this process writes the last one. A row
already stored (same external id) is skipped before it is judged, so a rerun adds nothing; a bad row
is refused with its line and the rest go on (strict: stop at the first). An interrupt (Ctrl-C) lets
the chunk being written finish or roll back whole, then stops: what was stored stays, and the same
command resumes.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterable, Iterator

from . import drafting, intake, similar, triage
from .errors import UsageError
from .intake import Intake, Refused
from .policy import Policy
from .progress import Progress
from .store import Store, TriagedRow, format_id

CHUNK = 200
POOL_MIN = 64  # fewer fresh rows in a chunk than this are judged in-process (unless workers are asked for)
ACTOR = "batch"


@dataclass
class Options:
    preset: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    fmt: str | None = None
    encoding: str = "utf-8"
    tier: str = "standard"  # for rows without a tier column
    timezone: str | None = None
    strict: bool = False
    workers: int | None = None  # offline judging processes (default: one per core)
    chunk: int | None = None  # rows judged and written together (default CHUNK)
    batch_options: dict = field(default_factory=dict)  # for the engine's triage_batch (poll_seconds, max_wait)


@dataclass
class Summary:
    file: str
    engine: str
    read: int = 0
    stored: int = 0
    skipped: int = 0
    refused: list[Refused] = field(default_factory=list)
    by_severity: Counter = field(default_factory=Counter)
    by_type: Counter = field(default_factory=Counter)
    # SEV-1/2 stored now, with their deadlines: a tuple each (URGENT's fields, times as datetimes), not a dict,
    # since most rows of a complaint export can be urgent and the list lives as long as the run
    urgent: list[tuple] = field(default_factory=list)
    fallbacks: list[dict] = field(default_factory=list)  # rows the offline engine judged instead (and why)
    seconds: float = 0.0
    interrupted: bool = False
    stopped_at: str | None = None  # --strict: the refusal that stopped the run
    escalations: int = 0  # in the database afterwards
    bytes_per_escalation: float | None = None  # the database file's pages / escalations

    def as_dict(self) -> dict:
        return {
            "file": self.file, "engine": self.engine, "read": self.read, "stored": self.stored,
            "already_present": self.skipped, "refused": [{"line": r.line, "id": r.external_id, "reason": r.reason}
                                                         for r in self.refused],
            "by_severity": dict(sorted(self.by_severity.items())), "by_type": dict(sorted(self.by_type.items())),
            "urgent": sorted(map(_urgent_entry, self.urgent), key=_urgent_order), "fallbacks": self.fallbacks,
            "seconds": round(self.seconds, 3), "interrupted": self.interrupted, "stopped_at": self.stopped_at,
            "database": {"escalations": self.escalations, "bytes_per_escalation": self.bytes_per_escalation},
        }


URGENT = ("id", "external_id", "customer", "severity", "type", "summary", "first_response_due", "resolution_due", "timezone")


def _urgent_entry(u: tuple) -> dict:
    number, *rest = u
    entry = dict(zip(URGENT, (format_id(number), *rest)))
    entry["first_response_due"], entry["resolution_due"] = u[6].isoformat(), u[7].isoformat()
    return entry


def _urgent_order(u: dict):
    return (u["severity"], u["first_response_due"], u["id"])


# -- judging ------------------------------------------------------------------------------------

_WORKER: dict = {}
_FORKED: dict = {}  # what workers forked from this process find read: {"model": the store's model, laid out}


def _worker_init(policy_json: str, store_path: str | None, templates: str | None = None) -> None:
    """Once per worker process: the policy, the store's offline model (triage.offline_model_for: the
    team model if trained, else the shipped one; read once, never per row: by the writer before it
    forked this process, else here), the engine, and the
    team's templates folder in force in the writer (the policy's JSON leaves it out)."""
    import signal

    from .engines.offline import OfflineEngine
    from .policy import policy_from_json
    from .prompts import use_templates

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle
    # Forked from the writer, a worker inherits the command's SIGTERM handler (raise KeyboardInterrupt, agent/faces/cli.py):
    # the pool's terminate would then interrupt it inside a shared queue lock and leave it hung. It just ends.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    use_templates(templates)
    policy = policy_from_json(policy_json)
    if "model" in _FORKED:  # forked from the writer, which read it
        model = _FORKED["model"]
    else:
        model = triage.offline_model_for(_PathOnly(store_path) if store_path else None)
    if model is not None:
        model.expect_many(release=True)  # this process only reads: the heads' own dicts go once the columns are built
    _WORKER.update(policy=policy, engine=OfflineEngine(policy, model=model), model=model)


def _lay_out_for_workers(store: Store) -> None:
    """In this process, just before it forks the workers: the store's model read (a copy for the batch
    alone: its heads are released) and laid out as columns, one row judged (what a first row loads:
    modules imported on first use, compiled templates, pattern caches), then every object collected and
    frozen (gc.freeze: a collection, here or in a worker, never writes their pages; `_Judge.close`
    unfreezes them) and the C heap's free pages handed back. Each worker then shares all of it
    copy-on-write and writes into those pages only the reference counts of what it reads."""
    import gc

    model = triage.offline_model_for(store, own_copy=True)
    if model is not None:
        model.expect_many(release=True)
    try:
        _warm_up(model)
    except Exception:  # noqa: BLE001 (an optimisation only: a worker loads what it needs itself)
        pass
    _FORKED["model"] = model
    gc.collect()
    _trim_heap()
    gc.freeze()


def _let_go() -> None:
    """Once the workers are gone: the batch's copy of the model let go and this process's objects
    unfrozen (collected as usual again)."""
    import gc

    if _FORKED:
        _FORKED.clear()
        gc.unfreeze()


def _forks_safely() -> bool:
    """Whether the workers can be forked from this process: on Linux (elsewhere fork is unsafe with
    the system's libraries) and with no other thread running (a lock one held would stay held in the
    child; a web or MCP server's threads mean spawn). The open SQLite connection is no reason not to:
    a worker never uses it, and after gc.freeze and with os._exit at its end it never closes it."""
    import sys
    import threading

    return sys.platform.startswith("linux") and threading.active_count() == 1


WARM_UP = ("Since this morning none of our 40 users can log in to the billing portal (error 500) and invoices "
           "are not going out. We were charged twice last month and our lawyer asked about the contract. "
           "Please call me back today, this is urgent.")


def _warm_up(model) -> None:
    """One row judged and its acknowledgment composed (default policy, bundled templates), for what a
    first row builds and keeps (modules imported on first use, compiled templates, pattern caches):
    built here once, it is shared by every worker. Every cache it fills is keyed by its inputs, so no
    later row is judged differently."""
    from .engines.offline import OfflineEngine
    from .policy import default_policy

    policy = default_policy()
    row = Intake(0, "warm-up", "Warm-up Ltd", WARM_UP)
    outcome = judge_row(row, engine=OfflineEngine(policy, model=model), policy=policy, tier="standard", tz=None,
                        requested="offline", offline_model=model)
    _with_draft(outcome, policy, 1)


def _trim_heap() -> None:
    """glibc's malloc_trim(0): the free pages inside the C heap go back to the system (loading the model
    leaves tens of MB of them); nothing elsewhere."""
    import ctypes

    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _worker_judge(args: tuple[Intake, str, str | None, str, int]):
    row, tier, tz, requested, number = args
    return _with_draft(judge_row(row, engine=_WORKER["engine"], policy=_WORKER["policy"], tier=tier, tz=tz,
                                 requested=requested, offline_model=_WORKER["model"]), _WORKER["policy"], number)


def _with_draft(outcome, policy: Policy, number: int):
    """A judged row with its acknowledgment composed for the number it is planned to get."""
    if isinstance(outcome, Judged):
        outcome.number, outcome.draft = number, _compose(outcome.judged, policy, number)
    return outcome


def judge_row(row: Intake, *, engine, policy: Policy, tier: str, tz: str | None, requested: str, offline_model=None):
    """One row → a Judged (ready to write) or a Refused; the checks and judgement of a single triage,
    its acknowledgment composed (for a provisional number, see `_acknowledgment`) and its terms read."""
    try:
        judged = triage.judge(text=row.complaint, customer=row.customer, tier=row.tier or tier, contact=row.contact,
                              owner=row.owner, timezone=row.timezone or tz, at=row.opened_at, engine=engine,
                              policy=policy, offline_model=offline_model)
    except UsageError as exc:
        return Refused(row.line, row.external_id, str(exc))
    return Judged(row, judged, requested, "\n".join(sorted(similar.terms(judged.text))))


@dataclass
class Judged:
    row: Intake
    judged: "triage.Judged"
    requested: str
    # The complaint's distinctive terms (similar.terms), one a line: a tenth of the memory of a set of
    # strings (about 0.7 KB a row, not 7), and the writer holds two chunks of these.
    terms: str
    number: int | None = None  # the escalation number it is planned to get (its draft names it)
    draft: "drafting.Composed | None" = None

    def term_set(self) -> frozenset[str]:
        return frozenset(self.terms.split("\n")) if self.terms else frozenset()


@dataclass
class _PathOnly:
    """What triage.offline_model_for reads of a store (its path), in a worker that opens no connection."""

    path: str


class _Judge:
    """Judges chunks: a process pool for the offline engine, a message batch for Claude, else in-process."""

    def __init__(self, engine, policy: Policy, workers: int | None, progress: Progress, batch_options: dict,
                 store: Store):
        self.engine, self.policy, self.progress, self.batch_options = engine, policy, progress, batch_options
        self.store, self.pool, self.model, self._loaded = store, None, None, False
        self.count = workers if workers is not None else (os.cpu_count() or 1)
        # By default a chunk this small is judged here: starting workers (each reading the model) costs more.
        self.pool_min = 1 if workers is not None else POOL_MIN

    def _here(self):
        """The engine for judging in this process (and a message batch's fallback): the model read once."""
        if not self._loaded:
            self.model, self._loaded = triage.offline_model_for(self.store), True
            if self.engine.name == "offline":
                from .engines.offline import OfflineEngine

                self.engine = OfflineEngine(self.policy, model=self.model)
        return self.engine

    def _pool(self, rows: int):
        if self.pool is None and self.engine.name == "offline" and self.count > 1 and rows >= self.pool_min:
            import multiprocessing as mp

            from .prompts import team_templates

            # Forked from here, the workers share this process's modules and model instead of each
            # reading its own (spawned, they do).
            method = "fork" if _forks_safely() else "spawn"
            context = mp.get_context(method)
            if method == "fork":
                _lay_out_for_workers(self.store)
            try:
                self.pool = context.Pool(
                    self.count, initializer=_worker_init,
                    initargs=(self.policy.model_dump_json(), str(self.store.path), team_templates()))
            except BaseException:
                _let_go()
                raise
        return self.pool

    def submit(self, rows: list[Intake], tier: str, tz: str | None, base: int):
        """Start judging a chunk, each row's acknowledgment composed for the number it is planned to get
        (base, base + 1, … in order); `.get()` gives the outcomes. The worker processes judge it while
        this process writes the chunk before it."""
        requested = self.engine.name
        if self._pool(len(rows)) is not None:
            return self.pool.map_async(_worker_judge, [(r, tier, tz, requested, base + k) for k, r in enumerate(rows)],
                                       chunksize=16)
        engine = self._here()
        if hasattr(engine, "triage_batch") and len(rows) > 1:
            outcomes = self._batched(rows, tier, tz)
            return _Done([_with_draft(o, self.policy, base + k) for k, o in enumerate(outcomes)])
        # Each row's acknowledgment composed right after its judgement, as a worker does: the draft reads the
        # signals its triage has just read (signals.Signals.read keeps the last), not the chunk's last row's.
        return _Done([_with_draft(judge_row(r, engine=engine, policy=self.policy, tier=tier, tz=tz, requested=requested,
                                            offline_model=self.model), self.policy, base + k) for k, r in enumerate(rows)])

    def _batched(self, rows: list[Intake], tier: str, tz: str | None) -> list:
        """One message batch for the chunk's valid rows; each answer goes through decide as if the engine
        had given it (engines.Answered), so fallback and rules are those of a single triage."""
        from .engines import Answered, TriageRequest

        checked, requests = [], []
        for r in rows:
            try:
                request = triage.request_for(text=r.complaint, customer=r.customer, tier=r.tier or tier,
                                             contact=r.contact, policy=self.policy, owner=r.owner)
            except UsageError as exc:
                checked.append(Refused(r.line, r.external_id, str(exc)))
                continue
            checked.append(r)
            requests.append(request)
        started = time.monotonic()

        counts = {"done": None}

        def polled(batch) -> None:  # the batch's own request counts, as the API reports them
            c = getattr(batch, "request_counts", None)
            if c is not None:
                counts["done"] = sum(getattr(c, k, 0) or 0 for k in ("succeeded", "errored", "canceled", "expired"))

        def waiting(seconds: float) -> None:
            done = f"{counts['done']}/{len(requests)} answered, " if counts["done"] is not None else ""
            self.progress.note(f"message batch: {done}waiting {int(time.monotonic() - started)} s")
            time.sleep(seconds)

        outcomes = iter(self.engine.triage_batch(requests, sleep=waiting, on_poll=polled, **self.batch_options)
                        if requests else [])
        self.progress.note("")
        out = []
        for r in checked:
            if isinstance(r, Refused):
                out.append(r)
                continue
            out.append(judge_row(r, engine=Answered(self.engine, next(outcomes)), policy=self.policy, tier=tier,
                                 tz=tz, requested=self.engine.name, offline_model=self.model))
        return out

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            _let_go()


@dataclass
class _Done:
    """Outcomes judged in this process, in the shape of a pool's pending result."""

    outcomes: list

    def get(self) -> list:
        return self.outcomes


# -- the run ------------------------------------------------------------------------------------


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def count_rows(path: str, options: Options) -> int | None:
    """Lines (JSONL) or records (CSV) in the file, for the bar's total; None when unknown."""
    try:  # read as it goes, never held whole
        n = sum(1 for line in intake.lines(Path(path), intake.codec_for(options.encoding)) if line.strip())
    except (OSError, UnicodeDecodeError, LookupError):
        return None
    return max(0, n - (0 if path.lower().endswith((".jsonl", ".ndjson", ".json")) else 1))


def run(store: Store, path: str, *, engine, policy: Policy, options: Options | None = None,
        progress: Progress | None = None) -> Summary:
    from . import regex_cache

    regex_cache.release()  # the modules are imported: the file's 3 MB of compiled patterns are not needed
    options = options or Options()
    progress = progress or Progress.silent()
    triage.parse_tier(options.tier)
    zone = options.timezone or policy.timezone
    summary = Summary(file=str(path), engine=engine.name)
    started = time.perf_counter()
    rows = intake.rows(path, fmt=options.fmt, preset=options.preset, mapping=options.mapping,
                       encoding=options.encoding, default_zone=zone)
    seen: set[str] = set()
    cache = similar.TermCache()
    judge = None
    stop = _StopAfterChunk()
    judging = None  # (outcomes to come, the first number) of the chunk the workers judge now
    try:
        for chunk in _chunks(rows, options.chunk or CHUNK):
            if stop.asked or summary.stopped_at:
                break
            fresh, refused = [], []
            for item in chunk:
                if isinstance(item, Refused):
                    refused.append(item)
                elif item.external_id in seen:
                    refused.append(Refused(item.line, item.external_id, "the id appears earlier in the file"))
                else:
                    seen.add(item.external_id)
                    fresh.append(item)
                if options.strict and refused:  # --strict: the rows before the first refusal go on, then it stops
                    break
            strict_stop = refused[0] if options.strict and refused else None
            summary.read += len(fresh) + len(refused)
            if not strict_stop:  # a --strict refusal counts once it is the one the run stops at (_stop_at)
                summary.refused += refused
            present = _present(store, [r.external_id for r in fresh])
            summary.skipped += sum(1 for r in fresh if r.external_id in present)
            progress.advance(len(refused) + sum(1 for r in fresh if r.external_id in present))
            fresh = [r for r in fresh if r.external_id not in present]
            if not fresh:
                if strict_stop:
                    _stop_at(strict_stop, judging, store, policy, summary, cache, progress, options.strict)
                    judging = None
                    break
                continue
            judge = judge or _Judge(engine, policy, options.workers, progress, options.batch_options, store)
            # The chunk before is judged; while this process writes it, the workers judge this one, each row's
            # draft naming the number it will get once the chunk before is stored.
            collected = _collect(judging, summary, options.strict) if judging else None
            if summary.stopped_at:
                _write(store, collected, policy, summary, cache, progress)
                judging = None
                break
            base = judging[1] + len(collected[0]) if judging else _next_number(store)
            submitted = (judge.submit(fresh, options.tier, options.timezone, base), base)
            if judging:
                _write(store, collected, policy, summary, cache, progress)
            judging = submitted
            if strict_stop:
                _stop_at(strict_stop, judging, store, policy, summary, cache, progress, options.strict)
                judging = None
                break
        if judging and not summary.stopped_at and not stop.asked:  # a Ctrl-C leaves the next chunk unwritten
            _write(store, _collect(judging, summary, options.strict), policy, summary, cache, progress)
        if stop.asked:
            summary.interrupted = True
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        stop.restore()
        if judge is not None:
            judge.close()
        summary.seconds = time.perf_counter() - started
    summary.escalations, summary.bytes_per_escalation = footprint(store)
    return summary


def _stop_at(refusal: Refused, judging, store: Store, policy: Policy, summary: Summary, cache, progress, strict: bool) -> None:
    """--strict at a refused row: the rows before it written (a row that fails when judged, earlier, stops first)."""
    if judging:
        _write(store, _collect(judging, summary, strict), policy, summary, cache, progress)
    if not summary.stopped_at:
        summary.refused.append(refusal)
        summary.stopped_at = refusal.describe()


def _next_number(store: Store) -> int:
    return (store.db.execute("SELECT max(id) FROM escalations").fetchone()[0] or 0) + 1


def _collect(judging, summary: Summary, strict: bool) -> tuple[list[Judged], int]:
    """A judged chunk's rows ready to write and how many rows it had; its refused rows counted, --strict
    keeping only those before the first."""
    outcomes = judging[0].get()
    ready = [o for o in outcomes if not isinstance(o, Refused)]
    summary.refused += [o for o in outcomes if isinstance(o, Refused)]
    if strict and len(ready) < len(outcomes):
        bad = next(o for o in outcomes if isinstance(o, Refused))
        summary.stopped_at = bad.describe()
        ready = [o for o in ready if o.row.line < bad.line]
    return ready, len(outcomes)


def footprint(store: Store) -> tuple[int, float | None]:
    """Escalations stored and the database's bytes per escalation (allocated pages, free ones excluded)."""
    (n,) = store.db.execute("SELECT count(*) FROM escalations").fetchone()
    pages = store.db.execute("PRAGMA page_count").fetchone()[0] - store.db.execute("PRAGMA freelist_count").fetchone()[0]
    size = store.db.execute("PRAGMA page_size").fetchone()[0]
    return n, (round(pages * size / n) if n else None)


class _StopAfterChunk:
    """The first Ctrl-C asks the run to stop once the chunk in hand is written; a second one stops at
    once (the chunk being written then rolls back whole)."""

    def __init__(self):
        import signal
        import threading

        self.asked = False
        self._installed = threading.current_thread() is threading.main_thread()
        if self._installed:
            self._previous = signal.signal(signal.SIGINT, self._handle)

    def _handle(self, signum, frame):
        if self.asked:
            raise KeyboardInterrupt
        self.asked = True

    def restore(self) -> None:
        import signal

        if self._installed:
            signal.signal(signal.SIGINT, self._previous if self._previous is not None else signal.default_int_handler)
            self._installed = False


def _present(store: Store, ids: list[str]) -> set[str]:
    out = set()
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        out |= {r[0] for r in store.db.execute(
            f"SELECT external_id FROM escalations WHERE external_id IN ({','.join('?' * len(part))})", part)}
    return out


def _write(store: Store, collected: tuple[list[Judged], int], policy: Policy, summary: Summary,
           cache: similar.TermCache, progress: Progress) -> None:
    """One judged chunk in one transaction, then the bar moves by its rows (and the C heap's free pages,
    the chunk's, go back to the system)."""
    ready, judged = collected
    if ready:
        _store(store, ready, policy, summary, cache)
    progress.advance(judged)
    _trim_heap()


def _store(store: Store, ready: list[Judged], policy: Policy, summary: Summary, cache: similar.TermCache) -> None:
    items = []
    for j in ready:
        d = j.judged
        items.append(TriagedRow(
            external_id=j.row.external_id, customer=d.customer, tier=d.tier.value, contact=d.contact,
            complaint=d.text, opened_at=d.opened_at, timezone_name=d.timezone, requested_engine=j.requested,
            actor=ACTOR, triage=d.triage, sla=d.sla, engine=d.info, owner=d.owner, calls=d.calls,
            draft=_acknowledgment(j, policy, cache)))
    by_item = {id(item): j for item, j in zip(items, ready)}

    def matches(db, item: TriagedRow) -> list[dict]:
        return [m.as_dict() for m in similar.find(db, number=0, complaint=item.complaint, customer=item.customer,
                                                   opened_at=item.opened_at, mine=by_item[id(item)].term_set(), cache=cache)]

    numbers = store.create_triaged_many(items, policy=policy.model_dump(mode="json"), similar=matches)
    for j, number in zip(ready, numbers):
        if number is None:
            summary.skipped += 1
            continue
        d = j.judged
        summary.stored += 1
        summary.by_severity[d.triage.severity.value] += 1
        summary.by_type[d.triage.type.value] += 1
        if d.triage.severity.rank <= 2:
            summary.urgent.append((number, j.row.external_id, d.customer, d.triage.severity.value, d.triage.type.value,
                                   d.triage.summary, d.sla.first_response_due, d.sla.resolution_due, d.timezone))
        if d.info.fallback_reason:
            summary.fallbacks.append({"line": j.row.line, "id": j.row.external_id, "escalation": format_id(number),
                                      "reason": d.info.fallback_reason})


def _compose(d: "triage.Judged", policy: Policy, number: int) -> "drafting.Composed":
    """The acknowledgment a single triage saves: drafting.compose over the record as it will be stored."""
    return drafting.compose(d.escalation(number), policy, "acknowledgment", audience="customer",
                            moment=d.opened_at, row=d.board_row(number, policy))


def _acknowledgment(j: Judged, policy: Policy, cache: similar.TermCache):
    """The draft's row once the escalation has its number: the one composed for it, or composed again
    here when the number differs from the planned one (another process wrote in between)."""

    def make(number: int) -> dict:
        cache.remember(number, j.term_set())
        made = j.draft if j.number == number and j.draft is not None else _compose(j.judged, policy, number)
        return {"draft": made.draft, "prompt": made.prompt,
                "findings": [f.model_dump(mode="json") for f in made.findings], "passed": made.passed,
                "audience": "customer", "actor": ACTOR, "at": j.judged.opened_at, "calls": made.calls,
                "fallback_reason": made.fallback_reason, "promises": made.promises}

    return make
