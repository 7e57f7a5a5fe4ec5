"""Lint for every draft (Claude's, the offline templates', or a human's): find, fix, report.

Each finding names the rule, the span it was found at in the text as given, and the fix applied.
A draft passes when no error is left unfixed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field

from pydantic import BaseModel

from .injection import CREDIT as _CREDIT
from .injection import INSTRUCTION as _INSTRUCTION
from .injection import INVISIBLE as _INVISIBLE
from .injection import LINK as _LINK
from .injection import PROMISE as _PROMISE
from .injection import system_prompt_lines
from .literals import may_match, may_match_pieces

from .wording import ABUSE, ABUSE_LEAD, ABUSE_WORD
from .wording import NUMBER_WORDS as WORDS


class Finding(BaseModel):
    rule: str
    span: tuple[int, int] | None
    found: str
    fix: str | None = None
    fixed: bool = False
    severity: str = "error"  # error | warning

    def describe(self) -> str:
        where = f"@{self.span[0]}-{self.span[1]}" if self.span else ""
        return f"[{self.rule}]{where} {self.found!r}" + (f" → {self.fix}" if self.fix else "") + ("" if self.fixed or self.severity != "error" else " (NOT FIXED)")


@dataclass
class LintContext:
    kind: str = "update"  # acknowledgment | update | resolution | apology | internal | summary | human
    audience: str = "customer"  # customer | internal | exec
    next_update: str | None = None  # the SLA plan's next-update due time as written in drafts
    owner: str | None = None
    channel: str | None = None
    confirmed: bool = False
    max_credit_months: int | None = None
    impact_level: str | None = None
    customer_text: list[str] = field(default_factory=list)  # what the customer wrote: never a placeholder
    allowed_links: tuple[str, ...] = ()
    severity: str | None = None  # the record's severity: a customer message naming another one is wrong
    status: str | None = None  # the record's status: "fully resolved" before any fix is cut whole
    plan_credit_months: int | None = None  # the service credit a stored recovery plan holds, if any
    request: bool = False  # the customer asks for something with nothing gone wrong: the request is taken up, not a disruption
    other_customers: tuple[str, ...] = ()  # the database's other customers (not named in the complaint): a message names none


@dataclass
class LintResult:
    text: str
    findings: list[Finding]

    @property
    def passed(self) -> bool:
        return not any(f.severity == "error" and not f.fixed for f in self.findings)


# Blame: whole sentences that point at the customer or another team are removed; reproachful
# asides are cut out of the sentence.
_BLAME_SENTENCE = re.compile(
    # "You should have received" tells them where to look, it blames nobody.
    r"\b(?:you should(?:n't| not)? have (?!received\b)(?:\w+ed|known|read|done|seen|run|set|made|taken|sent|told|written|kept)\b|you failed to|you forgot to|you did not follow|you didn't follow|"
    r"user error|operator error|your (?:own )?fault|not our fault|not (?:our|my) (?:problem|responsibility)|"
    r"(?:another|the other|a different) team'?s? (?:fault|issue|problem|mistake|error|bug|code|change|changes|deploy(?:ment)?|release|responsibility|doing|side)|"
    r"(?:caused|broken|introduced) by (?:another|the other|a different) team|"
    r"(?:caused|broken) by (?:your|the customer'?s?) (?:team|staff|admins?|configuration|setup|mistake)|"
    r"blame (?:lies|rests) with|(?:engineering|the dev(?:elopment)? team|ops|the vendor|our vendor|"
    r"the other team|another team) (?:broke|messed up|screwed up|dropped the ball|is to blame)|"
    # the customer's side blamed in the third person, and a named colleague's work ("Customer's own proxy is also
    # misconfigured", "Dave's bad config push caused it": a note of ours for the timeline, not for the customer)
    r"(?:the )?customer(?:'s|’s) (?:own )?[\w-]+(?: [\w-]+)? (?:is|was|are|were) (?:also )?(?:misconfigured|broken|wrong|at fault|to blame)|"
    r"your (?:own )?[\w-]+(?: [\w-]+)? (?:is|was|are|were) (?:also )?(?:misconfigured|at fault|to blame)|"
    r"(?-i:\b(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September"
    r"|October|November|December|Today|Yesterday|Last|This|Our|Your|The)\b)[A-Z][a-z]{1,11}(?:'s|’s)) (?:bad|wrong|broken|faulty|botched|careless|sloppy)\b)",
    re.IGNORECASE,
)
_BLAME_ASIDE = re.compile(
    r"(?:,[ \t]*)?\b(?:as (?:we|I) (?:already |previously )?(?:told|explained to|informed|mentioned to) you(?: before)?|"
    r"as (?:previously|already) (?:stated|explained|mentioned)|per my (?:last|previous) (?:email|message)|"
    r"as you (?:should|would) know|obviously|clearly you|if you had read)\b,?[ \t]*",  # never across a line break
    re.IGNORECASE,
)
# Subject tags a message may carry in brackets: "[URGENT] We're on it", "[UPDATE] ESC-4", "[SEV-1] ESC-4".
SUBJECT_TAGS = frozenset({"URGENT", "UPDATE", "RESOLVED", "CLOSED", "INTERNAL", "EXTERNAL", "ACTION REQUIRED", "FYI",
                          "INFO", "REMINDER", "FOLLOW UP", "FOLLOW-UP", "ESCALATION", "INCIDENT", "OUTAGE"})
_PLACEHOLDER = re.compile(
    # "[TIME]", "[CUSTOMER NAME]", "[LINK]": a blank in capitals (a subject tag is skipped where it is matched)
    r"\[(?P<caps>[A-Z][A-Z_/-]*(?: [A-Z][A-Z_/-]*){0,3})\]|"
    r"\[(?:[A-Z][a-z]+(?: [A-Za-z]+){0,4}|[a-z]+(?: [a-z]+){0,2})\]|\{\{.*?\}\}|\{%.*?%\}|\bTODO\b|\bTBD\b|\bXXX\b|"
    r"<(?:[A-Za-z_ ]{1,30})>|\bINSERT\b",
)
_PLACEHOLDER_MARKS = ("[", "{", "<", "TODO", "TBD", "XXX", "INSERT")  # every placeholder holds one: without any, no search
_SENTENCE = re.compile(r"[^.!?\n]*[.!?]+[ \t]*|[^.!?\n]+|\n")
# A promised time: "16:00", "4pm", "4:30 p.m.", with an optional zone label (upper case only: "by 16:00
# tomorrow" must not read "tomor" as a zone) and day ("today", "on Wed 25 Nov 2026", "on Friday").
_CLOCK_TIME = (
    r"(?:\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)(?!\w)|\d{1,2}[:.]\d{2}\b|noon\b|midday\b|midnight\b)"
    r"(?:\s+(?-i:[A-Z]{2,5})\b|\s+(?:UTC|GMT)?[+-]\d{1,2}(?::\d{2})?)?"
    r"(?:\s+(?:today|tomorrow|tonight|this (?:morning|afternoon|evening))\b"
    r"|\s+on\s+(?:\w{3,9},?\s+\d{1,2}\s+\w{3,9}(?:\s+\d{4})?\b|\w+day\b|\d{1,2}\s+\w{3,9}(?:\s+\d{4})?\b"
    r"|\w{3,9}\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?\b))?"
)
_TIME_PROMISE = re.compile(
    r"(?:(?:hear from (?:me|us)|(?:next|an?) update|update you|get back to you|be in touch)[^.\n]{0,40}?\b(?:by|before|no later than)\s+)"
    r"(?P<time>" + _CLOCK_TIME + r")",
    re.IGNORECASE,
)
NUMBER_WORDS = {v: k for k, v in WORDS.items() if k not in ("a", "an")}
_FULLY_RESOLVED = re.compile(
    r"\b(?:fully|completely|totally|permanently|100\s?%)\s+(?P<verb>resolved|fixed)\b|\b(?P<never>will never happen again)\b", re.IGNORECASE
)
_IMPACT = re.compile(r"\b(?:impact|disrupt\w*|affect\w*|inconvenien\w*|frustrat\w*|cost you|sorry|apologi[sz]e)\b", re.IGNORECASE)
# A request with nothing gone wrong has no impact to acknowledge: the draft takes the request up instead.
REQUEST_TAKEN_UP = "I'm glad to help with this"
_TAKEN_UP = re.compile(r"\b(?:glad|happy|pleased)\s+to\s+help\b|\bthank\s+you\s+for\s+(?:your|the|this)\s+request\b", re.IGNORECASE)
_TIMELINE = re.compile(
    r"\b(?:by \d{1,2}[:.]\d{2}|within \d+ (?:minutes?|hours?|days?|business days?)|by (?:today|tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|end of day)|"
    r"next update|ETA|estimated|\d{1,2}[:.]\d{2} \w+ on|on \w+day|no later than)\b",
    re.IGNORECASE,
)
CUSTOMER_FACING = ("acknowledgment", "update", "resolution", "apology", "summary", "human")
NEEDS_NEXT_UPDATE = ("acknowledgment", "update")


def _mask(text: str, protected: list[str]) -> list[tuple[int, int]]:
    """Spans of the draft that quote the customer's own text (never flagged as placeholders)."""
    spans = []
    for part in protected:
        part = part.strip()
        if len(part) < 2:
            continue
        for line in {part, *[p for p in part.splitlines() if len(p.strip()) >= 2]}:
            start = 0
            while (i := text.find(line, start)) >= 0:
                spans.append((i, i + len(line)))
                start = i + 1
    return spans


