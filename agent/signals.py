"""Deterministic reading of a complaint: cues per severity criterion and type, numbers, terms.

Everything here is a pure function of the text. What the text claims about its own severity or
classification is taken out first (agent/claims.py): `text` is the complaint without its claims,
`original` as given, `claims` what was taken out. Each cue keeps the span it came from in `text`
so that every conclusion can quote the customer's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property

from . import claims as _claims
from . import situations as _situations
from . import windows as _windows
from .literals import IGNORECASE, may_match
from .cues import (
    BROAD_SCOPE,
    CRITERIA,
    CRITICAL_PROCESS,
    EXTRA_CUES,
    FLAGS,
    GATES,
    LEGAL_THREAT,
    PUBLIC,
    REGULATORY_ACRONYMS,
    REGULATORY_OBLIGATION,
    STARTED,
    TIER_CUES,
    TRIED,
    TYPE_CUES,
    WORKAROUND_NO,
    WORKAROUND_YES,
    _ADVERB_PERIOD,
    _FOREIGN_PERIOD,
    _ALL_USERS,
    _CASED_GATES,
    _DOCUMENT_REQUEST,
    _REGULATOR_ACTING,
    _VENDOR_REVIEW,
    _HEDGE,
    _MANY,
    _MANY_USERS,
    _MONEY,
    _NUM,
    _PEOPLE,
    _IMPLIED_MONEY,
    _MOVED_SUM,
    _NEGATION,
    _PERIOD,
    _SCOPE_END,
    SENTENCE,
    _TEAM_OF,
    _USERS,
    _lc,
)
from .schemas import Tier
from .wording import NUMBER_WORDS

@dataclass(frozen=True)
class Cue:
    kind: str
    phrase: str
    start: int
    end: int
    hedged: bool = False


@dataclass(frozen=True)
class Quantity:
    value: float | None
    evidence: str
    unit: str = ""


def _period(tail: re.Match) -> str:
    """The period a sum is lost or paid in, in English: "per hour", "hourly", "par heure" are all "hour"."""
    if tail.group("period"):
        return tail.group("period")
    return _ADVERB_PERIOD[tail.group("adverb")] if tail.group("adverb") else _FOREIGN_PERIOD[tail.group("foreign")]


def _scale(raw: str) -> float:
    raw = raw.strip().lower()
    mult = 1
    for suffix, m in (("thousand", 1e3), ("million", 1e6), ("billion", 1e9), ("bn", 1e9), ("k", 1e3), ("m", 1e6), ("mil", 1e3),
                      ("millones", 1e6), ("millions", 1e6), ("milhões", 1e6), ("milhoes", 1e6), ("millionen", 1e6), ("mio", 1e6)):
        if raw.endswith(suffix):
            mult, raw = m, raw[: -len(suffix)].strip()
            break
    # "1,200", "1.200" and "1 200" are thousands; "2.5" is a decimal.
    if re.fullmatch(r"\d{1,3}(?:[,\.]\d{3})+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+", raw):
        raw = re.sub(r"[,\. \u00a0\u202f]", "", raw)
    try:
        return float(raw) * mult
    except ValueError:
        return 0.0


_LAST: "Signals | None" = None  # the last text read (Signals.read)


@dataclass
class Signals:
    text: str
    tier: Tier | None = None
    cues: dict[str, list[Cue]] = field(default_factory=dict)
    original: str = ""
    claims: tuple[_claims.Claim, ...] = ()
    _places: _windows.Places | None = field(default=None, repr=False, compare=False)

    @classmethod
    def read(cls, text: str, tier: Tier | None = None) -> "Signals":
        # The last text read is kept: a security acknowledgment reads again the complaint its triage has just
        # read (drafting.exposure_described), about 2 ms. Nothing found depends on the tier, which is only kept.
        global _LAST
        last = _LAST
        if last is not None and last.original == text:
            return replace(last, tier=tier, cues=dict(last.cues))
        _LAST = sig = cls._read(text, tier)
        return sig

    @classmethod
    def _read(cls, text: str, tier: Tier | None) -> "Signals":
        reading = _claims.read(text)
        sig = cls(text=reading.text, tier=tier, original=text, claims=reading.claims)
        low = sig.lower
        sig._places = _finder().read(low)
        for name, (pattern, negatable) in CRITERIA.items():
            gate = GATES.get(name)
            found = [] if gate and not any(g in low for g in gate) else sig._find(name, pattern, negatable)
            for extra, gate in EXTRA_CUES.get(name, ()):
                if any(g in low for g in gate):
                    found = _merge(found, sig._find(name, extra, negatable))
            sig.cues[name] = found
        for name, pattern in TYPE_CUES.items():
            sig.cues[f"type_{name}"] = sig._find(f"type_{name}", pattern, False, hedgeable=False)
        for name, pattern in (
            ("regulatory", REGULATORY_OBLIGATION),
            ("legal", LEGAL_THREAT),
            ("public", PUBLIC),
            ("critical", CRITICAL_PROCESS),
            ("broad", BROAD_SCOPE),
            ("tried", TRIED),
            ("started", STARTED),
            ("workaround_yes", WORKAROUND_YES),
            ("workaround_no", WORKAROUND_NO),
        ):
            gate = GATES.get(name)
            negatable = name in ("public", "regulatory", "legal")
            found = [] if gate and not any(g in low for g in gate) else sig._find(name, pattern, negatable, hedgeable=negatable)
            sig.cues[name] = found
        sig._refine()
        return sig

    def _refine(self) -> None:
        """Cues that need more than one pattern or a look at their surroundings."""
        low = self.lower
        cues = self.cues
        # Case-sensitive extras: SEC/ICO-style acronyms, and "signed in from Vietnam".
        for kind, pattern in (("regulatory", REGULATORY_ACRONYMS), ("security_concern", _CASED_SIGN_IN)):
            gate = _CASED_GATES[kind]
            extra = self._find(kind, pattern, True, text=self.text) if any(g in self.text for g in gate) else []
            if extra:
                cues[kind] = sorted(cues[kind] + extra, key=lambda c: c.start)
        # A regulation named in a request for a document is not exposure to it.
        regulatory, requests = [], []
        review = bool(cues["regulatory"]) and _VENDOR_REVIEW.search(low) is not None and _DOCUMENT_REQUEST.search(low) is not None
        acting = bool(cues["regulatory"]) and _REGULATOR_ACTING.search(low) is not None  # what a regulator asks is no paperwork
        for cue in cues["regulatory"]:
            lo, hi = _sentence_bounds(low, cue.start, cue.end)
            (requests if not acting and (review or _DOCUMENT_REQUEST.search(low, lo, hi)) else regulatory).append(cue)
        cues["regulatory"], cues["regulatory_request"] = regulatory, requests
        # "This is fraud" accuses the company; "fraudulent charges" or "a fraud alert" is a third party's doing.
        cues["security_concern"] = [c for c in cues["security_concern"] if not _accuses(low, c)]
        # Situations read by composition (agent/situations.py), each quoted by the sentence it was found in.
        for kind in (*_situations.KINDS, "takeover_attempt"):
            cues[kind] = []
        for found in _situations.find(low, self._places):
            kind = "takeover_attempt" if found.kind == "takeover" and found.attempt else found.kind
            start = found.start + len(self.text[found.start : found.end]) - len(self.text[found.start : found.end].lstrip())
            cues[kind].append(Cue(kind, self.text[start : found.end], start, found.end, found.hedged))
        # Money moved wrongly is a billing error, whatever the words.
        if cues["money_moved"]:
            cues["billing_error"] = _merge(cues["billing_error"], [c for c in cues["money_moved"] if not c.hedged])
        # ... and paid to the wrong party, a third party now holds it: "payouts went to the wrong vendors"
        cues["money_misdirected"] = [c for c in cues["money_moved"] if not c.hedged and _situations.MISDIRECTED.search(low, c.start, c.end)]
        # "We tried re-running it manually three times" is an attempt, not a way to keep working.
        if cues["workaround_yes"]:
            cues["workaround_yes"] = [c for c in cues["workaround_yes"] if not _attempted_by_hand(low, c)]
        # "We upgraded to v5.2 yesterday and since then checkout fails": the change it started with, not a try at a fix.
        if cues["tried"]:
            cues["tried"] = [c for c in cues["tried"] if not _change_it_began_with(low, c)]
        # After "a partial outage", "the outage" is the same partial one.
        partial = next((c for c in cues["partial_outage"] if "outage" in c.phrase.lower()), None)
        if partial:
            cues["outage"] = [c for c in cues["outage"] if c.start < partial.start or c.phrase.lower() != "outage"]
        # "CRITICAL OUTAGE!!! Your product is BROKEN because it does not support exporting to Excel": a missing
        # feature shouted as an outage is a feature request; the label and the sentence asking for it say no outage.
        wanted = _FEATURE_REQUEST.search(low)

        def cue(kind: str, m: re.Match) -> Cue:
            return Cue(kind, self.text[m.start():m.end()], m.start(), m.end())

        def add_minor(m: re.Match) -> None:
            cues["minor"] = sorted(cues["minor"] + [cue("minor", m)], key=lambda c: c.start)

        def label(c: Cue) -> bool:  # a sentence of three words at most: "TOTAL OUTAGE!!!", or a verdict: "THIS IS A CRITICAL OUTAGE"
            sentence = low[slice(*_sentence_bounds(low, c.start, c.end))]
            return len(sentence.split()) <= 3 or _VERDICT_LABEL.match(sentence) is not None

        # (a plain "X does not support Y" is left as read; beside a typo, only the verdict goes: "THIS IS A CRITICAL
        # OUTAGE. The word 'Recieved' is misspelled" had been SEV-1)
        if (wanted or cues["minor"] or cues["ui_text"]) and any(label(c) for c in cues["outage"]):
            for kind in ("outage", "major"):
                cues[kind] = [c for c in cues[kind] if not label(c) and not _FEATURE_REQUEST.search(low, *_sentence_bounds(low, c.start, c.end))]
            if wanted:
                add_minor(wanted)
        # "Please add a dark mode", "Could you add an export to Excel button?": asking for what does not exist yet, with
        # nothing broken, is a low-impact request (the playbook's SEV-4) however a model trained on bug trackers reads it.
        if not any(cues[k] for k in _BROKEN_OR_WORSE):
            asked = _ASKED_FOR.search(low)
            if asked:
                cues["asked_for"] = [cue("asked_for", asked)]
                add_minor(asked)
            # (a request under a law or a contract is the compliance team's: "please delete all my data under GDPR")
            change = (None if asked or cues["regulatory"] or cues["regulatory_request"] or cues["legal"] or _not_routine(low)
                      else _ACCOUNT_CHANGE.search(low))
            if change:
                cues["account_change"] = [cue("account_change", change)]
                add_minor(change)
        # "Following up on last month's outage, where nobody could log in ... all good, you can close the ticket":
        # an outage the customer places in the past and calls over is not one now.
        # ("when it is fixed", "until it is resolved": a time still to come, not the customer calling it over)
        over = next((m for m in _OVER.finditer(low) if not _TO_COME.search(low, max(0, m.start() - 40), m.start())), None)
        if over and not _ONGOING.search(low):
            before = sum(len(cues[k]) for k in _OVER_KINDS)
            # a false alarm the customer calls over ("False alarm: it was our own proxy ... please close this") had
            # nothing of ours down, in whichever sentence they first reported it
            false_alarm = _FALSE_ALARM.search(low)
            for kind in _OVER_KINDS:
                cues[kind] = [c for c in cues[kind] if not false_alarm and not _PAST_ANCHOR.search(low, *_sentence_bounds(low, c.start, c.end))]
            # (the outage dropped, or named only in the past: "last week's outage ... working fine since your fix")
            if sum(len(cues[k]) for k in _OVER_KINDS) < before or (
                    not any(cues[k] for k in _OVER_KINDS) and (_PAST_ANCHOR.search(low) or _FALSE_ALARM.search(low))):
                cues["over"] = [Cue("over", self.text[over.start() : over.end()], over.start(), over.end())]
        # "Some account features are unavailable" is a broken feature, not a part of the service down.
        cues["component_down"] = [
            c for c in cues["component_down"]
            if not _LIMITED_SCOPE.search(low, max(0, c.start - 60), c.start) and not _LIMITED_AFTER.match(low, c.end)
        ]

    @cached_property
    def lower(self) -> str:
        """The text lowercased position for position, which the cue patterns are matched against."""
        low = self.text.lower()
        if len(low) != len(self.text):  # a few characters (e.g. "İ") lowercase to two
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in self.text)
        return low

    def _scan(self, pattern: re.Pattern) -> str:
        return self.text if pattern.flags & IGNORECASE else self.lower

    def _find(self, kind: str, pattern: re.Pattern, negatable: bool, *, text: str | None = None, hedgeable: bool = True) -> list[Cue]:
        """Every match not governed by a negation; `hedged` marks one under a hedge or inside a yes/no question.

        Cues whose hedging no rule reads (type words, dates, scope) skip that check: it is most of the cost.
        """
        found = []
        low = self.lower
        scanned = text if text is not None else self._scan(pattern)
        places = self._places
        if scanned is low and places is not None and places.knows(pattern):
            matches = places.finditer(pattern, low)  # only around the words it needs (agent/windows.py)
        elif may_match(pattern, scanned, low):
            matches = pattern.finditer(scanned)
        else:  # none of the words the pattern needs: no search
            return found
        for m in matches:
            start, end = m.span()
            before = low[max(0, start - 60) : start]
            if negatable and _NEGATION.search(before):
                continue
            hedged = hedgeable and (bool(_HEDGE.search(before)) or _yes_no_question(low, start, end))
            found.append(Cue(kind, self.text[start:end], start, end, hedged))
        return found

    # -- helpers ---------------------------------------------------------------------------

    def has(self, kind: str, *, actual: bool = False) -> bool:
        return any(not (actual and c.hedged) for c in self.cues.get(kind, ()))

    def first(self, kind: str, *, actual: bool = False) -> Cue | None:
        for cue in self.cues.get(kind, ()):
            if not (actual and cue.hedged):
                return cue
        return None

    def quote(self, cue: Cue, limit: int = 160, *, tight: bool = False) -> str:
        """The clause of the complaint around a cue: the customer's own words, never cut mid-word."""
        clause = _span(self.text, cue, _HARD)
        if tight or len(clause) > limit:
            clause = _span(self.text, cue, _SOFT)
        if len(clause) > limit:
            clause = _window(self.text, cue, limit)
        return clause

    @cached_property
    def users_affected(self) -> Quantity | None:
        best: Quantity | None = None
        low = self.lower
        for m in _USERS.finditer(low):
            value = _scale(m.group("num"))
            if value < 2 or _looks_like_time(low, m):
                continue
            start = m.start()
            part = _PART_OF.search(low, max(0, start - 40), start)  # "40 of our 300 drivers": 40 are affected
            if part:
                value, start = _scale(part.group("num")), part.start()
            elif part := _PART_OF_WORDS.search(low, max(0, start - 40), start):
                value, start = _FEW[" ".join(part.group("num").split())], part.start()
            if best is None or (best.value or 0) < value:
                best = Quantity(value, self.text[start : m.end()].strip(), m.group("what"))
        for m in _TEAM_OF.finditer(low):
            value = _scale(m.group("num"))
            if value >= 2 and (best is None or (best.value or 0) < value):
                best = Quantity(value, self.text[m.start() : m.end()].strip(), "people")
        for m in _MANY_USERS.finditer(low):
            value = _MANY[m.group("num")]
            if best is None or (best.value or 0) < value:
                best = Quantity(value, self.text[m.start() : m.end()].strip(), m.group("what"))
        scope = self.first("outage_scope") or self.first_match(_ALL_USERS)
        if best is None and scope is not None:
            return Quantity(None, scope.phrase, "all")
        one = _ONE_PERSON.search(low) if best is None else None
        if one:  # "One of our users (mike@ourfirm.com) can't log in. Everyone else is fine."
            return Quantity(1, self.text[one.start() : one.end()], one.group("what"))
        return best

    @cached_property
    def money_at_risk(self) -> Quantity | None:
        best: Quantity | None = None
        low = self.lower
        for m in _MONEY.finditer(low):
            amount = _scale(m.group("amt") or m.group("amt2") or "0")
            cur = self.text[slice(*m.span("cur" if m.group("cur") else "cur2"))]
            tail = _PERIOD.match(low, m.end())
            evidence = self.text[m.start() : tail.end() if tail else m.end()].strip()
            period = tail and _period(tail)
            unit = f"{cur} per {period}" if period else cur
            if best is None or amount > (best.value or 0):
                best = Quantity(amount, evidence, unit)
        if best is None:  # a sum named with no currency: "we lose 2k a day"; a loss before what they pay
            implied = []
            for m in _IMPLIED_MONEY.finditer(low):
                tail = _PERIOD.match(low, m.end())
                period = tail and _period(tail)
                evidence = self.text[m.start("amt") : tail.end() if tail else m.end()].strip()
                implied.append((not m.group("verb").startswith(("pa", "spen", "worth")), _scale(m.group("amt")),
                                Quantity(_scale(m.group("amt")), evidence, f"per {period}" if period else "")))
            best = max(implied, key=lambda c: c[:2])[2] if implied else None
        if best is None:  # money moved with no currency named: "payouts went out twice - about 80k in total"
            sums = [Quantity(_scale(m.group("amt")), self.text[m.start("amt") : m.end("amt")].strip()) for m in _MOVED_SUM.finditer(low)]
            best = max(sums, key=lambda q: q.value or 0) if sums else None
        return best

    def first_match(self, pattern: re.Pattern) -> Cue | None:
        m = pattern.search(self._scan(pattern))
        return Cue("match", self.text[m.start() : m.end()], m.start(), m.end()) if m else None

    @cached_property
    def workaround(self) -> bool | None:
        if self.has("workaround_no"):
            return False
        if self.has("workaround_yes"):
            return True
        return None

    @cached_property
    def text_tier(self) -> tuple[Tier, Cue] | None:
        for tier, pattern in TIER_CUES:
            cue = self.first_match(pattern)
            if cue:
                return tier, cue
        return None


