"""SLA clocks: the deadlines a severity's policy sets for an escalation."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import UsageError
from .policy import Policy
from .schemas import Severity, SlaPlan


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"unknown time zone {name!r}: use an IANA name such as UTC, Europe/Berlin or America/New_York")


def plan(policy: Policy, severity: Severity, opened_at: datetime, timezone: str | None = None) -> SlaPlan:
    """Deadlines for an escalation opened at `opened_at`, shown in the customer's time zone.

    The acknowledgment is drafted at triage time, so the first update is due one update interval
    after opening; recording the real acknowledgment re-plans from when it was sent.
    """
    tz_name = timezone or policy.timezone
    tz = zone(tz_name)
    if opened_at.tzinfo is None:
        raise ValueError("opened_at must be timezone-aware")
    opened = opened_at.astimezone(tz)
    target = policy.for_severity(severity)
    every = target.update_every_minutes
    return SlaPlan(
        severity=severity,
        policy=policy.name,
        timezone=tz_name,
        opened_at=opened,
        first_response_due=opened + timedelta(minutes=target.first_response_minutes),
        next_update_due=opened + timedelta(minutes=every) if every else None,
        resolution_due=opened + timedelta(minutes=target.resolution_minutes),
        update_cadence=target.cadence_label,
        update_every_minutes=every,
        stakeholders=list(target.stakeholders),
    )
