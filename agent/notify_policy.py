"""The policy's [notifications] section: channels, recipients, the escalation ladder and who gets updates.

Credentials are never written here: a channel names the environment variables that hold them
(`url_env`, `secret_env`, `username_env`, `password_env`). The section is read from the policy in
force, not the copy stored with each escalation (it is wiring, not a promise made at triage), so
it is excluded from that copy.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .schemas import Severity, Tier

CLOCKS = ("first_response", "update", "resolution")
CHANNEL_TYPES = ("slack", "webhook", "email")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
_ENV = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


class KeyedError(ValueError):
    """A check on a section that names the key it is about, relative to the section, so that
    parse_policy can point at the key's line (`key` like "ladder.SEV-1.0.notify")."""

    def __init__(self, key: str, message: str):
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Channel(Strict):
    """Where a notification goes: a Slack-compatible incoming webhook, a signed JSON webhook, or SMTP."""

    type: Literal["slack", "webhook", "email"]
    url: str | None = Field(default=None, description="slack/webhook: the URL (prefer url_env: a Slack URL is a credential).")
    url_env: str | None = Field(default=None, description="slack/webhook: environment variable holding the URL.")
    secret_env: str | None = Field(default=None, description="webhook: environment variable holding the HMAC secret.")
    signature_header: str = "X-Escalate-Signature"
    host: str | None = Field(default=None, description="email: SMTP server.")
    port: int = Field(default=587, ge=1, le=65535)
    sender: str | None = Field(default=None, alias="from", description="email: the From address.")
    username_env: str | None = None
    password_env: str | None = None
    starttls: bool = Field(default=True, description="email: upgrade with STARTTLS (only a local relay may skip it).")
    ca_file: str | None = Field(default=None, description="email: CA bundle for a private certificate authority.")
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)

    @model_validator(mode="after")
    def _complete(self) -> "Channel":
        for key in ("url_env", "secret_env", "username_env", "password_env"):
            value = getattr(self, key)
            if value is not None and not _ENV.match(value):
                raise KeyedError(key, f"{value!r} is not an environment variable name (letters, digits, _)")
        if self.type in ("slack", "webhook"):
            if (self.url is None) == (self.url_env is None):
                raise KeyedError("url", f"a {self.type} channel needs exactly one of url or url_env")
            if self.url is not None and not self.url.startswith(("http://", "https://")):
                raise KeyedError("url", f"{self.url!r} is not an http(s) URL")
            if self.type == "webhook" and not self.secret_env:
                raise KeyedError("secret_env", "a webhook is signed: name the environment variable holding its HMAC secret")
            for key in ("host", "sender", "username_env", "password_env", "ca_file"):
                if getattr(self, key) is not None:
                    raise KeyedError(key, f"{'from' if key == 'sender' else key} is for email channels")
            return self
        for key in ("url", "url_env", "secret_env"):
            if getattr(self, key) is not None:
                raise KeyedError(key, f"{key} is for slack and webhook channels")
        if not self.host:
            raise KeyedError("host", "an email channel needs the SMTP host")
        if not self.sender or not _EMAIL.match(self.sender):
            raise KeyedError("from", f"an email channel needs a From address, not {self.sender!r}")
        local = self.host in LOCAL_HOSTS
        if not (self.username_env and self.password_env) and not local:
            raise KeyedError("host", f"the SMTP host {self.host} has no credentials: set username_env and password_env "
                                     "(names of environment variables holding them)")
        if not self.starttls and not local:
            raise KeyedError("starttls", "only a local relay (localhost) may be used without STARTTLS")
        return self

    @property
    def local(self) -> bool:
        return self.host in LOCAL_HOSTS


class Recipient(Strict):
    channel: str
    to: list[str] = Field(default_factory=list, description="email: addresses.")
    mention: str | None = Field(default=None, description='slack: e.g. "<@U024BE7LH>" or "<!subteam^S01>".')

    @field_validator("to", mode="before")
    @classmethod
    def _listed(cls, value):
        return [value] if isinstance(value, str) else value


