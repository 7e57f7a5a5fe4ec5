"""The 5-Whys root cause interview: the timeline, the whys, the playbook's questions, prevention actions.

Every answer is an appended event the moment it is given, so an interrupted interview loses
nothing and `escalate rca ID` continues where it stopped. The events (all `rca_*` except the
actions, which agent/prevention.py reads):

  rca_timeline_correction {entry, event_id, at, text}   a correction of the factual timeline (never an edit)
  rca_timeline_confirmed  {corrections}
  rca_answer              {key, question, answer, findings[, event_id, entry]}
  rca_question            {level, question, by, note, corrections}      asked before it is answered
  rca_why                 {level, question, answer, findings, accepted, blame}
  rca_root_cause_proposed {level, text, category, by, note}
  rca_root_cause_rejected {level}                                       the reviewer asked one level deeper
  rca_root_cause          {level, text, category, restated}
  prevention_action       {n, category, group, action, owner, due, status}
  rca_actions_done        {count}
  rca_completed           {root_cause, category, level, prevention_actions}

Blameless rules (both engines; Claude's questions and proposed root causes are checked by the
same rules): an answer that names a person or stops at human error can never be the root cause
and is followed by "What allowed … to happen?"; an answer that restates the symptom, or repeats
an earlier answer, is flagged and the same level is asked again.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from . import store as store_mod
from .blameless import (  # noqa: F401  (re-exported: rca.lint_why and friends are part of its API)
    ALLOWED_HINT,
    allowed_question,
    blame_findings,
    classify,
    clause,
    lint_question,
    lint_why,
    restates,
    terms,
    why_question,
)
from .errors import EngineError, UsageError
from .lint import Finding
from .schemas import Escalation, Event, ModelCall
from .schemas.rca import ACTION_CATEGORIES, ACTION_GROUP, ACTION_STATUSES, ROOT_CAUSE_CATEGORIES, RcaProposal
from .store import Store, parse_id
from .wording import format_time, without_leading_time

MAX_LEVELS = 5  # the chain stops here unless the last answer blames a person
HARD_CAP = 8  # ... and never goes deeper than this
OTHER_QUESTIONS = (
    ("not_prevented", "Why didn't we prevent it?"),
    ("not_detected", "Why didn't we detect it earlier?"),
    ("resolution_difficult", "What made resolution difficult?"),
)
PROCESS_QUESTIONS = (
    ("triage_worked", "Did triage work correctly?"),
    ("communication_effective", "Was communication effective?"),
    ("right_people", "Were the right people involved?"),
    ("tools_processes", "Did tools and processes help or hinder?"),
    ("do_differently", "What would we do differently?"),
)
QUESTIONS = dict(OTHER_QUESTIONS + PROCESS_QUESTIONS)
ANSWER_KEYS = ("timeline", "identified", "whys", "root_cause", *QUESTIONS, "actions")
YES = {"y", "yes", "ok", "confirm", "confirmed", "correct"}
NO = {"n", "no", "deeper", "not yet"}
RESOLVED = ("resolved", "confirmed", "closed")

# -- the record the interview reads --------------------------------------------------------------

TIMELINE_KINDS = ("opened", "triaged", "ack", "update", "log", "severity_changed", "assigned", "pause", "resume",
                  "resolved", "reopened", "confirmed", "closed")


@dataclass
class Entry:
    n: int
    event: Event
    text: str


def timeline(esc: Escalation) -> list[Entry]:
    """The factual timeline: what the events say happened, numbered."""
    out = []
    for e in esc.events:
        if e.kind in TIMELINE_KINDS:
            out.append(Entry(len(out) + 1, e, event_text(esc, e)))
    return out


def event_text(esc: Escalation, e: Event) -> str:
    d = e.data
    if e.kind == "opened":
        return f"Issue first reported by {esc.customer} ({esc.tier.value})"
    if e.kind == "triaged":
        r = esc.triage.routing
        return f"Escalation triggered: {d.get('severity')} {d.get('type')}, routed to {r.team} / {r.tier}, owner {d.get('owner')}"
    return {
        "ack": "First response to the customer",
        "update": "Customer update sent" + (f": {d['note']}" if d.get("note") else ""),
        "log": f"{str(d.get('kind', 'note')).capitalize()}: {d.get('text')}",
        "severity_changed": f"Severity {d.get('from')} → {d.get('to')}: {d.get('reason')}",
        "assigned": f"Reassigned from {d.get('from')} to {d.get('to')}",
        "pause": f"Paused: {d.get('reason')}",
        "resume": "Resumed",
        "resolved": "Resolved" + (f": {d['summary']}" if d.get("summary") else ""),
        "reopened": "Reopened",
        "confirmed": "Customer confirmed the fix",
        "closed": "Closed" + (f" before the customer confirmed: {d.get('reason')}" if d.get("forced") else ""),
    }[e.kind]


def people(esc: Escalation) -> tuple[str, ...]:
    """Names in the record that an answer must not blame."""
    names = {esc.owner, esc.contact or ""}
    for e in esc.events:
        if e.kind == "assigned":
            names |= {e.data.get("from") or "", e.data.get("to") or ""}
    return tuple(sorted(n for n in names if n and len(n) > 2))


@dataclass
class State:
    corrections: list[dict] = field(default_factory=list)
    timeline_confirmed: bool = False
    answers: dict[str, dict] = field(default_factory=dict)
    whys: list[dict] = field(default_factory=list)
    last: tuple[str, dict] | None = None  # the last event of the whys phase
    root_cause: dict | None = None
    actions: list[dict] = field(default_factory=list)
    actions_done: bool = False
    completed: dict | None = None
    answered: int = 0

    @property
    def accepted(self) -> list[dict]:
        return [w for w in self.whys if w["accepted"]]


WHY_KINDS = ("rca_question", "rca_why", "rca_root_cause_proposed", "rca_root_cause_rejected")


def derive(events: list[Event]) -> State:
    st = State()
    for e in sorted(events, key=lambda e: e.id or 0):
        if e.kind == "rca_timeline_correction":
            st.corrections.append({**e.data, "id": e.id})
            st.answered += 1
        elif e.kind == "rca_timeline_confirmed":
            st.timeline_confirmed = True
            st.answered += 1
        elif e.kind == "rca_answer":
            st.answers[e.data["key"]] = e.data
            st.answered += 1
        elif e.kind in WHY_KINDS:
            st.last = (e.kind, e.data)
            if e.kind == "rca_why":
                st.whys.append(e.data)
                st.answered += 1
            st.answered += e.kind == "rca_root_cause_rejected"
        elif e.kind == "rca_root_cause":
            st.root_cause = e.data
            st.answered += 1
        elif e.kind == "prevention_action":
            st.actions.append(e.data)
            st.answered += 1
        elif e.kind == "rca_actions_done":
            st.actions_done = True
        elif e.kind == "rca_completed":
            st.completed = {**e.data, "at": e.at}
    return st


def load(store: Store, ident: str) -> Escalation:
    """The escalation, if an RCA can run on it: it exists and it has been resolved."""
    esc = store.get(ident)
    if esc.status not in RESOLVED:
        raise UsageError(
            f"cannot run an RCA on {esc.id}: it is a {esc.severity.value} still {esc.status}; "
            f"the RCA starts once it is resolved (`escalate resolve {esc.id}`)"
        )
    return esc


# -- the steps ---------------------------------------------------------------------------------


@dataclass
class Step:
    key: str  # timeline | identified | why | root_cause | a QUESTIONS key | action
    prompt: str
    facts: list[str] = field(default_factory=list)
    default: str | None = None
    level: int | None = None
    notes: list[str] = field(default_factory=list)


class Rejected(Exception):
    """An answer the interview cannot take; nothing was stored, ask again."""


def problem_of(esc: Escalation) -> str:
    """The symptom the first why asks about: the triage summary without its leading time or trailing clause."""
    text = without_leading_time(esc.triage.summary)
    return re.split(r"\s[-–—]\s|;", text)[0].strip() or esc.triage.summary


def _t(esc: Escalation, moment: datetime) -> str:
    return format_time(moment, esc.sla.timezone)


def timeline_lines(esc: Escalation, st: State) -> list[str]:
    lines = [f"{x.n:>3}  {_t(esc, x.event.at)}  {x.text}" for x in timeline(esc)]
    for c in st.corrections:
        where = f"entry {c['entry']}" if c.get("entry") else "general"
        when = f" at {_t(esc, datetime.fromisoformat(c['at']))}" if c.get("at") else ""
        lines.append(f"  correction ({where}{when}): {c['text']}")
    return lines


def next_step(store: Store, esc: Escalation, st: State, *, engine=None, actor: str = "cli") -> Step | None:
    """The question to ask now, or None when every answer is in. May append the next why question."""
    if not st.timeline_confirmed:
        return Step("timeline", "Is this timeline correct? 'yes', or a correction: 'N: what is wrong' "
                    "(add '@ TIME' to correct entry N's time)", facts=["Timeline:", *timeline_lines(esc, st)],
                    default="yes")
    if "identified" not in st.answers:
        entries = timeline(esc)
        hint = next((x.n for x in reversed(entries) if x.event.kind == "log" and x.event.data.get("kind") == "hypothesis"), None)
        return Step("identified", "Which timeline entry is when the root cause was identified? (its number, or 'none')",
                    default=str(hint) if hint else "none")
    if st.root_cause is None:
        return _why_step(store, esc, st, engine, actor)
    for key, question in OTHER_QUESTIONS + PROCESS_QUESTIONS:
        if key not in st.answers:
            return Step(key, question, facts=review_facts(store, esc, key))
    if not st.actions_done:
        n = len(st.actions) + 1
        from .prevention import ANSWERS as SUITED

        category = st.root_cause["category"]
        return Step("action", f"Prevention action {n} (blank when done)",
                    facts=[f"Root cause ({category}): {st.root_cause['text']}",
                           "Categories: " + ", ".join(ACTION_CATEGORIES),
                           f"A {category} root cause is usually answered by: {', '.join(SUITED[category])}"] if n == 1 else [],
                    level=n)
    return None


def _why_step(store: Store, esc: Escalation, st: State, engine, actor: str) -> Step:
    kind, data = st.last or (None, {})
    if kind == "rca_question":
        notes = [data["note"]] if data.get("note") else []
        return Step("why", data["question"], level=data["level"], notes=notes,
                    facts=["5 Whys: problem: " + clause(problem_of(esc))] if data["level"] == 1 and not st.whys else [])
    if kind == "rca_root_cause_proposed":
        level = data["level"]
        if data.get("category"):
            how = f"'yes' to confirm it as a {data['category']} cause, another category"
        else:
            how = "its category (process, technical or training)"
        deeper = ", or 'no' to ask why once more" if level < HARD_CAP else ""
        return Step("root_cause", f"Root cause: \"{data['text']}\". Answer {how}, optionally restated as "
                    f"'category: the root cause'{deeper}", level=level,
                    notes=[data["note"]] if data.get("note") else [], default="yes" if data.get("category") else None)
    kind, data, calls = _decide(esc, st, engine)
    _write(store, esc, [(kind, data)], calls, actor)
    st.last = (kind, data)
    return _why_step(store, esc, st, engine, actor)


def _decide(esc: Escalation, st: State, engine) -> tuple[str, dict, list[ModelCall]]:
    """What follows the last answer: a question, or a proposed root cause."""
    kind, data = st.last or (None, {})
    accepted = st.accepted
    if kind is None:
        return "rca_question", {"level": 1, "question": why_question(problem_of(esc)), "by": "rules"}, []
    if kind == "rca_root_cause_rejected":
        last = accepted[-1]
        return "rca_question", {"level": last["level"] + 1, "question": why_question(last["answer"]), "by": "rules"}, []
    if not data["accepted"]:
        hint = next((f.fix for f in map(Finding.model_validate, data["findings"]) if f.rule in ("restates_symptom", "circular_chain")), "")
        return "rca_question", {"level": data["level"], "question": data["question"], "by": "rules",
                                "note": f"flagged, asked again: {hint}"}, []
    level, answer = data["level"], data["answer"]
    if data["blame"]:
        if level >= HARD_CAP:
            return "rca_root_cause_proposed", {"level": level, "text": answer, "category": None, "by": "rules",
                                               "note": "the chain reached its limit on a blamed person: restate the root cause as a gap"}, []
        return "rca_question", {"level": level + 1, "question": allowed_question(answer), "by": "rules",
                                "note": "pushed one level deeper: an answer that blames a person or human error cannot be "
                                        f"the root cause; {ALLOWED_HINT}"}, []
    if level >= MAX_LEVELS:
        return "rca_root_cause_proposed", {"level": level, "text": answer, "category": classify(answer), "by": "rules",
                                           "note": f"{MAX_LEVELS} levels reached"}, []
    calls: list[ModelCall] = []
    proposer = engine if isinstance(engine, Proposer) else Proposer(engine)
    note = f"{proposer.failed}; the offline questions are used" if proposer.failed else None
    if proposer.engine is not None and not proposer.failed:
        try:
            proposal, calls = proposer.engine.rca_why(claude_facts(esc, accepted))
            return (*check_proposal(proposal, answer, level, people(esc)), calls)
        except EngineError as exc:
            proposer.failed = str(exc)  # the rest of this run asks offline: no repeated timeouts
            calls, note = exc.calls, f"{exc}; the offline questions are used"
    category = classify(answer)
    if category:
        return "rca_root_cause_proposed", {"level": level, "text": answer, "category": category, "by": "offline",
                                           "note": note}, calls
    return "rca_question", {"level": level + 1, "question": why_question(answer), "by": "offline", "note": note}, calls


class Proposer:
    """Who proposes the next why: an engine with `rca_why` (Claude), or the offline templates; after
    one failure the rest of the run is offline."""

    def __init__(self, engine=None):
        self.engine = engine if engine is not None and hasattr(engine, "rca_why") else None
        self.failed: str | None = None


def claude_facts(esc: Escalation, accepted: list[dict]) -> dict:
    return {"problem": problem_of(esc), "type": esc.type.value, "severity": esc.severity.value,
            "chain": [{"level": w["level"], "question": w["question"], "answer": w["answer"]} for w in accepted],
            "max_levels": MAX_LEVELS, "names": [n for n in (esc.contact, esc.owner) if n]}


def check_proposal(proposal: RcaProposal, answer: str, level: int, names: tuple[str, ...] = ()) -> tuple[str, dict]:
    """Claude's proposal under the blameless rules: a blamed person or human error goes one level deeper,
    a question that fails the question rules is replaced by the template."""
    corrections = []
    if proposal.root_cause_reached:
        text = (proposal.root_cause or answer).strip()
        blamed = blame_findings(text, names) + blame_findings(answer, names)
        if not blamed:
            return "rca_root_cause_proposed", {"level": level, "text": text, "category": proposal.category or classify(text),
                                               "by": "anthropic", "rationale": proposal.rationale}
        rule = ", ".join(dict.fromkeys(f.rule for f in blamed))
        corrections.append({"field": "root_cause", "from": text, "to": None, "rule": "root_cause_is_blameless",
                            "reason": f"{blamed[0].found!r} ({rule}): a root cause cannot be a person or human error"})
        return "rca_question", {"level": level + 1, "question": allowed_question(answer), "by": "rules",
                                "note": f"the proposed root cause \"{text}\" stops at a person ({rule}): pushed one level "
                                        f"deeper; {ALLOWED_HINT}",
                                "corrections": corrections}
    question = (proposal.question or "").strip()
    findings = lint_question(question, names)
    if findings:
        corrections.append({"field": "question", "from": question, "to": why_question(answer), "rule": findings[0].rule,
                            "reason": "the proposed question failed the question rules"})
        return "rca_question", {"level": level + 1, "question": why_question(answer), "by": "rules",
                                "note": f"the proposed question was replaced ({findings[0].rule})", "corrections": corrections}
    return "rca_question", {"level": level + 1, "question": question, "by": "anthropic", "rationale": proposal.rationale}


def review_facts(store: Store, esc: Escalation, key: str) -> list[str]:
    """What the record says, shown before a process-review question."""
    tz = esc.sla.timezone
    if key == "triage_worked":
        t = esc.triage
        lines = [f"Triage: {t.severity.value} {t.type.value} by the {esc.engine.name} engine (engine said {t.engine_severity.value})"]
        lines += [f"Rule correction: {c.field} {c.from_value} → {c.to_value} ({c.rule})" for c in t.corrections]
        lines += [f"Severity change at {format_time(e.at, tz)}: {e.data.get('from')} → {e.data.get('to')} ({e.data.get('reason')})"
                  for e in esc.events if e.kind == "severity_changed"]
        lines += [f"Timeline correction: {e.data.get('text')}" for e in esc.events if e.kind == "rca_timeline_correction"]
        if len(lines) == 1:
            lines.append(f"No severity change or correction: it stayed {esc.severity.value}")
        return lines
    if key == "communication_effective":
        return ["SLA clocks:", *clock_lines(store, esc)]
    if key == "right_people":
        lines = [f"Owner: {esc.owner}", f"Stakeholders for {esc.severity.value}: {', '.join(esc.sla.stakeholders)}"]
        lines += [f"Reassigned at {format_time(e.at, tz)}: {e.data.get('from')} → {e.data.get('to')}"
                  for e in esc.events if e.kind == "assigned"]
        return lines
    return []


def clock_lines(store: Store, esc: Escalation) -> list[str]:
    from . import board, sla

    row = board.one(store, parse_id(esc.id), store_mod.now())
    out = []
    for c in row.clocks:
        name = {"first_response": "first response", "update": "updates", "resolution": "resolution"}[c.name]
        target = f" (target {sla.humanize(c.target_minutes)}{' business' if c.calendar == 'business' else ''})" if c.target_minutes else ""
        if c.name == "update":
            out.append(f"  {name}: {c.status}, {c.missed} interval(s) missed{target}")
        else:
            took = f" after {sla.humanize(c.elapsed_minutes)}" if c.met_at and c.elapsed_minutes is not None else ""
            out.append(f"  {name}: {c.status}{took}{target}")
    return out


# -- answering ---------------------------------------------------------------------------------


def _write(store: Store, esc: Escalation, events: list[tuple[str, dict]], calls: list[ModelCall], actor: str) -> None:
    number = parse_id(esc.id)
    moment = store_mod.now()
    with store.transaction() as db:
        for call in calls:
            db["model_calls"].insert({"escalation_id": number, **call.model_dump(mode="json")})
        for kind, data in events:
            store._event(db, number, kind, actor, moment, data)
        db["escalations"].update(number, {"updated_at": moment.isoformat()})


def answer(store: Store, esc: Escalation, st: State, step: Step, value: Any, *, actor: str = "cli") -> list[Finding]:
    """Store one answer as an event (or raise Rejected, storing nothing); return the rules' findings."""
    kind, data, findings = _interpret(esc, st, step, value)
    _write(store, esc, [(kind, data)], [], actor)
    if kind == "rca_actions_done":
        complete(store, esc, derive(store.events(parse_id(esc.id))), actor=actor)
    return findings


