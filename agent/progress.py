"""A progress bar for long commands (batch triage, import, export, eval, model training).

On a terminal it draws a tqdm bar on stderr; piped, redirected or under `ESCALATE_NO_PROGRESS=1` it
draws nothing, so scripts and logs see only the command's own output. Library code takes a
`Progress` (default: `Progress.silent()`), so a caller that wants no bar passes nothing:

    with progress.bar("triage", total=len(rows), unit="complaint") as bar:
        for chunk in chunks:
            ...
            bar.advance(len(chunk))
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import IO, Iterator


class Progress:
    """What long-running library code calls; the silent one does nothing."""

    def __init__(self, meter=None):
        self._meter = meter

    @classmethod
    def silent(cls) -> "Progress":
        return cls(None)

    @property
    def shown(self) -> bool:
        return self._meter is not None

    def advance(self, n: int = 1) -> None:
        if self._meter is not None and n:
            self._meter.update(n)

    def total(self, n: int | None) -> None:
        """Set (or correct) the expected total once it is known."""
        if self._meter is not None:
            self._meter.total = n
            self._meter.refresh()

    def note(self, text: str) -> None:
        """A short status beside the bar ("batch msgbatch_01… in progress")."""
        if self._meter is not None:
            self._meter.set_postfix_str(text, refresh=True)

    def label(self, text: str) -> None:
        if self._meter is not None:
            self._meter.set_description_str(text, refresh=True)


def wanted(stream: IO | None = None) -> bool:
    """A bar only on an interactive terminal, and never when ESCALATE_NO_PROGRESS is set."""
    if os.environ.get("ESCALATE_NO_PROGRESS", "").strip() not in ("", "0"):
        return False
    stream = stream if stream is not None else sys.stderr
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@contextmanager
def bar(label: str, *, total: int | None = None, unit: str = "row", stream: IO | None = None,
        force: bool | None = None) -> Iterator[Progress]:
    """A bar on `stream` (stderr) when it is a terminal (or `force`), else a silent Progress."""
    stream = stream if stream is not None else sys.stderr
    show = wanted(stream) if force is None else force
    if not show:
        yield Progress.silent()
        return
    from tqdm import tqdm  # only when a bar is drawn: start-up stays fast

    # No monitor thread (it only tunes the refresh of a stalled bar): a batch forks its workers only from a
    # process with no other thread running (agent/batch.py), and a bar on a terminal must not make it spawn them.
    tqdm.monitor_interval = 0
    meter = tqdm(total=total, desc=label, unit=f" {unit}", file=stream, dynamic_ncols=True, leave=True,
                 mininterval=0.2, smoothing=0.1)
    try:
        yield Progress(meter)
    finally:
        meter.close()
