"""The words a pattern cannot match without: a cheap test that lets the rules skip a long regex.

The cue, claim and lint patterns are long alternations that start with `\\b`, so Python's matcher
tries every one of their branches at every position of a text; most texts hold none of what a given
pattern needs. `needed(pattern)` reads the parsed pattern for a set of literal strings of which every
match must contain one ("outage" | "down" | "unavailable" …: one per branch, the longest a branch is
sure to hold); `may_match` says False only when none of them is in the text, so skipping the search
then can never lose a match. A pattern with a branch that needs nothing sure (a bare `\\w+`, a short
character class) is never skipped.

Case-blind patterns are tested against the lower-cased text. The few characters that match an ASCII
letter case-blind but lower-case to something else ("ſ", "ı", "İ", the Kelvin and Ångström signs, "ẞ")
turn the test off for that text, and a literal with a letter outside ASCII and the common Latin-1
accents is not used.

`reach(pattern)` bounds how far one attempt of a pattern can read from where it starts (its longest
match plus what its look-aheads see), for agent/windows.py: a constant and a count of unbounded
repeats of whitespace and of non-whitespace characters, each of which a text bounds by its longest run
of such characters. None when a part has no such bound (a repeated group, `.*`).

The sets and reaches are kept per machine with the compiled patterns (agent/regex_cache.py), so a
process does not parse the rules again to find them; a pattern the cache did not see is read on
first use.
"""

from __future__ import annotations

import re
import threading

try:
    from re import _constants as C
    from re import _parser as P
except ImportError:  # pragma: no cover - not CPython 3.11+: nothing is ever skipped
    P = C = None

VERSION = 3  # raise it when the reading below changes: the regex cache keeps the sets under it
MAX_SET = 64  # more strings than this in one set and the part is not used
MIN_LENGTH = 3  # a set whose shortest string is shorter is not worth testing
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789 \t\n!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
                  "àáâãäæçèéêëìíîïñòóôõöøùúûüýÿœ")
EXOTIC = re.compile("[\u017f\u0131\u0130\u212a\u212b\u1e9e]")  # case-blind matches lower() does not make

IGNORECASE = int(re.IGNORECASE)  # a plain int: `flags & re.IGNORECASE` goes through the enum's operators

_lock = threading.Lock()
_known: dict[tuple[str, int], frozenset[str] | None] = {}
_reaches: dict[tuple[str, int], tuple[int, int, int] | None] = {}
_plans: dict[tuple[str, int], tuple | None] = {}


def of_tree(tree, flags: int) -> frozenset[str] | None:
    """The literal set of a parsed pattern (re._parser.parse), or None when no sure set was found."""
    if P is None:
        return None
    icase = bool(flags & re.IGNORECASE)
    exact, required = _sequence(list(tree), icase)
    if exact is not None and "" not in exact:
        required = _best([required, exact])
    if not required or (icase and not all(set(s) <= _SAFE for s in required)):
        return None
    return frozenset(required)


def remember(pattern: str, flags: int, literals: frozenset[str] | None, reach: tuple[int, int, int] | None = None,
             plan: tuple | None = None) -> None:
    with _lock:
        _known[(pattern, flags)] = literals
        _reaches[(pattern, flags)] = reach
        _plans[(pattern, flags)] = plan


def needed(compiled: re.Pattern) -> frozenset[str] | None:
    return _lookup(_known, compiled)


def reach(compiled: re.Pattern) -> tuple[int, int, int] | None:
    """(characters, whitespace runs, non-whitespace runs): one attempt at position p reads no further than
    p + characters + whitespace runs × the text's longest whitespace run + non-whitespace runs × its
    longest non-whitespace run. None when unbounded or unknown."""
    return _lookup(_reaches, compiled)


def plan(compiled: re.Pattern) -> tuple | None:
    """Per alternative: (anchor literals, other literal sets it needs, reach); see plan_of_tree."""
    return _lookup(_plans, compiled)


