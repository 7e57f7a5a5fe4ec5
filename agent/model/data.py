"""The labelled rows the model learns from: the dataset files in ../shared/datasets (see its README).

Each row becomes a `Row(id, source, kind, text, severity, security)`; a label a file does not
carry is None. The kind is how the text was written: a status-page post ("incident"), a bug
report ("bug") or a customer's complaint ("complaint").
Test complaints written for the rules (tests/situations_corpus.jsonl and the scenario cases)
are never read here: they judge the model, so they must stay out of its training.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError

ROOT = Path(__file__).resolve().parents[2]

# file → (kind, has severity, has security)
SOURCES: dict[str, tuple[str, bool, bool]] = {
    "status_incidents_dev.jsonl": ("incident", True, False),
    "apache_jira_dev.jsonl": ("bug", True, False),
    "apache_ohira_dev.jsonl": ("bug", True, True),
    "chromium_security_dev.jsonl": ("bug", False, True),
    "cfpb_complaints_dev.jsonl": ("complaint", False, True),
}


@dataclass(frozen=True)
class Row:
    id: str
    source: str
    kind: str
    text: str
    severity: str | None
    security: bool | None


def datasets_dir() -> Path:
    return Path(os.environ.get("ESCALATE_DATASETS") or ROOT.parent / "shared" / "datasets")


def load_source(name: str, folder: Path | None = None) -> list[Row]:
    kind, has_severity, has_security = SOURCES[name]
    path = (folder or datasets_dir()) / name
    if not path.exists():
        raise UsageError(f"{path}: dataset not found: set ESCALATE_DATASETS to the folder holding {name}")
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            r = json.loads(line)
            rows.append(Row(id=f"{name.split('_dev')[0]}:{r['id']}", source=name, kind=kind, text=r["text"],
                            severity=r.get("severity") if has_severity else None,
                            security=bool(r.get("security")) if has_security else None))
    return rows


def load_all(folder: Path | None = None) -> list[Row]:
    return [row for name in SOURCES for row in load_source(name, folder)]