_FINDER: _windows.Finder | None = None


def _finder() -> _windows.Finder:
    """The literals of every cue and situation pattern Signals.read searches, found in one pass per text."""
    global _FINDER
    if _FINDER is None:
        patterns = [p for p, _ in CRITERIA.values()] + [p for extras in EXTRA_CUES.values() for p, _ in extras]
        patterns += [*TYPE_CUES.values(), REGULATORY_OBLIGATION, LEGAL_THREAT, PUBLIC, CRITICAL_PROCESS, BROAD_SCOPE,
                     TRIED, STARTED, WORKAROUND_YES, WORKAROUND_NO, *_situations.PARTS]
        _FINDER = _windows.Finder(patterns)
    return _FINDER


def _merge(cues: list[Cue], more: list[Cue]) -> list[Cue]:
    """Two cue lists in text order, without overlaps (as if one pattern had found them)."""
    if not more:
        return cues
    out: list[Cue] = []
    for cue in sorted(cues + more, key=lambda c: (c.start, -c.end)):
        if not out or cue.start >= out[-1].end:
            out.append(cue)
    return out


_TERMINATORS = ".!?\n"
_QUESTION_AUX = _lc(
    r"[\s>\"'“(-]*(?:is|are|was|were|does|do|did|can|could|will|would|has|have|had|should|shall|am|isn't|aren't|wasn't|doesn't|don't|didn't|hasn't|haven't|won't|ist|sind|hat|haben|kann|können|gibt)\b"
)
_SENTENCE_END = re.compile(r"[.!?\n]")


