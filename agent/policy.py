"""The tables the rules read. Defaults are the escalation playbook's; a TOML file overrides them."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import UsageError
from .schemas import EscalationType, Severity


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SeverityPolicy(Strict):
    criteria: str
    first_response_minutes: int = Field(gt=0)
    update_every_minutes: int | None = Field(gt=0, description="None means 'on change'.")
    resolution_minutes: int = Field(gt=0)
    stakeholders: list[str]

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
        return cadence_label(self.update_every_minutes)


class Team(Strict):
    name: str
    owner: str = Field(description="Who owns an escalation routed here until someone is assigned.")
    channel: str = Field(description="How the customer reaches the owner (email, phone, Slack Connect).")


class Company(Strict):
    name: str = "Customer Support"
    signature: str = "Customer Support"


class Policy(Strict):
    name: str = "default"
    timezone: str = "UTC"
    max_complaint_chars: int = Field(default=100_000, gt=0)
    company: Company = Company()
    severities: dict[Severity, SeverityPolicy]
    teams: dict[EscalationType, Team]
    tier_by_severity: dict[Severity, str]

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

    def for_severity(self, severity: Severity) -> SeverityPolicy:
        return self.severities[severity]


def cadence_label(minutes: int | None) -> str:
    if minutes is None:
        return "on change"
    if minutes == 1440:
        return "daily"
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"every {hours} h"
    return f"every {minutes} min"


HOUR = 60
DEFAULT = {
    "name": "default",
    "timezone": "UTC",
    "severities": {
        "SEV-1": {
            "criteria": "production down, data loss, security breach",
            "first_response_minutes": 15,
            "update_every_minutes": 30,
            "resolution_minutes": 4 * HOUR,
            "stakeholders": ["customer", "executive sponsor", "all hands (engineering, support, CSM)"],
        },
        "SEV-2": {
            "criteria": "major feature broken, significant impact",
            "first_response_minutes": 1 * HOUR,
            "update_every_minutes": 2 * HOUR,
            "resolution_minutes": 8 * HOUR,
            "stakeholders": ["customer", "support manager", "CSM"],
        },
        "SEV-3": {
            "criteria": "feature degraded, workaround exists",
            "first_response_minutes": 4 * HOUR,
            "update_every_minutes": 24 * HOUR,
            "resolution_minutes": 48 * HOUR,
            "stakeholders": ["customer", "CSM"],
        },
        "SEV-4": {
            "criteria": "minor issue, low impact",
            "first_response_minutes": 24 * HOUR,
            "update_every_minutes": None,
            "resolution_minutes": 7 * 24 * HOUR,
            "stakeholders": ["customer"],
        },
    },
    "teams": {
        "technical": {"name": "Engineering", "owner": "Engineering on-call", "channel": "escalations@support.example"},
        "service": {"name": "Support Operations", "owner": "Support duty manager", "channel": "escalations@support.example"},
        "business": {"name": "Account Management", "owner": "Account manager on duty", "channel": "accounts@support.example"},
        "security": {"name": "Security Incident Response", "owner": "Security incident lead", "channel": "security@support.example"},
        "compliance": {"name": "Legal & Compliance", "owner": "Compliance officer on duty", "channel": "compliance@support.example"},
    },
    "tier_by_severity": {"SEV-1": "Incident Commander", "SEV-2": "L3", "SEV-3": "L2", "SEV-4": "L1"},
}


def default_policy() -> Policy:
    return Policy.model_validate(DEFAULT)


def load_policy(path: str | Path | None) -> Policy:
    """The default policy, overridden key by key by a TOML file when one is given."""
    if path is None:
        return default_policy()
    path = Path(path)
    try:
        overrides = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"policy file not found: {path}")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"policy file {path} is not valid TOML: {exc}")
    merged = _deep_merge(DEFAULT, overrides)
    merged.setdefault("name", path.stem)
    if "name" not in overrides:
        merged["name"] = path.stem
    try:
        return Policy.model_validate(merged)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise UsageError(f"policy file {path} is invalid: {problems}")


def _deep_merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = _deep_merge(base[key], value)
        else:
            out[key] = value
    return out
