"""Build the shipped model and its out-of-fold predictions from the dataset files."""

from __future__ import annotations

from pathlib import Path

from . import data, train
from .linear import SHIPPED, packed

ROOT = Path(__file__).resolve().parents[2]
OOF = ROOT / "evals" / "shipped_oof.json.gz"


def build_shipped(*, folder: Path | None = None, out: Path = SHIPPED, oof_out: Path = OOF, progress=None) -> dict:
    """Train on every dataset file, write the model and the out-of-fold file; return the model's `made`."""
    from .scoring import score_oof

    rows = data.load_all(folder)
    model, oof = train.train(rows, progress=progress)
    for row_id, entry in train.baselines(rows).items():
        oof[row_id].update(entry)
    model["scores"] = score_oof(rows, oof)
    train.write(out, packed(model))
    oof_out.parent.mkdir(parents=True, exist_ok=True)
    train.write(oof_out, {"format": 1, "made": model["made"], "rows": oof})
    return model
