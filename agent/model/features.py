"""Text → sparse features for the offline severity and security model, in pure Python.

The same function runs when the model is trained (scikit-learn, the `train` extra) and when it is
used (no scikit-learn, no numpy), so what was measured is what ships. Features:

- words: lower-cased word unigrams and bigrams, digits folded to 0 ("error 500" → "error 000");
- characters: 3- to 5-grams inside each word padded with spaces (sklearn's `char_wb`), which
  survive typos, inflections and other languages;
- the kind of text (``kind=...``): a status post, a bug report or a customer complaint are
  written differently and rated on different scales; the model learns one weight set for all
  kinds plus a correction per kind ("frustratingly easy" domain adaptation, Daumé 2007), so a
  kind it has never seen still gets the shared weights.

Only the first ``MAX_CHARS`` characters are read: the lead of a report carries its severity, and
the cost of a triage must not grow with a pasted log.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from itertools import repeat
from operator import mul, truediv

MAX_CHARS = 3000
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
DIGITS = re.compile(r"\d")


def words(text: str) -> list[str]:
    # Digits folded in the text before it is cut into words: a digit is a word character either way,
    # so the words are the same as folding each word, in one pass.
    return WORD.findall(DIGITS.sub("0", text[:MAX_CHARS].lower()))


_GRAMS: dict[str, tuple[str, ...]] = {}
_SUBLINEAR = [0.0] + [1.0 + math.log(c) for c in range(1, 4096)]  # a count's sublinear value
_GRAMS_LIMIT = 20_000  # words whose grams are kept: about 25 MB at most (200,000 could take 250 MB in a batch worker)
# One string per distinct gram among the kept words' (most grams recur across words: over the CFPB
# complaints 93,000 kept grams are 25,000 strings, about 4 MB less in each batch worker).
_GRAM_NAMES: dict[str, str] = {}


def grams_of(word: str) -> tuple[str, ...]:
    """The distinct 3-5 character grams of a word padded with spaces, in order (not cached)."""
    padded = " " + word[:40] + " "
    n = len(padded)
    return tuple(dict.fromkeys("c:" + padded[i:i + k] for k in (3, 4, 5) for i in range(n - k + 1)))


def char_grams(word: str) -> tuple[str, ...]:
    """The distinct 3-5 character grams of a word padded with spaces (cached: words recur)."""
    grams = _GRAMS.get(word)
    if grams is None:
        grams = grams_of(word)
        if len(_GRAMS) < _GRAMS_LIMIT:
            _GRAMS[word] = grams = tuple(map(_GRAM_NAMES.setdefault, grams, grams))
    return grams


def features(text: str, kind: str | None = None) -> dict[str, float]:
    """Sublinear, L2-normalised counts of word and character n-grams (and their kind-specific copies)."""
    tokens = words(text)
    counts: Counter[str] = Counter()
    counts.update("w:" + t for t in tokens)
    counts.update("b:" + a + " " + b for a, b in zip(tokens, tokens[1:]))
    for t in dict.fromkeys(tokens):  # in the text's order (a set's order changes with the hash seed)
        counts.update(char_grams(t))
    if not counts:
        counts["w:"] = 1
    values, norm = sublinear(list(counts.values()))
    out = dict(zip(counts, map(truediv, values, repeat(norm))))
    out["bias"] = 1.0
    return with_kind(out, kind) if kind else out


def sublinear(n: list[int]) -> tuple[list[float], float]:
    """Each count's sublinear value, and the L2 norm of them all (summed in the features' order)."""
    values = list(map(_SUBLINEAR.__getitem__, n)) if max(n) < len(_SUBLINEAR) else [1.0 + math.log(c) for c in n]
    return values, math.sqrt(sum(map(mul, values, values)))


def with_kind(plain: dict[str, float], kind: str) -> dict[str, float]:
    """The features and their copies under `kind` (the text is read once, not twice)."""
    out = dict(plain)
    out.update({kind + "|" + f: v for f, v in plain.items()})
    return out
