"""escalation-handler: complaint in, defensible triage, SLA plan and drafts out."""

__version__ = "0.1.0"