def _sentence_bounds(low: str, start: int, end: int, reach: int = 300) -> tuple[int, int]:
    """The sentence around a span, looking at most `reach` characters either way."""
    lo = max(low.rfind(c, max(0, start - reach), start) for c in _TERMINATORS) + 1
    lo = max(lo, start - reach)
    m = _SENTENCE_END.search(low, end, end + reach)
    return lo, (m.start() if m else min(len(low), end + reach))


def _yes_no_question(low: str, start: int, end: int) -> bool:
    """'Is annual billing not available mid-month?' asks; it does not report."""
    lo, hi = _sentence_bounds(low, start, end)
    return hi < len(low) and low[hi] == "?" and bool(_QUESTION_AUX.match(low, lo))


_BARE_FRAUD = frozenset({"fraud", "fraudulent", "fraudulently", "scam", "scams"})
_ACCUSATION_BEFORE = _lc(
    r"(?:\b(?:this|it|that|which|they|these|those|what (?:they|you) did|you|company|bank|offer|practice|business|lender|servicer|collector|agency|policy)"
    r"(?:\s+(?:is|was|are|were|seems?|looks?|appears?|seemed|looked|appeared)(?:\s+to\s+be)?|\s*(?:'s|’s))"
    r"|\b(?:constitutes?|constituted|committ(?:ed|ing)|commits?|borders? on|bordering on|amounts? to|tantamount to|criminal|their|your))\s+"
    r"(?:(?:a|an|complete|total|outright|pure|plain|just|simply|completely|totally|also|clearly|obviously|absolutely|nothing but|like|basically|straight|and|or|fraud|illegal|"
    r"misleading|deceptive|misrepresented|unethical|wrong|criminal|blatant|flat-out)\s+){0,3}$"
)
_ACCUSATION_AFTER = _lc(
    r"[ \t]+(?:they|he|she|you|it|the company|the bank)\s+(?:have\s+|has\s+|had\s+|are\s+|is\s+)?(?:committed|commit|committing|perpetrated)\b"
    r"|[ \t]+(?:customers|consumers|people|clients|borrowers|us|me)\b"  # "a way to scam customers"
)
_THIRD_PARTY_AFTER = _lc(
    r"[ \t]*(?:alerts?|department|claims?|charges?|transactions?|accounts?|activit(?:y|ies)|inquir(?:y|ies)|purchases?|withdrawals?|part(?:y|ies)|reports?|case|investigation|team|warning|"
    r"protection|dispute|specialist|hold|block|victim|ring|attempts?|calls?|emails?|texts?|messages?|links?|sites?|websites?)\b"
)