def _lookup(table: dict, compiled: re.Pattern):
    """What `table` holds for the pattern, read from its parse tree the first time (all three tables at once)."""
    key = (compiled.pattern, compiled.flags)
    if key not in table:
        _read(compiled)
    return table[key]


def _read(compiled: re.Pattern) -> None:
    found = bound = steps = None
    if P is not None and isinstance(compiled.pattern, str):
        try:
            tree = P.parse(compiled.pattern, compiled.flags)
            found, bound, steps = of_tree(tree, compiled.flags), reach_of_tree(tree), plan_of_tree(tree, compiled.flags)
        except Exception:  # a construct the parser of this Python reads otherwise: never skip it
            found = bound = steps = None
    remember(compiled.pattern, compiled.flags, found, bound, steps)


def reach_of_tree(tree) -> tuple[int, int, int] | None:
    """`reach` of a parsed pattern (re._parser.parse)."""
    if P is None:
        return None
    return _reach_sequence(list(tree))


def may_match(compiled: re.Pattern, text: str, low: str | None = None) -> bool:
    """False only when `compiled` cannot match `text` (`low`: text.lower(), for a case-blind pattern)."""
    if not isinstance(compiled.pattern, str):
        return True
    literals = needed(compiled)
    if literals is None:
        return True
    if compiled.flags & IGNORECASE:
        if EXOTIC.search(text):
            return True
        text = text.lower() if low is None else low
    return any(s in text for s in literals)  # (faster than one search for an alternation of them)


def may_match_pieces(compiled: re.Pattern, text: str, low: str | None = None) -> bool:
    """False only when no piece of `text` searched on its own matches `compiled`, for pieces (sentences)
    that cut the text only next to a non-word character: a piece whose first (last) character is a
    word character has a non-word character or the text's edge before (after) it.

    For a pattern whose literal set has a branch that needs nothing sure (a two-letter word), where
    `may_match` can never say False. Each top-level branch on its own: skipped when the text lacks
    all of the branch's literals; else, when its only assertion is `\\b`, searched in the whole text,
    where every match it has in a piece is a match too (the piece's characters are the text's, and
    `\\b` at a piece's edge reads the same there as in the text, by the condition above); a branch
    with another assertion (`^`, `$`, a look-around) or no literal set and no such search may match."""
    branches = _pieces_plan(compiled)
    if branches is None:
        return True
    icase = bool(compiled.flags & IGNORECASE)
    blind = icase and EXOTIC.search(text) is not None  # lower() does not make every case-blind match
    if icase and not blind:
        low = text.lower() if low is None else low
    for found, search in branches:
        if found is not None and not blind and not any(s in (low if icase else text) for s in found):
            continue
        if search is None or search(text):
            return True
    return False


_pieces: dict[tuple[str, int], tuple | None] = {}


def _pieces_plan(compiled: re.Pattern) -> tuple | None:
    """Per top-level branch: (its literal set or None, a search of the branch alone or None when its
    assertions are not only `\\b`); None when the pattern cannot be read."""
    key = (compiled.pattern, compiled.flags)
    if key in _pieces:
        return _pieces[key]
    plan = None
    if P is not None and isinstance(compiled.pattern, str):
        try:
            from re import _compiler

            tree = P.parse(compiled.pattern, compiled.flags)
            items = list(tree)
            parts = items[0][1][1] if len(items) == 1 and items[0][0] is C.BRANCH else [tree]
            plan = tuple((of_tree(part, compiled.flags),
                          _compiler.compile(part, compiled.flags).search if _only_boundaries(part) else None)
                         for part in parts)
        except Exception:  # a construct the parser of this Python reads otherwise: never skip it
            plan = None
    with _lock:
        _pieces[key] = plan
    return plan


