"""How the offline engine rates the status incidents of a provider it never saw (the held-back set has one).

For each provider in status_incidents_dev.jsonl: the severity head is trained as `escalate model train`
trains it (same features, learner and seed) on every severity row except that provider's, then the
whole engine (the mix with the playbook's reading, the expected-cost choice, the typo ceiling and
the rule floors: agent.triage.decide) rates that provider's incidents. Beside it: the playbook alone
(ESCALATE_OFFLINE_MODEL=off: the rules) and TF-IDF + logistic regression trained on the
other providers' incidents. The kind and security heads are the shipped ones (their labels are not
severities). Needs the `train` extra; about five minutes on two cores.

    .venv/bin/python evals/provider_holdout.py
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.engines.offline import OfflineEngine  # noqa: E402
from agent.model import train  # noqa: E402
from agent.model.data import datasets_dir, load_all  # noqa: E402
from agent.model.features import features  # noqa: E402
from agent.model.linear import Head, LinearModel, shipped  # noqa: E402
from agent.model.scoring import severity_figures  # noqa: E402
from agent.policy import default_policy  # noqa: E402
from agent.schemas import Tier  # noqa: E402
from agent.triage import decide  # noqa: E402

FILE = "status_incidents_dev.jsonl"
SHOWN = ("sev1_rated_low", "macro_f1", "high_low_f1", "accuracy")


class WithHead(LinearModel):
    """The shipped model with another severity head."""

    def __init__(self, severity: Head):
        base = shipped()
        super().__init__({"format": 1, "heads": {**base.heads, "severity": severity}}, "provider-holdout")


def rate(engine, policy, texts):
    return [decide(text=t, customer="eval", tier=Tier.STANDARD, engine=engine, policy=policy)[0].severity.value
            for t in texts]


def main() -> None:
    if os.environ.get("PYTHONHASHSEED") != "0":  # as `escalate model train`: the same files give the same figures
        os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], {**os.environ, "PYTHONHASHSEED": "0"})
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    providers = {}
    with (datasets_dir() / FILE).open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            providers[f"status_incidents:{r['id']}"] = r["provider"]
    rows = [r for r in load_all() if r.severity]
    texts = [train.engine_text(r.text) for r in rows]
    feats = [features(t, r.kind) for t, r in zip(texts, rows)]
    labels = {i: r.severity for i, r in enumerate(rows)}
    policy = default_policy()
    gold_all: list[str] = []
    pred_all: dict[str, list[str]] = {"engine": [], "playbook alone": [], "tf-idf+lr (status only)": []}
    for provider in sorted(set(providers.values())):
        held = [i for i, r in enumerate(rows) if providers.get(r.id) == provider]
        kept = [i for i in range(len(rows)) if providers.get(rows[i].id) != provider]
        design, model = train.fit(feats, labels, kept, train.ALPHA_SEVERITY, balanced=True)
        h = train.export(design, model)
        head = Head(h["classes"], h["intercept"], h["weights"], link=h["link"])
        held_text = [rows[i].text for i in held]
        preds = {"engine": rate(OfflineEngine(policy, model=WithHead(head)), policy, held_text)}
        os.environ["ESCALATE_OFFLINE_MODEL"] = "off"  # the rules alone
        try:
            preds["playbook alone"] = rate(OfflineEngine(policy), policy, held_text)
        finally:
            del os.environ["ESCALATE_OFFLINE_MODEL"]
        others = [i for i in kept if providers.get(rows[i].id)]
        vec = TfidfVectorizer(sublinear_tf=True, min_df=2)
        lr = LogisticRegression(max_iter=1000, random_state=train.SEED)
        lr.fit(vec.fit_transform([rows[i].text for i in others]), [rows[i].severity for i in others])
        preds["tf-idf+lr (status only)"] = [str(p) for p in lr.predict(vec.transform(held_text))]
        gold = [rows[i].severity for i in held]
        gold_all += gold
        for name, p in preds.items():
            pred_all[name] += p
            fig = severity_figures(gold, p)
            print(f"{provider:10s} {len(held):4d}  {name:24s} " + "  ".join(f"{k} {fig[k]:.3f}" for k in SHOWN))
    for name, p in pred_all.items():
        fig = severity_figures(gold_all, p)
        print(f"{'all':10s} {len(gold_all):4d}  {name:24s} " + "  ".join(f"{k} {fig[k]:.3f}" for k in SHOWN))


if __name__ == "__main__":
    main()
