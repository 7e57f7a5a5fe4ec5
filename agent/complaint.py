"""What the customer newly wrote, apart from what they pasted along with it.

    from agent.complaint import parse
    p = parse(text)
    p.new_text     # the customer's own new words: what triage, drafts, similar search and the RCA read
    p.headline     # the newest e-mail's Subject (RE:/FW:/[EXTERNAL] and the like stripped), or None
    p.headers      # [Header(name, value)] of every mail header block, canonical names (From, Sent, To, Cc, Subject…)
    p.quoted       # quoted replies, "On … wrote:" blocks, "-----Original Message-----" threads (text, kept)
    p.forwarded    # True when the customer's words include a forwarded message's body
    p.signature    # sign-off, signature block, "Sent from my iPhone" (text, kept)
    p.disclaimer   # legal disclaimers and "this e-mail originated outside" banners (text, kept)
    p.parts        # every piece that is not new text, in order: Part(kind, text), kind in KINDS
    p.sender       # the name in the newest (or the forwarded) message's From: header, if any
    p.earlier      # the own words of each quoted message (a reply's thread), newest first
    p.triage_text  # new_text, plus `earlier` when the new words are a thin reply ("Still broken.")
    customer_words(text) == parse(text).triage_text   (cached: the same complaint is read by several steps)

Nothing is thrown away: the complaint is stored as pasted; `parse` only says which lines are whose.
It never returns an empty `new_text` for a text with words in it: when everything looks pasted (a
bare forward, a reply with nothing above the quote), the innermost message's own words stand in.

Recognised, in English and the common localised forms (German, French, Spanish, Dutch, Italian,
Portuguese, Scandinavian, Polish): header blocks (From/Sent/Date/To/Cc/Subject: Von/Gesendet/An/
Betreff, De/Envoyé/À/Objet, De/Enviado/Para/Asunto, Van/Verzonden/Aan/Onderwerp, …, also
**bold** as Outlook pastes them), `>` quoting, reply attributions ("On … wrote:", "Am … schrieb …:",
"Le … a écrit :", "El … escribió:", "Op … schreef …:"), "-----Original Message-----" and its
translations, forwarded-message markers (Gmail, Apple Mail, Thunderbird, Outlook's rule line),
the "-- " signature delimiter, sign-offs ("Best regards", "Mit freundlichen Grüßen", "Cordialement",
"Saludos", "Met vriendelijke groet" …) followed by a short block, device footers ("Sent from my
iPhone", "Von meinem iPhone gesendet", "Get Outlook for iOS"), and confidentiality disclaimers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

KINDS = ("header", "quoted", "forwarded", "signature", "disclaimer")

# --- mail headers -------------------------------------------------------------------------------
_HEADER_NAMES = {
    "From": "from|von|de|van|da|från|fra|od|remetente|absender",
    "Sent": "sent|gesendet|envoyé|envoye|enviado el|enviado|enviada|verzonden|inviato|skickat|sendt|wysłano|verstuurd",
    "Date": "date|datum|fecha|data",
    "To": "to|an|à|a|para|aan|til|till|do|destinatario|destinataire|empfänger",
    "Cc": "cc|kopie|copie|cópia|kopia",
    "Bcc": "bcc",
    "Subject": "subject|betreff|objet|asunto|onderwerp|oggetto|assunto|ämne|emne|temat|sujet",
    "Reply-To": "reply-to|antwort an|répondre à",
    "Importance": "importance|wichtigkeit|priorité|importancia|urgentie",
    "Attachments": "attachments?|anlagen?|pièces jointes|adjuntos|bijlagen",
}
_HEADER = re.compile(
    r"^[ \t]*(?:\*\*|\*)?(?P<name>" + "|".join(f"(?P<{k.replace('-', '_')}>{v})" for k, v in _HEADER_NAMES.items())
    + r")(?:\*\*|\*)?[ \t]*:[ \t]*(?:\*\*)?[ \t]*(?P<value>.*?)[ \t]*$",
    re.IGNORECASE,
)
# A header line's name must be followed by something header-like: an address, a date or a subject. The
# loose names ("a", "de", "an", "to") alone would catch prose such as "To: whoever reads this".
_ADDRESS_LIKE = re.compile(r"@|<[^>]*>|;|^\S+(?:\s+\S+){0,4}$")

# --- where a quoted or forwarded message starts -----------------------------------------------------
_SEPARATOR = re.compile(
    r"^[ \t]*-{2,}[ \t]*(?:original message|ursprüngliche nachricht|message d'origine|mensaje original|"
    r"oorspronkelijk bericht|messaggio originale|mensagem original|originalmeddelande|opprinnelig melding|"
    r"oprindelig meddelelse|wiadomość oryginalna)[ \t]*-{2,}[ \t]*$",
    re.IGNORECASE,
)
_FORWARD = re.compile(
    r"^[ \t]*(?:-{2,}[ \t]*)?(?:forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado|"
    r"doorgestuurd bericht|messaggio inoltrato|mensagem encaminhada|vidarebefordrat meddelande|videresendt melding|"
    r"begin forwarded message|anfang der weitergeleiteten nachricht|début du message réexpédié|début du message transféré|"
    r"inicio del mensaje reenviado|begin doorgestuurd bericht)[ \t]*:?[ \t]*(?:-{2,})?[ \t]*$",
    re.IGNORECASE,
)
# Cheap test first: every marker has a colon early, a run of dashes or underscores, or says "forward".
_MAYBE_MARKER = re.compile(r":|--|__|forward|weitergeleitet|transféré|reenviado|doorgestuurd|inoltrato|encaminhada|vidarebefordrat|videresendt", re.IGNORECASE)
_RULE = re.compile(r"^[ \t]*_{10,}[ \t]*$")  # Outlook's line above the quoted message's headers
# "On Mon, 30 Nov 2026 at 09:14, Jane Doe <jane@x.com> wrote:" and its translations; Gmail wraps it over
# two lines, so the pattern is tried on a line joined with the next one.
_ATTRIBUTION = re.compile(
    r"^[ \t]*(?:"
    r"on\b.{4,200}\bwrote|"
    r"am\b.{4,200}\bschrieb\b.{0,200}|"
    r"le\b.{4,200}\ba écrit|"
    r"el\b.{4,200}\bescribió|"
    r"op\b.{4,200}\bschreef\b.{0,200}|"
    r"il giorno\b.{4,200}\bha scritto|"
    r"em\b.{4,200}\bescreveu|"
    r"den\b.{4,200}\bskrev\b.{0,200}|"
    r"[^>\s].{0,120}\b(?:wrote|schrieb|a écrit|escribió|schreef|ha scritto|escreveu|skrev)"
    r")[ \t]*:[ \t]*$",
    re.IGNORECASE,
)
_QUOTE_LINE = re.compile(r"^[ \t]*>")
_CODE_MARK = re.compile(r"\{(?:code|noformat|quote)\b|```|<<<|[{};$=\\]|^\s*at [\w.$]+\(")
# "> select * from t;", ">>> import os", "> yarn jar …": a shell or SQL prompt pasted in a bug report, not a quote.
_CODE_PROMPT = re.compile(
    r"^[ \t]*>>>|^[ \t]*>[ \t]*(?:select|create|insert|update|delete|drop|alter|from|where|join|set|show|describe|"
    r"use|with|group|order|union|\(|\)|`|java|yarn|hadoop|hive|python|bin/|\./|sudo|cd|ls|cat|git|mvn|npm|pip|curl)\b"
    r"|[;{}]\s*$|^[ \t]*>[ \t]*[\d.]+[ \t]*$",
    re.IGNORECASE,
)

# --- signatures, footers, disclaimers ---------------------------------------------------------------
_SIG_DELIMITER = re.compile(r"^(?:-- ?|—|__)$")
_SIGN_OFF = re.compile(
    r"^[ \t]*(?:(?:best|kind|warm|warmest|many|with kind|with best)\s+(?:regards|wishes)|regards|best|cheers|"
    r"thanks(?: (?:again|in advance|so much|a lot))?|thank you(?: (?:again|in advance|so much))?|many thanks|"
    r"sincerely|yours sincerely|yours faithfully|yours truly|respectfully|all the best|speak soon|"
    r"mit freundlichen grüßen|mit freundlichen grüssen|freundliche grüße|viele grüße|beste grüße|liebe grüße|"
    r"gruß|grüße|mfg|vg|lg|danke|vielen dank|"
    r"cordialement|bien cordialement|bien à vous|salutations|meilleures salutations|merci|merci d'avance|"
    r"saludos|saludos cordiales|un saludo|atentamente|gracias|muchas gracias|"
    r"met vriendelijke groet(?:en)?|vriendelijke groet(?:en)?|groeten|groet|bedankt|alvast bedankt|"
    r"cordiali saluti|distinti saluti|saluti|grazie|atenciosamente|obrigad[oa]|med vänliga hälsningar|"
    r"vänliga hälsningar|med venlig hilsen|venlig hilsen|med vennlig hilsen|pozdrawiam|z poważaniem|br|kr|rgds|thx)"
    r"[ \t]*[,.!]*(?-i:(?:[ \t]+(?P<signed>(?:[A-Z][\w.'-]*|X{2,})(?:[ \t]+(?:[A-Z][\w.'-]*|X{2,})){0,3}))?)[ \t]*[,.!]?[ \t]*$",
    re.IGNORECASE,
)
_DEVICE = re.compile(
    r"^[ \t]*(?:sent from (?:my |the )?[\w .'-]{2,40}|sent via [\w .'-]{2,40}|get outlook for \w+|"
    r"von meinem [\w .'-]{2,40} gesendet|gesendet von (?:meinem )?[\w .'-]{2,40}|envoyé de mon [\w .'-]{2,40}|"
    r"envoyé depuis mon [\w .'-]{2,40}|enviado desde mi [\w .'-]{2,40}|verzonden (?:vanaf|met) mijn [\w .'-]{2,40}|"
    r"inviato da(?:l mio)? [\w .'-]{2,40}|enviado do meu [\w .'-]{2,40}|skickat från min [\w .'-]{2,40}|"
    r"wysłane z (?:mojego )?[\w .'-]{2,40})[ \t]*\.?[ \t]*$",
    re.IGNORECASE,
)
_DISCLAIMER = re.compile(
    r"^[ \t]*(?:\*+[ \t]*)?(?:\[?(?:external|extern|externe|externo)\]?[ \t]*[:\-]?[ \t]*)?(?:"
    r"confidential(?:ity)?(?: notice| note| statement)?\s*[:\-]|disclaimer\s*[:\-]|privileged (?:and|&) confidential|"
    r"this (?:e-?mail|message|communication)(?: and any (?:files|attachments)[\w ]*?)?(?: \([^)]*\))?\s+(?:(?:is|are) (?:strictly )?"
    r"(?:confidential|privileged|intended|for the (?:sole|exclusive))|(?:may contain|contains) (?:confidential|privileged|proprietary)|"
    r"originated (?:from )?outside)|the information (?:contained )?in this (?:e-?mail|message|communication) (?:is|may)|"
    r"if you (?:are not|have received this) (?:the intended recipient|(?:e-?mail|message) in error)|"
    r"caution\s*:\s*this (?:e-?mail|message) originated|warning\s*:\s*this (?:e-?mail|message) (?:originated|came from)|"
    r"please consider the environment before printing|"
    r"diese (?:e-?mail|nachricht) (?:enthält|kann|ist)|vertraulichkeitshinweis|"
    r"ce (?:message|courriel|e-?mail)(?: et (?:toutes )?(?:les |ses )?pièces jointes)? (?:est|sont|peut|contient)|avis de confidentialité|"
    r"este (?:mensaje|correo)(?: electrónico)? (?:y sus (?:anexos|archivos adjuntos|adjuntos) )?(?:es|contiene|puede|va dirigido|van dirigidos|se dirige)|aviso de confidencialidad|"
    r"(?:aviso|nota|advertencia) legal\s*[:\-]|rechtlicher hinweis\s*[:\-]|avertissement\s*[:\-]|(?:juridische )?disclaimer\s*[:\-]|"
    r"dit (?:e-?mail|bericht) (?:is|kan|bevat) (?:vertrouwelijk|uitsluitend))",
    re.IGNORECASE,
)
# Lines a signature block is made of: short, and often contact details.
_CONTACT = re.compile(r"@|https?://|www\.|\+?\d[\d ()./-]{6,}\d|\b(?:tel|phone|mobile|mob|cell|fax|t|m|e|p)\s*[:.]\s*\S|\|", re.IGNORECASE)
_SUBJECT_PREFIX = re.compile(
    r"^(?:\s*(?:re|aw|sv|vs|antw|antwort|réf|rif|r|fw|fwd|wg|tr|rv|enc|doorst|vs|ynt|odp|pd|i)\s*(?:\[\d+\])?\s*:\s*"
    r"|\s*\[(?:ext|external|extern|externe|externo|caution|spam|suspected spam)\]\s*"
    r"|\s*(?:external|extern)\s*:\s*)+",
    re.IGNORECASE,
)
_FORWARD_SUBJECT = re.compile(r"^\s*(?:fw|fwd|wg|tr|rv|enc|doorst|i|pd)\s*:", re.IGNORECASE)
MAX_SIGNATURE_LINES = 10
THIN_REPLY_WORDS = 12  # fewer new words than this, and the quoted thread is read too
_NAME_WORD = r"(?:[A-Z][a-zà-ÿ'’-]+|[A-Z]\.|[A-Z]{2,3})"
_NAME_LINE = re.compile(r"^[ \t]*(?:(?:Dr|Mr|Mrs|Ms|Prof)\.?[ \t]+)?" + _NAME_WORD
                        + r"(?:[ \t]+(?:" + _NAME_WORD + r"|de|van|von|der|den|la|le|da|di)){0,3}[ \t]*$")


@dataclass(frozen=True)
class Header:
    name: str   # canonical: From, Sent, Date, To, Cc, Bcc, Subject, Reply-To, Importance, Attachments
    value: str
    label: str  # as written: "Betreff", "**From**"


@dataclass(frozen=True)
class Part:
    kind: str   # one of KINDS
    text: str


@dataclass(frozen=True)
class ParsedComplaint:
    original: str
    new_text: str
    headline: str | None = None
    headers: tuple[Header, ...] = ()
    parts: tuple[Part, ...] = ()
    forwarded: bool = False
    subjects: tuple[str, ...] = field(default=())
    sender: str | None = None
    earlier: tuple[str, ...] = ()  # the own words of each quoted message, newest first

    @cached_property
    def triage_text(self) -> str:
        """What triage, drafts and search read: the new words, after the e-mail's subject when it says
        something they do not ("URGENT - all card payments failing since 08:00" above "see subject"), and,
        when those are a thin reply ("Still broken.", "Any update?"), the words of the quoted messages
        below them, which say what is broken."""
        own, head = self.new_text, _REFERENCE_FIRST.sub("", self.headline or "")
        if _telling(head, own):
            own = f"{head}\n\n{own}"
        if _words(self.new_text) >= THIN_REPLY_WORDS or not self.earlier:
            return own
        return "\n\n".join([own, *self.earlier]).strip()

    def _of(self, *kinds: str) -> str:
        return "\n\n".join(p.text for p in self.parts if p.kind in kinds)

    @property
    def quoted(self) -> str:
        return self._of("quoted", "forwarded")

    @property
    def signature(self) -> str:
        return self._of("signature")

    @property
    def disclaimer(self) -> str:
        return self._of("disclaimer")

    @property
    def is_plain(self) -> bool:
        """Nothing but the customer's words: no headers, quotes, signatures or disclaimers found."""
        return not self.parts


