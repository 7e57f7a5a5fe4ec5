"""A pattern searched only around its literals finds exactly what a search of the whole text finds."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent import literals, signals, windows


def spans(pattern: re.Pattern, text: str, finder: windows.Finder | None = None) -> list[tuple[int, int]]:
    places = (finder or windows.Finder([pattern])).read(text)
    assert places.knows(pattern)
    return [m.span() for m in places.finditer(pattern, text)]


def test_the_reach_counts_characters_and_unbounded_runs():
    assert literals.reach(re.compile(r"\bout\s+age\b")) == (6, 1, 0)
    assert literals.reach(re.compile(r"(?=abc)x\w+")) == (4, 0, 1)  # a look-ahead reads what it sees
    assert literals.reach(re.compile(r"(?<=abcdef)x")) == (1, 0, 0)  # a look-behind reads before the start
    assert literals.reach(re.compile(r"a{2,3}b")) == (4, 0, 0)
    assert literals.reach(re.compile(r"(?:ab|cdef)")) == (4, 0, 0)


def test_a_part_with_no_bound_has_no_reach():
    assert literals.reach(re.compile(r"(?:ab)+c")) is None  # a repeated group: no run bounds it
    assert literals.reach(re.compile(r"[^a]+")) is None  # may match whitespace and the rest
    assert literals.reach(re.compile(r"x.*y")) is None


def test_a_match_starting_at_its_literal_is_kept():
    assert spans(re.compile(r"\boutage\b"), "outage") == [(0, 6)]
    assert spans(re.compile(r"\boutage\b"), "a total outage") == [(8, 14)]


def test_a_match_far_before_its_literal_is_found_through_the_text_longest_runs():
    p = re.compile(r"\b\w+\s+outage\b")
    long_word = "x" * 300
    text = f"{long_word}{' ' * 40}outage and a database outage"
    assert literals.needed(p) == {"outage"}
    assert spans(p, text) == [m.span() for m in p.finditer(text)] == [(0, 346), (353, 368)]


def test_the_cut_at_a_window_end_never_makes_a_match():
    p = re.compile(r"\bdown(?=\s*$)")  # at a window's end "$" would hold: such a match starts past the last literal
    text = "down " + "filler " * 40 + "down again"
    assert [m.span() for m in p.finditer(text)] == []
    assert spans(p, text) == []


def test_a_look_behind_sees_before_the_window():
    p = re.compile(r"(?<!partial )outage\b")
    text = "filler " * 30 + "partial outage, and later a full outage"
    assert spans(p, text) == [m.span() for m in p.finditer(text)] == [(text.rindex("outage"), len(text))]


def test_a_match_that_starts_further_back_than_another_alternative_reaches_is_found():
    # "error" anchors both "\berrors?\b" (a short reach) and "get ... error" (a longer one): the window
    # must start where the longer reach puts it, whichever alternative's literal comes first
    p = signals.CRITERIA["major"][0]
    for text in ("when i try i get the following error: foo", "the client gets an amqp parsing error when"):
        assert spans(p, text, signals._finder()) == [m.span() for m in p.finditer(text)] != []


def test_an_alternative_missing_another_part_it_needs_gets_no_window():
    p = re.compile(r"\bcredit\s+freeze\b|\boutage\b")
    assert literals.plan(p)[0][:2] == (("credit",), (("freeze",),))
    text = "my credit card " + "and so on " * 20 + "an outage"  # "credit" at 3 without "freeze"; "outage" at 218
    places = windows.Finder([p]).read(text)
    reach = 6 + windows.MARGIN  # "outage": six characters, no runs
    assert places.windows(p, places.found[id(p)]) == [(218 - reach, len(text), 218)]  # none around "credit"


def test_a_sentence_with_an_alternative_anchor_but_not_the_rest_it_needs_lacks_the_pattern():
    p = re.compile(r"\bcredit\s+freeze\b|\boutage\b")
    text = "my credit card was declined. then the freeze came."  # "credit" in the first sentence, "freeze" in the next
    places = windows.Finder([p]).read(text)
    assert places.lacks(p, 0, 28)  # "credit" alone: its alternative needs "freeze" too
    assert not places.lacks(p, 0, len(text))  # both held: the pattern may match (it does not: the lack is a bound)
    end = text.index("freeze") + len("freeze")
    assert not places.lacks(p, 0, end)  # "freeze" ends right at the bound: whole within it
    assert places.lacks(p, 0, end - 1)  # one character short: not whole
    assert not windows.Finder([p]).read("an outage").lacks(p, 0, 9)  # an alternative that needs nothing else
    assert windows.Finder([p]).read("an outage").lacks(p, 0, 8)


def test_without_pyahocorasick_every_pattern_is_searched_whole(monkeypatch):
    monkeypatch.setattr(windows, "ahocorasick", None)
    p = re.compile(r"\boutage\b")
    assert not windows.Finder([p]).read("an outage").knows(p)


def test_a_case_blind_pattern_is_searched_whole():
    p = re.compile(r"\boutage\b", re.IGNORECASE)
    assert not windows.Finder([p]).read("an outage").knows(p)


def test_the_cue_patterns_are_nearly_all_narrowed():
    finder = signals._finder()
    assert finder.automaton is not None
    assert len(finder.reaches) >= 25  # every cue pattern with literals; type_technical and public have none


FINDER = signals._finder()
RULES = [p for p in FINDER._patterns if id(p) in FINDER.reaches]
WORDS = sorted({w for p in RULES for w in literals.needed(p)} | {"the", "site", "is", "not", "our", "we", "all", "users"}
               | {"an", "following", "amqp", "parsing", "outofmemory", "client", "i", "get", "got", "gets", "x" * 14})
MATCHES = [st.from_regex(p) for p in RULES]  # built once: building one parses the whole pattern
GAPS = st.sampled_from([" ", " ", " ", "  ", "\n", ". ", ", ", " " * 30, "\n\n", " - ", "!! "])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), GAPS), max_size=40), st.sampled_from(range(len(RULES))),
       st.integers(0, 3))
def test_no_match_is_ever_lost_or_added(parts, which, filler):
    pattern = RULES[which]
    body, padding = "".join(w + gap for w, gap in parts), "lorem ipsum " * 20 * filler
    text = padding + body + padding + body  # far-apart literals: more than one window
    assert [m.span() for m in FINDER.read(text).finditer(pattern, text)] == [m.span() for m in pattern.finditer(text)]


@pytest.mark.parametrize("which", range(len(RULES)))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_a_text_made_from_the_pattern_itself_is_matched_alike(which, data):
    """Strings the pattern matches (hypothesis builds them from the regex), far apart in filler: matches that
    start well before their literals, runs of odd whitespace, several alternatives sharing one literal. (A
    merge that kept the first window's start when a later alternative reached further back failed 1.5 % of
    these for the `major` pattern.)"""
    pattern = RULES[which]
    parts = data.draw(st.lists(MATCHES[which], min_size=1, max_size=3))
    filler = data.draw(st.sampled_from(["", " ", " lorem ipsum dolor " * 8, "\n\n"]))
    text = filler.join(parts)
    assert [m.span() for m in FINDER.read(text).finditer(pattern, text)] == [m.span() for m in pattern.finditer(text)]


@pytest.mark.parametrize("text", [
    "Since 9am none of our 400 agents can log in: the whole site is down and payroll is due today.",
    "Someone logged into my account from another country and changed the password; my savings are gone.",
    "The dashboard shows another customer's invoices and bank details. " * 20,
])
def test_the_cues_of_a_complaint_are_those_of_a_whole_search(text, monkeypatch):
    narrowed = signals.Signals.read(text).cues
    monkeypatch.setattr(windows, "ahocorasick", None)
    monkeypatch.setattr(signals, "_FINDER", None)
    assert signals.Signals.read(text).cues == narrowed


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), GAPS), max_size=40), st.sampled_from(range(len(RULES))),
       st.integers(0, 400), st.integers(0, 400))
def test_a_range_said_to_lack_a_pattern_holds_no_match_of_it(parts, which, lo, size):
    pattern = RULES[which]
    text = "".join(w + gap for w, gap in parts)
    lo = min(lo, len(text))
    hi = min(lo + size, len(text))
    if FINDER.read(text).lacks(pattern, lo, hi):
        assert list(pattern.finditer(text, lo, hi)) == []


@pytest.mark.parametrize("which", range(len(RULES)))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_a_range_holding_a_match_of_the_pattern_is_never_said_to_lack_it(which, data):
    pattern = RULES[which]
    text = data.draw(st.sampled_from(["", " ", ". ", " lorem. "])).join(data.draw(st.lists(MATCHES[which], min_size=1, max_size=3)))
    places = FINDER.read(text)
    for m in pattern.finditer(text):
        assert not places.lacks(pattern, m.start(), m.end()), (pattern.pattern[:60], text, m.span())
        assert not places.lacks(pattern, 0, len(text))
