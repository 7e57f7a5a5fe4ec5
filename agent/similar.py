"""Similar past escalations: full-text search on complaint and summary, ranked, with reasons.

Definition (used by the pattern-blindness flag and the repeat-escalation metric):
two escalations are *similar* when their complaints share at least MIN_SHARED distinctive terms
and the share of terms in common (Jaccard over distinctive terms) is at least MIN_JACCARD.
A *repeat* is the same customer with a similar escalation opened within WINDOW_DAYS before.
Pattern blindness is the same customer, or a similar complaint, within WINDOW_DAYS before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from .complaint import customer_words
from .store import format_id

WINDOW_DAYS = 90
MIN_SHARED = 3
MIN_JACCARD = 0.12
QUERY_TERMS = 8
_WORD = re.compile(r"[a-zà-ÿ][a-zà-ÿ0-9'-]{3,}")  # applied to lowercased text
STOPWORDS = frozenset(
    """
    this that with have from they them their there were been being what when where which while your yours
    about would could should after before again still just also only very really some more most other into
    over than then these those does doing done each even ever every here hers himself itself just like made
    make many much must need never next once same such sure take tell thank thanks that's there's today
    until upon want well went will within without yesterday morning please hello regards since because
    able know seems seem getting going give given time times days hours minutes week weeks month months
    xxxx xx/xx/xxxx company team customer customers support issue issues problem problems help
    none again every anything something nothing everything still
    """.split()
)


TERM_CHARS = 4000  # the opening of a complaint says what it is about; long threads add noise and time


def terms(text: str) -> set[str]:
    """Distinctive terms of what the customer wrote (agent.complaint): a pasted thread, signature or
    disclaimer would make every e-mail from one company look alike."""
    words = customer_words((text or "")[: 2 * TERM_CHARS])
    return {w.rstrip("'-") for w in _WORD.findall(words[:TERM_CHARS].lower())} - STOPWORDS


@dataclass(frozen=True)
class Match:
    id: int
    customer: str
    opened_at: datetime
    summary: str
    shared: tuple[str, ...]
    jaccard: float
    same_customer: bool

    @property
    def reason(self) -> str:
        parts = []
        if self.same_customer:
            parts.append("same customer")
        if self.shared:
            parts.append(f"shares {', '.join(self.shared[:6])}")
        return "; ".join(parts)

    def as_dict(self) -> dict:
        return {
            "id": format_id(self.id), "customer": self.customer, "opened_at": self.opened_at.isoformat(),
            "summary": self.summary, "shared_terms": list(self.shared), "jaccard": round(self.jaccard, 3),
            "same_customer": self.same_customer, "reason": self.reason,
        }


def is_similar(m: Match) -> bool:
    return _similar(len(m.shared), m.jaccard)


def _similar(shared: int, jaccard: float) -> bool:
    return shared >= MIN_SHARED and jaccard >= MIN_JACCARD


def overlap(mine: set[str], theirs: set[str]) -> tuple[tuple[str, ...], float]:
    """The shared distinctive terms (longest first) and their Jaccard share."""
    shared = tuple(sorted(mine & theirs, key=lambda t: (-len(t), t)))
    return shared, len(shared) / (len(mine | theirs) or 1)


def similar_terms(mine: set[str], theirs: set[str]) -> bool:
    shared, jaccard = overlap(mine, theirs)
    return _similar(len(shared), jaccard)


def rarest(db, mine: set[str]) -> list[str]:
    """The complaint's terms that the fewest stored complaints contain (the full-text vocabulary
    knows): they find the same problem without ranking half the database."""
    pool = sorted(mine, key=lambda t: (-len(t), t))[:80]
    if not pool:
        return []
    marks = ",".join("?" * len(pool))
    freq = dict(db.execute(f"SELECT term, doc FROM escalations_fts_vocab WHERE term IN ({marks})", pool).fetchall())
    known = sorted((t for t in pool if freq.get(t)), key=lambda t: (freq[t], -len(t), t))
    return known[:QUERY_TERMS]


def find(db, *, number: int, complaint: str, customer: str, opened_at: datetime, limit: int = 5,
         window_days: int | None = WINDOW_DAYS) -> list[Match]:
    """Earlier escalations that are similar or from the same customer, best first."""
    mine = terms(complaint)
    ranked = rarest(db, mine)
    candidates: dict[int, dict] = {}
    if ranked:
        query = " OR ".join(f'"{t}"' for t in ranked)
        for row in db.query(
            "SELECT e.id, e.customer, e.opened_at, e.summary, e.complaint FROM escalations_fts f "
            "JOIN escalations e ON e.rowid = f.rowid WHERE escalations_fts MATCH ? AND e.id != ? AND e.triage IS NOT NULL "
            "ORDER BY bm25(escalations_fts) LIMIT 15",
            [query, number],
        ):
            candidates[row["id"]] = row
    for row in db.query(
        "SELECT id, customer, opened_at, summary, complaint FROM escalations WHERE customer = ? COLLATE NOCASE "
        "AND id != ? AND triage IS NOT NULL ORDER BY id DESC LIMIT 10",  # an orphan (never triaged) is never cited
        [customer, number],
    ):
        candidates.setdefault(row["id"], row)
    out = []
    for row in candidates.values():
        when = datetime.fromisoformat(row["opened_at"])
        if when > opened_at or (window_days and when < opened_at - timedelta(days=window_days)):
            continue
        shared, jaccard = overlap(mine, terms(row["complaint"]))
        m = Match(row["id"], row["customer"], when, row["summary"] or "", shared, jaccard,
                  row["customer"].casefold() == customer.casefold())
        if m.same_customer or is_similar(m):
            out.append(m)
    out.sort(key=lambda m: (not (m.same_customer and is_similar(m)), -m.jaccard, -m.id))
    return out[:limit]