def _text(value: Any, what: str) -> str:
    text = " ".join(str(value if value is not None else "").split())
    if not text:
        raise Rejected(f"{what} is empty")
    return text


def _interpret(esc: Escalation, st: State, step: Step, value: Any) -> tuple[str, dict, list[Finding]]:
    if step.key == "timeline":
        return _timeline_answer(esc, st, _text(value, "the answer"))
    if step.key == "identified":
        text = _text(value, "the answer").lower().rstrip(".")
        if text in ("none", "no", "-", "unknown"):
            return "rca_answer", {"key": "identified", "question": step.prompt, "answer": "none", "event_id": None, "entry": None, "findings": []}, []
        entries = {str(x.n): x for x in timeline(esc)}
        if text not in entries:
            raise Rejected(f"{value!r} is not a timeline entry: give a number from 1 to {len(entries)}, or 'none'")
        x = entries[text]
        return "rca_answer", {"key": "identified", "question": step.prompt, "answer": x.text, "event_id": x.event.id,
                              "entry": x.n, "findings": []}, []
    if step.key == "why":
        text = _text(value, "the answer")
        accepted = st.accepted
        subject = accepted[-1]["answer"] if accepted else problem_of(esc)
        findings = lint_why(text, subject=subject, problem=problem_of(esc), earlier=[w["answer"] for w in accepted],
                            people=people(esc))
        ok = not any(f.rule in ("restates_symptom", "circular_chain") for f in findings)
        blame = any(f.rule in ("names_a_person", "human_error") for f in findings)
        return "rca_why", {"level": step.level, "question": step.prompt, "answer": text, "accepted": ok, "blame": blame,
                           "findings": [f.model_dump(mode="json") for f in findings]}, findings
    if step.key == "root_cause":
        return _root_answer(st, step, _text(value, "the answer"), people(esc))
    if step.key in QUESTIONS:
        text = _text(value, "the answer")
        findings = [f.model_copy(update={"severity": "warning"}) for f in blame_findings(text, people(esc))]
        return "rca_answer", {"key": step.key, "question": step.prompt, "answer": text,
                              "findings": [f.model_dump(mode="json") for f in findings]}, findings
    if step.key == "action":
        if value is None or (isinstance(value, str) and not value.strip()):
            if not st.actions:
                raise Rejected("an RCA needs at least one prevention action, with an owner and a due date")
            return "rca_actions_done", {"count": len(st.actions)}, []
        return "prevention_action", {"n": len(st.actions) + 1, **check_action(value, esc)}, []
    raise ValueError(step.key)


