"""escalation-handler: complaint in, defensible triage, SLA plan and drafts out."""

__version__ = "0.1.0"

from . import regex_cache as _regex_cache  # noqa: E402

_regex_cache.install()  # the rules' patterns compiled once per machine (agent/regex_cache.py)
