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

The same parts exist in French, Spanish, Portuguese and German (and a little Dutch), below the English ones.
Each part is a small vocabulary; no sentence is memorised. A part under a negation ("no other
customer's data was exposed") does not count; one under a hedge or in a yes/no question marks the
situation as possible (`hedged`). Matched on the lowercased complaint with its claims taken out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cues import _ACT_DE, _DATA, _DEPARTED_PERSON, _HEDGE, _MEANT, _NEGATION, _PEOPLE, _lc
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
_ORG = r"(?:customers?|compan(?:y|ies)|tenants?|users?|patients?|clinics?|practices?|organi[sz]ations?|business(?:es)?|firms?|schools?|shops?|stores?|merchants?|sellers?|people|persons?|clients?|famil(?:y|ies)|accounts?|members?|employers?|banks?|hospitals?|guests?|households?|homes?|hotels?|propert(?:y|ies)|agenc(?:y|ies)|offices?|branches|pupils?|students?|class(?:es)?|teams?|groups?|divisions?|residents?|parents?|children|child|kids?|drivers?|employees?|patrons?|subscribers?|departments?|firma|firmen)"
_OTHER_P = (
    r"(?:some(?:one|body)\s+else|every(?:one|body)\s+else|each\s+other|one\s+another|(?:another|other|a\s+different|different|some\s+other)\s+(?:[\w-]+\s+)?" + _ORG
    + r"|(?:a|the)\s+stranger|strangers|third\s+parties|the\s+wrong\s+(?:recipients?|people|person|customers?|clients?|users?|tenants?|patients?|merchants?|sellers?|employees?|staff|members?|parents?|students?|famil(?:y|ies)|households?"
    r"|suppliers?|vendors?|payees?|contractors?|compan(?:y|ies)|business(?:es)?|clinics?|practices?)"
    # a party we do not know or are not: "somebody I don't know", "a company called Brightwell Ltd, we are not Brightwell"
    r"|(?:(?:a|an)\s+(?:[\w-]+\s+)?" + _ORG + r"|(?:compan|business|customer|client|patient|firm|merchant|tenant|organi[sz]ation|people)\w*|some(?:one|body)|a\s+(?:person|man|woman))"
    r"(?:\s+(?:called|named)\s+(?:[\w&,'’()-]+\s+){1,4}?)?\s*"
    r"(?:(?:that\s+|which\s+|who\s+|whom\s+)?(?:i|we)(?:'ve|’ve|\s+have)?\s+(?:never|don't|don’t|do\s+not)\s+(?:heard\s+of|know|seen|met|worked\s+with|dealt\s+with|done\s+business\s+with|did\s+business\s+with|ordered\s+from)"
    r"|(?:-\s+|\(\s*)?(?:and\s+|but\s+)?(?:we|i)(?:'re|’re|'m|’m|\s+are|\s+am)\s+not\b(?!\s+(?:sure|able|happy|aware|getting|seeing|receiving|the\s+only)\b)|(?:which|who|that)\s+(?:is|are)(?:\s+not|n't|n’t)\s+(?:us|ours|our\s+\w+|one\s+of\s+(?:our|my)\s+\w+))"
    r")"
)
_DATA_P = (
    r"(?:names?|address(?:es)?|bank\s+(?:details|account(?:\s+numbers?)?|numbers?|statements?)|ibans?|account\s+numbers?|card\s+(?:numbers?|details)|(?:bank|credit|debit|payment)\s+cards?|cvvs?|social\s+security\s+numbers?|ssns?"
    r"|remittances?(?:\s+advices?)?|payment\s+advices?|dates?\s+of\s+birth|phone\s+numbers?|email\s+address(?:es)?|salar(?:y|ies)|payroll(?:\s+\w+)?|wages|medical\s+\w+|diagnos[ie]s|medications?|prescriptions?|health\s+records?"
    r"|patient\s+(?:notes|records|list|data|files|details)|(?:rent\s+|tax\s+|bank\s+)?(?:invoices?|statements?|contracts?|documents?|records?|rows|certificates?|returns?)|orders?|accounts?|profiles?|balances?"
    r"|(?:customer|client|contact|guest|tenant|patient|member)\s+(?:list|data|details|records|information|files)|personal\s+(?:data|information|details|info)|data|information|details|files?|transactions?"
    r"|passports?|id\s+(?:cards?|documents?)|packing\s+(?:slips?|lists?)|delivery\s+(?:notes?|slips?)|dispatch\s+notes?|pay\s?slips?|pay\s?stubs?|pay\s+statements?|labels?|driving\s+licen[cs]es?|photos?|reports?|report\s+cards?|grades|results|transcripts?|(?:order\s+|purchase\s+|chat\s+|medical\s+)?histor(?:y|ies)|messages|conversations|chats|emails)"
)
# What identifies a person or a business (not an "account" or a "balance": "accounts that are not mine" on a
# credit report is a dispute about the report, not a view into someone else's records).
_IDENTITY_P = (
    r"(?:names?|address(?:es)?|bank\s+(?:details|account\s+numbers?)|ibans?|card\s+(?:numbers?|details)|(?:bank|credit|debit|payment)\s+cards?|cvvs?|social\s+security\s+numbers?|ssns?|dates?\s+of\s+birth"
    r"|phone\s+numbers?|email\s+address(?:es)?|salar(?:y|ies)|payroll|diagnos[ie]s|medications?|prescriptions?|health\s+records?|patient\s+(?:notes|records|list|data|files|details)"
    r"|(?:rent\s+|tax\s+)?(?:invoices?|contracts?|documents?|rows|certificates?)|(?:customer|client|contact|guest|tenant|patient|member)\s+(?:list|data|details|records|information|files)"
    r"|personal\s+(?:data|information|details|info)|pay\s?slips?|pay\s?stubs?|packing\s+(?:slips?|lists?)|delivery\s+(?:notes?|slips?))"
)
# Shown to us in numbers: "rows that do not belong to us", "card details of clients which are not mine" ("an address
# that was not mine" on one's own credit file is a dispute about the file).
_IDENTITIES_P = (
    r"(?:names|addresses|bank\s+details|ibans|card\s+(?:numbers|details)|cvvs|social\s+security\s+numbers|ssns|dates\s+of\s+birth|phone\s+numbers|email\s+addresses"
    r"|salaries|diagnoses|medications|prescriptions|health\s+records|patient\s+(?:notes|records|list|data|files|details)|invoices|contracts|documents|rows|certificates"
    r"|(?:customer|client|contact|guest|tenant|patient|member)\s+(?:list|data|details|records|information|files)|personal\s+(?:data|information|details)|pay\s?slips|pay\s?stubs|packing\s+slips|delivery\s+notes)"
)
# What harms its owner in a stranger's hands (not a name: a stranger's mail carries their own name).
_SENSITIVE_P = (
    r"(?:card\s+(?:numbers?|details)|(?:bank|credit|debit|payment)\s+cards?|bank\s+(?:details|account\s+numbers?)|ibans?|cvvs?|social\s+security\s+numbers?"
    r"|ssns?|dates?\s+of\s+birth|(?:home\s+)?address(?:es)?|phone\s+numbers?|medical\s+\w+|diagnos[ie]s|prescriptions?|health\s+records?|payroll|salar(?:y|ies)"
    r"|pay\s?slips?|passports?|personal\s+(?:data|information|details))"
)
_NOT_MINE = r"(?:not\s+(?:ours|mine|our\s+(?:own\s+)?" + _ORG + r"|my\s+" + _ORG + r")|(?:which|who|that)\s+(?:are|is)\s+not\s+(?:ours|mine|our\s+" + _ORG + r"|my\s+" + _ORG + r"))"
_SENT_TO = (r"(?:sent|texted|sms(?:'d|ed)|messaged|emailed|e-mailed|mailed|posted|faxed|delivered|forwarded|pushed|routed|shared|went\s+out|going\s+out|go\s+out|going|gone|go|went)"
            r"(?:\s+(?:out|straight|directly|automatically))?\s+to")
# Another party's data: "someone else's name", "the invoices of three other businesses", "rows that do not belong to us",
# "card details of clients which are not mine", "sent my contract to a stranger", "visible to anyone who has the link".
_OTHERS_DATA = _lc(
    r"\b" + _OTHER_P + r"(?:'s|’s|s'|s’|')\s+(?:[\w-]+\s+){0,3}?" + _DATA_P + r"\b"
    r"|\b" + _DATA_P + r"\s+(?:[\w'’(),-]+\s+){0,5}?(?:of|from|for|belonging\s+to|(?:that|which|who)\s+belongs?\s+to|addressed\s+to|(?:meant|intended|destined)\s+for|who\s+(?:are|is)|which\s+(?:are|is)|that\s+(?:are|is)|to|with)\s+(?:[\w-]+\s+){0,3}?(?<!\bour\s)(?<!\bmy\s)" + _OTHER_P + r"\b"
    # post to us that is another party's: "we got a letter addressed to another customer", "the letter you mailed me was
    # meant for a different customer" (not "letters to our other clients", nor a letter of ours that went astray)
    r"|\b(?:(?:we|i)(?:'ve|’ve|\s+have)?\s+(?:just\s+|also\s+|today\s+)?(?:received|got|opened)\s+(?:[\w-]+\s+){0,3}?(?:letters?|envelopes?|post|mail)"
    r"|(?:letters?|envelopes?|post|mail)\s+(?:that\s+)?(?:you|your\s+[\w-]+)\s+(?:sent|mailed|posted|delivered)\s+(?:to\s+)?(?:us|me)"
    r"|(?:letters?|envelopes?|post|mail)\s+(?:that\s+)?(?:we|i)\s+(?:just\s+|also\s+)?(?:received|got|opened))"
    r"\s+(?:[\w'’(),-]+\s+){0,5}?(?:addressed\s+to|(?:meant|intended|destined)\s+for)\s+(?:[\w-]+\s+){0,3}?" + _OTHER_P + r"\b"
    # sent to where another party reads it: "diagnosis codes are being texted to the shared family phones of other patients",
    # "the payslips went out to the inboxes of the wrong employees" (the sending verb carries it over a longer destination)
    r"|\b(?:sending|sends|send|emailing|e-mailing|emails|texting|texts|mailing|mails|forwarding|forwards|faxing|posting|sent|emailed|texted|mailed|forwarded)\s+"
    r"(?:[\w'’-]+\s+){0,4}?" + _DATA_P + r"\s+(?:[\w'’(),-]+\s+){0,4}?to\s+(?:[\w'’-]+\s+){0,6}?(?<!\bour\s)(?<!\bmy\s)" + _OTHER_P + r"\b"
    r"|\b" + _DATA_P + r"\s+(?:[\w'’(),-]+\s+){0,5}?" + _SENT_TO + r"\s+(?:[\w'’-]+\s+){0,6}?(?<!\bour\s)(?<!\bmy\s)" + _OTHER_P + r"\b"
    r"|\b" + _IDENTITIES_P + r"\s+(?:[\w'’(),-]+\s+){0,5}?(?:of|from|for)\s+(?:[\w-]+\s+){0,3}?" + _NOT_MINE + r"\b"
    r"|\b" + _IDENTITIES_P + r"\s+(?:[\w'’(),-]+\s+){0,5}?(?:" + _NOT_MINE + r"|(?:do|did)\s+not\s+belong\s+to\s+us|(?:don't|didn't|don’t)\s+belong\s+to\s+us)\b"
    r"|\b(?:full\s+of|lists?|shows?|showing)\s+(?:[\w-]+\s+){0,2}?(?:people|customers|patients|clients|users|names|records)\s+(?:who|that|which)\s+(?:are|is)\s+not\s+(?:ours|mine|our\s+" + _ORG + r")\b"
    r"|\b" + _DATA_P + r"\s+(?:[\w'’(),-]+\s+){0,6}?(?:is|are|was|were|has\s+been|have\s+been)\s+(?:now\s+)?(?:publicly\s+)?(?:visible|accessible|available|open|exposed|indexed|readable|searchable)\s+(?:to|for|by)\s+(?:anyone|anybody|everyone|everybody|the\s+public|the\s+whole\s+internet|all\s+users|every\s+user)\b"
    r"|\b" + _OTHER_P + r"\s+(?:(?:can|could|is\s+able\s+to|are\s+able\s+to|was\s+able\s+to|were\s+able\s+to|has|have|had|got)\s+)?(?:see|sees|saw|view|views|viewed|open|opens|opened|access|accessed|download|downloaded|read|edit|edited|get|gets|received|receives|seen)"
    r"\s+(?:(?:all|every)\s+(?:of\s+)?)?(?:our|my|their|the|all)\s+(?:[\w-]+\s+){0,2}?" + _DATA_P + r"\b"
    # someone else's space opened: "I logged in with my own email and landed in someone else's workspace"
    r"|\b(?:some(?:one|body)|any(?:one|body))\s+else(?:'s|’s)\s+(?:[\w-]+\s+)?(?:workspaces?|projects?|dashboards?|inbox(?:es)?|folders?|portals?)\b"
    # a stranger's details reaching us: "a payment confirmation from somebody I don't know, with their name and their card number"
    r"|\b" + _OTHER_P + r"[^.!?\n]{0,60}?\b(?:with|showing|containing|including|listing)\s+(?:all\s+)?(?:their|his|her)\s+(?:[\w'’-]+\s+){0,4}?" + _SENSITIVE_P + r"\b"
    r"|\b(?:anyone|anybody|everyone|everybody)\s+(?:with\s+the\s+link\s+|who\s+has\s+the\s+link\s+)?(?:can|could)\s+(?:see|view|open|download|read|access)\s+(?:our|their|the|all|every|my)\s+(?:[\w-]+\s+){0,2}?" + _DATA_P + r"\b"
)
_PEOPLE_REC = r"(?:customers|clients|patients|contacts|employees|staff|users|members|people|students|pupils|guests|tenants|residents|subscribers|donors|suppliers|vendors|payees)"
_SEEN_IN = (r"(?:see|sees|saw|seeing|seen|shows?|showing|shown|showed|displays?|displaying|displayed|contains?|containing|contained|had|has|lists?|listing|listed"
            r"|includes?|including|included|full\s+of|got|received|opened|open|opens|pulls?|pulled|returns?|returned|with)")
_OTHERS_PEOPLE = _lc(
    r"\b" + _SEEN_IN + r"\s+(?:[\w-]+\s+){0,3}?(?<!\bour\s)(?<!\bmy\s)" + _OTHER_P + r"(?:'s|’s|s'|s’)\s+(?:[\w-]+\s+){0,2}?" + _PEOPLE_REC + r"\b"
    r"|\b" + _SEEN_IN + r"\s+(?:[\w-]+\s+){0,3}?" + _PEOPLE_REC + r"\s+(?:[\w'’(),-]+\s+){0,3}?(?:of|from|belonging\s+to|(?:that|which|who)\s+(?:belong|belongs|belonged)\s+to)\s+"
    r"(?:[\w-]+\s+){0,3}?(?<!\bour\s)(?<!\bmy\s)" + _OTHER_P + r"\b"
    r"|\b" + _OTHER_P + r"(?:'s|’s|s'|s’)\s+[^.!?\n]{0,60}?\b(?:their|its)\s+(?:customers?|clients?|patients?|employees?|users?|members?|tenants?|guests?|suppliers?)(?:'s|’s|s'|s’)?\s+(?:[\w-]+\s+){0,2}?" + _DATA_P + r"\b"
)
_SHOWN = _lc(
    r"\b(?:see|sees|saw|seeing|seen|view|views|viewed|viewing|open|opens|opened|access|accessed|accessible|read|reads|download(?:ed|s)?|edit(?:s|ed)?|change(?:d)?|visible|showing|shows?|shown|showed|displays?|displayed"
    r"|contains?|contained|containing|includes?|included|including|appears?|appeared|listed|full\s+of|got|gets|received|receives?|sent|send|sends|sending|emailed|mailed|texted|messaged|faxed|emailing|e-mailing|texting|mailing|forwarding|faxing|posting|go|goes|going|gone|went|went\s+out|delivered|forwarded|shared|published|posted|leaked|exposed|printed|exported"
    r"|found|finds?|indexed|has|have|had|call(?:ed)?\s+me\s+and\s+read|prints?|printing|land(?:ed|s)?\s+(?:in|on)|ended\s+up\s+in)\b|\bthere\s+(?:is|are|was|were)\b|\b(?:we|i|they)\s+get\b|\b(?:came|comes|arrived|arrives)\s+with\b|\b(?:put|placed|packed|enclosed)\b|\b(?:is|are)\s+from\b|\bbelong\w*\b|\bnot\s+mine\b|\bnot\s+ours\b"
)
_SECRET = _lc(
    r"\bcard\s+numbers?\b|\bfull\s+(?:card\s+)?numbers?\b|\bcvvs?\b|\bcvcs?\b|\bpasswords?\b(?!\s+(?:resets?|changes?|polic(?:y|ies)|managers?|expir\w*|requirements?|rules|fields?|pages?|screens?|links?|e-?mails?|strength|hints?))|\bpasscodes?\b|\bpin\s+(?:numbers?|codes?)\b|\bapi\s+keys?\b|\bsecret\s+keys?\b|\bprivate\s+keys?\b"
    r"|\b(?:signing|client|webhook|app|shared)\s+secrets?\b|\b(?:access|api|auth|bearer|session|refresh|oauth)\s+tokens?\b|\bcredentials\b|\bssh\s+keys?\b|\bsession\s+cookies?\b"
)
# What is handed or sent to someone, or read by agents (not the customer's own export on their own file share: a PCI
# finding there is regulatory exposure, not a card number in the open)
_PRINTED = r"(?:receipts?|invoices?|statements?|e-?mails?|pdfs?|confirmations?|printouts?|transcripts?|tickets?|texts?|sms|letters?|order\s+history)"
_PLACE = _lc(
    r"\blogs\b|\blog\s+(?:files?|entries|lines|output)\b|\blogging\b|\blogged\b(?!\s+(?:in|on|into|out|off))|\b(?:debug|error|server|access|application|audit|event|the)\s+log\b|\bdebug\b|\bconsole\b"
    r"|\bstack\s*traces?\b|\bpage\s+source\b|\bsource\s+code\b|\bpublic(?:ly)?\b(?!\s+records?)|\bforums?\b|\bgithub\b|\bgitlab\b|\brepo(?:sitory)?\b"
    r"|\bhard[\s-]?coded\b|\bdecompil\w+|\bpastebin\b|\burls?\b|\bquery\s+strings?\b|\banalytics\b|\b(?:plain|clear)[\s-]?text\b|\bunmasked\b|\bunencrypted\b|\b(?:not|n't)\s+(?:masked|encrypted|redacted|hidden)\b|\bwithout\s+(?:masking|encryption)\b|\bin\s+the\s+clear\b|(?<![./@-])\bexamples?\b(?![./-]\w)|\bscreenshots?\b|\bemails?\s+to\s+(?:all|every)"
    r"|\b(?:anyone|anybody|everyone|everybody)\s+(?:can|could|who|visiting|with)\b|\b(?:to|for)\s+(?:all|every|any)\s+(?:visitors?|users?|customers?)\b|\ball\s+visitors\b|\bstatus\s+page\b|\bsearch\s+engines?\b"
    # a record of conversations others read: "card numbers are written to the support chat transcripts"
    r"|\btranscripts?\b|\b(?:chat|call|conversation)\s+(?:histor(?:y|ies)|recordings?)\b"
    # a card number unmasked where it is printed or sent: "the PDF receipts now show the full card number instead of the last 4 digits"
    r"|\binstead\s+of\s+(?:just\s+|only\s+)?(?:the\s+)?(?:last|final)\s+(?:4|four)\b"
    r"|\b(?:full|complete|entire|whole|unmasked)\s+(?:16[\s-]digit\s+)?(?:credit\s+|debit\s+|bank\s+)?card\s+numbers?\b(?=[^.!?\n]{0,80}?\b" + _PRINTED + r"\b)"
    r"|\b" + _PRINTED + r"\b(?=[^.!?\n]{0,80}?\b(?:full|complete|entire|whole|unmasked)\s+(?:16[\s-]digit\s+)?(?:credit\s+|debit\s+|bank\s+)?card\s+numbers?\b)"
)
# An access to an account or a change to it that only its owner should make.
_ACCESS = _lc(
    r"\b(?:sign|log)[- ]?(?:ins?|ons?)\b|\blogins?\b|\b(?:signed|logged|signing|logging)\s+(?:in|on|into)\b|\bsessions?\b|\bnew\s+(?:device|login|sign-?in)\b"
    r"|\b(?:password|pw|pwd|email(?:\s+address)?|phone\s+number|bank\s+(?:details|number|account)|payout\s+(?:email|details|account|bank)|recovery\s+email|username|settings|2fa|mfa|two[- ]factor(?:\s+authentication)?)"
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
# Someone whose access should have ended used it: "a former employee ... yesterday exported our customer list",
# "an employee we fired still logged in", "... who quit in May. Last night he downloaded the patient list".
_USED = (
    r"(?:exported|downloaded|copied|pulled|dumped|extracted|scraped|deleted|wiped|stole|accessed|logged\s+(?:in|on|into)|signed\s+(?:in|on|into)"
    r"|(?:has|have|had)\s+been\s+(?:exporting|downloading|copying|deleting|accessing|logging\s+in|signing\s+in|using)"
    r"|used\s+(?:his|her|their|the|an?|our)\s+(?:old\s+)?(?:account|login|credentials|password|access|admin)|took\s+(?:our|the|all|a\s+copy)"
    r"|(?:he|she|they)\s+(?:export|download|copy|delete|access|log\s+in|take))\b"
)
_DEPARTED_P = _lc(r"\b(?:" + _DEPARTED_PERSON + r")\b")
_DEPARTED_USED = _lc(
    r"\b(?:" + _DEPARTED_PERSON + r")\b(?:[^.!?\n]{0,150}?\b(?<!we )(?<!\bi )(?<!you )(?<!that )(?<!which )(?<!we have )(?<!we had )(?<!\bi have )(?<!\bi had )" + _USED
    + r"|[^.!?\n]{0,150}?[.!?;]+\s+(?:[\w,-]+\s+){0,6}?(?:he|she|they|that\s+(?:account|user|login|person)|the\s+(?:account|user|login)|this\s+(?:person|user|account))\s+(?:[\w-]+\s+){0,3}?" + _USED + r")"
)
_ATTEMPT_ONLY = _lc(r"\b(?:orders|purchases|payments|transfers|bookings|invitations|invites|downloads|exports|posts)\b|\breset\s+(?:emails?|links?|codes?|requests?)\b|\b(?:login|sign-?in|security)\s+(?:alerts?|notifications?|codes?)\b|\bverification\s+codes?\b|\bnew\s+(?:device|login|sign-?in)\b")
_NOT_US = _lc(
    r"\b(?:we|i)\s+(?:did\s+not|didn't|never|have\s+not|haven't|had\s+not|hadn't|not)\s+(?:make|made|do|did|request|requested|ask|asked|authori[sz]e|authori[sz]ed|create|created|touch|touched|change|changed|use|used|start|started|set|log|sign)\b"
    r"|\b(?:none\s+of\s+us|no(?:body|\s?one)(?:\s+(?:on\s+our\s+(?:side|team|end)|here))?)\s+(?:[\w-]+\s+){0,2}?(?:did|made|created|touched|requested|changed|set|started|ran|authori[sz]ed|"
    r"(?:have|has)\s+(?:ever\s+)?been|was\s+working|were\s+working|knows?|recogni[sz]es?|added|invited|approved)\b|\bnot\s+(?:us|me)\b|\bwas(?:n't|n’t|nt)\s+(?:us|me)\b|\bnot\s+by\s+(?:us|me)\b"
    r"|\b(?:unknown|unfamiliar|unrecogni[sz]ed|strange|foreign|suspicious)\s+(?:[\w-]+\s+)?(?:device|ip|ip\s+address|address|country|city|location|email|user|session|browser|number)s?\b"
    r"|\b(?:an?\s+)?(?:ip\s+address|ip|device|country|city|place|location|session|login|email|address|number|user)\s+(?:that\s+)?(?:we|i)\s+(?:don't|do\s+not)\s+(?:know|recogni[sz]e)\b"
    r"|\bno(?:body|\s?one)\s+of\s+us\b|\b(?:every(?:body|one)|all\s+of\s+us|we)\s+(?:[\w-]+\s+){0,3}?(?:was|were)\s+(?:asleep|sleeping|away|offline|on\s+holiday)\b|\bswitched\s+off\s+at\s+home\b"
    r"|\bwhere\s+none\s+of\s+us\b|\bi\s+was\s+(?:sleeping|asleep|away|on\s+holiday)\b|\bi\s+not\s+(?:use|make|do|request)\b|\bnot\s+(?:requested|asked\s+for|made)\s+by\b"
    r"|\bnever\s+asked\s+for\b|\bdid\s+not\s+request\b|\boffice\s+is\s+closed\b"
    # the access named a place or a device the person was not on: "a 'new sign-in from Windows PC in Lagos' alert, but she
    # uses a Mac and is in Leeds", "a login from Brazil although I was at home in Lyon"
    r"|\bfrom\s+(?:[\w'’,-]+\s+){1,8}?(?:but|although|though|while|whereas|yet)\s+(?:she|he|they|we|i|the\s+user|my\s+\w+|our\s+\w+)\s+(?:(?:only|always|never|actually|physically)\s+)?"
    r"(?:(?:is|are|was|were|am|'s|’s|'m|’m|'re|’re)\s+(?:(?:still|actually|physically|currently|only|always)\s+)?"
    r"(?:(?:in|at|based\s+in)(?!\s+(?:a|an|the|our|my|middle|trouble|hurry|charge|touch|contact|progress|favou?r|need|line|time|use)\b)|on\s+holiday|on\s+leave|asleep|away|offline)"
    r"|(?:uses?|used|owns?|has|have|had)\s+(?:only\s+)?(?:an?\s+)?(?:mac|macbook|imac|iphone|ipad|android|linux|chromebook|windows|pc|laptop)"
    r"|(?:never|(?:has|have|had)\s+never|(?:was|were)\s+never|(?:has|have)\s+not|hasn't|haven't|(?:was|were)\s+not|wasn't|weren't)\s+(?:been\s+)?(?:in|to|there|near|used|owned))\b"
    r"|\b(?:some(?:one|body)(?:\s+else)?|a\s+stranger|an?\s+attacker|attackers|hackers?|an\s+intruder)\s+(?:has\s+|have\s+|had\s+)?(?:taken|took|enter\w*|log\w*|sign\w*|got|get|changed|is\s+in|was\s+in|accessed)\b"
)
_STORED = _lc(
    r"\b(?:" + _DATA + r"|customer\s+records|entries|ledger|balances?|stock|quantities|amounts|figures|notes|timesheets?|documents|folders?|archive|rows|items|parcels|shipments|payments|catalogue|catalog|prices)\b"
)
_LOSS = _lc(
    r"\bno\s+longer\s+(?:in|there|visible|available|in\s+the\s+system|on\s+the\s+system|showing|exist|appears?|show\s+up)\b|\bnever\s+(?:arrive[sd]?|reach(?:es|ed)?|show(?:s|ed)?\s+up|appear(?:s|ed)?|made\s+it|got\s+(?:saved|there))\b"
    r"|\b(?:not|never|n't)\s+(?:been\s+|being\s+)?(?:saved|stored|recorded|kept|synced|synchronised|synchronized)\b|\bare\s+not\s+saved\b|\bsimply\s+not\s+been\s+saved\b"
    # "the app keeps losing our entries" (and not "we are losing $20,000 per hour")
    # ("we are losing orders every minute" is business lost while checkout is down; "we are losing data" stays a loss)
    r"|(?<!\bwe\s)(?<!\bi\s)\b(?:is|are|keeps?|kept|has\s+been|have\s+been|was|were)\s+(?:\w+\s+)?losing\s+(?:(?:all|some|most|many|our|my|the|their|its|of|new|incoming|\w+'s)\s+){0,3}"
    r"(?:data|records|messages|entries|rows|files|orders|emails|events|transactions|items|notes|changes|edits|work|history|uploads|documents|bookings|payments|updates)\b"
    r"|\b(?:we|i)\s+(?:are|keep|kept|have\s+been|were|was|am)\s+(?:\w+\s+)?losing\s+(?:(?:all|some|most|many|our|my|the|their|its|of|new|incoming|\w+'s)\s+){0,3}"
    r"(?:data|records|messages|entries|rows|files|emails|events|notes|changes|edits|work|history|uploads|documents|updates)\b|\b(?:\d+|some|many|several|dozens\s+of|hundreds\s+of)\s+(?:[\w-]+\s+)?(?:invoices|orders|records|entries|rows|items|files|messages|bookings|transactions)\s+(?:are\s+|were\s+|went\s+)?missing\b"
    r"|\b(?:silently|quietly)\s+(?:\w+\s+)?(?:dropp(?:ed|ing)|lost|los(?:e|ing)|discard(?:ed|ing)|skipp(?:ed|ing)|deleted|(?:not|never)\s+(?:delivered|sent|saved|stored|synced|processed|recorded))\b"
    # what a process did to the data: "last night's sync deleted about 2,000 patient records"
    r"|\b(?:sync|synchroni[sz]ation|import|migration|upgrade|update|job|script|release|deploy(?:ment)?|integration|cleanup|clean-up|bug|restore)(?:'s|’s)?\s+"
    r"(?:has\s+|have\s+|had\s+|just\s+|also\s+)?(?:deleted|wiped|erased|removed|overwrote|overwritten|purged)\b" + _MEANT +
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
# Money that reached someone it was not meant for (a third party has it): "payouts went to the wrong vendors", "the refund
# is go to wrong account, not to our customer", "supplier A got supplier B's money", "sur le mauvais compte".
MISDIRECTED = _lc(
    r"\b(?:to|into|reached|reaching)\s+(?:the\s+|a\s+|an\s+)?wrong\s+(?:bank\s+)?(?:accounts?|recipients?|people|person|payees?|beneficiar(?:y|ies)|vendors?|suppliers?|sellers?|merchants?|customers?|clients?|compan(?:y|ies)|part(?:y|ies)|ibans?|employees?|landlords?|contractors?)\b"
    r"|\bwrong\s+(?:recipients?|payees?|beneficiar(?:y|ies))\b|\b(?:received|got|took)\s+(?:the\s+)?(?:money|payouts?|payments?|funds|refunds?)\s+(?:meant|intended)\s+for\b"
    r"|\b(?:another|other|a\s+different)\s+(?:[\w-]+\s+)?(?:suppliers?|vendors?|sellers?|merchants?|customers?|person|compan(?:y|ies)|payees?|employees?)(?:'s|’s|s'|s’)\s+(?:money|payouts?|payments?|funds|refunds?|salar(?:y|ies)|wages)\b"
    r"|\b(?:supplier|vendor|seller|merchant|customer|employee)\s+\w+\s+(?:got|received)\s+(?:supplier|vendor|seller|merchant|customer|employee)\s+\w+(?:'s|’s)\b|\bwent\s+to\s+strangers\b"
    r"|\bmauvais\s+(?:compte|destinataire|b[eé]n[eé]ficiaire|fournisseur)|\b(?:cuenta|persona)\s+equivocada|\b(?:destinatario|proveedor|beneficiario)\s+equivocado|\b(?:conta|pessoa)\s+errada|\b(?:destinat[áa]rio|fornecedor|benefici[áa]rio)\s+errado"
    r"|\bfalsche[snm]?\s+(?:konto|empf(?:ä|a|ae)nger|lieferanten)"
)
_ALL = _lc(
    r"\b(?:every|each)\s+(?:single\s+)?(?:one\s+of\s+(?:our|the|my)\s+)?(?:[\w-]+\s+){0,2}?(?:" + _PEOPLE + r")\b|\bevery(?:one|body)\b"
    r"|\b(?:all|in\s+all|at\s+all|across\s+all)\s+(?:of\s+)?(?:our|my|the)\s+(?:[\d,]+\s+)?(?:[\w-]+\s+){0,2}?(?:" + _PEOPLE + r")\b|\b(?:the|our|my|their)\s+(?:whole|entire)\s+(?:office|company|team|organi[sz]ation|firm|staff|shop|clinic|hospital)\b"
    r"|\b(?:\d[\d,]*|hundreds\s+of|thousands\s+of)\s+(?:[\w-]+\s+)?(?:people|users|staff|employees|agents)\s+(?:are\s+)?(?:sitting|waiting|idle|stuck)\b|\bat\s+every\s+(?:location|site|store|branch|office|clinic)\b"
)
_UNABLE = _lc(
    r"\b(?:can't|cannot|can\s+not|couldn't|could\s+not|unable\s+to|not\s+able\s+to|has\s+been\s+unable\s+to|have\s+been\s+unable\s+to|are\s+unable|is\s+unable|fail(?:s|ed|ing)?\s+to)\s+(?:even\s+|currently\s+|still\s+|now\s+)?"
    r"(?:do\s+anything|do\s+any\s+work|work|log|sign|open|load|use|access|connect|reach|enter|print|scan|take|process|pay|sell|see|get|save|ship|book|check|start|run|serve|trade|operate)\b"
    r"|\b(?:gets?|getting|got|see|sees|shows?|showing|returns?|returning|throws?|throwing)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+)?(?:errors?|timeouts?|white\s+page|blank\s+page|error\s+page|spinner)\b|\bjust\s+spins\b|\bsitting\s+on\s+their\s+hands\b"
    r"|\b(?:is|are|has\s+been|have\s+been)\s+(?:completely\s+)?(?:locked\s+out|blocked|down|offline)\b|\btime(?:s|d)?\s*-?\s*out\s+for\s+(?:everyone|all)\b|\bshows?\s+a\s+timeout\b"
)

_SENTENCES = re.compile(r"(?:[^.!?\n]|\.(?=\d))+[.!?]*")  # "v4.2.0", "29.99": a period before a digit ends no sentence
_QUESTION_START = _lc(r"\s*(?:is|are|was|were|does|do|did|can|could|will|would|has|have|had|should|shall|am|isn't|aren't|doesn't|don't|didn't|how|what|why|who|when|where"
                     r"|¿|est-ce|pourquoi|comment|peut-on|pouvez|y\s+a-t-il|kann|k(?:ö|o|oe)nnen|ist|sind|hat|haben|gibt|warum|wieso|wie|puede[ns]?|por\s*qu(?:é|e)|c(?:ó|o)mo|hay"
                     # Portuguese asks yes or no with the word order of a statement: "outros clientes conseguem ver ...?"
                     r"|ser[áa](?:\s+que)?|(?:[ée]\s+)?poss[íi]vel|existe|h[áa]|podem?|poderia|conseguem?|algu[ée]m|porqu[êe]|quem|(?:os\s+|as\s+)?outr[oa]s)\b")


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
    # French, Spanish, Portuguese or German only in a text with one of their common words (" nous ", " los ", " não ", " nicht "...)
    foreign = [k for k, needs in _NEEDS_F.items() if all(any(_may(p, low, places) for p in group) for group in needs)] if _may(_LANGUAGE_F, low, places) else []
    if not kinds and not foreign:
        return []
    # someone whose access should have ended: read in a sentence only when the text names such a person
    departed = "takeover" in kinds and _has(_DEPARTED_P, low, places)
    spans = [(m.start(), m.end()) for m in _SENTENCES.finditer(low)]
    found: list[Situation] = []
    for i, (lo, hi) in enumerate(spans):
        question = low[hi - 1 : hi] == "?" and bool(_QUESTION_START.match(low, lo))
        nxt = spans[i + 1][1] if i + 1 < len(spans) else hi  # a sentence and the next
        for kind in _KINDS_IN_ORDER:
            hit = None
            if kind in kinds:
                hit = _situation(kind, low, lo, hi, nxt, places, departed)
                if hit and nxt > hi and not _situation(kind, low, lo, hi, hi, places, departed) \
                        and _situation(kind, low, spans[i + 1][0], nxt, nxt, places, departed):
                    hit = None  # every part is in the next sentence: the situation is found there, not here
            if not hit and kind in foreign:
                hit = _foreign(kind, low, lo, hi, places)
            if hit:
                hedged, attempt = hit
                found.append(Situation(kind, lo, hi, hedged or question, attempt))
    return found


def _has(pattern: re.Pattern, low: str, places) -> bool:
    """Whether the pattern matches anywhere in the text (searched around its literals)."""
    if places is not None and places.knows(pattern):
        return next(places.finditer(pattern, low), None) is not None
    return may_match(pattern, low) and pattern.search(low) is not None


def _situation(kind: str, low: str, lo: int, hi: int, nxt: int, places=None, departed: bool = True) -> tuple[bool, bool] | None:
    """(hedged, attempt) when the sentence at lo:hi (with the next, up to nxt, where parts may follow) holds the situation."""
    if kind == "exposure":
        parts = _every(lambda: _part(_OTHERS_DATA, low, lo, hi, places) or _part(_OTHERS_PEOPLE, low, lo, hi, places), lambda: _part(_SHOWN, low, lo, hi, places))
    elif kind == "secret_exposed":
        parts = _every(lambda: _part(_SECRET, low, lo, hi, places, negatable=False), lambda: _part(_PLACE, low, lo, hi, places, negatable=False),
                       lambda: _part(_SHOWN, low, lo, hi, places) or _part(_IN_PLACE, low, lo, hi, places))
    elif kind == "takeover":
        used = _part(_DEPARTED_USED, low, lo, nxt) if departed and not (places and places.lacks(_DEPARTED_P, lo, nxt)) else None
        if used:
            return used[1], False
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
    "exposure": ((_OTHERS_DATA, _OTHERS_PEOPLE), (_SHOWN,)),
    "takeover": ((_ACCESS, _DEPARTED_P), (_NOT_US, _DEPARTED_P)),
    "secret_exposed": ((_SECRET,), (_PLACE,)),
    "data_gone": ((_STORED,), (_LOSS,)),
    "money_moved": ((_MONEY_WRONG,),),
    "all_blocked": ((_ALL,), (_UNABLE, _NONE_CAN)),
}



def _may(pattern: re.Pattern, low: str, places) -> bool:
    return not places.lacks(pattern, 0, len(low)) if places is not None and places.knows(pattern) else may_match(pattern, low)


PARTS = (_OTHERS_DATA, _OTHERS_PEOPLE, _SHOWN, _SECRET, _PLACE, _IN_PLACE, _ACCESS, _NOT_US, _DEPARTED_P, _STORED, _LOSS, _MONEY_WRONG, _ALL, _UNABLE, _NONE_CAN)


# -- French, Spanish, Portuguese and German ---------------------------------------------------------
# The same situations in the four languages customers most often write in besides English (and a little
# Dutch), each made of the same kind of parts (small vocabularies, accents optional: "employes" reads as
# "employés", "ninguem" as "ninguém"; Portuguese in its Brazilian and European forms: "equipe" and "equipa",
# "usuários" and "utilizadores"), composed within one sentence. A part under a negation of its language
# ("aucune commande n'a disparu", "keine Daten", "nenhum dado") does not count; one under a hedge
# ("peut-être", "quizás", "talvez", "vielleicht") or in a question marks the situation as possible. They are
# read only when the English parts find nothing.
_ACT_FR = (r"(?:se\s+connecter|s['’](?:identifier|authentifier|enregistrer)|se\s+log(?:u|g)er|travailler|acc[eé]der|ouvrir|utiliser|entrer|imprimer|encaisser|vendre"
           r"|facturer|envoyer|enregistrer|charger|scanner|commander|payer|r[eé]server|exporter|importer|rien\s+faire)")
_ACT_ES = (r"(?:iniciar\s+sesi[oó]n|entrar(?!\s+e[nm]\s+conta(?:c)?to)|acceder|conectar(?:se)?|trabajar|abrir|usar|utilizar|log(?:u)?ear(?:se)?|ingresar|imprimir|cobrar|vender|facturar"
           r"|enviar|guardar|cargar|escanear|pagar|reservar|exportar|importar|hacer\s+nada)")
# Portuguese ("entrar em contato", getting in touch, is no work stopped)
_ACT_PT = (r"(?:fazer\s+(?:o\s+)?(?:login|logon|log-in)|(?:se\s+)?logar(?:-se)?|entrar(?!\s+e[nm]\s+conta(?:c)?to)|acessar|aceder|(?:se\s+)?conectar(?:-se)?|ligar-se|trabalhar|abrir|usar|utilizar"
           r"|iniciar\s+(?:a\s+)?sess[ãa]o|(?:se\s+)?autenticar(?:-se)?|imprimir|cobrar|vender|faturar|facturar|emitir|enviar|salvar|gravar|guardar|carregar|escanear|digitalizar"
           r"|pagar|reservar|atender|exportar|importar|fazer\s+nada)")
_CAN_F = (r"(?:peu(?:t|vent)|pouvons|pouvez|pourra|parvien(?:t|nent)|arrive(?:nt)?|r[eé]ussi(?:t|ssent)|puede[ns]?|podemos|consiguen?|logran?"
          r"|conseguem?|conseguimos|conseguiu|conseguiram|conseguia(?:m)?|podem?|p[ôo]de|puderam|podia(?:m)?"
          r"|kann|k(?:ö|o|oe)nnen|konnten?|schaff(?:t|en)|kan|kunnen|konden)")
# Dutch: "sinds vanochtend kan niemand van ons team inloggen"
_ACT_NL = r"(?:inloggen|aanmelden|werken|betalen|afrekenen|openen|gebruiken|printen|bestellen|verbinden|verkopen|kassa)"
_NOBODY_F = (r"(?:aucun(?:e)?|(?<!une )(?<!la )(?<!cette )(?<!chaque )(?<!seule )personne|pas\s+un(?:e)?\s+seul(?:e)?|ningun[oa]|ning[uú]n|nadie|ni\s+un[oa]?\s+sol[oa]"
             r"|ningu[ée]m|nenhum(?:a)?|nem\s+um(?:a)?\s+(?:s[óo]|[úu]nic[oa])"
             r"|keiner|keine\s+(?:unserer|der|von|meiner)|niemand|kein\s+einzige[rs]?)")
_PEOPLE_F = (
    r"(?:employ[eé]e?s|salari[eé]e?s|collaborat(?:eurs|rices)|coll[eè]gues|utilisat(?:eurs|rices)|agents|[eé]quipes|magasins|boutiques|sites|agences|succursales|clients"
    r"|vendeu(?:rs|ses)|caissi(?:ers|[eè]res)|m[eé]decins|infirmi(?:ers|[eè]res)|[eé]l[eè]ves|[eé]tudiants|chauffeurs|livreurs|techniciens|postes|bureaux|restaurants|h[oô]tels"
    r"|cabinets|cliniques|pharmacies|entrep[oô]ts"
    r"|funcion[áa]ri[oa]s|colegas|usu[áa]ri[oa]s|utilizadores|atendentes|operador(?:es|as)|equipes|equipas|lojas|filiais|escrit[óo]rios|unidades|caixas|enfermeir[oa]s"
    r"|alun[oa]s|estudantes|motoristas|entregadores|professor(?:es|as)|farm[áa]cias|armaz[ée]ns|hot[ée]is|consult[óo]rios|terminais|computadores|pontos\s+de\s+venda"
    r"|emplead[oa]s|trabajador(?:es|as)|agentes|usuari[oa]s|colaborador(?:es|as)|compa[nñ]er[oa]s|equipos|tiendas|sucursales|oficinas|clientes|vendedor(?:es|as)|cajer[oa]s"
    r"|m[eé]dicos|enfermer[oa]s|alumn[oa]s|estudiantes|conductor(?:es|as)|repartidor(?:es|as)|t[eé]cnicos|sedes|locales|restaurantes|hoteles|cl[ií]nicas|farmacias|almacenes"
    r"|mitarbeiter(?:innen)?|kolleg(?:en|innen)|nutzer(?:innen)?|benutzer|anwender|kunden|filialen|standorte|gesch(?:ä|a|ae)fte|l(?:ä|a|ae)den|praxen|(?:ä|a|ae)rzte|agenten"
    r"|fahrer|kassierer(?:innen)?|verk(?:ä|a|ae)ufer(?:innen)?|teams|angestellten|besch(?:ä|a|ae)ftigten|sch(?:ü|u|ue)ler|studenten|techniker|b(?:ü|u|ue)ros|kliniken|apotheken)"
)
# "aucun de nos 50 employés ne peut se connecter", "nadie puede entrar", "ninguém da equipe consegue fazer login",
# "seit heute kann sich keiner unserer Mitarbeiter anmelden"
_NONE_CAN_F = _lc(
    r"\b" + _NOBODY_F + r"\b[^.!?\n]{0,80}?\b" + _CAN_F + r"\b[^.!?\n]{0,40}?\b(?:" + _ACT_FR + "|" + _ACT_ES + "|" + _ACT_PT + "|" + _ACT_DE + "|" + _ACT_NL + r")\b"
    r"|\b" + _CAN_F + r"\s+(?:sich\s+|uns\s+)?(?:[\wäöüß]+\s+){0,3}?(?:keiner|niemand|nadie|ningu[ée]m)\b[^.!?\n]{0,80}?\b(?:" + _ACT_ES + "|" + _ACT_PT + "|" + _ACT_DE + "|" + _ACT_NL + r")\b"
    r"|\b(?:keiner|niemand)\b[^.!?\n]{0,80}?\b" + _ACT_DE + r"\s+(?:kann|k(?:ö|o|oe)nnen|konnten?)\b"
)
_ALL_F = _lc(
    r"\b(?:tou(?:s|tes)\s+(?:les|nos|mes)\s+(?:\d[\d.,]*\s+)?(?:[\w'’-]+\s+)?" + _PEOPLE_F + r"|tout\s+le\s+(?:monde|personnel|bureau|service|magasin|cabinet)"
    r"|toute\s+(?:l['’]|notre\s+|ma\s+)(?:[eé]quipe|entreprise|soci[eé]t[eé]|agence|[eé]cole|organisation|[eé]tude)"
    r"|tod(?:os|as)\s+(?:los|las|nuestr[oa]s|mis)\s+(?:[\d.,]+\s+)?(?:[\w-]+\s+)?" + _PEOPLE_F + r"|todo\s+el\s+(?:mundo|equipo|personal)|toda\s+la\s+(?:empresa|oficina|plantilla|tienda|cl[ií]nica)"
    r"|tod(?:os|as)\s+(?:(?:os|as)\s+)?(?:os|as|noss[oa]s|meus|minhas)\s+(?:[\d.,]+\s+)?(?:[\w-]+\s+)?" + _PEOPLE_F + r"|todo\s+(?:o\s+)?(?:mundo|pessoal|escrit[óo]rio|time)"
    r"|toda\s+a\s+(?:nossa\s+)?(?:equipe|equipa|empresa|loja|cl[íi]nica|escola|organiza[çc][ãa]o|firma|ag[êe]ncia|rede|opera[çc][ãa]o)"
    r"|(?:a|nossa|a\s+nossa)\s+(?:empresa|equipe|equipa|loja|cl[íi]nica|firma)\s+(?:inteira|toda)|o\s+(?:nosso\s+)?(?:escrit[óo]rio|time|pessoal)\s+(?:inteiro|todo)"
    r"|alle\s+(?:unsere[n]?\s+|meine[n]?\s+|die\s+)?(?:[\d.,]+\s+)?" + _PEOPLE_F + r"|(?:das|unser)\s+(?:ganze|gesamte|komplette)\s+(?:team|b(?:ü|u|ue)ro|personal|unternehmen)"
    r"|(?:die|unsere)\s+(?:ganze|gesamte|komplette)\s+(?:firma|belegschaft|praxis|filiale|abteilung))\b"
)
_UNABLE_F = _lc(
    r"\bne\s+" + _CAN_F + r"\s+(?:plus|pas)\s+(?:[àa]\s+)?" + _ACT_FR + r"\b|\bn['’](?:arrive(?:nt)?|parvien(?:t|nent))\s+(?:plus|pas)\s+[àa]\s+" + _ACT_FR + r"\b"
    r"|\b(?:sont|est)\s+(?:tous\s+|toutes\s+)?(?:bloqu[eé]e?s?|d[eé]connect[eé]e?s?)\b"
    r"|\bno\s+" + _CAN_F + r"\s+(?:ya\s+)?" + _ACT_ES + r"\b|\best[aá]n\s+(?:tod[oa]s\s+)?(?:bloquead[oa]s|sin\s+acceso|sin\s+poder\s+trabajar)\b"
    r"|\bn[ãa]o\s+" + _CAN_F + r"\s+(?:mais\s+)?(?:[\w-]+\s+)?" + _ACT_PT + r"\b"
    r"|\b(?:est[ãa]o|ficaram|est[áa]|ficou)\s+(?:tod[oa]s\s+)?(?:bloquead[oa]s?|sem\s+acesso|impedid[oa]s?\s+de\s+trabalhar|parad[oa]s?|travad[oa]s?|sem\s+conseguir\s+trabalhar)\b"
    r"|\b" + _CAN_F + r"\s+(?:[\wäöüß]+\s+){0,4}?nicht\s+(?:mehr\s+)?(?:[\wäöüß]+\s+){0,2}?" + _ACT_DE + r"\b|\b(?:sind|ist)\s+(?:alle\s+)?(?:ausgesperrt|gesperrt|blockiert)\b"
)

_ORG_F = (
    r"(?:client(?:e)?s?|entreprises?|soci[eé]t[eé]s?|personnes?|patient(?:e)?s?|utilisat(?:eur|rice)s?|familles?|comptes?|magasins?|cabinets?|cliniques?|[eé]coles?"
    r"|locataires?|membres?|salari[eé]e?s?|employ[eé]e?s?|[eé]l[eè]ves?|boutiques?|organisations?|h[oô]tels?|agences?|firmes?|commer[cç]ants?|m[eé]decins?|banques?"
    r"|clientes?|empresas?|compa[nñ][ií]as?|personas?|pacientes?|usuari[oa]s?|familias?|cuentas?|tiendas?|negocios?|cl[ií]nicas?|escuelas?|colegios?|inquilin[oa]s?"
    r"|miembros?|emplead[oa]s?|firmas?|organizaciones?|hoteles?|agencias?|comercios?|bancos?|alumn[oa]s?|hospitales?"
    r"|companhias?|pessoas?|usu[áa]ri[oa]s?|utilizador(?:es)?|fam[íi]lias?|contas?|lojas?|neg[óo]cios?|escolas?|membros?|funcion[áa]ri[oa]s?|organiza[çc](?:[ãa]o|[õo]es)"
    r"|hot[ée]is|hotel|ag[êe]ncias?|com[ée]rcios?|alun[oa]s?|hospita(?:l|is)|consult[óo]rios?|escrit[óo]rios?|condom[íi]nios?|fornecedor(?:es)?|parceiros?|lojistas?"
    r"|titulares?|colaborador(?:es|as)?|estabelecimentos?|farm[áa]cias?|restaurantes?|filia(?:l|is)|unidades?"
    r"|kunden|kundinnen|firm(?:a|en)|unternehmens?|personen|patient(?:en|innen)|nutzer[sn]?|benutzer[sn]?|praxis|praxen|mandanten|familien?|kontos?|konten"
    r"|gesch(?:ä|a|ae)fts?|filialen?|mitarbeiter[sn]?|mieter[sn]?|schulen?|leute|menschen|h(?:ä|a|ae)ndler[sn]?|betriebs?|betriebe|hotels?|banken?|mitglieder[sn]?)"
)
_OTHER_F = (
    r"(?:autres?\s+(?:[\w-]+\s+)?" + _ORG_F + r"|quelqu['’]un\s+d['’]autre|(?:un(?:e)?|des)\s+inconnu(?:e)?s?|(?:un|des|[àa]\s+des)\s+tiers"
    r"|otr[oa]s?\s+(?:[\w-]+\s+)?" + _ORG_F + r"|alguien\s+m[aá]s|(?:un[oa]?s?)\s+desconocid[oa]s?|terceros"
    r"|outr[oa]s?\s+(?:[\w-]+\s+)?" + _ORG_F + r"|algu[ée]m\s+(?:mais|de\s+fora)|(?:um|uma|uns|umas)\s+(?:desconhecid[oa]s?|estranh[oa]s?)"
    r"|(?:andere[rnms]?|fremde[rnms]?)\s+(?:[\wäöüß-]+\s+)?" + _ORG_F + r"|jemand(?:em|en|es)?\s+(?:anderem|anderen|anderes|fremdem|fremden|fremdes)|dritte[rn]?)"
)
_DATA_F = (
    r"(?:donn[eé]es|factures?|noms?|adresses?|coordonn[eé]es|informations|infos|dossiers?|documents?|fiches?|relev[eé]s?|contrats?|commandes?|fichiers?|num[eé]ros?"
    r"|bulletins?\s+de\s+(?:paie|salaire)|fiches?\s+de\s+paie|ordonnances?|r[eé]sultats?|historiques?|iban|rib|messages|e-?mails|courriels|bons?\s+de\s+livraison|bordereaux"
    r"|[eé]tiquettes|dates?\s+de\s+naissance|paiements"
    r"|datos|facturas?|nombres?|direcci(?:ó|o)n(?:es)?|informaci(?:ó|o)n|expedientes?|historiales?|pedidos?|archivos?|ficheros?|n[uú]meros?|n[oó]minas?|recibos?|recetas?"
    r"|resultados?|extractos?|mensajes|correos|albaranes|etiquetas|tel[eé]fonos?|fechas?\s+de\s+nacimiento|pagos"
    r"|dados|faturas?|nomes?|endere[çc]os?|moradas?|informa[çc](?:[ãa]o|[õo]es)|documentos?|registros?|registos?|extratos?|contratos?|encomendas?|arquivos?"
    r"|holerites?|contracheques?|folhas?\s+de\s+pagamento|receitas?|prontu[áa]rios?|exames?|hist[óo]ricos?|mensagens|e-?mails|notas?\s+fiscais|nota\s+fiscal"
    r"|boletos?|telefones?|datas?\s+de\s+nascimento|pagamentos|cpfs?|nifs?|cart[õo]es|cart[ãa]o|guias\s+de\s+remessa|conversas|sal[áa]rios|cadastros?|fotos"
    r"|daten|rechnungen?|namen|adressen?|anschriften?|informationen|dokumente?|unterlagen|akten|kundendaten|patientendaten|bestellungen?|auftr(?:ä|a|ae)ge|vertr(?:ä|a|ae)ge"
    r"|dateien|nummern|lohnabrechnungen?|gehaltsabrechnungen?|lieferscheine?|befunde?|rezepte?|kontoausz(?:ü|u|ue)ge|ibans?|bankdaten|bankverbindungen?|telefonnummern"
    r"|nachrichten|etiketten|datens(?:ä|a|ae)tze|geburtsdaten|zahlungen)"
)
_OWN_F = r"(?:nos|notre|mes|mon|ma|nuestr[oa]s?|mis?|noss[oa]s?|meus?|minhas?|unser(?:e[nmrs]?)?|meine?[nmrs]?)"
_SEE_F = (r"(?:voi(?:r|t|ent)|voyons|voyez|consult(?:er|ent)|acc[eé]d(?:er|ent)\s+[àa]|ouvr(?:ir|ent)|t[eé]l[eé]charg(?:er|ent)|ve[rn]?|vemos|acced(?:er|en)\s+a|abr(?:ir|en)"
          r"|descarg(?:ar|an)|v[êe]em|vejam?|viram|viu|vendo|acess(?:ar|am|aram|em)|abr(?:ir|em)|baix(?:ar|am)|descarreg(?:ar|am)|consult(?:ar|am)|visualiz(?:ar|am|aram)"
          r"|sehen|sieht|einsehen|(?:ö|o|oe)ffnen|herunterladen)")
_GAP_DE = r"(?:(?!(?:bei|f(?:ü|u|ue)r|wie|als|mit|auch)\b)[\wäöüß'’(),-]+\s+){0,3}?"
# "les noms et adresses de 30 autres clients", "facturas de otra empresa", "os dados bancários de outros clientes" ("doutros"
# clientes; not "dos nossos outros clientes"), "die Rechnungen einer anderen Firma", "otros clientes pueden ver nuestros datos"
_OTHERS_DATA_F = _lc(
    r"\b" + _DATA_F + r"\s+(?:[\w'’(),-]+\s+){0,5}?(?:d['’]|d(?=outr)|(?:de|des|du|appartenant\s+[àa]|destin[eé]e?s?\s+[àa]|adress[eé]e?s?\s+[àa]|del|pertenecientes?\s+a|destinad[oa]s?\s+a|dirigid[oa]s?\s+a"
    r"|do|da|dos|das|pertencentes?\s+a|endere[çc]ad[oa]s?\s+a)\s+)"
    r"(?:[\w-]+\s+){0,2}?(?<!noss[oa]\s)(?<!noss[oa]s\s)(?<!meus\s)(?<!minhas\s)" + _OTHER_F + r"\b"
    r"|\b" + _DATA_F + r"\s+" + _GAP_DE + r"(?:von\s+|vom\s+)?(?:einer\s+|eines\s+|einem\s+|der\s+|den\s+)?(?:anderer|anderen|fremder|fremden)\s+" + _ORG_F + r"\b"
    r"|\b" + _OTHER_F + r"\s+(?:[\w'’-]+\s+){0,4}?" + _SEE_F + r"\s+(?:[\w'’-]+\s+){0,2}?" + _OWN_F + r"\s+(?:[\w-]+\s+)?" + _DATA_F + r"\b"
    r"|\b" + _SEE_F + r"\s+(?:[\wäöüß'’-]+\s+){0,2}?" + _OTHER_F + r"\s+(?:[\wäöüß-]+\s+){0,2}?" + _OWN_F + r"\s+(?:[\wäöüß-]+\s+)?" + _DATA_F + r"\b"
    r"|\b" + _OTHER_F + r"\s+(?:[\wäöüß-]+\s+){0,3}?" + _OWN_F + r"\s+(?:[\wäöüß-]+\s+)?" + _DATA_F + r"\s+(?:[\wäöüß-]+\s+){0,2}?" + _SEE_F + r"\b"
)
_SHOWN_F = _lc(
    r"\b(?:voi[rst]|voyons|voyez|voient|vues?|vus|aper[cç]u\w*|affich\w*|appara[iî]\w*|re[cç]u\w*|recev\w*|re[cç]oi\w*|envoy\w*|contien\w*|contenai\w*|contenu\w*|visibles?|accessibles?"
    r"|expos[eé]\w*|consult\w*|acc[eé]d\w*|trouv\w*|list[eé]\w*|il y a(?:vait)?|compren\w*|inclu\w*|figur\w*|arriv[eé]\w*|partag\w*|divulgu\w*|t[eé]l[eé]charg\w*|ouvr\w*"
    r"|ver|vemos|veo|ven|vio|vimos|vieron|ve[ií]a(?:mos|n)?|vist[oa]s?|lleg(?:ó|o|aron|an?|ado)|tienen?|ten[ií]an?|inclu(?:ye|yen|ía|ían|ido|idos|idas)|muestr\w*|mostr\w*|aparec\w*|recib\w*|envi(?:ad|ar|aron|amos|[oó])\w*|env[ií]an?|contien\w*|conten[ií]\w*|visibles?|accesibles?"
    r"|expuest\w*|acced\w*|accedi\w*|consult\w*|hay|hab[ií]a|encontr\w*|compart\w*|filtr\w*|descarg\w*|abr(?:o|e|en|imos|i[oó]|ieron)|abiert[oa]s?"
    r"|vejo|veem|v[êe]em|vejam?|viram|viu|vendo|exib\w*|receb\w*|mand(?:ou|aram|ad[oa]s?)|cont[ée]m|continha\w*|contendo|inclu(?:em|i|indo|[íi]a|[íi]am)|vis[íi]ve(?:l|is)"
    r"|acess[íi]ve(?:l|is)|expost[oa]s?|acess\w*|t[êe]m|tem|tinha\w*|havia|h[áa] |cheg(?:ou|aram|am|a|ado|ando)|consta\w*|vaza\w*|compartilh\w*|partilh\w*"
    r"|baix\w*|descarreg\w*|abri(?:mos|u|ram)|abert[oa]s?"
    r"|sehen|sieht|sehe|seht|sahen|sah|gesehen|angezeigt|zeig(?:t|en)|anzeig\w*|erhalten|erhielten|bekommen|bekam\w*|geschickt|schick(?:t|en)|gesendet|verschickt|zugeschickt"
    r"|enth(?:ä|a|ae)lt|enthalten|enthielt\w*|sichtbar|zug(?:ä|a|ae)nglich|einsehen|eingesehen|ge(?:ö|o|oe)ffnet|(?:ö|o|oe)ffnen|aufgetaucht|auftauchen|erschein(?:t|en)|erschien\w*"
    r"|finden|gefunden|gibt\s+es|stehen|standen|steht|heruntergeladen|lagen|liegen)\b"
)

_ACCESS_F = _lc(
    r"\b(?:connexions?|connect[eé]e?s?|sessions?|mot\s+de\s+passe\s+(?:[\w'’-]+\s+){0,3}?(?:chang[eé]|modifi[eé]|r[eé]initialis[eé])"
    r"|(?:adresse\s+e-?mail|e-?mail|rib|iban|coordonn[eé]es\s+bancaires|num[eé]ro\s+de\s+t[eé]l[eé]phone)\s+(?:[\w'’-]+\s+){0,3}?(?:chang[eé]e?s?|modifi[eé]e?s?)"
    r"|(?:chang[eé]|modifi[eé]|r[eé]initialis[eé])\s+(?:le|la|l['’]|notre|mon|nos)\s*(?:mot\s+de\s+passe|adresse|e-?mail|iban|rib|coordonn[eé]es)"
    r"|(?:cambi(?:ó|o|aron)|modific(?:ó|o|aron)|restableci(?:ó|o|eron))\s+(?:la|el|nuestra|nuestro|mi)\s+(?:contrase(?:ñ|n)a|correo|email|cuenta\s+bancaria|iban|tel[eé]fono)"
    r"|(?:(?:ä|a|ae)nderte[n]?)\s+(?:das|die|unser|unsere)\s+(?:passwort|e-mail|bankverbindung|iban|telefonnummer)"
    r"|acc[eé]d[eé]|pirat[eé]e?s?|piratage|commandes|virements?|paiements"
    r"|(?:inici(?:o|ó|os|aron)|inici[oó])\s+(?:de\s+)?sesi(?:ó|o)n|sesi(?:ó|o)n(?:es)?|accedi(?:ó|o|eron)|accedido|accesos?|entr(?:ó|o|aron)"
    r"|contrase(?:ñ|n)a\s+(?:[\w-]+\s+){0,3}?(?:cambiad[ao]|cambi[oó]|modificad[ao]|restablecid[ao])"
    r"|(?:correo|email|e-mail|cuenta\s+bancaria|iban|tel[eé]fono)\s+(?:[\w-]+\s+){0,3}?(?:cambiad[oa]|cambi[oó]|modificad[oa])"
    r"|hackead[oa]|jaquead[oa]|piratead[oa]|pedidos|compras|transferencias|pagos"
    # Portuguese: an access that happened ("fazer login", being able to, is none)
    r"|acess(?:ou|aram|ad[oa]|os?)|entr(?:ou|aram)|log(?:ou|aram)|logad[oa]s?|fez\s+login|fizeram\s+login|(?<!fazer\s)(?<!fazer\so\s)logins?"
    r"|inici(?:ou|aram)\s+(?:a\s+)?sess[ãa]o|sess[õo]es|sess[ãa]o\s+(?:aberta|iniciada|ativa)"
    r"|(?:senha|palavra-passe)\s+(?:[\w-]+\s+){0,3}?(?:alterad[ao]|mudad[ao]|trocad[ao]|redefinid[ao]|modificad[ao]|alterou|mudou|trocou)"
    r"|(?:mudou|mudaram|alterou|alteraram|trocou|trocaram|redefiniu|redefiniram|modificou|modificaram)\s+(?:(?:a|o)\s+)?(?:a|o|os|as|noss[oa]|minha|meu)\s+"
    r"(?:senha|palavra-passe|e-?mail|conta\s+banc[áa]ria|iban|telefone|n[úu]mero|dados\s+banc[áa]rios|chave\s+pix|endere[çc]o)"
    r"|(?:e-?mail|telefone|conta\s+banc[áa]ria|iban|dados\s+banc[áa]rios|chave\s+pix)\s+(?:[\w-]+\s+){0,3}?(?:alterad[oa]s?|mudad[oa]s?|trocad[oa]s?|modificad[oa]s?)"
    r"|hackead[oa]s|hackearam|hackeou|invadid[oa]s?|invadiu|invadiram|invas[ãa]o|encomendas|transfer[êe]ncias|pagamentos|pix"
    r"|angemeldet|eingeloggt|anmeldung(?:en)?|zugriffe?|zugegriffen|sitzung(?:en)?|passwort\s+(?:[\wäöüß-]+\s+){0,3}?(?:ge(?:ä|a|ae)ndert|zur(?:ü|u|ue)ckgesetzt)"
    r"|(?:e-mail(?:-adresse)?|bankverbindung|iban|telefonnummer|kontodaten)\s+(?:[\wäöüß-]+\s+){0,3}?ge(?:ä|a|ae)ndert"
    r"|gehackt|(?:ü|u|ue)bernommen|gekapert|bestellungen|(?:ü|u|ue)berweisungen|zahlungen)\b"
)
_NOT_US_F = _lc(
    r"\b(?:(?:nous|je)\s+n['’](?:avons|ai)\s+(?:jamais|pas|rien)\s+(?:[\w'’]+\s+){0,2}?(?:fait|demand[eé]|effectu[eé]|autoris[eé]|chang[eé]|modifi[eé]|command[eé]|pass[eé]"
    r"|cr[eé]{2}|valid[eé]|connect[eé]|initi[eé]|ajout[eé])|ce\s+n['’](?:[eé]tait|est)\s+pas\s+(?:nous|moi)|personne\s+(?:de\s+chez\s+nous|chez\s+nous|d['’]entre\s+nous|dans\s+notre\s+[eé]quipe)"
    r"|sans\s+(?:notre|mon)\s+(?:accord|autorisation|consentement)|[àa]\s+(?:notre|mon)\s+insu|(?:appareil|adresse\s+ip|ip|pays|ville|lieu|navigateur|utilisateur|personne|num[eé]ro|e-?mail|session)s?\s+(?:[\w-]+\s+)?inconnu(?:e)?s?"
    r"|un(?:e)?\s+inconnu(?:e)?|des\s+inconnus|quelqu['’]un\s+(?:d['’]autre\s+)?(?:s['’]est|a)|un\s+tiers|des\s+pirates|un\s+pirate|non\s+autoris[eé]e?s?"
    r"|no\s+(?:l[oa]s?\s+)?(?:hicimos|hice|realizamos|realic[eé]|autorizamos|autoric[eé]|pedimos|ped[ií]|solicitamos|solicit[eé]|cambiamos|cambi[eé])|no\s+fuimos\s+nosotros|no\s+fui\s+yo"
    r"|nadie\s+(?:de\s+)?(?:nosotros|nuestro\s+equipo|aqu[ií]|la\s+empresa)|sin\s+(?:nuestra|mi)\s+(?:autorizaci(?:ó|o)n|permiso|consentimiento)"
    r"|(?:dispositivo|ip|direcci(?:ó|o)n\s+ip|pa[ií]s|ciudad|ubicaci(?:ó|o)n|navegador|usuario|persona|n[uú]mero|correo|sesi(?:ó|o)n)\w*\s+(?:[\w-]+\s+)?desconocid[oa]s?"
    r"|un[oa]?s?\s+desconocid[oa]s?|alguien\s+(?:m[aá]s\s+)?(?:ha|han|entr|accedi|inici|cambi)\w*|un\s+tercero|no\s+autorizad[oa]s?|nunca\s+(?:pedimos|solicitamos|hicimos)"
    r"|n[ãa]o\s+(?:f[ôo]mos|fui)\s+(?:n[óo]s|eu)|n[ãa]o\s+(?:[oa]s?\s+)?(?:fizemos|fiz|autorizamos|autorizei|pedimos|pedi|solicitamos|solicitei|mudamos|mudei"
    r"|alteramos|alterei|trocamos|reconhecemos|reconhe[çc]o|conhecemos|realizamos|efetuamos|efectuamos)"
    r"|ningu[ée]m\s+(?:(?:da|de|do|na|no|aqui\s+na|aqui\s+no)\s+)?(?:n[óo]s|nossa\s+(?:equipe|equipa|empresa)|nosso\s+(?:time|escrit[óo]rio|lado)|empresa|escrit[óo]rio|aqui)"
    r"|sem\s+(?:a\s+|o\s+)?(?:nossa|nosso|minha|meu)\s+(?:autoriza[çc][ãa]o|permiss[ãa]o|consentimento|conhecimento)|sem\s+autoriza[çc][ãa]o|n[ãa]o\s+autorizad[oa]s?"
    r"|(?:dispositivo|aparelho|ip|endere[çc]o\s+ip|pa[íi]s|cidade|local|localiza[çc][ãa]o|navegador|usu[áa]rio|utilizador|pessoa|n[úu]mero|e-?mail|sess[ãa]o|computador)\w*\s+(?:[\w-]+\s+)?desconhecid[oa]s?"
    r"|(?:um|uma|uns|umas)\s+(?:desconhecid[oa]s?|estranh[oa]s?)|desconhecidos\s+(?:acess|entr|invad|mud|alter)\w*|um\s+terceiro|invasor(?:es)?|golpistas?|criminosos"
    r"|algu[ée]m\s+(?:de\s+fora\s+|estranho\s+|mais\s+)?(?:acess|entr|mud|alter|troc|fez|invad|log|inici|redefin|us|mexeu|realiz|efetu|efectu|transfer)\w*"
    r"|nunca\s+(?:pedimos|solicitamos|fizemos|autorizamos)|que\s+n[ãa]o\s+(?:reconhecemos|conhecemos)"
    r"|(?:wir|ich)\s+(?:haben|habe)\s+(?:[\wäöüß]+\s+){0,3}?(?:nicht|nie|niemals)\s+(?:[\wäöüß]+\s+){0,2}?(?:gemacht|ge(?:ä|a|ae)ndert|angefordert|veranlasst|autorisiert|beantragt"
    r"|bestellt|get(?:ä|a|ae)tigt|durchgef(?:ü|u|ue)hrt|ausgel(?:ö|o|oe)st|angemeldet|eingeloggt)|(?:nicht|keiner)\s+von\s+uns|niemand\s+(?:von\s+uns|bei\s+uns|hier|aus\s+unserem\s+team)"
    r"|ohne\s+(?:unser|unsere|mein|meine)\s+(?:wissen|zustimmung|erlaubnis)|unbekannte[mnrs]?\s+(?:ger(?:ä|a|ae)t|ip|land|ort|stadt|browser|nutzer|benutzer|person|nummer|e-mail|sitzung|adresse)\w*"
    r"|fremde[mnrs]?\s+(?:ger(?:ä|a|ae)t|ip|land|person|nutzer|benutzer)\w*|(?:unbekannte|fremde)\s+(?:haben|hat|sind)|ein(?:e)?\s+(?:unbekannte[rs]?|fremde[rs]?)|jemand\s+(?:fremdes|anderes|unbekanntes)|hacker|nicht\s+wir|nicht\s+autorisiert\w*|die\s+wir\s+nicht\s+kennen)"
)

# Secrets and where they lie in the open: "die API-Schlüssel stehen im Klartext in den öffentlichen Logs", "los números de
# tarjeta aparecen completos en los registros", "les numéros de carte apparaissent en clair dans les journaux" (the English
# secrets count too: "die API keys"). Not under a negation of the place: "nunca en texto plano", "nicht im Klartext".
_SECRET_F = _lc(
    r"\b(?:n[uú]m[eé]ros?\s+de\s+(?:(?:la|las|los|sus?|leurs?|des|nos|vos|notre)\s+)?(?:cartes?|tarjetas?)|mots?\s+de\s+passe|contrase(?:ñ|n)as?"
    r"|claves?\s+(?:de\s+)?(?:api|acceso|secretas?|privadas?)|cl[eé]s?\s+(?:d['’]\s*)?(?:api|secr[eè]tes?|priv[eé]es?|d['’]acc[eè]s)|jetons?\s+d['’]\s*(?:acc[eè]s|api)|tokens?\s+de\s+acceso"
    r"|api[\s-]?(?:keys?|schl(?:ü|u|ue)ssel|tokens?|claves?|cl[eé]s?)|passw(?:ö|o|oe)rter|passwort|kennw(?:ö|o|oe)rter|kennwort|(?:kredit)?kartennummern?|kreditkartendaten|zugangsdaten"
    r"|senhas?|chaves?\s+(?:de\s+)?(?:api|acesso|secretas?|privadas?)|n[úu]meros?\s+(?:de|do|dos)\s+cart(?:[ãa]o|[õo]es)|cvv|cvc)\b"
)
_PLACE_F = _lc(
    r"\b(?:logs?|journaux|journal\s+(?:d['’]\s*)?(?:erreurs|applicati\w+|[eé]v[eé]nements)|fichiers?\s+(?:de\s+)?(?:log|journalisation)"
    r"|registros?\s+(?:de\s+(?:la\s+|el\s+)?)?(?:aplicaci(?:ó|o)n|errores|actividad|acceso|servidor|sistema|eventos|depuraci(?:ó|o)n)|(?:los|en\s+los|nos|dos)\s+(?:registros|registos)"
    r"|protokoll(?:en|e|dateien?)?|logdateien?|en\s+clair|en\s+texto\s+(?:plano|claro)|em\s+texto\s+(?:puro|claro|simples|plano)|im\s+klartext|klartext"
    r"|(?:ö|o|oe)ffentlich\w*|publi(?:c|que)s?|p[uú]blic[oa]s?|completos|complets|compl[eè]tes|completas|vollst(?:ä|a|ae)ndig\w*|sin\s+(?:enmascarar|cifrar|ocultar)"
    r"|non\s+(?:masqu|chiffr)[eé]e?s?|unverschl(?:ü|u|ue)sselt\w*|unmaskiert\w*|sem\s+(?:m[áa]scara|mascarar|criptografia|ocultar)|n[ãa]o\s+mascarad[oa]s)\b"
)

_STORED_F = (
    r"(?:donn[eé]es|commandes|factures|dossiers|fichiers|documents|contacts|rendez-vous|r[eé]servations|messages|e-?mails|courriels|notes|historiques?|enregistrements"
    r"|entr[eé]es|fiches|produits|photos|projets|tickets|paiements|transactions|devis|contrats|base\s+de\s+donn[eé]es|saisies|articles"
    r"|datos|pedidos|(?:ó|o)rdenes|facturas|archivos|ficheros|documentos|contactos|citas|reservas|mensajes|correos|notas|historial(?:es)?|registros|entradas|fichas"
    r"|productos|inventario|fotos|proyectos|pagos|transacciones|presupuestos|contratos|expedientes|base\s+de\s+datos|cambios"
    r"|dados|encomendas|faturas|notas\s+fiscais|registros|registos|arquivos|contatos|agendamentos|consultas|marca[çc][õo]es|mensagens|hist[óo]ricos?|lan[çc]amentos"
    r"|produtos|projetos|projectos|pagamentos|transa[çc][õo]es|or[çc]amentos|cadastros|banco\s+de\s+dados|altera[çc][õo]es|vendas|planilhas|relat[óo]rios|anexos"
    r"|daten|datens(?:ä|a|ae)tze|rechnungen|bestellungen|auftr(?:ä|a|ae)ge|dokumente|dateien|anh(?:ä|a|ae)nge|eintr(?:ä|a|ae)ge|nachrichten|e-mails|mails|kontakte|termine"
    r"|buchungen|notizen|projekte|berichte|akten|kundendaten|datenbank|zahlungen|produkte|artikel|(?:ä|a|ae)nderungen"
    # the books: "asientos" of the "libro mayor", "écritures", "Buchungssätze", "lançamentos" (above)
    r"|asientos|apuntes|saldos|libro\s+mayor|[eé]critures|soldes|grand\s+livre|buchungss(?:ä|a|ae)tze|salden|hauptbuch|livro\s+raz[ãa]o)"
)
_NOT_BEFORE = (r"(?<!pas )(?<!jamais )(?<!nicht )(?<!nie )(?<!no )(?<!no se )(?<!no se han )(?<!no se ha )(?<!no han )(?<!no ha )(?<!no hemos )(?<!nunca )(?<!n'ont pas )(?<!n'a pas )"
               r"(?<!n[ãa]o )(?<!n[ãa]o se )")
# Portuguese deletions meant: "foram apagados conforme planejado", "por nós"
_PT_MEANT = r"(?!\s+(?:por\s+n[óo]s|conforme|como\s+(?:planejado|planeado|previsto|combinado|pedimos|solicitado)|a\s+nosso\s+pedido))"
_LOSS_F = (
    r"(?:" + _NOT_BEFORE + r"(?:disparu(?:e|s|es)?|dispara(?:[iî]t|issent|issaient)|perdu(?:e|s|es)?|corrompu(?:e|s|es)?|[eé]cras[eé](?:e|s|es)?|introuvables?"
    r"|(?:ont|a)\s+[eé]t[eé]\s+(?:supprim|effac)\w*|se\s+sont\s+(?:supprim|effac)\w*|sont\s+vides|est\s+vide"
    r"|desaparec(?:ido|idos|ida|idas|i[oó]|ieron|en|e)|perdid[oa]s?|perdimos|se\s+perd(?:i[oó]|ieron)|se\s+(?:han\s+)?(?:borrad[oa]s?|borr(?:ó|o|aron)|eliminad[oa]s?|elimin(?:ó|o|aron))"
    r"|(?:han|ha|fueron|fue)\s+(?:sido\s+)?(?:borrad[oa]s?|eliminad[oa]s?)|vac[ií][oa]s|corrupt[oa]s|da(?:ñ|n)ad[oa]s|sobrescrit[oa]s"
    r"|sumi(?:ram|u|do|dos|da|das)|somem|desaparec(?:eram|eu|em|id[oa]s?)|perderam-se|se\s+perderam|perdeu-se|se\s+perdeu|perdemos|foram\s+perdid[oa]s"
    r"|(?:foram|foi|t[êe]m\s+sido|tinham\s+sido|est[ãa]o\s+sendo|ficaram)\s+(?:tod[oa]s\s+)?(?:apagad|exclu[íi]d|deletad|eliminad|removid)[oa]s?" + _PT_MEANT +
    r"|apagaram-se|(?:est[ãa]o|est[áa]|ficaram|ficou|vieram)\s+(?:completamente\s+|totalmente\s+)?vazi[oa]s?|corrompid[oa]s?|corromperam|danificad[oa]s?|sobrescrit[oa]s?|zerad[oa]s"
    r"|verloren|(?:wurden|wurde|sind|ist)\s+(?:[\wäöüß]+\s+){0,2}?gel(?:ö|o|oe)scht|verschwunden|(?:ü|u|ue)berschrieben|besch(?:ä|a|ae)digt|korrupt|sind\s+leer|ist\s+leer"
    r"|(?<!dem )(?<!den )(?<!einen )(?<!im )(?<!halben )weg)"
    r"|ne\s+sont\s+(?:plus|pas)\s+(?:enregistr[eé]e?s|sauvegard[eé]e?s|l[aà]|visibles|conserv[eé]e?s)|n['’](?:ont|a)\s+(?:pas|jamais)\s+[eé]t[eé]\s+(?:enregistr|sauvegard|conserv)\w*"
    r"|n['’](?:appara[iî]ssent|existent)\s+plus|plus\s+aucune\s+trace|n['’]arrivent\s+(?:jamais|plus|pas)"
    r"|ya\s+no\s+(?:est[aá]n|aparecen|existen|se\s+ven|salen)|no\s+se\s+(?:guardan|guardaron|guard[oó]|han\s+guardado|registran|registraron|registr[oó]|sincronizan)"
    r"|no\s+(?:llegan|llegaron|lleg[oó])\s+nunca|nunca\s+(?:llegan|llegaron|lleg[oó])|ni\s+rastro"
    r"|n[ãa]o\s+(?:est[ãa]o|aparecem|existem|constam)\s+mais|j[áa]\s+n[ãa]o\s+(?:est[ãa]o|aparecem|existem|constam|se\s+v[êe]em|se\s+veem)"
    r"|n[ãa]o\s+(?:foram|s[ãa]o|est[ãa]o\s+a\s+ser|est[ãa]o\s+sendo)\s+(?:salv|gravad|registrad|registad|guardad|sincronizad)\w*|n[ãa]o\s+(?:se\s+)?(?:salvam|gravam|guardam|sincronizam)"
    r"|n[ãa]o\s+(?:chegam|chegaram|chegou)\s+nunca|nunca\s+(?:chegam|chegaram|chegou)|nem\s+sinal|nenhum\s+rastro|sem\s+deixar\s+rastro"
    r"|nicht\s+(?:mehr\s+)?(?:gespeichert|da|vorhanden|auffindbar)|kommen\s+nie\s+an|nie\s+angekommen"
    # missing: "faltan asientos", "il en manque environ 300", "es fehlen 2000 Datensätze", "faltam pedidos"
    r"|" + _NOT_BEFORE + r"(?:faltan|faltaban|nos\s+faltan|manquent|manquants?|manquantes?|il\s+(?:en\s+)?manque|fehlen|fehlten|fehlende[nr]?|faltam|faltavam|faltando|em\s+falta)"
    # what a process did to them: "la sincronización los está perdiendo", "la synchronisation supprime des commandes",
    # "die Synchronisation hat sie gelöscht", "a migração apagou" (not "nous avons supprimé", ourselves)
    r"|(?:sincronizaci(?:ó|o)n|migraci(?:ó|o)n|importaci(?:ó|o)n|actualizaci(?:ó|o)n|synchronisation|synchro|migration|importation|mise\s+[àa]\s+jour"
    r"|synchronisierung|sync|import|aktualisierung|update|sincroniza[çc][ãa]o|migra[çc][ãa]o|importa[çc][ãa]o|atualiza[çc][ãa]o|actualiza[çc][ãa]o)\s+"
    r"(?:(?!(?:ne|pas|no|nicht|kein\w*|n[ãa]o|nunca|jamais|nie)\b)[\wäöüß'’]+\s+){0,3}?"
    r"(?:supprim\w*|efface\w*|perd(?:u|ue|us|ues|ent|ait|aient)?\b|[eé]cras\w*|borr\w*|elimin\w*|perdiendo|pierde\w*|perdi(?:ó|o|eron)|apag\w*|exclu[ií]\w*|delet\w*"
    r"|gel(?:ö|o|oe)scht|l(?:ö|o|oe)scht|verliert|verloren|(?:ü|u|ue)berschr\w*|perdendo|perdeu|perderam))"
)
_DATA_GONE_F = _lc(r"\b" + _STORED_F + r"\b[^.!?\n]{0,60}?\b" + _LOSS_F + r"(?![\wäöüß])|\b" + _LOSS_F + r"\b[^.!?\n]{0,40}?\b" + _STORED_F + r"\b")

_MONEY_F = (r"(?:d[eé]bit[eé]e?s?|pr[eé]lev[eé]e?s?|factur[eé]e?s?|pay[eé]e?s?|vir[eé]e?s?|rembours[eé]e?s?|pr[eé]l[eè]vements?|remboursements?|virements?|versements?"
            r"|reembolsos?|transferencias?|devoluci(?:ó|o)n(?:es)?|estornos?|transfer[êe]ncias?|erstattung(?:en)?|r(?:ü|u|ue)ckerstattung(?:en)?|(?:ü|u|ue)berweisung(?:en)?|auszahlung(?:en)?"
            r"|cobrad[oa]s?|cobr(?:ó|o|aron)|cargad[oa]s?|carg(?:ó|o|aron)|pagad[oa]s?|facturad[oa]s?|cargos?|cobros?"
            r"|(?:cobr(?:ou|aram)|debit(?:ou|aram)|descont(?:ou|aram)|fatur(?:ou|aram))(?:-(?:nos|me|lhes?))?|debitad[oa]s?|descontad[oa]s?|faturad[oa]s?|pagamos|pagou|pagaram|pag[oa]s?"
            r"|estornad[oa]s?|estornou|reembolsad[oa]s?|reembolsou|transferid[oa]s?|transferiu|transferiram|cobran[çc]as?|d[ée]bitos?|pagamentos?"
            r"|abgebucht|berechnet|belastet|abgerechnet|(?:ü|u|ue)berwiesen|erstattet|bezahlt|abbuchung(?:en)?|lastschriften?)")
_WRONG_F = (r"(?:deux\s+fois|trois\s+fois|\d+\s+fois|en\s+double|(?:sur|vers|au)\s+(?:le\s+)?mauvais\s+compte|dos\s+veces|tres\s+veces|\d+\s+veces|doble|duplicad[oa]s?"
            r"|(?:a|en)\s+(?:la|una)\s+cuenta\s+equivocada|duas\s+vezes|tr[êe]s\s+vezes|\d+\s+vezes|em\s+dobro|em\s+duplicado|dobrad[oa]s?"
            r"|(?:na|para\s+a|para\s+uma|numa|em\s+uma|a\s+uma)\s+conta\s+errada|(?:para\s+a\s+)?pessoa\s+errada|zweimal|dreimal|doppelt|\d+\s*mal|mehrfach|(?:auf\s+)?(?:das|ein)\s+falsche[sn]?\s+konto)")
_MONEY_WRONG_F = _lc(r"\b" + _MONEY_F + r"\s+(?:[\w'’$€£.,-]+\s+){0,6}?" + _WRONG_F + r"\b|\b" + _WRONG_F + r"\s+(?:[\w'’-]+\s+){0,4}?" + _MONEY_F + r"\b")

# "os dados de outros clientes não foram expostos": what was not shown, after the data
_NOT_SHOWN_F = _lc(r"\b(?:n[ãa]o|nunca|no)\s+(?:(?:foram|foi|est[ãa]o|estavam|s[ãa]o|ficaram|fueron|fue|est[aá]n|son|se\s+han|han\s+sido|ha\s+sido)\s+)?$")
_NEGATION_F = _lc(r"\b(?:ne|n['’]|pas|jamais|aucun(?:e)?|rien|nunca|jam[aá]s|ning[uú]n\w*|nada|nadie|no|n[ãa]o|nenhu(?:m|ma|ns|mas)|ningu[ée]m|nem|kein\w*|nicht|nie|niemals|nichts)\b[^.;:!?\n,]{0,40}$")
# Portuguese "no" is "in the" ("vemos no portal"), never "no": a Portuguese sentence reads it as "em"
_PORTUGUESE = _lc(r"\b(?:n[ãa]o|noss[oa]s?|voc[êe]s?|s[ãa]o|est[ãa]o|tamb[ée]m|ningu[ée]m|nenhuma?|isso|ontem|hoje|pel[oa]s?|com|uma|foram|foi|fomos|dados|outr[oa]s?|faturas?|vezes|já|em|na|nas|ao|aos)\b")
_NO = _lc(r"\bno\b")
_HEDGE_F = _lc(r"\b(?:peut-[eê]tre|il\s+se\s+peut|pourrai(?:t|ent)|risque|[eé]viter|au\s+cas\s+o[uù]|si|quiz[aá]s?|tal\s+vez|podr[ií]an?|posiblemente|evitar|en\s+caso\s+de|riesgo"
               r"|talvez|possivelmente|poss[íi]vel|poderia(?:m)?|pode\s+ser\s+que|caso|evitar|risco|suspeit\w*|receamos|receio|tememos|temos\s+medo|preocupad[oa]s?|ser[áa]\s+que"
               r"|vielleicht|m(?:ö|o|oe)glicherweise|eventuell|k(?:ö|o|oe)nnten?|bef(?:ü|u|ue)rchten|falls|wenn|vermeiden|verhindern|risiko)\b[^.;:!?\n]{0,60}$")


def _part_f(pattern: re.Pattern, low: str, lo: int, hi: int, places=None, *, negatable: bool = True, unless: re.Pattern | None = None) -> tuple[bool, bool] | None:
    """_part for the French, Spanish, Portuguese and German parts: their own negations and hedges (and the English ones)."""
    if places is not None and places.lacks(pattern, lo, hi):
        return None
    best = None
    portuguese = None
    for m in pattern.finditer(low, lo, hi):
        before = low[max(lo, m.start() - 60) : m.start()]
        if unless is not None and unless.search(before):
            continue
        if negatable and (_NEGATION_F.search(before) or _NEGATION.search(before)):
            if portuguese is None:
                portuguese = _PORTUGUESE.search(low, lo, hi) is not None
            if not portuguese or not _NO.search(before):
                continue
            before = _NO.sub("em", before)
            if _NEGATION_F.search(before) or _NEGATION.search(before):
                continue
        if not (_HEDGE_F.search(before) or _HEDGE.search(before)):
            return True, False
        best = (True, True)
    return best


def _foreign(kind: str, low: str, lo: int, hi: int, places=None) -> tuple[bool, bool] | None:
    """(hedged, attempt) when the sentence at lo:hi holds the situation in French, Spanish, Portuguese or German."""
    if kind == "exposure":
        if places is not None and places.lacks(_OTHER_WORD_F, lo, hi):
            return None
        parts = _every(lambda: _part_f(_OTHERS_DATA_F, low, lo, hi, places), lambda: _part_f(_SHOWN_F, low, lo, hi, places, negatable=False, unless=_NOT_SHOWN_F))
    elif kind == "takeover":
        parts = _every(lambda: _part_f(_ACCESS_F, low, lo, hi, places, negatable=False), lambda: _part_f(_NOT_US_F, low, lo, hi, places, negatable=False))
    elif kind == "secret_exposed":
        parts = _every(lambda: _part_f(_SECRET_F, low, lo, hi, places, negatable=False) or _part_f(_SECRET, low, lo, hi, places, negatable=False),
                       lambda: _part_f(_PLACE_F, low, lo, hi, places))
    elif kind == "data_gone":
        parts = _every(lambda: _part_f(_DATA_GONE_F, low, lo, hi, places))
    elif kind == "money_moved":
        parts = _every(lambda: _part_f(_MONEY_WRONG_F, low, lo, hi, places))
    elif kind == "all_blocked":
        parts = (_every(lambda: _part_f(_NONE_CAN_F, low, lo, hi, places, negatable=False))
                 or _every(lambda: _part_f(_ALL_F, low, lo, hi, places, negatable=False), lambda: _part_f(_UNABLE_F, low, lo, hi, places, negatable=False)))
    else:
        return None
    return (any(p[1] for p in parts), False) if parts else None


# The parts without which a situation cannot be found in these languages (as _NEEDS). "Another" of each
# language gates an exposure (the parts' own literals are words English shares: "clients", "documents").
_OTHER_WORD_F = _lc(r"\b(?:autres?|otr[oa]s?|outr[oa]s?|doutr[oa]s?|algu[ée]m|desconhecid[oa]s?|estranh[oa]s?|andere[rnms]?|fremde[rnms]?|quelqu['’]un|alguien|jemand(?:em|en|es)?|inconnu(?:e)?s?|desconocid[oa]s?|tiers|terceros|dritte[rn]?)\b")
# Common words of these languages, each between spaces (none an English word: not "no", "do", "a", "as", "os"); a
# text without any is not read in them.
_LANGUAGE_F = _lc(
    r" (?:nous|vous|notre|nos|est|sont|ont|les|des|une|pas|dans|avec|depuis|aucun|aucune|personne|tous|toutes|toute|plus|qui|que|sur|mais|ne|je) "
    r"| (?:los|las|del|el|en|la|una|dos|nuestro|nuestra|nuestros|nuestras|desde|para|está|están|esta|han|nadie|todos|todas|ya|por|con|pero|muy|hay) "
    r"| (?:der|die|das|und|ist|sind|nicht|wir|uns|unser|unsere|unserer|seit|mit|von|auf|haben|hat|sich|keiner|niemand|alle|wurde|wurden|ich|sie|kein|keine|kann) "
    r"| (?:ons|onze|het|een|niet|geen|sinds|kan|wij|zijn|naar|ook|alleen|kunnen) "
    r"| (?:não|nao|nós|nossa|nosso|nossas|nossos|uma|com|são|estão|estao|também|tambem|foi|foram|fomos|temos|ninguém|ninguem|nenhum|nenhuma"
    r"|isso|isto|este|esse|essa|hoje|ontem|você|voce|vocês|voces|pelo|pela|pelos|pelas|duas|vezes|mês|já|ao|aos|às|da|na|em|outros|outras|dados) "
)
_NEEDS_F = {
    "exposure": ((_OTHER_WORD_F,), (_OTHERS_DATA_F,), (_SHOWN_F,)),
    "takeover": ((_ACCESS_F,), (_NOT_US_F,)),
    "secret_exposed": ((_SECRET_F, _SECRET), (_PLACE_F,)),
    "data_gone": ((_DATA_GONE_F,),),
    "money_moved": ((_MONEY_WRONG_F,),),
    "all_blocked": ((_NONE_CAN_F, _ALL_F), (_NONE_CAN_F, _UNABLE_F)),
}
_KINDS_IN_ORDER = KINDS
# The windows (agent/windows.py) find only the two gates: the other parts of these languages are read only in a text
# that passes them, by their literals (literals.may_match) and then in one sentence at a time.
PARTS += (_LANGUAGE_F, _OTHER_WORD_F)
PARTS_F = (_NONE_CAN_F, _ALL_F, _UNABLE_F, _OTHERS_DATA_F, _SHOWN_F, _ACCESS_F, _NOT_US_F, _SECRET_F, _PLACE_F, _DATA_GONE_F, _MONEY_WRONG_F)