_CORRECTION = re.compile(r"^\s*(?P<entry>\d+)\s*(?:@\s*(?P<at>\d{4}-\d\d-\d\d[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?|\S+?))?"
                         r"\s*:\s*(?P<text>.*)$", re.DOTALL)


def _timeline_answer(esc: Escalation, st: State, text: str) -> tuple[str, dict, list[Finding]]:
    if text.lower().rstrip(".!") in YES:
        return "rca_timeline_confirmed", {"corrections": len(st.corrections)}, []
    m = _CORRECTION.match(text)
    entry, at = None, None
    if m:
        entries = {x.n: x for x in timeline(esc)}
        if int(m["entry"]) not in entries:
            raise Rejected(f"there is no timeline entry {m['entry']}: entries run from 1 to {len(entries)}")
        entry = entries[int(m["entry"])]
        if m["at"]:
            try:
                at = datetime.fromisoformat(m["at"])
            except ValueError:
                raise Rejected(f"{m['at']!r} is not an ISO 8601 time, e.g. 2026-11-25T08:40:00+00:00")
            if at.tzinfo is None:
                raise Rejected("a corrected time needs a time zone offset, e.g. 2026-11-25T08:40:00+00:00")
        text = m["text"].strip()
        if not text:
            raise Rejected("say what is wrong with the entry, e.g. '3: the customer first called at 08:40'")
    return "rca_timeline_correction", {"entry": entry.n if entry else None, "event_id": entry.event.id if entry else None,
                                       "at": at.isoformat() if at else None, "text": text}, []