def _accuses(low: str, cue: Cue) -> bool:
    """'This is fraud', 'their fraudulent mistake', 'a scam company' accuse the company; they report no intruder."""
    if low[cue.start : cue.end] not in _BARE_FRAUD or _THIRD_PARTY_AFTER.match(low, cue.end):
        return False
    return bool(_ACCUSATION_BEFORE.search(low, max(0, cue.start - 60), cue.start) or _ACCUSATION_AFTER.match(low, cue.end)
                or low.startswith((" company", " artist", " business", " operation", " outfit"), cue.end))


_LIMITED_SCOPE = _lc(
    r"\b(?:some|a few|few|certain|several|one of|a single|a small|a subset of|a portion of|partially|partly|one user|one customer)\b(?:" + _SCOPE_END + r"){0,50}$"
)
# An outage that is over (agent/signals.py, Signals._refine): the cue's sentence places it in the past, the text
# says it is over, and nothing says it is still going on or back.
_OVER_KINDS = ("outage", "outage_scope", "all_blocked", "partial_outage", "component_down", "major")
_PAST_ANCHOR = _lc(
    r"\b(?:last|previous|past)\s+(?:week|month|year|night|weekend|(?:mon|tues|wednes|thurs|fri|satur|sun)day)(?:'s|’s)?\b|\byesterday(?:'s|’s)\b"
    r"|\b(?:outage|incident|downtime|disruption)\s+(?:yesterday|last\s+(?:night|week|month))\b|\bearlier\s+(?:today|this\s+(?:week|month))\b|\bon\s+the\s+\d{1,2}(?:st|nd|rd|th)\b|\bfollowing\s+up\s+on\b|\b(?:we|i)\s+(?:reported|told\s+you|wrote\s+to\s+you|mentioned|raised|flagged)\b|\b(?:a\s+(?:few|couple\s+of)|\d+|two|three|several)\s+(?:days|weeks|months)\s+ago\b"
    # "the dashboard was down for about two hours": an outage told with how long it lasted is one that ended
    r"|\b(?:was|were)\s+(?:down|offline|unavailable|unreachable|out)\s+for\s+(?:about\s+|around\s+|roughly\s+|nearly\s+|almost\s+|over\s+|just\s+)?(?:\d+|an?|one|two|three|four|five|six|several|a\s+few|a\s+couple\s+of)\s+(?:minutes?|hours?|days?)\b"
)
_OVER = _lc(
    r"\b(?:is|are|was|were|has\s+been|have\s+been|it's|it’s|that's|that’s)\s+(?:now\s+|all\s+|fully\s+|completely\s+)?(?:been\s+)?(?:fixed|resolved|solved|restored|back\s+(?:up|online|to\s+normal)|working\s+(?:again|fine|normally))\b"
    r"|\bno\s+(?:further\s+)?action\s+(?:is\s+)?(?:needed|required|necessary)\b"
    r"|\b(?:we|they|everyone|everybody|users|all\s+(?:\d+\s+)?(?:of\s+)?(?:our|the)\s+[\w-]+)\s+(?:are|is|were)\s+(?:all\s+)?back\s+in\b"
    r"|\ball\s+good\s+(?:now|on\s+our\s+(?:side|end))\b|\b(?:you\s+can|please|feel\s+free\s+to)\s+close\s+(?:the|this|our|it)(?:\s+(?:ticket|case|request))?\b"
    r"|\bthanks?\s+(?:you\s+)?for\s+(?:the\s+)?(?:quick\s+|fast\s+)?(?:fix|resolution|work|post-?incident\s+report|rca)\b"
    # "last month's outage … was handled well, thanks", "thank you for sorting it out so quickly"
    r"|\b(?:was|were|got|has\s+been)\s+(?:handled|resolved|fixed|sorted(?:\s+out)?)\s+(?:really\s+|very\s+|so\s+)?(?:well|quickly|fast|nicely|professionally|promptly)\b"
    r"|\bthanks?\s+(?:you\s+)?(?:\w+\s+){0,2}for\s+(?:handling|fixing|sorting|resolving|restoring)\b"
)
_VERDICT_LABEL = _lc(r"^\W*(?:(?:this|it|that)\s+is|it's|it’s|this's|we\s+have|there\s+is|we\s+are\s+in)?\s*(?:an?\s+)?(?:[\w-]+\s+){0,2}?"
                     r"(?:outage|emergency|disaster|incident|crisis)\W*$")