def _only_boundaries(tree) -> bool:
    """Whether the only assertions in a parsed pattern are `\\b` (no ^, $, \\B, look-around, back-reference)."""
    for op, av in tree:
        if op is C.AT:
            if av is not C.AT_BOUNDARY:
                return False
        elif op in (C.ASSERT, C.ASSERT_NOT, C.GROUPREF, C.GROUPREF_EXISTS):
            return False
        elif op is C.BRANCH:
            if not all(_only_boundaries(b) for b in av[1]):
                return False
        elif op is C.SUBPATTERN:
            if not _only_boundaries(av[-1]):
                return False
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            if not _only_boundaries(av[2]):
                return False
        elif op is C.ATOMIC_GROUP:
            if not _only_boundaries(av):
                return False
    return True


# -- reading the parsed pattern -----------------------------------------------------------------

def _best(candidates):
    usable = [c for c in candidates if c and "" not in c and len(c) <= 4 * MAX_SET]
    if not usable:
        return None
    best = max(usable, key=lambda c: (min(map(len, c)), -len(c)))
    return best if min(map(len, best)) >= MIN_LENGTH else None


def _sequence(items, icase: bool):
    """(every string the sequence can match, if few; a set one of which every match contains)."""
    exact, candidates = _sequence_parts(items, icase)
    return exact, _best(candidates)


def _sequence_parts(items, icase: bool):
    """(every string the sequence can match, if few; every set one of which each match contains)."""
    exact, run, candidates = {""}, {""}, []
    for op, av in items:
        e, r = _item(op, av, icase)
        if r:
            candidates.append(r)
        if e is None:
            candidates.append(run)
            run, exact = {""}, None
            continue
        joined = {a + b for a in run for b in e}
        if len(joined) > MAX_SET:
            candidates.append(run)
            run = set(e)
        else:
            run = joined
        if exact is not None:
            exact = {a + b for a in exact for b in e}
            if len(exact) > MAX_SET:
                exact = None
    candidates.append(run)
    return exact, candidates


def _item(op, av, icase: bool):
    if op is C.LITERAL:
        ch = chr(av).lower() if icase else chr(av)
        return {ch}, None
    if op is C.IN:
        chars = set()
        for o, a in av:
            if o is C.LITERAL:
                chars.add(chr(a))
            elif o is C.RANGE and a[1] - a[0] < 10:
                chars |= {chr(x) for x in range(a[0], a[1] + 1)}
            else:  # a negated set, a category (\w, \s), a wide range
                return None, None
        chars = {c.lower() for c in chars} if icase else chars
        return (chars, None) if len(chars) <= 10 else (None, None)
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):  # zero-width: they add nothing to what is matched
        return {""}, None
    if op is C.SUBPATTERN:
        _group, add, delete, sub = av
        if (add | delete) & re.IGNORECASE:  # a group with its own case rule: the text it is tested on may not fit it
            return None, None
        return _sequence(list(sub), icase)
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _sequence(list(av), icase)
    if op is C.BRANCH:
        parts = [_sequence(list(alt), icase) for alt in av[1]]
        exacts = [e for e, _ in parts]
        exact = None if any(e is None for e in exacts) else set().union(*exacts)
        required = [r if r else (e if e and "" not in e else None) for e, r in parts]
        sure = None if any(r is None for r in required) else set().union(*required)
        return (exact if exact is not None and len(exact) <= MAX_SET else None), sure
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        low, high, sub = av
        e, r = _sequence(list(sub), icase)
        if low == 0:
            return ({""} | e, None) if high == 1 and e is not None else (None, None)
        if low == high == 1:
            return e, r
        return None, r or (e if e and "" not in e else None)
    return None, None  # any character, a back reference, a conditional: nothing sure


# -- per alternative: what it needs and how far it reads -----------------------------------------

MAX_ALTERNATIVES = 512


def plan_of_tree(tree, flags: int):
    """For each alternative of a parsed pattern (its top-level branches, and the branches of a group
    that is the only alternation of one): (the set one of which its every match holds, the other sets
    it must hold as well, its reach). None for a case-blind pattern, or when an alternative has no set
    or no reach."""
    if P is None or flags & re.IGNORECASE:
        return None
    out = []
    for items in _alternatives(list(tree)):
        exact, candidates = _sequence_parts(items, False)
        usable = [c for c in candidates if _best([c]) is not None]
        if exact is not None and _best([exact]) is not None:
            usable.append(exact)
        anchor, bound = _best(usable), _reach_sequence(items)
        if anchor is None or bound is None:
            return None
        others = tuple(tuple(sorted(c)) for c in usable if c is not anchor and not set(c) >= anchor)
        out.append((tuple(sorted(anchor)), others, bound))
    return tuple(out)


