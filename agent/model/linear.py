"""The shipped severity, security and text-kind model: sparse linear weights, read in pure Python.

A model file is gzip'd JSON written by `escalate model train` (agent/model/train.py):

    {"format": 1, "made": {...how and from what...}, "scores": {...cross-validated figures...},
     "heads": {"kind":     {"classes": [...], "intercept": [...], "features": "...", "weights_e4": "..."},
               "severity": {...same shape, classes SEV-1..SEV-4...},
               "security": {"classes": ["no", "yes"], ..., "thresholds": {kind: p}}}}

Weights are one row per feature (one value per class), packed (see Head); a feature the file does
not hold weighs nothing. Nothing here imports scikit-learn or numpy: the runtime reads what training wrote.
"""

from __future__ import annotations

import array
import base64
import binascii
import gzip
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from .features import features, with_kind

FORMAT = 1
SHIPPED = Path(__file__).with_name("shipped.json.gz")
KINDS = ("incident", "bug", "complaint")
# Words too common to explain a rating: left out of "the words that weighed most" (still in the model).
STOPWORDS = frozenset("the and for are but not you your our was were has have had this that with from they them "
                      "his her its into out all any can could would should will just also than then there here "
                      "what when which who how been being does did done very some such only over more most".split())


class ModelFileError(UsageError):
    """A missing, corrupt or incompatible model file: the triage goes on under the rules alone."""


# A process that reads more than this many texts (a batch, the web workspace, an eval) lays the heads
# out as columns (agent/model/columns.py): about 0.6 s once, then about half the cost per read; a single
# `escalate triage` never pays for it.
FAST_AFTER = 100
SCALE = 1e-4  # weights are stored as whole multiples of this (rounded to four decimals when trained)


# Each head's index maps its ~120,000 feature names to 0..n-1: one int object per position serves
# every head and the columns (each index made its own: about 10 MB in a batch worker).
_INTS: list[int] = []


def shared_ints(n: int) -> list[int]:
    """At least 0..n-1, as the same int objects every index uses (zip it with the n names)."""
    if len(_INTS) < n:
        _INTS.extend(range(len(_INTS), n))
    return _INTS


class _Released(dict):
    """The index of a released head: any lookup says so."""

    def _gone(self, *args, **kwargs):
        raise RuntimeError("this head's weights were released (a batch worker reads through the model's columns)")

    get = __getitem__ = __contains__ = __iter__ = __len__ = items = keys = values = _gone


class Head:
    """One linear head: per feature one weight per class, held as a feature index and one flat array
    (a file of 360,000 weights loads in a fraction of the time a JSON list per feature takes).

    `weights` is {feature: [w per class]} (as training exports it) or, read from a file, the packed
    form {"features": "name\\nname...", "weights_e4": base64 of little-endian int32 multiples of SCALE}."""

    def __init__(self, classes, intercept, weights, thresholds=None, link: str = "softmax"):
        self.classes = tuple(classes)
        self.intercept = tuple(float(x) for x in intercept)
        self.thresholds = dict(thresholds or {})
        self.link = link  # "ovr": one-vs-rest logits, each squashed by the sigmoid, then normalised
        k = len(self.intercept)
        if "weights_e4" in weights:
            names = weights["features"].split("\n") if weights["features"] else []
            flat = array.array("i")
            flat.frombytes(base64.b64decode(weights["weights_e4"], validate=True))
            if sys.byteorder != "little":
                flat.byteswap()
            self.scale = SCALE
        else:
            names = list(weights)
            flat = [x for name in names for x in weights[name]]
            self.scale = 1.0
        if len(flat) != k * len(names):
            raise ValueError(f"{len(flat)} weights for {len(names)} features of {k} classes")
        self.index = dict(zip(names, shared_ints(len(names))))
        self.flat = flat

    def release(self) -> None:
        """Drop the per-feature weights (the columns hold them now): reading through the head afterwards
        is an error, never a silent zero."""
        self.index, self.flat = _Released(), None

    def row(self, feature: str) -> list[float] | None:
        j = self.index.get(feature)
        if j is None:
            return None
        k = len(self.intercept)
        return [x * self.scale for x in self.flat[j * k:(j + 1) * k]]

    def file_form(self) -> dict:
        """The head as a model file holds it (packed)."""
        k = len(self.intercept)
        names = sorted(self.index, key=self.index.get)
        packed = array.array("i", (round(x * self.scale / SCALE) for x in self.flat))
        if sys.byteorder != "little":
            packed.byteswap()
        head = {"classes": list(self.classes), "intercept": list(self.intercept), "link": self.link,
                "features": "\n".join(names), "weights_e4": base64.b64encode(packed.tobytes()).decode("ascii")}
        assert len(packed) == k * len(names)
        if self.thresholds:
            head["thresholds"] = self.thresholds
        return head

    def scores(self, feats: dict[str, float]) -> list[float]:
        k = len(self.intercept)
        index, flat = self.index, self.flat
        if k == 1:
            total = 0.0
            for f, v in feats.items():
                j = index.get(f)
                if j is not None:
                    total += flat[j] * v
            return [self.intercept[0] + total * self.scale]
        acc = [0.0] * k
        for f, v in feats.items():
            j = index.get(f)
            if j is not None:
                base = j * k
                for c in range(k):
                    acc[c] += flat[base + c] * v
        return [b + a * self.scale for b, a in zip(self.intercept, acc)]

    def probabilities(self, feats: dict[str, float]) -> dict[str, float]:
        return self.squash(self.scores(feats))

    def squash(self, s: list[float]) -> dict[str, float]:
        """Logits → probabilities by the head's link."""
        if len(self.classes) == 2 and len(s) == 1:  # binary: one logit for the second class
            p = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, s[0]))))
            return {self.classes[0]: 1.0 - p, self.classes[1]: p}
        if self.link == "ovr":
            e = [1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x)))) for x in s]
        else:
            top = max(s)
            e = [math.exp(x - top) for x in s]
        z = sum(e) or 1.0
        return {c: x / z for c, x in zip(self.classes, e)}

    def weighed(self, feats: dict[str, float], cls: str, n: int = 5) -> list[tuple[str, float]]:
        """The features that pushed hardest towards `cls`, readable (word and bigram features only)."""
        i = self.classes.index(cls) if len(self.intercept) > 1 else 0
        pushes: dict[str, float] = {}
        readable = ("w:", "b:") + tuple(k + "|" + p for k in KINDS for p in ("w:", "b:"))
        for f, v in feats.items():
            if not f.startswith(readable):  # character grams are most of the features: skipped first
                continue
            row = self.row(f)
            if row is None:
                continue
            name = f.split("|", 1)[-1]
            if any(w in STOPWORDS or len(w) < 3 for w in name[2:].split()):
                continue
            if len(row) > 1:
                push = (row[i] - sum(row) / len(row)) * v
            else:
                push = row[0] * v
            pushes[name[2:]] = pushes.get(name[2:], 0.0) + push
        ranked = sorted(pushes.items(), key=lambda kv: -kv[1])
        return [(t, round(p, 3)) for t, p in ranked[:n] if p > 0]


