"""`escalate model train`: fit the shipped model from the dataset files (needs the `train` extra).

Reproducible: the same files and seed give the same weights. Three heads, each a logistic
regression (logistic loss, SGD) over agent/model/features.py's features (the very function the runtime uses):

- kind: incident / bug / complaint, from word and character n-grams (no labels of severity);
- severity: SEV-1..4 from status incidents, Apache Jira and Ohira et al. (class-balanced, with
  kind-specific copies of every feature so each source keeps its own scale);
- security: from Ohira et al., Chromium (FARSEC) and CFPB, each (source, label) cell weighing the same
  in total (so a source with few security reports, Chromium's 81 in 3,081, is not drowned by one with
  many, and one threshold per kind of text serves every source of that kind); the threshold per kind
  is chosen on out-of-fold probabilities, against the issue's goal for that kind's reference source.
  Those probabilities are Platt-scaled per kind (on the out-of-fold log-odds) and the scaling is folded
  into the weights, so P(security) reads as a rate, not as the cell weighting's near-half.

Five-fold cross-validation (stratified by source and label) gives every row an out-of-fold
probability; those are written beside the model (`*.oof.json.gz`) and are what `escalate eval`
scores, so no figure is in-sample.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import random
from datetime import datetime, timezone
from pathlib import Path

from .data import Row
from .features import features
from .linear import FORMAT

SEED = 20261201
FOLDS = 5
ALPHA_SEVERITY = 1e-5
ALPHA_SECURITY = 1e-4
ALPHA_KIND = 1e-4
EPOCHS = 25
MIN_DF = 2
MAX_FEATURES = 120_000
# security goals per kind: (reference source or None for every row of the kind, recall wanted, false-alarm
# ceiling); the threshold meets the ceiling first. Bug reports: the Chromium goal (recall 0.70 at
# false alarms <= 0.10), the ceiling one row-and-a-bit under it because the rules' cues add false alarms of
# their own; complaints: CFPB's (0.90 at 0.15), the ceiling under it for the same reason.
SECURITY_GOALS = {"complaint": ("cfpb_complaints_dev.jsonl", 0.90, 0.12), "bug": ("chromium_security_dev.jsonl", 0.70, 0.09),
                  "incident": (None, 0.75, 0.08), "default": (None, 0.75, 0.08)}


def _need_sklearn():
    try:
        import numpy  # noqa: F401
        import sklearn  # noqa: F401
    except ImportError:
        from ..errors import UsageError

        raise UsageError("training needs scikit-learn: pip install 'escalation-handler[train]'")


def with_fixed_hash_seed() -> None:
    """Run this process again under PYTHONHASHSEED=0 unless it already is. The features' values differ in
    their last bits with the order of a set of words (str hashes are salted per process), and SGD carries
    those bits into different weights: two runs of `escalate model train` moved severity figures by up
    to 0.013 before this. With the seed fixed, the same files give the same model."""
    import os
    import sys

    # only the `escalate` command itself restarts (never a host process that calls it, such as a test runner)
    command = Path(sys.argv[0]).name == "escalate" or "agent.faces.cli" in sys.orig_argv
    if command and os.environ.get("PYTHONHASHSEED") != "0":
        sys.stdout.flush()
        os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], {**os.environ, "PYTHONHASHSEED": "0"})


def engine_text(text: str) -> str:
    """The text as the offline engine reads it at triage: the customer's new words, claims taken out."""
    from .. import claims
    from ..complaint import customer_words

    return claims.read(customer_words(text)).text


def folds_of(rows: list[Row], label, k: int = FOLDS, seed: int = SEED) -> list[int]:
    """Fold number per row, stratified by source and label, deterministic."""
    groups: dict[tuple, list[int]] = {}
    for i, r in enumerate(rows):
        groups.setdefault((r.source, label(r)), []).append(i)
    fold = [0] * len(rows)
    rng = random.Random(seed)
    for key in sorted(groups, key=str):
        idx = groups[key]
        rng.shuffle(idx)
        for j, i in enumerate(idx):
            fold[i] = j % k
    return fold


