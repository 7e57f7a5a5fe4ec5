"""`escalate policy show` and `escalate policy check FILE`: a valid file, and broken ones whose
errors name the key, the line and a valid example."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from agent.faces.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


VALID = """\
name = "acme"
timezone = "Europe/Berlin"

[tiers.enterprise.severities.SEV-2]
first_response_minutes = 30

[severities.SEV-3]
warning_minutes = 30

[calendars.business]
hours = { mon = ["08:00-12:00", "13:00-17:00"], tue = ["08:00-12:00", "13:00-17:00"], wed = [], thu = [], fri = [] }
holidays_country = "DE"
holidays_subdivision = "BY"
holidays_extra = [2026-12-24, 2026-12-31]
"""


def test_policy_show_prints_the_defaults():
    result = run("policy", "show")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Policy 'default' (time zone UTC)")
    assert re.search(r"SEV-1 +15m +every 30 min +4h +24x7", out)
    assert re.search(r"SEV-3 +4h business +daily \(every business day\) +2 business days +business", out)
    assert re.search(r"SEV-4 +1 business day +on change +5 business days +business", out)
    assert "  24x7: around the clock" in out
    assert "  business: UTC, mon 09:00-17:00; tue 09:00-17:00; wed 09:00-17:00; thu 09:00-17:00; fri 09:00-17:00" in out


def test_policy_show_with_a_file_and_as_json(tmp_path):
    path = tmp_path / "acme.toml"
    path.write_text(VALID)
    shown = run("--policy", str(path), "policy", "show")
    assert shown.exit_code == 0, shown.output
    out = shown.stdout
    assert out.startswith("Policy 'acme' (time zone Europe/Berlin)")
    assert "  enterprise SEV-2: first_response_minutes=30" in out
    assert ("  business: Europe/Berlin, mon 08:00-12:00 13:00-17:00; tue 08:00-12:00 13:00-17:00, holidays DE-BY, "
            "2 custom closed dates\n") in out
    as_json = run("--policy", str(path), "policy", "show", "--json")
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.stdout)
    assert data["severities"]["SEV-2"]["first_response_minutes"] == 60  # the base row is unchanged
    assert data["tiers"]["enterprise"]["severities"]["SEV-2"] == {"first_response_minutes": 30}
    assert data["severities"]["SEV-3"]["warning_minutes"] == 30
    assert data["calendars"]["business"]["holidays_extra"] == ["2026-12-24", "2026-12-31"]


def test_policy_check_accepts_a_valid_file(tmp_path):
    path = tmp_path / "acme.toml"
    path.write_text(VALID)
    result = run("policy", "check", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Policy 'acme'")


BROKEN = {
    "unknown-zone": (
        'name = "x"\n\n[calendars.business]\ntimezone = "Mars/Olympus"\n',
        ["line 4: calendars.business.timezone: unknown time zone 'Mars/Olympus'",
         "use an IANA name such as UTC, Europe/Berlin or America/New_York"],
    ),
    "unknown-policy-zone": (
        'timezone = "Europe/Berln"\n',
        ["line 1: timezone: unknown time zone 'Europe/Berln'"],
    ),
    "unknown-country": (
        '[calendars.business]\nholidays_country = "XX"\n',
        ["calendars.business", "Country XX not available", "use an ISO code such as US, GB, DE or FR"],
    ),
    "unknown-subdivision": (
        '[calendars.business]\nholidays_country = "DE"\nholidays_subdivision = "ZZ"\n',
        ["calendars.business", "does not have subdivision ZZ", "a subdivision such as NY or BY"],
    ),
    "backwards-hours": (
        '[calendars.business]\nhours = { mon = ["17:00-09:00"] }\n',
        ["line 2: calendars.business.hours: mon: '17:00-09:00' ends before it starts"],
    ),
    "overlapping-hours": (
        '[calendars.business]\nhours = { mon = ["08:00-12:00", "11:00-17:00"] }\n',
        ["calendars.business.hours: mon: '11:00-17:00' overlaps the interval before it"],
    ),
    "bad-weekday": (
        '[calendars.business]\nhours = { monday = ["09:00-17:00"] }\n',
        ["calendars.business.hours: unknown weekday 'monday': use mon, tue, wed, thu, fri, sat, sun"],
    ),
    "unknown-calendar": (
        '[severities.SEV-2]\ncalendar = "weekdays"\n',
        ["line 2: severities.SEV-2.calendar: unknown calendar 'weekdays' (defined: 24x7, business)"],
    ),
    "zero-target": (
        '# targets\n[severities.SEV-2]\nfirst_response_minutes = 0\n',
        ["line 3: severities.SEV-2.first_response_minutes: Input should be greater than 0"],
    ),
    "first-after-resolution": (
        '[severities.SEV-1]\nfirst_response_minutes = 600\n',
        ["severities.SEV-1", "first_response_minutes is longer than resolution_minutes"],
    ),
    "tier-override-invalid": (
        '[tiers.enterprise.severities.SEV-2]\nfirst_response_minutes = 900\n',
        ["tiers.enterprise.severities.SEV-2", "first_response_minutes is longer than resolution_minutes"],
    ),
    "not-toml": ('name = "x\n', ["is not valid TOML"]),
}


@pytest.mark.parametrize("source, expected", BROKEN.values(), ids=BROKEN.keys())
def test_policy_check_names_key_and_line(tmp_path, source, expected):
    path = tmp_path / "broken.toml"
    path.write_text(source)
    result = run("policy", "check", str(path))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    for part in expected:
        assert part in result.stderr
    assert "broken.toml" in result.stderr


def test_policy_check_missing_file(tmp_path):
    result = run("policy", "check", str(tmp_path / "nope.toml"))
    assert result.exit_code == 2
    assert "policy file not found" in result.stderr