def _root_answer(st: State, step: Step, text: str, names: tuple[str, ...]) -> tuple[str, dict, list[Finding]]:
    _, proposed = st.last
    level = proposed["level"]
    low = text.lower().rstrip(".!")
    if low in NO:
        if level >= HARD_CAP:
            raise Rejected(f"the chain is {HARD_CAP} levels deep: restate the root cause as 'category: the gap'")
        return "rca_root_cause_rejected", {"level": level}, []
    head, sep, rest = text.partition(":")
    category, restated = (head.strip().lower(), rest.strip()) if sep and head.strip().lower() in ROOT_CAUSE_CATEGORIES else (low, "")
    if category in YES:
        category = proposed.get("category")
        if not category:
            raise Rejected("name the category: process, technical or training")
    if category not in ROOT_CAUSE_CATEGORIES:
        raise Rejected(f"{text!r}: answer 'yes', a category (process, technical or training), 'category: the root cause' or 'no'")
    root = restated or proposed["text"]
    blamed = blame_findings(root, names)
    if blamed or (not restated and st.whys and st.accepted[-1].get("blame")):
        raise Rejected(f"a root cause cannot be a person or human error ({blamed[0].found!r})" if blamed else
                       "the last answer blames a person: restate the root cause as 'category: the gap that allowed it'")
    return "rca_root_cause", {"level": level, "text": root, "category": category, "restated": bool(restated)}, []