_ASKED_FOR = _lc(
    r"\b(?:please|pls|kindly|could\s+you|can\s+you|would\s+you|will\s+you|could\s+we\s+get|can\s+we\s+(?:get|have))\s+(?:please\s+)?"
    r"(?:add|build|implement|introduce|offer|consider\s+adding)\s+(?:an?\s+|the\s+|some\s+|support\s+for\s+|more\s+|a\s+way\s+to\s+|an?\s+option\s+to\s+)?(?!(?:me|us|him|her|them|my|our)\b)\w"
    r"|\bfeature\s+(?:request|suggestion|idea)\b|\bit\s+would\s+be\s+(?:really\s+|very\s+|so\s+)?(?:nice|great|helpful|useful|good|awesome)\s+(?:if|to)\b"
    r"|\b(?:we|i)(?:'d|’d|\s+would)\s+love\s+(?:an?\s+|to\s+(?:see|have)\b)|\bany\s+plans\s+to\s+(?:add|support|offer|build)\b|\bwish\s*list\b"
)
# "Please add our new admin to the account", "Could you change the billing e-mail to ...": a routine change to the
# account, asked for with nothing broken, is a low-impact request (SEV-4) like a request for a feature.
_ACCOUNT_CHANGE = _lc(
    r"\b(?:please|pls|kindly|could\s+you|can\s+you|would\s+you|will\s+you|(?:i|we)(?:'d|’d|\s+would)\s+like\s+(?:you\s+)?to"
    r"|(?:i|we)\s+need\s+you\s+to)\s+(?:please\s+)?"
    r"(?:add|remove|delete|create|set\s+up|change|update|rename|transfer|upgrade|downgrade|cancel|deactivate|reactivate|enable|disable"
    r"|grant|revoke|give|assign|reset|unlock)\b[^.!?\n]{0,60}?\b(?:admins?|administrators?|users?|seats?|members?|accounts?|contacts?|e-?mails?"
    r"|address|plan|subscription|licen[cs]es?|owners?|roles?|permissions?|access|billing\s+details|phone\s+number|vat\s+(?:number|id)"
    r"|passwords?|2fa|mfa|two-factor)\b"
)
# ... not when something is wrong besides: a record that is not theirs ("Please remove these accounts from my credit file
# ... they are not mine" is a dispute), a fault ("remove the duplicate users that your sync created"), someone seeing or
# trying what they should not ("right now every user can see the payroll module", "someone keeps trying to reset my
# password"), or access that must end now ("he was fired today and must not log in again").
_NOT_ROUTINE = _lc(
    r"\b(?:not\s+(?:mine|ours|accurate|correct|right)|(?:does|do|did)\s*(?:not|n't|n’t)\s+belong|inaccura\w+|incorrect\w*|wrong\w*|mistak\w+"
    r"|errors?|erroneous\w*|unauthori[sz]ed|fraud\w*|disput\w+|still\s+(?:has|have|had)\s+access|duplicat\w+|bugs?|broken|break\w*|fail\w*"
    r"|crash\w*|missing|stopped|(?:not|n't|n’t)\s+work\w*|(?:can|could|is\s+able\s+to|are\s+able\s+to)\s+(?:see|view|access|read|edit|open)"
    r"|visible|exposed|some(?:one|body)|strangers?|hack\w*|attack\w*|suspicious|trying\s+to|fired|dismissed|terminated|let\s+go"
    r"|must\s+not|mustn't|should\s+not\s+(?:be\s+able\s+to\s+)?(?:log|sign|access|see))\b"
)
# (their own slip is no fault: "I typed the wrong password too many times")
_OWN_SLIP = _lc(r"\b(?:i|we)\s+(?:typed|entered|used|put\s+in|tried|gave)\s+(?:in\s+)?(?:the\s+|a\s+|my\s+|our\s+)?$")


