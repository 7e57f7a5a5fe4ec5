"""Files that hold customer data (exports, drafts, reports, the database) are readable by their owner only.

`open_private` creates a file with mode 600 whatever the umask, and narrows an existing file to 600
before writing into it; `narrow` does the same for a file someone else created wider.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import IO

from .errors import EscalateError

PRIVATE = 0o600


def open_private(path: str | Path, mode: str = "w", **kwargs) -> IO:
    """open(path, mode) for writing, the file mode 600 from its first byte."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    try:
        fd = os.open(path, flags, PRIVATE)
        try:
            os.fchmod(fd, PRIVATE)  # an existing file keeps its mode through O_CREAT: narrow it
        except OSError:
            os.close(fd)
            raise
    except OSError as exc:
        raise EscalateError(f"cannot write {path}: {exc.strerror}") from exc
    return os.fdopen(fd, mode, **kwargs)


def write_private(path: str | Path, data: str | bytes, *, encoding: str = "utf-8") -> Path:
    if isinstance(data, bytes):
        with open_private(path, "wb") as fh:
            fh.write(data)
    else:
        with open_private(path, "w", encoding=encoding, newline="") as fh:
            fh.write(data)
    return Path(path)


def mode_of(path: str | Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def too_wide(path: str | Path) -> bool:
    try:
        return bool(mode_of(path) & 0o077)
    except FileNotFoundError:  # none, or gone since it was listed
        return False


def narrow(path: str | Path, *, warn: bool = True) -> int | None:
    """Narrow `path` to 600 if group or others may read it; returns the old mode when it changed. A file
    that goes away meanwhile (a -wal file another process checkpointed and removed) is left alone."""
    try:
        old = mode_of(path)
    except FileNotFoundError:
        return None
    if not old & 0o077:
        return None
    try:
        os.chmod(path, PRIVATE)
    except FileNotFoundError:
        return None
    except OSError as exc:  # not ours to change: say so, and go on
        print(f"warning: {path} is mode {old:o} (others can read customer data) and cannot be narrowed: {exc.strerror}",
              file=sys.stderr)
        return None
    if warn:
        print(f"warning: {path} was mode {old:o} (others could read customer data); narrowed to 600", file=sys.stderr)
    return old
