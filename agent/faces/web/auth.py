"""Team mode's sessions and the limit on failed logins (5 per user name and per client address in
15 minutes, then HTTP 429). The login and logout pages are pages_auth.py."""

from __future__ import annotations

import threading
import time
from collections import deque

from ... import users

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


class FailedLogins:
    """Recent failures by key (a user name, a client address); in memory, per server process."""

    def __init__(self, limit: int = MAX_FAILURES, window: float = WINDOW_SECONDS, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._seen: dict[str, deque] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str) -> deque:
        q = self._seen.setdefault(key, deque())
        while q and q[0] <= self.clock() - self.window:
            q.popleft()
        return q

    def blocked_for(self, *keys: str) -> float:
        """Seconds until a new try is allowed (0 when allowed)."""
        with self._lock:
            waits = [q[0] + self.window - self.clock() for q in map(self._recent, keys) if len(q) >= self.limit]
        return max(waits, default=0.0)

    def failed(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._recent(key).append(self.clock())

    def clear(self, key: str) -> None:
        with self._lock:
            self._seen.pop(key, None)


def current_user(settings, token: str) -> users.User | None:
    if not settings.team or not token:
        return None
    from ...store import Store

    with Store(settings.db_path) as store:
        return users.session_user(store, token)


def safe_next(value: str | None) -> str:
    """Only a path on this site (never //other.host or a scheme)."""
    value = value or "/"
    return value if value.startswith("/") and not value.startswith("//") and "\\" not in value else "/"
