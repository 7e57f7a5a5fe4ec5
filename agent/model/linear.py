"""The shipped severity, security and text-kind model: sparse linear weights, read in pure Python.

A model file is gzip'd JSON written by `escalate model train` (agent/model/train.py):

    {"format": 1, "made": {...how and from what...}, "scores": {...cross-validated figures...},
     "heads": {"kind":     {"classes": [...], "intercept": [...], "weights": {feature: [w, ...]}},
               "severity": {...same shape, classes SEV-1..SEV-4...},
               "security": {"classes": ["no", "yes"], ..., "thresholds": {kind: p}}}}

Weights are one row per feature (one value per class); a feature the file does not hold weighs
nothing. Nothing here imports scikit-learn or numpy: the runtime reads what training wrote.
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from .features import features

FORMAT = 1
SHIPPED = Path(__file__).with_name("shipped.json.gz")
KINDS = ("incident", "bug", "complaint")
# Words too common to explain a rating: left out of "the words that weighed most" (still in the model).
STOPWORDS = frozenset("the and for are but not you your our was were has have had this that with from they them "
                      "his her its into out all any can could would should will just also than then there here "
                      "what when which who how been being does did done very some such only over more most".split())


class ModelFileError(UsageError):
    """A missing, corrupt or incompatible model file: the triage goes on under the rules alone."""


@dataclass(frozen=True)
class Head:
    classes: tuple[str, ...]
    intercept: tuple[float, ...]
    weights: dict[str, list[float]]
    thresholds: dict[str, float]
    link: str = "softmax"  # "ovr": one-vs-rest logits, each squashed by the sigmoid, then normalised

    def scores(self, feats: dict[str, float]) -> list[float]:
        out = list(self.intercept)
        w = self.weights
        for f, v in feats.items():
            row = w.get(f)
            if row is not None:
                for i, x in enumerate(row):
                    out[i] += x * v
        return out

    def probabilities(self, feats: dict[str, float]) -> dict[str, float]:
        s = self.scores(feats)
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
        for f, v in feats.items():
            row = self.weights.get(f)
            if row is None:
                continue
            name = f.split("|", 1)[-1]
            if not name.startswith(("w:", "b:")) or any(w in STOPWORDS or len(w) < 3 for w in name[2:].split()):
                continue
            if len(row) > 1:
                push = (row[i] - sum(row) / len(row)) * v
            else:
                push = row[0] * v
            pushes[name[2:]] = pushes.get(name[2:], 0.0) + push
        ranked = sorted(pushes.items(), key=lambda kv: -kv[1])
        return [(t, round(p, 3)) for t, p in ranked[:n] if p > 0]


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

    @property
    def is_security(self) -> bool:
        return self.security >= self.security_threshold


class LinearModel:
    def __init__(self, data: dict, source: str):
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ModelFileError(f"{source}: not a model of format {FORMAT}: rebuild it with `escalate model train`")
        try:
            self.heads = {name: Head(tuple(h["classes"]), tuple(float(x) for x in h["intercept"]), h["weights"],
                                     {k: float(v) for k, v in h.get("thresholds", {}).items()}, h.get("link", "softmax"))
                          for name, h in data["heads"].items()}
            for needed in ("kind", "severity", "security"):
                self.heads[needed]
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError(f"{source}: the model file is incomplete ({exc}): rebuild it with `escalate model train`")
        self.made = data.get("made", {})
        self.scores = data.get("scores", {})
        self.source = source
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

    def kind_of(self, text: str) -> str:
        p = self.heads["kind"].probabilities(features(text))
        return max(p, key=p.get)

    def read(self, text: str, kind: str | None = None) -> Reading:
        kind = kind or self.kind_of(text)
        feats = features(text, kind)
        sev_head, sec_head = self.heads["severity"], self.heads["security"]
        severity = sev_head.probabilities(feats)
        security = sec_head.probabilities(feats)[sec_head.classes[-1]]
        top = max(severity, key=severity.get)
        threshold = sec_head.thresholds.get(kind, sec_head.thresholds.get("default", 0.5))
        return Reading(kind=kind, severity=severity, security=security, security_threshold=threshold,
                       words=sev_head.weighed(feats, top), source=self.name)


_CACHE: dict[str, LinearModel] = {}


def shipped() -> LinearModel:
    """The model inside the package, loaded once, when a triage first needs it."""
    key = str(SHIPPED)
    if key not in _CACHE:
        _CACHE[key] = LinearModel.load(SHIPPED)
    return _CACHE[key]


def team_model_path(db_path: Path | str) -> Path:
    """The team model trained from a database's own history lives beside it: escalations.model.json.gz."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + ".model.json.gz")


def in_force(db_path: Path | str | None = None) -> LinearModel:
    """The team model beside the database when there is one, else the shipped model."""
    if db_path is not None and str(db_path) != ":memory:":
        path = team_model_path(db_path)
        if path.exists():
            key = f"{path}:{path.stat().st_mtime_ns}"
            if key not in _CACHE:
                from .team import load_team

                _CACHE[key] = load_team(path)
            return _CACHE[key]
    return shipped()