def _name_of(headers: list[Header] | tuple[Header, ...]) -> str | None:
    value = next((h.value for h in headers if h.name == "From"), None)
    if not value:
        return None
    name = re.sub(r"<[^>]*>|\[mailto:[^\]]*\]|\([^)]*@[^)]*\)", "", value).strip().strip('"\'').strip()
    return name or value.strip("<>") or None


_DAY_NAME = re.compile(r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?|wednesday|saturday|yesterday|today|"
                       r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|gestern|heute|lundi|mardi|mercredi|jeudi|"
                       r"vendredi|samedi|dimanche|hier|lunes|martes|miércoles|jueves|viernes|sábado|domingo|ayer|hoy|maandag|"
                       r"dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|gisteren|vandaag)\b[\s,.]*\S*.*$", re.IGNORECASE)


def _header(line: str) -> Header | None:
    m = _HEADER.match(line)
    if not m or not m.group("value"):
        return None
    name = next(k for k in _HEADER_NAMES if m.group(k.replace("-", "_")))
    value = m.group("value").strip("* \t")
    if name in ("From", "To", "Cc", "Bcc", "Reply-To") and not _ADDRESS_LIKE.search(value):
        return None
    if name in ("Sent", "Date") and not re.search(r"\d", value) and not _DAY_NAME.match(value):
        return None  # "Sent: Monday" is a date, "Date: to be agreed" is not
    return Header(name, value, m.group("name"))


