"""What each kind of event must hold for the readers of the log (clocks, board, drafts, reports, RCA).

One contract, used twice: `escalate import` refuses an event that breaks it (naming the line and the
field, nothing stored), and the readers skip an event that breaks it (one warning naming the
escalation and the event) instead of crashing, so one bad row written by an older version or by
hand can never take a whole database down. `escalate doctor` lists them.

A kind with no entry here holds nothing any reader indexes; its data must still be a JSON object.
"""

from __future__ import annotations

import math
import sys
from datetime import datetime
from typing import Any, Callable

from .schemas import Severity
from .schemas.rca import ACTION_STATUSES

LOG_KINDS = ("note", "action", "hypothesis", "workaround", "decision", "reply")  # reply: what the customer wrote back
OUTCOMES = ("retained", "churned", "at-risk")
EARLIEST_YEAR, LATEST_YEAR = 1990, 2200  # triage refuses openings before 1990; nothing plans past 2200

Check = Callable[[Any], str | None]  # a problem, or None when the value is usable


def text(value) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be non-empty text"


def optional_text(value) -> str | None:
    return None if value is None or isinstance(value, str) else "must be text"


def whole(value) -> str | None:
    return None if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**6 else "must be a whole number from 1"


def flag(value) -> str | None:
    return None if value is None or isinstance(value, bool) else "must be true or false"


def one_of(*choices: str) -> Check:
    return lambda value: None if value in choices else f"{value!r} is not one of {', '.join(choices)}"


def severity(value) -> str | None:
    return None if value in {s.value for s in Severity} else f"{value!r} is not a severity (SEV-1 to SEV-4)"


def optional_severity(value) -> str | None:
    return None if value is None else severity(value)


def moment(value) -> str | None:
    """An ISO 8601 time with an offset, within the years the clocks can plan."""
    if not isinstance(value, str):
        return "must be an ISO 8601 time"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return f"{value!r} is not an ISO 8601 time"
    if parsed.tzinfo is None:
        return f"{value!r} has no time zone offset"
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        return f"{value!r} is outside {EARLIEST_YEAR}-{LATEST_YEAR}"
    return None


def optional_moment(value) -> str | None:
    return None if value is None else moment(value)


def score(value) -> str | None:  # the check of `escalate csat`
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and 1 <= value <= 5
    return None if ok else f"CSAT {value!r} is outside 1–5"


def items(required: dict[str, Check]) -> Check:
    """A list of objects, each holding `required`."""

    def check(value) -> str | None:
        if not isinstance(value, list):
            return "must be a list"
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                return f"[{i}] must be an object"
            for key, inner in required.items():
                if (problem := inner(item.get(key))) is not None:
                    return f"[{i}].{key} {problem}"
        return None

    return check


def text_list(value) -> str | None:
    return None if isinstance(value, list) and all(isinstance(v, str) for v in value) else "must be a list of text"


MATCHES = items({"id": text, "reason": optional_text})

SHAPES: dict[str, dict[str, Check]] = {
    "severity_changed": {"to": severity, "from": optional_severity, "reason": optional_text},
    "log": {"kind": one_of(*LOG_KINDS), "text": text},
    "assigned": {"to": text},
    "update": {"note": optional_text},
    "pause": {"reason": optional_text},
    "resolved": {"summary": optional_text},
    "closed": {"forced": flag, "reason": optional_text},
    "csat": {"score": score, "comment": optional_text},
    "outcome": {"outcome": one_of(*OUTCOMES)},
    "correction": {"field": text},
    "similar_found": {"matches": MATCHES},
    "root_cause_recurs": {"matches": MATCHES},
    "commitment": {"n": whole, "what": text, "due": moment, "owner": optional_text},
    "commitment_done": {"n": whole, "note": optional_text},
    "warroom_opened": {"commander": text, "channel": text, "cadence": text, "checklist": text_list,
                       "roster": items({"role": text, "name": text})},
    "warroom_commander": {"to": text},
    "warroom_role": {"role": text, "name": text},
    "warroom_check": {"n": whole},
    "prevention_action": {"n": whole, "category": text, "action": text, "status": one_of(*ACTION_STATUSES)},
    "action_status": {"n": whole, "to": one_of(*ACTION_STATUSES)},
    "rca_answer": {"key": text},
    "rca_question": {"level": whole, "question": text},
    "rca_why": {"level": whole, "question": text, "answer": text, "accepted": flag, "blame": flag},
    "rca_root_cause_proposed": {"level": whole, "text": text},
    "rca_root_cause_rejected": {},
    "rca_root_cause": {"level": whole, "text": text},
    "rca_timeline_correction": {"text": text, "at": optional_moment},
    # (optional: a status-page postmortem imported before 2026-12 was recorded with its source alone)
    "rca_completed": {"root_cause": optional_text},
}


def problem(kind: Any, data: Any) -> str | None:
    """Why an event of `kind` with `data` cannot be used (naming the field), or None."""
    if not isinstance(kind, str) or not kind.strip():
        return "kind must be non-empty text"
    if not isinstance(data, dict):
        return "data must be a JSON object"
    for key, check in SHAPES.get(kind, {}).items():
        if (found := check(data.get(key))) is not None:
            return f"data.{key} {found}" if not found.startswith("[") else f"data.{key}{found}"
    return None


def checked_kinds() -> frozenset[str]:
    return frozenset(SHAPES)


_warned: set[tuple[int, int]] = set()


def skipped(escalation_id: int, event_id: int, kind: str, why: str) -> None:
    """One warning per unusable event and process: the reader goes on without it."""
    if (escalation_id, event_id) in _warned:
        return
    _warned.add((escalation_id, event_id))
    print(f"warning: skipped event {event_id} ({kind}) of ESC-{escalation_id}: {why}; "
          "`escalate doctor` lists unreadable events", file=sys.stderr)
