"""The literal gates: a pattern is skipped only for a text it cannot match."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from agent import cues, injection, lint, literals, signals


def test_a_pattern_needs_one_word_of_each_branch():
    assert literals.needed(re.compile(r"\b(?:outage|(?:is|are) down)\b")) == {"outage", "is down", "are down"}


def test_a_case_blind_pattern_is_tested_on_the_lowercased_text():
    p = re.compile(r"\bOutage\b", re.IGNORECASE)
    assert literals.needed(p) == {"outage"}
    assert literals.may_match(p, "a full OUTAGE since 9am")
    assert not literals.may_match(p, "a small typo on the invoice")


def test_an_optional_part_is_not_needed_but_the_words_around_it_are():
    p = re.compile(r"\bcolou?r\b")
    assert literals.needed(p) == {"color", "colour"}
    assert not literals.may_match(p, "the colr is off")


def test_a_branch_that_needs_nothing_sure_keeps_the_whole_pattern_searched():
    assert literals.needed(re.compile(r"\b(?:outage|\w+ed out)\b")) == {"outage", "ed out"}
    assert literals.needed(re.compile(r"\b(?:outage|\w+)\b")) is None
    assert literals.may_match(re.compile(r"\b(?:outage|\w+)\b"), "anything at all")


def test_words_shorter_than_three_letters_are_not_worth_a_test():
    assert literals.needed(re.compile(r"\bp[0-4]\b")) is None
    assert literals.needed(re.compile(r"\b(?:sev|p[0-4])\b")) is None
    assert literals.needed(re.compile(r"\bsev\b")) == {"sev"}


def test_a_repeated_part_is_needed_once():
    assert literals.needed(re.compile(r"(?:down)+ again")) == {" again"}  # the longest part it is sure to hold
    assert literals.needed(re.compile(r"(?:down)+ no")) == {"down"}
    assert not literals.may_match(re.compile(r"(?:down)+ no"), "up no more")


def test_a_character_that_matches_a_letter_case_blind_turns_the_test_off():
    p = re.compile(r"\bpassword\b", re.IGNORECASE)
    text = "someone reset my pa\u017fsword"  # LATIN SMALL LETTER LONG S matches "s" case-blind
    assert p.search(text)
    assert literals.may_match(p, text)


def test_a_pattern_that_names_an_accented_letter_case_blind_is_never_skipped_for_it():
    assert literals.needed(re.compile(r"\bstra\u00dfe\b", re.IGNORECASE)) is None  # ß: "ẞ" matches it case-blind
    assert literals.needed(re.compile(r"\banh\u00e4nge\b", re.IGNORECASE)) == {"anh\u00e4nge"}


RULES = [*[p for p, _ in signals.CRITERIA.values()], *cues.TYPE_CUES.values(), cues.REGULATORY_OBLIGATION,
         cues.LEGAL_THREAT, injection.INSTRUCTION, injection.PROMISE, injection.CREDIT, lint._BLAME_SENTENCE]
WORDS = sorted({w for p in RULES for w in (literals.needed(p) or ())} | {"the", "site", "is", "not", "our", "we", "."})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=12), st.sampled_from(range(len(RULES))), st.booleans())
def test_no_match_is_ever_lost(words, which, shout):
    pattern = RULES[which]
    text = " ".join(words)
    text = text.upper() if shout else text
    scanned = text if pattern.flags & re.IGNORECASE else text.lower()
    if pattern.search(scanned):
        assert literals.may_match(pattern, scanned, text.lower())


def test_most_rule_patterns_have_a_gate():
    gated = [p for p in RULES if literals.needed(p)]
    assert len(gated) >= len(RULES) // 2


def test_a_group_with_its_own_case_rule_is_never_used_for_a_gate():
    p = re.compile(r"\bsee (?i:OUTAGE)\b")
    assert literals.needed(p) == {"see "}  # the case-blind group gives nothing; the plain part still does
    assert p.search("see Outage") and literals.may_match(p, "see Outage")
    assert literals.needed(re.compile(r"(?i:OUTAGE)")) is None
