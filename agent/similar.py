"""Similar past escalations: full-text search on complaint and summary, ranked, with reasons.

Definition (used by the pattern-blindness flag and the repeat-escalation metric):
two escalations are *similar* when their complaints share at least MIN_SHARED distinctive terms
and the share of terms in common (Jaccard over distinctive terms) is at least MIN_JACCARD.
A *repeat* is the same customer with a similar escalation opened within WINDOW_DAYS before.
Pattern blindness is the same customer, or a similar complaint, within WINDOW_DAYS before.
"""

from __future__ import annotations

import array
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
    common = mine & theirs
    return _ranked(common), _share(mine, theirs, common)


def _share(mine: set[str], theirs: set[str], common: set[str]) -> float:
    """Jaccard: the shared terms over all of both (no union set built)."""
    return len(common) / ((len(mine) + len(theirs) - len(common)) or 1)


def _ranked(terms_: set[str]) -> tuple[str, ...]:
    return tuple(sorted(terms_, key=lambda t: (-len(t), t)))


def similar_terms(mine: set[str], theirs: set[str]) -> bool:
    shared, jaccard = overlap(mine, theirs)
    return _similar(len(shared), jaccard)


# -- the term index: how many stored complaints contain each term --------------------------------
# similar_df(term, docs) counts, for each distinctive term, the escalations whose complaint has it;
# similar_indexed.upto is the last escalation id counted. Whatever wrote a row (triage, batch,
# import), it is counted before the next lookup (`catch_up`, from the terms cache when the writer
# remembered them). Every read is a primary-key lookup or a bounded full-text query, so the cost of
# a lookup does not grow with the table.

_ONE_TOKEN = re.compile(r"[a-zà-ÿ0-9]+")  # what the full-text index holds as one term ("co-signer" is two)
PER_TERM = 12  # most recent escalations fetched for each rare term
CANDIDATES = 15  # the escalations sharing the most rare terms are compared in full