def _inside(span: tuple[int, int], masks: list[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in masks)


_PRONOUNS = frozenset(
    "i me my mine myself we us our ours ourselves you your yours yourself yourselves".split())
_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    """Lower-case words with every personal pronoun made alike, so 'our agents' (the customer) and
    'your agents' (the same words addressed back to them) compare equal."""
    return ["~" if w in _PRONOUNS else w for w in (m.group(0).lower() for m in _WORD.finditer(text))]


def _quoted(text: str, start: int, end: int, customer_text: list[str], context: int, *, exact: bool = False) -> bool:
    """Whether text[start:end] repeats what the customer wrote: the same words (pronouns aside) with
    `context` words of the draft around them. A bare phrase ('It was user error.') is never a quote;
    `exact` also asks for the phrase itself verbatim (a placeholder's braces and brackets)."""
    phrase = text[start:end]
    if exact and not any(phrase in part for part in customer_text):
        return False
    hit, before, after = _words(phrase), _words(text[:start]), _words(text[end:])
    if len(before) + len(after) < context:
        return False
    haystacks = [" " + " ".join(_words(part)) + " " for part in customer_text if part]
    for k in range(context + 1):
        if k > len(before) or context - k > len(after):
            continue
        left = before[len(before) - k:] if k else []
        window = " " + " ".join([*left, *hit, *after[: context - k]]) + " "
        if any(window in hay for hay in haystacks):
            return True
    return False


_ATTRIBUTION = re.compile(
    r"\b(?:said|says|told (?:us|you|me)|wrote|mentioned|reported|described|noted|explained|quoted|claimed)\b|"
    r"\bI understand\b|\byour (?:message|email|note|ticket|report|words)\b|\bin your words\b|[\"“«]",
    re.IGNORECASE,
)


_ABUSE_SENTENCE = re.compile(
    r"\b[\w-]+\s+(?:[\w-]+\s+){0,2}?(?:is|are|was|were|'s|’s|'re|’re|seems?|looks?\s+like)\s+"
    + ABUSE_LEAD + ABUSE + r"\b", re.IGNORECASE)


@lru_cache(maxsize=64)
def _others_named(names: tuple[str, ...]) -> re.Pattern | None:
    """One pattern for the other customers' names (three characters or more), whole words, as written: a name is a
    proper noun, and a customer called "Target" must not take every "resolution target" with it."""
    names = tuple(n.strip() for n in names if len(n.strip()) >= 3 and n.strip() != n.strip().lower())
    if not names:
        return None
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?![\w-])")


