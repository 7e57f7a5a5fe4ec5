"""Does a change keep what `escalate triage --batch` stores? Two checkouts batch-triage the same CFPB rows
and every column of every table is hashed on each side.

    .venv/bin/python benchmarks/same_outputs.py BASE            # BASE (a git revision) against the working tree
    .venv/bin/python benchmarks/same_outputs.py BASE --rows 1200
    .venv/bin/python benchmarks/same_outputs.py BASE OTHER      # two revisions

Each side's agent/ and prompts/ are laid out in turn at the same temporary path and put first on
PYTHONPATH (the workers, forked from the command or spawned, have them too), and run with PYTHONHASHSEED=0:
an order that follows the hash seed would otherwise differ between identical runs. Rows are
benchmarks/batch.py's (the 597 CFPB dev complaints repeated with varied ids, 500 customers, a fixed
opened_at). Columns that hold the clock of the run itself (migration times) or the database's random name are
left out; they are named in the output. Exit status 1 when anything differs.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from batch import cfpb_rows  # noqa: E402

# when the run happened and the database's random name (migrations.py: uuid4), not what it decided
CLOCK = {("_migrations", "applied_at"), ("events", "recorded_at"), ("identity", "name")}
TREE = ("agent", "prompts")


def lay_out(side: str | None, at: Path) -> None:
    """agent/ and prompts/ of revision `side` (None: the working tree) at `at`, nothing else there."""
    shutil.rmtree(at, ignore_errors=True)
    at.mkdir(parents=True)
    if side is None:
        for name in TREE:
            shutil.copytree(ROOT / name, at / name, ignore=shutil.ignore_patterns("__pycache__"))
        return
    blob = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", side, *TREE], check=True,
                          capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        tar.extractall(at, filter="data")


def stored(db: Path) -> dict[str, str]:
    """sha256 of each column of each table (rows in their stored order), and a few counts."""
    c = sqlite3.connect(db)
    out: dict[str, str] = {}
    tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    for t in tables:
        for col in [r[1] for r in c.execute(f"PRAGMA table_info({t})")]:
            if (t, col) in CLOCK:
                continue
            rows = c.execute(f"SELECT {col} FROM {t} ORDER BY rowid" if _has_rowid(c, t) else
                             f"SELECT {col} FROM {t} ORDER BY 1").fetchall()
            out[f"{t}.{col}"] = hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
    for t in ("escalations", "events", "drafts"):
        if t in tables:
            out[f"count({t})"] = str(c.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
    out["count(similar_found)"] = str(c.execute("SELECT count(*) FROM events WHERE kind = 'similar_found'").fetchone()[0])
    c.close()
    return out


def _has_rowid(c: sqlite3.Connection, table: str) -> bool:
    try:
        c.execute(f"SELECT rowid FROM {table} LIMIT 1")
        return True
    except sqlite3.OperationalError:
        return False


def run(side: str | None, rows: Path, at: Path, work: Path, n: int) -> dict[str, str]:
    lay_out(side, at)
    db = work / f"{n}-{side or 'tree'}.db".replace("/", "_")  # its own database even when both sides are one revision
    env = {k: v for k, v in os.environ.items() if k not in ("ANTHROPIC_API_KEY", "ESCALATE_DB", "ESCALATE_POLICY")}
    env.update(PYTHONPATH=str(at), PYTHONHASHSEED="0")
    code = ("import sys; from agent.faces.cli import main; sys.argv[0] = 'escalate'; sys.exit(main())")
    done = subprocess.run([sys.executable, "-c", code, "--db", str(db), "triage", "--batch", str(rows), "--engine",
                           "offline", "--json"], capture_output=True, text=True, env=env, cwd=work)
    if done.returncode != 0:
        raise SystemExit(f"{side or 'working tree'}: batch failed ({done.returncode}): {done.stderr[-800:]}")
    probe = subprocess.run([sys.executable, "-c", "import agent; print(agent.__file__)"], capture_output=True,
                           text=True, env=env, cwd=work).stdout.strip()
    if not probe.startswith(str(at)):
        raise SystemExit(f"the laid-out agent/ was not the one imported ({probe})")
    return stored(db)


def main(argv: list[str]) -> int:
    n = int(argv[argv.index("--rows") + 1]) if "--rows" in argv else 1200
    sides = [a for i, a in enumerate(argv) if not a.startswith("--") and (i == 0 or argv[i - 1] != "--rows")]
    if not sides:
        print(__doc__)
        return 2
    a_side, b_side = sides[0], (sides[1] if len(sides) > 1 else None)
    with tempfile.TemporaryDirectory(prefix="same-outputs-") as tmp:
        work = Path(tmp)
        (work / "rows.jsonl").write_text(cfpb_rows(n))
        at = work / "checkout"
        a = run(a_side, work / "rows.jsonl", at, work, 1)
        b = run(b_side, work / "rows.jsonl", at, work, 2)
    differing = [k for k in a.keys() | b.keys() if a.get(k) != b.get(k)]
    for k in sorted(a.keys() | b.keys()):
        mark = "DIFFERENT" if k in differing else "same"
        extra = f" {a.get(k)} / {b.get(k)}" if k.startswith("count(") or k in differing else ""
        print(f"{mark:9s} {k}{extra}")
    print(f"{n} rows, {a_side} against {b_side or 'the working tree'}: "
          f"{len(differing)} of {len(a.keys() | b.keys())} differ; left out (the run's clock and the database's name): "
          + ", ".join(f"{t}.{c}" for t, c in sorted(CLOCK)))
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
