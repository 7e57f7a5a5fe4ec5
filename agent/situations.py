"""Situations, not phrases: the six situations the severity floors rest on, recognised by composition.

A situation is found when the parts that make it up stand in one sentence (or a sentence and the
next), whatever the words around them:

| situation | parts |
|---|---|
| `exposure`: another customer's or person's data shown, sent or exposed | another party + a kind of personal or business data + seeing, sending or containing |
| `takeover`: an account used by someone else | an access event or an account change + "not us" (or an intruder as its subject) |
| `secret_exposed`: secrets or card numbers in logs or public places | a secret (card number, password, key, token) + a log, a page anyone sees, or plain text |
| `data_gone`: data lost, dropped or corrupted | a kind of stored data + a loss ("never arrive", "not saved", "vanished", "corrupted") |
| `money_moved`: money moved wrongly | a charge, debit, refund or payout + wrong ("twice", "to the wrong cards") |
| `all_blocked`: everyone or every site unable to work | all the people or sites + unable to act or failing |

Each part is a small vocabulary; no sentence is memorised. A part under a negation ("no other
customer's data was exposed") does not count; one under a hedge or in a yes/no question marks the
situation as possible (`hedged`). Matched on the lowercased complaint with its claims taken out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cues import _DATA, _HEDGE, _NEGATION, _PEOPLE, _lc
from .literals import may_match

KINDS = ("exposure", "takeover", "secret_exposed", "data_gone", "money_moved", "all_blocked")


@dataclass(frozen=True)
class Situation:
    kind: str
    start: int  # the sentence it was found in
    end: int
    hedged: bool = False
    attempt: bool = False  # takeover: only an attempt (an unrequested reset, an alert) with no access seen


def _w(*alternatives: str) -> str:
    return r"\b(?:" + "|".join(alternatives) + r")\b"


# -- the parts --------------------------------------------------------------------------------------
_ORG = r"(?:customers?|compan(?:y|ies)|tenants?|users?|patients?|clinics?|practices?|organi[sz]ations?|business(?:es)?|firms?|schools?|shops?|stores?|merchants?|sellers?|people|persons?|clients?|famil(?:y|ies)|accounts?|members?|employers?|banks?|hospitals?|guests?|households?|homes?|hotels?|propert(?:y|ies)|agenc(?:y|ies)|offices?|branches|pupils?|students?|residents?|parents?|children|child|kids?|drivers?|employees?|patrons?|subscribers?|departments?)"
_OTHER_P = (
    r"(?:some(?:one|body)\s+else|every(?:one|body)\s+else|each\s+other|one\s+another|(?:another|other|a\s+different|different|some\s+other)\s+(?:[\w-]+\s+)?" + _ORG
    + r"|(?:a|the)\s+stranger|strangers|third\s+parties|the\s+wrong\s+(?:recipients?|people|person|customers?|clients?|users?|tenants?|patients?|merchants?|sellers?)"
    r"|(?:a|an)\s+(?:[\w-]+\s+)?" + _ORG + r"\s+(?:that\s+|which\s+)?(?:i|we)(?:'ve|’ve|\s+have)?\s+(?:never|don't|do\s+not)\s+(?:heard\s+of|know|seen|met)"
    r")"
)
_DATA_P = (
    r"(?:names?|address(?:es)?|bank\s+(?:details|account(?:\s+numbers?)?|numbers?|statements?)|ibans?|account\s+numbers?|card\s+(?:numbers?|details)|cvvs?|social\s+security\s+numbers?|ssns?"
    r"|dates?\s+of\s+birth|phone\s+numbers?|email\s+address(?:es)?|salar(?:y|ies)|payroll(?:\s+\w+)?|wages|medical\s+\w+|diagnos[ie]s|medications?|prescriptions?|health\s+records?"
    r"|patient\s+(?:notes|records|list|data|files|details)|(?:rent\s+|tax\s+|bank\s+)?(?:invoices?|statements?|contracts?|documents?|records?|rows|certificates?|returns?)|orders?|accounts?|profiles?|balances?"
    r"|(?:customer|client|contact|guest|tenant|patient|member)\s+(?:list|data|details|records|information|files)|personal\s+(?:data|information|details|info)|data|information|details|files?|transactions?"
    r"|passports?|id\s+(?:cards?|documents?)|driving\s+licen[cs]es?|photos?|reports?|report\s+cards?|grades|results|transcripts?|(?:order\s+|purchase\s+|chat\s+|medical\s+)?histor(?:y|ies)|messages|conversations|chats|emails)"
)
# What identifies a person or a business (not an "account" or a "balance": "accounts that are not mine" on a
# credit report is a dispute about the report, not a view into someone else's records).
_IDENTITY_P = (
    r"(?:names?|address(?:es)?|bank\s+(?:details|account\s+numbers?)|ibans?|card\s+(?:numbers?|details)|cvvs?|social\s+security\s+numbers?|ssns?|dates?\s+of\s+birth"
    r"|phone\s+numbers?|email\s+address(?:es)?|salar(?:y|ies)|payroll|diagnos[ie]s|medications?|prescriptions?|health\s+records?|patient\s+(?:notes|records|list|data|files|details)"
    r"|(?:rent\s+|tax\s+)?(?:invoices?|contracts?|documents?|rows|certificates?)|(?:customer|client|contact|guest|tenant|patient|member)\s+(?:list|data|details|records|information|files)"
    r"|personal\s+(?:data|information|details|info))"
)
# Shown to us in numbers: "rows that do not belong to us", "card details of clients which are not mine" ("an address
# that was not mine" on one's own credit file is a dispute about the file).
_IDENTITIES_P = (
    r"(?:names|addresses|bank\s+details|ibans|card\s+(?:numbers|details)|cvvs|social\s+security\s+numbers|ssns|dates\s+of\s+birth|phone\s+numbers|email\s+addresses"
    r"|salaries|diagnoses|medications|prescriptions|health\s+records|patient\s+(?:notes|records|list|data|files|details)|invoices|contracts|documents|rows|certificates"
    r"|(?:customer|client|contact|guest|tenant|patient|member)\s+(?:list|data|details|records|information|files)|personal\s+(?:data|information|details))"
)
_NOT_MINE = r"(?:not\s+(?:ours|mine|our\s+(?:own\s+)?" + _ORG + r"|my\s+" + _ORG + r")|(?:which|who|that)\s+(?:are|is)\s+not\s+(?:ours|mine|our\s+" + _ORG + r"|my\s+" + _ORG + r"))"
# Another party's data: "someone else's name", "the invoices of three other businesses", "rows that do not belong to us",
# "card details of clients which are not mine", "sent my contract to a stranger", "visible to anyone who has the link".
_OTHERS_DATA = _lc(
    r"\b" + _OTHER_P + r"(?:'s|’s|s'|s’|')\s+(?:[\w-]+\s+){0,3}?" + _DATA_P + r"\b"
    r"|\b" + _DATA_P + r"\s+(?:[\w'’(),-]+\s+){0,5}?(?:of|from|for|belonging\s+to|(?:that|which|who)\s+belongs?\s+to|who\s+(?:are|is)|which\s+(?:are|is)|that\s+(?:are|is)|to|with)\s+(?:[\w-]+\s+){0,3}?" + _OTHER_P + r"\b"
    r"|\b" + _IDENTITIES_P + r"\s+(?:[\w'’(),-]+\s+){0,5}?(?:of|from|for)\s+(?:[\w-]+\s+){0,3}?" + _NOT_MINE + r"\b"
    r"|\b" + _IDENTITIES_P + r"\s+(?:[\w'’(),-]+\s+){0,5}?(?:" + _NOT_MINE + r"|(?:do|did)\s+not\s+belong\s+to\s+us|(?:don't|didn't|don’t)\s+belong\s+to\s+us)\b"
    r"|\b(?:full\s+of|lists?|shows?|showing)\s+(?:[\w-]+\s+){0,2}?(?:people|customers|patients|clients|users|names|records)\s+(?:who|that|which)\s+(?:are|is)\s+not\s+(?:ours|mine|our\s+" + _ORG + r")\b"
    r"|\b" + _DATA_P + r"\s+(?:[\w'’(),-]+\s+){0,6}?(?:is|are|was|were|has\s+been|have\s+been)\s+(?:now\s+)?(?:publicly\s+)?(?:visible|accessible|available|open|exposed|indexed|readable|searchable)\s+(?:to|for|by)\s+(?:anyone|anybody|everyone|everybody|the\s+public|the\s+whole\s+internet|all\s+users|every\s+user)\b"
    r"|\b" + _OTHER_P + r"\s+(?:(?:can|could|is\s+able\s+to|are\s+able\s+to|was\s+able\s+to|were\s+able\s+to|has|have|had|got)\s+)?(?:see|sees|saw|view|views|viewed|open|opens|opened|access|accessed|download|downloaded|read|edit|edited|get|gets|received|receives|seen)"
    r"\s+(?:(?:all|every)\s+(?:of\s+)?)?(?:our|my|their|the|all)\s+(?:[\w-]+\s+){0,2}?" + _DATA_P + r"\b"
    r"|\b(?:anyone|anybody|everyone|everybody)\s+(?:with\s+the\s+link\s+|who\s+has\s+the\s+link\s+)?(?:can|could)\s+(?:see|view|open|download|read|access)\s+(?:our|their|the|all|every|my)\s+(?:[\w-]+\s+){0,2}?" + _DATA_P + r"\b"
)
_SHOWN = _lc(
    r"\b(?:see|sees|saw|seeing|seen|view|views|viewed|viewing|open|opens|opened|access|accessed|accessible|read|reads|download(?:ed|s)?|edit(?:s|ed)?|change(?:d)?|visible|showing|shows?|shown|showed|displays?|displayed"
    r"|contains?|contained|containing|includes?|included|including|appears?|appeared|listed|full\s+of|got|gets|received|receives?|sent|send|sends|sending|emailed|mailed|went\s+out|delivered|forwarded|shared|published|posted|leaked|exposed|printed|exported"
    r"|found|finds?|indexed|has|have|had|call(?:ed)?\s+me\s+and\s+read)\b|\bthere\s+(?:is|are|was|were)\b|\b(?:is|are)\s+from\b|\bbelong\w*\b|\bnot\s+mine\b|\bnot\s+ours\b"
)
_SECRET = _lc(
    r"\bcard\s+numbers?\b|\bfull\s+(?:card\s+)?numbers?\b|\bcvvs?\b|\bcvcs?\b|\bpasswords?\b|\bpasscodes?\b|\bpin\s+(?:numbers?|codes?)\b|\bapi\s+keys?\b|\bsecret\s+keys?\b|\bprivate\s+keys?\b"
    r"|\b(?:signing|client|webhook|app|shared)\s+secrets?\b|\b(?:access|api|auth|bearer|session|refresh|oauth)\s+tokens?\b|\bcredentials\b|\bssh\s+keys?\b|\bsession\s+cookies?\b"
)
_PLACE = _lc(
    r"\blogs\b|\blog\s+(?:files?|entries|lines|output)\b|\blogging\b|\blogged\b(?!\s+(?:in|on|into|out|off))|\b(?:debug|error|server|access|application|audit|event|the)\s+log\b|\bdebug\b|\bconsole\b"
    r"|\bstack\s*traces?\b|\bpage\s+source\b|\bsource\s+code\b|\bpublic(?:ly)?\b(?!\s+records?)|\bforums?\b|\bgithub\b|\bgitlab\b|\brepo(?:sitory)?\b"
    r"|\bpastebin\b|\burls?\b|\bquery\s+strings?\b|\banalytics\b|\b(?:plain|clear)[\s-]?text\b|\bunmasked\b|\bunencrypted\b|\b(?:not|n't)\s+(?:masked|encrypted|redacted|hidden)\b|\bwithout\s+(?:masking|encryption)\b|\bin\s+the\s+clear\b|\bexamples?\b|\bscreenshots?\b|\bemails?\s+to\s+(?:all|every)"
    r"|\b(?:anyone|anybody|everyone|everybody)\s+(?:can|could|who|visiting|with)\b|\b(?:to|for)\s+(?:all|every|any)\s+(?:visitors?|users?|customers?)\b|\ball\s+visitors\b|\bstatus\s+page\b|\bsearch\s+engines?\b"
)
# An access to an account or a change to it that only its owner should make.
_ACCESS = _lc(
    r"\b(?:sign|log)[- ]?(?:ins?|ons?)\b|\blogins?\b|\b(?:signed|logged|signing|logging)\s+(?:in|on|into)\b|\bsessions?\b|\bnew\s+(?:device|login|sign-?in)\b"
    r"|\b(?:password|email(?:\s+address)?|phone\s+number|bank\s+(?:details|number|account)|payout\s+(?:email|details|account|bank)|recovery\s+email|username|settings|2fa|mfa|two[- ]factor(?:\s+authentication)?)"
    r"(?:\s+(?:[\w-]+\s+){0,3}?)(?:was|were|is|are|has\s+been|have\s+been|got)?\s*(?:changed|replaced|reset|removed|disabled|switched\s+off|turned\s+off|updated|different)\b"
    r"|\b(?:changed|replaced|reset|removed|disabled|switched\s+off|turned\s+off)\s+(?:(?:our|my|the)\s+)?(?:[\w-]+\s+)?(?:password|email|bank|payout|2fa|mfa|two[- ]factor|settings)\b"
    r"|\b(?:change|changed|changes)\s+(?:the\s+|our\s+|my\s+)?(?:[\w-]+\s+)?(?:bank|payout|email|password|phone|address|owner)\b"
    r"|\b(?:(?:new\s+)?(?:forwarding\s+)?rules?|webhooks?|integrations?|apps?|api\s+keys?|users?|admins?|devices?|payees?|bank\s+accounts?|email\s+addresses|redirects?)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:appeared|was\s+added|were\s+added|was\s+created|were\s+created|showed\s+up|was\s+set\s+up|were\s+set\s+up|was\s+installed|were\s+installed|was\s+invited|were\s+invited)\b"
    r"|\b(?:admin|account|user|login|credentials|password)\s+(?:[\w-]+\s+)?(?:was|were|has\s+been|have\s+been)\s+used\b|\b(?:orders|purchases|payments|transfers|bookings|invitations|invites|downloads|exports|posts)\b"
    r"|\bfrom\s+(?:a|an)\s+(?:new\s+|unknown\s+|strange\s+)?(?:device|ip|ip\s+address|location|computer|phone|browser|country|city)\s+(?:that\s+)?(?:we|i)\s+(?:don't|do\s+not|didn't|did\s+not)\s+(?:know|recogni[sz]e|use)\b"
    r"|\bnew\s+(?:admin|administrator|user|owner)(?:\s+user)?\s+(?:appeared|was\s+added|was\s+created|added|created|showed\s+up)\b|\b(?:api\s+keys?|tokens?)\s+(?:were\s+|was\s+)?(?:regenerated|rotated|created|revoked)\b"
    r"|\b(?:is|are|got|get|gets|getting)\s+(?:in|into)\s+(?:our|my|the)\s+(?:account|system|shop|workspace|console)\b|\bsome(?:one|body)\s+(?:is|was)\s+in\b|\b(?:taken|took|take)\s+(?:over\s+)?(?:my|our)\s+account\b"
    r"|\benter(?:ed|s)?\s+(?:in|into)\s+(?:our|my|the)\s+(?:[\w-]+\s+)?account\b|\baccessed\b|\bsaved\s+addresses\s+are\s+different\b|\bexport\s+of\s+(?:the\s+)?[\w\s]{0,20}(?:was\s+)?started\b"
    r"|\b(?:password\s+)?reset\s+(?:emails?|links?|codes?|requests?)\b|\b(?:login|sign-?in|security)\s+(?:alerts?|notifications?|codes?)\b|\bverification\s+codes?\b"
)
_ATTEMPT_ONLY = _lc(r"\b(?:orders|purchases|payments|transfers|bookings|invitations|invites|downloads|exports|posts)\b|\breset\s+(?:emails?|links?|codes?|requests?)\b|\b(?:login|sign-?in|security)\s+(?:alerts?|notifications?|codes?)\b|\bverification\s+codes?\b|\bnew\s+(?:device|login|sign-?in)\b")
_NOT_US = _lc(
    r"\b(?:we|i)\s+(?:did\s+not|didn't|never|have\s+not|haven't|had\s+not|hadn't|not)\s+(?:make|made|do|did|request|requested|ask|asked|authori[sz]e|authori[sz]ed|create|created|touch|touched|change|changed|use|used|start|started|set|log|sign)\b"
    r"|\b(?:none\s+of\s+us|no(?:body|\s?one)(?:\s+(?:on\s+our\s+(?:side|team|end)|here))?)\s+(?:[\w-]+\s+){0,2}?(?:did|made|created|touched|requested|changed|set|started|ran|authori[sz]ed|"
    r"(?:have|has)\s+(?:ever\s+)?been|was\s+working|were\s+working|knows?|recogni[sz]es?|added|invited|approved)\b|\bnot\s+(?:us|me)\b|\bwasn't\s+(?:us|me)\b|\bnot\s+by\s+(?:us|me)\b"
    r"|\b(?:unknown|unfamiliar|unrecogni[sz]ed|strange|foreign|suspicious)\s+(?:[\w-]+\s+)?(?:device|ip|ip\s+address|address|country|city|location|email|user|session|browser|number)s?\b"
    r"|\b(?:an?\s+)?(?:ip\s+address|ip|device|country|city|place|location|session|login|email|address|number|user)\s+(?:that\s+)?(?:we|i)\s+(?:don't|do\s+not)\s+(?:know|recogni[sz]e)\b"
    r"|\bno(?:body|\s?one)\s+of\s+us\b|\b(?:every(?:body|one)|all\s+of\s+us|we)\s+(?:[\w-]+\s+){0,3}?(?:was|were)\s+(?:asleep|sleeping|away|offline|on\s+holiday)\b|\bswitched\s+off\s+at\s+home\b"
    r"|\bwhere\s+none\s+of\s+us\b|\bi\s+was\s+(?:sleeping|asleep|away|on\s+holiday)\b|\bi\s+not\s+(?:use|make|do|request)\b|\bnot\s+(?:requested|asked\s+for|made)\s+by\b"
    r"|\bnever\s+asked\s+for\b|\bdid\s+not\s+request\b|\boffice\s+is\s+closed\b"
    r"|\b(?:some(?:one|body)(?:\s+else)?|a\s+stranger|an?\s+attacker|attackers|hackers?|an\s+intruder)\s+(?:has\s+|have\s+|had\s+)?(?:taken|took|enter\w*|log\w*|sign\w*|got|get|changed|is\s+in|was\s+in|accessed)\b"
)
_STORED = _lc(
    r"\b(?:" + _DATA + r"|customer\s+records|entries|ledger|balances?|stock|quantities|amounts|figures|notes|timesheets?|documents|folders?|archive|rows|items|parcels|shipments|payments|catalogue|catalog|prices)\b"
)
_LOSS = _lc(
    r"\bno\s+longer\s+(?:in|there|visible|available|in\s+the\s+system|on\s+the\s+system|showing|exist)\b|\bnever\s+(?:arrive[sd]?|reach(?:es|ed)?|show(?:s|ed)?\s+up|appear(?:s|ed)?|made\s+it|got\s+(?:saved|there))\b"
    r"|\b(?:not|never|n't)\s+(?:been\s+|being\s+)?(?:saved|stored|recorded|kept|synced|synchronised|synchronized)\b|\bare\s+not\s+saved\b|\bsimply\s+not\s+been\s+saved\b"
    # "the app keeps losing our entries" (and not "we are losing $20,000 per hour")
    r"|\b(?:is|are|keeps?|kept|has\s+been|have\s+been|was|were)\s+(?:\w+\s+)?losing\s+(?:(?:all|some|most|many|our|my|the|their|its|of|new|incoming|\w+'s)\s+){0,3}"
    r"(?:data|records|messages|entries|rows|files|orders|emails|events|transactions|items|notes|changes|edits|work|history|uploads|documents|bookings|payments|updates)\b|\b(?:\d+|some|many|several|dozens\s+of|hundreds\s+of)\s+(?:[\w-]+\s+)?(?:invoices|orders|records|entries|rows|items|files|messages|bookings|transactions)\s+(?:are\s+|were\s+|went\s+)?missing\b"
    r"|\b(?:silently|quietly)\s+(?:\w+\s+)?(?:dropp(?:ed|ing)|lost|los(?:e|ing)|discard(?:ed|ing)|skipp(?:ed|ing)|deleted)\b"
    r"|\bdropp(?:ing|ed)\s+(?:\w+\s+){0,2}?(?:orders|records|entries|rows|messages|events|data|transactions|payments|items|emails|files|bookings|updates)\b"
    r"|\b(?:disappear(?:s|ed|ing)?|vanish(?:es|ed|ing)?|is\s+disappear|are\s+disappear|corrupted|corruption)\b|\b(?:is|are|was|were|got|became|become)\s+corrupt\b"
    r"|\breplaced\s+(?:\w+\s+){0,6}?with\s+(?:zeros|zeroes|blanks|nothing|empty)\b|\bnowhere\s+to\s+be\s+found\b|\bback\s+to\s+(?:the\s+)?(?:old|previous|earlier)\s+(?:numbers|values|figures|amounts|data|version)\b"
    r"|\b(?:are|is|were|was)\s+(?:now\s+)?(?:empty|blank)\b|\blose\s+all\s+(?:the|our)\s+work\b|\bhave\s+different\s+amounts\b"
    # "the contacts are simply not there anymore", "three years of notes are gone"
    r"|\b(?:is|are|was|were)\s+(?:simply\s+|just\s+|now\s+)?(?:not|n't)\s+there\s+any\s?more\b|\b(?:is|are|was|were)n't\s+there\s+any\s?more\b"
    # ("the errors are gone" after a fix is good news)
    r"|(?<!issue )(?<!issues )(?<!problem )(?<!problems )(?<!error )(?<!errors )(?<!bug )(?<!bugs )(?<!symptoms )(?<!warnings )"
    r"\b(?:is|are|has\s+been|have\s+been|was|were)\s+(?:all\s+|just\s+|simply\s+|completely\s+|now\s+)?gone\b"
)
_MONEY_ACT = _lc(
    r"\b(?:payroll|salar(?:y|ies)|wages|direct\s+debits?|standing\s+orders?|charg(?:e|ed|es|ing)|bill(?:ed|ing)?|debit(?:ed|s)?|collect(?:ed)?|paid|pay(?:outs?|ments?)|refunds?|refunded|(?:bank\s+|wire\s+)?transfers?\s+(?:of|for)|transferred\s+(?:the\s+|our\s+|my\s+)?(?:money|funds|amount|payment)|withdr[ae]w\w*|deduct(?:ed|ions?)?|take\s+the\s+money|took\s+the\s+money|taken\s+(?:the\s+)?money)\b"
)
_WRONG = _lc(
    r"\b(?:twice|two\s+times|double|three\s+times|ten\s+times|\d+\s+times)\b|\b(?:the\s+)?wrong\s+(?:amounts?|merchants?|sellers?|accounts?|cards?|people|person|customers?|recipients?|bank)\b"
    r"|\bto\s+(?:the\s+)?wrong\b|\bwent\s+to\s+(?:the\s+)?(?:wrong|strangers|other)\b|\banother\s+(?:seller|merchant|customer|person)(?:'s|’s)\s+amount\b|\bthe\s+amount\s+of\s+(?:the\s+)?(?:previous|next|another|other)\b"
    r"|\bwrong\s+(?:rate|exchange\s+rate|currency|price|prices)\b|\b(?:received|got|paid|charged|debited)\s+(?:less|more)\s+than\s+(?:they|we|i|it|he|she)\s+should\b"
    r"|\bincorrectly\b|\bby\s+mistake\b|\bstrangers\s+got\b|\breceived\s+nothing\b|\bgot\s+nothing\b"
)
_MONEY_WRONG = _lc(
    _MONEY_ACT.pattern + r"(?:\s+[\w'’$€£.,;-]+){0,10}?\s+(?:" + _WRONG.pattern + r")|(?:" + _WRONG.pattern + r")(?:\s+[\w'’-]+){0,4}?\s+" + _MONEY_ACT.pattern
)
_ALL = _lc(
    r"\b(?:every|each)\s+(?:single\s+)?(?:one\s+of\s+(?:our|the|my)\s+)?(?:[\w-]+\s+){0,2}?(?:" + _PEOPLE + r")\b|\bevery(?:one|body)\b"
    r"|\b(?:all|in\s+all|at\s+all|across\s+all)\s+(?:of\s+)?(?:our|my|the)\s+(?:[\d,]+\s+)?(?:[\w-]+\s+){0,2}?(?:" + _PEOPLE + r")\b|\b(?:the|our|my|their)\s+(?:whole|entire)\s+(?:office|company|team|organi[sz]ation|firm|staff|shop|clinic|hospital)\b"
    r"|\b(?:\d[\d,]*|hundreds\s+of|thousands\s+of)\s+(?:[\w-]+\s+)?(?:people|users|staff|employees|agents)\s+(?:are\s+)?(?:sitting|waiting|idle|stuck)\b|\bat\s+every\s+(?:location|site|store|branch|office|clinic)\b"
)
_UNABLE = _lc(
    r"\b(?:can't|cannot|can\s+not|couldn't|could\s+not|unable\s+to|not\s+able\s+to|has\s+been\s+unable\s+to|have\s+been\s+unable\s+to|are\s+unable|is\s+unable|fail(?:s|ed|ing)?\s+to)\s+(?:even\s+|currently\s+|still\s+|now\s+)?"
    r"(?:do\s+anything|do\s+any\s+work|work|log|sign|open|load|use|access|connect|reach|enter|print|scan|take|process|pay|sell|see|get|save|ship|book|check|start|run|serve|trade|operate)\b"
    r"|\b(?:gets?|getting|got|see|sees|shows?|showing)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+)?(?:errors?|timeouts?|white\s+page|blank\s+page|error\s+page|spinner)\b|\bjust\s+spins\b|\bsitting\s+on\s+their\s+hands\b"
    r"|\b(?:is|are|has\s+been|have\s+been)\s+(?:completely\s+)?(?:locked\s+out|blocked|down|offline)\b|\btime(?:s|d)?\s*-?\s*out\s+for\s+(?:everyone|all)\b|\bshows?\s+a\s+timeout\b"
)

_SENTENCES = re.compile(r"[^.!?\n]+[.!?]*")
_QUESTION_START = _lc(r"\s*(?:is|are|was|were|does|do|did|can|could|will|would|has|have|had|should|shall|am|isn't|aren't|doesn't|don't|didn't|how|what|why|who|when|where)\b")


def _part(pattern: re.Pattern, low: str, lo: int, hi: int, places=None, *, negatable: bool = True) -> tuple[bool, bool] | None:
    """Whether the sentence has the part: (found, hedged), or None. A negated match does not count, nor
    one that says what happens in general ("how long you keep records before they are purged").
    `places` (agent/windows.py) skips a sentence that holds none of the pattern's literals."""
    if places is not None and places.lacks(pattern, lo, hi):
        return None
    best = None
    for m in pattern.finditer(low, lo, hi):
        before = low[max(lo, m.start() - 60) : m.start()]
        if negatable and (_NEGATION.search(before) or _GENERAL.search(before)):
            continue
        hedged = bool(_HEDGE.search(before))
        if not hedged:
            return True, False
        best = (True, True)
    return best