# A text reaches this tool as a customer complaint. When the kind head guesses another kind (most short complaints
# read like bug reports to it) without being sure of it, P(security) is read with the complaint copies and the
# complaint threshold, which were fitted on customer narratives (CFPB), not with the bug-report threshold chosen
# for Chromium's recall goal: at that threshold about one complaint in eight was typed security (a contract
# discount dispute, an invoice that went up, a request for audit logs), paging the security team. A pasted bug
# report, of which the head is sure, keeps its own copies. The severity is read as the guessed kind either way
# (no complaint carries a severity label to learn from).
SURE_OF_KIND = 0.9
COMPLAINT = "complaint"


def security_kind(kind: str, guessed: dict[str, float] | None) -> str:
    """The kind whose security copies and threshold judge the text (see SURE_OF_KIND)."""
    if guessed is None or kind == COMPLAINT or guessed.get(kind, 0.0) >= SURE_OF_KIND or COMPLAINT not in guessed:
        return kind
    return COMPLAINT


@dataclass(frozen=True)
class Reading:
    """What the model read in one text: its kind, the severity probabilities, P(security)."""

    kind: str
    severity: dict[str, float]
    security: float
    security_threshold: float
    words: list[tuple[str, float]]
    source: str
    type: str | None = None  # the team model's type, when it is sure
    security_kind: str | None = None  # the kind P(security) was read as, when not `kind` (see security_kind)

    @property
    def is_security(self) -> bool:
        return self.security >= self.security_threshold