def _remove_sentences(text: str, findings: list, rule: str, found_in, fix: bool) -> str:
    """A finding of `rule` for each sentence in which found_in(sentence) finds words, and with fix the sentence
    removed (REMOVED in its place)."""
    out = []
    for sentence in _SENTENCE.finditer(text):
        found = found_in(sentence)
        if found:
            body = sentence.group(0).strip()
            start = sentence.start() + sentence.group(0).index(body[:1]) if body else sentence.start()
            findings.append(Finding(rule=rule, span=(start, start + len(body)), found=found,
                                    fix="sentence removed" if fix else None, fixed=fix))
            if fix:
                out.append(REMOVED)
                continue
        out.append(sentence.group(0))
    return "".join(out) if fix else text


def _attributed(text: str, start: int) -> bool:
    """Whether the sentence gives the words that follow to the customer ('you told us …', a quote mark):
    only then may a draft repeat blame or a 'fully resolved' the customer wrote. A model that parrots an
    injected phrase without attributing it gets no pass."""
    sentence_start = max(text.rfind(ch, 0, start) for ch in ".!?\n") + 1
    return bool(_ATTRIBUTION.search(text, sentence_start, start))


def _cut(text: str, start: int, end: int, keep_comma: bool) -> tuple[str, int]:
    """Remove text[start:end]; a sentence that now starts lower-case gets its capital back."""
    head, tail = text[:start] + (" " if keep_comma else ""), text[end:]
    if tail[:1].islower() and (not head.strip(" \t") or head.rstrip(" \t")[-1:] in ".!?\n"):
        tail = tail[0].upper() + tail[1:]
    return head + tail, len(head)


