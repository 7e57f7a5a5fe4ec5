"""The shipped model's out-of-fold readings: what it says of a dataset row it was NOT trained on.

`escalate model train` fits five models on four fifths of the rows each and records, for every
row, the probabilities of the model that did not see it (evals/shipped_oof.json.gz). This module
serves those readings through the same interface as the shipped model, so `escalate eval` and the
`make test` gate run the whole offline engine (cost decision, kind blend, rule floors) on held-out
folds only. A text with no out-of-fold reading (not a dataset row) is read by the shipped model and counted in
`misses`, which the eval prints.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

from .build import OOF
from .data import datasets_dir, load_all
from .linear import ModelFileError, Reading, shipped


def _key(text: str) -> str:
    """Letters and digits only: the triage's cleaning (control characters, line ends) does not matter."""
    return re.sub(r"[\W_]+", "", text.lower())[:4000]


class OutOfFold:
    name = "shipped, out of fold"

    def __init__(self, path: Path = OOF, folder: Path | None = None):
        try:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                self.rows = json.load(fh)["rows"]
        except FileNotFoundError:
            raise ModelFileError(f"{path}: out-of-fold file not found: make it with `escalate model train`")
        except (OSError, EOFError, KeyError, json.JSONDecodeError) as exc:
            raise ModelFileError(f"{path}: unreadable out-of-fold file ({type(exc).__name__}): rerun `escalate model train`")
        from .. import claims
        from ..complaint import customer_words

        self.by_text: dict[str, dict] = {}
        for row in load_all(folder or datasets_dir()):
            entry = self.rows.get(row.id)
            if entry is not None:
                # the row as given, and as the engine reads it (the customer's new words without claims)
                self.by_text.setdefault(_key(row.text), entry)
                self.by_text.setdefault(_key(claims.read(customer_words(row.text)).text), entry)
        self.scores = shipped().scores
        self.misses = 0

    def read(self, text: str, kind: str | None = None) -> Reading:
        entry = self.by_text.get(_key(text))
        if entry is None:  # not a dataset row: the shipped model reads it, and the miss is counted
            self.misses += 1
            return shipped().read(text, kind)
        return Reading(kind=kind or entry.get("kind_read") or entry["kind"],
                       severity=entry.get("severity") or {"SEV-1": 0.25, "SEV-2": 0.25, "SEV-3": 0.25, "SEV-4": 0.25},
                       security=entry.get("security", 0.0), security_threshold=entry["security_threshold"],
                       words=[], source=self.name)
