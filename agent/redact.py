"""Personal data and secrets out of what goes to the API; the real values back in locally.

Before a complaint (or a draft's facts) leaves the machine, emails, phone numbers, Luhn-valid card
numbers, mod-97-valid IBANs, US social security numbers, UK national insurance numbers and
credential-looking strings become placeholders such as ⟦EMAIL_1⟧; so do the names the tool was
given (the customer's contact, our staff) as ⟦NAME_1⟧. The same value always gets the same
placeholder within one Redaction, so a model can still tell two addresses apart. Our own details
(`keep`: the support channel, the company's name) pass as they are, so a draft never offers the
customer a placeholder as our address. What the model answers is restored locally; a credential
is never written back into a draft. Applying a session twice changes nothing: its own
placeholders pass through (a re-ask quotes the model's answer back).

Standard library only: regular expressions plus the checksums that keep false positives down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

OPEN, CLOSE = "⟦", "⟧"
WITHHELD = "(credential withheld)"

# Credentials first: an API key may contain digits that look like a phone number.
_SECRETS = [
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)", re.DOTALL),
    re.compile(r"\bsk-(?:ant-)?[A-Za-z0-9_-]{16,}"),  # Anthropic, OpenAI
    re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\b"),  # Stripe
    re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),  # AWS access key id
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{22,}\b"),  # GitHub
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b"),  # Slack
    re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),  # Google API key
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),  # JWT
    # The token after "Bearer", the value after "password:" / "api_key=" / "password is".
    re.compile(r"(?i)\bbearer\s+(?P<value>[A-Za-z0-9._~+/-]{12,}=*)"),
    re.compile(
        r"(?i)\b(?:password|passwd|pwd|passcode|passphrase|secret|client[_ -]?secret|api[_ -]?key|access[_ -]?key|"
        r"access[_ -]?token|auth[_ -]?token|token)\s*[:=]\s*[\"']?(?P<value>[^\s\"',;]{4,})"
    ),
    re.compile(r"(?i)\b(?:my|our|the|new|old|temporary|temp)\s+(?:password|passcode|passphrase)\s+(?:is|was)\s+[\"']?(?P<value>[^\s\"',;]{4,}?)[\"']?(?=[\s,;]|[.!?](?:\s|$)|$)"),
]
_EMAIL = re.compile(r"(?<![\w.+%-])[\w.+%-]+@(?:[\w-]+\.)+[A-Za-z]{2,}\b")
_CARD = re.compile(r"(?<![\d+-])(?:\d[ -]?){12,18}\d(?![\d-])")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
_SSN = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}(?P<sep>[- ])(?!00)\d{2}(?P=sep)(?!0000)\d{4}(?![\d-])")
_NINO = re.compile(r"(?i)\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")
_PHONE = re.compile(r"(?<![\w+#/])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{2,5}(?:[ .-]\d{2,8}){1,4}(?![\w/])")
_DATE = re.compile(r"\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_PLACEHOLDER = re.compile(re.escape(OPEN) + r"([A-Z]+)_(\d+)" + re.escape(CLOSE))


def luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def iban_ok(candidate: str) -> bool:
    code = candidate.replace(" ", "").upper()
    if not 15 <= len(code) <= 34 or not code[:2].isalpha() or not code[2:4].isdigit():
        return False
    digits = "".join(str(int(ch, 36)) for ch in code[4:] + code[:4])
    return int(digits) % 97 == 1


def _phone_ok(candidate: str) -> bool:
    digits = sum(ch.isdigit() for ch in candidate)
    if not 7 <= digits <= 15 or _DATE.search(candidate) or _IPV4.search(candidate):
        return False
    groups = re.split(r"[ .()-]+", candidate.lstrip("+("))
    if all(set(g) <= {"0"} for g in groups[1:]):  # a round number: "10 000 000 rows"
        return False
    # A bare "12 34" or a version "4.2.10" is not a phone number: want a prefix, two separators,
    # or the US local form 555-0100.
    return candidate.startswith(("+", "(")) or len(re.findall(r"[ .-]", candidate)) >= 2 or bool(re.fullmatch(r"\d{3}-\d{4}", candidate))


@dataclass
class Redaction:
    """One redaction session: values ↔ placeholders, shared by every text sent in one request."""

    names: tuple[str, ...] = ()  # people's names given to the tool: the contact, staff
    keep: tuple[str, ...] = ()  # our own details, never replaced
    placeholders: dict[str, str] = field(default_factory=dict)  # placeholder → real value
    _by_value: dict[tuple[str, str], str] = field(default_factory=dict)
    _counts: dict[str, int] = field(default_factory=dict)

    def _token(self, kind: str, value: str) -> str:
        key = (kind, value)
        if key not in self._by_value:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            token = f"{OPEN}{kind}_{self._counts[kind]}{CLOSE}"
            self._by_value[key] = token
            self.placeholders[token] = value
        return self._by_value[key]

    def _sub(self, pattern: re.Pattern, kind: str, text: str, ok=None) -> str:
        def replace(m: re.Match) -> str:
            group = "value" if "value" in pattern.groupindex and m.group("value") else 0
            value = m.group(group)
            if value in self.keep or (ok is not None and not ok(value)):
                return m.group(0)
            token = self._token(kind, value)
            if group == 0:
                return token
            start, end = m.span(group)
            return m.group(0)[: start - m.start()] + token + m.group(0)[end - m.start():]

        return pattern.sub(replace, text)

    def _iban(self, candidate: str) -> str:
        """The longest prefix (ending at a group boundary) with a valid checksum; the pattern may
        have run on into the next upper-case word."""
        ends = [len(candidate)] + [i for i in range(len(candidate) - 1, 0, -1) if candidate[i] == " "]
        for end in ends:
            if iban_ok(candidate[:end]):
                return self._token("IBAN", candidate[:end]) + candidate[end:]
        return candidate

    def apply(self, text: str) -> str:
        """The text with every value this module recognises replaced by its placeholder."""
        if not text:
            return text
        # Text that already looks like a placeholder cannot be mistaken for one on the way back.
        text = text.replace(OPEN, "[").replace(CLOSE, "]")
        for pattern in _SECRETS:
            text = self._sub(pattern, "SECRET", text)
        text = self._sub(_EMAIL, "EMAIL", text)
        text = _IBAN.sub(lambda m: self._iban(m.group(0)), text)
        text = self._sub(_CARD, "CARD", text, lambda v: luhn(re.sub(r"\D", "", v)) and 13 <= len(re.sub(r"\D", "", v)) <= 19)
        text = self._sub(_SSN, "SSN", text)
        text = self._sub(_NINO, "NINO", text)
        text = self._sub(_PHONE, "PHONE", text, _phone_ok)
        for pattern in self._name_patterns():
            text = self._sub(pattern, "NAME", text)
        return text

    def _name_patterns(self) -> list[re.Pattern]:
        """Each given name whole, then each of its words of three letters or more ("Dana" of "Dana
        Whitfield" in a signature), capitalised as given; longest first so the full name wins."""
        whole = {n.strip() for n in self.names if n and len(n.strip()) >= 2}
        ours = {w for k in self.keep for w in re.findall(r"[\w'-]+", k)}  # "Account" of our team "Account Management"
        parts = {w for n in whole for w in re.findall(r"[^\W\d_][\w'-]{2,}", n) if w[0].isupper() and w not in ours}
        found = sorted((whole | parts) - set(self.keep), key=lambda n: (-len(n), n))  # deterministic numbering
        return [re.compile(rf"(?<![\w@.]){re.escape(n)}(?![\w@])") for n in found]

    def restore(self, text: str, *, withhold: tuple[str, ...] = ()) -> str:
        """Real values back in place of placeholders. Kinds in `withhold` (e.g. SECRET) are not
        written back; a placeholder this session never issued is left for lint to catch."""

        def put_back(m: re.Match) -> str:
            value = self.placeholders.get(m.group(0))
            if value is None:
                return "[redacted]"
            return WITHHELD if m.group(1) in withhold else value

        return _PLACEHOLDER.sub(put_back, text) if text and OPEN in text else text

    def restore_data(self, data: Any, *, withhold: tuple[str, ...] = ()) -> Any:
        """restore() on every string inside nested dicts and lists (a model's structured answer)."""
        if isinstance(data, str):
            return self.restore(data, withhold=withhold)
        if isinstance(data, list):
            return [self.restore_data(v, withhold=withhold) for v in data]
        if isinstance(data, dict):
            return {k: self.restore_data(v, withhold=withhold) for k, v in data.items()}
        return data

    def counts(self) -> dict[str, int]:
        return dict(self._counts)


def redact(text: str) -> tuple[str, Redaction]:
    """One-shot: the redacted text and the session that can restore it."""
    session = Redaction()
    return session.apply(text), session
