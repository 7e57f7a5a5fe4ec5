"""Imported by a batch's fork server before it forks the workers (agent/batch.py, `preload`)."""

from .batch import preload

preload()