class Design:
    """Feature dicts → a sparse matrix over a vocabulary chosen on the training rows only."""

    def __init__(self, feats: list[dict[str, float]], train: list[int]):
        from collections import Counter

        df: Counter[str] = Counter()
        for i in train:
            df.update(feats[i].keys())
        kept = [f for f, n in df.items() if n >= MIN_DF or f == "bias" or f.endswith("|bias")]
        kept.sort(key=lambda f: (-df[f], f))
        self.vocab = {f: j for j, f in enumerate(kept[:MAX_FEATURES])}
        self.feats = feats

    def matrix(self, rows: list[int]):
        import numpy as np
        from scipy.sparse import csr_matrix

        data, cols, ptr = [], [], [0]
        for i in rows:
            for f, v in self.feats[i].items():
                j = self.vocab.get(f)
                if j is not None:
                    cols.append(j)
                    data.append(v)
            ptr.append(len(cols))
        return csr_matrix((np.array(data), np.array(cols), np.array(ptr)), shape=(len(rows), len(self.vocab)))


def fit(feats, labels, train: list[int], alpha: float, balanced: bool, cells: dict | None = None):
    """Logistic loss by stochastic gradient descent (one-vs-rest for several classes): seconds on
    two cores where a full solver takes minutes, and the same linear form at run time.
    `cells` ({row: cell}) weighs every cell the same in total (see cell_weights) instead of `balanced`."""
    from sklearn.linear_model import SGDClassifier

    design = Design(feats, train)
    model = SGDClassifier(loss="log_loss", alpha=alpha, max_iter=EPOCHS, tol=None, random_state=SEED,
                          class_weight="balanced" if balanced and cells is None else None, average=True)
    weights = cell_weights([cells[i] for i in train]) if cells is not None else None
    model.fit(design.matrix(train), [labels[i] for i in train], sample_weight=weights)
    return design, model


def cell_weights(cells: list) -> list[float]:
    """A weight per row such that every cell (e.g. (source, label)) weighs the same in total, and the
    weights average 1: n / (cells * rows in the row's cell)."""
    from collections import Counter

    count = Counter(cells)
    return [len(cells) / (len(count) * count[c]) for c in cells]


def held_out(design: Design, model, feats, rows: list[int]):
    """Probabilities of rows through the exported weights: the runtime's arithmetic, not sklearn's."""
    from .linear import Head

    h = export(design, model)
    head = Head(tuple(h["classes"]), tuple(h["intercept"]), h["weights"], {}, h.get("link", "softmax"))
    return [head.probabilities(feats[i]) for i in rows]


def held_out_logits(design: Design, model, feats, rows: list[int]) -> list[float]:
    """A binary head's log-odds of rows, through the exported weights (the runtime's arithmetic)."""
    from .linear import Head

    h = export(design, model)
    head = Head(tuple(h["classes"]), tuple(h["intercept"]), h["weights"], {}, h.get("link", "softmax"))
    return [head.scores(feats[i])[0] for i in rows]


