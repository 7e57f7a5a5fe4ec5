"""Checks every draft must pass before a manager could send it unedited (issue 11), run by drafting
on every draft (offline or Claude's) and by `escalate eval --suite drafts`.

    audit(draft_text, facts, fix=True) -> (text, [Finding])

Each check only subtracts: a sentence carrying internal-only content or the customer's own claims
and instructions is removed; nothing is ever written in. What cannot be removed (a promised time
already past, a mail header, unbalanced brackets) is an error the draft fails on.

| check | fails when |
|---|---|
| mail_header | a line or subject starts like a mail header (Subject:, From:, Sent:, Betreff: …) |
| pasted_signature | a signature, disclaimer or quoted-thread line of the complaint reappears |
| past_promise | a promised time ("by 09:50 CET on …", "target … is …") is earlier than the draft's moment |
| internal_only | a customer draft names a hypothesis, internal stakeholders, our team names or severity criteria (removed) |
| customer_claim | text of the complaint that argues about severity or instructs a model reappears (removed) |
| balanced | brackets or double quotes are left open |
| placeholder | [Name], {{ }}, TODO, <…> outside the customer's own words |
| request_unanswered | a request the customer made has no answer in a customer draft |
| facts | the draft names another escalation id or severity than the record's, or another next-update time |
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from .claims import read as read_claims
from .complaint import parsed
from .issue import balanced
from .lint import Finding
from .literals import may_match, may_match_pieces

CHECKS = ("mail_header", "pasted_signature", "past_promise", "internal_only", "customer_claim", "balanced",
          "placeholder", "request_unanswered", "facts")
_HEADER_LINE = re.compile(
    r"^\s*(?:subject|from|sent|to|cc|date|betreff|von|gesendet|an|objet|envoyé|asunto|enviado|onderwerp|verzonden)\s*:\s*\S",
    re.IGNORECASE | re.MULTILINE)
_HEADER_WORD = re.compile(r"\b(?:subject|betreff|objet|asunto|onderwerp)\s*:", re.IGNORECASE)
_TIME = re.compile(r"(?P<hm>\d{2}:\d{2}) (?P<zone>[A-Z][A-Za-z0-9+-]{1,5}) on \w{3} (?P<day>\d{1,2}) (?P<mon>\w{3}) (?P<year>\d{4})")
_PROMISE = re.compile(r"\b(?:by|will|target|expect|due|no later than|until)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?=[^\s.!?]))*[.!?]+(?=\s|$)|(?:[^.!?\n]|[.!?](?=[^\s.!?]))+")
_PLACEHOLDER = re.compile(r"\[[A-Z][A-Za-z _/-]{0,30}\]|\{\{.*?\}\}|\{%.*?%\}|\bTODO\b|\bTBD\b|<[A-Za-z_ ]{1,30}>")
_PLACEHOLDER_MARKS = ("[", "{", "<", "TODO", "TBD")  # every placeholder holds one: without any, no search
_SEVERITY = re.compile(r"\bSEV-[1-4]\b")
_ESC_ID = re.compile(r"\bESC-\d+\b")
_CLAIM = re.compile(
    r"\bsev-?\s?[1-4]\b|\bp[0-4]\b|\bclassif\w*|\bdowngrade|\bdo not escalate|\bnot urgent|\bignore (?:all|any|the|previous|your)\b|"
    r"\b(?:ai|assistant|model|bot|system|llm)\b\s*[:,]|</?\s*complaint|<!--|\binstructions?\b",
    re.IGNORECASE)
INTERNAL_STAKEHOLDERS = ("executive sponsor", "all hands", "support manager, CSM", "incident commander", "on-call engineer")
_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


@dataclass
class Facts:
    """What the record says, as the checks need it."""
    moment: datetime
    timezone: str
    audience: str = "customer"
    escalation_id: str = ""
    severity: str = ""
    complaint: str = ""
    next_update: str | None = None
    owner: str = ""
    hypotheses: list[str] = field(default_factory=list)
    team_names: list[str] = field(default_factory=list)
    criteria: str = ""
    answers: list[str] = field(default_factory=list)  # the answer sentence for each open request
    customer_text: list[str] = field(default_factory=list)


def promised_times(text: str, tz_name: str) -> list[tuple[str, datetime, str]]:
    """Every time written by wording.format_time, with the sentence around it: (as written, moment, sentence)."""
    out = []
    zone = ZoneInfo(tz_name)
    for sentence in _SENTENCE.findall(text):
        for m in _TIME.finditer(sentence):
            try:
                local = datetime(int(m["year"]), _MONTHS[m["mon"]], int(m["day"]), int(m["hm"][:2]), int(m["hm"][3:]), tzinfo=zone)
            except (KeyError, ValueError):
                continue
            out.append((m.group(0), local, sentence))
    return out


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def _remove_sentences(text: str, doomed: list[str]) -> str:
    for sentence in doomed:
        text = text.replace(sentence.strip(), "", 1)
    text = re.sub(r"^[ \t]*-[ \t]*$\n?", "", text, flags=re.MULTILINE)   # a bullet left empty
    text = re.sub(r"(?<=\S)[ \t]{2,}(?=\S)", " ", text)
    text = re.sub(r"^[ \t]+(?=\S)", "", text, flags=re.MULTILINE)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text)


def audit(text: str, f: Facts, *, fix: bool = True, subject: str = "", skip: tuple[str, ...] = (),
          warn: tuple[str, ...] = ()) -> tuple[str, list[Finding]]:
    """`skip`: checks another pass already made (drafting skips `placeholder`: lint's own rule has it);
    `warn`: checks reported as warnings (drafting warns on `request_unanswered`: a team's own template
    may not carry the answers yet; the drafts eval fails on it)."""
    findings: list[Finding] = []
    customer = f.audience == "customer"

    def fail(rule: str, found: str, *, fixed: bool = False, how: str | None = None) -> None:
        if rule in skip:
            return
        findings.append(Finding(rule=rule, span=None, found=found[:200], fix=how, fixed=fixed,
                                severity="warning" if rule in warn else "error"))

    # Subtractions first (customer drafts): what must never reach the customer goes, sentence by sentence.
    if customer:
        doomed = []
        lowered = text.lower()
        internal = [h for h in f.hypotheses if h and h.lower() in lowered]
        internal += [s for s in INTERNAL_STAKEHOLDERS if s.lower() in lowered]
        named = text.replace(f.owner, "") if f.owner else text  # the owner's name may contain a team's ("Engineering on-call")
        internal += [t for t in f.team_names if t and t in named and re.search(rf"\b{re.escape(t)}\b", named)]
        if f.criteria and f.criteria.lower() in lowered:
            internal.append(f.criteria)
        own = parsed(f.complaint).triage_text
        # A sentence of _SENTENCE is cut only next to [.!?] or a line break (may_match_pieces: _CLAIM has
        # branches without a sure literal, "p1", "ai:", so may_match never says no).
        claims = [s.strip() for s in _SENTENCE.findall(own) if _CLAIM.search(s) and len(s.split()) >= 3] \
            if may_match_pieces(_CLAIM, own) else []
        claims += [c.text.strip() for c in read_claims(own).claims if len(c.text.split()) >= 3]
        claims = [(c, n[:60]) for c in claims if (n := _norm(c))]  # each with its normalised start
        claiming = may_match_pieces(_CLAIM, text)  # else no sentence of the draft argues about severity
        for sentence in _SENTENCE.findall(text):
            low = sentence.replace(f.owner, "").lower() if f.owner else sentence.lower()
            hit = next((x for x in internal if x.lower() in low), None)
            if hit:
                fail("internal_only", hit, fixed=fix, how="sentence removed" if fix else None)
                doomed.append(sentence)
                continue
            normal = _norm(sentence) if claims else ""
            claim = next((c for c, start in claims if start in normal), None)
            if claim or (claiming and _CLAIM.search(sentence) and _quotes_customer(sentence, f.complaint)):
                fail("customer_claim", claim or sentence, fixed=fix, how="sentence removed" if fix else None)
                doomed.append(sentence)
        if fix and doomed:
            text = _remove_sentences(text, doomed)

    header_word = may_match(_HEADER_WORD, subject + "\n" + text)  # else no line holds "Subject:" and the like
    for line in (subject, *text.splitlines()):
        if _HEADER_LINE.match(line) or (header_word and _HEADER_WORD.search(line)):
            fail("mail_header", line)
    p = parsed(f.complaint) if f.complaint else None
    if p:
        pasted = [x.strip() for part in p.parts if part.kind in ("signature", "disclaimer", "quoted")
                  for x in part.text.splitlines() if len(x.split()) >= 3 and not x.strip().startswith(">")]
        known = {_norm(c) for c in f.customer_text if c} | {_norm(p.new_text)}
        normal = _norm(text) if pasted else ""
        for x in pasted:
            line = _norm(x)
            if line and line in normal and not any(line in k for k in known):
                fail("pasted_signature", x)
    promised = promised_times(text, f.timezone)
    for written, when, sentence in promised:
        if re.match(r"^\s*-?\s*" + re.escape(written) + r":", sentence):
            continue  # a timeline entry ("- 11:10 UTC on …: Workaround: …") says when something happened
        if when < f.moment.replace(second=0, microsecond=0) and _PROMISE.search(sentence) and not re.search(
                r"\b(?:was|were|missed|breached|since|at \d|in place|fixed at|opened|reported|as of)\b", sentence, re.IGNORECASE):
            fail("past_promise", f"{written} is before the draft's moment ({sentence.strip()[:120]})")
    for chunk in (subject, text):
        if not balanced(re.sub(r"“[^”]*”", "", chunk) if chunk.count("“") == chunk.count("”") else chunk):
            fail("balanced", chunk.strip().splitlines()[0][:120] if chunk.strip() else chunk)
    for m in _PLACEHOLDER.finditer(text) if any(mark in text for mark in _PLACEHOLDER_MARKS) else ():
        if not any(m.group(0) in c for c in f.customer_text):
            fail("placeholder", m.group(0))
    if customer:
        for answer in f.answers:
            if answer not in text:
                fail("request_unanswered", answer)
    for m in _ESC_ID.finditer(subject + "\n" + text):
        if f.escalation_id and m.group(0) != f.escalation_id:
            fail("facts", f"names {m.group(0)}, the record is {f.escalation_id}")
    if f.severity and customer:
        others = {s for s in _SEVERITY.findall(text) if s != f.severity}
        if others and not re.search(r"changed from|was (?:raised|lowered)", text):
            fail("facts", f"names {', '.join(sorted(others))}, the record is {f.severity}")
    if f.next_update and customer:
        for written, when, sentence in promised:
            if re.search(r"\bhear from\b|\bnext update\b", sentence, re.IGNORECASE) and written != f.next_update:
                fail("facts", f"promises the next update at {written}, the clock says {f.next_update}")
    return text, findings


def _quotes_customer(sentence: str, complaint: str) -> bool:
    """The sentence repeats five or more words of the complaint in a row."""
    words = _norm(sentence).split()
    source = _norm(complaint)
    return any(" ".join(words[i:i + 5]) in source for i in range(max(0, len(words) - 4))) if len(words) >= 5 else False
