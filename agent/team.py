"""Who is writing: the policy's [team] section, and the signature, contact line and warning it gives.

    [team]
    company = "Acme Payments"
    support_team = "Acme Customer Support"
    contact_email = "support@acme.example"
    contact_phone = "+44 20 7946 0000"
    agent = { name = "Sam Rivera", title = "Senior Support Engineer" }
    manager = { name = "Dana Okafor", title = "Support Manager" }
    executive = { name = "Lee Chen", title = "VP Customer Success" }
    [team.signers]          # who signs each draft kind or audience: agent, manager, executive or owner
    apology = "executive"
    exec = "manager"

Until company and contact_email are filled in, drafts say so in a one-line warning (stderr and
`--json`) and carry no invented address: the contact line says to reply to the message instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Role = Literal["agent", "manager", "executive", "owner"]
_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
DEFAULT_SIGNERS: dict[str, str] = {"apology": "executive", "exec": "manager"}


class Signer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = ""
    title: str = ""


class TeamSection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    company: str = Field(default="", description="Your company's name, under every signature.")
    support_team: str = Field(default="", description="The support team's name as customers know it.")
    contact_email: str = Field(default="", description="Where customers write: the contact line and the .eml From.")
    contact_phone: str = ""
    agent: Signer = Signer()
    manager: Signer = Signer()
    executive: Signer = Signer()
    signers: dict[str, Role] = Field(default_factory=dict, description="Draft kind or audience -> who signs.")

    @field_validator("contact_email")
    @classmethod
    def _address(cls, value: str) -> str:
        if value and not _ADDRESS.match(value.strip()):
            raise ValueError(f"contact_email {value!r} is not an e-mail address")
        return value.strip()

    @property
    def missing(self) -> list[str]:
        return [k for k in ("company", "contact_email") if not getattr(self, k).strip()]

    @property
    def configured(self) -> bool:
        return not self.missing

    def role_for(self, kind: str, audience: str) -> str:
        chosen = {**DEFAULT_SIGNERS, **self.signers}
        return chosen.get(audience if audience == "exec" else kind, chosen.get(kind, "agent"))


@dataclass(frozen=True)
class Sender:
    name: str            # who signs (a person when the policy names one, else the owner)
    title: str           # their title, or ""
    company: str         # the company line, or ""
    channel: str | None  # how the customer reaches us; None: reply to this message
    warning: str | None  # one line when the [team] section is not filled in

    @property
    def signature(self) -> str:
        second = ", ".join(x for x in (self.title, self.company) if x)
        return "\n".join(x for x in (self.name, second) if x)


def sender(team: TeamSection, *, kind: str, audience: str, owner: str, team_channel: str | None,
           executive: Signer | None = None, company: str = "") -> Sender:
    """The signature and contact for one draft. `team_channel` is the routed team's channel when the
    policy set one (None for the shipped placeholder); `executive` the older [company] executive,
    used when [team] names none (a title alone signs as the title)."""
    role = team.role_for(kind, audience)
    person = getattr(team, role) if role != "owner" else Signer(name=owner)
    if role == "executive" and not person.name and executive and (executive.name or executive.title):
        person = executive if executive.name else Signer(name=executive.title)
    name = person.name or owner
    title = person.title if person.name else (person.title or "")
    contact = ", ".join(x for x in (team.contact_email, team.contact_phone) if x) or team_channel
    warning = None
    if not team.configured:
        warning = (f"the policy's [team] section has no {' or '.join(team.missing)}: drafts are signed "
                   f"{name!r} with {'no contact address' if not contact else contact}; run `escalate init` and fill it in")
    return Sender(name=name, title=title, company=team.company or team.support_team or company, channel=contact or None,
                  warning=warning)


POLICY_TEMPLATE = '''\
# escalation-handler policy. Every key is optional: what you leave out keeps the default
# (`escalate policy show` prints them all). Check this file with `escalate policy check FILE`,
# then use it with --policy FILE or ESCALATE_POLICY=FILE.

# The zone business hours and deadlines count in, unless a triage gives --tz.
timezone = "UTC"

[team]
# Who is writing. Until company and contact_email are filled in, every draft warns that they are not.
company = ""                 # e.g. "Acme Payments"
support_team = ""            # e.g. "Acme Customer Support"
contact_email = ""           # e.g. "support@acme.example": the contact line and the .eml From
contact_phone = ""           # e.g. "+44 20 7946 0000"
agent = { name = "", title = "" }        # signs acknowledgments, updates, resolutions, summaries
manager = { name = "", title = "" }      # signs drafts --to exec
executive = { name = "", title = "" }    # signs the executive apology

[team.signers]
# Draft kind or audience = agent | manager | executive | owner (the escalation's owner)
apology = "executive"
exec = "manager"

# Routing: who owns each escalation type until someone is assigned, and how customers reach them.
# [teams.technical]
# owner = "Jordan Lee"
# channel = "jordan.lee@yourcompany.example, +1 555 0100"

# Targets per severity (minutes); tiers can override them.
# [severities.SEV-2]
# first_response_minutes = 45
# [tiers.enterprise.severities.SEV-2]
# first_response_minutes = 30
'''
