"""Blameless lint for the 5-Whys: an answer that names a person or stops at human error, a why
answered with the symptom, a chain that repeats itself; and the question templates that ask what
allowed an error rather than who made it. Both engines' questions and answers go through it."""

from __future__ import annotations

import re

from .lint import Finding
from .similar import STOPWORDS
from .wording import lower_first

_HUMAN_VERBS = (r"forgot|neglected|overlooked|mistyped|fat-fingered|messed up|screwed up|dropped the ball|"
                r"was (?:careless|sloppy|lazy|negligent)|made (?:a|an) (?:mistake|error|typo)|"
                r"did(?:n't| not) pay attention")
_ROLE_VERBS = _HUMAN_VERBS + r"|missed|ignored|failed to|did(?:n't| not) (?:check|follow|notice|read|test|verify)"
_ROLE = (r"\b(?:he|she|someone|somebody|some one|the (?:engineer|developer|admin|administrator|operator|agent|"
         r"intern|contractor|on-call(?: engineer)?|new hire|dev|sre|technician|rep)|an? (?:engineer|developer|admin|"
         r"operator|agent|intern|contractor|new hire|technician))\b")
_NOT_A_NAME = r"(?!(?:Who|What|Why|When|Where|How|Which|The|This|That|It|They|We|Our|Nobody|Everyone)\b)"
_PERSON_BLAME = re.compile(rf"(?:{_ROLE}|\b{_NOT_A_NAME}[A-Z][a-z]+(?: [A-Z][a-z]+)?(?:'s)?)\s+(?:{_HUMAN_VERBS})\b"
                           rf"|{_ROLE}\s+(?:{_ROLE_VERBS})\b")
# A first name doing what only a person does: "Dave hardcoded a 10,000 row page limit", "fire Dave". A word
# that reads as a thing, a tool or a team ("Terraform changed the record", "Automation deleted the rows",
# "Config changed") is a cause to ask about, not a person.
_AGENCY = (r"hard-?coded|deployed|pushed|merged|approved|wrote|committed|changed|configured|set|ran|deleted|removed|"
           r"skipped|disabled|turned off|typed|entered|chose|decided|released|shipped|copied|edited|modified|broke|caused")
_NAMED_AGENT = re.compile(rf"\b(?P<name>[A-Z][a-z]{{1,11}})(?:'s)?\s+(?:(?:just|accidentally|mistakenly|wrongly|then|also)\s+)?(?:{_AGENCY})\b"
                          r"|\b(?:[Ff]ire|[Ss]ack|[Bb]lame|[Dd]iscipline|[Pp]unish|[Rr]eprimand|[Rr]etrain|[Rr]eplace)\s+(?P<object>[A-Z][a-z]{1,11})\b")
_THING_ENDINGS = ("ing", "tion", "sion", "ment", "ness", "ity", "ance", "ence", "ure", "ogy", "ics", "ism", "ware", "base",
                  "load", "flow", "age", "ery", "ies", "ers", "ops")
_THINGS = frozenset("""who what why when where how which the this that these those it its they we our nobody everyone someone
    config cache code release deploy script server service system database db network traffic team support engineering
    ops operations management product customer client vendor provider partner legal finance security sales billing
    policy process pipeline build job cron change update upgrade patch rollback rollout migration automation monitoring
    alerting jenkins terraform ansible kubernetes helm argo puppet chef salt github gitlab bitbucket dependabot renovate
    airflow spinnaker octopus travis circle nomad consul vault docker postgres redis nginx kafka stripe okta slack aws
    azure gcp api app cdn dns ssl tls ci cd qa it hr nothing none no yes also then first later each every all another
    one two someone somebody he she you i""".split())


def _named_agent(text: str) -> re.Match | None:
    """The first "Name did X" (or "fire Name") whose name reads as a person's first name."""
    for m in _NAMED_AGENT.finditer(text):
        word = m.group("name") or m.group("object")
        low = word.lower()
        if low not in _THINGS and not low.endswith(_THING_ENDINGS):
            return m
    return None


