"""Imported by a batch's fork server before it forks the workers (agent/batch.py, `preload`).

The model is read first, before the modules a triage needs: reading it leaves tens of MB of freed
memory among what it keeps, and the imports then fill those holes here, where a worker would
otherwise fill them (writing pages it shares with this process, each a private copy).
"""

import os

from .model import linear

# ESCALATE_BATCH_PRELOAD: batch.PRELOAD (the store whose model to read); ESCALATE_OFFLINE_MODEL=off: none, as
# triage.offline_model_for reads it.
if os.environ.get("ESCALATE_BATCH_PRELOAD") is not None and os.environ.get("ESCALATE_OFFLINE_MODEL", "").strip().lower() != "off":
    try:
        _path = os.environ["ESCALATE_BATCH_PRELOAD"]
        linear.in_force(_path or None).expect_many(release=True)
    except Exception:  # noqa: BLE001 (batch.preload reads it again and says nothing either)
        pass

from .batch import preload  # noqa: E402

preload()