def check_action(value: Any, esc: Escalation) -> dict:
    """One prevention action: a known category, an owner and a due date, or Rejected naming what is missing."""
    if not isinstance(value, dict):
        raise Rejected("an action needs action, category, owner and due")
    unknown = sorted(set(value) - {"action", "category", "owner", "due", "status"})
    if unknown:
        raise Rejected(f"unknown action keys: {', '.join(unknown)} (use action, category, owner, due)")
    missing = [k for k in ("action", "category", "owner", "due") if not str(value.get(k) or "").strip()]
    if missing:
        raise Rejected(f"an action without {' or '.join(missing)} is refused: every action needs an owner and a due date")
    category = " ".join(str(value["category"]).lower().replace("-", " ").replace("_", " ").split())
    category = {"communication": "customer communication", "docs": "documentation", "tests": "testing"}.get(category, category)
    if category not in ACTION_CATEGORIES:
        raise Rejected(f"unknown action category {value['category']!r}: choose one of {', '.join(ACTION_CATEGORIES)}")
    due = parse_due(value["due"])
    if due < esc.opened_at.date():
        raise Rejected(f"due date {due.isoformat()} is before {esc.id} opened")
    status = str(value.get("status") or "open").strip().lower().replace(" ", "_")
    if status not in ACTION_STATUSES:
        raise Rejected(f"unknown status {value['status']!r}: choose one of {', '.join(ACTION_STATUSES)}")
    return {"category": category, "group": ACTION_GROUP.get(category, category), "action": " ".join(str(value["action"]).split()),
            "owner": " ".join(str(value["owner"]).split()), "due": due.isoformat(), "status": status}