def find(low: str, places=None) -> list[Situation]:
    """Every situation in the (lowercased, claim-free) text, in text order. `places`: where `low` holds
    the literals of PARTS (agent/windows.py), which only saves searches."""
    kinds = [k for k, needs in _NEEDS.items() if all(any(_may(p, low, places) for p in group) for group in needs)]
    if not kinds:
        return []
    spans = [(m.start(), m.end()) for m in _SENTENCES.finditer(low)]
    found: list[Situation] = []
    for i, (lo, hi) in enumerate(spans):
        question = low[hi - 1 : hi] == "?" and bool(_QUESTION_START.match(low, lo))
        nxt = spans[i + 1][1] if i + 1 < len(spans) else hi  # a sentence and the next
        for kind in kinds:
            hit = _situation(kind, low, lo, hi, nxt, places)
            if hit:
                hedged, attempt = hit
                found.append(Situation(kind, lo, hi, hedged or question, attempt))
    return found


def _situation(kind: str, low: str, lo: int, hi: int, nxt: int, places=None) -> tuple[bool, bool] | None:
    """(hedged, attempt) when the sentence at lo:hi (with the next, up to nxt, where parts may follow) holds the situation."""
    if kind == "exposure":
        parts = _every(lambda: _part(_OTHERS_DATA, low, lo, hi, places), lambda: _part(_SHOWN, low, lo, hi, places))
    elif kind == "secret_exposed":
        parts = _every(lambda: _part(_SECRET, low, lo, hi, places, negatable=False), lambda: _part(_PLACE, low, lo, hi, places, negatable=False),
                       lambda: _part(_SHOWN, low, lo, hi, places) or _part(_IN_PLACE, low, lo, hi, places))
    elif kind == "takeover":
        access = _part(_ACCESS, low, lo, hi, places, negatable=False)
        if not access:
            return None
        not_us = _part(_NOT_US, low, lo, nxt, places, negatable=False) or _part(_NOT_US, low, max(0, lo - 200), lo, places, negatable=False)
        if not not_us:
            return None
        attempt = all(_ATTEMPT_ONLY.match(low, m.start()) for m in _ACCESS.finditer(low, lo, nxt))
        return access[1] and not_us[1], attempt
    elif kind == "data_gone":
        parts = _every(lambda: _part(_STORED, low, lo, hi, places), lambda: _part(_LOSS, low, lo, hi, places))
    elif kind == "money_moved":
        parts = _every(lambda: _part(_MONEY_WRONG, low, lo, hi, places))
    else:  # all_blocked
        parts = _every(lambda: _part(_ALL, low, lo, hi, places, negatable=False),
                       lambda: _part(_UNABLE, low, lo, hi, places, negatable=False) or _part(_NONE_CAN, low, lo, hi, places, negatable=False))
        if parts and _ONLY_SOME.search(low, lo, hi):
            return None
    if parts:
        return any(p[1] for p in parts), False
    return None