def _alternatives(items, budget: int = MAX_ALTERNATIVES):
    """The sequence as alternatives: a branch (or a plain group holding only one) distributed over what
    surrounds it, when the sequence holds exactly one; otherwise the sequence itself."""
    at = [i for i, (op, av) in enumerate(items) if _branches(op, av) is not None]
    if len(at) != 1:
        return [items]
    i = at[0]
    out = []
    for alt in _branches(*items[i]):
        out += _alternatives(items[:i] + list(alt) + items[i + 1:], budget)
        if len(out) > budget:
            return [items]
    return out


def _branches(op, av):
    if op is C.BRANCH:
        return av[1]
    if op is C.SUBPATTERN and not (av[1] | av[2]):  # a group with no flags of its own
        inner = list(av[3])
        if len(inner) == 1 and inner[0][0] is C.BRANCH:
            return inner[0][1][1]
    return None


# -- how far an attempt reads --------------------------------------------------------------------

def _reach_sequence(items):
    chars = spaces = others = 0
    for op, av in items:
        part = _reach_item(op, av)
        if part is None:
            return None
        chars, spaces, others = chars + part[0], spaces + part[1], others + part[2]
    return chars, spaces, others


def _reach_item(op, av):
    if op in (C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN, C.CATEGORY):
        return 1, 0, 0
    if op is C.AT:  # \b, ^, $ look at the next character, which the margin of agent/windows.py covers
        return 0, 0, 0
    if op is C.SUBPATTERN:
        return _reach_sequence(list(av[3]))
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _reach_sequence(list(av))
    if op is C.BRANCH:
        parts = [_reach_sequence(list(alt)) for alt in av[1]]
        if any(p is None for p in parts):
            return None
        return tuple(max(p[i] for p in parts) for i in range(3))
    if op in (C.ASSERT, C.ASSERT_NOT):
        direction, sub = av
        return (0, 0, 0) if direction < 0 else _reach_sequence(list(sub))  # a look-behind reads before p
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        low, high, sub = av
        sub = list(sub)
        if high == C.MAXREPEAT:  # unbounded: only a one-character class, bounded by the text's runs
            kind = _run_kind(*sub[0]) if len(sub) == 1 else None
            return None if kind is None else ((0, 1, 0) if kind == "space" else (0, 0, 1))
        part = _reach_sequence(sub)
        return None if part is None else (part[0] * high, part[1] * high, part[2] * high)
    return None  # a back reference, a conditional: no bound known


_SPACE_CATEGORIES = {"CATEGORY_SPACE"}
_OTHER_CATEGORIES = {"CATEGORY_WORD", "CATEGORY_DIGIT", "CATEGORY_NOT_SPACE"}


def _run_kind(op, av):
    """'space' when the one-character item matches only whitespace, 'other' when only non-whitespace
    (str.isspace, which is what `\\s` means for str patterns), None when it may match both."""
    if op is C.LITERAL:
        return "space" if chr(av).isspace() else "other"
    if op is C.CATEGORY:
        name = str(av)
        return "space" if name in _SPACE_CATEGORIES else "other" if name in _OTHER_CATEGORIES else None
    if op is C.IN:
        kinds = set()
        for o, a in av:
            if o is C.RANGE:
                if a[1] - a[0] > 0x3000:
                    return None
                kinds |= {"space" if chr(x).isspace() else "other" for x in range(a[0], a[1] + 1)}
            else:
                kind = _run_kind(o, a) if o in (C.LITERAL, C.CATEGORY) else None  # NEGATE and the rest: both
                if kind is None:
                    return None
                kinds.add(kind)
        return kinds.pop() if len(kinds) == 1 else None
    return None
