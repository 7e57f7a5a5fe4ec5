"""What an escalation's events name (another of its events, one of its drafts, a similar escalation),
written into an export so that another database, with other ids, reads them back as the same things.

In an export line (agent/transfer.py) the events are numbered from 1 (`n`, in the order they were
stored) and so are the drafts; an event that names another event (`log_event_id`, `event_id`) or a
draft (`draft_id`) names it by that number, and a similar-escalation match carries the matched
escalation's `ref`, its id wherever it is stored (its external id, or `ESC-n@<database>` for one its
database opened). Import turns the numbers into the ids it gives and each `ref` into the escalation
it names in the receiving database; a match to an escalation that is not there is dropped, never
pointed at whatever holds the same ESC-n there.
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import UsageError
from .store import format_id, parse_id

EVENT_KEYS = ("log_event_id", "event_id")  # data fields naming another event of the same escalation
MATCHING = ("similar_found", "root_cause_recurs")  # events whose matches name other escalations
# what a draft_saved event written before m065 held of its draft (the store fills them in from the draft since)
DRAFT_FACTS = ("kind", "passed", "findings", "engine", "audience")


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def stable_id(number: int, external_id: str | None, database: str) -> str:
    """The id an escalation is known by in every database: its external id, else `ESC-n@<database>`."""
    return external_id or f"{format_id(number)}@{database}"


def written(kind: str, data: dict, events: dict[int, int], drafts: dict[int, int],
            stable: Callable[[int], str]) -> dict:
    """An event's data as exported: event and draft ids as the line's numbers (None if not in the line),
    each similar match with the `ref` of the escalation it names."""
    out = dict(data)
    for key in EVENT_KEYS:
        if _whole(out.get(key)):
            out[key] = events.get(out[key])
    if kind == "draft_saved" and _whole(out.get("draft_id")):
        n = drafts.get(out["draft_id"])
        if n is not None:  # the draft's kind, verdict, engine and audience are in the line's drafts: one copy
            out = {k: v for k, v in out.items() if k not in DRAFT_FACTS}
        out["draft_id"] = n
    if kind in MATCHING and isinstance(out.get("matches"), list):
        matches = []
        for m in out["matches"]:
            try:
                matches.append({**m, "ref": stable(parse_id(m["id"]))})
            except (TypeError, KeyError, ValueError, UsageError):
                continue  # a match without a readable id names nothing another database could find
        out["matches"] = matches
    return out


def checked(kind: str, data: dict, events: set[int], drafts: set[int] | None, where: str) -> None:
    """A numbered line's references name events (and drafts) of that line: one that does not is refused."""
    for key in EVENT_KEYS:
        value = data.get(key)
        if value is not None and (not _whole(value) or value not in events):
            raise UsageError(f"{where}.data.{key} {value!r} names no event of this line (events are numbered by n)")
    if kind == "draft_saved" and drafts is not None:
        value = data.get("draft_id")
        if value is not None and (not _whole(value) or value not in drafts):
            raise UsageError(f"{where}.data.draft_id {value!r} names no draft of this line (drafts are numbered by n)")


def read(kind: str, data: dict, events: dict[int, int] | None, drafts: dict[int, int] | None,
         number_of: Callable[[str], int | None], *, earlier: list[tuple[int, str, dict]] = ()) -> dict:
    """An exported event's data with this database's ids: the line's numbers as the ids import gave,
    each `ref` as the escalation it names here (or the match dropped). What the line cannot resolve
    (it is not numbered, or has no drafts, or a match has no `ref`) becomes None or is dropped: an id
    of another database never names one of this one's events, drafts or escalations. One exception,
    for lines written before the numbers: a workaround protocol names the workaround logged last
    before it (`earlier`: the line's events before this one, as (id given, kind, data)), as
    `escalate workaround` writes them one after the other."""
    out = dict(data)
    for key in EVENT_KEYS:
        if _whole(out.get(key)):
            out[key] = events.get(out[key]) if events is not None else None
    if kind == "workaround_protocol" and events is None:
        out["log_event_id"] = next((i for i, k, d in reversed(earlier) if k == "log" and d.get("kind") == "workaround"), None)
    if kind == "draft_saved" and _whole(out.get("draft_id")):
        out["draft_id"] = drafts.get(out["draft_id"]) if drafts is not None else None
    if kind in MATCHING and isinstance(out.get("matches"), list):
        matches = []
        for m in out["matches"]:
            ref = m.get("ref") if isinstance(m, dict) else None
            if ref is None:
                continue  # (a match by another database's ESC-n would name this one's)
            number = number_of(str(ref))
            if number is not None:
                matches.append({**{k: v for k, v in m.items() if k != "ref"}, "id": format_id(number)})
        out["matches"] = matches
    return out