def _header_block(lines: list[str], i: int) -> tuple[list[Header], int]:
    """The header lines starting at i (continuations folded in) and the index after them."""
    found: list[Header] = []
    j = i
    while j < len(lines):
        h = _header(lines[j])
        if h:
            found.append(h)
            j += 1
            continue
        if found and lines[j][:1] in (" ", "\t") and lines[j].strip() and found[-1].name in ("To", "Cc", "Bcc", "Subject"):
            last = found.pop()
            found.append(Header(last.name, f"{last.value} {lines[j].strip()}", last.label))
            j += 1
            continue
        break
    return found, j


def _is_block(headers: list[Header], *, top: bool) -> bool:
    names = {h.name for h in headers}
    if len(names) >= 2 and ("From" in names or "Subject" in names or ("To" in names and names & {"Sent", "Date"})):
        return True
    # a lone "Subject:" line opening the paste is the e-mail's subject
    return top and names == {"Subject"}


def _attribution(lines: list[str], i: int) -> int:
    """Lines taken by a reply attribution starting at i (0 when none); Gmail wraps it over two."""
    line = lines[i].strip()
    if not line or len(line) > 300:
        return 0
    if _ATTRIBUTION.match(line):
        return 1
    if i + 1 < len(lines) and re.match(r"^(?:on|am|le|el|op|il giorno|em|den)\b", line, re.IGNORECASE):
        joined = line + " " + lines[i + 1].strip()
        if _ATTRIBUTION.match(joined):
            return 2
    return 0