def _every(*reads):
    """Each part's (found, hedged), or None at the first part the sentence lacks (the rest are not read)."""
    out = []
    for read in reads:
        part = read()
        if not part:
            return None
        out.append(part)
    return out


_NONE_CAN = _lc(r"\b(?:none|no(?:body|\s?one)|not\s+(?:a\s+single|one))\b[^.!?\n]{0,60}?\b(?:can|could|is\s+able\s+to|are\s+able\s+to)\s+(?:even\s+|currently\s+|still\s+|now\s+)?"
                  r"(?:do\s+anything|do\s+any\s+work|work|log|sign|open|load|use|access|connect|reach|enter|print|scan|take|process|pay|sell|get\s+in|save|ship|book|start|run|serve|trade|operate)\b")
_GENERAL = _lc(r"\b(?:how\s+long|how\s+soon)\b[^.;:!?\n]{0,60}$|\b(?:before|until|once|whenever|after)\s+(?:they|it|these|those|records|data|files)\s+(?:are|is|get|gets|have\s+been|has\s+been)\s+$")
_IN_PLACE = _lc(r"\b(?:in|on|into|to|inside|within|under|through)\b")
_ONLY_SOME = _lc(r"\b(?:some|a\s+few|(?<!every\s)(?<!each\s)one\s+of|only\s+(?:one|two|a\s+few)|certain)\s+(?:of\s+(?:our|the)\s+)?(?:[\w-]+\s+)?(?:users|people|staff|sites|stores|clinics|locations|agents)\b")

# The parts without which a situation cannot be found, each group one of which must match somewhere in the
# text; a text that holds none of a group's literals (agent/literals.py) is not read for that situation.
_NEEDS = {
    "exposure": ((_OTHERS_DATA,), (_SHOWN,)),
    "takeover": ((_ACCESS,), (_NOT_US,)),
    "secret_exposed": ((_SECRET,), (_PLACE,)),
    "data_gone": ((_STORED,), (_LOSS,)),
    "money_moved": ((_MONEY_WRONG,),),
    "all_blocked": ((_ALL,), (_UNABLE, _NONE_CAN)),
}


def _may(pattern: re.Pattern, low: str, places) -> bool:
    return not places.lacks(pattern, 0, len(low)) if places is not None else may_match(pattern, low)


PARTS = (_OTHERS_DATA, _SHOWN, _SECRET, _PLACE, _IN_PLACE, _ACCESS, _NOT_US, _STORED, _LOSS, _MONEY_WRONG, _ALL, _UNABLE, _NONE_CAN)