def _n(value: str) -> int:
    return int(value) if value.isdigit() else WORDS.get(value.lower(), 1)


def _months(m: re.Match) -> int:
    return 12 if m.group("year") else _n(m.group("n") or m.group("n2") or m.group("n3") or m.group("n4"))


_CREDIT_WORD = re.compile(r"\b(?:credit(?:s|ed|ing)?|refund(?:s|ed|ing)?|reimburs\w*|waiv(?:e|ed|ing)|free\s+of\s+charge"
                          r"|(?:not|n't|never)\s+be\s+(?:charged|billed|invoiced))\b", re.IGNORECASE)
# a credit given as a gesture (an amount of it cannot be checked against a limit in months), not money returned
_CREDIT_OFFER = re.compile(r"\b(?:service|account|goodwill)\s+credit\b|\bcredit\s+(?:of|worth|note)\b|\bcredit(?:ing|ed)?\s+(?:to\s+)?(?:your|the)\s+account\b", re.IGNORECASE)
# money that was ours to give back: a double charge refunded, an overcharge credited
_OWED = re.compile(r"\b(?:overcharg\w*|double[- ]charg\w*|charged\s+(?:you\s+)?twice|duplicate|in\s+error|wrongly|by\s+mistake|incorrectly)\b|\bcredit\s+(?:cards?|reports?|limits?|scores?)\b", re.IGNORECASE)
_MONEY_AMOUNT = re.compile(r"[$€£¥]\s?\d|\b\d[\d,.]*\s?(?:k\b|usd|eur|gbp|chf|dollars?|euros?|pounds?)\b|\b(?:usd|eur|gbp|chf)\s?\d", re.IGNORECASE)
_PERIOD = re.compile(r"\b(?P<quarter>a\s+(?:full\s+)?quarter)\b|\b(?P<half>half\s+a\s+year|six\s+months)\b|\b(?P<year>a\s+(?:full\s+)?year|twelve\s+months)\b"
                     r"|\b(?P<n>\d+|two|three|four|five|seven|eight|nine|ten|eleven)\s+(?:full\s+)?months?\b", re.IGNORECASE)
_MONTH_NAME = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b")
_FOR_MONTHS = re.compile(r"\b(?:charged|billed|invoiced|free|credit(?:ed)?|waived?)\s+(?:you\s+)?(?:for|in|over|during|through)\b", re.IGNORECASE)


def _period_months(sentence: str) -> int | None:
    """The months a credit sentence gives away when it says so in other words than a credit: "a full
    quarter" (3), "three months of your plan", "not charged for December, January and February" (3)."""
    m = _PERIOD.search(sentence)
    if m:
        return 3 if m.group("quarter") else 6 if m.group("half") else 12 if m.group("year") else _n(m.group("n"))
    listed = _FOR_MONTHS.search(sentence)
    if listed:
        names = set(_MONTH_NAME.findall(sentence, listed.end()))
        return len(names) or None
    return None


