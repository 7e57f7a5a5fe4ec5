"""The rules' regular expressions compiled once per machine, not once per process.

The cue, situation and claim patterns are long alternations, and Python's `re` parses and compiles
each in pure Python whenever a process starts: about 0.3 s of every `escalate triage` on an idle
2-core machine (more under load), and as much again in every batch worker. This keeps what `re`
produces (the matcher's code for each pattern) in a file in the user's cache directory, the way
Python keeps byte code in `__pycache__`, and hands it straight to the matcher next time, with the
literals each pattern cannot match without (agent/literals.py).

Only patterns compiled while one of this package's modules is being imported are kept: those are
the rules' fixed patterns. A pattern built at run time (from a customer's text, a name, a policy)
is compiled as usual and never written anywhere.

The file is keyed by the interpreter and the matcher's version; anything unexpected in it (another
version, a truncated file, an entry the matcher refuses) is ignored and the pattern compiled as
usual, so the cache can only make start-up faster, never change a match. `ESCALATE_REGEX_CACHE=off`
turns it off; `ESCALATE_REGEX_CACHE=DIR` puts the file in DIR.
"""

from __future__ import annotations

import array
import atexit
import marshal
import os
import sys
import threading
from pathlib import Path

from . import literals

try:  # CPython's matcher and compiler (3.11+); elsewhere the cache stays off
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover
    _sre = None

PACKAGE = __name__.split(".")[0] + "."
MAX_ENTRIES = 2000  # a file grown past this (patterns of older versions) is rewritten with this run's only

_lock = threading.Lock()
_entries: dict | None = None  # (pattern, flags) → (flags, code bytes, groups, groupindex, indexgroup, literals, reach, plan)
_new: dict = {}
_used: set = set()
_stats = {"hits": 0, "stored": 0}
_original = None


def _off() -> bool:
    return _sre is None or os.environ.get("ESCALATE_REGEX_CACHE", "").strip().lower() == "off"


def _user_cache() -> Path:
    """The user's cache directory, as platformdirs finds it, without importing platformdirs at start-up."""
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def path() -> Path | None:
    """The cache file (None when off)."""
    if _off():
        return None
    setting = os.environ.get("ESCALATE_REGEX_CACHE", "").strip()
    folder = Path(setting) if setting else _user_cache() / "escalation-handler"
    return folder / f"regex-{sys.implementation.cache_tag}-{_sre.MAGIC}-{_sre.CODESIZE}-g{literals.VERSION}.marshal"


def _load() -> dict:
    global _entries
    if _entries is None:
        _entries = {}
        where = path()
        try:
            with open(where, "rb") as fh:
                data = marshal.load(fh)
            if isinstance(data, dict):
                _entries = data
        except (OSError, EOFError, ValueError, TypeError):
            pass
    return _entries


def _importing_package_module() -> bool:
    """Whether this package's code compiles the pattern while the module whose top-level code runs
    nearest up the stack is one of this package's, being imported (not a library, not run time)."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__") in ("re", "re._compiler", __name__):
        frame = frame.f_back  # re.compile, re._compile
    if frame is None or not frame.f_globals.get("__name__", "").startswith(PACKAGE):
        return False  # compiled by a library (tokenize, jinja2, …), not by the rules
    while frame is not None and frame.f_code.co_name != "<module>":
        frame = frame.f_back
    if frame is None:
        return False
    name = frame.f_globals.get("__name__", "")
    spec = getattr(sys.modules.get(name), "__spec__", None)
    return name.startswith(PACKAGE) and bool(getattr(spec, "_initializing", False))


def _compile(p, flags=0):
    if not isinstance(p, str) or not _importing_package_module():
        return _original(p, flags)
    key = (p, int(flags))
    with _lock:
        hit = _load().get(key)
    if hit is not None:
        try:
            final, code, groups, groupindex, indexgroup, needed, reach, plan = hit
            words = array.array("I")
            words.frombytes(code)
            compiled = _sre.compile(p, final, words.tolist(), groups, groupindex, indexgroup)
        except Exception:  # an entry this matcher refuses (or of an older layout): compile it as usual
            pass
        else:
            literals.remember(p, final, frozenset(needed) if needed is not None else None, tuple(reach) if reach is not None else None,
                              plan)
            with _lock:
                _used.add(key)
                _stats["hits"] += 1
            return compiled
    tree = _parser.parse(p, flags)
    try:
        needed = literals.of_tree(tree, int(flags | tree.state.flags))
        reach = literals.reach_of_tree(tree)
        plan = literals.plan_of_tree(tree, int(flags | tree.state.flags))
    except Exception:  # a construct the gates do not know: the pattern is always searched whole
        needed = reach = plan = None
    code = _compiler._code(tree, flags)
    groupindex = dict(tree.state.groupdict)
    indexgroup = [None] * tree.state.groups
    for k, i in groupindex.items():
        indexgroup[i] = k
    final = int(flags | tree.state.flags)
    compiled = _sre.compile(p, final, code, tree.state.groups - 1, groupindex, tuple(indexgroup))
    literals.remember(p, final, needed, reach, plan)
    with _lock:
        _new[key] = (final, array.array("I", code).tobytes(), tree.state.groups - 1, groupindex, tuple(indexgroup),
                     tuple(sorted(needed)) if needed is not None else None, reach, plan)
        _used.add(key)
    return compiled


def save() -> None:
    """Write what this process compiled that the file did not hold (at exit; atomic, merged with the file)."""
    global _entries
    where = path()
    with _lock:
        if not _new or where is None:
            return
        new = dict(_new)
        _new.clear()
    _entries = None  # another process may have written meanwhile: merge with what is there now
    entries = dict(_load())
    if len(entries) + len(new) > MAX_ENTRIES:
        entries = {k: v for k, v in entries.items() if k in _used}
    entries.update(new)
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        tmp = where.with_name(f"{where.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            marshal.dump(entries, fh)
        os.replace(tmp, where)
        _entries = entries
        _stats["stored"] += len(new)
    except (OSError, ValueError):
        pass  # a read-only or full cache directory: the next process compiles again, nothing else changes


def release() -> None:
    """Let go of the file's entries read so far (about 3 MB: every pattern's code): a process whose
    modules are imported keeps only what it compiled and has yet to write. A pattern compiled later
    reads the file again."""
    global _entries
    with _lock:
        _entries = None


def stats() -> dict:
    return {**_stats, "file": str(path()), "pending": len(_new)}


def install() -> None:
    """Route `re`'s compiler through the cache (once per process; a no-op without CPython's matcher)."""
    global _original
    if _original is not None or _off():
        return
    _original = _compiler.compile
    _compiler.compile = _compile
    atexit.register(save)