def parse_due(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise Rejected(f"due date {value!r} is not a date like 2026-12-15")


def complete(store: Store, esc: Escalation, st: State, *, actor: str) -> None:
    if st.completed or not st.root_cause:
        return
    rc = st.root_cause
    events = [("rca_completed", {
        "root_cause": rc["text"], "category": rc["category"], "level": rc["level"],
        "prevention_actions": [{k: a[k] for k in ("n", "category", "action", "owner", "due")} for a in st.actions],
    })]
    earlier = recurring_root_causes(store, esc, rc["text"], rc["category"])
    if earlier:
        events.append(("root_cause_recurs", {"matches": earlier}))
    _write(store, esc, events, [], actor)


def recurring_root_causes(store: Store, esc: Escalation, text: str, category: str | None) -> list[dict]:
    """Earlier escalations (up to a year before) whose RCA found a root cause of the same category
    and similar wording: the same cause coming back is pattern blindness."""
    from datetime import timedelta

    from . import similar

    mine = similar.terms(text)
    since = (esc.opened_at - timedelta(days=365)).isoformat()
    out = []
    for number, opened, data in store.db.conn.execute(
        "SELECT e.id, e.opened_at, ev.data FROM events ev JOIN escalations e ON e.id = ev.escalation_id "
        "WHERE ev.kind = 'rca_completed' AND e.id != ? AND e.opened_at >= ? ORDER BY e.opened_at DESC",
        [parse_id(esc.id), since],
    ):
        past = json.loads(data)
        shared, jaccard = similar.overlap(mine, similar.terms(past.get("root_cause", "")))
        if past.get("category") == category and len(shared) >= 2 and jaccard >= 0.2:
            out.append({"id": f"ESC-{number}", "root_cause": past.get("root_cause"), "category": category,
                        "shared_terms": list(shared[:6]), "reason": f"same {category} root cause: shares {', '.join(shared[:4])}"})
    return out[:5]


# -- running it ----------------------------------------------------------------------------------


class Asker(Protocol):
    def ask(self, step: Step) -> Any: ...

    def rejected(self, step: Step, message: str) -> None: ...

    def findings(self, step: Step, findings: list[Finding]) -> None: ...


def run(store: Store, ident: str, asker: Asker, *, engine=None, actor: str = "cli") -> State:
    """Ask every question still open, storing each answer as it is given; returns the final state."""
    esc = load(store, ident)
    number = parse_id(esc.id)
    engine = engine if isinstance(engine, Proposer) else Proposer(engine)
    while True:
        esc = store.get(number)
        st = derive(esc.events)
        if st.completed:
            return st
        step = next_step(store, esc, st, engine=engine, actor=actor)
        if step is None:
            complete(store, esc, st, actor=actor)
            continue
        value = asker.ask(step)
        try:
            found = answer(store, esc, st, step, value, actor=actor)
        except Rejected as exc:
            asker.rejected(step, str(exc))
            continue
        if found:
            asker.findings(step, found)


def prevention_counts(store: Store, ids: list[int]) -> tuple[int, int]:
    """(done, counted) prevention actions of these escalations: the metric's numerator and denominator."""
    from .prevention import prevention_counts as counts

    return counts(store, ids)


# -- the answers file ----------------------------------------------------------------------------


def load_answers(path: str | Path, st: State | None = None) -> dict:
    """An answers file (YAML or JSON) for the steps still to come: errors name the file and every
    unknown or missing key at once, before anything is stored."""
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"no such answers file: {path}")
    text = p.read_text(encoding="utf-8-sig")
    is_json = p.suffix.lower() == ".json"
    try:
        if is_json:
            data = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except Exception as exc:  # yaml.YAMLError, json.JSONDecodeError
        raise UsageError(f"{path} is not valid {'JSON' if is_json else 'YAML'}: {str(exc).splitlines()[0]}")
    if not isinstance(data, dict):
        raise UsageError(f"{path}: the answers must be a mapping of keys ({', '.join(ANSWER_KEYS)})")
    problems = []
    unknown = sorted(set(map(str, data)) - set(ANSWER_KEYS))
    if unknown:
        problems.append(f"unknown keys: {', '.join(unknown)}")
    missing = missing_keys(data, st or State())
    if missing:
        problems.append(f"missing keys: {', '.join(missing)}")
    for key in ("whys", "actions"):
        if key in data and data[key] is not None and not isinstance(data[key], list):
            problems.append(f"{key} must be a list")
    items = data.get("actions") if isinstance(data.get("actions"), list) else []
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict):
            problems.append(f"actions[{i}] must be a mapping with action, category, owner, due")
            continue
        extra = sorted(set(map(str, item)) - {"action", "category", "owner", "due", "status"})
        if extra:
            problems.append(f"actions[{i}]: unknown keys: {', '.join(extra)}")
        absent = [k for k in ("action", "category", "owner", "due") if not str(item.get(k) or "").strip()]
        if absent:
            problems.append(f"actions[{i}]: missing {', '.join(absent)} (every action needs an owner and a due date)")
    if problems:
        raise UsageError(f"{path}: " + "; ".join(problems))
    return {key: _as_text(value) for key, value in data.items()}