def _boundary(lines: list[str], start: int) -> tuple[int, str, int] | None:
    """Where the first quoted or forwarded message starts: (index, kind, lines of the marker)."""
    for i in range(start, len(lines)):
        line = lines[i]
        if not _MAYBE_MARKER.search(line[:60]) and not line.rstrip().endswith(":"):
            continue
        if _FORWARD.match(line):
            return i, "forwarded", 1
        if _SEPARATOR.match(line):
            return i, "quoted", 1
        if _RULE.match(line):
            k = i + 1
            while k < len(lines) and not lines[k].strip():
                k += 1
            headers, _ = _header_block(lines, k)
            if _is_block(headers, top=False):
                return i, _thread_kind(headers), 1
            continue
        n = _attribution(lines, i)
        if n:
            return i, "quoted", n
        headers, _ = _header_block(lines, i)
        if _is_block(headers, top=False) and i > start:
            return i, _thread_kind(headers), 0
    return None


def _thread_kind(headers: list[Header]) -> str:
    subject = next((h.value for h in headers if h.name == "Subject"), "")
    return "forwarded" if _FORWARD_SUBJECT.match(subject) else "quoted"


def clean_subject(subject: str) -> str:
    """'RE: FW: [EXTERNAL] Outage' -> 'Outage'."""
    return " ".join(_SUBJECT_PREFIX.sub("", subject).split())