def _not_routine(low: str) -> bool:
    return any(not _OWN_SLIP.search(low, max(0, m.start() - 30), m.start()) for m in _NOT_ROUTINE.finditer(low))


# Cues of something broken, lost, breached or down: with one of them a request for more is no longer the whole complaint.
_BROKEN_OR_WORSE = ("outage", "outage_scope", "partial_outage", "component_down", "major", "data_loss", "slow_and_failing", "degraded",
                    "billing_error", "security_breach", "security_concern", "exposure", "takeover", "takeover_attempt", "secret_exposed",
                    "data_gone", "money_moved", "all_blocked", "unanswered")
_TO_COME = _lc(r"\b(?:when|until|till|once|if|before|whether|unless|as\s+soon\s+as)\s+(?:[\w'’-]+\s+){0,3}$")
_FEATURE_REQUEST = _lc(
    r"\b(?:does|do|did)\s*(?:not|n't|n’t)\s+(?:support|offer)\s+(?!(?:us|me|it|this|that|them)\b)\w+|\bno\s+(?:option|setting|feature)\s+to\b"
    r"|\b(?:have|has|had)\s+been\s+asking\s+for\s+(?:this|it|that)(?:\s+feature)?\s+for\b|\bplease\s+(?:add|build|implement)\s+(?:support|an?\s+option|a\s+feature)\b"
    r"|\bship\s+it\b|\bfeature\s+request\b"
)
# "false alarm, sorry! It was our own firewall ... All good now, you can close this": nothing was wrong on our side
_FALSE_ALARM = _lc(r"\bfalse\s+alarm\b|\bnever\s?mind\b|\b(?:it\s+was|was)\s+(?:our|my)\s+own\b|\b(?:our|my)\s+(?:own\s+)?(?:mistake|fault|bad)\b")
_ONGOING = _lc(
    r"\bstill\s+(?:down|broken|failing|unable|locked|offline|not|can't|cannot|getting|seeing|having|happening|no\b)|\b(?:down|failing|broken|happening|out|offline)\s+again\b"
    r"|\b(?:isn't|is\s+not|wasn't|was\s+not|aren't|are\s+not|not\s+yet|never)\s+(?:been\s+)?(?:fixed|resolved|restored|back)\b|\bright\s+now\b|\bcurrently\b"
    r"|\b(?:said|told\s+us|claimed|claim|supposedly|apparently|supposed\s+to\s+be)\b[^.!?]{0,40}\b(?:fixed|resolved|restored)\b"
)
_ONE_PERSON = _lc(r"\b(?:only\s+)?(?:one|a\s+single)\s+(?:of\s+(?:our|my|the)\s+)?(?:[a-z-]+\s+)?(?P<what>" + _PEOPLE + r")\b")
_PART_OF = _lc(r"(?<![\w.,:/#$€£-])(?P<num>" + _NUM + r")\s+(?:out\s+)?of\s+(?:(?:our|my|the|their|all|about|around|roughly)\s+){0,2}$")
# "Three of our 2,400 users", "a handful of our 900 drivers": the part in words, a few affected, not the 2,400
_FEW = {**{w: float(n) for w, n in NUMBER_WORDS.items() if n >= 2}, "a couple": 2.0, "a few": 3.0, "a handful": 5.0}
_PART_OF_WORDS = _lc(r"\b(?P<num>" + "|".join(_FEW).replace(" ", r"\s+") + r")\s+(?:out\s+)?of\s+(?:(?:our|my|the|their|all|about|around|roughly)\s+){0,2}$")
_LIMITED_AFTER = _lc(r"[ \t]*(?:for|to|in|on)[ \t]+(?:some|a few|certain|one|me|a small|a subset|a handful)\b")
_CASED_SIGN_IN = re.compile(
    r"\b(?:[Ss]igned|[Ll]ogged|[Ss]ign|[Ll]og)[ -]?(?:in|on)s?\s+from\s+"
    r"(?!(?:The|A|An|My|Our|Your|Home|Work|Office|Chrome|Firefox|Safari|Edge|Windows|Mac|MacOS|iPhone|iPad|Android|Linux|Outlook|Teams|Slack|Google|Microsoft|Okta|Azure|Apple|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December)\b)[A-Z][a-z]{2,}"
)