class Rung(Strict):
    """One step of the ladder: when (exactly one of percent, minutes_before, breach) and whom to tell."""

    percent: float | None = Field(default=None, description="Of the target elapsed, e.g. 50 or \"75%\".")
    minutes_before: int | None = Field(default=None, ge=1, description="Wall-clock minutes before the deadline.")
    breach: int | None = Field(default=None, ge=1, description="1: at breach; 2: from the escalation's second breached deadline on.")
    notify: list[str] = Field(min_length=1)
    clocks: list[Literal["first_response", "update", "resolution"]] = Field(default_factory=lambda: list(CLOCKS))
    outside_hours: bool = Field(default=False, description="Send even when a business-hours clock's calendar is closed.")

    @field_validator("percent", mode="before")
    @classmethod
    def _percentage(cls, value):
        if isinstance(value, str):
            text = value.strip().removesuffix("%").strip()
            try:
                value = float(text)
            except ValueError:
                raise ValueError(f"{value!r} is not a percentage: write e.g. 50 or \"75%\"")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and not 0 < value < 100:
            raise ValueError(f"{value:g} is not a percentage between 0 and 100 (exclusive): at 100 % use breach = 1")
        return value

    @model_validator(mode="after")
    def _one_trigger(self) -> "Rung":
        chosen = [k for k in ("percent", "minutes_before", "breach") if getattr(self, k) is not None]
        if len(chosen) != 1:
            raise ValueError("a rung needs exactly one of percent, minutes_before or breach"
                             + (f" (it has {', '.join(chosen)})" if chosen else ""))
        return self

    @property
    def trigger(self) -> str:
        """The rung's identity in a notification's key: the same trigger at the same deadline fires once."""
        if self.percent is not None:
            return f"{self.percent:g}%"
        if self.minutes_before is not None:
            return f"{self.minutes_before}m-before"
        return "breach" if self.breach == 1 else f"breach-{self.breach}"

    @property
    def label(self) -> str:
        if self.percent is not None:
            return f"{self.percent:g} % of the target used"
        if self.minutes_before is not None:
            return f"{self.minutes_before} min before the deadline"
        return "breached" if self.breach == 1 else f"breached (breach {self.breach} or later of this escalation)"


class Notifications(Strict):
    retries: int = Field(default=2, ge=0, le=10, description="Retries after a failed delivery, with backoff.")
    backoff_seconds: float = Field(default=2.0, ge=0, le=300, description="First retry delay; doubles each retry.")
    channels: dict[str, Channel] = Field(default_factory=dict)
    recipients: dict[str, Recipient] = Field(default_factory=dict)
    ladder: dict[Severity, list[Rung]] = Field(default_factory=dict)
    tiers: dict[Tier, dict[Severity, list[Rung]]] = Field(
        default_factory=dict, description="Per-tier ladders that replace the severity's ladder for that tier.")
    updates: dict[Severity, list[str]] = Field(
        default_factory=dict, description="Who gets the internal summary when an update is recorded, per severity.")

    @model_validator(mode="after")
    def _references(self) -> "Notifications":
        for name, r in self.recipients.items():
            if r.channel not in self.channels:
                raise KeyedError(f"recipients.{name}.channel",
                                 f"unknown channel {r.channel!r} (defined: {', '.join(self.channels) or 'none'})")
            channel = self.channels[r.channel]
            if channel.type == "email":
                if not r.to:
                    raise KeyedError(f"recipients.{name}.to", f"{name} is reached by e-mail: give the address(es) in to")
                for address in r.to:
                    if not _EMAIL.match(address):
                        raise KeyedError(f"recipients.{name}.to", f"{address!r} is not an e-mail address")
            elif r.to:
                raise KeyedError(f"recipients.{name}.to", f"to is for e-mail recipients; {r.channel} is a {channel.type} channel")
        ladders = [(f"ladder.{s.value}", rungs) for s, rungs in self.ladder.items()]
        ladders += [(f"tiers.{t.value}.{s.value}", rungs) for t, per in self.tiers.items() for s, rungs in per.items()]
        for where, rungs in ladders:
            for i, rung in enumerate(rungs):
                for who in rung.notify:
                    if who not in self.recipients:
                        raise KeyedError(f"{where}.{i}.notify",
                                         f"unknown recipient {who!r} (defined: {', '.join(self.recipients) or 'none'})")
        for severity, names in self.updates.items():
            for who in names:
                if who not in self.recipients:
                    raise KeyedError(f"updates.{severity.value}",
                                     f"unknown recipient {who!r} (defined: {', '.join(self.recipients) or 'none'})")
        return self

    def ladder_for(self, severity: Severity, tier: Tier | str | None) -> list[Rung]:
        per_tier = self.tiers.get(Tier(tier)) if tier else None
        if per_tier and severity in per_tier:
            return per_tier[severity]
        return self.ladder.get(severity, [])

    @property
    def configured(self) -> bool:
        return bool(self.ladder or self.tiers or self.updates)
