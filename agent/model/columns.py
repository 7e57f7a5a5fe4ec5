"""The heads' weights laid out for reading fast: one index of plain features, one matrix per head and kind.

A severity or security head holds a shared weight for each feature and, for each kind of text, a
correction (the feature copied under `kind|`). Read as written, a text of 1,000 features costs each
head 2,000 dictionary lookups and a multiply-add per class per feature, in interpreted Python. Here,
per kind, each plain feature's shared weight and its kind correction are added once, into one row of
a numpy matrix (one column per class) aligned to one feature index, built on first use (about a
tenth of a second a head); a text then costs one lookup per feature and one matrix product per head,
and `encode` looks a word's features up once per process.
Over the CFPB complaints the model's share of a triage falls from about 9 ms (the heads) to about
3.3 ms (columns as Python arrays, the previous layout) to about 1.6 ms (numpy), most of it now the
features themselves.

numpy is imported here only: a single `escalate triage` reads through the heads (agent/model/linear.py,
FAST_AFTER) and never loads it. The sums are the heads' own `Head.scores`, up to the order of
floating-point addition (1e-12).
(Tried and not kept: packing each feature's classes into the 64-bit lanes of one Python integer,
one multiply-add per feature for all classes: no faster, since big-integer arithmetic allocates,
and six times slower to build.)
"""

from __future__ import annotations

import array
from collections import Counter
from heapq import nlargest
from itertools import chain, repeat

import numpy as np

from .features import features, grams_of, sublinear, words
from .linear import Head, shared_ints

TOKENS_LIMIT = 20_000  # words whose rows are kept (a few MB at most; most words of a text recur across texts)


class Columns:
    def __init__(self, heads: dict[str, Head]):
        self.heads = heads
        names = {"": None}  # row 0 weighs nothing: a feature no head holds points there
        for head in heads.values():
            for f in head.index:
                names.setdefault(f.split("|", 1)[1] if "|" in f else f, None)
        self.names = list(names)
        self.index = dict(zip(self.names, shared_ints(len(self.names))))
        self._matrices: dict[tuple[str, str | None], np.ndarray] = {}
        self._intercepts = {name: np.asarray(head.intercept, dtype=np.float64) for name, head in heads.items()}
        self._readables: dict[frozenset, np.ndarray] = {}
        self._tokens: dict[str, tuple[int, tuple]] = {}

    def _build(self, name: str, kind: str | None) -> np.ndarray:
        """Per feature row, per class: the shared weight plus, for `kind`, the kind's correction."""
        head = self.heads[name]
        k = len(head.intercept)
        weights = np.zeros((len(head.index) + 1, k))  # the last row: a feature the head does not hold
        flat = np.frombuffer(head.flat, dtype=np.int32) if isinstance(head.flat, array.array) else np.asarray(head.flat)
        weights[:-1] = flat.reshape(-1, k) * head.scale
        shared = np.fromiter(map(head.index.get, self.names, repeat(len(head.index))), dtype=np.intp, count=len(self.names))
        matrix = weights[shared]
        if kind:
            prefix = kind + "|"
            own = [(self.index[f[len(prefix):]], j) for f, j in head.index.items() if f.startswith(prefix)]
            if own:
                rows, js = (np.fromiter(x, dtype=np.intp, count=len(own)) for x in zip(*own))
                matrix[rows] += weights[js]  # each plain feature appears once: no repeated rows
        return matrix

    def columns(self, name: str, kind: str | None) -> np.ndarray:
        """A head's weights for a kind of text: one row per feature of `names`, one column per class."""
        key = (name, kind)
        if key not in self._matrices:
            self._matrices[key] = self._build(name, kind)
        return self._matrices[key]

    def rows(self, feats: dict[str, float]) -> np.ndarray:
        """The row of each of the text's features (0 for a feature no head holds), in the dict's order."""
        return np.fromiter(map(self.index.get, feats, repeat(0)), dtype=np.intp, count=len(feats))

    def encode(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """`rows(features(text))` and `values(features(text))`: the same numbers in the same order, without
        building the features' names. A word's row and its character grams' rows are looked up once per
        process (words recur from text to text), and the counts are kept by row. The order is the features':
        the words, the bigrams, then the grams of each word in the text's order, and the bias."""
        tokens = words(text)
        if not tokens:
            plain = features(text)
            return self.rows(plain), self.values(plain)
        get, known = self.index.get, self._tokens
        counts = Counter(tokens)
        entries = [known.get(t) or self._token(t) for t in counts]
        pairs = Counter(zip(tokens, tokens[1:]))
        # A gram the index lacks is counted by its name (it weighs nothing, but it is in the norm).
        grams = Counter(chain.from_iterable(e[1] for e in entries))
        rows = [e[0] for e in entries]
        rows += [get("b:" + a + " " + b, 0) for a, b in pairs]
        rows += [k if k.__class__ is int else 0 for k in grams]
        rows.append(get("bias", 0))
        values, norm = sublinear([*counts.values(), *pairs.values(), *grams.values()])
        out = np.empty(len(values) + 1)
        out[:-1] = values
        out[:-1] /= norm
        out[-1] = 1.0
        return np.array(rows, dtype=np.intp), out

    def _token(self, token: str) -> tuple[int, tuple]:
        get = self.index.get
        entry = (get("w:" + token, 0), tuple(get(g, g) for g in grams_of(token)))
        if len(self._tokens) < TOKENS_LIMIT:
            self._tokens[token] = entry
        return entry

    @staticmethod
    def values(feats: dict[str, float]) -> np.ndarray:
        return np.fromiter(feats.values(), dtype=np.float64, count=len(feats))

    def scores(self, name: str, kind: str | None, rows: np.ndarray, values: np.ndarray) -> list[float]:
        """A head's logits for a text: its features' `rows` and `values` (in the same order)."""
        return (values @ self.columns(name, kind)[rows] + self._intercepts[name]).tolist()

    def probabilities(self, name: str, kind: str | None, rows: np.ndarray, values: np.ndarray) -> dict[str, float]:
        return self.heads[name].squash(self.scores(name, kind, rows, values))

    def weighed(self, name: str, kind: str | None, cls: str, rows: np.ndarray, values: np.ndarray, n: int = 5,
                skip=frozenset()) -> list[tuple[str, float]]:
        """The word and bigram features that pushed hardest towards `cls` (the class's weight above the
        mean of the classes', times the feature's value); words in `skip` or shorter than three
        letters are left out. `rows` and `values` as `encode` gives them."""
        matrix = self.columns(name, kind)
        at = np.flatnonzero(self.readable(skip)[rows])
        kept = rows[at]
        weights = matrix[kept]
        values = values[at]
        if weights.shape[1] > 1:
            i = self.heads[name].classes.index(cls)
            pushes = (weights[:, i] - weights.mean(axis=1)) * values
        else:
            pushes = weights[:, 0] * values
        top = nlargest(n, zip(pushes.tolist(), map(self.names.__getitem__, kept.tolist())))
        return [(f[2:], round(p, 3)) for p, f in top if p > 0]

    def readable(self, skip: frozenset) -> np.ndarray:
        """Per row, True when the feature is a word or bigram worth naming (none of its words in `skip`,
        none shorter than three letters): character grams are most of the features."""
        if skip not in self._readables:
            self._readables[skip] = np.fromiter(
                (f.startswith(("w:", "b:")) and not any(w in skip or len(w) < 3 for w in f[2:].split())
                 for f in self.names), dtype=bool, count=len(self.names))
        return self._readables[skip]
