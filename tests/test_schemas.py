"""schemas/*.json are generated from the Pydantic models and must not drift."""

import json

from agent.schema_export import ROOT, rendered


def test_checked_in_json_schemas_match_the_models():
    expected = rendered()
    on_disk = {p.name: p.read_text() for p in ROOT.glob("*.json")}
    assert sorted(on_disk) == sorted(expected), "run `make schemas` and commit schemas/"
    for name, text in expected.items():
        assert on_disk[name] == text, f"schemas/{name} is stale: run `make schemas`"


def test_engine_triage_schema_constrains_severity_and_type():
    schema = json.loads((ROOT / "engine_triage.json").read_text())
    defs = schema["$defs"]
    assert defs["Severity"]["enum"] == ["SEV-1", "SEV-2", "SEV-3", "SEV-4"]
    assert defs["EscalationType"]["enum"] == ["technical", "service", "business", "security", "compliance"]
    assert set(schema["required"]) >= {"severity", "type", "impact", "questions", "routing"}


def test_corrections_serialise_with_from_and_to_keys():
    from agent.schemas import Correction

    c = Correction(field="severity", from_value="SEV-4", to_value="SEV-1", rule="data_loss_is_sev1", reason="r")
    assert c.model_dump(mode="json") == {"field": "severity", "from": "SEV-4", "to": "SEV-1",
                                         "rule": "data_loss_is_sev1", "reason": "r"}