_HARD = re.compile(r"[.!?;\n]\s|[!?;\n]|\.$")
_SOFT = re.compile(r"[.!?;\n]\s|[!?;\n]|\.$|[:,(]\s|\)|\s[-–—]\s")


_BY_HAND = ("manually", "by hand")
_NOW_INSTEAD = re.compile(r"[;,]|\b(?:now|instead|so|then|meanwhile|currently)\b")
_ATTEMPT = re.compile(r"\b(?:tried|try|trying|attempted|re-?ran|re-?run|re-?running|retried|retrying|re-?tried|re-?sent|re-?submitted)\b")


def _attempted_by_hand(low: str, cue: Cue) -> bool:
    """'manually' said of something tried earlier in its sentence ("we tried re-running it manually")."""
    if cue.phrase.lower() not in _BY_HAND:
        return False
    lo, _ = _sentence_bounds(low, cue.start, cue.end)
    tried = [m for m in _ATTEMPT.finditer(low, lo, cue.start)]
    # ("we tried the API and now we create them by hand": what they do now is a workaround)
    return bool(tried) and not _NOW_INSTEAD.search(low, tried[-1].end(), cue.start)


_CHANGE_VERB = re.compile(r"\b(?:updated|upgraded|switched|migrated|installed)\b")
_SINCE_THEN = re.compile(r"\b(?:since\s+then|ever\s+since|since\s+that|after\s+that|and\s+now|since\s+(?:the|this)\s+(?:update|upgrade|switch|migration)|now\s+(?:nothing|it|the|our|all|every))\b")


