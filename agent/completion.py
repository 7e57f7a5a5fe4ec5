"""The fact-bearing parts every customer acknowledgment and update carries, built from the record.

Lint only finds them missing (agent/lint.py never writes text). When a draft lacks one (a model's
draft, a team's own template, or one that lint cut a wrong sentence from), drafting adds it here,
from the record: the clock's next-update time, the named contact and channel, the impact
acknowledged. Each added part turns lint's finding into a fixed one that says what was added.
"""

from __future__ import annotations

import re

from .lint import REQUEST_TAKEN_UP, Finding

MISSING = {"next_update_time": "no next-update time", "single_point_of_contact": "no named contact with a channel",
           "impact_acknowledged": "the impact on the customer is not acknowledged"}


def parts(ctx: dict) -> dict[str, str]:
    """Each part's sentence, from the record as drafting read it."""
    out = {"impact_acknowledged": f"Thank you for your request; {REQUEST_TAKEN_UP}." if ctx.get("request")
           else "I know how disruptive this has been for you, and I'm sorry."}
    if ctx.get("next_update"):
        out["next_update_time"] = (f"You will hear from me by {ctx['next_update']} with the next update, "
                                   "whether or not it is resolved by then.")
    if ctx.get("owner") and ctx.get("channel"):
        out["single_point_of_contact"] = f"Your single point of contact is {ctx['owner']}: {ctx['channel']}."
    return out


def complete(text: str, findings: list[Finding], ctx: dict) -> tuple[str, list[Finding]]:
    """The text with each missing part added from the record, and the findings with those marked fixed."""
    sentences = parts(ctx)
    out = []
    for f in findings:
        sentence = sentences.get(f.rule)
        if f.span is None and f.found == MISSING.get(f.rule) and not f.fixed and sentence:
            text = after_greeting(text, sentence) if f.rule == "impact_acknowledged" else before_signoff(text, sentence)
            f = f.model_copy(update={"fix": f"added from the record: {sentence}", "fixed": True})
        out.append(f)
    if any(f.rule == "next_update_time" and f.fixed and f.span is None for f in out):
        out = [f for f in out if f.rule != "specific_next_steps"]  # the added next-update time is the timeline
    return text, out


_SIGNOFF = re.compile(
    r"^\s*(?:many thanks|thanks(?: again)?|thank you|best(?: regards| wishes)?|kind regards|regards|warm regards|"
    r"(?:yours )?sincerely|cheers|with (?:my )?apologies|all the best)\s*[,.!]?\s*$",
    re.IGNORECASE,
)


def before_signoff(text: str, sentence: str) -> str:
    """Before the closing lines ('Best,' and a name, or a bare signature block), else at the end."""
    lines = text.rstrip("\n").split("\n")
    for i in range(len(lines) - 1, max(-1, len(lines) - 6), -1):
        if _SIGNOFF.match(lines[i]):
            return "\n".join(lines[:i] + [sentence, ""] + lines[i:]) + "\n"
    # A signature with no sign-off word: a last paragraph of a few short lines that are not sentences.
    if "" in lines:
        start = len(lines) - lines[::-1].index("")
        block = lines[start:]
        if 0 < len(block) <= 3 and start > 1 and all(len(b) <= 60 and not b.rstrip().endswith((".", "!", "?", ":")) for b in block):
            return "\n".join(lines[:start] + [sentence, ""] + block) + "\n"
    return text.rstrip("\n") + "\n\n" + sentence + "\n"


def after_greeting(text: str, sentence: str) -> str:
    lines = text.split("\n")
    if lines and re.match(r"^\s*(?:hi|hello|dear|hey)\b", lines[0], re.IGNORECASE):
        return "\n".join(lines[:1] + ["", sentence] + lines[1:])
    return sentence + "\n\n" + text
