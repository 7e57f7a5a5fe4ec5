"""Injection: what a complaint may smuggle into a reply through a model that obeyed it.

Shared by lint (which finds and cuts it in drafts) and the Claude engine (which replaces a triage
summary that carries it): system prompt text, instructions to a model, promises nobody approved,
links. The claims a complaint makes about its own severity are agent/claims.py's.
"""

from __future__ import annotations

import re
from functools import lru_cache

INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.\n]{0,30}?\b(?:instructions?|rules|policy|prompts?|guidelines)\b|"
    r"\b(?:system|developer|assistant)\s+(?:prompt|instructions?|override|mode|message)\b|developer mode|"
    r"^\W*(?:system|assistant|developer)\s*:|"
    r"\b(?:note|message|instructions?|p\.?s\.?)\s+(?:to|for)\s+(?:the\s+)?(?:ai|bot|assistant|model|llm|support ai)\b|"
    r"\b(?:dear|hey)\s+(?:ai|bot|assistant|model)\b|\byou are now\b|"
    r"\b(?:reveal|print|repeat|show|output|disclose)\b[^.\n]{0,40}?\b(?:system prompt|your (?:full )?(?:instructions|prompt|rules)|hard rules|instructions verbatim)\b|"
    r"\b(?:classify|rate|mark|record|close|triage|label)\b[^.\n]{0,40}?\b(?:(?:as|at|to)\s+(?:a\s+)?|severity\s+)?SEV-?\s?[1-4]\b|"
    r"\b(?:set|change|lower|downgrade|reduce)\s+(?:the\s+|its\s+)?severity\s+to\b|\bseverity\s*=\s*SEV|\bSEV-?[1-4],?\s+please\b|"
    r"\bthis is (?:just |only )?(?:a )?SEV-?[1-4]\b|\b(?:new|updated)\s+(?:instructions?|rules|skeleton|policy)\s*:|\bpolicy update\b|"
    r"[<\uff1c\u2039]\s*[/\uff0f]?\s*(?:complaint|skeleton|facts)\b|\b(?:record_triage|write_draft)\b",
    re.IGNORECASE | re.MULTILINE,
)
# Commitments only a person with authority makes: refunds, free service, guarantees, discounts,
# waived fees. (Service credits are capped by credit_within_policy instead.)
PROMISE = re.compile(
    r"\b(?:we|i)(?:'ll|\u2019ll|\s+will|\s+shall|\s+are going to|\s+am going to|\s+can|\s+promise to|\s+guarantee to|\s+have decided to)"
    r"\s+(?:\w+\s+){0,2}?(?:refund|reimburse|compensate|waive)\b|"
    r"\b(?:full|complete|total|100\s?%)\s+refund\b|\brefund(?:ed)?\s+(?:you\s+)?in full\b|"
    r"\b(?:as|by way of|in lieu of)\s+(?:an?\s+)?(?:full\s+|partial\s+)?refund\b|"
    r"\b(?:give|offer|issue|send|pay|owe|process)\s+(?:you\s+)?(?:an?\s+)?(?:full\s+|partial\s+|prompt\s+)?refund\b|"
    r"\bfree(?:\s+of\s+charge)?\s+(?:for|during)\s+(?:a|one|two|three|four|five|six|\d+|the next|the rest of|an entire|a whole|a full|life|ever)\b|"
    r"\bfree\s+(?:service|access|usage|subscription|licen[cs]es?|seats?|plan)\s+(?:for|until)\b|"
    r"\bfree\s+forever\b|\blifetime\s+(?:free|discount|access|subscription|licen[cs]e|deal)\b|"
    r"\b(?:we|i)\s+(?:can\s+|hereby\s+)?guarantee\b|\bguaranteed?\s+(?:\d+\s?%\s+)?(?:uptime|refund|compensation|availability|payout)\b|"
    r"\b\d{1,3}\s?%\s+(?:discount|off)\b|"
    r"\b(?:waive|cancel)\s+(?:all|every|any|your|the)\s+(?:\w+\s+)?(?:fees?|invoices?|charges?|bills?|payments?)\b",
    re.IGNORECASE,
)
INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")
SYSTEM_PROMPTS = ("triage_system.j2", "draft_system.j2")


def _flat(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", INVISIBLE.sub("", text).casefold()).split())


@lru_cache(maxsize=1)
def _prompt_fragments() -> tuple[str, ...]:
    """Every static sentence of the system prompts (template syntax split out), flattened."""
    from .prompts import prompts_dir

    fragments = []
    for name in SYSTEM_PROMPTS:
        for line in (prompts_dir() / name).read_text(encoding="utf-8").splitlines():
            for piece in re.split(r"\{\{.*?\}\}|\{%.*?%\}", line):
                for sentence in re.split(r"(?<=[.;:!?])\s+", piece.strip().lstrip("-").strip()):
                    flat = _flat(sentence)
                    if len(flat) >= 24 and len(flat.split()) >= 4:
                        fragments.append(flat)
    return tuple(dict.fromkeys(fragments))


def system_prompt_lines(text: str) -> list[str]:
    """Lines of `text` that repeat a sentence of a system prompt."""
    fragments = _prompt_fragments()
    return [line for line in text.split("\n") if (flat := _flat(line)) and any(f in flat for f in fragments)]

_NUM = r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
CREDIT = re.compile(
    r"(?P<art>\b(?:an?|the)\s+)?(?:"
    r"\b(?P<n3>" + _NUM + r")\s+(?:full\s+)?months?\s+of\s+(?:free|complimentary)(?:\s+(?:service|subscription|usage|access))?\b|"
    r"\b(?P<n>" + _NUM + r"|an?)[- ](?:full[- ])?months?'?(?:\s+of)?(?:\s+(?:free|complimentary))?(?:\s+(?:service|account|subscription))?\s+(?:credits?|refund|"
    r"(?:free|complimentary)(?:\s+(?:of\s+)?(?:service|subscription|usage|access)\b(?:\s+credits?\b)?)?)\b|"
    r"\b(?P<n4>" + _NUM + r")\s+(?:free|complimentary)\s+months?(?:\s+of\s+(?:service|subscription|usage|access)\b)?\b|"
    r"\bcredit (?:of|for) (?P<n2>" + _NUM + r"|an?) (?:full )?months?\b|"
    r"\b(?P<year>a (?:full )?year|twelve months|12 months) (?:free|of free service|of credit)\b)",
    re.IGNORECASE,
)
# A link stops before trailing punctuation: "Visit https://x.example/a." keeps its full stop.
LINK = re.compile(r"\bhttps?://[^\s)>\]]*[^\s)>\].,;:!?'\"]|\bwww\.[^\s)>\]]*[^\s)>\].,;:!?'\"]", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?\n]*[.!?]+[ \t]*|[^.!?\n]+|\n")


def smuggled(text: str) -> list[str]:
    """The lint rules a model's free text (a triage summary) trips that no message may carry: system
    prompt text, an instruction to a model, an unapproved promise, a link."""
    rules = ["system_prompt_leak"] if system_prompt_lines(text) else []
    for sentence in _SENTENCE.finditer(text):
        probe = INVISIBLE.sub("", sentence.group(0))
        if INSTRUCTION.search(probe):
            rules.append("injected_instruction")
        elif PROMISE.search(probe) or CREDIT.search(probe):
            rules.append("unapproved_promise")
    if LINK.search(text):
        rules.append("unapproved_link")
    return list(dict.fromkeys(rules))