_PERSON_BLAME_CI = re.compile(rf"{_ROLE}\s+(?:{_ROLE_VERBS})\b", re.IGNORECASE)
_HUMAN_ERROR = re.compile(
    r"\b(?:human|operator|user|people|staff|manual) (?:error|mistake)s?\b|\bpebkac\b|\bfat[- ]finger(?:ed)?\b|"
    r"\bcareless(?:ness|ly)?\b|\bnegligen(?:ce|t)\b|\bsloppy\b|\bincompeten(?:ce|t)\b|\bforgot\b|\bforgetful\b|"
    r"\bnot paying attention\b|\bdid(?:n't| not) pay attention\b|\bshould have known\b|\bjust a mistake\b|"
    r"\b(?:his|her|their) (?:mistake|fault|error)\b|\bmistake by\b|\bhuman factor\b",
    re.IGNORECASE,
)
_ASKS_WHO = re.compile(r"^\s*who\b|\bwho (?:forgot|made|caused|broke|missed|was responsible|is responsible|is to blame|did)\b",
                       re.IGNORECASE)
_WORD = re.compile(r"[a-z][a-z0-9'-]{2,}")
_STOP = STOPWORDS | frozenset(
    "the and but not can can't cannot could did didn't does doesn't was wasn't were are isn't for our their its "
    "had has have why how who all any because happen happened happens why's one two due cause caused causes root".split()
)
SAME = 0.75  # share of an answer's terms found in the text it restates


def _stem(word: str) -> str:
    word = word.strip("'-").removesuffix("'s")
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def terms(text: str) -> set[str]:
    # (a stop word is dropped before it is stemmed: "this" is not the term "thi")
    return {_stem(w) for w in _WORD.findall((text or "").lower()) if w not in _STOP} - _STOP


def restates(answer: str, other: str) -> bool:
    """The answer says (almost) nothing that `other` did not already say."""
    a, b = terms(answer), terms(other)
    if not a or not b:
        return False
    inside = len(a & b) / len(a)
    jaccard = len(a & b) / len(a | b)
    return (len(a) >= 2 and inside >= SAME) or jaccard >= 0.6


def blame_findings(text: str, people: tuple[str, ...] = ()) -> list[Finding]:
    """A person named, or a cause that stops at human error: never a root cause."""
    out: list[Finding] = []
    for name in people:
        m = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)
        if m:
            out.append(Finding(rule="names_a_person", span=m.span(), found=m.group(0), severity="error",
                               fix="ask what allowed the error: which process, tool or training gap let it through"))
            break
    if not any(f.rule == "names_a_person" for f in out):
        m = _PERSON_BLAME.search(text) or _PERSON_BLAME_CI.search(text) or _named_agent(text)
        if m:
            out.append(Finding(rule="names_a_person", span=m.span(), found=m.group(0), severity="error",
                               fix="ask what allowed the error: which process, tool or training gap let it through"))
    m = _HUMAN_ERROR.search(text)
    if m:
        out.append(Finding(rule="human_error", span=m.span(), found=m.group(0), severity="error",
                           fix="human error is where the search starts, not where it ends: ask what allowed it"))
    return out


def lint_why(answer: str, *, subject: str, problem: str, earlier: list[str], people: tuple[str, ...] = ()) -> list[Finding]:
    """The rules for one answer in the chain: blame, a restated symptom, a chain going in a circle."""
    out = blame_findings(answer, people)
    if restates(answer, subject) or (earlier and restates(answer, problem)):
        out.append(Finding(rule="restates_symptom", span=None, found=answer, severity="warning",
                           fix=f"that describes what happened, not why: why did \"{clause(subject)}\" happen?"))
    else:
        for k, prior in enumerate(earlier, 1):
            if prior != subject and restates(answer, prior):
                out.append(Finding(rule="circular_chain", span=None, found=answer, severity="warning",
                                   fix=f"that repeats level {k} (\"{clause(prior)}\"): the chain is going in a circle"))
                break
    return out


