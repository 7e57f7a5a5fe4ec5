"""The tables the rules read. Defaults are the escalation playbook's; a TOML file overrides them."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from datetime import date
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import UsageError
from .team import TeamSection
from .notify_policy import Notifications
from .schemas import EscalationType, Severity, Tier

# cost[true severity][rated severity], what the offline engine's choice minimises (agent/model/decide.py):
# under-rating a real SEV-1 by two or three levels is the expensive mistake; one level too high is cheap.
DEFAULT_COSTS: dict[str, dict[str, float]] = {
    "SEV-1": {"SEV-1": 0.0, "SEV-2": 1.0, "SEV-3": 4.0, "SEV-4": 8.0},
    "SEV-2": {"SEV-1": 1.0, "SEV-2": 0.0, "SEV-3": 1.5, "SEV-4": 4.0},
    "SEV-3": {"SEV-1": 1.5, "SEV-2": 1.0, "SEV-3": 0.0, "SEV-4": 1.0},
    "SEV-4": {"SEV-1": 2.0, "SEV-2": 1.5, "SEV-3": 1.0, "SEV-4": 0.0},
}
MAX_POLICY_CHARS = 1_000_000
MAX_TARGET_MINUTES = 5 * 366 * 24 * 60  # no SLA target is longer than five years


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


_HOURS = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Calendar(Strict):
    """When a business-hours clock runs: weekly open intervals in a time zone, minus holidays."""

    timezone: str | None = Field(default=None, description="IANA zone; default: the policy's timezone.")
    always_open: bool = False
    hours: dict[str, list[str]] = Field(
        default_factory=dict, description='Per weekday (mon..sun), intervals like "09:00-12:30".'
    )
    holidays_country: str | None = Field(default=None, description="ISO country code for the holidays package, e.g. DE.")
    holidays_subdivision: str | None = Field(default=None, description="e.g. BY for Bavaria, NY for New York.")
    holidays_extra: list[date] = Field(default_factory=list, description="Custom closed dates.")

    @field_validator("hours")
    @classmethod
    def _valid_hours(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for day, intervals in value.items():
            if day not in WEEKDAYS:
                raise ValueError(f"unknown weekday {day!r}: use {', '.join(WEEKDAYS)}")
            previous_end = -1
            for interval in intervals:
                m = _HOURS.match(interval.replace(" ", ""))
                if not m:
                    raise ValueError(f'{day}: {interval!r} is not an interval like "09:00-17:00"')
                start, end = int(m[1]) * 60 + int(m[2]), int(m[3]) * 60 + int(m[4])
                if end <= start or end > 24 * 60:
                    raise ValueError(f"{day}: {interval!r} ends before it starts")
                if start < previous_end:
                    raise ValueError(f"{day}: {interval!r} overlaps the interval before it")
                previous_end = end
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            _check_zone(value)
        return value

    @field_validator("holidays_country")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        if value:
            _check_country(value, None)
        return value

    @field_validator("holidays_subdivision")
    @classmethod
    def _known_subdivision(cls, value: str | None, info) -> str | None:
        country = info.data.get("holidays_country")
        if value and not country:
            raise ValueError("a subdivision needs holidays_country")
        if value and country:
            _check_country(country, value)
        return value

    @model_validator(mode="after")
    def _some_open_time(self) -> "Calendar":
        if not self.always_open and not any(self.hours.values()):
            raise ValueError("a calendar needs always_open = true or some weekly hours")
        return self

    def intervals(self, weekday: int) -> list[tuple[int, int]]:
        """Open intervals of a weekday (0 = Monday) in minutes after midnight."""
        out = []
        for interval in self.hours.get(WEEKDAYS[weekday], []):
            m = _HOURS.match(interval.replace(" ", ""))
            out.append((int(m[1]) * 60 + int(m[2]), int(m[3]) * 60 + int(m[4])))
        return out


class SeverityPolicy(Strict):
    criteria: str
    first_response_minutes: int = Field(gt=0, le=MAX_TARGET_MINUTES)
    update_every_minutes: int | None = Field(gt=0, le=MAX_TARGET_MINUTES, description="None means 'on change'.")
    resolution_minutes: int = Field(gt=0, le=MAX_TARGET_MINUTES)
    stakeholders: list[str]
    calendar: str = Field(default="24x7", description="Name of the calendar the clocks count in.")
    warning_minutes: int | None = Field(
        default=None, ge=0, description="Due-soon lead time; default: 15 min or 20 % of the target, whichever is smaller."
    )
    boundary: str = Field(default="", description="For the model's prompt: where this level ends and the next begins.")
    examples: list[str] = Field(default=[], description="For the model's prompt: short complaints that are this level.")

    def warning_for(self, target_minutes: int) -> int:
        if self.warning_minutes is not None:
            return self.warning_minutes
        return min(15, target_minutes // 5)

    @field_validator("update_every_minutes", mode="before")
    @classmethod
    def _on_change(cls, value):
        # TOML has no null: a policy file writes "on change".
        return None if value in ("on change", "on_change") else value

    @model_validator(mode="after")
    def _first_response_within_resolution(self) -> "SeverityPolicy":
        if self.first_response_minutes > self.resolution_minutes:
            raise ValueError("first_response_minutes is longer than resolution_minutes")
        return self

    @property
    def cadence_label(self) -> str:
        return cadence_label(self.update_every_minutes, business=self.calendar != "24x7")


class LlmPolicy(Strict):
    """How long a model call may take, all retries included, before the offline engine answers."""

    timeout_seconds: float = Field(default=30.0, gt=0, le=600, description="Total deadline per model call.")
    max_retry_after_seconds: float = Field(
        default=10.0, ge=0, description="A retry-after longer than this falls back at once instead of waiting.")
    max_retries: int = Field(default=2, ge=0, le=10, description="HTTP retries (429, 5xx, timeouts) within the deadline.")


class Team(Strict):
    name: str
    owner: str = Field(description="Who owns an escalation routed here until someone is assigned.")
    channel: str = Field(description="How the customer reaches the owner (email, phone, Slack Connect).")


class RecoveryLevel(Strict):
    """What recovery an impact level calls for, and the most a gesture may give."""

    actions: list[str]
    max_credit_months: int = Field(ge=0, le=12)
    gestures: list[str] = []


class Company(Strict):
    name: str = "Customer Support"
    signature: str = "Customer Support"
    executive: str = Field(default="", description="Who signs executive apologies (name); the title is used alone when empty.")
    executive_title: str = "Head of Customer Success"


class TierPolicy(Strict):
    """Per-tier overrides of the severity targets, e.g. enterprise SEV-2 first response 30 min."""

    severities: dict[Severity, dict[str, Any]] = {}


class Policy(Strict):
    name: str = "default"
    timezone: str = "UTC"
    max_complaint_chars: int = Field(default=100_000, gt=0)
    company: Company = Company()
    team: TeamSection = TeamSection()
    severities: dict[Severity, SeverityPolicy]
    tiers: dict[Tier, TierPolicy] = {}
    calendars: dict[str, Calendar]
    teams: dict[EscalationType, Team]
    tier_by_severity: dict[Severity, str]
    recovery: dict[Literal["minor", "moderate", "significant", "severe"], RecoveryLevel]
    types: dict[EscalationType, str] = Field(
        default_factory=lambda: {EscalationType(k): v for k, v in DEFAULT_TYPES.items()},
        description="What each escalation type covers (the model's prompt).",
    )
    llm: LlmPolicy = LlmPolicy()
    severity_costs: dict[Severity, dict[Severity, float]] = Field(
        default_factory=lambda: {Severity(g): {Severity(r): c for r, c in row.items()} for g, row in DEFAULT_COSTS.items()},
        description="cost[true severity][rated severity] that the offline engine's choice minimises (agent/model/decide.py).",
    )
    roles: dict[Severity, list[str]] = Field(
        default_factory=lambda: {Severity(k): list(v) for k, v in DEFAULT_ROLES.items()},
        description="War-room roster per severity (agent/warroom.py); optional, so older stored policies validate.",
    )
    # Notification wiring and the team's templates folder (agent/notify*.py, agent/prompts.py): read from
    # the policy in force, never stored with an escalation (exclude), so editing them never re-plans anything.
    notifications: Notifications = Field(default_factory=Notifications, exclude=True)
    templates: str | None = Field(default=None, exclude=True, description="Folder of the team's message templates.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        _check_zone(value)
        return value

    @model_validator(mode="after")
    def _references_resolve(self) -> "Policy":
        for tier in Tier:
            for severity in Severity:
                target = self.for_severity(severity, tier)  # validates the merged override
                if target.calendar not in self.calendars:
                    raise ValueError(
                        f"severities.{severity.value}.calendar: unknown calendar {target.calendar!r} "
                        f"(defined: {', '.join(self.calendars)})"
                    )
        return self

    @field_validator("severity_costs")
    @classmethod
    def _costs_complete(cls, value: dict) -> dict:
        for gold in Severity:
            row = value.get(gold)
            if row is None or any(r not in row for r in Severity):
                raise ValueError(f"severity_costs.{gold.value}: give a cost for rating it each of SEV-1..SEV-4")
            for rated, cost in row.items():
                if cost < 0:
                    raise ValueError(f"severity_costs.{gold.value}.{rated.value}: a cost cannot be negative")
            if row[gold] != 0:
                raise ValueError(f"severity_costs.{gold.value}.{gold.value}: rating it right costs 0")
        return {Severity(g): {Severity(r): float(c) for r, c in row.items()} for g, row in value.items()}

    @field_validator("severities", "tier_by_severity")
    @classmethod
    def _every_severity(cls, value: dict) -> dict:
        missing = [s.value for s in Severity if s not in value]
        if missing:
            raise ValueError(f"missing severities: {', '.join(missing)}")
        return value

    @field_validator("teams")
    @classmethod
    def _every_type(cls, value: dict) -> dict:
        missing = [t.value for t in EscalationType if t not in value]
        if missing:
            raise ValueError(f"missing escalation types: {', '.join(missing)}")
        return value

    def for_severity(self, severity: Severity, tier: Tier | str | None = None) -> SeverityPolicy:
        base = self.severities[severity]
        tier_policy = self.tiers.get(Tier(tier)) if tier else None
        override = tier_policy.severities.get(severity) if tier_policy else None
        if not override:
            return base
        try:
            return SeverityPolicy.model_validate({**base.model_dump(), **override})
        except ValidationError as exc:
            message = exc.errors()[0]["msg"].removeprefix("Value error, ")
            raise ValueError(f"tiers.{Tier(tier).value}.severities.{severity.value}: {message}") from exc

    def calendar_for(self, severity: Severity, tier: Tier | str | None = None) -> Calendar:
        cal = self.calendars[self.for_severity(severity, tier).calendar]
        return cal if cal.timezone else cal.model_copy(update={"timezone": self.timezone})


def _check_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as UTC, Europe/Berlin or America/New_York")


def _check_country(country: str, subdivision: str | None) -> None:
    import holidays

    try:
        holidays.country_holidays(country, subdiv=subdivision)
    except NotImplementedError as exc:
        raise ValueError(f"{exc}; use an ISO code such as US, GB, DE or FR (and a subdivision such as NY or BY)")


def cadence_label(minutes: int | None, *, business: bool = False) -> str:
    if minutes is None:
        return "on change"
    unit = " business" if business else ""
    if minutes == (BUSINESS_DAY if business else 24 * HOUR):
        return "daily" + (" (every business day)" if business else "")
    if minutes % 60 == 0:
        return f"every {minutes // 60}{unit} h"
    return f"every {minutes}{unit} min"


def target_label(minutes: int, calendar: str) -> str:
    """A target in the policy's own units: wall-clock on 24x7, business days or hours otherwise."""
    from .sla import humanize

    if calendar == "24x7":
        return humanize(minutes)
    if minutes % BUSINESS_DAY == 0:
        days = minutes // BUSINESS_DAY
        return f"{days} business day{'s' if days > 1 else ''}"
    return f"{humanize(minutes)} of business hours"