class TermCache:
    """Escalation id → its terms, for one database (complaints never change). A batch keeps one, so
    the rows it wrote are not read and tokenized again; bounded (`size` escalations, the oldest quarter
    dropped when full: a dropped one is read from its complaint again, with the same terms).

    Held compactly: each distinct term once, in a vocabulary, and an escalation's terms as an array of
    their numbers there (about 0.5 KB for a complaint of 100 terms, where a set of its own strings takes
    about 7 KB: 4,096 escalations in 2-3 MB, not 27). The vocabulary is rebuilt from the escalations
    held whenever it passes VOCABULARY terms (or twice what the held ones use), so the words of dropped ones go too."""

    VOCABULARY = 65_536

    def __init__(self, size: int = 4096):
        self.size = size
        self._held: dict[int, array.array] = {}
        self._number: dict[str, int] = {}  # term → its number in the vocabulary
        self._terms: list[str] = []  # number → term
        self._limit = self.VOCABULARY

    def __len__(self) -> int:
        return len(self._held)

    def __contains__(self, number: int) -> bool:
        return number in self._held

    def remember(self, number: int, mine) -> None:
        if self.size <= 0:
            return
        if len(self._held) >= self.size:
            for key in list(self._held)[: max(1, self.size // 4)]:
                del self._held[key]
        if len(self._terms) > self._limit:
            self._rebuild()
        self._held[number] = self._encode(mine)

    def get(self, number: int) -> frozenset[str] | None:
        """The escalation's terms when held, else None."""
        held = self._held.get(number)
        return None if held is None else frozenset(map(self._terms.__getitem__, held))

    def of(self, number: int, complaint: str) -> frozenset[str]:
        found = self.get(number)
        if found is None:
            found = frozenset(terms(complaint))
            self.remember(number, found)
        return found

    def _encode(self, mine) -> array.array:
        numbers, words = self._number, self._terms
        out = array.array("I")
        for t in mine:
            n = numbers.get(t)
            if n is None:
                n = numbers[t] = len(words)
                words.append(t)
            out.append(n)
        return out

    def _rebuild(self) -> None:
        held = {number: self.get(number) for number in self._held}
        self._number, self._terms = {}, []
        self._held = {number: self._encode(mine) for number, mine in held.items()}
        self._limit = max(self.VOCABULARY, 2 * len(self._terms))  # never rebuilt at every row


def _upto(db) -> int:
    row = db.execute("SELECT upto FROM similar_indexed").fetchone()
    return row[0] if row else 0


def catch_up(db, cache: TermCache | None = None) -> int:
    """Count the escalations written since the index was last brought up to date; returns how many.
    Counts are only ever added in id order, so a row is never counted twice. Inside the caller's
    transaction when there is one, else in its own."""
    conn = getattr(db, "conn", db)
    if conn.in_transaction:
        return _catch_up(conn, cache)
    if (conn.execute("SELECT max(id) FROM escalations").fetchone()[0] or 0) <= _upto(conn):
        return 0  # up to date: no write lock taken (a read while another process writes does not wait)
    conn.execute("BEGIN IMMEDIATE")
    try:
        done = _catch_up(conn, cache)
        conn.execute("COMMIT")
        return done
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _catch_up(db, cache: TermCache | None) -> int:
    upto = _upto(db)
    newest = db.execute("SELECT max(id) FROM escalations").fetchone()[0] or 0
    if newest <= upto:
        return 0
    counts: dict[str, int] = {}
    done = 0
    for number, complaint in db.execute("SELECT id, complaint FROM escalations WHERE id > ? ORDER BY id", [upto]):  # streamed
        for t in ((cache.get(number) if cache is not None else None) or terms(complaint)):
            counts[t] = counts.get(t, 0) + 1
        done += 1
    db.executemany("INSERT INTO similar_df (term, docs) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET docs = docs + excluded.docs",
                   list(counts.items()))
    db.execute("UPDATE similar_indexed SET upto = ?", [newest])
    return done


def rarest(db, mine: set[str] | frozenset[str]) -> list[str]:
    """The complaint's terms that the fewest stored complaints contain: they find the same problem
    without ranking half the database."""
    pool = sorted(mine, key=lambda t: (-len(t), t))[:80]
    if not pool:
        return []
    marks = ",".join("?" * len(pool))
    freq = dict(db.execute(f"SELECT term, docs FROM similar_df WHERE term IN ({marks})", pool).fetchall())
    known = sorted((t for t in pool if freq.get(t)), key=lambda t: (freq[t], -len(t), t))
    return known[:QUERY_TERMS]


def find(db, *, number: int, complaint: str, customer: str, opened_at: datetime, limit: int = 5,
         window_days: int | None = WINDOW_DAYS, mine: set[str] | frozenset[str] | None = None,
         cache: TermCache | None = None) -> list[Match]:
    """Earlier escalations that are similar or from the same customer, best first. `mine`: the
    complaint's terms when the caller has them already; `cache`: terms of stored complaints."""
    mine = terms(complaint) if mine is None else mine
    if db.execute("SELECT 1 FROM escalations WHERE id > ? LIMIT 1", [_upto(db)]).fetchone():
        catch_up(db, cache)
    cache = cache if cache is not None else TermCache()
    votes: dict[int, int] = {}
    for term in rarest(db, {t for t in mine if _ONE_TOKEN.fullmatch(t)}):  # each: the newest few with it
        for (rowid,) in db.execute(
            "SELECT rowid FROM escalations_fts WHERE escalations_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
            [f'"{term}"', PER_TERM],
        ):
            if rowid != number:
                votes[rowid] = votes.get(rowid, 0) + 1
    chosen = sorted(votes, key=lambda r: (-votes[r], -r))[:CANDIDATES]
    candidates: dict[int, tuple] = {}
    if chosen:
        for row in db.execute(
            f"SELECT id, customer, opened_at, summary, complaint FROM escalations WHERE id IN ({','.join('?' * len(chosen))}) "
            "AND triage IS NOT NULL",
            chosen,
        ):
            candidates[row[0]] = row
    for row in db.execute(
        "SELECT id, customer, opened_at, summary, complaint FROM escalations WHERE customer = ? COLLATE NOCASE "
        "AND id != ? AND triage IS NOT NULL ORDER BY id DESC LIMIT 10",  # an orphan (never triaged) is never cited
        [customer, number],
    ):
        candidates.setdefault(row[0], row)
    out = []
    for ident, who, opened, summary, text in candidates.values():
        when = datetime.fromisoformat(opened)
        if when > opened_at or (window_days and when < opened_at - timedelta(days=window_days)):
            continue
        theirs = cache.of(ident, text)
        common = mine & theirs
        jaccard = _share(mine, theirs, common)
        same = who.casefold() == customer.casefold()
        if same or _similar(len(common), jaccard):  # only a match has its shared terms ranked
            out.append(Match(ident, who, when, summary or "", _ranked(common), jaccard, same))
    out.sort(key=lambda m: (not (m.same_customer and is_similar(m)), -m.jaccard, -m.id))
    return out[:limit]
