"""The 5-Whys interview one answer at a time, for faces that cannot hold a terminal prompt open
(the MCP tools, the web page): where it stands, and the answer to the question it asks now.

Each call reads the stored answers, so an interview left halfway resumes where it stopped. The
questions, the blameless checks and what is stored are agent/rca.py's; this adds only the
"one question per request" shape and its refusals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import rca
from .errors import UsageError
from .lint import Finding
from .store import Store, parse_id


@dataclass
class Progress:
    id: str
    completed: bool
    answered: int
    step: rca.Step | None  # the question asked now; None once completed
    root_cause: dict | None
    actions: list[dict]
    findings: list[Finding] = field(default_factory=list)  # what the rules flagged in the answer just given


def progress(store: Store, ident: str, *, engine=None, actor: str = "cli", findings: list[Finding] = ()) -> Progress:
    """Where the interview stands, asking (and recording) the next why question when one is due; the
    last answer in completes it."""
    proposer = engine if isinstance(engine, rca.Proposer) else rca.Proposer(engine)
    esc = rca.load(store, ident)
    st = rca.derive(esc.events)
    step = None
    if not st.completed:
        step = rca.next_step(store, esc, st, engine=proposer, actor=actor)
        if step is None:
            rca.complete(store, esc, st, actor=actor)
        st = rca.derive(store.events(parse_id(esc.id)))
    return Progress(id=esc.id, completed=bool(st.completed), answered=st.answered, step=step,
                    root_cause=st.root_cause, actions=st.actions, findings=list(findings))


def answer_current(store: Store, ident: str, *, answer: str | None = None, action: dict | None = None,
                   key: str | None = None, engine=None, actor: str = "cli") -> Progress:
    """Record the answer to the question asked now and return what comes next.

    `key` names the question being answered: refused when the interview has moved on (a second
    browser tab, a retried call). The action step takes `action` {action, category, owner, due};
    no action and no answer finishes the list. A refused answer stores nothing."""
    proposer = engine if isinstance(engine, rca.Proposer) else rca.Proposer(engine)
    esc = rca.load(store, ident)
    st = rca.derive(esc.events)
    if st.completed:
        raise UsageError(f"the RCA of {esc.id} is completed: its post-incident report can be written")
    step = rca.next_step(store, esc, st, engine=proposer, actor=actor)
    if step is None:
        return progress(store, esc.id, engine=proposer, actor=actor)
    if key and key != step.key:
        raise UsageError(f"the interview of {esc.id} is at {step.key!r} ({step.prompt}), not {key!r}: "
                         "it moved on; here is the question it asks now")
    if step.key == "action":
        if action is None and (answer or "").strip().lower() not in ("", "done", "none"):
            raise UsageError("this step takes a prevention action {action, category, owner, due}; "
                             "give neither action nor answer to finish the list")
        value: Any = action
    else:
        if action is not None:
            raise UsageError(f"the interview of {esc.id} asks {step.key!r}, not for a prevention action: "
                             f"answer it ({step.prompt})")
        value = answer
    try:
        found = rca.answer(store, esc, st, step, value, actor=actor)
    except rca.Rejected as exc:
        raise UsageError(f"refused: {exc}. Still asking: {step.prompt}") from exc
    return progress(store, esc.id, engine=proposer, actor=actor, findings=found)
