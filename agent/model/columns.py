"""The heads' weights laid out for reading fast: one index of plain features, one column per class.

A severity or security head holds a shared weight for each feature and, for each kind of text, a
correction (the feature copied under `kind|`). Read as written, a text of 1,000 features costs each
head 2,000 lookups and a multiply-add per class per feature, in interpreted Python. Here, per kind,
each plain feature's shared weight and its kind correction are added once, into one column per
class aligned to one feature index (built on first use, about half a second); a text then costs one
lookup per feature and one `sum(map(mul, ...))` per column, both inside the interpreter's C loops.
The model's share of a triage falls from about 9 ms to about 4 ms over the CFPB complaints.

The sums are the heads' own `Head.scores`, up to the order of floating-point addition.
(Tried and not kept: packing each feature's classes into the 64-bit lanes of one Python integer,
one multiply-add per feature for all classes: no faster, since big-integer arithmetic allocates,
and six times slower to build.)
"""

from __future__ import annotations

import array
from heapq import nlargest
from itertools import compress, repeat
from operator import mul, sub, truediv

from .linear import Head


class Columns:
    def __init__(self, heads: dict[str, Head]):
        self.heads = heads
        names = {"": None}  # row 0 weighs nothing: a feature no head holds points there
        for head in heads.values():
            for f in head.index:
                names.setdefault(f.split("|", 1)[1] if "|" in f else f, None)
        self.names = list(names)
        self.index = dict(zip(self.names, range(len(self.names))))
        self._columns: dict[tuple[str, str | None], list[array.array]] = {}
        self._readables: dict[frozenset, bytes] = {}

    def _build(self, name: str, kind: str | None) -> list[array.array]:
        """Per class, each row's weight: the shared one plus, for `kind`, the kind's correction."""
        head = self.heads[name]
        k = len(head.intercept)
        shared = list(map(head.index.get, self.names, repeat(len(head.index))))  # a missing one: the appended 0
        prefix = kind + "|" if kind else None
        own = [(self.index[f[len(prefix):]], j) for f, j in head.index.items() if f.startswith(prefix)] if prefix else []
        cols = []
        for c in range(k):
            weights = array.array("d", map(mul, head.flat[c::k], repeat(head.scale)))
            weights.append(0.0)
            col = array.array("d", map(weights.__getitem__, shared))
            for row, j in own:
                col[row] += weights[j]
            cols.append(col)
        return cols

    def columns(self, name: str, kind: str | None) -> list[array.array]:
        key = (name, kind)
        if key not in self._columns:
            self._columns[key] = self._build(name, kind)
        return self._columns[key]

    def rows(self, feats: dict[str, float]) -> list[int]:
        """The row of each of the text's features (0 for a feature no head holds)."""
        return list(map(self.index.get, feats, repeat(0)))

    def scores(self, name: str, kind: str | None, rows: list[int], values: list[float]) -> list[float]:
        """A head's logits for a text: its features' `rows` and `values` (in the same order)."""
        return [b + sum(map(mul, map(col.__getitem__, rows), values))
                for b, col in zip(self.heads[name].intercept, self.columns(name, kind))]

    def probabilities(self, name: str, kind: str | None, rows: list[int], values: list[float]) -> dict[str, float]:
        return self.heads[name].squash(self.scores(name, kind, rows, values))

    def weighed(self, name: str, kind: str | None, feats: dict[str, float], cls: str, n: int = 5,
                skip=frozenset()) -> list[tuple[str, float]]:
        """The word and bigram features that pushed hardest towards `cls` (the class's weight above the
        mean of the classes', times the feature's value); words in `skip` or shorter than three
        letters are left out."""
        cols = self.columns(name, kind)
        i = self.heads[name].classes.index(cls) if len(cols) > 1 else 0
        rows = self.rows(feats)
        keep = list(map(self._readable(skip).__getitem__, rows))
        rows = list(compress(rows, keep))
        values = list(compress(feats.values(), keep))
        names = list(compress(feats, keep))
        weights = [list(map(col.__getitem__, rows)) for col in cols]
        if len(cols) > 1:
            means = map(truediv, map(sum, zip(*weights)), repeat(len(cols)))
            pushes = map(mul, map(sub, weights[i], means), values)
        else:
            pushes = map(mul, weights[0], values)
        top = nlargest(n, zip(pushes, names))
        return [(f[2:], round(p, 3)) for p, f in top if p > 0]

    def _readable(self, skip: frozenset) -> bytes:
        """Per row, 1 when the feature is a word or bigram worth naming (none of its words in `skip`,
        none shorter than three letters), else 0: character grams are most of the features."""
        if skip not in self._readables:
            self._readables[skip] = bytes(
                f.startswith(("w:", "b:")) and not any(w in skip or len(w) < 3 for w in f[2:].split())
                for f in self.names)
        return self._readables[skip]