def _change_it_began_with(low: str, cue: Cue) -> bool:
    """An update or switch the customer made, followed in its sentence by what broke since."""
    if not _CHANGE_VERB.search(low, cue.start, cue.end):
        return False
    stop = _STOP.search(low, cue.end)  # (not _sentence_bounds: "we upgraded to v5.2 yesterday" is one sentence)
    return bool(_SINCE_THEN.search(low, cue.end, stop.start() if stop else len(low)))


# A salutation the text opens with ("Hello, since Sunday ...") is not part of what the customer says.
_SALUTATION = re.compile(
    r"(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings)\b(?:\s+(?:there|all|team|everyone|support|folks))?\s*[,!:]\s+",
    FLAGS)


def _span(text: str, cue: Cue, boundary: re.Pattern) -> str:
    start = 0
    for m in boundary.finditer(text, 0, cue.start):
        start = m.end()
    # A cue that ends its sentence (a situation is quoted by its whole sentence, "." included) ends the clause
    # there: searching after it would run on into the next sentence ("... (2 x 49 EUR). Please refund one").
    m = boundary.search(text, cue.end - 1 if text[cue.end - 1 : cue.end] in ".!?" else cue.end)
    end = m.start() if m else len(text)
    lead = start + len(text[start:cue.start]) - len(text[start:cue.start].lstrip())
    salutation = _SALUTATION.match(text, lead, cue.start)
    if salutation:  # "Hello, since Sunday our export fails" is quoted "Since Sunday our export fails"
        rest = _unquoted(text[salutation.end():end])
        return rest[:1].upper() + rest[1:]
    return _unquoted(text[start:end])


_DOUBLE = '"“”'


def _unquoted(clause: str) -> str:
    """The clause without the quotation marks around it, but with those of a phrase it quotes
    (fails with "connection reset", not fails with "connection reset)."""
    clause = clause.strip(" \t'")
    marks = sum(clause.count(q) for q in _DOUBLE)
    if marks % 2 and clause[:1] in _DOUBLE:
        clause = clause[1:]
    elif marks % 2 and clause[-1:] in _DOUBLE:
        clause = clause[:-1]
    elif marks == 2 and clause[:1] in _DOUBLE and clause[-1:] in _DOUBLE:
        clause = clause[1:-1]
    return clause.strip(" \t'")


_STOP = re.compile(r"[.!?](?=\s|$)|\n")


def _window(text: str, cue: Cue, limit: int) -> str:
    """About `limit` characters around the cue, inside its sentence (a window across the stop quoted
    "... where it should be 20%. We've already sent about 230 of")."""
    s_lo = max((m.end() for m in _STOP.finditer(text, 0, cue.start)), default=0)
    after = _STOP.search(text, cue.end)
    s_hi = after.end() if after else len(text)
    lo = max(s_lo, cue.start - (limit - (cue.end - cue.start)) // 2)
    hi = min(s_hi, lo + limit)
    lo = max(s_lo, min(lo, hi - limit))
    if lo > s_lo and not text[lo - 1].isspace():  # never a word cut in two
        lo = text.find(" ", lo, cue.start) + 1 or cue.start
    if hi < s_hi and not text[hi].isspace():
        cut = text.rfind(" ", cue.end, hi)
        hi = cut if cut > 0 else cue.end
    return text[lo:hi].strip()


_CLOCK_AFTER = re.compile(r"\s*(?:[ap]\.?m\b\.?|h\b|hrs\b|o'?clock\b|uhr\b|utc\b|gmt\b|[a-z]{1,2}[sd]t\b|cet\b|cest\b)", FLAGS)
_TIME_BEFORE = re.compile(r"(?:\b(?:at|since|until|till|before|after|by|from)\s+|\d[:.h])$", FLAGS)
_YEAR_BEFORE = re.compile(
    r"\b(?:in|since|from|during|until|till|by|before|after|of|year|early|late|mid|fy|back in|circa|around)\s+$|[/-]$", FLAGS
)


def _looks_like_time(text: str, m: re.Match) -> bool:
    """'400 agents' is a count; '9 am users', '10:30 users' or '2024 customers' (a year) is not."""
    num = m.group("num")
    before = text[max(0, m.start() - 12) : m.start()]
    if re.search(r"\d[:.]$", before) or _CLOCK_AFTER.match(text, m.end("num")):
        return True
    raw = num.replace(",", "").replace(".", "")
    small = raw.isdigit() and int(raw) <= 24 and "," not in num and "." not in num
    if small and _TIME_BEFORE.search(before):
        return True
    if len(raw) == 4 and raw.startswith(("19", "20")) and "," not in num and "." not in num:
        # A bare four-digit number after "in", "since", "of"... is a year; "our 2000 users" is a count.
        return bool(_YEAR_BEFORE.search(before)) or not re.search(r"\b(?:our|my|the|about|around|over|than|some|all|have|has|with|for)\s+$", before, FLAGS)
    return False


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE.findall(text) if s.strip()]