def lint_question(question: str | None, people: tuple[str, ...] = ()) -> list[Finding]:
    """What a proposed question must be: a question, short, about what allowed it, never about who."""
    q = (question or "").strip()
    if not q:
        return [Finding(rule="question_empty", span=None, found="", severity="error")]
    out = []
    if not q.endswith("?"):
        out.append(Finding(rule="question_not_a_question", span=None, found=q[-40:], severity="error"))
    if len(q) > 300:
        out.append(Finding(rule="question_too_long", span=None, found=q[:40] + "…", severity="error"))
    m = _ASKS_WHO.search(q)
    if m:
        out.append(Finding(rule="question_asks_who", span=m.span(), found=m.group(0), severity="error",
                           fix="ask what allowed it, not who did it"))
    out += [f.model_copy(update={"rule": "question_" + f.rule}) for f in blame_findings(q, people)]
    return out


def classify(text: str) -> str | None:
    """A systemic cause the organisation controls, by its cue words: process, technical or training."""
    gap = r"\b(?:no|not|never|lack(?:s|ed)?(?: of)?|without|missing|insufficient|inadequate|unclear|undefined|nobody|no one)\b[^.;]{0,40}?"
    # The gap said after what lacks it: "our design review checklist has no item for it", "the retry logic had no record".
    lacks = r"[^.;]{0,40}?\b(?:has|have|had|contains?|contained|includes?|included|gives?|gave|keeps?|kept)\s+no\b"
    cues = {
        "training": [gap + r"\b(?:train(?:ed|ing)?|onboard(?:ed|ing)?|taught|knowledge|familiar)", r"\buntrained\b",
                     r"\b(?:knowledge|skills?) gap\b"],
        "process": [gap + r"\b(?:process|procedure|checklist|runbook|playbook|owner(?:ship)?|owns|review(?:ed)?|approval|"
                    r"hand-?off|sign-?off|reminder|schedule|calendar|policy|standard|documented|documentation|assigned)",
                    r"\bmanual (?:step|task|process|renewal|procedure|check)\b", r"\bad[- ]hoc\b",
                    r"\brel(?:y|ies|ied) on (?:memory|someone|people)\b",
                    r"\b(?:process|procedure|checklist|runbook|playbook|review|policy|standard|template|handbook)s?\b" + lacks],
        "technical": [gap + r"\b(?:monitor(?:ed|ing)?|alert(?:s|ing)?|test(?:s|ed|ing)?|automat(?:ed|ion|ically)|"
                      r"validat(?:ed|ion)|checks?|redundan(?:cy|t)|failover|fallback|rate limit|capacity|limits?|"
                      r"safeguards?|circuit breaker|retr(?:y|ies))", r"\bsingle point of failure\b",
                      r"\bdesign (?:flaw|gap)\b", r"\bhard-?coded\b",
                      r"\b(?:monitoring|alerting|alerts?|tests?|test suite|retry logic|retries|validation|checks?|safeguards?|schema)\b" + lacks],
    }
    found = []
    for category, patterns in cues.items():
        for p in patterns:
            m = re.search(p, text, re.IGNORECASE)
            if m:
                found.append((m.start(), category))
    return min(found)[1] if found else None


_COMMON_START = frozenset("the a an it its this that these those our we they their there no nobody nothing none "
                          "every all some each one".split())


def clause(text: str, limit: int = 160) -> str:
    """An answer as the subject of the next question: no 'because', no final stop; a common first word
    is lower-cased (a name is not)."""
    text = " ".join((text or "").split())
    text = re.sub(r"^(?:because|since|as|due to the fact that)\s+", "", text, flags=re.IGNORECASE).rstrip(" .!?…")
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    first = text.split(" ", 1)[0]
    return lower_first(text) if first.lower() in _COMMON_START else text


def why_question(subject: str) -> str:
    return f"Why did \"{clause(subject)}\" happen?"


def allowed_question(subject: str) -> str:
    return f"What allowed \"{clause(subject)}\" to happen?"


ALLOWED_HINT = "look for the gap in process, tools or training that let it through, not for who made the mistake"
