"""The cue tables the signals read: regular expressions per severity criterion, type, number and term.

Pure data and the small builders that compile it. Tables marked for lowercase matching run on a
lowercased copy of the text (position for position), which keeps the alternations fast.
"""

from __future__ import annotations

import re

from .schemas import Tier

FLAGS = re.IGNORECASE
_ESCAPES = re.compile(r"\\.|\(\?P[<=]")




def _split_top(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern (outside groups and character classes)."""
    parts: list[str] = []
    cur: list[str] = []
    depth, in_class, escaped = 0, False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    parts.append("".join(cur))
    return parts


def _rx(*patterns: str, cased: bool = False) -> re.Pattern:
    """One alternation, matched against the lowercased text (see Signals.lower).

    Speed matters (complaints run up to 100 KB): case-sensitive literals let the regex engine skip
    an alternative on its first character, which IGNORECASE prevents, and alternatives that start at
    a word boundary share one leading \\b, so a position inside a word is rejected once. `cased`
    patterns (acronyms such as SEC or ICO) are matched against the original text instead.
    """
    worded, other = [], []
    for pattern in patterns:
        for alt in _split_top(pattern):
            (worded if alt.startswith(r"\b") else other).append(alt)
    parts = []
    if worded:
        parts.append(r"\b(?:" + "|".join(f"(?:{a[2:]})" for a in worded) + ")")
    parts.extend(f"(?:{a})" for a in other)
    if cased:
        return re.compile("|".join(parts), FLAGS)
    return _lc("|".join(parts))


def _lc(pattern: str) -> re.Pattern:
    """A pattern for the lowercased text: it must not spell anything in upper case."""
    if any(ch.isupper() for ch in _ESCAPES.sub("", pattern)):
        raise ValueError(f"pattern for lowercased text has upper-case letters: {pattern[:80]}")
    return re.compile(pattern)


# Objects that a business stores and would miss.
_DATA = (
    r"data|records?|files?|orders?|entries|messages?|documents?|invoices?|emails?|contacts?|history|"
    r"transactions?|tickets?|reports?|photos?|uploads?|projects?|notes?|database|backups?|work|"
    r"prices?|products?|settings|configurations?|content|posts?|images?|pictures?|attachments?|comments?|"
    r"tasks?|events?|appointments?|bookings?|reservations?|catalog(?:ue)?s?|inventory|lists?|folders?|"
    r"spreadsheets?|timesheets?|leads?|changes|edits|progress|submissions?|recordings?|videos?|"
    r"conversations?|chats?|threads?|tables?|rows|charts|schedules?|calendars?|repositor(?:y|ies)|mailbox(?:es)?|inbox(?:es)?|archives?|"
    r"customer (?:data|records)|patient (?:data|records)|daten|rechnungen|bestellungen|dokumente"
)
_PEOPLE = (
    r"users?|agents?|employees?|staff|customers?|people|seats?|stores?|shops?|clinics?|accounts?|members?|"
    r"drivers?|clients?|reps?|locations?|branches|sites?|tenants?|teams?|nurses|doctors|students|"
    r"engineers|developers|operators|cashiers|technicians|workers|colleagues|coworkers|co-workers|"
    r"physicians|pharmacists|teachers|dispatchers|couriers|riders|guests|patients|properties|hotels|restaurants|venues|offices|"
    r"warehouses|outlets|depots|franchises|facilities|practices|schools|sellers|merchants|subscribers|vendors|suppliers|buyers|shoppers|contractors|"
    r"mitarbeiter(?:innen)?|nutzer|kunden|kollegen|employ[eé]e?s|salari[eé]e?s|utilisat(?:eurs|rices)|collaborat(?:eurs|rices)|personnes|empleados|usuarios|trabajadores|agentes|clientes|colaboradores"
    r"|personas|usu[áa]rios|funcion[áa]rios|utilizadores|pessoas|benutzer|personen|besch(?:ä|a|ae)ftigte"
)
# What a person does in German ("keiner kann sich anmelden"), the verb at the end; agent/situations.py reads it too.
_ACT_DE = (r"(?:anmelden|einloggen|arbeiten|zugreifen|(?:ö|o|oe)ffnen|verbinden|drucken|kassieren|verkaufen|reinkommen|hineinkommen|nutzen|benutzen|verwenden"
           r"|starten|laden|speichern|buchen|bezahlen|scannen)")
# What a person does with a product; "nobody can <do this>" means nobody can work.
_ACT = (
    r"log ?(?:in|on)(?:to)?|sign ?(?:in|on)(?:to)?|login|access|use|work|open|load|connect(?: to)?|reach|enter|"
    r"get (?:in|into|on|onto|through|past)|do (?:anything|any work|our jobs?|their jobs?|their work|our work)|"
    r"export|import|send|save|upload|download|pay|process|sync|check ?out|invoice|bill|ship|submit|print|book|"
    r"schedule|run|deploy|publish|complete|create|place|receive|start|launch|view|edit|search|scan|sell|trade|"
    r"operate|serve|clock (?:in|out)|take (?:orders|payments|calls|bookings)|see (?:anything|any|the|our|their)"
)
# Things that are "down" when a customer says the service is down.
_SYSTEM = (
    r"site|website|web ?site|web ?app|app|application|service|services|system|systems|platform|servers?|api|"
    r"portal|network|everything|prod(?:uction)?|database|db|dashboard|login|checkout|cluster|console|"
    r"product|tool|software|pos|instance|chat|backend|front ?end|integration|email|mail"
)
_OTHER_PARTY = (
    r"customers?|compan(?:y|ies)|tenants?|users?|patients?|clinics?|practices?|organi[sz]ations?|"
    r"business(?:es)?|firms?|schools?|accounts?|workspaces?|people|person|client|clients|families|family"
)
_EXPOSED_THING = (
    _DATA + r"|names|addresses|details|information|info|profiles?|dashboards?|statements?|"
    r"passwords?|credentials|card (?:numbers?|details)|social security numbers?|ssns?|phone numbers|personal \w+"
)
# People who should no longer have access (the situations, agent/situations.py, read _DEPARTED_PERSON: in "the
# command has been fired" nobody left).
_DEPARTED_PERSON = (
    r"(?:former|ex-|ex\s)\s*(?:[\w-]+\s+){0,2}?(?:employees?|staff(?:ers?)?|members?|managers?|contractors?|colleagues?|admins?|administrators?|users?|workers?|interns?|"
    r"consultants?|freelancers?|agenc(?:y|ies)|partners?|husband|wife|spouse|boyfriend|girlfriend|partner)"
    r"|(?:left|leaving)\s+(?:the|our)\s+(?:company|business|team|firm|organi[sz]ation)|finished\s+(?:with|working with|working for)\s+us|left\s+us\b(?!\s+(?:a|an|the|some|with|no|alone|hanging|waiting)\b)"
    r"|no longer\s+(?:works?|working|employed)\s+(?:for|with|at|here)"
    r"|(?:deactivated|removed|disabled|deleted|offboarded|revoked)\s+(?:them|him|her|their\s+(?:account|access|user|login)|the\s+(?:user|account))"
    r"|let\s+(?:our|my|the|him|her|them)\s+(?:[\w-]+\s+)?go\b"
    # "a guy who quit in March", "an employee we fired", "a user we removed weeks ago"
    r"|(?:some(?:one|body)|person|guy|man|woman|employee|staff\s+member|colleague|contractor|admin|administrator|user|manager|worker|intern|consultant|freelancer|partner)(?:,\s*|\s+)"
    r"(?:(?:who|that)\s+(?:has\s+|had\s+)?(?:quit|left|resigned|retired)|(?:(?:who|whom|that)\s+)?(?:we|i)\s+(?:had\s+|have\s+)?(?:fired|let\s+go|dismissed|laid\s+off|removed|offboarded|deactivated|terminated|sacked))\b"
    # ... or anyone so described: "our old bookkeeper, who we let go in the spring"
    r"|[\w-]+(?:,\s*|\s+)(?:who\s+(?:has\s+|had\s+)?(?:quit|left|resigned|retired)|(?:who|whom)\s+(?:we|i)\s+(?:had\s+|have\s+)?(?:fired|let\s+go|dismissed|laid\s+off|sacked))\b"
    r"|(?:who|whom)\s+(?:was|were|had\s+been|has\s+been|got)\s+(?:let\s+go|fired|terminated|offboarded|dismissed|laid\s+off|sacked)"
)
_DEPARTED = _DEPARTED_PERSON + r"|(?:was|were|been|got)\s+(?:let go|fired|terminated|offboarded|deactivated|disabled)"
_ACCESS_ACT = r"(?:exported|downloaded|logged in(?:to)?|signed in(?:to)?|accessed|copied|used (?:their|his|her|the) (?:account|login|credentials))"
# The same in French, Spanish, Portuguese and German: a system (English loans too) that "is down".
_SYSTEM_F = (
    r"(?:site(?:\s+web)?|sitio(?:\s+web)?|p[aá]gina(?:\s+web)?|webseite|website|app|aplicaci[oó]n|aplica[çc][ãa]o|aplicativo|application|appli"
    r"|sistema|syst[eè]me|system|plataforma|plateforme|plattform|servicio|servi[çc]o|dienst|serveur|servidor|server|checkout|caisse|caja|kasse"
    r"|paiements?|pagos?|pagamentos?|zahlungen|portal|portail|api|login|dashboard|panel|painel|tableau\s+de\s+bord|logiciel|software|tout|todo|tudo|alles)"
)
_DOWN_F = (
    r"(?:est|sont)\s+(?:compl[eè]tement\s+|totalement\s+|toujours\s+|encore\s+|de\s+nouveau\s+)?(?:en\s+panne|hors\s+service|hors\s+ligne|indisponibles?|inaccessibles?|plant[ée]e?s?|down)"
    r"|(?:est[aá]n?|sigue|siguen)\s+(?:completamente\s+|totalmente\s+|todav[ií]a\s+|otra\s+vez\s+)?(?:ca[ií]d[oa]s?|fuera\s+de\s+(?:servicio|l[ií]nea)|inaccesibles?|down|offline)"
    r"|se\s+(?:ha\s+)?ca[ií]d[oa]|se\s+cay[oó]"
    r"|(?:est[áa]|est[ãa]o|continua|continuam|ficou|ficaram)\s+(?:completamente\s+|totalmente\s+|de\s+novo\s+)?(?:fora\s+do\s+ar|em\s+baixo|ca[íi]d[oa]s?|inacess[íi]ve(?:l|is)|indispon[íi]ve(?:l|is)|down|offline)"
    r"|ca[íi]u|ca[íi]ram"
    r"|(?:ist|sind)\s+(?:(?:seit|heute|schon|gerade|wieder)\s+(?:[\wäöüß.:]+\s+){0,3}?)?(?:komplett\s+|v(?:ö|o|oe)llig\s+|total\s+|ganz\s+)?(?:ausgefallen|abgest(?:ü|u|ue)rzt)"
)
# A part of a product: "the API's billing features are unavailable" is not the API being down.
_PART = r"(?:features?|functions?|functionality|parts?|sections?|options?|buttons?|tabs?|settings|modules?|widgets?|reports?|fields?)\b"
# A deletion the customer meant: "deleted the old test records we no longer need, as planned".
_MEANT = (r"(?![^.!?\n]{0,60}?\b(?:as\s+planned|as\s+intended|on\s+purpose|intentionally|deliberately"
          r"|(?:we|i)\s+(?:no\s+longer|don't|don’t|do\s+not|didn't|did\s+not)\s+need))")
# "sales are down 20%", "down to two agents", "is the site down?" are not outages.
_DOWNISH_TAIL = r"(?!\s*(?:by|to|from|about|around|nearly|almost|\d|\$|%|payment|\?))"

# Severity criteria. Patterns that carry their own negation ("nobody can") are not negatable.
CRITERIA: dict[str, tuple[re.Pattern, bool]] = {
    "outage": (
        _rx(
            # "the site is down", "your API has been completely offline", "checkout is dead"
            r"\b(?<!some )(?<!several )(?<!few )(?:" + _SYSTEM + r")(?:\s+(?!" + _PART + r")[\w-]+){0,2}?(?:'s|’s|\s+(?:is|are|was|were|has been|have been|had been|went|has gone|have gone|goes|keeps going|seems to be|seem to be|appears to be))"
            r"\s+(?:completely\s+|totally\s+|entirely\s+|fully\s+|still\s+|now\s+|currently\s+|all\s+|just\s+|again\s+)?(?:down|offline|dead|unreachable|inaccessible|unavailable)\b" + _DOWNISH_TAIL,
            r"\bit(?:'s|’s|\s+is|\s+has been|\s+was)\s+(?:completely\s+|totally\s+|still\s+|all\s+)?(?:down|offline)\b" + _DOWNISH_TAIL,
            # status-page headline: "Site down", "API down in EU"
            r"(?:^|[\n:]|[.!?]\s)\s*(?:(?!shut|slow|took|take|bring|brought|turn|calm|wind|narrow|scale|put)[\w’'.&-]+\s+){0,3}?(?:" + _SYSTEM + r")\s+(?:down|offline|unavailable)\b" + _DOWNISH_TAIL,
            r"\b(?:complete|total|full|major|global|site[- ]wide|system[- ]wide|company[- ]wide|widespread|massive|huge|big)\s+outage\b",
            r"\boutage\b(?<!partial outage)(?<!minor outage)(?<!last outage)(?<!previous outage)(?<!past outage)(?<!earlier outage)(?<!'s outage)(?<!’s outage)"
            r"(?<!following the outage)(?<!after the outage)(?<!during the outage)(?<!before the outage)"
            r"(?!\s+(?:on|in|of|from)\s+(?:the\s+)?(?:\d|last\b|yesterday|(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february|march|april|may|june|july|august|september|october|november|december)\b)"
            r"(?!\s+(?:has|had|was|is)\s+(?:since\s+|now\s+|been\s+|already\s+){0,6}(?:resolved|over|fixed|ended|mitigated)\b)(?!\s+(?:on|of|for|affecting|in|to)\s+(?:some|a few|certain|one|several|a small)\b)",
            r"\bprod(?:uction)?\s+(?:is\s+|environment\s+is\s+)?(?:down|offline|broken|unavailable)\b",
            r"\b(?:completely|totally|entirely)\s+(?:unavailable|unusable|unreachable|inaccessible|dead)\b",
            r"\b(?:unavailable|unreachable|inaccessible|down)\s+(?:for|to)\s+(?:all\b|every(?:one|body)|us\b|all of us|the whole|our whole|our entire|the entire)",
            r"\bdead in the water\b|\bground to a (?:halt|standstill)\b|\bat a (?:complete |total )?standstill\b",
            # "every request returns 503", "all calls are failing", "every login attempt ends on a 502 page"
            r"\b(?:all|every|each)\s+(?:single\s+)?(?:one\s+of\s+(?:our|the|my)\s+|of\s+(?:our|the|my)\s+)?(?:[\w/.-]+\s+){0,2}?"
            r"(?:requests?|calls?|pages?|logins?|(?:login|log-?in|sign-?in) attempts?|transactions?|payments?|queries|endpoints?|jobs?|builds?|deploy(?:s|ments?)?|webhooks?|checkouts?)"
            r"\s+(?:[\w/.-]+\s+){0,4}?(?:are\s+|is\s+|keeps?\s+|just\s+|now\s+|still\s+)?"
            r"(?:fail(?:s|ed|ing)?\b|(?:(?<=are )|(?<=is )|(?<=were )|(?<=was )|(?<=get )|(?<=gets )|(?<=being )|(?<=getting ))(?:declined|rejected)\b|time[sd]?\s+out|timing\s+out|error(?:s|ed|ing)?\b|(?:get|gets|getting|got|return|returns|returning|returned|ends?\s+(?:on|in|with)|ending\s+(?:on|in|with)|throws?|gives?)\s+(?:an?\s+|the\s+)?(?:(?:http\s+)?[45]\d\d|errors?|timeouts?))",
            # "returns 503 for every request", "500 errors on all endpoints"
            r"\b(?:[45]\d\d|errors?|time-?outs?|fail(?:s|ed|ing|ures?)?)\s+(?:[\w/.-]+\s+){0,3}?(?:for|on|with|to|from)\s+(?:every|all|each)\s+(?:single\s+)?(?:of\s+(?:our|the|my)\s+)?(?:[\w/.-]+\s+)?"
            r"(?:requests?|calls?|endpoints?|pages?|logins?|transactions?|queries|payments?)\b",
            r"\bnothing (?:loads|is loading|will load)\b",
            r"\b(?:we|they)\s+(?:can't|cannot|can not|are unable to|aren't able to|are not able to|couldn't|could not)\s+(?:do\s+)?(?:any|our)\s+(?:work|jobs?|business)\b",
            r"\b(?:we|they)\s+(?:can't|cannot|can not|are unable to|aren't able to|are not able to)\s+(?:work|operate|trade|do business)\s+at all\b",
            # "el checkout está caído", "le site est en panne", "o sistema está fora do ar", "der Checkout ist ausgefallen"
            r"\b" + _SYSTEM_F + r"(?:\s+(?!(?:no|n[ãa]o|nicht|nunca|jamais|ne)\b)[\w-]+){0,2}?\s+(?:" + _DOWN_F + r")(?![\w])",
            r"\bsystem\s+(?:ist\s+(?:ausgefallen|down)|ausgefallen)\b|\b(?:totalausfall|ausfall)\b|\bgeht\s+(?:gar\s+)?nichts\s+mehr\b|\b(?:ist|sind)\s+(?:(?:seit|heute|schon|gerade|wieder)\s+(?:[\wäöüß.:]+\s+){0,3}?)?(?:komplett\s+|völlig\s+|total\s+|ganz\s+)?(?:offline|down|nicht erreichbar)\b",
        ),
        True,
    ),
    "outage_scope": (
        _rx(
            # "nobody in the company can log in", "none of our 250 drivers can open the app"
            r"\b(?:none|no[- ]?one|nobody|noone|not\s+(?:a\s+single|one)\s+[\w-]+)"
            r"(?:\s+(?:of|in|at|from|on|across|within)\s+(?:us|(?:any\s+(?:of\s+)?|either\s+(?:of\s+)?)?(?:our|my|the|this)\s+(?:[\w,.-]+\s+){0,3}?[\w-]+)){0,2}"
            r"(?:\s*\([^()\n]{1,40}\))?"  # "Nobody at our company (1,200 employees) can sign in"
            r"\s+(?:can|could|is able to|are able to|was able to|were able to|has been able to|have been able to|managed to)"
            r"\s+(?:even\s+|currently\s+|still\s+|now\s+|actually\s+)?(?:" + _ACT + r")\b",
            r"\bnot\s+(?:a\s+single|one)\s+(?:order|payment|transaction|request|call|email|message|sale|booking|job|build|deploy\w*)\s+(?:has\s+|have\s+)?(?:gone through|went through|go through|succeeded|worked|been processed|been sent|loaded|completed)\b",
            r"\b(?:all|every one)\s+(?:of\s+)?(?:our|my|the)\s+(?:[\d,\.]+\s+)?(?:[\w-]+\s+){0,2}?(?:" + _PEOPLE + r")\s+(?:are\s+|were\s+|have been\s+|are now\s+|went\s+|have gone\s+|are still\s+)?"
            r"(?:unable|locked out|blocked|down|offline|can't|cannot|kicked out|getting errors)\b" + _DOWNISH_TAIL,
            r"\b(?:every(?:one|body)|all (?:" + _PEOPLE + r"))(?:\s+(?:in|at|on|across)\s+(?:our|my|the)\s+[\w-]+)?\s+(?:is\s+|are\s+|has been\s+|have been\s+)?(?:unable|locked out|blocked|can't|cannot|kicked out|getting errors)\b",
            r"\b(?:won't|will not|doesn't|does not|don't|do not|isn't|is not|aren't|are not|can't|cannot|no longer)\s+(?:works?|working|loads?|loading|opens?|opening|starts?|starting|responds?|responding|connects?|connecting|available|accessible|reachable)"
            r"\s+(?:for|to)\s+(?:anyone|anybody|any of (?:us|our|the)\b|any\s+(?:of\s+)?(?:our\s+)?(?:" + _PEOPLE + r"))",
            # "no funciona para ninguno de nuestros clientes", "ne fonctionne plus pour personne", "não funciona para nenhum"
            r"\b(?:no\s+(?:funciona|funcionan)|ne\s+(?:fonctionne|fonctionnent|marche|marchent)\s+(?:plus|pas)|n[ãa]o\s+(?:funciona|funcionam))"
            r"\s+(?:para|pour|pra)\s+(?:ninguno|ninguna|nadie|personne|aucun|aucune|ningu[ée]m|nenhum|nenhuma)\b"
            r"|\bfunktionier(?:t|en)\s+(?:[\wäöüß-]+\s+){0,3}?f(?:ü|u|ue)r\s+(?:niemanden|keinen|keine)\b",
            # ("niemand kann mir sagen, warum" is nobody answering, not nobody working)
            r"\bkann\s+sich\s+(?:keiner|niemand)\b(?:\s+[\wäöüß]+){0,5}?\s+" + _ACT_DE + r"\b"
            r"|\b(?:keiner|niemand)\s+(?:[\wäöüß]+\s+){0,4}?(?:kann|konnte|können)\s+(?:[\wäöüß]+\s+){0,4}?" + _ACT_DE + r"\b",
        ),
        False,
    ),
    "data_loss": (
        _rx(
            r"\bdata\s+(?:loss|was lost|is lost|has been lost|got lost|is gone|has gone|was deleted|was wiped|corruption|is corrupted|was corrupted|was overwritten)\b",
            r"\blost\s+(?:all\s+)?(?:(?:of\s+)?(?:our|my|the|their)\s+)?data\b",
            r"\b(?:lost|deleted|wiped|erased|destroyed|corrupted|overwrote|overwritten|purged|scrambled)\s+(?:out\s+)?(?:all\s+|some\s+|most\s+|half\s+|many\s+|several\s+|hundreds\s+|thousands\s+)?(?:of\s+)?(?:our|my|the|their|its|your|\d[\d,]*)\s+(?:[\w-]+\s+){0,2}?(?:" + _DATA + r")\b" + _MEANT,
            # a destructive verb over everything: "wiped our entire catalogue", "overwrote all of our prices"
            r"\b(?:lost|deleted|wiped|erased|destroyed|corrupted|overwrote|overwritten|purged|scrambled)\s+(?:out\s+)?"
            r"(?:(?:all|every|each)\s+(?:of\s+)?(?:our|my|the|their|its|your)\s+(?:[\w-]+\s+)?|(?:all|every|each)\s+(?!(?:of|them|these|those|that|this|it|we|i|you|our|my|the|their|your|its|his|her|day|time|week|month|year|night)\b)"
            r"|(?:the|our|my|their|its|your)\s+(?:entire|whole|complete)\s+)"
            r"(?!(?:" + _PEOPLE + r"|sales|revenue|money|business|deals?|time|trust|confidence|patience|faith|hope|access|power|connection|connectivity|signal)\b)[\w-]+",
            r"\b(?:we|i|they|you)(?:'ve|’ve|'re|’re|\s+have|\s+are|\s+keep|\s+kept)?(?:\s+(?:just|already|now|constantly|still))?\s+(?:lost|losing|lose)\s+(?:all\s+)?(?:of\s+)?(?:(?:our|my|the|their)\s+)?(?:data|records|files|work|changes|entries|messages|history|progress|edits|uploads|notes)\b",
            r"\b(?:everything|all of (?:it|them))\s+(?:[\w'’-]+\s+){0,4}?(?:is|are|was|were|has been|have been|got|seems to be)\s+(?:just\s+|all\s+|completely\s+|simply\s+)?"
            r"(?:gone|deleted|wiped|erased|lost|disappeared|vanished)\b(?!\s+(?:wrong|quiet|down|up|well|smoothly|haywire|crazy|south))",
            r"\b(?:daten|rechnungen|bestellungen|dokumente|dateien|(?:datei)?anhänge|einträge|nachrichten|e-mails|kontakte|aufträge|termine|notizen|projekte|fotos|berichte|akten|kundendaten)"
            r"\s+(?:[\wäöüß-]+\s+){0,5}?(?:sind\s+|wurden\s+|ist\s+|wurde\s+)?(?:(?:alle|komplett|einfach|plötzlich)\s+)?(?:(?<!dem )(?<!den )(?<!einem )(?<!im )weg|verloren|gelöscht|verschwunden|überschrieben|fehlen)\b|\bdatenverlust\b",
        ),
        True,
    ),
    "security_breach": (
        _rx(
            # "in breach of union agreements", "a breach of our SLA": a promise broken, not a security breach
            r"\b(?<!\bin\s)(?:data\s+|security\s+)?breach(?:ed)?\b(?!\s+(?:of\s+(?:the\s+|our\s+|this\s+|your\s+|its\s+|their\s+|my\s+|his\s+|her\s+|an?\s+)?(?:[\w-]+\s+){0,2}?(?:contracts?|duty|duties|agreements?|warranty|warranties|terms|promises?|slas?|covenants?|lease|fiduciary|trust|obligations?|peace|policy|policies|protocol|regulations?|rules?|law|compliance)|(?:the|our|this|your|their|my)\s+(?:contract|agreement|terms|sla|warranty|lease|obligations?))\b)",
            r"\bhack(?:ed|er|ers)\b",
            # credentials given away: "two clicked the link and entered their passwords", "typed our password into a fake page"
            r"\bclicked\s+(?:on\s+)?(?:the|a|that|this)\s+(?:[\w-]+\s+)?link\s+and\s+(?:then\s+)?(?:entered|typed|gave|submitted)\s+(?:in\s+)?"
            r"(?:their|our|my|his|her)\s+(?:[\w-]+\s+)?(?:passwords?|credentials|login details|logins?|2fa codes?|mfa codes?)\b",
            r"\b(?:entered|typed|gave|submitted|put)\s+(?:in\s+)?(?:their|our|my|his|her|the)\s+(?:[\w-]+\s+)?(?:passwords?|credentials|login details|logins?)\s+"
            r"(?:in|on|into|to)\s+(?:a|the|that|this)\s+(?:fake|phishing|spoofed|fraudulent|look-?alike|bogus)\b",
            r"\b(?:accounts?|systems?|servers?|credentials?|passwords?|api keys?|tokens?|emails?|devices?|laptops?|computers?|networks?|databases?|logins?)\s+(?:(?:was|were|has been|have been|had been|got|is|are)\s+)?(?:compromised|leaked|stolen|hijacked)\b",
            r"\bcompromised\s+(?:(?:our|my|the|their)\s+)?(?:accounts?|systems?|servers?|credentials?|passwords?|api keys?|tokens?|emails?|devices?|networks?|databases?|data|information|details|logins?)\b",
            r"\b(?:was|were|been|got|is|are)\s+compromised\b(?!\s+(?:credit|score))",
            r"\bunauthori[sz]ed\s+(?:access|logins?|users?|person|party|third part(?:y|ies)|sign-?ins?|entry|sessions?)\b",
            r"\b(?:some(?:one|body)(?:\s+else)?|a stranger|strangers|an? (?:unknown|unauthori[sz]ed|random|outside)\s+(?:person|party|user|individual|attacker|device)|an attacker|attackers|a third party|an intruder|intruders)"
            # "someone from outside our company signed into ..."
            r"(?:\s+(?:from|outside|at|in)\s+(?:[\w-]+\s+){0,2}?(?:company|organi[sz]ation|team|office|country|business|firm))?"
            r"\s+(?:has\s+|had\s+|have\s+)?(?:been\s+|managed to\s+|was able to\s+|is\s+|was\s+)?"
            r"(?:(?:logged|logging|log|signed|signing|sign|got|gotten|getting|get|broke|broken|breaking)\s+in(?:to)?\b|accessed|accessing|gained access|got access|gotten access|has access|took over|taken over|hijacked"
            r"|changed\s+(?:our|my|the)\s+(?:password|email|bank|payout|account|login|2fa|mfa)|(?:used|using)\s+(?:our|my)\s+(?:account|credentials|password|api key|login))",
            r"\b(?:can|could|are able to|were able to|is able to)\s+(?:see|view|access|open|download|read|edit)\s+(?:other|another|some(?:one|body) else's|some(?:one|body) else’s|a different|different)\s+(?:\w+\s+)?(?:" + _OTHER_PARTY + r")(?:'s?|’s?)?",
            r"\b(?:other|another|a different)\s+(?:" + _OTHER_PARTY + r")(?:(?:'s|’s|'|’)\s+(?:[\w-]+\s+)?(?:" + _EXPOSED_THING + r")|\s+(?:data|records|information|details|files|invoices|documents|orders))\b",
            r"\bsome(?:one|body) else(?:'s|’s)\s+(?:[\w-]+\s+)?(?:" + _EXPOSED_THING + r")\b",
            r"\b(?:sent|emailed|mailed|posted|shared|leaked|exposed|showed|shown|gave|given|disclosed|forwarded)\s+(?:our|my|the|their|all|his|her|\d+)\s+(?:[\w'’-]+\s+){0,3}?(?:" + _EXPOSED_THING + r")\s+"
            r"to\s+(?:the\s+)?(?:wrong|another|other|a different|a stranger|strangers|random|some(?:one|body) else|the public)\b",
            r"\b(?:was|were|been|got|is|are)\s+(?:publicly\s+)?exposed\b(?!\s+to\s+(?:\w+\s+)?(?:risks?|liability|fines?|penalt\w+|danger|elements|sun|loss|charges|fees))",
            r"\bransomware\b|\bmalware\b|\baccount takeover\b|\bdata leak\b|\bleak(?:ed|ing)?\s+(?:our|customer|user|personal|patient)\b",
            r"\b(?:password|email|phone number|bank details|payout details)s?\s+(?:was\s+|were\s+|got\s+|has been\s+|have been\s+)?changed\s+without\b",
            r"\bsicherheitslücke\b|\bgehackt\b|\bdatenleck\b|\bunbefugte?r?\s+zugriff\b|\bjemand\s+fremde[sr]?\b|\bzugriff\s+(?:auf\s+(?:[\wäöüß]+\s+){0,3}?)?verschafft\b|\bjemand\s+(?:hat\s+sich\s+)?(?:[\wäöüß]+\s+){0,4}?(?:eingeloggt|angemeldet)\b",
            r"\b(?:daten|rechnungen|bestellungen|dokumente|akten)\s+(?:von\s+)?(?:einer|eines|einem|anderer|fremder)\s+(?:anderen\s+|fremden\s+)?(?:firma|kunden|unternehmens?|praxis|mandanten)\b",
        ),
        True,
    ),
    "security_concern": (
        _rx(
            r"\bfraud(?:ulent|ulently|sters?)?\b",
            r"\bidentity\s+(?:theft|thief|stolen)\b|\bstole\s+my\s+identity\b|\bid theft\b",
            # (an unauthorised credit inquiry is a dispute about a credit report, not an intrusion)
            r"\bunauthori[sz]ed\s+(?:charges?|transactions?|activity|withdrawals?|payments?|debits?|purchases?|accounts?|use|transfers?)\b",
            r"\b(?:i|we|they|he|she)\s+(?:did\s+not|didn't|(?:would\s+)?never)\s+(?:authori[sz]e|authori[sz]ed|make|made|open|opened|apply for|applied for|sign up for|signed up for|request|requested|ask for|asked for)\b",
            r"\b(?:access controls?|permissions?|access rights|user roles?|sharing settings|privacy settings)\s+(?:[\w-]+\s+){0,3}?(?:ignored|bypassed|not (?:enforced|respected|applied)|broken)\b",
            r"\bnot\s+(?:authori[sz]ed|made|opened)\s+by\s+(?:me|us)\b",
            r"\bscam(?:med|mer|mers)?\b|\bphishing\b|\bspoof(?:ed|ing)?\b|\bsuspicious\s+(?:login|log-in|activity|emails?|charges?|transactions?|sign-?ins?|sessions?|devices?)\b",
            r"\bunrecogni[sz]ed\s+(?:logins?|log-ins?|sign-?ins?|devices?|sessions?|ip|locations?|activity)\b|\b(?:logins?|log-ins?|sign-?ins?|sessions?)\s+from\s+(?:an?\s+)?(?:unknown|unrecogni[sz]ed|strange|foreign|different)\s+(?:device|location|ip|country|address|browser)",
            r"\bsecurity\s+(?:freeze|alert|incident|issue|problem|hole|vulnerability|flaw|concern)\b|\bvulnerabilit(?:y|ies)\b|\bcredit\s+freeze\b",
            r"\b(?:stolen|theft)\b",
            # someone who should have lost access has not: "our former sales manager ... that account exported",
            # "a contractor who finished with us in May can still open the shared folder"
            r"\b(?:" + _DEPARTED + r")\b(?:"
            # ... in the same sentence: "an ex-employee whose account we disabled downloaded ...", "... can still open ..."
            r"[^.!?\n]{0,150}?\b(?:" + _ACCESS_ACT + r"|(?<!we )(?<!i )(?<!you )(?:can|could)\s+still\s+(?:access|open|log|sign|see|view|use|get|download|edit)\w*|still\s+(?:has|have|had)\s+access)"
            # ... or later, about them or their account: "they still show as active", "that account exported ..."
            r"|[^\n]{0,250}?\b(?:they|he|she|his|her|their|them|it|that (?:account|user|login|person)|the (?:account|user|login))\s+(?:[\w-]+\s+){0,3}?(?:still\s+(?:[\w-]+\s+){0,3}?(?:access\w*|active|open\w*|log\w*|sign\w*|see\w*|view\w*|us(?:e|es|ing)|get\w*|ha[sdv]e?|able|enabled|works?|working"
            r"|(?:show\w*|listed|appear\w*)\s+(?:up\s+)?as\s+(?:an?\s+)?(?:active|enabled|members?|users?|admins?))|" + _ACCESS_ACT + r"))\b",
            # an action or a thing nobody on our side made or knows
            r"\b(?:that|which)\s+(?:none of us|nobody(?:\s+(?:here|on our (?:side|team|end)))?|no[- ]one(?:\s+(?:here|on our (?:side|team|end)))?)\s+(?:[\w-]+\s+)?"
            r"(?:remembers?|recalls?|recogni[sz]es?|made|did|ran|created|started|changed|authori[sz]ed|requested|set up|knows? about|performed|initiated)\b",
            r"\b(?:none of us|nobody (?:here|on our (?:side|team|end))|no[- ]one (?:here|on our (?:side|team|end)))\s+(?:did|made|ran|authori[sz]ed|requested|created|started|initiated|set)\s+(?:this|that|it|these|those|them|any of (?:this|these|them))\b",
            r"\b(?:address|device|ip|location|user|account|key|session|email|number|app|payee|admin|login|sign-?in|phone|computer|browser|country|city|url|webhook|integration|token|domain|rule|redirect)(?:es|s)?\s+(?:that\s+)?(?:we|i|none of us|nobody|no one)\s+"
            r"(?:don't|do not|didn't|did not|can't|cannot|doesn't|does not)\s+recogni[sz]e\b",
            r"\b(?:signed|logged|sign|log)[ -]?(?:in|on)s?\s+from\s+(?:abroad|overseas|another country|a foreign|an? (?:unknown|unfamiliar|strange) (?:country|city|location|place))\b"
            r"|\bfrom\s+an?\s+(?:country|city|location|place)\s+(?:that\s+)?(?:we|i|none of us)\s+(?:have\s+|has\s+|had\s+)?(?:never|haven't|have not|don't|do not)\b"
            r"|\bnone of us (?:have|has|had|were|was) (?:ever\s+)?(?:been|travell?ed|gone) (?:anywhere\s+)?(?:near|to)\b",
            # phishing described: "an email that looks exactly like yours ... asking me to re-enter my card"
            r"\b(?:look(?:s|ed|ing)?|appear(?:s|ed|ing)?)\s+(?:exactly\s+|just\s+|almost\s+)?like\s+(?:yours|one of yours|(?:it(?:'s|’s| is| was)|they(?:'re|’re| are| were)|it came|they came)\s+from\s+you|your\s+(?:own\s+)?(?:emails?|site|website|login|page|logo|branding))\b",
            r"\b(?:claiming|claims|claimed|pretending|pretends|purporting|supposedly|allegedly)\s+(?:to\s+(?:be|come)\s+)?(?:from\s+)?(?:you|your\s+(?:company|team|support|billing))\b",
            r"\b(?:asking|asked|asks|telling|told)\s+(?:me|us|them|people|him|her|(?:our|my)\s+[\w-]+)\s+to\s+(?:re-?enter|enter|confirm|verify|update|reset|provide|type in|log in with|send)\s+"
            r"(?:(?:my|our|their|your|his|her)\s+)?(?:card|password|credentials|login|bank|payment|account|details|pin|security)",
            r"\b(?:weird|strange|suspicious|fake|unknown|odd|dodgy|sketchy|fraudulent|lookalike|look-alike|spoofed)\s+(?:domain|website|url|link|sender)s?\b",
            r"\bnot\s+(?:on|from|to)\s+your\s+(?:domain|website|site)\b|\bangeblich\s+von\s+(?:ihnen|euch|dir)\b|\bnicht\s+auf\s+ihre\s+domain\b|\bzugangsdaten\s+(?:[\wäöüß]+\s+){0,2}?eingegeben\b"
            r"|\b(?:den|die|das)\s+(?:niemand|keiner)\s+von\s+uns\s+(?:[\wäöüß]+\s+){0,2}?(?:gemacht|durchgeführt|veranlasst|gestartet)\b",
            r"\bbetrug\b|\bidentitätsdiebstahl\b",
        ),
        True,
    ),
    "major": (
        _rx(
            r"\b(?:is|are|was|were|keeps?|kept|has been|have been)\s+(?:completely\s+|totally\s+|still\s+|constantly\s+)?(?:broken|failing|crashing|erroring|timing out|freezing|logging (?:us|me|them) out)\b",
            r"\b(?:does|do|did)\s*(?:not|n't)\s+work\b|\b(?:isn't|aren't|is not|are not|not)\s+working\b|\bstopped\s+(?:working|syncing|loading|sending|updating|responding|processing|importing|exporting|printing|saving)\b|\bnothing works\b",
            r"\b(?:wrong|incorrect|inaccurate|outdated|stale)\s+(?:[\w-]+\s+)?(?:data|addresses|totals|amounts|numbers|figures|prices|balances|dates|times|information|results|values|records|rota|schedules?)\b",
            r"\b(?:can't|cannot|can not|unable to|couldn't|could not|(?:aren't|isn't|wasn't|weren't|not)\s+able to|not possible to|impossible to)\s+(?:\w+\s+){0,2}?(?:" + _ACT + r")\b",
            r"\b(?:is|are)\s+missing\s+(?:some\s+|all\s+)?(?:data|entries|rows|records|orders|transactions|items|lines|messages|emails)\b",
            # "the quantity become zero", "200 orders is wrong" (the verb as a non-native writer may put it)
            r"\b(?:orders?|records?|invoices?|amounts?|quantit(?:y|ies)|totals?|balances?|stock\s+levels?|entries|figures)\s+(?:is|are|was|were|become|becomes|became|(?:has|have)\s+become|goes|go|went|turns?|turned|(?:is|are)\s+set\s+to|(?:was|were)\s+set\s+to)"
            r"\s+(?:all\s+|now\s+|suddenly\s+|always\s+)?(?:wrong|incorrect|zero|0|empty|blank|negative)\b",
            r"\b(?:isn't|aren't|is not|are not|wasn't|weren't|not)\s+(?:updating|syncing|loading|sending|saving|showing up|responding|processing|arriving|printing|importing|exporting|going out|going through|taking effect|being applied)\b",
            # "the invoice run produces nothing", "December shows up twice", "double bookings"
            r"\b(?:produces?|produced|returns?|returned|generates?|generated|creates?|created|outputs?|exports?|exported|sends?|sent)\s+(?:absolutely\s+)?nothing\b",
            r"\b(?:shows?|showing|showed|appears?|appearing|appeared|listed|counted|imported|created|booked)\s+(?:up\s+)?(?:twice|two times|three times|in duplicate)\b"
            r"|\bdouble[- ]bookings?\b|\bduplicate(?:d)?\s+(?:entries|rows|records|orders|bookings|invoices|payments|emails|messages)\b",
            r"\b(?:won't|will not|doesn't|does not|didn't|did not|don't|do not)\s+(?:load|open|start|save|sync|connect|launch|respond|send|upload|download|print|submit|go through|process|update|refresh|display|show up|let (?:us|me|them))\b",
            r"\b(?:it|page|dashboard|app|screen|report|export|site)\s+never\s+(?:loads|opens|finishes|completes|starts|responds|comes\s+up|shows\s+up)\b",
            r"\b(?:crash(?:es|ed|ing)?|fails?|failed|failing|failures?)\b",
            # "the mobile app not showing the orders of customers" (a verb left out, as a non-native writer may)
            r"\bnot\s+(?:showing|displaying|loading)\s+(?:the|our|my|any|all|any of the|all of the)\s+(?:[\w-]+\s+)?(?:orders|data|invoices|customers|"
            r"records|items|products|messages|emails|reports|contacts|files|transactions|bookings|appointments|payments)\b",
            # "our scheduled reports were not sent", "the alerts haven't been delivered since Monday"
            r"(?<!\bi )(?<!\bwe )(?<!\byou )(?<!\bthey )(?<!\bhe )(?<!\bshe )(?<!\bme )(?<!\bus )"  # "I was not sent a refund": a person's
            r"\b(?:(?:was|were|is|are)\s+(?:not|never)|wasn't|weren't|isn't|aren't|(?:has|have)\s+(?:not|never)\s+been|hasn't\s+been|haven't\s+been)"
            r"\s+(?:sent|delivered|generated|sent out|triggered|posted|synced|imported|exported)\b",
            r"\b(?:[45]\d\d|server)\s+errors?\b|\berror\s+(?:code\s+)?[45]\d\d\b|\binternal server error\b|\bbad gateway\b|\bservice unavailable\b|\bgateway time-?out\b",
            r"\b(?:throws?|throwing|gives?|giving|shows?|showing|returns?|returning|gets?|getting|got|receiv(?:e|es|ed|ing)|hit(?:s|ting)?)\s+(?:an?\s+|the\s+|this\s+)?(?:[\w\"'“”-]+\s+){0,2}?errors?\b",
            r"\blocked out\b|\bblocked\b|\bbroken\b",
            r"\b(?:is|are|was|were|been|went|gone)\s+(?:completely\s+|totally\s+|all\s+|still\s+)?(?:down|offline)\b" + _DOWNISH_TAIL,
            r"\b(?:unavailable|not available|inaccessible|unreachable)\b",
            # "the export no longer works" (not a person: "Mark no longer works for us", "she no longer works here")
            r"(?<!\bhe )(?<!\bshe )(?<!\bwho )\bno longer\s+(?:works?|working|loads?|opens?|syncs?|saves?|sends?|exports?|imports?|prints?|connects?|responds?|updates?|runs?)\b"
            r"(?!\s+(?:here|there|at\b|with\b|for\s+(?:us|me|you|them|him|her|the company|our company|this company)\b))",
            # "no funciona", "ne fonctionne plus", "não funciona", "funktioniert der Export nicht mehr": a feature that does not work
            r"\bno\s+(?:funciona|funcionan|carga|cargan|abre|se\s+abre|responde|responden)\b|\b(?:dej[oó]|dejaron|ha\s+dejado|han\s+dejado)\s+de\s+funcionar\b"
            r"|\bne\s+(?:fonctionne|fonctionnent|marche|marchent|charge|chargent|r[eé]pond|r[eé]pondent)\s+(?:plus|pas)\b|\bn'(?:est|sont)\s+plus\s+fonctionnel(?:le)?s?\b"
            r"|\bn[ãa]o\s+(?:funciona|funcionam|carrega|carregam|abre|responde|respondem)\b|\b(?:parou|pararam)\s+de\s+funcionar\b"
            r"|\bfunktionier(?:t|en)\s+(?:[\wäöüß-]+\s+){1,3}?(?:nicht|gar nicht)(?:\s+mehr)?\b",
            r"\bfunktioniert\s+(?:nicht|gar nicht)\b|\bkaputt\b|\bfehler\b|\b(?:können|kann)\s+(?:uns\s+|sich\s+)?(?:nicht|nicht mehr)\s+(?:anmelden|einloggen|arbeiten|zugreifen)\b",
            # "our customers cannot pay" in Spanish, French, Portuguese and German
            r"\bno\s+(?:pueden|podemos|puede|consiguen|conseguimos|logran)\s+(?:ya\s+)?(?:pagar|cobrar|comprar|facturar|enviar|iniciar\s+sesi[oó]n|entrar|acceder|trabajar|reservar)\b"
            r"|\bne\s+(?:peuvent|pouvons|peut|parviennent|parvient|arrivent|arrive)\s+(?:plus|pas)\s+(?:[àa]\s+)?(?:payer|encaisser|acheter|commander|facturer|envoyer|se\s+connecter|acc[eé]der|travailler|r[eé]server)\b"
            r"|\bn[ãa]o\s+(?:conseguem|conseguimos|consegue|podem|podemos|pode)\s+(?:mais\s+)?(?:pagar|cobrar|comprar|faturar|enviar|fazer\s+(?:o\s+)?login|entrar|acessar|trabalhar|reservar)\b"
            r"|\b(?:können|kann|konnten|konnte)\s+(?:[\wäöüß]+\s+){0,4}?nicht\s+(?:mehr\s+)?(?:bezahlen|zahlen|kaufen|bestellen|buchen|versenden)\b",
        ),
        True,
    ),
    # A large part of the service is down, but not all of it.
    "partial_outage": (
        _rx(
            r"\bpartial(?:ly)?\s+(?:outage|down|unavailable|offline)\b|\b(?:was|is|are|were|been)\s+partially\s+(?:down|unavailable|offline|broken)\b",
            r"\b(?:severe(?:ly)?|significant(?:ly)?|heavily|badly|seriously|major)\s+(?:degraded|degradation|disruption|disrupted|impaired)\b",
            r"\boutage\s+(?:on|of|for|affecting|in|to)\s+(?:some|a few|certain|one|several|a small)\b",
            r"\b(?:many|most|the majority of|a large number of|a lot of|lots of|numerous)\s+(?:of\s+(?:our|the|my)\s+)?(?:[\w-]+\s+)?(?:" + _PEOPLE + r"|requests|calls|transactions|payments|orders|logins)\s+(?:are\s+|were\s+|is\s+|have been\s+|keep\s+)?(?:failing|fail\b|unable|unable to|locked out|getting errors|seeing errors|can't|cannot|not able)",
            r"\b(?:majority|most)\s+of\s+(?:our\s+|the\s+)?(?:\w+\s+)?(?:traffic|requests|calls|users|customers)\s+(?:is\s+|are\s+|was\s+|were\s+)?(?:failing|affected|impacted|down|erroring)\b",
            r"\bimpacted\s+(?:a|the)\s+majority\s+of\b|\bteilweise\s+(?:ausgefallen|nicht erreichbar)\b",
            # "our whole storefront is barely usable"
            r"\b(?:barely|hardly|almost|practically|nearly|virtually|basically)\s+(?:usable|unusable|functional|working)\b",
            # intensity: "high latency and error rates", "heavy packet loss"
            r"\b(?:high|very high|heavy|significant|substantial|severe|massive|huge)\s+(?:[\w.-]+\s+)?(?:error\s+rates?|errors|latency|latencies|failure\s+rates?|failures|timeouts|packet loss)\b",
        ),
        True,
    ),
    "degraded": (
        _rx(
            r"\bslow(?:er|ly|ness|ed down)?\b|\blag(?:gy|ging|s)?\b|\blatency\b|\bsluggish\b|\bfreez(?:e|es|ing)\b|\bhangs\b|\bhanging\b",
            r"\bintermittent(?:ly)?\b|\bsporadic(?:ally)?\b|\bsometimes\b|\boccasionally\b|\bon and off\b|\boff and on\b|\bflaky\b|\bhit or miss\b|\bunreliable\b|\binconsistent(?:ly)?\b",
            r"\bdelay(?:ed|s)?\b|\btime(?:s|d)?\s*-?outs?\b|\btiming\s+out\b|\btaking\s+(?:forever|minutes|ages|hours)\b|\b(?:arriv(?:e|es|ed|ing)|comes?|coming|came|showing up|shows? up)\s+(?:[\w-]+\s+){0,4}?late\b",
            r"\bdegrad(?:ed|ation)\b|\bpartial(?:ly)?\b|\belevated\s+(?:error|latency|errors)\b|\bincreased\s+(?:error|latency|errors)\b|\berror rates?\b",
            r"\bsome\s+(?:of\s+(?:our|the|my)\s+)?(?:" + _PEOPLE + r"|requests|pages|calls|reports)\b",
            r"\blangsam\b",
            # French, Spanish, Portuguese: "très lent", "va muy lento", "está um pouco lenta", "intermitente"
            # (French "lent" only after a word of its own: in English "we lent them a laptop")
            r"\b(?:est|sont|tr[eè]s|trop|un\s+peu|vraiment|si|devenue?s?)\s+lent(?:e|s|es)?\b|\blenteurs?\b"
            r"|\blent[oa]s?\b|\blentitud\b|\blentid[ãa]o\b|\bintermitentes?\b|\bpar\s+intermittence\b",
        ),
        False,
    ),
    "minor": (
        _rx(
            # e-mails the customer does not want: "STOP SENDING ME MARKETING EMAILS, I have unsubscribed three times"
            r"\b(?:marketing|promotional|newsletter|webinar)\s+(?:e-?mails?|messages|spam)\b|\bunsubscribed\b",
            r"\btypos?\b|\bmisspel(?:led|ling|t)\b|\bspelling\b|\btippfehler\b|\brechtschreib\w*\b|\bcosmetic\b|\bminor\b|\bsmall\s+(?:issue|thing|bug|problem|glitch)\b",
            r"\bnot\s+(?:urgent|a big deal|critical|blocking)\b|\blow priority\b|\bwhen you get a chance\b|\bwhen(?:ever)? (?:you|u) (?:can|have time)\b|\bno rush\b|\bnice to have\b|\bnicht dringend\b",
            r"\bfeature request\b|\bsuggestion\b|\bwould be nice\b|\bwish\s+(?:list|you)\b|\bhow (?:do|can) (?:i|we)\b|\bquick question\b|\bis (?:it possible|there a way) to\b",
            r"\b(?:alignment|font|colou?rs?|wording|label|tooltip|icon|logo)\b|\bproofread\w*\b|\bkleine[rs]?\s+hinweis\b|\bnichts dringendes\b",
            r"\b(?:mildly|slightly|a (?:bit|little|tad))\s+(?:annoying|irritating|confusing|odd|inconvenient)\b|\b(?:just\s+)?(?:a bit of |some |quick )?feedback\b|\bno complaints\b|\bjust wanted to (?:say|let you know|share)\b",
            r"\bam i (?:missing|misreading|misunderstanding|doing something wrong)\b|\b(?:is|are) (?:it|this|that|they|the [\w-]+) supposed to\b|\bas an option\b|\b(?:any|are there|is there a)\s+plans?\s+to\b|\bnothing(?:'s|’s| is)\s+broken\b|\b(?:that's|that is|it's|it is)\s+(?:the|my|our)\s+whole question\b",
            # one wrong detail on one document: "the invoice of last month has the wrong VAT number"
            r"\b(?:invoices?|receipts?|statements?|quotes?|letters?|certificates?|credit notes?)\b[^.!?\n]{0,40}?\b(?:wrong|incorrect|misspel\w+|outdated|old)\s+"
            r"(?:vat|tax|po|purchase order|reference|company|billing|postal|street|office|home|business|delivery|shipping)?\s*(?:numbers?|names?|address|id|dates?|spelling|titles?|logos?|postcode|zip code)\b",
            r"\b(?:wrong|incorrect|misspel\w+|outdated|old)\s+(?:vat|tax|po|purchase order|reference|company|billing|postal|street)?\s*(?:number|name|address|id|date|spelling|title|logo|postcode|zip code)\s+"
            r"(?:on|in)\s+(?:the|my|our|an|one|this|that|last month's)\s+(?:[\w'-]+\s+)?(?:invoice|receipt|statement|quote|letter|certificate|credit note)\b",
            # a request that reports no problem: "could we get a quote for five more seats?"
            r"\b(?:could|can|may)\s+(?:we|i)\s+(?:please\s+)?(?:get|have|request|see|book)\s+(?:a|an)\s+(?:quote|demo|estimate|proposal|price list)\b|\b(?:we'd|we would|i'd|i would)\s+like\s+(?:a|an)\s+(?:quote|demo|estimate|proposal)\b",
            # "it's only about $30"
            r"\b(?:it's|it is|that's|that is|only)\s+(?:only\s+)?(?:about\s+|around\s+|roughly\s+)?[$€£]\s?\d{1,3}(?:\.\d\d)?(?![\d,.]*\s*(?:k|m|bn|thousand|million)\b)(?![\d,])",
        ),
        False,
    ),
    # A named part of the service is down: "DALL·E's variations are down", "Web & mobile UIs unavailable".
    # Scope words in the same clause ("some features are unavailable") take it back to a broken feature.
    "component_down": (
        _rx(
            r"\b(?:is|are|was|were|has been|have been|had been|went|goes|go|remains?|remained)\s+(?:completely\s+|totally\s+|fully\s+|entirely\s+|all\s+|still\s+|now\s+|currently\s+|just\s+|again\s+)?"
            r"(?:down|offline|unavailable|inaccessible|unreachable)\b" + _DOWNISH_TAIL +
            # "unavailable on the free plan", "down the road" are not failures
            r"(?!\s+(?:on|in|for|to|with)\s+(?:the\s+|our\s+|my\s+|your\s+|this\s+)?(?:free|basic|starter|trial|standard|current|lower)?\s*(?:plan|tier|country|region|subscription|version|edition|package)s?\b)"
            r"(?!\s+(?:the|a)\s+(?:road|street|hall|line|drain|stairs|list)\b)",
            # a headline line: "Web & mobile UIs unavailable"
            r"(?:^|\n)[ \t]*(?:[\w’'.&/+-]+[ \t]+){1,5}?(?:down|offline|unavailable)[ \t]*[.!]?[ \t]*(?=$|\n)",
        ),
        True,
    ),
    # Type-only security cues: security controls and settings, not an incident ("can we force 2FA?").
    "security_hint": (
        _rx(
            r"\b2fa\b|\bmfa\b|\btwo[- ]factor\b|\bmulti[- ]factor\b|\bsession\s+(?:timeouts?|time-?outs?|length|lifetime|expiry|expiration)\b",
            r"\bsign-?in\s+from\s+a\s+new\b|\bnew\s+(?:location|device|country)\s+(?:alerts?|sign-?ins?|logins?)\b|\ballow-?list\w*\b|\bwhitelist\w*\b|\bip\s+(?:range|allow\w*|restrictions?)\b",
            r"\bpassword\s+(?:polic(?:y|ies)|rotation|requirements|complexity)\b|\brotat\w+\s+(?:our\s+|the\s+)?(?:api\s+)?(?:keys|passwords|credentials|secrets)\b|\baccess\s+reviews?\b",
        ),
        False,
    ),
    # Bulk data taken out: with a security cue, an unauthorised party has the data (a breach).
    "exfiltration": (
        _rx(
            r"\b(?:exported|downloaded|copied|pulled|dumped|extracted|scraped)\s+(?:out\s+)?(?:all\s+(?:of\s+)?)?(?:our|the|my|their)\s+(?:entire|whole|complete|full)\s+(?:[\w-]+\s+){0,2}?(?:" + _DATA + r"|lists?|customers|clients)\b",
            r"\b(?:exported|downloaded|copied|pulled|dumped|extracted|scraped)\s+(?:all|every)\s+(?:of\s+)?(?:our|the|my|their)\s+(?:[\w-]+\s+){0,2}?(?:" + _DATA + r"|customers|clients)\b",
        ),
        True,
    ),
    # A billing mistake: the amount, the count or the timing of a charge is wrong.
    "billing_error": (
        _rx(
            r"\bdouble[- ]?(?:charg\w*|bill\w*)\b|\bovercharg\w*\b|\b(?:charged|billed|debited)\s+(?:us\s+|me\s+|our \w+\s+|my \w+\s+)?(?:twice|two times|three times|double|again)\b",
            r"\b(?:charging|charged|billing|billed|debiting)\s+(?:[\w-]+\s+){0,5}?after\s+(?:we|i)\s+(?:had\s+)?(?:cancel\w*|closed|terminated|downgraded)\b|\bkept\s+(?:charging|billing)\b",
            r"\binstead of the usual\b|\b(?:wrong|incorrect)\s+(?:amount|vat|tax|rate|price|total)s?\b|\b\d[\d,.]*\s*%?\s*(?:[a-z]{3}\s+)?instead of\s+(?:the\s+)?(?:usual\s+)?[$€£]?\d",
            # "invoices show VAT at 19% for our customers in Austria, where it should be 20%"
            r"\b(?:vat|tax|sales\s+tax|rate|price|amount|total|fee|discount)\s+(?:[\w-]+\s+){0,2}?(?:at|of|as)\s+[$€£]?\d[\d,.]*\s*%?"
            r"(?:\s+[\w-]+){0,8}?,?\s+(?:where|when|while|but|whereas)\s+(?:it|they|this|that)\s+(?:should|ought\s+to|must)\s+(?:be|have\s+been)\b",
        ),
        True,
    ),
    # Nobody answers: an unanswered ticket or callback is a service failure in itself.
    "unanswered": (
        _rx(
            r"\bno(?:body| one|-one)\s+(?:has\s+|have\s+|ever\s+)?(?:responded|replied|got back|called back|answered|helped|followed up|turned up|showed up|picked up)\b",
            # the present of habit: "nobody ever calls back", "no one answers the phone"
            r"\bno(?:body| one|-one)\s+(?:ever\s+|even\s+)?(?:calls?\s+(?:us\s+|me\s+)?back|answers|replies|responds|gets\s+back\s+to)\b",
            r"\b(?:hasn't|has not|haven't|have not|didn't|did not|never)\s+(?:once\s+)?(?:answered|replied|responded|got back|gotten back|called back|returned (?:my|our) calls?|turned up|showed up)\b",
            r"\bnever\s+(?:heard back|got a (?:reply|response|call))\b|\bno\s+(?:response|reply|answer|callback|call back)(?:\s+at all)?\b|\b(?:heard|had|got)\s+nothing\s+back\b",
            r"\bwaiting\s+(?:for|on)\s+(?:a\s+|your\s+)?(?:response|reply|answer|call|update|callback)\b|\b(?:rings?|rang) out\b|\bgoes to voicemail\b|\bauto-?(?:reply|response)\b|\bwhere is everyone\b",
            r"\bkeine\s+(?:antwort|rückmeldung|reaktion)\b|\bniemand\s+(?:hat\s+)?(?:geantwortet|zurückgerufen|meldet sich)\b",
            # "nobody called", "no one has looked at it", "heard nothing", "not heard anything back"
            r"\bno(?:body| one|-one)\s+(?:has\s+|have\s+|ever\s+|even\s+)?(?:called|rang|phoned|contacted\s+(?:us|me)|looked\s+(?:at|into)\s+it|came\s+back)\b",
            r"\b(?:heard|had)\s+nothing(?=\s*(?:[.,;!]|$)|\s+(?:from\s+(?:you|anyone|anybody|support|your)|since|for|in)\b)|\b(?:not|haven't|hasn't|have not|has not)\s+heard\s+(?:anything|a thing|back|from (?:you|anyone|anybody))\b",
        ),
        True,
    ),
    # Two symptoms at once: "elevated latency and error rates", "errors and timeouts".
    "slow_and_failing": (
        _rx(
            r"\b(?:latency|latencies|slowness|response times|timeouts)\s*(?:\+|and|&|with|plus)\s*(?:(?:elevated|increased|high|higher)\s+)?(?:errors?|error\s+rates?|failures?|failure\s+rates?)\b",
            r"\b(?:errors?|error\s+rates?|failures?|failure\s+rates?)\s*(?:\+|and|&|with|plus)\s*(?:(?:elevated|increased|high|higher)\s+)?(?:latency|latencies|slowness|timeouts)\b",
        ),
        True,
    ),
    # The same failure again: "three months in a row", "double-charged us again".
    "repeated": (
        _rx(
            r"\bagain\b|\bin a row\b|\b(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th))\s+(?:time|month|week)\b(?!\s+outs?\b)|\b(?:every|each)\s+(?:single\s+)?(?:month|week|time)\b"
            r"|\b(?:two|three|four|five|six|several|\d+)\s+(?:months|weeks|times)\s+(?:running|in a row)\b|\b(?:week|month)\s+running\b|\bonce more\b|\bkeeps?\s+happening\b",
            # more than twice: "3 times this week", "charged three times for one order", "trois fois", "dreimal abgebucht"
            r"\b(?:three|four|five|six|seven|eight|nine|ten|several|multiple|[3-9]|\d{2,})\s+times\s+(?:(?:so\s+far\s+)?(?:(?:this|last)\s+|in\s+(?:the\s+|a\s+|one\s+)?(?:last\s+|past\s+|same\s+)?)(?:week|month|day|year|quarter|morning|fortnight)|today|now)\b",
            r"\b(?:charged|billed|debited|paid|refunded|sent|went\s+out|taken|collected|deducted|invoiced)\s+(?:[\w-]+\s+){0,3}?(?:three|four|five|six|seven|eight|nine|ten|several|multiple|[3-9]|\d{2,})\s+times\b",
            r"\b(?:trois|quatre|cinq|plusieurs|[3-9])\s+fois\b|\b(?:tres|cuatro|cinco|varias|[3-9])\s+veces\b|\b(?:tr[êe]s|quatro|cinco|v[áa]rias|[3-9])\s+vezes\b|\b(?:dreimal|viermal|f(?:ü|u|ue)nfmal|mehrmals|[3-9]\s*mal)\b",
        ),
        False,
    ),
    # Text on screen is wrong: "the button on the invoice page says 'Downlaod'".
    "ui_text": (
        _rx(
            r"\b(?:buttons?|labels?|headings?|titles?|headers?|tabs?|links?|menus?|tooltips?|banners?|placeholders?|footers?|captions?)\s+(?:[\w-]+\s+){0,5}?(?:says?|reads?|shows?|displays?)\s+['\"‘“]",
            r"['\"‘“][^'\"’”\n]{1,30}['\"’”]\s+(?:instead of|statt|rather than)\s+['\"‘“]",
        ),
        False,
    ),
}

# Costly alternatives of a kind, each behind the words it cannot match without (a substring test is
# far cheaper than a regex pass over the text). Their cues join the kind's own.
EXTRA_CUES: dict[str, list[tuple[re.Pattern, tuple[str, ...]]]] = {
    "data_loss": [
        (
            _rx(
                # "the documents (tax returns, receipts) are gone": a parenthesis or list may sit between
                # ("the file ..., the issues are gone" is a fix that worked)
                r"\b(?:" + _DATA + r")\s+(?:[\w'’(),-]+\s+){0,6}?(?<!issue )(?<!issues )(?<!problem )(?<!problems )(?<!error )(?<!errors )(?<!bugs )"
                r"(?:are|is|were|was|have been|has been|had been|got|seem to be|seems to be|appear to be|appears to be)"
                r"\s+(?:all\s+|just\s+|completely\s+|permanently\s+|entirely\s+|suddenly\s+|simply\s+|now\s+|still\s+)?"
                r"(?:gone|missing(?!\s+(?:a|an|the|some|its|their|our|his|her|any|one|two|several|fields?|information|details|values?|columns?|data)\b)|deleted|wiped|erased|lost|corrupt(?:ed)?|overwritten|disappeared|vanished|blank|empty)\b",
                r"\b(?:" + _DATA + r")\s+(?:[\w'’-]+\s+){0,4}?(?:have\s+|has\s+|had\s+|just\s+|all\s+|simply\s+|suddenly\s+)?(?:disappeared|vanished|got deleted|got wiped|got lost|went missing|got corrupted)\b",
                # "the client folders open empty", "the mailbox now shows up blank"
                r"\b(?:" + _DATA + r")\s+(?:[\w'’(),-]+\s+){0,6}?(?:now\s+|just\s+|all\s+|suddenly\s+)?(?:open|opens|opened|load|loads|loaded|come up|comes up|came up|show up|shows up|showed up)\s+(?:completely\s+|totally\s+|entirely\s+)?(?:empty|blank)\b",
            ),
            ("gone", "missing", "delet", "wiped", "erased", "lost", "corrupt", "overwr", "disappear", "vanish", "blank", "empty"),
        ),
    ],
    "security_breach": [
        (
            _rx(
                # "the order list showed orders from a company I've never heard of"
                r"\b(?:see|saw|seeing|seen|shows?|showed|showing|shown|displays?|displayed|displaying|appear(?:s|ed|ing)?|visible|view(?:ed|ing)?|accessed|got|received|receiving)\b"
                r"(?:\s+[\w'’-]+){0,6}?\s+(?:" + _EXPOSED_THING + r")\s+(?:[\w'’-]+\s+){0,3}?(?:belong(?:s|ing|ed)?\s+to|from|of|for)\s+"
                r"(?:(?:another|other|a different|some other)\s+(?:" + _OTHER_PARTY + r")|some(?:one|body) else|an?\s+(?:[\w-]+\s+)?(?:" + _OTHER_PARTY + r")\s+(?:that\s+)?(?:i|we)(?:'ve|’ve|\s+have)?\s+(?:never|don't|do not|didn't|did not)\s+(?:heard of|know|recogni[sz]e|worked with))\b",
            ),
            ("other", "different", "else", "never", "don't", "do not", "didn't", "did not"),
        ),
        (
            _rx(
                r"\b(?:" + _EXPOSED_THING + r")\s+(?:[\w'’-]+\s+){0,3}?(?:were\s+|was\s+|are\s+|is\s+|got\s+|has been\s+|have been\s+)(?:publicly\s+)?(?:exposed|leaked|visible to|accessible to|stolen|dumped)\b",
            ),
            ("exposed", "leaked", "visible to", "accessible to", "stolen", "dumped"),
        ),
        (
            _rx(
                r"\b(?:" + _EXPOSED_THING + r")\s+(?:[\w'’-]+\s+){0,3}?(?:were\s+|was\s+|got\s+|have been\s+|has been\s+|are\s+|is\s+)?(?:posted|published|shared|sold|dumped|leaked|sent|emailed|mailed|shown)\s+"
                r"(?:publicly|online|on\s+(?:a|an|the)\s+(?:\w+\s+)?(?:forum|internet|dark ?web|web|site|website|channel|group|page)|to\s+(?:the\s+)?(?:wrong|another|other|a different|the public|everyone|anyone|strangers|random)|with\s+(?:the\s+)?(?:wrong|another|other|a different|strangers|third parties|random))\b",
            ),
            ("public", "online", "forum", "internet", "web", "site", "channel", "group", "page", "wrong", "other", "different", "everyone",
            "anyone", "stranger", "random", "third part"),
        ),
    ],
}

WORKAROUND_YES = _rx(
    r"\bwork-?\s?arounds?\b(?!\s+(?:doesn't|does not|didn't|isn't))",
    r"\bwork(?:ing)? around it\b",
    r"\b(?:we|i)\s+(?:can|could)\s+still\b|\bstill able to\b|\b(?:for now|in the meantime|meanwhile),?\s+(?:we|i)(?:'re|'m| are| am)?\b",
    r"\bmanually\b|\bby hand\b|\bon paper\b|\bbackup process\b|\b(?:getting|get) by\b",
    r"\bstill\s+(?:works|working|work|fine|possible)\b",
)
WORKAROUND_NO = _rx(
    r"\bno\s+(?:known\s+)?work-?\s?arounds?\b|\bwithout\s+(?:a\s+|any\s+)?work-?\s?arounds?\b",
    r"\bno\s+(?:other\s+)?way\s+(?:to|around)\b|\bnothing\s+(?:we|i)\s+(?:try|tried|do)\s+works\b|\bno\s+alternative\b",
    r"\bwork-?\s?arounds?\s+(?:doesn't|does not|didn't|isn't|no longer)\b",
)

TRIED = _rx(
    r"\b(?:we|i)(?:'ve|\s+have|\s+had)?\s+(?:already\s+|also\s+|even\s+)?(?:tried|restarted|rebooted|cleared|reinstalled|reset|rolled back|checked|contacted|called|emailed|updated|upgraded|switched|followed|disabled|re-?entered|logged out|tested|escalated|disputed|filed|opened a ticket)\b"
    # (sent or submitted to ask: "we sent you the logs", "I submitted a dispute"; not "we've already sent about 230 of these invoices")
    r"|\b(?:we|i)(?:'ve|\s+have|\s+had)?\s+(?:already\s+|also\s+|even\s+)?(?:sent|submitted)\s+(?:(?:you|them|it|in|over|back|an?|the|our|my|several|multiple|many|two|three|four|\d+|more|another|a\s+few|your\s+team|support)\s+){0,4}"
    r"(?:e-?mails?|messages?|tickets?|requests?|logs?|screenshots?|details|complaints?|letters?|disputes?|forms?|follow-?ups?|documents?|evidence|proof|information|info|reports?|feedback|har\s+files?|cases?|chats?|reminders?|copies|copy)\b",
    r"\btried\s+(?:to|restarting|rebooting|clearing|reinstalling|resetting|everything|again|a different)\b",
    r"\b(?:restarting|rebooting|clearing the cache|reinstalling)\s+(?:did not|didn't|does not|doesn't)\s+help\b",
    r"\bhaben\s+(?:schon|bereits)\b",
)

STARTED = _rx(
    r"\bsince\s+(?:about\s+|around\s+|approximately\s+)?(?:\d{1,2}(?::\d{2})?\s*(?:am|pm|h|uhr)?|yesterday|this morning|last (?:night|week|month|\w+day)|monday|tuesday|wednesday|thursday|friday|saturday|sunday|(?:the|your|last)\s+(?:\w+\s+)?(?:update|release|deploy(?:ment)?|upgrade|migration|outage|maintenance|change|import|sync|rollout|roll-out|patch|cut-?over)(?:\s+window)?(?:\s+(?:you|we|your\s+team)\s+(?:ran|did|made|pushed|deployed|rolled\s+out|performed|carried\s+out|applied|started))?(?:\s+(?:on|last)\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|the\s+\d{1,2}(?:st|nd|rd|th)?|night|week))?|\w+ \d{1,2}(?:st|nd|rd|th)?|\d{1,2}/\d{1,2}(?:/\d{2,4})?|early|late|then)\b",
    r"\b(?:started|began|starting|beginning)\s+(?:at|on|around|about|this|yesterday|last|after|when|with|in)\b[^.,;!?\n]{0,40}",
    r"\b(?:this|yesterday)\s+(?:morning|afternoon|evening)\b|\byesterday\b|\blast night\b|\bovernight\b",
    r"\b(?:for|over)\s+(?:the\s+)?(?:last|past)\s+(?:(?:\d+|few|couple of|several)\s+(?:minutes|hours|days|weeks|months)|hour|day|week|month)\b",
    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|a\s+few|a\s+couple\s+of|several)\s+(?:minutes|hours|days|weeks|months)\s+ago\b|\b(?:an\s+hour|a\s+(?:day|week|month))\s+ago\b|\bfor\s+(?:\d+|two|three|four|five|six|several)\s+(?:minutes|hours|days|weeks)(?:\s+now)?\b",
    r"\bsince\s+(?:\d+|two|three|four|five|six|several|a few)\s+(?:minutes|hours|days|weeks|months)\b|\bfrom\s+(?:this\s+)?morning\b",
    r"\bafter\s+(?:the|your|last night's|yesterday's|this morning's)\s+(?:\w+\s+)?(?:update|release|deploy(?:ment)?|upgrade|migration|maintenance|change)\b",
    r"\bseit\s+(?:heute\s+)?(?:\d{1,2}(?::\d{2})?\s*uhr|gestern|heute|montag|dienstag|mittwoch|donnerstag|freitag|dem\s+update)\b",
    r"\bdepuis\s+(?:ce\s+matin|hier(?:\s+soir)?|cette\s+nuit|(?:\d{1,2}\s*h(?:\d{2})?)|lundi|mardi|mercredi|jeudi|vendredi|la\s+mise\s+[àa]\s+jour)\b"
    r"|\bdesde\s+(?:esta\s+ma(?:ñ|n)ana|ayer|anoche|las\s+\d{1,2}(?::\d{2})?|el\s+(?:lunes|martes|mi[eé]rcoles|jueves|viernes)|la\s+actualizaci(?:ó|o)n)\b",
)

# Matched on the lowercased text (fast); only the acronyms that are also English words need the case.
REGULATORY_OBLIGATION = _rx(
    r"\bgdpr\b|\bdsgvo\b|\bhipaa\b|\bpci(?:[- ]dss)?\b|\bsarbanes\b|\bccpa\b|\bferpa\b|\bglba\b|\bfcra\b|\bfair credit\b|\bfdcpa\b|\brespa\b|\btila\b",
    r"\bregulators?\b|\bregulatory\b|\bregulations?\b|\bcompliance\b|\baudit(?:or|ors|s)?\b(?!\s*(?:logs?|trails?|history|events?|entries)\b)|\bdata protection\b|\bprivacy (?:law|regulation|officer|commissioner)\b",
    r"\bombudsman\b|\bsupervisory authority\b|\bdata protection (?:authority|officer)\b|\bdpo\b|\btrading standards\b|\bconsumer protection\b",
    r"\bright to (?:be forgotten|erasure|access)\b|\bsubject access request\b|\bdsar\b|\bdata processing agreement\b|\bbreach notification\b",
    # "our GDPR erasure request", "or we will have to inform the authority"
    r"\b(?:erasure|data\s+deletion|data\s+access)\s+requests?\b|\b(?:inform|notify|tell|alert|report\s+(?:this|you|it|the\s+matter)\s+to)\s+the\s+"
    r"(?:data\s+protection\s+|supervisory\s+|relevant\s+|competent\s+)?(?:authority|authorities|regulator)\b",
    r"\btax\s+(?:office|authorit(?:y|ies)|inspectors?|auditors?)\b|\bhmrc\b|\bfinanzamt\b|\bvat\s+returns?\b|"
    r"\binformation commissioner\b|\bcommissioner(?:'s|’s)? office\b|\bcnil\b|\baepd\b|\bautoriteit persoonsgegevens\b|"
    r"\bcfpb\b|\bftc\b|\battorney general\b|\bfinra\b|\bdatenschutz\w*\b|\baufsichtsbehörde\b|\bqsa\b|\bsoc ?2\b|\biso ?27001\b|\bassessors?\b",
)
REGULATORY_ACRONYMS = re.compile(r"\b(?:SOX|ICO|SEC|FCA|BaFin|OCC|FDIC)\b")
# A sentence asking for a document ("could you send us your DPA?") names a regulation without being exposed to it.
_DOCUMENT_REQUEST = _lc(
    r"\b(?:(?:could|can|would|will)\s+you\s+(?:please\s+)?(?:send|share|provide|forward|email|countersign|sign)|please\s+(?:send|share|provide|forward)"
    r"|(?:asked|asking|ask|asks)\s+(?:us\s+|me\s+)?(?:for|to\s+see)\s+(?:your|a copy|the latest|a signed|them|it|those|these|our|the)\b|(?:asked|asks)\s+me\s+to\s+(?:confirm|check|find out)|(?:need|needs|require|requires|requesting|request)\s+(?:a\s+copy\s+of\s+|a\s+signed\s+|an?\s+(?:updated|current)\s+)?your\b"
    r"|(?:need|needs|require|requires)\s+a\s+signed\b"
    # access for the customer's own auditors: "Please give our auditor read-only access to the reports"
    r"|(?:please|could\s+you|can\s+you|would\s+you)\s+(?:please\s+)?(?:give|grant|set\s+up|create|provide)\s+(?:our|the|an?)\s+(?:external\s+|internal\s+)?auditors?\s+(?:[\w-]+\s+){0,2}?(?:access|accounts?|logins?)\b)"
)
# A regulator acting on the customer ("the Information Commissioner's Office has contacted us about a complaint"):
# what it asks for is exposure, not paperwork.
_REGULATOR_ACTING = _lc(
    r"\b(?:regulators?|commissioner(?:'s|’s)?(?:\s+office)?|supervisory\s+authority|data\s+protection\s+authority|ombudsman|attorney\s+general"
    r"|cfpb|ftc|ico|cnil|finra|bafin|fca)\b[^.!?\n]{0,60}?\b(?:(?:has|have)\s+)?(?:contacted|wrote\s+to|written\s+to|opened|(?:is|are)\s+investigating"
    r"|investigat\w+|inquir\w+|enquir\w+|complaints?|fined?|fines|sanction\w*|summon\w*)\b"
    r"|\b(?:investigation|inquiry|enquiry|complaint)\s+(?:by|from|with)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}?(?:regulators?|commissioner|authority|ombudsman|cfpb|ftc|ico|cnil)\b"
)
# A customer's own review of its vendors ("our security team is reviewing vendors for our annual audit ... could you
# send us your SOC 2 report"): every regulation it names is asked about, none is a risk to it.
_VENDOR_REVIEW = _lc(
    r"\bvendors?\s+(?:risk|reviews?|assessments?|questionnaires?|due\s+diligence|onboarding|security\s+reviews?)\b"
    r"|\b(?:security|vendor|supplier|due\s+diligence|procurement)\s+questionnaires?\b|\breviewing\s+(?:our\s+|all\s+|its\s+)?(?:vendors|suppliers)\b"
    r"|\b(?:annual|yearly)\s+(?:vendor|supplier)\s+(?:review|assessment)\b"
)
LEGAL_THREAT = _rx(
    r"\blawyers?\b|\battorneys?\b|\blegal (?:action|counsel|proceedings|steps)\b|(?<!your )(?<!your own )\blegal (?:team|department)\b|\blawsuit\b|\bsue\b|\bsuing\b|\bcourt\b|\bsmall claims\b|\blitigation\b|\blegal hold\b|\bpreservation order\b|\bsubpoena\w*\b|\bbreach of contract\b|\banwalt\b|\brechtliche schritte\b|\bklage\b",
)
PUBLIC = _rx(
    r"\bpress\b|\bjournalists?\b|\breporters?\b|\bthe news\b|\bnewspaper\b|\bmedia\b",
    r"\btwitter\b|\btweet(?:ed|ing|s)?\b|\blinkedin\b|\bfacebook\b|\breddit\b|\binstagram\b|\btiktok\b|\byoutube\b|\bsocial media\b",
    # a review others read ("a one-star review", "leave a review", "reviews on Google"), not "quarterly business reviews"
    # or "please review the invoice"
    r"\b(?:bad|negative|public|online|google|app\s+store|play\s+store|honest|terrible|poor|scathing|angry|1-star|one-star|5-star|customer)\s+reviews?\b"
    r"|\b(?:leave|leaving|left|write|writing|wrote|post|posting|posted|publish|publishing)\s+(?:a\s+|an\s+|our\s+|my\s+)?(?:[\w-]+\s+){0,2}?reviews?\b"
    r"|\breviews?\s+(?:on|sites?|platforms?|pages?)\b|\btrustpilot\b|\bg2\b|\bcapterra\b|\bglassdoor\b|\bone[- ]star\b|\bpublic(?:ly)?\b|\bgo(?:ing)? public\b|\bblog\b",
    r"\bour (?:own )?customers (?:are|have been|keep)\s+(?:complaining|calling|noticing|asking|emailing)\b|\bcustomer-facing\b|\bour customers can(?:not|'t|\s+not)\b",
)
CRITICAL_PROCESS = _rx(
    r"\brevenue\b|\bpayroll\b|\bcheck ?out\b|\bpayments?\b|\b(?<!in )orders?\b(?! to\b)|\bsales\b|\bbilling\b|\binvoic(?:e|es|ing)\b",
    r"\bpatients?\b|\bclinical\b|\bemergency\b|\bsafety\b|\bproduction\b|\bgo-?live\b|\b(?:our|the|a|product|big)\s+launch\b|\blaunch\s+(?:day|date|event)\b|\bdeadline\b",
    r"\bmonth[- ]end\b|\bquarter[- ]end\b|\byear[- ]end\b|\bclose the books\b|\bfiling\b|\btax\b",
    r"\bcan(?:not|'t| not)\s+(?:sell|ship|bill|trade|operate|serve|take orders|take payments|pay)\b|\bour customers\b|\bbusiness[- ]critical\b|\bmission[- ]critical\b",
    r"\bmortgage\b|\bforeclos\w+\b|\beviction\b|\bloan\b|\bcredit (?:score|report)\b|\brent\b",
    r"\b(?:biggest|busiest|big|major|most important|key|peak)\s+(?:[\w-]+\s+){0,2}?(?:sale|launch|event|day|week|weekend|season|campaign|night)\b|\btax season\b|\bblack friday\b|\bcyber monday\b|\bholiday season\b|\bour\s+(?:[\w-]+\s+)?sale\b",
    r"\bturning\s+(?:[\w-]+\s+)?(?:guests|customers|patients|people|clients|shoppers|diners|visitors)\s+away\b|\bsitting on their hands\b",
)
# Words that say a problem reaches many users, not a few ("across all regions", "most of our customers").
BROAD_SCOPE = _rx(
    r"\b(?:all|every)\s+(?:of\s+(?:our|the|my)\s+)?(?:[\w-]+\s+)?(?:users|customers|regions|models|endpoints|services|plans|products|locations|stores|shops|sites|tenants|agents|employees|staff|clients|branches|clinics)\b",
    # "every customer was billed twice"
    r"\bevery\s+(?:single\s+)?(?:customer|user|client|tenant|subscriber|member|seller|merchant|vendor|supplier|patient|employee|store|shop|branch|site|location|clinic|account\s+holder)\b",
    r"\b(?:every|each)\s+(?:single\s+)?one\s+of\s+(?:our|the|my)\s+(?:[\w-]+\s+)?(?:" + _PEOPLE + r")\b|\b(?:hundreds|thousands|dozens)\s+of\s+them\b",
    r"\bacross\s+(?:all|the board|every|the whole|the entire|our whole|our entire)\b|\beverywhere\b|\bglobally\b|\bworld-?wide\b|\bwidespread\b|\b(?:company|org|organi[sz]ation)[- ]wide\b",
    r"\b(?:most|many|the majority|a majority|a large number|a lot|lots|numerous|dozens|hundreds|thousands)\s+(?:of\s+)?(?:our\s+|the\s+|my\s+)?(?:[\w-]+\s+)?(?:users|customers|people|agents|employees|staff|requests|calls|traffic|clients|stores|locations)\b",
)
TIER_CUES = [
    (Tier.ENTERPRISE, _rx(r"\benterprise\s+(?:plan|customer|contract|tier|account|agreement|license)\b|\bplatinum\b|\bstrategic account\b")),
    (Tier.BUSINESS, _rx(r"\b(?:business|pro|premium|professional|team)\s+(?:plan|tier|subscription|account)\b")),
    (Tier.FREE, _rx(r"\bfree\s+(?:plan|tier|account|version|trial)\b|\btrial\b")),
]

# Words without which a kind cannot match: a substring test is far cheaper than a regex pass.
GATES: dict[str, tuple[str, ...]] = {
    "component_down": ("down", "offline", "unavailable", "inaccessible", "unreachable"),
    "exfiltration": ("exported", "downloaded", "copied", "pulled", "dumped", "extracted", "scraped"),
    "billing_error": ("double", "overcharg", "charg", "bill", "debit", "instead of", "amount", "should", "wrong", "incorrect"),
    "slow_and_failing": ("latenc", "slowness", "response times", "timeouts"),
    "ui_text": ("say", "read", "show", "display", "instead of", "statt", "rather than"),
    "security_hint": ("2fa", "mfa", "factor", "session", "sign", "new ", "allow", "whitelist", "ip ", "password", "rotat", "access review"),
    "repeated": ("again", "row", "time", "month", "week", "running", "once more", "happening", "fois", "veces", "vezes", "mal"),
    "unanswered": ("respon", "repl", "back", "answer", "help", "follow", "turned up", "showed up", "picked up", "returned", "call", "waiting",
                   "ring", "rang", "voicemail", "auto", "where is everyone", "keine", "niemand", "phoned", "contacted", "looked",
                   "came back", "heard"),
    "workaround_no": ("work", "way", "nothing", "alternative"),
    "workaround_yes": ("work", "still", "for now", "meantime", "meanwhile", "manually", "by hand", "paper", "backup", "get by", "getting by"),
    "legal": ("law", "attorney", "legal", "suit", "sue", "suing", "court", "claims", "litigation", "breach of contract", "anwalt", "rechtliche",
              "klage", "preservation order", "subpoena"),
    "partial_outage": ("partial", "degrad", "disrupt", "impair", "outage", "fail", "unable", "locked", "error", "can't", "cannot", "not able",
                       "affected", "impacted", "down", "majority", "teilweise", "latenc", "timeouts", "packet loss", "usable", "functional", "working"),
}
_CASED_GATES = {"regulatory": ("SOX", "ICO", "SEC", "FCA", "BaFin", "OCC", "FDIC"), "security_concern": ("in from", "on from", "ins from", "ons from")}

TYPE_CUES: dict[str, re.Pattern] = {
    "business": _rx(
        r"\binvoic(?:e|es|ed|ing)\b|\bbill(?:ed|ing)?\b|\bcharged?\b|\bcharges\b|\brefunds?\b|\bcontract\b|\brenewal\b|\brenew\b|\bcancel(?:l?ing|l?ed|lation)?\b(?!\s+(?:button|link|icon))",
        r"\bsuspen(?:ded|sion)\b|\bnon-?payment\b|\bunpaid\b|\boverdue\b|\bpast due\b|\bcharging\b|\bdirect debit\b",
        r"\bpric(?:e|es|ing)\b|\bovercharg\w*\b|\bcredit note\b|\bsubscriptions?\b|\bchurn\b|\bcompetitor\b|\blicen[cs]es?\b|\bseats?\b|\bdiscount\b|\bquote\b|\bfees?\b|\binterest rate\b|\bpayments?\b|\bdebt\b|\bloan\b|\bmortgage\b|\bcollections?\b|\bbalance\b",
        r"\bservice credits?\b|\bcredit (?:us|our account|my account)\b|\bcompensat\w+\b|\breimburs\w+\b|\bmoney back\b",
        r"\b(?:marketing|promotional|newsletter|webinar|sales)\s+(?:e-?mails?|messages|calls|texts|spam)\b|\bunsubscrib\w*",
        r"\b(?:ab)?rechnung(?:en)?\b|\bgutschrift\b|\brückerstattung\b|\berstattung\b|\bvertrag\b|\bkündigung\b|\bpreis(?:e|erhöhung)?\b|\bgebühr(?:en)?\b|\blizenz(?:en)?\b|\bzahlung(?:en)?\b|\babo(?:nnement)?\b|\bfacture\b|\bfactura\b",
    ),
    "service": _rx(
        r"\bno(?:body| one)\s+(?:has\s+|ever\s+)?(?:responded|replied|got back|called back|answered|helped|followed up)\b|\bnever\s+(?:heard back|got a (?:reply|response|call))\b",
        r"\bwaiting\s+(?:for|on)\s+(?:a\s+|your\s+)?(?:response|reply|answer|call|update|callback)\b|\bno\s+(?:response|reply|answer|update)\b",
        r"\b(?:hasn't|has not|haven't|have not)\s+(?:answered|replied|responded|got back|gotten back)\b|\b(?:heard|had|got)\s+nothing\s+back\b|\b(?:rings?|rang) out\b|\bauto-?reply\b|\bwhere is everyone\b|\bno(?:body| one) (?:turned|showed) up\b",
        r"\bsupport\s+(?:team|agent|rep|staff|ticket|line|case)\b|\bcase number\b|\brude\b|\bunprofessional\b|\bunhelpful\b|\bcondescending\b|\bincompetent\b",
        r"\bticket(?<!per ticket)(?<!concert ticket)(?<!event ticket)(?<!show ticket)(?<!train ticket)(?<!movie ticket)(?<!parking ticket)(?<!raffle ticket)"
        r"(?<!plane ticket)(?<!flight ticket)(?<!theatre ticket)(?<!theater ticket)(?<!match ticket)(?<!game ticket)(?<!bus ticket)s?\b(?!\s*(?:check-?ins?|scann\w*|sales?|holders?|prices?|booth|office|types?|stubs?|buyers?|purchases?|for (?:the|a|our|my) (?:show|concert|event|game|match|flight)))",
        r"\b(?:closed|reopen\w*)\s+(?:the|my|our|this|a)\s+(?:support\s+)?(?:ticket|case)\b|\b(?:the|your)\s+agent\s+(?:i|we)\s+(?:spoke|talked|chatted)\b|\byour agent\b|\baccount manager\b|\bsomeone competent\b",
        r"\bno\s+(?:owner|eta|timeline|follow-?up)\b|\bchat queue\b|\bresponse times?\b|\b\d+[- ]minute response\b|\bsurvey\b|\b(?:open|opened)\s+for\s+(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several)\s+(?:days|weeks)\b",
        r"\bpromised\b|\bon hold\b|\bhold music\b|\bphone line\b|\btransferred\b|\bignor(?:ed|ing)\b|\bcustomer service\b|\bescalat\w+\b|\bcalled\s+(?:\w+\s+)?(?:times|again)\b|\bkept? (?:telling|saying)\b|\brepresentatives?\b",
        r"\bkeine\s+(?:antwort|rückmeldung|reaktion)\b|\bniemand\s+(?:hat\s+)?(?:geantwortet|zurückgerufen|meldet sich)\b|\bkundenservice\b|\bkundendienst\b",
    ),
    "technical": _rx(
        r"\berrors?\b|\bbugs?\b|\bcrash\w*\b|\bdown\b|\boutage\b|\blog ?in\b|\bsign ?in\b|\bapi\b|\bsync\w*\b|\bintegration\b|\bserver\b|\btime-?outs?\b",
        r"\bslow\b|\blatency\b|\bload(?:ing)?\b|\bpage\b|\bapp\b|\bdashboard\b|\bexport\b|\bimport\b|\bupload\w*\b|\b5\d\d\b|\bbroken\b|\bnot working\b|\bwebsite\b|\bsite\b|\bplatform\b|\bdatabase\b|\bdeploy\w*\b|\bupdate\b|\bfeature\b|\bmodels?\b|\bendpoint\b",
        r"\b(?:please\s+)?fix\s+(?:it|this|that)\b|\bnot\s+(?:been\s+)?fixed\b|\bstill\s+(?:broken|happening)\b|\bwrong\s+(?:time ?zone|language|format|currency)\b|\bin\s+utc\b|\bscanners?\b|\bwidget\b",
        r"\bfehler(?:meldung)?\b|\babsturz\b|\bstürzt\b|\banmeld\w*\b|\beinlogg\w*\b|\bseite\b|\bsystem\b|\bschnittstelle\b|\bausfall\b|\blangsam\b",
    ),
}

# A negation or a hedge governs a cue when it comes shortly before it in the same clause: a
# contrast ("not just slow, but ..."), a dash, or a comma that opens a new clause ("if it is not
# refunded by Friday, my lawyer ...") ends its reach; a list ("no data, orders or invoices") does not.
_SCOPE_END = (
    r"(?!\b(?:but|however|although|though|yet|except|instead|because)\b|\s[-–—]\s|[–—]"
    r"|,\s*(?:my|our|we|i|you|they|it|the|this|that|there|he|she|his|her|their|your|so|then"
    # a new clause in French, Spanish, Portuguese or German: "können nicht bezahlen, der Checkout ist ausgefallen"
    r"|der|die|das|den|dem|le|la|les|el|los|las|o|os|as|wir|nous|unser\w*|notre|nuestr[oa]s?|noss[oa]s?|aber|mais|pero|mas)\b)[^.;:!?\n]"
)
_NEGATION = _lc(
    r"\b(?:no(?!\s+longer\b)|not(?!\s+(?:just|only|merely|simply)\b)|never|nothing(?!\s+(?:works|loads|is (?:working|loading)|happens))"
    r"|without(?!\s+(?:it|this|that|them|which|those|these)\b)|isn't|wasn't|aren't|weren't|hasn't|haven't|hadn't|didn't|don't|doesn't|no sign of|rather than|kein\w*|nicht)\b"
    r"(?:" + _SCOPE_END + r"){0,25}$"
    # "None of our data was lost": right before what it denies
    r"|\bnone\s+of\s+(?:(?:the|our|my|their|your|its|this|these|those)\s+)?$",
)
_HEDGE = _lc(
    r"\b(?:could (?:be|have|lead|result|cause|potentially|expose|mean)|might|may|worried|afraid|concerned|fear|risk of|at risk|the risk|chance of|if|whether|"
    r"potential(?:ly)?|possible|possibly|perhaps|maybe|probably|in case|in the event|suspect|prevent|avoid|protect against|guard against|"
    r"would(?!\s+(?:like|love|appreciate|be grateful))|what happens|hypothetical(?:ly)?|theoretical(?:ly)?|(?:not sure|unsure|wondering|ask(?:ing)?)\s+(?:if|whether)|befürchten|könnte)\b"
    r"(?:" + _SCOPE_END + r"){0,40}$",
)

# "1,200", "1.200" and "1 200" (a space or a narrow no-break space between thousands, as French writes them); "8 mil",
# "2 millones", "3 Mio." in the other languages
_NUM = (r"(?:\d{1,3}(?:[,\.]\d{3})+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,.]\d)|\d+(?:\.\d+)?)"
        r"(?:\s*(?:k|m|bn|thousand|million|billion|mil|millones|millions|milh[õo]es|millionen|mio)\b)?")
_USERS = _lc(
    r"(?<![\w.,:/#$€£-])(?P<num>" + _NUM + r")\+?\s+(?:of\s+(?:our|my|the)\s+)?(?:[a-z-]+\s+){0,2}?(?P<what>" + _PEOPLE + r")\b",
)
_MANY_USERS = _lc(
    r"\b(?P<num>dozens|hundreds|thousands|millions)\s+of\s+(?:our\s+|my\s+|the\s+)?(?:[a-z-]+\s+){0,2}?(?P<what>" + _PEOPLE + r")\b",
)
_TEAM_OF = _lc(
    r"\b(?P<what>team|staff|workforce|crew|department|office|company)\s+of\s+(?:about\s+|around\s+|over\s+|more than\s+|nearly\s+)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d+)\b(?!\s*(?:%|percent|minutes|hours|days|years))"
)
_MANY = {"dozens": 24.0, "hundreds": 200.0, "thousands": 2_000.0, "millions": 2_000_000.0}
_ALL_USERS = _rx(
    r"\b(?:all|every(?:one)?\s+of)\s+(?:of\s+)?(?:our|my|the)\s+(?:[\w-]+\s+)?(?:" + _PEOPLE + r")\b",
    r"\bevery(?:one|body)\b(?!\s+else)|\bentire\s+(?:company|team|org|organi[sz]ation|staff|workforce|user base)\b|\bwhole\s+(?:company|team|org|organi[sz]ation|office)\b|\ball users\b|\balle\b",
    # "returns a 500 error for every customer in the EU": who is affected is answered
    r"\b(?:all|every(?:\s+single)?)\s+(?:customers?|users?|clients?|tenants?|subscribers?|members?|employees?|staff|stores?|shops?|branch(?:es)?|sites?|locations?|clinics?|patients?|agents?)\b",
)
_MONEY = _lc(
    r"(?P<cur>[$€£]|\b(?:usd|eur|gbp|chf|sek|nok|dkk|cad|aud|nzd|jpy|inr|pln|czk|sgd|hkd|zar|brl|mxn)\b)\s?(?P<amt>" + _NUM + r")|(?<![\w.,])(?P<amt2>" + _NUM + r")\s*(?:d(?:e\s+|['’]\s*))?(?P<cur2>usd|eur|gbp|chf|sek|nok|dkk|cad|aud|nzd|jpy|inr|pln|czk|sgd|hkd|zar|brl|mxn|dollars|euros?|pounds|bucks|reais|pesos|francs|francos|libras|d[óo]lares|[$€£])(?!\w)",
)
# A sum with no currency named, read as money only when a verb of paying or losing governs it and either a
# multiplier ("48k", "2 million") or a period ("2,000 a day") follows: "we lose 2k a day", "we pay you 48k/year".
# "lose 200 orders a day" is not money: a noun stands between the number and the period.
_IMPLIED_MONEY = _lc(
    r"\b(?P<verb>los(?:e|es|ing|t)|cost(?:s|ing)?|pay(?:s|ing)?|paid|spend(?:s|ing)?|spent|worth|bleeding|burning)\s+"
    r"(?:(?:us|you|me|them|about|around|over|roughly|nearly|almost|approximately|at least|more than|up to)\s+){0,3}"
    r"(?P<amt>(?:\d{1,3}(?:[,\.]\d{3})+|\d+(?:\.\d+)?)(?:\s*(?:k|m|bn|thousand|million|billion)\b"
    r"|(?=\s*(?:/|per|a|an|each|every)\s*(?:minute|min|hour|hr|day|week|month|year)\b|\s+(?:hourly|daily|weekly|monthly|yearly|annually)\b)))"
    r"(?![$€£%]|\s*(?:%|percent|usd|eur|gbp|dollars|euros?|pounds|bucks)\b)",
)
# A sum with a multiplier and no currency, in a sentence of money moving: "payouts went out twice - about 80k in total",
# "refunds of 2.5m went to the wrong account" (not "80k users", "3k orders").
_MOVED_SUM = _lc(
    r"\b(?:payouts?|payments?|refunds?|refunded|charges?|charged|billed|debited|debits?|transfers?|transferred|remittances?|withdrawals?|paid|wired|invoiced|went\s+out)\b"
    r"[^.!?\n]{0,60}?(?<![\w.,$€£])(?P<amt>(?:\d{1,3}(?:[,\.]\d{3})+|\d+(?:\.\d+)?)\s*(?:k|m|bn|thousand|million|billion)\b)"
    r"(?!\s*(?:%|percent)|\s+(?:[\w-]+\s+)?(?:" + _PEOPLE + r"|orders|records|rows|items|lines|transactions|payments|payouts|invoices|emails|messages|times|requests|calls|events)\b)"
)
_PERIOD = _lc(
    r"\s*(?:in\s+(?:[\w-]+\s+){1,3}?)?(?:(?:per|a|an|each|every|/)\s*(?P<period>minute|min|hour|hr|day|week|month|year)\b|(?P<adverb>hourly|daily|weekly|monthly|yearly|annually)\b"
    # "par heure", "por hora", "pro Stunde", "al día", "par jour"
    r"|(?:par|por|pro|al|ao|à\s+l['’])\s*(?P<foreign>minute|minuto|heure|hora|stunde|jour|d[ií]a|tag|semaine|semana|woche|mois|mes|m[êe]s|monat|ann[ée]e|an|a[ñn]o|jahr)\b)",
)
_ADVERB_PERIOD = {"hourly": "hour", "daily": "day", "weekly": "week", "monthly": "month", "yearly": "year", "annually": "year"}
_FOREIGN_PERIOD = {"minute": "minute", "minuto": "minute", "heure": "hour", "hora": "hour", "stunde": "hour", "jour": "day", "día": "day",
                   "dia": "day", "tag": "day", "semaine": "week", "semana": "week", "woche": "week", "mois": "month", "mes": "month",
                   "mês": "month", "monat": "month", "année": "year", "annee": "year", "an": "year", "año": "year", "ano": "year",
                   "jahr": "year"}
# A sentence: "29.99 each time", "v5.2" and "GPT-3.5 Turbo" are not cut at their points.
SENTENCE = re.compile(r"(?:[^.!?\n]|\.(?=\w))+(?:[.!?]+|$)")  # "v4.2", "p.jansen@example.nl": no end
