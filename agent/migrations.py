"""Schema migrations: small functions applied in order, each once, when the store opens."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime, timezone
from typing import Callable

import sqlite_utils

MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = []


def migration(fn: Callable[[sqlite_utils.Database], None]):
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_escalations_events_calls(db: sqlite_utils.Database) -> None:
    db["escalations"].create(
        {
            "id": int,
            "customer": str,
            "tier": str,
            "contact": str,
            "owner": str,
            "status": str,
            "severity": str,
            "type": str,
            "summary": str,
            "complaint": str,
            "timezone": str,
            "opened_at": str,
            "updated_at": str,
            "triage": str,
            "sla": str,
            "policy": str,
            "engine": str,
            "engine_model": str,
            "requested_engine": str,
            "fallback_reason": str,
        },
        pk="id",
        not_null={"customer", "tier", "status", "complaint", "opened_at"},
    )
    db["escalations"].create_index(["status"])
    db["escalations"].create_index(["customer"])
    db["escalations"].enable_fts(["complaint", "summary"], create_triggers=True)
    db["events"].create(
        {"id": int, "escalation_id": int, "at": str, "recorded_at": str, "actor": str, "kind": str, "data": str},
        pk="id",
        foreign_keys=[("escalation_id", "escalations", "id")],
        not_null={"escalation_id", "at", "kind"},
    )
    db["events"].create_index(["escalation_id", "at"])
    db["model_calls"].create(
        {
            "id": int,
            "escalation_id": int,
            "at": str,
            "prompt_name": str,
            "prompt_hash": str,
            "schema_hash": str,
            "model": str,
            "input_tokens": int,
            "output_tokens": int,
            "cache_read_input_tokens": int,
            "cache_creation_input_tokens": int,
            "latency_ms": float,
            "stop_reason": str,
            "raw": str,
            "error": str,
        },
        pk="id",
        foreign_keys=[("escalation_id", "escalations", "id")],
    )
    db["model_calls"].create_index(["escalation_id"])
    db["drafts"].create(
        {
            "id": int,
            "escalation_id": int,
            "kind": str,
            "subject": str,
            "body": str,
            "engine": str,
            "prompt_hash": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("escalation_id", "escalations", "id")],
    )
    db["drafts"].create_index(["escalation_id", "kind"])


@migration
def m002_eval_runs(db: sqlite_utils.Database) -> None:
    db["eval_runs"].create(
        {
            "id": int,
            "at": str,
            "suite": str,
            "engine": str,
            "model": str,
            "prompt_hashes": str,
            "n": int,
            "metrics": str,
            "input_tokens": int,
            "output_tokens": int,
            "cost_usd": float,
            "seconds": float,
        },
        pk="id",
    )
    db["eval_runs"].create_index(["suite", "engine", "id"])


@migration
def m003_draft_lint(db: sqlite_utils.Database) -> None:
    drafts = db["drafts"]
    drafts.add_column("audience", str)
    drafts.add_column("findings", str)
    drafts.add_column("passed", int)
    drafts.add_column("fallback_reason", str)


@migration
def m004_metrics(db: sqlite_utils.Database) -> None:
    db["clock_projection"].create(
        {
            "escalation_id": int,
            "projected_at": str,
            "first_response_due": str,
            "first_response_met_at": str,
            "first_response_minutes": float,
            "first_response_target": int,
            "resolution_due": str,
            "resolution_met_at": str,
            "resolution_minutes": float,
            "resolution_target": int,
            "update_due": str,
            "updates_sent": int,  # closed update intervals judged
            "updates_missed": int,
            "csat": float,
            "outcome": str,
            "confirmed_at": str,
            "is_repeat": int,
        },
        pk="escalation_id",
        foreign_keys=[("escalation_id", "escalations", "id")],
    )
    db["tickets"].create({"period": str, "count": int, "recorded_at": str}, pk="period")
    db["escalations"].add_column("external_id", str)
    db["escalations"].create_index(["external_id"], unique=True)
    db["escalations"].create_index(["opened_at"])
    db.execute(
        """CREATE VIEW IF NOT EXISTS escalation_metrics AS
        SELECT e.id, e.customer, e.tier, e.owner, e.severity, e.type, e.status, e.opened_at,
               substr(e.opened_at, 1, 7) AS month,
               p.first_response_minutes, p.first_response_target,
               p.first_response_met_at IS NOT NULL AND p.first_response_met_at <= p.first_response_due AS first_response_met,
               p.resolution_minutes, p.resolution_target,
               p.resolution_met_at IS NOT NULL AND p.resolution_met_at <= p.resolution_due AS resolution_met,
               p.updates_sent, p.updates_missed, p.csat, p.outcome, p.is_repeat
        FROM escalations e JOIN clock_projection p ON p.escalation_id = e.id"""
    )
    db.execute(
        """CREATE VIEW IF NOT EXISTS monthly_sla AS
        SELECT month, severity, count(*) AS escalations,
               avg(first_response_met) AS first_response_met_share,
               avg(CASE WHEN resolution_minutes IS NOT NULL THEN resolution_met END) AS resolution_met_share,
               avg(resolution_minutes) AS mean_resolution_minutes, avg(csat) AS mean_csat
        FROM escalation_metrics GROUP BY month, severity"""
    )


@migration
def m005_status_reports(db: sqlite_utils.Database) -> None:
    db["status_reports"].create({"id": int, "generated_at": str, "open": int, "breached": int}, pk="id")


@migration
def m006_events_kind_index(db: sqlite_utils.Database) -> None:
    """Prevention actions, RCAs and commitments are read across escalations by event kind."""
    db["events"].create_index(["kind", "escalation_id"], if_not_exists=True)


def policy_hash(policy_json: str) -> str:
    import hashlib

    return hashlib.sha256(policy_json.encode()).hexdigest()[:16]


@migration
def m007_policies_table(db: sqlite_utils.Database) -> None:
    """Each distinct policy is stored once; escalations.policy holds its hash (a policy is ~3 KB)."""
    db["policies"].create({"hash": str, "json": str}, pk="hash")
    for (text,) in db.execute("SELECT DISTINCT policy FROM escalations WHERE policy IS NOT NULL").fetchall():
        digest = policy_hash(text)
        db.execute("INSERT OR IGNORE INTO policies (hash, json) VALUES (?, ?)", [digest, text])
        db.execute("UPDATE escalations SET policy = ? WHERE policy = ?", [digest, text])


@migration
def m008_similar_lookup(db: sqlite_utils.Database) -> None:
    """Document frequencies for choosing rare search terms, and a case-blind customer index."""
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS escalations_fts_vocab USING fts5vocab(escalations_fts, 'row')")
    db.execute("CREATE INDEX IF NOT EXISTS idx_escalations_customer_nocase ON escalations (customer COLLATE NOCASE)")


@migration
def m009_projection_dimensions(db: sqlite_utils.Database) -> None:
    """Metrics read only the narrow projection: it carries the grouping dimensions, and its times are
    UTC so SQL and Python compare them as text. Existing rows are recomputed on the next read."""
    for column in ("severity", "type", "customer", "owner", "tier", "month", "opened_at"):
        db["clock_projection"].add_column(column, str)
    db.execute("DELETE FROM clock_projection")
    db["clock_projection"].create_index(["opened_at"])


@migration
def m010_projection_judged(db: sqlite_utils.Database) -> None:
    """The projection records whether the clocks are paused, the severity each time was judged
    under, and when the CSAT and outcome were given (so `metrics --now` can leave later ones out).
    Existing rows are recomputed on the next read."""
    columns = {"paused": int, "first_response_severity": str, "resolution_severity": str, "csat_at": str,
               "outcome_at": str}
    existing = db["clock_projection"].columns_dict
    for column, kind in columns.items():
        if column not in existing:
            db["clock_projection"].add_column(column, kind)
    db.execute("DELETE FROM clock_projection")


def apply(db: sqlite_utils.Database) -> list[str]:
    """Apply pending migrations inside one immediate transaction; safe when processes race. When none is
    pending (read without a lock), nothing is locked: a read-only command does not wait on a writer."""
    conn = db.conn
    try:
        done = {row[0] for row in conn.execute("SELECT name FROM _migrations")}
    except sqlite3.OperationalError:  # a new file: no table yet
        done = set()
    if all(fn.__name__ in done for fn in MIGRATIONS):
        return []
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
        done = {row[0] for row in conn.execute("SELECT name FROM _migrations")}
        applied = []
        for fn in MIGRATIONS:
            if fn.__name__ in done:
                continue
            fn(db)
            conn.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                (fn.__name__, datetime.now(timezone.utc).isoformat()),
            )
            applied.append(fn.__name__)
        conn.execute("COMMIT")
        return applied
    except BaseException:
        conn.execute("ROLLBACK")
        raise


@migration
def m040_model_call_mode(db: sqlite_utils.Database) -> None:
    """Which output mode a model call used: structured (output_config.format), tool (an unforced
    tool definition) or text (JSON in the answer's text), for servers without structured outputs."""
    if "mode" not in db["model_calls"].columns_dict:
        db["model_calls"].add_column("mode", str)


@migration
def m050_web_users_sessions(db: sqlite_utils.Database) -> None:
    """Team mode of `escalate serve`: users with a role and a password hash (argon2), and login
    sessions kept by the hash of their token (a stolen database holds no usable cookie)."""
    db["users"].create({"name": str, "role": str, "password_hash": str, "created_at": str}, pk="name",
                       if_not_exists=True)
    db["web_sessions"].create({"token_hash": str, "user": str, "created_at": str, "expires_at": str},
                              pk="token_hash", foreign_keys=[("user", "users", "name")], if_not_exists=True)


@migration
def m080_notifications(db: sqlite_utils.Database) -> None:
    """One row per notification key (escalation, deadline, rung, recipient): claimed before it is sent,
    so each is sent once even when two notifiers run at the same time. The event log keeps the story."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS notifications (key TEXT PRIMARY KEY, escalation_id INTEGER NOT NULL, "
        "delivery TEXT NOT NULL, status TEXT NOT NULL, claimed_at TEXT NOT NULL, at TEXT)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS idx_notifications_escalation ON notifications (escalation_id)")


@migration
def m081_notify_state(db: sqlite_utils.Database) -> None:
    """Per open escalation, until when the notifier may skip it (`quiet_until`; NULL: until a new event),
    and the last pass as a whole: the newest event id then, so the next pass evaluates only escalations
    with newer events or whose quiet moment has come (the index finds them), unless the ladder changed."""
    db.execute("CREATE TABLE IF NOT EXISTS notify_state (escalation_id INTEGER PRIMARY KEY, computed_at TEXT NOT NULL, "
               "quiet_until TEXT)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_notify_state_quiet ON notify_state (quiet_until)")
    db.execute("CREATE TABLE IF NOT EXISTS notify_pass (id INTEGER PRIMARY KEY CHECK (id = 1), last_event INTEGER NOT NULL, "
               "computed_at TEXT NOT NULL, ladder TEXT NOT NULL)")


@migration
def m070_events_append_only(db: sqlite_utils.Database) -> None:
    """The event log is append-only in the database itself: an UPDATE or DELETE of an event is refused
    by SQLite, whatever program or person tries it."""
    for action in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER IF NOT EXISTS events_append_only_{action.lower()} BEFORE {action} ON events "
            "BEGIN SELECT RAISE(ABORT, 'the event log is append-only: record a new event instead'); END"
        )


@migration
def m060_similar_term_index(db: sqlite_utils.Database) -> None:
    """The similar-escalation term index: documents per distinctive term (agent/similar.py). Filled
    from the stored complaints on the first lookup after this migration, and before each lookup after."""
    db.execute("CREATE TABLE IF NOT EXISTS similar_df (term TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID")
    db.execute("CREATE TABLE IF NOT EXISTS similar_indexed (upto INTEGER NOT NULL)")
    db.execute("INSERT INTO similar_indexed (upto) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM similar_indexed)")


@migration
def m061_lean_full_text_index(db: sqlite_utils.Database) -> None:
    """The full-text index keeps which complaints hold a term, not where (detail=none): the similar
    lookup asks for single terms, newest first, and ranks by its own term overlap. Its update trigger
    fires only when the complaint or summary changes, not on every status change."""
    db.execute("DROP TABLE IF EXISTS escalations_fts")
    db.execute('CREATE VIRTUAL TABLE escalations_fts USING fts5(complaint, summary, content="escalations", '
               "detail='none', columnsize=0)")
    db.execute("INSERT INTO escalations_fts (escalations_fts) VALUES ('rebuild')")
    db.execute("DROP TRIGGER IF EXISTS escalations_au")
    db.execute(
        "CREATE TRIGGER escalations_au AFTER UPDATE OF complaint, summary ON escalations BEGIN "
        "INSERT INTO escalations_fts (escalations_fts, rowid, complaint, summary) "
        "VALUES ('delete', old.rowid, old.complaint, old.summary); "
        "INSERT INTO escalations_fts (rowid, complaint, summary) VALUES (new.rowid, new.complaint, new.summary); END"
    )


@migration
def m063_packed_draft_bodies(db: sqlite_utils.Database) -> None:
    """Draft bodies are stored packed (agent/packing.py: DEFLATE with a dictionary of our wording)
    when that makes them smaller; the store unpacks them on read."""
    from .packing import pack

    rows = db.execute("SELECT id, body FROM drafts WHERE typeof(body) = 'text'").fetchall()
    for ident, body in rows:
        packed = pack(body)
        if packed is not body:
            db.execute("UPDATE drafts SET body = ? WHERE id = ?", [packed, ident])


@migration
def m064_packed_triage_and_plan(db: sqlite_utils.Database) -> None:
    """The severity judged at triage gets its own column (the clocks start from it); the triage and
    SLA plan JSON are then stored packed (agent/packing.py) and read through the store."""
    from .packing import RECORDS, pack

    if "triage_severity" not in db["escalations"].columns_dict:
        db["escalations"].add_column("triage_severity", str)
    db.execute("UPDATE escalations SET triage_severity = json_extract(triage, '$.severity') "
               "WHERE triage IS NOT NULL AND typeof(triage) = 'text'")
    rows = db.execute("SELECT id, triage, sla FROM escalations WHERE typeof(triage) = 'text' OR typeof(sla) = 'text'").fetchall()
    for ident, triage, plan in rows:
        db.execute("UPDATE escalations SET triage = ?, sla = ? WHERE id = ?",
                   [pack(triage, RECORDS) if isinstance(triage, str) else triage,
                    pack(plan, RECORDS) if isinstance(plan, str) else plan, ident])


@migration
def m051_board_next_due(db: sqlite_utils.Database) -> None:
    """The board's first page is a LIMIT over an index: each projected escalation's next due moment
    (its earliest unmet due time; '9999' when all are met; NULL once closed), indexed with the
    severity and id that break ties. Existing rows get it from their projected due times. The
    projection's staleness check and the board's counts read a small covering index of the triaged
    escalations' id, status and updated_at instead of their (large) rows."""
    if "next_due" not in db["clock_projection"].columns_dict:
        db["clock_projection"].add_column("next_due", str)
    db.execute(
        "UPDATE clock_projection SET next_due = CASE WHEN (SELECT status FROM escalations e WHERE e.id = escalation_id) "
        "= 'closed' THEN NULL ELSE min(coalesce(CASE WHEN first_response_met_at IS NULL THEN first_response_due END, '9999'), "
        "coalesce(update_due, '9999'), coalesce(CASE WHEN resolution_met_at IS NULL THEN resolution_due END, '9999')) END"
    )
    db.execute("CREATE INDEX IF NOT EXISTS idx_projection_next_due ON clock_projection (next_due, severity, escalation_id)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_escalations_triaged ON escalations (id, status, updated_at) "
               "WHERE triage IS NOT NULL")


@migration
def m052_board_index_covers_paused(db: sqlite_utils.Database) -> None:
    """The board reads only the projection: its index also holds whether the clocks are paused, so
    the counts and the next-30-minutes candidates never read a row."""
    db.execute("DROP INDEX IF EXISTS idx_projection_next_due")
    db.execute("CREATE INDEX IF NOT EXISTS idx_projection_board ON clock_projection "
               "(next_due, severity, escalation_id, paused)")


@migration
def m065_lean_indexes(db: sqlite_utils.Database) -> None:
    """An escalation's events are found by an index of escalation_id alone (rowid order, the order they
    were written): the readers sort them by time themselves, so the index no longer keeps a
    25-character copy of each event's time (~300 bytes per escalation with 12 events). The customer's
    case-sensitive index goes: every lookup by customer is COLLATE NOCASE (m008's index)."""
    db.execute("DROP INDEX IF EXISTS idx_events_escalation_id_at")
    db.execute("CREATE INDEX IF NOT EXISTS idx_events_escalation ON events (escalation_id)")
    db.execute("DROP INDEX IF EXISTS idx_escalations_customer")


@migration
def m090_database_identity(db: sqlite_utils.Database) -> None:
    """A random name for this database, made once: an exported escalation that this database opened
    (no external id) is named `ESC-n@<name>`, so re-importing the export here adds nothing and an
    export from another database never collides with this one's ESC-n (agent/transfer.py)."""
    db.execute("CREATE TABLE IF NOT EXISTS identity (id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL)")
    db.execute("INSERT OR IGNORE INTO identity (id, name) VALUES (1, ?)", [uuid.uuid4().hex[:12]])