HOUR = 60
BUSINESS_DAY = 8 * HOUR
DEFAULT_TYPES = {
    "technical": "the product misbehaves: an outage, an error, a defect, slowness, a failed integration",
    "service": "how support or delivery treated the customer: slow or missing replies, broken promises, poor handling",
    "business": "billing, pricing, invoices, contracts, renewals, refunds, credits, a threat to leave",
    "security": "unauthorised access, exposed or leaked data, fraud, stolen credentials, a vulnerability",
    "compliance": "a regulatory or legal obligation: GDPR/HIPAA requests, audits, data residency, a legal notice",
}
# Who sits in the war room, per severity (agent/warroom.py).
DEFAULT_ROLES = {
    "SEV-1": ["incident commander", "technical lead", "communications lead", "customer success manager",
              "executive sponsor", "scribe"],
    "SEV-2": ["incident commander", "technical lead", "communications lead", "customer success manager"],
    "SEV-3": ["incident commander", "technical lead", "customer success manager"],
    "SEV-4": ["incident commander", "technical lead"],
}
DEFAULT = {
    "name": "default",
    "timezone": "UTC",
    "severities": {
        "SEV-1": {
            "boundary": 'production is down or unusable for everyone, data is lost or corrupted, or data is exposed; a partial outage with a workaround is SEV-2 or lower',
            "examples": ['Nobody can log in to the production app since 09:00.', 'Someone logged into our admin account from abroad and exported every customer record.', "Last night's sync deleted all of our orders."],
            "criteria": "production down, data loss, security breach",
            "first_response_minutes": 15,
            "update_every_minutes": 30,
            "resolution_minutes": 4 * HOUR,
            "stakeholders": ["customer", "executive sponsor", "all hands (engineering, support, CSM)"],
            "calendar": "24x7",
        },
        "SEV-2": {
            "boundary": 'a major feature is broken with significant impact and no acceptable workaround, or regulatory exposure; the whole product down is SEV-1',
            "examples": ['Checkout fails for about a third of our customers.', 'Payroll export fails on the day we run payroll and there is no other way to get it.'],
            "criteria": "major feature broken, significant impact",
            "first_response_minutes": 1 * HOUR,
            "update_every_minutes": 2 * HOUR,
            "resolution_minutes": 8 * HOUR,
            "stakeholders": ["customer", "support manager", "CSM"],
            "calendar": "24x7",
        },
        "SEV-3": {
            "boundary": 'a feature works badly but a workaround exists or few users are affected; no workaround with many users blocked is SEV-2',
            "examples": ['The CSV export fails but we copy the invoices by hand for now.', 'Reports take 40 seconds to load instead of 5.'],
            "criteria": "feature degraded, workaround exists",
            # SEV-3/4 count business hours (09:00-17:00 Mon-Fri): a business day is 8 open hours,
            # so "daily" is 8 h, "48 h" two business days and "1 week" five.
            "first_response_minutes": 4 * HOUR,
            "update_every_minutes": BUSINESS_DAY,
            "resolution_minutes": 2 * BUSINESS_DAY,
            "stakeholders": ["customer", "CSM"],
            "calendar": "business",
        },
        "SEV-4": {
            "boundary": 'cosmetic issues, questions and requests with low impact; anything that blocks work is SEV-3 or higher',
            "examples": ['There is a typo in the invoice footer.', 'How do I change the date format in reports?'],
            "criteria": "minor issue, low impact",
            "first_response_minutes": BUSINESS_DAY,
            "update_every_minutes": None,
            "resolution_minutes": 5 * BUSINESS_DAY,
            "stakeholders": ["customer"],
            "calendar": "business",
        },
    },
    "calendars": {
        "24x7": {"always_open": True},
        "business": {"hours": {day: ["09:00-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")}},
    },
    "teams": {
        "technical": {"name": "Engineering", "owner": "Engineering on-call", "channel": "escalations@support.example"},
        "service": {"name": "Support Operations", "owner": "Support duty manager", "channel": "escalations@support.example"},
        "business": {"name": "Account Management", "owner": "Account manager on duty", "channel": "accounts@support.example"},
        "security": {"name": "Security Incident Response", "owner": "Security incident lead", "channel": "security@support.example"},
        "compliance": {"name": "Legal & Compliance", "owner": "Compliance officer on duty", "channel": "compliance@support.example"},
    },
    "tier_by_severity": {"SEV-1": "Incident Commander", "SEV-2": "L3", "SEV-3": "L2", "SEV-4": "L1"},
    "roles": DEFAULT_ROLES,
    "recovery": {
        "minor": {"actions": ["apology", "thank you"], "max_credit_months": 0, "gestures": []},
        "moderate": {
            "actions": ["apology", "service credit"],
            "max_credit_months": 1,
            "gestures": ["service credit", "extended terms"],
        },
        "significant": {
            "actions": ["executive call", "service credit", "roadmap review"],
            "max_credit_months": 2,
            "gestures": ["service credit", "premium support upgrade", "extended terms", "training", "early access"],
        },
        "severe": {
            "actions": ["in-person meeting", "significant gesture"],
            "max_credit_months": 3,
            "gestures": ["service credit", "premium support upgrade", "extended terms", "training", "early access"],
        },
    },
}