def _credit_words(m: re.Match, months: int) -> str:
    """The credit the recovery plan holds, in the place of the over-policy one ("a six-month credit" ->
    "a one-month service credit")."""
    words = NUMBER_WORDS.get(months, str(months))
    if m.group("art"):
        out = f"{'an' if words in ('eight', 'eleven') else 'a'} {words}-month service credit"
    else:
        out = f"{words} month{'s' if months > 1 else ''} of service credit"
    return out[:1].upper() + out[1:] if m.group(0)[:1].isupper() else out


def _drop(text: str, spans: list[tuple[int, int]]) -> str:
    """The text without each sentence that holds one of the spans; no blank runs or empty bullets left."""
    if not spans:
        return text
    kept = [REMOVED if s.group(0) != "\n" and any(s.start() < b and a < s.end() for a, b in spans) else s.group(0)
            for s in _SENTENCE.finditer(text)]
    return tidy("".join(kept))


REMOVED = "\x00"  # where a sentence was removed: a line left holding nothing else goes with it


def tidy(text: str) -> str:
    """After removals: no emptied line, no empty bullet, no line of spaces, no run of blank lines, no doubled space."""
    text = re.sub(r"^[ \t]*(?:[-*•][ \t]*)?(?:\x00[ \t]*)+(?:\n|$)", "", text, flags=re.MULTILINE).replace(REMOVED, "")
    text = re.sub(r"^[ \t]*[-*•][ \t]*$\n?", "", text, flags=re.MULTILINE)
    text = re.sub(r"(?<=\S)[ \t]{2,}(?=\S)", " ", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.lstrip("\n")


def _matches(pattern: re.Pattern, text: str):
    """pattern.finditer(text), not searched when the text lacks every word the pattern needs."""
    return pattern.finditer(text) if may_match(pattern, text) else ()


def lint(text: str, ctx: LintContext, *, fix: bool = True) -> LintResult:
    findings: list[Finding] = []
    original = text

    def where(found: str, near: int) -> tuple[int, int] | None:
        """The span of `found` in the text as given (earlier fixes may have moved it): the occurrence nearest `near`."""
        starts, i = [], original.find(found)
        while i >= 0:
            starts.append(i)
            i = original.find(found, i + 1)
        if not starts:
            return None
        start = min(starts, key=lambda i: abs(i - near))
        return (start, start + len(found))

    # 1. Blame language: sentences removed, asides cut. The customer's own words quoted back
    #    ("your agent said it was user error, but ...") blame nobody and stay.
    def blames(source: str, m: re.Match) -> bool:
        return not (_attributed(source, m.start()) and _quoted(source, m.start(), m.end(), ctx.customer_text, 4))

    def blame_in(sentence: re.Match) -> str | None:
        hit = next((h for h in _BLAME_SENTENCE.finditer(text, sentence.start(), sentence.end()) if blames(text, h)), None)
        return hit.group(0) if hit else None

    if may_match(_BLAME_SENTENCE, text):  # else no sentence can blame: none is searched
        text = _remove_sentences(text, findings, "blame_language", blame_in, fix)

    asides = [m for m in _matches(_BLAME_ASIDE, text) if blames(text, m)]
    for m in asides:
        phrase = m.group(0).strip(" ,")
        findings.append(Finding(rule="blame_language", span=where(phrase, m.start()),
                                found=phrase, fix="phrase removed" if fix else None, fixed=fix))
    if fix and asides:
        for m in reversed(asides):
            text, _ = _cut(text, m.start(), m.end(), keep_comma=m.group(0).startswith(","))
        text = re.sub(r"[ \t]{2,}", " ", text)

    customer_facing = ctx.audience == "customer" and ctx.kind in CUSTOMER_FACING

    # 1a. Abuse said of anyone ("our product is garbage", "your team are idiots"): a customer's insult restated,
    #     even as their words, is never ours to send; the sentence goes.
    # 1b. Another customer named ("Globex and Initech also hit", from a note logged for the timeline): whose else was
    #     hit is never this customer's to read; the sentence goes (unless the customer named them first).
    others = _others_named(ctx.other_customers)
    if customer_facing and others is not None and others.search(text):
        text = _remove_sentences(text, findings, "other_customer", lambda s: (m := others.search(s.group(0))) and m.group(0), fix)
    if customer_facing and may_match(ABUSE_WORD, text) and ABUSE_WORD.search(text):  # (a search costs five times the test)
        abuse_in = lambda sentence: (hit := _ABUSE_SENTENCE.search(sentence.group(0))) and hit.group(0)  # noqa: E731
        text = _remove_sentences(text, findings, "abusive_language", abuse_in, fix)

    # 1b. What an injected complaint may smuggle into a reply through a model that obeyed it:
    #     system prompt text, instructions to the model, promises nobody approved.
    text = _smuggled(text, ctx, findings, where, fix)

    # 2. Unfilled placeholders (not the customer's own words quoted back).
    masks = _mask(text, ctx.customer_text)
    for m in _PLACEHOLDER.finditer(text) if any(mark in text for mark in _PLACEHOLDER_MARKS) else ():
        if m.group("caps") and m.group("caps") in SUBJECT_TAGS:
            continue
        if not _inside(m.span(), masks) and not _quoted(text, m.start(), m.end(), ctx.customer_text, 1, exact=True):
            findings.append(Finding(rule="unfilled_placeholder", span=where(m.group(0), m.start()), found=m.group(0)))

    # 3. Links nobody approved (an injected link must never reach a customer). A subject line never
    #    needs one, even one the customer wrote (a model's summary can carry an injected link there).
    #    The customer's own link may be quoted back as what it is ("the page https://… fails"), never
    #    as a place to go ("log in at https://…"): that is how an injected link would reach a reader.
    link_masks = [] if ctx.kind == "subject" else [span for span in masks if not _sends_to_link(text, span)]
    links = list(_matches(_LINK, text))
    for m in links:
        if _inside(m.span(), link_masks) or any(allowed in m.group(0) for allowed in ctx.allowed_links):
            continue
        findings.append(Finding(rule="unapproved_link", span=where(m.group(0), m.start()), found=m.group(0),
                                fix="link removed" if fix else None, fixed=fix))
    if fix and links:
        text = _LINK.sub(lambda m: m.group(0) if _inside(m.span(), link_masks) or any(a in m.group(0) for a in ctx.allowed_links) else "(link removed)", text)

    # 4. Service credits within the recovery policy for the impact level. Lint writes no offer: a credit
    #    over the limit is cut to the credit a stored recovery plan holds, else its sentence goes.
    if ctx.max_credit_months is not None:
        held = ctx.plan_credit_months if ctx.plan_credit_months and ctx.plan_credit_months <= ctx.max_credit_months else None
        over = [m for m in _matches(_CREDIT, text) if _months(m) > ctx.max_credit_months]
        level = ctx.impact_level or "this"
        for m in over:
            why = (f"cut to the {held}-month credit the recovery plan holds (limit {ctx.max_credit_months} at {level} impact)"
                   if held else f"sentence removed: over the {ctx.max_credit_months}-month limit at {level} impact, "
                                "and no recovery plan holds a credit")
            findings.append(Finding(rule="credit_within_policy", span=where(m.group(0), m.start()), found=m.group(0),
                                    fix=why if fix else None, fixed=fix))
        if fix and over and held:
            text = _CREDIT.sub(lambda m: _credit_words(m, held) if _months(m) > ctx.max_credit_months else m.group(0), text)
        elif fix and over:
            text = _drop(text, [m.span() for m in over])
        # A credit said another way: "a full quarter of your subscription", "not charged for December, January
        # and February" (months counted), "$25,000" (an amount: no check against a limit in months can pass it).
        unchecked = []
        for sentence in _SENTENCE.finditer(text):
            said = sentence.group(0)
            credit = _CREDIT_WORD.search(said)
            if not credit or _OWED.search(said) or any(_months(m) <= ctx.max_credit_months for m in _matches(_CREDIT, said)):
                continue  # no credit, or one stated in months within the limit (its amount in brackets is that credit)
            if _quoted(text, sentence.start() + credit.start(), sentence.start() + credit.end(), ctx.customer_text, 4):
                continue  # the customer's own request quoted back
            months = _period_months(said)
            if months is not None and months <= ctx.max_credit_months:
                continue
            if months is None and not (_MONEY_AMOUNT.search(said) and _CREDIT_OFFER.search(said)):
                continue
            found = said.strip()
            why = (f"sentence removed: {months} months is over the {ctx.max_credit_months}-month limit at {level} impact"
                   if months is not None else
                   f"sentence removed: a credit given as an amount cannot be checked against the {ctx.max_credit_months}-month "
                   f"limit at {level} impact (state it in months, as the recovery plan does)")
            findings.append(Finding(rule="credit_within_policy", span=where(found, sentence.start()), found=found,
                                    fix=why if fix else None, fixed=fix))
            unchecked.append(sentence.span())
        if fix and unchecked:
            text = _drop(text, unchecked)

    # 5. No "fully resolved" before the customer confirmed: the qualifier goes while the fix waits for their
    #    confirmation; before any fix, the whole claim does (lint never writes a status).
    def claims_in(text: str) -> list[re.Match]:
        return [m for m in _matches(_FULLY_RESOLVED, text)
                if not (_attributed(text, m.start()) and _quoted(text, m.start(), m.end(), ctx.customer_text, 4))]

    if not ctx.confirmed:
        claims = claims_in(text)
        trim = ctx.status in ("resolved", "confirmed", "closed")
        for m in claims:
            if m.group("never"):
                why = "sentence removed: nobody can promise it"
            elif trim:
                why = f"{m.group(0).split()[0]!r} removed: the customer has not confirmed the fix"
            else:
                why = f"sentence removed: the escalation is {ctx.status or 'not resolved'}, not resolved"
            findings.append(Finding(rule="premature_resolution_claim", span=where(m.group(0), m.start()), found=m.group(0),
                                    fix=why if fix else None, fixed=fix))
        if fix and claims:
            text = _drop(text, [m.span() for m in claims if m.group("never") or not trim])
            for m in reversed(claims_in(text) if trim else []):  # what is left: "fully resolved" -> "resolved"
                text = text[: m.start()] + m.group("verb") + text[m.end():]

    if customer_facing:
        # 6. The next update time is the SLA plan's: a sentence promising another time goes. A draft
        #    without the clock's time is flagged; drafting adds it from the clock (agent/completion.py).
        if ctx.kind in NEEDS_NEXT_UPDATE and ctx.next_update:
            promises = list(_matches(_TIME_PROMISE, text))
            wrong = [m for m in promises if ctx.next_update not in m.group(0) and not ctx.next_update.startswith(m.group("time"))]
            for m in wrong:
                findings.append(Finding(rule="next_update_time", span=where(m.group("time"), m.start("time")), found=m.group("time"),
                                        fix=f"sentence removed: the clock says {ctx.next_update}" if fix else None, fixed=fix))
            if fix and wrong:
                text = _drop(text, [m.span("time") for m in wrong])
            if ctx.next_update not in text:
                findings.append(Finding(rule="next_update_time", span=None, found="no next-update time",
                                        fix=f"needs: by {ctx.next_update}"))
    # 7. A single point of contact, with name and channel.
        if ctx.owner and ctx.channel and not (ctx.owner in text and ctx.channel in text):
            findings.append(Finding(rule="single_point_of_contact", span=None, found="no named contact with a channel",
                                    fix=f"needs: {ctx.owner}, {ctx.channel}"))
        # 8. Impact acknowledged (a request: taken up).
        if not _IMPACT.search(text) and not (ctx.request and _TAKEN_UP.search(text)):
            findings.append(Finding(rule="impact_acknowledged", span=None, found="the impact on the customer is not acknowledged",
                                    fix="needs: an acknowledgment of the disruption"))
        # 9. Specific next steps: a timeline, even an estimate.
        if not _TIMELINE.search(text):
            findings.append(Finding(rule="specific_next_steps", span=None, found="no timeline or estimate for the next step",
                                    severity="warning"))
    if fix and (REMOVED in text or any(f.fixed for f in findings)):
        text = tidy(text)
    return LintResult(text=text if fix else original, findings=findings)


# -- injected text -----------------------------------------------------------------------------

# Instructions addressed to a model ("ignore previous instructions", "classify this as SEV-4",
# "</complaint>") have no place in any message: the sentence goes.
def _smuggled(text: str, ctx: LintContext, findings: list[Finding], where, fix: bool) -> str:
    leaked = set(system_prompt_lines(text))
    if leaked:
        kept = []
        for line in text.split("\n"):
            if line in leaked:
                findings.append(Finding(rule="system_prompt_leak", span=where(line.strip(), text.find(line)), found=line.strip()[:200],
                                        fix="line removed" if fix else None, fixed=fix))
                if fix:
                    continue
            kept.append(line)
        text = "\n".join(kept)
    checks = [("injected_instruction", _INSTRUCTION)]
    if ctx.kind == "subject" or (ctx.kind != "internal" and ctx.audience == "customer"):
        # a note to our own people (internal or exec) may report what the customer asked for ("a full refund")
        checks.append(("unapproved_promise", _PROMISE))
    if ctx.kind == "subject":  # a subject line makes no offer at all, not even a credit within policy
        checks.append(("unapproved_promise", _CREDIT))
    if ctx.severity and ctx.audience == "customer" and ctx.kind in NEEDS_NEXT_UPDATE:
        # A claim about the current severity ("this is SEV-4", "downgraded to SEV-4") in an acknowledgment or
        # an update; history ("Severity changed from SEV-1 to SEV-2", "it was SEV-1") is a fact and stays.
        checks.append(("severity_mismatch", re.compile(
            r"(?<!from )(?<!was )(?<!previously )(?<!originally )(?<!initially )(?<!earlier )"
            r"\bSEV-?\s?(?!" + re.escape(ctx.severity[-1]) + r"\b)[1-4]\b", re.IGNORECASE)))
    visible = _INVISIBLE.sub("", text)
    # The rest match no sentence. A sentence below is cut only next to a non-word character ([.!?] and
    # blanks end it, a line break stands alone), as may_match_pieces needs: the injection pattern has a
    # branch without a sure literal ("note to the AI"), so its branches are tested one by one.
    checks = [(rule, pattern) for rule, pattern in checks
              if (may_match_pieces(pattern, visible) if pattern is _INSTRUCTION else may_match(pattern, visible))]
    if not checks:  # the sentences put back together are the text
        return text
    out, cut = [], False
    subject = ctx.kind == "subject"  # one templated line: keep what comes before the injected text
    for sentence in _SENTENCE.finditer(text):
        probe = _INVISIBLE.sub("", sentence.group(0))
        hit = next(((rule, m) for rule, pattern in checks if (m := pattern.search(probe))), None)
        if hit:
            body = sentence.group(0).strip()
            findings.append(Finding(rule=hit[0], span=where(body, sentence.start()), found=hit[1].group(0),
                                    fix=("text cut" if subject else "sentence removed") if fix else None, fixed=fix))
            if fix:
                cut = True
                if subject:  # back to the separator before it: "We're on it - <injected summary>"
                    head = probe[: hit[1].start()]
                    seps = [head.rfind(sep) for sep in (" - ", ": ", " \u2013 ", " \u2014 ")]
                    out.append(head[: max(seps)] if max(seps) > 0 else head)
                    break  # and the rest of the line with it
                out.append(REMOVED)
                continue
        out.append(sentence.group(0))
    if not fix:
        return text
    text = "".join(out)
    return text.rstrip(" \t-\u2013\u2014:;,") if subject and cut else text


_CALL_TO_ACTION = re.compile(
    r"(?:\b(?:visit|click(?:\s+here)?|go\s+to|head\s+to|see|open|use|browse\s+to|navigate\s+to|here)\s*[:\-]?\s*|"
    r"\b(?:log\s?in|sign\s?in|log\s+on|reset|pay|verify|follow|claim|register|update|confirm|download|install|enter|submit|settle|track)"
    r"\b[^.\n]{0,40}?\b(?:at|on|via|through|using|from|here)\s*[:\-]?\s*|\]\(\s*)$",
    re.IGNORECASE,
)


def _sends_to_link(text: str, span: tuple[int, int]) -> bool:
    """Whether a quoted span of customer text holds a link that the words before it send the reader to."""
    return any(_CALL_TO_ACTION.search(text[max(0, m.start() - 80): m.start()].rsplit("\n", 1)[-1])
               for m in _LINK.finditer(text, span[0], span[1]))
