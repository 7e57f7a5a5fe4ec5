"""Imported once by the batch's fork server (multiprocessing's forkserver preload), before it forks
the judging workers: the modules they run and the shipped offline model are then read once and their
pages shared by every worker (copy-on-write; the model's weights are a flat array and its feature
index a dict the readings only look up), instead of each worker reading its own ~60 MB copy.

Only a cache is warmed: each worker still asks triage.offline_model_for for its store's model (a
team model beside the database is read by the worker itself), so what is judged never depends on
this module. Nothing here may raise: the fork server must start whatever happens."""

from __future__ import annotations

import gc

try:
    from . import batch, drafting, triage  # noqa: F401  (what a worker imports)
    from .engines import offline  # noqa: F401

    triage.offline_model_for(None)  # the shipped model, into agent.model.linear's cache (None when off)
except Exception:  # noqa: BLE001 - a worker reads what it needs itself
    pass
gc.collect()
gc.freeze()  # the workers' collections never touch (so never copy) these objects' pages