@lru_cache(maxsize=32)
def policy_from_json(text: str) -> Policy:
    return Policy.model_validate_json(text)


def default_policy() -> Policy:
    return Policy.model_validate(DEFAULT)


def load_policy(path: str | Path | None) -> Policy:
    """The default policy, overridden key by key by a TOML file when one is given."""
    if path is None:
        return default_policy()
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"policy file not found: {path}")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read policy file {path}: {exc}")
    policy = parse_policy(source, name=path.stem, where=str(path))
    if policy.templates:  # relative to the policy file, so the policy and its templates travel together
        folder = (path.parent / Path(policy.templates).expanduser()).resolve()
        if not folder.is_dir():
            line = _line_of(source, ["templates"])
            raise UsageError(f"invalid policy: {path}{f' line {line}' if line else ''}: templates: "
                             f"no folder {folder}; create it or fix the path (relative to the policy file)")
        policy = policy.model_copy(update={"templates": str(folder)})
    return policy


def parse_policy(source: str, *, name: str = "custom", where: str = "policy") -> Policy:
    if len(source) > MAX_POLICY_CHARS:
        raise UsageError(f"{where} is {len(source):,} characters, over the {MAX_POLICY_CHARS:,} limit for a policy")
    try:
        overrides = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{where} is not valid TOML: {exc}")
    except RecursionError:
        raise UsageError(f"{where} is nested too deep to be a policy")
    except ValueError as exc:  # an integer over Python's 4,300-digit limit
        raise UsageError(f"{where} is not a usable policy: {str(exc).split(';')[0]}")
    merged = _deep_merge(DEFAULT, overrides)
    merged["name"] = overrides.get("name", name)
    try:
        return Policy.model_validate(merged)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = [str(p) for p in err["loc"] if p != "[key]"]  # a bad dict key is reported at the key
            message = err["msg"].removeprefix("Value error, ")
            named = re.match(r"^([\w.-]+): (.*)$", message)
            keyed = (err.get("ctx") or {}).get("error")
            if getattr(keyed, "key", None):  # a section's check names its key, relative to where it ran
                loc, message = [*loc, *keyed.key.split(".")], keyed.message
            elif not loc and named:  # a cross-field check names its own key
                loc, message = named[1].split("."), named[2]
            key = ".".join(loc) or "(top level)"
            line = _line_of(source, loc)
            problems.append(f"{where}{f' line {line}' if line else ''}: {key}: {message}")
        raise UsageError("invalid policy: " + "; ".join(problems))


