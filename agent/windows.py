"""A rule pattern searched only around the words it needs, with the same matches as a search of the whole text.

The cue patterns are long alternations that Python's matcher tries at every word boundary of a
complaint, and most of a complaint holds none of what a given pattern needs. Every match of a pattern
holds one of its literals (agent/literals.py), and one attempt reads at most `reach` characters from
where it starts (agent/literals.py: its longest match and what its look-aheads see, an unbounded `\\s+`
or `\\w+` counted as the text's longest run of such characters, plus a margin for `\\b`). So:

- a match holding a literal found at `o` starts no earlier than `o - reach`;
- an attempt starting at or before `o` reads nothing past `o + len(literal) + reach`;

and searching each window [first o - reach, last o + len + reach) (overlapping windows merged) and
keeping the matches that start by the window's last literal finds exactly what `finditer` over the
whole text finds, in the same order: the same attempts at the same places read the same characters.
A window's end cuts the text, which only changes attempts past its last literal, and those are
dropped; its start does not (`pos` keeps what lies before it visible to `\\b` and look-behinds).

The same places tell a search bounded to one sentence (agent/situations.py) that it cannot match
there (`lacks`): no alternative of the pattern has its anchor and one literal of each other set it
needs lying whole in the sentence.

The literals of every pattern are found in one pass over the text (Aho-Corasick, pyahocorasick). A
pattern without literals or without a reach, a case-blind one, or any pattern when pyahocorasick is
missing, is searched whole, as before.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator

from . import literals

try:
    import ahocorasick
except ImportError:  # pragma: no cover - a platform without its wheel: every pattern is searched whole
    ahocorasick = None

MARGIN = 4  # characters past the reach: `\b`, `$` and the matcher's look at the character after a run
WHOLE = 0.6  # windows covering more of the text than this: one search of the whole text is cheaper
_SPACE_RUN = re.compile(r"\s{2,}")


class Finder:
    """The literals of a fixed set of patterns, found together in one pass over a lower-cased text."""

    def __init__(self, patterns: Iterable[re.Pattern]):
        self.reaches: dict[int, tuple[int, int, int] | None] = {}  # the patterns read, by id: their whole reach
        self.plans: dict[int, tuple] = {}  # per alternative: (other literal sets it needs, its reach)
        owners: dict[str, list[tuple[int, int]]] = {}  # a literal → the (pattern, alternative) it anchors
        for pattern in patterns:
            if id(pattern) in self.reaches or not isinstance(pattern.pattern, str) or pattern.flags & literals.IGNORECASE:
                continue
            words = literals.needed(pattern)
            if not words:
                continue
            self.reaches[id(pattern)] = literals.reach(pattern)
            plan = literals.plan(pattern) if self.reaches[id(pattern)] is not None else None
            if plan:
                self.plans[id(pattern)] = tuple((tuple(frozenset(o) for o in others), reach) for _, others, reach in plan)
                for alt, (anchor, others, _) in enumerate(plan):
                    for word in anchor:
                        owners.setdefault(word, []).append((id(pattern), alt))
                    for other in others:
                        for word in other:
                            owners.setdefault(word, [])
            else:
                for word in words:
                    owners.setdefault(word, []).append((id(pattern), -1))
        self.automaton = None
        if ahocorasick is not None and owners:
            self.automaton = ahocorasick.Automaton()
            for word, who in owners.items():
                self.automaton.add_word(word, (word, len(word), tuple(who)))
            self.automaton.make_automaton()
        self._patterns = list(patterns)  # kept alive: the ids above are theirs

    def read(self, low: str) -> "Places":
        return Places(self, low)


class Places:
    """Where one text holds each pattern's literals, and the windows its search needs."""

    def __init__(self, finder: Finder, low: str):
        self.finder, self.low = finder, low
        self.found: dict[int, list[tuple[int, int, int]]] = {}  # pattern → (start, length, alternative)
        self.seen: set[str] = set()  # every literal the text holds
        self._runs: tuple[int, int] | None = None
        self._sorted: dict[int, bool] = {}
        if finder.automaton is not None:
            found, seen = self.found, self.seen
            for end, (word, length, who) in finder.automaton.iter(low):
                seen.add(word)
                for owner, alt in who:
                    found.setdefault(owner, []).append((end - length + 1, length, alt))

    def knows(self, pattern: re.Pattern) -> bool:
        """Whether `finditer` can narrow this pattern's search (its literals were looked for, it has a reach)."""
        return self.finder.automaton is not None and self.finder.reaches.get(id(pattern)) is not None

    def lacks(self, pattern: re.Pattern, lo: int, hi: int) -> bool:
        """True when `pattern.finditer(low, lo, hi)` finds nothing: no alternative of `pattern` has its anchor
        literal and one literal of each other set it needs lying whole within [lo, hi) (a match consumes
        every literal it holds, look-arounds add none, so they all lie in the match and the match in [lo, hi))."""
        if self.finder.automaton is None or id(pattern) not in self.finder.reaches:
            return False
        places = self.found.get(id(pattern))
        if not places:
            return True
        if not self._sorted.get(id(pattern)):
            places.sort()
            self._sorted[id(pattern)] = True
        plan = self.finder.plans.get(id(pattern))
        tried: set[int] = set()
        for start, length, alt in places[bisect_left(places, (lo, 0, -1)):]:
            if start >= hi:
                return True
            if start + length > hi or alt in tried:
                continue
            if alt < 0 or self._holds_each(plan[alt][0], lo, hi):
                return False
            tried.add(alt)
        return True

    def _holds_each(self, sets: tuple[frozenset[str], ...], lo: int, hi: int) -> bool:
        """Whether [lo, hi) holds, whole, one literal of each set."""
        low, seen = self.low, self.seen
        return all(any(low.find(word, lo, hi) >= 0 for word in words & seen) for words in sets)

    def finditer(self, pattern: re.Pattern, low: str) -> Iterator[re.Match]:
        """pattern.finditer(low), searching only where a match can be (`low` is the text this was read from)."""
        assert low is self.low and self.knows(pattern)
        places = self.found.get(id(pattern))
        if not places:
            return
        windows = self.windows(pattern, places)
        if windows is None:
            yield from pattern.finditer(low)
            return
        for lo, hi, last in windows:
            for m in pattern.finditer(low, lo, hi):
                if m.start() > last:
                    break
                yield m

    def windows(self, pattern: re.Pattern, places: list[tuple[int, int, int]]) -> list[tuple[int, int, int]] | None:
        """[(lo, hi, last literal's start)] in text order, or None when searching the whole text is cheaper.
        Each literal gets the reach of the alternative it anchors; an alternative missing one of the other
        literal sets it needs cannot match anywhere, and its literals get no window."""
        plan = self.finder.plans.get(id(pattern))
        reaches: dict[int, int] = {}
        spans = []
        for start, length, alt in places:
            reach = reaches.get(alt)
            if reach is None:
                if alt < 0:
                    reach = self._chars(self.finder.reaches[id(pattern)])
                else:
                    others, bound = plan[alt]
                    seen = self.seen
                    reach = self._chars(bound) if all(not other.isdisjoint(seen) for other in others) else -1
                reaches[alt] = reach
            if reach >= 0:
                spans.append((start - reach, start + length + reach, start))
        out: list[list[int]] = []
        for lo, hi, start in sorted(spans):  # by where each window starts: reaches differ, so not by the literal
            if out and lo <= out[-1][1]:
                out[-1][1] = max(out[-1][1], hi)
                out[-1][2] = max(out[-1][2], start)
            else:
                out.append([max(0, lo), hi, start])
        n = len(self.low)
        if sum(min(hi, n) - lo for lo, hi, _ in out) > WHOLE * n:
            return None
        return [(lo, min(hi, n), last) for lo, hi, last in out]

    def _chars(self, bound: tuple[int, int, int]) -> int:
        chars, spaces, others = bound
        if spaces or others:
            space_run, other_run = self.runs()
            chars += spaces * space_run + others * other_run
        return chars + MARGIN

    def runs(self) -> tuple[int, int]:
        """The text's longest run of whitespace and of other characters (str.isspace, as `\\s` reads it)."""
        if self._runs is None:
            low = self.low
            self._runs = (max(map(len, _SPACE_RUN.findall(low)), default=1), max(map(len, low.split()), default=0))
        return self._runs