class LinearModel:
    def __init__(self, data: dict, source: str):
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ModelFileError(f"{source}: not a model of format {FORMAT}: rebuild it with `escalate model train`")
        try:
            self.heads = {name: h if isinstance(h, Head) else
                          Head(h["classes"], h["intercept"], h["weights"] if "weights" in h else h,
                               {k: float(v) for k, v in h.get("thresholds", {}).items()}, h.get("link", "softmax"))
                          for name, h in data["heads"].items()}
            for needed in ("kind", "severity", "security"):
                self.heads[needed]
        except (KeyError, TypeError, ValueError, AttributeError, binascii.Error) as exc:
            raise ModelFileError(f"{source}: the model file is incomplete ({exc}): rebuild it with `escalate model train`")
        self.made = data.get("made", {})
        self.scores = data.get("scores", {})
        self.source = source
        self._columns = None
        self.reads = 0
        self.name = "shipped" if Path(source) == SHIPPED else source

    @classmethod
    def load(cls, path: Path) -> "LinearModel":
        try:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                data = json.load(fh)
        except FileNotFoundError:
            raise ModelFileError(f"{path}: model file not found: build it with `escalate model train`")
        except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise ModelFileError(f"{path}: unreadable model file ({type(exc).__name__}): rebuild it with `escalate model train`")
        return cls(data, str(path))

    @property
    def columns(self):
        """The heads laid out for fast reading (agent/model/columns.py), built on first use."""
        if self._columns is None:
            from .columns import Columns

            self._columns = Columns(self.heads)
        return self._columns

    def expect_many(self, *, release: bool = False) -> None:
        """A process about to read many texts reads through the columns from the first. `release` (a batch
        worker, which only ever reads): every head and kind laid out now, then the heads' own per-feature
        dicts dropped, about 28 MB of the shipped model's 57. Everything a read builds on first use is
        built here too (the readable-feature mask as well), so the processes forked afterwards (a batch's
        workers, forked from its writer: agent/batch.py) share it all and write none of it."""
        self.reads = max(self.reads, FAST_AFTER)
        if release:
            cols = self.columns
            for name in self.heads:
                for kind in ((None,) if name == "kind" else KINDS):
                    cols.columns(name, kind)
            cols.readable(STOPWORDS)
            for head in self.heads.values():
                head.release()

    def read(self, text: str, kind: str | None = None) -> Reading:
        """`kind` given (an eval row of a known source): read as that kind. Else the kind head guesses it; the
        severity is read as the guessed kind, and the security as a customer complaint unless the head is sure
        (SURE_OF_KIND) of another kind (see security_kind)."""
        self.reads += 1
        if self.reads > FAST_AFTER:
            return self._read_by_columns(text, kind)
        plain = features(text)
        guessed = None
        if kind is None:
            guessed = self.heads["kind"].probabilities(plain)
            kind = max(guessed, key=guessed.get)
        feats = with_kind(plain, kind)
        sev_head, sec_head = self.heads["severity"], self.heads["security"]
        severity = sev_head.probabilities(feats)
        sec_kind = security_kind(kind, guessed)
        sec_feats = feats if sec_kind == kind else with_kind(plain, sec_kind)
        security = sec_head.probabilities(sec_feats)[sec_head.classes[-1]]
        return self._reading(kind, severity, security, sev_head.weighed(feats, max(severity, key=severity.get)), sec_kind)

    def _read_by_columns(self, text: str, kind: str | None) -> Reading:
        cols = self.columns
        rows, values = cols.encode(text)
        guessed = None
        if kind is None:
            guessed = cols.probabilities("kind", None, rows, values)
            kind = max(guessed, key=guessed.get)
        severity = cols.probabilities("severity", kind, rows, values)
        sec_kind = security_kind(kind, guessed)
        security = cols.probabilities("security", sec_kind, rows, values)[self.heads["security"].classes[-1]]
        words = cols.weighed("severity", kind, max(severity, key=severity.get), rows, values, skip=STOPWORDS)
        return self._reading(kind, severity, security, words, sec_kind)

    def _reading(self, kind: str, severity: dict[str, float], security: float, words, sec_kind: str | None = None) -> Reading:
        sec_head = self.heads["security"]
        threshold = sec_head.thresholds.get(sec_kind or kind, sec_head.thresholds.get("default", 0.5))
        return Reading(kind=kind, severity=severity, security=security, security_threshold=threshold,
                       words=words, source=self.name, security_kind=sec_kind or kind)


_CACHE: dict[str, LinearModel] = {}


def shipped() -> LinearModel:
    """The model inside the package, loaded once, when a triage first needs it."""
    return in_force(None)


def team_model_path(db_path: Path | str) -> Path:
    """The team model trained from a database's own history lives beside it: escalations.model.json.gz."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + ".model.json.gz")


def in_force(db_path: Path | str | None = None, *, own_copy: bool = False) -> LinearModel:
    """The team model beside the database when there is one, else the shipped model: loaded once and
    shared by every caller in the process, or with `own_copy` read again for a caller that changes it
    (a batch releases its heads before forking its workers)."""
    key, load = str(SHIPPED), lambda: LinearModel.load(SHIPPED)
    if db_path is not None and str(db_path) != ":memory:":
        path = team_model_path(db_path)
        if path.exists():
            from .team import load_team

            key, load = f"{path}:{path.stat().st_mtime_ns}", lambda: load_team(path)
    if own_copy:
        return load()
    if key not in _CACHE:
        _CACHE[key] = load()
    return _CACHE[key]


def packed(data: dict) -> dict:
    """A model's contents with every head in the packed file form (what `escalate model train` writes)."""
    heads = {name: (h if isinstance(h, Head) else Head(h["classes"], h["intercept"], h["weights"] if "weights" in h else h,
                                                       h.get("thresholds"), h.get("link", "softmax"))).file_form()
             for name, h in data["heads"].items()}
    return {**data, "heads": heads}