def _line_of(source: str, loc: list[str]) -> int | None:
    """The line that sets a key (or its nearest table), so an error points where to look.

    Follows [tables], [[arrays of tables]] (the n-th header is index n of the loc) and dotted
    keys; the line whose path matches most of `loc` wins (a table inside the key, when nothing
    names the key itself), the first one on a tie."""
    best, best_depth = None, 0
    current: list[str] = []
    arrays: dict[tuple[str, ...], int] = {}
    for i, raw in enumerate(source.splitlines(), 1):
        text = raw.strip()
        if text.startswith("[["):
            parts = _key_parts(text.strip("[] "))
            n = arrays.get(tuple(parts), 0)
            arrays[tuple(parts)] = n + 1
            current = [*parts, str(n)]
            path = current
        elif text.startswith("["):
            current = _key_parts(text.strip("[] "))
            path = current
        else:
            m = re.match(r'^((?:"[^"]*"|\'[^\']*\'|[\w-]+)(?:\s*\.\s*(?:"[^"]*"|\'[^\']*\'|[\w-]+))*)\s*=', text)
            if not m:
                continue
            path = [*current, *_key_parts(m[1])]
        depth = len(path)
        if depth <= len(loc) and path == loc[:depth]:
            score = depth
        elif path[: len(loc)] == loc:  # a table inside the key: where the key first appears
            score = len(loc) - 0.5
        else:
            continue
        if score > best_depth:
            best, best_depth = i, score
    return best


def _key_parts(key: str) -> list[str]:
    return [a or b or c for a, b, c in re.findall(r'"([^"]*)"|\'([^\']*)\'|([^.\s"\']+)', key)]


REPLACED_WHOLE = {"hours"}  # a calendar's weekly hours are stated in full, never merged day by day


def _deep_merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict) and key not in REPLACED_WHOLE:
            out[key] = _deep_merge(base[key], value)
        else:
            out[key] = value
    return out