def platt(logits: list[float], kinds: list[str], gold: list[bool]) -> tuple[float, dict[str, float]]:
    """Platt scaling with one offset per kind: P = sigmoid(slope * logit + offset[kind]), fitted by maximum
    likelihood on out-of-fold log-odds. The training weights (each (source, label) cell the same) put
    P(security) near a half for texts of no particular sign; this brings it back to the rate of the data
    (within a kind, the calibrated probabilities add up to its security rows) without changing any ranking
    inside a kind. Returns (slope, {kind: offset})."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    names = sorted(set(kinds))
    x = np.array([[z] + [1.0 if k == n else 0.0 for n in names] for z, k in zip(logits, kinds)])
    fit = LogisticRegression(C=1e6, fit_intercept=False, max_iter=1000).fit(x, np.array(gold, dtype=int))
    slope = float(fit.coef_[0][0])
    if slope <= 0:  # a head that ranks worse than chance: keep it as it is rather than flip it
        return 1.0, {n: 0.0 for n in names}
    return slope, {n: float(b) for n, b in zip(names, fit.coef_[0][1:])}


def calibrated(design: Design, model, slope: float, offsets: dict[str, float]):
    """The binary model with Platt's transform folded into its weights: every weight and the intercept times
    `slope`; the intercept moves by the offsets' mean over kinds (what a kind without rows of its own gets)
    and each kind's bias copy (`kind|bias`, always 1.0) by the rest of its own offset. Same linear form, same
    file format."""
    model.coef_ = model.coef_ * slope
    shared = sum(offsets.values()) / len(offsets) if offsets else 0.0
    model.intercept_ = model.intercept_ * slope + shared
    for kind, offset in offsets.items():
        j = design.vocab.get(kind + "|bias")
        if j is not None:
            model.coef_[0, j] += offset - shared
    return model


def export(design: Design, model, thresholds: dict | None = None) -> dict:
    """Weights as {feature: [w per class]}, rounded, zeros dropped."""
    coef = model.coef_  # (classes or 1, features)
    classes = [str(c) for c in model.classes_]
    intercept = [round(float(x), 4) for x in model.intercept_]
    weights = {}
    for f, j in design.vocab.items():
        row = [round(float(x), 4) for x in coef[:, j]]
        if any(row):
            weights[f] = row
    head = {"classes": classes, "intercept": intercept, "weights": weights, "link": "ovr"}
    if thresholds:
        head["thresholds"] = thresholds
    return head


def choose_threshold(probs: list[float], gold: list[bool], recall_goal: float, fa_ceiling: float) -> float:
    """The highest threshold reaching the recall goal within the false-alarm ceiling; failing that,
    the threshold with the best recall that still keeps false alarms under the ceiling. The threshold is
    one of the probabilities, unrounded (a rounded one could fall between two of them)."""
    pos = sorted((p for p, g in zip(probs, gold) if g), reverse=True)
    neg = sorted((p for p, g in zip(probs, gold) if not g), reverse=True)
    if not pos:
        return 0.5
    best = None
    for t in sorted(set(probs), reverse=True):
        recall = sum(p >= t for p in pos) / len(pos)
        fa = sum(p >= t for p in neg) / max(1, len(neg))
        if fa > fa_ceiling:
            break
        best = t
        if recall >= recall_goal:
            return t
    return best if best is not None else 0.5


def security_thresholds(rows: list[Row], probs: list[float], goals: dict = SECURITY_GOALS) -> dict[str, float]:
    """P(security) threshold per kind of text, each chosen on the out-of-fold probabilities of that kind's
    reference source (every row of the kind when it names none; every row for "default")."""
    out = {}
    for kind, (reference, goal, ceiling) in goals.items():
        mine = [(p, bool(r.security)) for r, p in zip(rows, probs)
                if (kind == "default" or r.kind == kind) and (reference is None or r.source == reference)]
        out[kind] = choose_threshold([p for p, _ in mine], [g for _, g in mine], goal, ceiling)
    return out


def train(rows: list[Row], *, progress=None) -> tuple[dict, dict]:
    """(model file contents, out-of-fold probabilities by row id)."""
    _need_sklearn()
    tick = progress or (lambda *_: None)
    kinds = [r.kind for r in rows]
    texts = [engine_text(r.text) for r in rows]
    plain = [features(t) for t in texts]
    tick("features", 1)
    kinded = [features(t, r.kind) for t, r in zip(texts, rows)]
    tick("features", 2)
    sev_idx = [i for i, r in enumerate(rows) if r.severity]
    sec_idx = [i for i, r in enumerate(rows) if r.security is not None]
    sev = {i: rows[i].severity for i in sev_idx}
    sec = {i: "yes" if rows[i].security else "no" for i in sec_idx}
    sec_cells = {i: (rows[i].source, rows[i].security) for i in sec_idx}
    kind_labels = dict(enumerate(kinds))

    oof: dict[str, dict] = {r.id: {"kind": r.kind} for r in rows}
    sev_fold = folds_of([rows[i] for i in sev_idx], lambda r: r.severity)
    sec_fold = folds_of([rows[i] for i in sec_idx], lambda r: r.security)
    kind_fold = folds_of(rows, lambda r: r.kind)
    sec_logit: dict[int, float] = {}
    for k in range(FOLDS):
        tr = [i for i, f in zip(sev_idx, sev_fold) if f != k]
        te = [i for i, f in zip(sev_idx, sev_fold) if f == k]
        design, model = fit(kinded, sev, tr, ALPHA_SEVERITY, balanced=True)
        for i, p in zip(te, held_out(design, model, kinded, te)):
            oof[rows[i].id]["severity"] = {c: round(x, 5) for c, x in p.items()}
        tr = [i for i, f in zip(sec_idx, sec_fold) if f != k]
        te = [i for i, f in zip(sec_idx, sec_fold) if f == k]
        design, model = fit(kinded, sec, tr, ALPHA_SECURITY, balanced=True, cells=sec_cells)
        for i, z in zip(te, held_out_logits(design, model, kinded, te)):
            sec_logit[i] = z
        tr = [i for i, f in enumerate(kind_fold) if f != k]
        te = [i for i, f in enumerate(kind_fold) if f == k]
        design, model = fit(plain, kind_labels, tr, ALPHA_KIND, balanced=True)
        for i, p in zip(te, held_out(design, model, plain, te)):
            oof[rows[i].id]["kind_read"] = max(p, key=p.get)
        tick("folds", k + 1)

    slope, offsets = platt([sec_logit[i] for i in sec_idx], [rows[i].kind for i in sec_idx], [bool(rows[i].security) for i in sec_idx])
    for i in sec_idx:  # unrounded: the threshold search ranks every row
        z = max(-50.0, min(50.0, slope * sec_logit[i] + offsets[rows[i].kind]))
        oof[rows[i].id]["security"] = 1.0 / (1.0 + math.exp(-z))
    thresholds = security_thresholds([rows[i] for i in sec_idx], [oof[rows[i].id]["security"] for i in sec_idx])
    for r in rows:
        oof[r.id]["security_threshold"] = thresholds.get(r.kind, thresholds["default"])

    heads = {}
    design, model = fit(kinded, sev, sev_idx, ALPHA_SEVERITY, balanced=True)
    heads["severity"] = export(design, model)
    design, model = fit(kinded, sec, sec_idx, ALPHA_SECURITY, balanced=True, cells=sec_cells)
    heads["security"] = export(design, calibrated(design, model, slope, offsets), thresholds)
    design, model = fit(plain, kind_labels, list(range(len(rows))), ALPHA_KIND, balanced=True)
    heads["kind"] = export(design, model)
    tick("final", 1)

    digest = hashlib.sha256("".join(r.id + r.text for r in rows).encode()).hexdigest()[:16]
    made = {
        "command": "escalate model train", "seed": SEED, "folds": FOLDS,
        "made_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "sources": sorted({r.source for r in rows}), "rows": len(rows), "rows_digest": digest,
        "learner": "SGDClassifier(loss=log_loss, averaged, class-balanced; security: every (source, label) cell "
                   "weighs the same)", "epochs": EPOCHS,
        "security_goals": {k: list(v) for k, v in SECURITY_GOALS.items()},
        "security_calibration": {"slope": round(slope, 4), "offsets": {k: round(v, 4) for k, v in offsets.items()}},
        "alpha": {"severity": ALPHA_SEVERITY, "security": ALPHA_SECURITY, "kind": ALPHA_KIND},
        "min_df": MIN_DF, "max_features": MAX_FEATURES,
    }
    return {"format": FORMAT, "made": made, "heads": heads}, oof


def write(path: Path, data: dict) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with gzip.GzipFile(tmp, "wb", mtime=0) as fh:
        fh.write(json.dumps(data, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    tmp.replace(path)


def baselines(rows: list[Row]) -> dict:
    """Per source file, on the same kind of folds: the majority class and TF-IDF + logistic regression
    trained on that file alone (the datasets README's reference). Predictions by row id."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    out: dict[str, dict] = {}
    for source in sorted({r.source for r in rows}):
        mine = [r for r in rows if r.source == source]
        for task, label in (("severity", lambda r: r.severity), ("security", lambda r: r.security)):
            labelled = [r for r in mine if label(r) is not None]
            if not labelled:
                continue
            fold = folds_of(labelled, label)
            for k in range(FOLDS):
                tr = [r for r, f in zip(labelled, fold) if f != k]
                te = [r for r, f in zip(labelled, fold) if f == k]
                counts: dict = {}
                for r in tr:
                    counts[label(r)] = counts.get(label(r), 0) + 1
                majority = max(sorted(counts, key=str), key=counts.get)
                vec = TfidfVectorizer(sublinear_tf=True, min_df=2)
                lr = LogisticRegression(max_iter=1000, random_state=SEED)
                lr.fit(vec.fit_transform([r.text for r in tr]), [label(r) for r in tr])
                for r, p in zip(te, lr.predict(vec.transform([r.text for r in te]))):
                    entry = out.setdefault(r.id, {})
                    entry[f"{task}_majority"] = majority
                    entry[f"{task}_tfidf"] = p.item() if hasattr(p, "item") else p
    return out