def _as_text(value):
    """YAML reads an unquoted `Yes` as True and `2026-12-01` as a date: answers are what was typed."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_text(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int)):
        return value  # `identified` is a number
    return str(value)


def missing_keys(data: dict, st: State) -> list[str]:
    """Keys the file must hold for the steps still to come (answered steps need none)."""
    needed = []
    if not st.timeline_confirmed:
        needed.append("timeline")
    if st.root_cause is None:
        needed += ["whys", "root_cause"]
    needed += [k for k in QUESTIONS if k not in st.answers]
    if not st.actions_done and not st.actions:
        needed.append("actions")
    return [k for k in needed if k not in data or data[k] is None or data[k] == "" or data[k] == []]


class FileAsker:
    """Answers from a file, in order; an answer the rules refuse is an error naming its key."""

    def __init__(self, data: dict, path: str):
        self.path = path
        self.queues: dict[str, list] = {}
        for key, value in data.items():
            if key == "timeline":
                value = [] if str(value).strip().lower() in YES else list(value if isinstance(value, list) else [value])
                value.append("yes")
            self.queues[key] = list(value) if isinstance(value, list) else [value]
        self.seen: list[tuple[Step, list[Finding]]] = []

    def ask(self, step: Step) -> Any:
        key = {"why": "whys", "action": "actions"}.get(step.key, step.key)
        queue = self.queues.get(key)
        if step.key == "action":
            return queue.pop(0) if queue else None
        if step.key == "identified" and not queue:
            return step.default
        if not queue:
            if step.key == "why":
                raise UsageError(f"{self.path}: whys: no answer left for level {step.level} (\"{step.prompt}\"); "
                                 "the answers so far are saved: add more whys and run again")
            raise UsageError(f"{self.path}: missing keys: {key}")
        return queue.pop(0)

    def rejected(self, step: Step, message: str) -> None:
        key = {"why": "whys", "action": "actions"}.get(step.key, step.key)
        raise UsageError(f"{self.path}: {key}: {message}")

    def findings(self, step: Step, findings: list[Finding]) -> None:
        self.seen.append((step, findings))

    def leftovers(self) -> list[str]:
        return [f"{len(v)} unused {k}" for k, v in self.queues.items() if v and k in ("whys", "root_cause", "actions")]
