"""Errors a user can act on. The CLI prints the message on one line and exits with `exit_code`."""


class EscalateError(Exception):
    exit_code = 1


class UsageError(EscalateError):
    """Bad input: the message names the fix. Nothing was stored."""

    exit_code = 2


class NotFound(UsageError):
    pass


class StoreError(EscalateError):
    """The database could not be read or written (locked, corrupt, unwritable)."""

    exit_code = 1


class StoreLocked(StoreError):
    """Another process holds the database's write lock (past the busy timeout)."""


class EngineError(EscalateError):
    """A model call failed; carries the calls made so far so they can still be logged."""

    def __init__(self, message: str, calls: list | None = None):
        super().__init__(message)
        self.calls = calls or []
