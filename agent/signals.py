"""Deterministic reading of a complaint: cues per severity criterion and type, numbers, terms.

Everything here is a pure function of the text. Each cue keeps the span it came from so that
every conclusion can quote the customer's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from .schemas import Tier

FLAGS = re.IGNORECASE


@dataclass(frozen=True)
class Cue:
    kind: str
    phrase: str
    start: int
    end: int
    hedged: bool = False


def _rx(*patterns: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), FLAGS)


# Objects that a business stores and would miss.
_DATA = (
    r"data|records?|files?|orders?|entries|messages?|documents?|invoices?|emails?|contacts?|history|"
    r"transactions?|tickets?|reports?|photos?|uploads?|projects?|notes|database|backups?|work|"
    r"customer (?:data|records)|patient (?:data|records)|daten"
)
_PEOPLE = (
    r"users?|agents?|employees?|staff|customers?|people|seats?|stores?|shops?|clinics?|accounts?|members?|"
    r"drivers?|clients?|reps?|locations?|branches|sites?|tenants?|teams?|nurses|doctors|students|"
    r"engineers|developers|operators|cashiers|mitarbeiter|nutzer|kunden"
)

# Severity criteria. Patterns that carry their own negation ("nobody can") are not negatable.
CRITERIA: dict[str, tuple[re.Pattern, bool]] = {
    "outage": (
        _rx(
            r"\b(?:is|are|was|went|gone|been|goes|it's|site's|app's)\s+(?:completely\s+|totally\s+|entirely\s+|fully\s+)?(?:down|offline)\b",
            r"\b(?:complete|total|full|major|global|site[- ]wide|system[- ]wide)\s+outage\b",
            r"\boutage\b",
            r"\bprod(?:uction)?\s+(?:is\s+|environment\s+is\s+)?(?:down|offline|broken|unavailable)\b",
            r"\b(?:completely|totally|entirely)\s+(?:unavailable|unusable|unreachable|inaccessible|dead|broken)\b",
            r"\b(?:unavailable|unreachable|inaccessible)\s+(?:for|to)\s+(?:all|every(?:one|body))\b",
            r"\bdown\s+for\s+(?:all|every(?:one|body)|us)\b",
            r"\bdead in the water\b|\bground to a (?:halt|standstill)\b|\bat a (?:complete )?standstill\b",
            r"\b(?:all|every)\s+(?:requests?|calls?|pages?|logins?|transactions?|api calls?)\s+(?:are\s+|is\s+)?(?:failing|fail|time out|timing out|erroring|return(?:ing)?\s+(?:errors?|5\d\d))\b",
            r"\bnothing (?:loads|is loading)\b",
            r"\bwe\s+(?:cannot|can't|can not)\s+(?:do|perform)\s+(?:any|our)\s+(?:work|jobs?|business)\b",
            r"\bsystem\s+(?:ist\s+)?(?:ausgefallen|down)\b|\b(?:totalausfall|ausfall)\b|\bgeht\s+(?:gar\s+)?nichts\s+mehr\b",
        ),
        True,
    ),
    "outage_scope": (
        _rx(
            r"\b(?:none|no one|nobody|noone)\s+(?:of\s+(?:our|my|the)\s+(?:[\d,\.]+\s+)?(?:[\w-]+\s+){0,3}?)?(?:can|could|is able|are able)\b",
            r"\b(?:all|every one)\s+of\s+(?:our|my|the)\s+(?:[\d,\.]+\s+)?(?:[\w-]+\s+){0,2}?(?:" + _PEOPLE + r")\s+(?:are\s+|were\s+)?(?:unable|locked out|blocked|down|can't|cannot)\b",
            r"\b(?:every(?:one|body)|all (?:" + _PEOPLE + r"))\s+(?:is\s+|are\s+)?(?:unable|locked out|blocked|can't|cannot|getting errors)\b",
            r"\bkeiner\s+(?:unserer|der)\s+.{0,30}?kann\b|\bniemand\s+kann\b",
        ),
        False,
    ),
    "data_loss": (
        _rx(
            r"\bdata\s+(?:loss|was lost|is lost|has been lost|got lost|is gone|has gone|was deleted|was wiped|corruption|is corrupted|was corrupted|was overwritten)\b",
            r"\b(?:lost|deleted|wiped|erased|destroyed|corrupted|overwrote|overwritten)\s+(?:all\s+|some\s+|most\s+)?(?:of\s+)?(?:our|my|the|their|\d[\d,]*)\s+(?:\w+\s+){0,2}?(?:" + _DATA + r")\b",
            r"\b(?:" + _DATA + r")\s+(?:\w+\s+)?(?:are|is|were|was|have been|has been|got|seem to be|appear to be)\s+(?:all\s+|just\s+|completely\s+|permanently\s+)?(?:gone|missing|deleted|wiped|erased|lost|corrupted|overwritten|disappeared|vanished|blank|empty)\b",
            r"\b(?:" + _DATA + r")\s+(?:\w+\s+)?(?:disappeared|vanished|got deleted|got wiped)\b",
            r"\b(?:disappeared|vanished)\s+from\b",
            r"\bdaten\s+(?:sind\s+|wurden\s+)?(?:weg|verloren|gelöscht)\b|\bdatenverlust\b",
        ),
        True,
    ),
    "security_breach": (
        _rx(
            r"\b(?:data\s+|security\s+)?breach(?:ed)?\b",
            r"\bhack(?:ed|er|ers)\b",
            r"\b(?:account|system|server|credentials?|password|api key|token)s?\s+(?:was\s+|were\s+|has been\s+|have been\s+|got\s+)?(?:compromised|leaked|exposed|stolen)\b",
            r"\bcompromised\b",
            r"\bunauthori[sz]ed\s+(?:access|logins?|users?|person|party|third part(?:y|ies)|sign-?ins?|entry)\b",
            r"\b(?:someone|somebody|a stranger|an unknown \w+)\s+(?:else\s+)?(?:has\s+|had\s+)?(?:logged|got|gotten|broke|signed)\s+in(?:to)?\b",
            r"\b(?:can|could)\s+see\s+(?:other|another|someone else's|different)\s+(?:\w+\s+)?(?:customers?|users?|compan(?:y|ies)|people|tenants?|patients?|accounts?)(?:'s?)?\b",
            r"\b(?:other|another)\s+(?:customers?|compan(?:y|ies)|tenants?|users?|patients?)(?:'s|')?\s+(?:data|records|invoices|files|information|details)\b",
            r"\b(?:data|information|records|files|passwords?|credentials|emails?|details)\s+(?:\w+\s+)?(?:were\s+|was\s+|are\s+|is\s+|got\s+|has been\s+|have been\s+)(?:publicly\s+)?(?:exposed|leaked|visible to|accessible to|stolen|dumped)\b",
            r"\b(?:see|saw|seeing|view|viewed|visible|shown|showing|displayed|accessed)\b[^.!?\n]{0,60}?\b(?:belong(?:s|ing)?\s+to|from|of)\s+(?:another|other|a different|someone else)\b",
            r"\b(?:was|were|been|got|is|are)\s+(?:publicly\s+)?exposed\b",
            r"\bransomware\b|\bmalware\b|\baccount takeover\b|\bdata leak\b|\bleak(?:ed|ing)?\s+(?:our|customer|user|personal)\b",
            r"\b(?:password|email|phone number)s?\s+(?:was\s+|were\s+)?changed\s+without\b",
            r"\bsicherheitslücke\b|\bgehackt\b|\bdatenleck\b|\bunbefugte?r?\s+zugriff\b",
        ),
        True,
    ),
    "security_concern": (
        _rx(
            r"\bfraud(?:ulent|ulently|sters?)?\b",
            r"\bidentity\s+(?:theft|thief|stolen)\b|\bstole\s+my\s+identity\b|\bid theft\b",
            r"\bunauthori[sz]ed\s+(?:charges?|transactions?|activity|withdrawals?|payments?|debits?|purchases?|accounts?|inquir(?:y|ies)|use|transfers?)\b",
            r"\b(?:i|we)\s+(?:did\s+not|didn't|never)\s+(?:authori[sz]e|make|open|apply for|sign up for|request)\b",
            r"\bnot\s+(?:authori[sz]ed|made|opened)\s+by\s+(?:me|us)\b",
            r"\bscam(?:med|mer|mers)?\b|\bphishing\b|\bspoof(?:ed|ing)?\b|\bsuspicious\s+(?:login|activity|emails?|charges?|transactions?|sign-?ins?)\b",
            r"\bsecurity\s+(?:freeze|alert|incident|issue|problem|hole|vulnerability|flaw|concern)\b|\bvulnerabilit(?:y|ies)\b",
            r"\b(?:stolen|theft)\b",
            r"\b2fa\b|\bmfa\b|\btwo[- ]factor\b",
            r"\bbetrug\b|\bidentitätsdiebstahl\b",
        ),
        True,
    ),
    "major": (
        _rx(
            r"\b(?:is|are|was|were|keeps?|has been|have been)\s+(?:completely\s+|totally\s+)?(?:broken|failing|crashing|erroring)\b",
            r"\b(?:does|do|did)\s*(?:not|n't)\s+work\b|\b(?:isn't|aren't|is not|are not|not)\s+working\b|\bstopped\s+working\b",
            r"\b(?:can't|cannot|can not|unable to|couldn't|could not|are not able to|aren't able to)\s+(?:\w+\s+){0,2}?(?:log ?in|sign ?in|access|export|import|send|save|upload|download|pay|process|sync|check ?out|invoice|bill|ship|connect|load|open|submit|print|book|schedule|run|deploy|publish|complete|use)\b",
            r"\b(?:crash(?:es|ed|ing)?|fails?|failed|failing|failures?)\b",
            r"\b(?:5\d\d|server)\s+errors?\b|\berror\s+(?:code\s+)?5\d\d\b|\binternal server error\b|\bbad gateway\b|\bservice unavailable\b",
            r"\blocked out\b|\bblocked\b|\bbroken\b",
            r"\bfunktioniert\s+(?:nicht|gar nicht)\b|\bkaputt\b|\bfehler\b",
        ),
        True,
    ),
    "degraded": (
        _rx(
            r"\bslow(?:er|ly|ness|ed down)?\b|\blag(?:gy|ging)?\b|\blatency\b|\bsluggish\b",
            r"\bintermittent(?:ly)?\b|\bsporadic(?:ally)?\b|\bsometimes\b|\boccasionally\b|\bon and off\b|\bflaky\b|\bhit or miss\b",
            r"\bdelay(?:ed|s)?\b|\btime(?:s|d)?\s*-?outs?\b|\btaking\s+(?:forever|minutes|ages|hours)\b",
            r"\bdegrad(?:ed|ation)\b|\bpartial(?:ly)?\b|\belevated\s+(?:error|latency|errors)\b|\bincreased\s+(?:error|latency|errors)\b|\berror rates?\b",
            r"\bsome\s+(?:of\s+(?:our|the|my)\s+)?(?:" + _PEOPLE + r"|requests|pages|calls|reports)\b",
            r"\blangsam\b",
        ),
        False,
    ),
    "minor": (
        _rx(
            r"\btypos?\b|\bmisspel(?:led|ling|t)\b|\bspelling\b|\bcosmetic\b|\bminor\b|\bsmall\s+(?:issue|thing|bug|problem|glitch)\b",
            r"\bnot\s+(?:urgent|a big deal|critical|blocking)\b|\blow priority\b|\bwhen you get a chance\b|\bno rush\b|\bnice to have\b",
            r"\bfeature request\b|\bsuggestion\b|\bwould be nice\b|\bwish\s+(?:list|you)\b|\bhow (?:do|can) i\b|\bquick question\b",
            r"\b(?:alignment|font|colou?r|wording|label|tooltip|icon|logo)\b",
        ),
        False,
    ),
}

WORKAROUND_YES = _rx(
    r"\bwork-?\s?arounds?\b(?!\s+(?:doesn't|does not|didn't|isn't))",
    r"\bwork(?:ing)? around it\b",
    r"\b(?:we|i)\s+(?:can|could)\s+still\b|\bstill able to\b|\b(?:for now|in the meantime|meanwhile),?\s+(?:we|i)(?:'re|'m| are| am)?\b",
    r"\bmanually\b|\bby hand\b|\bon paper\b|\bbackup process\b",
)
WORKAROUND_NO = _rx(
    r"\bno\s+(?:known\s+)?work-?\s?arounds?\b|\bwithout\s+(?:a\s+|any\s+)?work-?\s?arounds?\b",
    r"\bno\s+(?:other\s+)?way\s+(?:to|around)\b|\bnothing\s+(?:we|i)\s+(?:try|tried|do)\s+works\b|\bno\s+alternative\b",
    r"\bwork-?\s?arounds?\s+(?:doesn't|does not|didn't|isn't|no longer)\b",
)

TRIED = _rx(
    r"\b(?:we|i)(?:'ve|\s+have|\s+had)?\s+(?:already\s+|also\s+|even\s+)?(?:tried|restarted|rebooted|cleared|reinstalled|reset|rolled back|checked|contacted|called|emailed|updated|upgraded|switched|followed|disabled|re-?entered|logged out|tested|escalated|disputed|sent|submitted|filed|opened a ticket)\b",
    r"\btried\s+(?:to|restarting|rebooting|clearing|reinstalling|resetting|everything|again|a different)\b",
    r"\b(?:restarting|rebooting|clearing the cache|reinstalling)\s+(?:did not|didn't|does not|doesn't)\s+help\b",
    r"\bhaben\s+(?:schon|bereits)\b",
)

STARTED = _rx(
    r"\bsince\s+(?:about\s+|around\s+|approximately\s+)?(?:\d{1,2}(?::\d{2})?\s*(?:am|pm|h|uhr)?|yesterday|this morning|last (?:night|week|month|\w+day)|monday|tuesday|wednesday|thursday|friday|saturday|sunday|(?:the|your|last)\s+(?:\w+\s+)?(?:update|release|deploy(?:ment)?|upgrade|migration|outage|maintenance|change)|\w+ \d{1,2}(?:st|nd|rd|th)?|\d{1,2}/\d{1,2}(?:/\d{2,4})?|early|late|then)\b",
    r"\b(?:started|began|starting|beginning)\s+(?:at|on|around|about|this|yesterday|last|after|when|with|in)\b[^.,;!?\n]{0,40}",
    r"\b(?:this|yesterday)\s+(?:morning|afternoon|evening)\b|\byesterday\b|\blast night\b|\bovernight\b",
    r"\b(?:for|over)\s+(?:the\s+)?(?:last|past)\s+(?:\d+|few|couple of|several)\s+(?:minutes|hours|days|weeks|months)\b",
    r"\b\d+\s+(?:minutes|hours|days|weeks|months)\s+ago\b|\bfor\s+(?:\d+|two|three|four|five|six|several)\s+(?:minutes|hours|days|weeks)(?:\s+now)?\b",
    r"\bafter\s+(?:the|your|last night's|yesterday's|this morning's)\s+(?:\w+\s+)?(?:update|release|deploy(?:ment)?|upgrade|migration|maintenance|change)\b",
    r"\bseit\s+(?:heute\s+)?(?:\d{1,2}(?::\d{2})?\s*uhr|gestern|heute|montag|dienstag|mittwoch|donnerstag|freitag|dem\s+update)\b",
)

REGULATORY_OBLIGATION = _rx(
    r"\bGDPR\b|\bDSGVO\b|\bHIPAA\b|\bPCI(?:[- ]DSS)?\b|\bSOX\b|\bSarbanes\b|\bCCPA\b|\bFERPA\b|\bGLBA\b|\bFCRA\b|\bFair Credit\b|\bFDCPA\b|\bRESPA\b|\bTILA\b",
    r"\bregulators?\b|\bregulatory\b|\bregulations?\b|\bcompliance\b|\baudit(?:or|ors|s)?\b|\bdata protection\b|\bprivacy (?:law|regulation|officer)\b",
    r"\bright to (?:be forgotten|erasure|access)\b|\bsubject access request\b|\bDSAR\b|\bdata processing agreement\b|\bbreach notification\b",
    r"\bCFPB\b|\bFTC\b|\battorney general\b|\bICO\b|\bSEC\b|\bFINRA\b|\bdatenschutz\w*\b|\baufsichtsbehörde\b",
)
LEGAL_THREAT = _rx(
    r"\blawyers?\b|\battorneys?\b|\blegal (?:action|team|counsel|department|proceedings|steps)\b|\blawsuit\b|\bsue\b|\bsuing\b|\bcourt\b|\bsmall claims\b|\blitigation\b|\bbreach of contract\b|\banwalt\b|\brechtliche schritte\b|\bklage\b",
)
PUBLIC = _rx(
    r"\bpress\b|\bjournalists?\b|\breporters?\b|\bthe news\b|\bnewspaper\b|\bmedia\b",
    r"\btwitter\b|\btweet(?:ed|ing|s)?\b|\blinkedin\b|\bfacebook\b|\breddit\b|\binstagram\b|\btiktok\b|\byoutube\b|\bsocial media\b",
    r"\breviews?\b|\btrustpilot\b|\bG2\b|\bcapterra\b|\bglassdoor\b|\bone[- ]star\b|\bpublic(?:ly)?\b|\bgo(?:ing)? public\b|\bblog\b",
    r"\bour (?:own )?customers (?:are|have been|keep)\s+(?:complaining|calling|noticing|asking|emailing)\b|\bcustomer-facing\b|\bour customers can(?:not|'t|\s+not)\b",
)
CRITICAL_PROCESS = _rx(
    r"\brevenue\b|\bpayroll\b|\bcheck ?out\b|\bpayments?\b|\borders?\b|\bsales\b|\bbilling\b|\binvoic(?:e|es|ing)\b",
    r"\bpatients?\b|\bclinical\b|\bemergency\b|\bsafety\b|\bproduction\b|\bgo-?live\b|\blaunch\b|\bdeadline\b",
    r"\bmonth[- ]end\b|\bquarter[- ]end\b|\byear[- ]end\b|\bclose the books\b|\bfiling\b|\btax\b",
    r"\bcan(?:not|'t| not)\s+(?:sell|ship|bill|trade|operate|serve|take orders|take payments|pay)\b|\bour customers\b|\bbusiness[- ]critical\b|\bmission[- ]critical\b",
    r"\bmortgage\b|\bforeclos\w+\b|\beviction\b|\bloan\b|\bcredit (?:score|report)\b|\brent\b",
)
TIER_CUES = [
    (Tier.ENTERPRISE, _rx(r"\benterprise\s+(?:plan|customer|contract|tier|account|agreement|license)\b|\bplatinum\b|\bstrategic account\b")),
    (Tier.BUSINESS, _rx(r"\b(?:business|pro|premium|professional|team)\s+(?:plan|tier|subscription|account)\b")),
    (Tier.FREE, _rx(r"\bfree\s+(?:plan|tier|account|version|trial)\b|\btrial\b")),
]

TYPE_CUES: dict[str, re.Pattern] = {
    "business": _rx(
        r"\binvoic(?:e|es|ed|ing)\b|\bbill(?:ed|ing)?\b|\bcharged?\b|\bcharges\b|\brefunds?\b|\bcontract\b|\brenewal\b|\brenew\b|\bcancel(?:l?ing|l?ed|lation)?\b",
        r"\bpric(?:e|es|ing)\b|\bovercharg\w*\b|\bcredit note\b|\bsubscriptions?\b|\bchurn\b|\bcompetitor\b|\blicen[cs]es?\b|\bseats?\b|\bdiscount\b|\bquote\b|\bfees?\b|\binterest rate\b|\bpayments?\b|\bdebt\b|\bloan\b|\bmortgage\b|\bcollections?\b|\bbalance\b",
    ),
    "service": _rx(
        r"\bno(?:body| one)\s+(?:has\s+|ever\s+)?(?:responded|replied|got back|called back|answered|helped|followed up)\b|\bnever\s+(?:heard back|got a (?:reply|response|call))\b",
        r"\bwaiting\s+(?:for|on)\s+(?:a\s+|your\s+)?(?:response|reply|answer|call|update|callback)\b|\bno\s+(?:response|reply|answer|update)\b",
        r"\bsupport\s+(?:team|agent|rep|staff|ticket|line|case)\b|\btickets?\b|\bcase number\b|\brude\b|\bunprofessional\b|\bunhelpful\b",
        r"\bpromised\b|\bon hold\b|\btransferred\b|\bignor(?:ed|ing)\b|\bcustomer service\b|\bescalat\w+\b|\bcalled\s+(?:\w+\s+)?(?:times|again)\b|\bkept? (?:telling|saying)\b|\brepresentatives?\b",
    ),
    "technical": _rx(
        r"\berrors?\b|\bbugs?\b|\bcrash\w*\b|\bdown\b|\boutage\b|\blog ?in\b|\bsign ?in\b|\bapi\b|\bsync\w*\b|\bintegration\b|\bserver\b|\btime-?outs?\b",
        r"\bslow\b|\blatency\b|\bload(?:ing)?\b|\bpage\b|\bapp\b|\bdashboard\b|\bexport\b|\bimport\b|\bupload\w*\b|\b5\d\d\b|\bbroken\b|\bnot working\b|\bwebsite\b|\bsite\b|\bplatform\b|\bdatabase\b|\bdeploy\w*\b|\bupdate\b|\bfeature\b|\bmodels?\b|\bendpoint\b",
    ),
}

_NEGATION = re.compile(
    r"\b(?:no|not|never|nothing|without|isn't|wasn't|aren't|weren't|hasn't|haven't|didn't|don't|doesn't|no sign of|rather than)\b[^.;!?\n]{0,25}$",
    FLAGS,
)
_HEDGE = re.compile(
    r"\b(?:could (?:be|have|lead|result|cause|potentially|expose)|might|may|worried|afraid|concerned|fear|risk of|if|whether|potential(?:ly)?|possible|possibly|in case|suspect|prevent|avoid)\b[^.;!?\n]{0,40}$",
    FLAGS,
)

_NUM = r"(?:\d{1,3}(?:[,\.]\d{3})+|\d+(?:\.\d+)?)\s*(?:k|thousand|m|million)?"
_USERS = re.compile(
    r"(?P<num>" + _NUM + r")\+?\s+(?:of\s+(?:our|my|the)\s+)?(?:[a-z-]+\s+){0,2}?(?P<what>" + _PEOPLE + r")\b",
    FLAGS,
)
_ALL_USERS = _rx(
    r"\b(?:all|every(?:one)?\s+of)\s+(?:of\s+)?(?:our|my|the)\s+(?:" + _PEOPLE + r")\b",
    r"\bevery(?:one|body)\b|\bentire\s+(?:company|team|org|organi[sz]ation|staff|workforce|user base)\b|\bwhole\s+(?:company|team|org|organi[sz]ation|office)\b|\ball users\b|\balle\b",
)
_MONEY = re.compile(
    r"(?P<cur>[$€£])\s?(?P<amt>" + _NUM + r")|(?P<amt2>" + _NUM + r")\s*(?P<cur2>USD|EUR|GBP|dollars|euros?|pounds|bucks)\b",
    FLAGS,
)
_PERIOD = re.compile(
    r"\s*(?:in\s+\w+\s+)?(?:per|a|an|each|every|/)\s*(?P<period>minute|min|hour|hr|day|week|month|year)\b",
    FLAGS,
)
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")


@dataclass(frozen=True)
class Quantity:
    value: float | None
    evidence: str
    unit: str = ""


def _scale(raw: str) -> float:
    raw = raw.strip().lower()
    mult = 1
    for suffix, m in (("thousand", 1e3), ("million", 1e6), ("k", 1e3), ("m", 1e6)):
        if raw.endswith(suffix):
            mult, raw = m, raw[: -len(suffix)].strip()
            break
    # "1,200" and "1.200" are thousands; "2.5" is a decimal.
    if re.fullmatch(r"\d{1,3}(?:[,\.]\d{3})+", raw):
        raw = re.sub(r"[,\.]", "", raw)
    try:
        return float(raw) * mult
    except ValueError:
        return 0.0


@dataclass
class Signals:
    text: str
    tier: Tier | None = None
    cues: dict[str, list[Cue]] = field(default_factory=dict)

    @classmethod
    def read(cls, text: str, tier: Tier | None = None) -> "Signals":
        sig = cls(text=text, tier=tier)
        for name, (pattern, negatable) in CRITERIA.items():
            sig.cues[name] = sig._find(name, pattern, negatable)
        for name, pattern in TYPE_CUES.items():
            sig.cues[f"type_{name}"] = sig._find(f"type_{name}", pattern, False)
        for name, pattern in (
            ("regulatory", REGULATORY_OBLIGATION),
            ("legal", LEGAL_THREAT),
            ("public", PUBLIC),
            ("critical", CRITICAL_PROCESS),
            ("tried", TRIED),
            ("started", STARTED),
            ("workaround_yes", WORKAROUND_YES),
            ("workaround_no", WORKAROUND_NO),
        ):
            sig.cues[name] = sig._find(name, pattern, name in ("public", "regulatory", "legal"))
        return sig

    def _find(self, kind: str, pattern: re.Pattern, negatable: bool) -> list[Cue]:
        found = []
        for m in pattern.finditer(self.text):
            before = self.text[max(0, m.start() - 60) : m.start()]
            if negatable and _NEGATION.search(before):
                continue
            hedged = bool(_HEDGE.search(before))
            found.append(Cue(kind, m.group(0), m.start(), m.end(), hedged))
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
        for m in _USERS.finditer(self.text):
            value = _scale(m.group("num"))
            if value < 2 or _looks_like_time(self.text, m):
                continue
            if best is None or (best.value or 0) < value:
                best = Quantity(value, m.group(0).strip(), m.group("what").lower())
        scope = self.first("outage_scope") or self.first_match(_ALL_USERS)
        if best is None and scope is not None:
            return Quantity(None, scope.phrase, "all")
        return best

    @cached_property
    def money_at_risk(self) -> Quantity | None:
        best: Quantity | None = None
        for m in _MONEY.finditer(self.text):
            amount = _scale(m.group("amt") or m.group("amt2") or "0")
            cur = (m.group("cur") or m.group("cur2") or "").strip()
            tail = _PERIOD.match(self.text, m.end())
            evidence = self.text[m.start() : tail.end() if tail else m.end()].strip()
            unit = f"{cur} per {tail.group('period').lower()}" if tail else cur
            if best is None or amount > (best.value or 0):
                best = Quantity(amount, evidence, unit)
        return best

    def first_match(self, pattern: re.Pattern) -> Cue | None:
        m = pattern.search(self.text)
        return Cue("match", m.group(0), m.start(), m.end()) if m else None

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


_HARD = re.compile(r"[.!?;\n]\s|[!?;\n]|\.$")
_SOFT = re.compile(r"[.!?;\n]\s|[!?;\n]|\.$|[:,(]\s|\)|\s[-–—]\s")


def _span(text: str, cue: Cue, boundary: re.Pattern) -> str:
    start = 0
    for m in boundary.finditer(text, 0, cue.start):
        start = m.end()
    m = boundary.search(text, cue.end)
    end = m.start() if m else len(text)
    return text[start:end].strip(" \t\"'“”")


def _window(text: str, cue: Cue, limit: int) -> str:
    lo = max(0, cue.start - (limit - (cue.end - cue.start)) // 2)
    hi = min(len(text), lo + limit)
    if lo > 0:
        lo = text.find(" ", lo, cue.start) + 1 or cue.start
    if hi < len(text):
        cut = text.rfind(" ", cue.end, hi)
        hi = cut if cut > 0 else cue.end
    return text[lo:hi].strip()


def _looks_like_time(text: str, m: re.Match) -> bool:
    """'400 agents' is a count; '9 am users' or '2024 customers' (a year) is not."""
    raw = m.group("num").replace(",", "").replace(".", "")
    return len(raw) == 4 and raw.startswith(("19", "20")) and "," not in m.group("num")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