def _trim(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n").rstrip()


def _split_tail(lines: list[str]) -> tuple[list[str], list[Part]]:
    """The customer's lines, and the signature / footer / disclaimer pieces cut from their end."""
    parts: list[Part] = []
    body = list(lines)
    # A disclaimer paragraph runs to the end of the message; a banner at the very top is only its paragraph.
    for i, line in enumerate(body):
        if _DISCLAIMER.match(line):
            prose_before = any(x.strip() for x in body[:i])
            end = len(body) if prose_before else next((k for k in range(i, len(body)) if not body[k].strip()), len(body))
            parts.append(Part("disclaimer", _trim(body[i:end])))
            body = body[:i] + body[end:]
            break
    kept = []
    for line in body:
        if _DEVICE.match(line):
            parts.append(Part("signature", line.strip()))
        else:
            kept.append(line)
    body = kept
    cut = None
    for i in range(len(body) - 1, -1, -1):
        if _SIG_DELIMITER.match(body[i]) or _SIGN_OFF.match(body[i]):
            if _short_block(body[i + 1:]) and any(x.strip() for x in body[:i]):
                cut = i
            break
    if cut is None:
        cut = _contact_block(body)
    if cut is not None and cut < len(body):
        signature = _trim(body[cut:])
        if signature:
            parts.insert(0, Part("signature", signature))
        body = body[:cut]
    return body, parts


def _short_block(lines: list[str]) -> bool:
    rest = [x for x in lines if x.strip()]
    return len(rest) <= MAX_SIGNATURE_LINES and all(len(x.strip()) <= 80 and not _CODE_MARK.search(x) for x in rest)


def _contact_block(body: list[str]) -> int | None:
    """A trailing block of short lines after a blank line, mostly contact details: a signature without a sign-off."""
    end = len(body)
    while end and not body[end - 1].strip():
        end -= 1
    start = end
    while start and body[start - 1].strip():
        start -= 1
    block = body[start:end]
    if not block or start == 0 or len(block) > MAX_SIGNATURE_LINES or any(len(x.strip()) > 80 for x in block):
        return None
    contact = sum(1 for x in block if _CONTACT.search(x))
    if any(_CODE_MARK.search(x) for x in block):
        return None
    # (the name may lead a line of its own parts: "Maria Lopez | Head of Ops | Acme Corp", "Tom Reed, CFO")
    name, *rest = re.split(r"\s*[|,/·•]\s*|\s+[-–—]\s+", block[0].strip(), maxsplit=1)
    name = name if not rest or len(name.split()) >= 2 else block[0]  # a first and last name, not "Payroll | Finance …"
    if _NAME_LINE.match(name) and (contact or (len(block) <= 2 and all(_NAME_LINE.match(x) for x in block))) and len(block) <= 6:
        return start  # "Jordan", "Mark Ellis", "Dr. Helen Ortiz / Clinic / +1 555…": a name under the message
    return None


def _prose(block: list[str]) -> bool:
    """Quoted lines that read as a message, not as a pasted terminal: words, sentence punctuation, no code."""
    text = " ".join(x.lstrip(" \t>") for x in block).strip()
    chars = [c for c in text if not c.isspace()]
    return bool(chars) and sum(c.isalpha() for c in chars) >= 0.8 * len(chars) and bool(re.search(r"[a-z][.?!]", text))


_REFERENCE = re.compile(r"^\W*(?:case|ticket|ref(?:erence)?|incident|request|sr|inc|order|invoice)?\W*[\w-]*\d[\w-]*\W*$", re.IGNORECASE)


# "Ticket 4471 - our admin account signed in from Russia": the reference is no part of what happened
_REFERENCE_FIRST = re.compile(r"^(?:case|ticket|ref(?:erence)?|incident|request|sr|inc)\s*[#:]?\s*[\w-]*\d[\w-]*\s*[-–—:|]\s+", re.IGNORECASE)


def _telling(headline: str | None, text: str) -> bool:
    """A subject worth reading with the words below it: three words or more, more than a case number,
    and not already said there (a paste whose subject is its only text, or a body repeating it)."""
    if not headline or len(re.findall(r"[^\W\d_]+", headline)) < 3 or _REFERENCE.match(headline):
        return False
    letters = lambda t: re.sub(r"[\W_]+", "", t.lower())  # noqa: E731
    return letters(headline) not in letters(text)


def _words(text: str) -> int:
    return len(re.findall(r"[^\W_]+", text))  # letters and digits: "_" or "___" alone is no word


# A cover note that only points at what follows ("FYI", "see below", "please see the e-mail below").
_POINTER = re.compile(
    r"^\W*(?:(?:hi|hello|hey|dear)\b[^\n]{0,30}\n+)?\W*(?:fyi|fwiw|see (?:below|attached|the (?:e-?mail|message|thread) below)|"
    r"please see (?:below|the (?:e-?mail|message|thread) below)|forwarding (?:this|the below)|as discussed|"
    r"siehe unten|voir ci-dessous|ver abajo|zie hieronder|see thread)\b[^\n]{0,60}\W*$",
    re.IGNORECASE,
)


def parse(text: str, *, _depth: int = 0) -> ParsedComplaint:
    """Split pasted text into the customer's new words and the rest (see the module docstring)."""
    original = text
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    parts: list[Part] = []
    headers: list[Header] = []
    subjects: list[str] = []
    sender = None
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    # A banner above the headers ("CAUTION: This email originated from outside…") is a disclaimer.
    while i < len(lines) and _DISCLAIMER.match(lines[i]):
        end = next((k for k in range(i, len(lines)) if not lines[k].strip()), len(lines))
        parts.append(Part("disclaimer", _trim(lines[i:end])))
        i = end
        while i < len(lines) and not lines[i].strip():
            i += 1
    top, after = _header_block(lines, i)
    if top and _is_block(top, top=True):
        headers.extend(top)
        parts.append(Part("header", _trim(lines[i:after])))
        subjects.extend(h.value for h in top if h.name == "Subject")
        sender = _name_of(top)
        i = after
    boundary = _boundary(lines, i)
    own = lines[i: boundary[0]] if boundary else lines[i:]
    thread = lines[boundary[0]:] if boundary else []
    # ">" lines above the boundary (bottom-posting, inline quotes) are quoted too.
    mine, quoted_lines = [], []
    k = 0
    while k < len(own):
        if not _QUOTE_LINE.match(own[k]):
            mine.append(own[k])
            k += 1
            continue
        end = k
        while end < len(own) and _QUOTE_LINE.match(own[end]):
            end += 1
        block = own[k:end]
        code = any(_CODE_PROMPT.search(x) or _CODE_MARK.search(x.lstrip(" \t>")) for x in block)
        (quoted_lines if not code and (boundary or headers or _depth or _prose(block)) else mine).extend(block)
        k = end
    earlier: list[str] = []
    if quoted_lines:
        parts.append(Part("quoted", _trim(quoted_lines)))
        if _depth < 8:
            inner_quote = parse("\n".join(re.sub(r"^[ \t]*>[ \t]?", "", x) for x in quoted_lines), _depth=_depth + 1)
            earlier += [t for t in (inner_quote.new_text, *inner_quote.earlier) if _words(t)]
    body, tail = _split_tail(mine)
    parts.extend(tail)
    new_text = _trim(body)
    forwarded = False
    if boundary:
        index, kind, marker = boundary
        inner_text = "\n".join(lines[index + marker:])
        inner = parse(inner_text, _depth=_depth + 1) if _depth < 8 else ParsedComplaint(inner_text, inner_text.strip())
        headers.extend(inner.headers)
        # A forwarded message is what the customer hands us to read; a quoted reply is context, unless the
        # customer wrote nothing else (a reply pasted with its thread, a bare forward).
        if kind == "forwarded" or not _words(new_text) or _POINTER.match(new_text):
            forwarded = kind == "forwarded"
            # the message the customer hands us: its subject and sender stand in when the paste has none
            subjects.extend(inner.subjects)
            sender = sender or inner.sender
            if inner.new_text:
                new_text = (new_text + "\n\n" + inner.new_text).strip() if _words(new_text) and not _POINTER.match(new_text) else inner.new_text
            parts.append(Part(kind, _trim(lines[index:index + marker])) if marker else Part(kind, ""))
            parts.extend(p for p in inner.parts)
        else:
            parts.append(Part(kind, _trim(thread)))
            subjects.extend(inner.subjects)  # a thread's subject ("RE: Case 48812") is the last candidate
            earlier += [t for t in (inner.new_text,) if _words(t)]
        earlier += inner.earlier
    parts = [p for p in parts if p.text]
    new_text = re.sub(r"\n{3,}", "\n\n", new_text)
    headline = next((clean_subject(s) for s in subjects if clean_subject(s)), None)
    if not _words(new_text) and _words(original) and _depth == 0:
        # Everything looked pasted: the subject says what it is about; failing that, read all of it.
        rest = "\n".join(x for x in original.strip().splitlines() if not _header(x) and not _QUOTE_LINE.match(x)).strip()
        new_text = headline if headline and _words(headline) else rest if _words(rest) else original.strip()
    return ParsedComplaint(
        original=original, new_text=new_text, headline=headline, headers=tuple(headers), parts=tuple(parts),
        forwarded=forwarded, subjects=tuple(subjects), sender=sender, earlier=tuple(earlier),
    )


@lru_cache(maxsize=256)
def parsed(text: str) -> ParsedComplaint:
    """parse(text), cached: triage, drafts, similar search and show read the same complaint."""
    return parse(text)


def customer_words(text: str) -> str:
    """What the customer newly wrote: what every judgement and draft reads."""
    return parsed(text).triage_text if text else text
