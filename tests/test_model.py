"""The offline model: features, the decision by expected cost, model files, training, the engine's why."""

from __future__ import annotations

import gzip
import json
import math
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.engines import TriageRequest
from agent.engines.offline import OfflineEngine
from agent.model import decide, linear
from agent.model.data import Row
from agent.model.features import features
from agent.policy import DEFAULT_COSTS, default_policy
from agent.schemas import EscalationType, Severity, Tier
from agent.signals import Signals
from agent.store import Store
from agent.triage import triage_complaint

POLICY = default_policy()


# -- features ---------------------------------------------------------------------------------------

def test_features_are_l2_normalised_word_bigram_and_character_grams():
    f = features("Error 500 on login")
    assert {"w:error", "w:000", "b:error 000", "b:on login", "c: lo", "c:login", "bias"} <= set(f)
    assert abs(sum(v * v for k, v in f.items() if k != "bias") - 1.0) < 1e-9


def test_kind_copies_every_feature_under_its_kind():
    plain, kinded = features("the ledger is corrupted"), features("the ledger is corrupted", "bug")
    assert set(kinded) == set(plain) | {"bug|" + k for k in plain}
    assert kinded["bug|w:ledger"] == plain["w:ledger"]


def test_only_the_first_3000_characters_are_read():
    assert features("a" * 10 + " " + "x" * 5000 + " tail") == features("a" * 10 + " " + "x" * 5000 + " other")


def test_repeated_words_count_sublinearly_and_digits_fold_inside_words():
    f = features("down down down v2 ٣")  # an Arabic-Indic three is a digit too
    assert {"w:v0", "w:0"} <= set(f) and "w:v2" not in f
    raw = {k: 1.0 + math.log(3.0 if k == "w:down" else 2.0 if k == "b:down down" else 1.0) for k in f if k != "bias"}
    norm = math.sqrt(sum(v * v for v in raw.values()))
    assert f["w:down"] == pytest.approx((1.0 + math.log(3.0)) / norm, rel=1e-12)
    assert f["b:down down"] == pytest.approx((1.0 + math.log(2.0)) / norm, rel=1e-12)


def test_features_come_in_the_texts_order_whatever_the_hash_seed():
    code = "from agent.model.features import features; print(list(features('the ledger is corrupted again and again')))"
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(runs) == 1

# -- the decision -----------------------------------------------------------------------------------

def test_a_likely_sev3_with_a_real_chance_of_sev1_is_rated_up():
    # argmax would say SEV-3; expected cost: SEV-3 costs .3*4 = 1.2, SEV-2 costs .3*1 + .7*1 = 1.0
    probs = {"SEV-1": 0.3, "SEV-2": 0.0, "SEV-3": 0.7, "SEV-4": 0.0}
    assert decide.expected_costs(probs, DEFAULT_COSTS) == pytest.approx({"SEV-1": 1.05, "SEV-2": 1.0, "SEV-3": 1.2, "SEV-4": 3.1})
    assert decide.cheapest(probs) == "SEV-2"


def test_a_certain_level_is_chosen_as_it_is():
    for level in decide.LEVELS:
        assert decide.cheapest({s: 1.0 if s == level else 0.0 for s in decide.LEVELS}) == level


def test_an_exact_tie_goes_to_the_higher_severity():
    costs = {g: {r: (0.0 if g == r else 1.0) for r in decide.LEVELS} for g in decide.LEVELS}
    assert decide.cheapest({"SEV-1": 0.0, "SEV-2": 0.5, "SEV-3": 0.5, "SEV-4": 0.0}, costs) == "SEV-2"


def test_the_policy_cost_table_drives_the_choice():
    probs = {"SEV-1": 0.2, "SEV-2": 0.0, "SEV-3": 0.8, "SEV-4": 0.0}
    assert decide.cheapest(probs, POLICY.severity_costs) == "SEV-3"  # .2*4 = .8 < SEV-2's .2*1+.8*1 = 1.0
    harsh = {g: dict(row) for g, row in DEFAULT_COSTS.items()}
    harsh["SEV-1"]["SEV-3"] = 6.0  # now SEV-3 costs 1.2 > SEV-2's 1.0
    assert decide.cheapest(probs, harsh) == "SEV-2"


def test_a_policy_cost_table_must_be_complete_and_zero_on_the_diagonal(tmp_path):
    from agent.errors import UsageError
    from agent.policy import load_policy

    bad = tmp_path / "p.toml"
    bad.write_text('[severity_costs.SEV-1]\n"SEV-1" = 1.0\n"SEV-2" = 1.0\n"SEV-3" = 4.0\n"SEV-4" = 8.0\n')
    with pytest.raises(UsageError, match="severity_costs"):
        load_policy(bad)


# -- model files ------------------------------------------------------------------------------------

def test_the_shipped_model_reads_a_status_post_as_an_incident():
    read = linear.shipped().read("Elevated error rates on the API. We are investigating increased errors for all users.")
    assert read.kind == "incident"
    assert abs(sum(read.severity.values()) - 1.0) < 1e-6
    assert 0.0 <= read.security <= 1.0


def test_a_corrupt_model_file_is_one_line_naming_the_file_and_the_command(tmp_path):
    bad = tmp_path / "broken.json.gz"
    bad.write_bytes(b"not gzip at all")
    with pytest.raises(linear.ModelFileError) as err:
        linear.LinearModel.load(bad)
    assert str(err.value) == f"{bad}: unreadable model file (BadGzipFile): rebuild it with `escalate model train`"


def test_a_missing_model_file_names_the_command(tmp_path):
    with pytest.raises(linear.ModelFileError, match="escalate model train"):
        linear.LinearModel.load(tmp_path / "none.json.gz")


def test_a_model_of_another_format_is_refused(tmp_path):
    other = tmp_path / "other.json.gz"
    with gzip.open(other, "wt") as fh:
        json.dump({"format": 99, "heads": {}}, fh)
    with pytest.raises(linear.ModelFileError, match="not a model of format 1"):
        linear.LinearModel.load(other)


def test_without_a_usable_model_the_rules_alone_rate_it_and_say_so(tmp_path, monkeypatch):
    monkeypatch.setattr(linear, "SHIPPED", tmp_path / "gone.json.gz")
    monkeypatch.setattr(linear, "_CACHE", {})
    with Store(tmp_path / "db.sqlite") as store:
        esc = triage_complaint(text="Since 9am none of our 400 agents can log in; the whole console is down.",
                               customer="Acme", tier="enterprise", store=store, engine=OfflineEngine(POLICY), policy=POLICY)
    assert esc.severity.value == "SEV-1"
    assert esc.engine.fallback_reason.startswith(f"{tmp_path / 'gone.json.gz'}: model file not found")
    assert esc.engine.fallback_reason.endswith("rated by the rules alone")


# -- the engine's why -------------------------------------------------------------------------------

def test_the_triage_shows_the_probabilities_costs_and_words_beside_the_rules():
    text = "Elevated error rates on the API. We are investigating increased errors for all users."
    result = OfflineEngine(POLICY).triage(TriageRequest(complaint=text, customer="A", tier=Tier.STANDARD),
                                          Signals.read(text, Tier.STANDARD))
    reading = result.reading
    assert reading.source == "shipped" and reading.kind == "incident"
    assert set(reading.severity_probabilities) == set(decide.LEVELS)
    assert reading.chosen.value == min(reading.expected_costs, key=lambda s: (reading.expected_costs[s], s))
    assert result.answer.severity is reading.chosen
    assert "lowest expected cost" in result.answer.rationale


class FixedModel:
    """A model whose reading is given: isolates the engine's use of it from the shipped weights."""

    name = "fixed"

    def __init__(self, severity, security=0.0, kind="incident", threshold=0.5):
        self.reading = linear.Reading(kind=kind, severity=severity, security=security, security_threshold=threshold,
                                      words=[("down", 0.4)], source="fixed")

    def read(self, text, kind=None):
        return self.reading


def _engine_answer(model, text="The reports page is a bit slow today."):
    return OfflineEngine(POLICY, model=model).triage(TriageRequest(complaint=text, customer="A", tier=Tier.STANDARD),
                                                     Signals.read(text, Tier.STANDARD))


def test_security_type_at_exactly_the_threshold_and_not_below():
    probs = {"SEV-1": 0.0, "SEV-2": 0.0, "SEV-3": 1.0, "SEV-4": 0.0}
    assert _engine_answer(FixedModel(probs, security=0.5, threshold=0.5)).answer.type.value == "security"
    assert _engine_answer(FixedModel(probs, security=0.4999, threshold=0.5)).answer.type.value != "security"


TRIPLE = ("hello i am writing because my account is charged 3 times for the same month, 29.99 each time, on 1 nov, "
          "2 nov and 3 nov. i only have one subscription. i want my money back")
EVEN = {"SEV-1": 0.0, "SEV-2": 1.0, "SEV-3": 0.0, "SEV-4": 0.0}


def test_a_billing_error_with_no_word_of_security_needs_twice_the_threshold_to_be_typed_security():
    held = _engine_answer(FixedModel(EVEN, security=0.2399, kind="complaint", threshold=0.12), TRIPLE).answer
    assert held.type is EscalationType.BUSINESS and "Not typed security: the model puts P(security) at 0.24" in held.rationale
    sure = _engine_answer(FixedModel(EVEN, security=0.24, kind="complaint", threshold=0.12), TRIPLE).answer
    assert sure.type is EscalationType.SECURITY and "Not typed security" not in sure.rationale


FALSE_ALARM = ("Hi, we reported this morning that nobody could log in. False alarm: it was our own proxy blocking your "
               "domain. All good now, please close this ticket.\n\nThanks, Tom")


def test_a_false_alarm_with_no_word_of_security_is_not_typed_security_whatever_the_model_reads():
    answer = _engine_answer(FixedModel(EVEN, security=0.99, kind="complaint", threshold=0.12), FALSE_ALARM).answer
    assert answer.type is not EscalationType.SECURITY
    assert 'Not typed security: the model puts P(security) at 0.99, over 0.12, but the customer says it is over ("All good now' in answer.rationale


def test_a_problem_called_over_beside_a_word_of_intrusion_is_typed_as_the_model_reads_it():
    text = "Someone logged in to our admin account from an IP we do not know last week. All good now, please close this ticket."
    answer = _engine_answer(FixedModel(EVEN, security=0.13, kind="complaint", threshold=0.12), text).answer
    assert answer.type is EscalationType.SECURITY


@pytest.mark.parametrize("text", [
    "There are 3 charges on my card for 29.99 that I did not make.",  # a word of fraud: not a billing matter alone
    "My account was charged 3 times this month and someone changed my password.",
])
def test_a_billing_error_beside_a_word_of_fraud_or_intrusion_is_typed_as_the_model_reads_it(text):
    answer = _engine_answer(FixedModel(EVEN, security=0.13, kind="complaint", threshold=0.12), text).answer
    assert answer.type is EscalationType.SECURITY


def test_the_model_is_blended_with_the_playbook_reading():
    # The playbook reads "a bit slow" as SEV-4; the model alone says SEV-2.
    probs = {"SEV-1": 0.0, "SEV-2": 1.0, "SEV-3": 0.0, "SEV-4": 0.0}
    mixed = _engine_answer(FixedModel(probs, kind="complaint")).reading.severity_probabilities
    assert mixed["SEV-2"] == pytest.approx(0.5 * 1.0 + 0.5 * 0.1)
    assert mixed["SEV-4"] == pytest.approx(0.5 * 0.0 + 0.5 * 0.7)


SURE_SEV1 = {"SEV-1": 1.0, "SEV-2": 0.0, "SEV-3": 0.0, "SEV-4": 0.0}


@pytest.mark.parametrize("text", ["The tooltip on the export button has a typo.",
                                  "WHO PROOFREADS THIS?? YOUR DASHBOARD SAYS 'RECIEVED' ON EVERY ORDER. FIX IT!!!",
                                  "Kleiner Hinweis: Im Dashboard steht oben 'Wilkommen' statt 'Willkommen'."])
def test_a_model_sure_of_sev1_lifts_a_typo_to_sev3_and_no_higher(text):
    result = _engine_answer(FixedModel(SURE_SEV1, kind="bug"), text)
    assert result.answer.severity is Severity.SEV3
    assert "Held at SEV-3" in result.answer.rationale and "of the levels allowed" in result.answer.rationale


def test_a_typo_the_model_also_reads_as_minor_stays_sev4():
    probs = {"SEV-1": 0.0, "SEV-2": 0.0, "SEV-3": 0.0, "SEV-4": 1.0}
    result = _engine_answer(FixedModel(probs), "The tooltip on the export button has a typo.")
    assert result.answer.severity is Severity.SEV4 and "Held at" not in result.answer.rationale


@pytest.mark.parametrize("text", ["I was double billed for my subscription in October (2 x 49 EUR). Please refund one of them.",
                                  "You charged my card twice for the same order, please refund the second charge."])
def test_a_model_sure_of_sev1_does_not_lift_one_billing_error(text):
    result = _engine_answer(FixedModel(SURE_SEV1, kind="bug"), text)
    assert result.answer.severity is Severity.SEV3
    assert "Held at SEV-3: the playbook reads one billing error" in result.answer.rationale


@pytest.mark.parametrize("text", ["You charged all of our customers twice this morning.",            # at scale: a floor
                                  "We were charged twice again, the third month in a row.",         # repeated: SEV-2
                                  "Checkout is broken for everyone and we were charged twice."])    # something broken too
def test_a_billing_error_that_is_large_repeated_or_beside_a_breakage_is_not_held(text):
    result = _engine_answer(FixedModel(SURE_SEV1, kind="bug"), text)
    assert "Held at" not in result.answer.rationale
    assert result.answer.severity.rank < Severity.SEV3.rank  # the model's SEV-1 reading is free to raise it


@pytest.mark.parametrize("text", [
    "Our webhook deliveries have been delayed by 2-3 hours since Monday. Orders still come through eventually.",
    "The reports page has been really slow since this morning, pages take about a minute to load.",
    "sync is very slow today, takes forever but it finish in the end",
])
def test_a_model_sure_of_sev1_lifts_a_degraded_feature_to_sev2_and_no_higher(text):
    result = _engine_answer(FixedModel(SURE_SEV1, kind="bug"), text)
    assert result.answer.severity is Severity.SEV2
    assert "Held at SEV-2: the playbook reads a degraded feature" in result.answer.rationale


@pytest.mark.parametrize("text", [
    "The dashboard is very slow and the export is completely broken for everyone.",  # broken outright too
    "Since 9am the whole API is down for all of our customers and everything is slow.",  # an outage: a floor
])
def test_a_degraded_feature_beside_a_breakage_or_an_outage_is_not_held(text):
    result = _engine_answer(FixedModel(SURE_SEV1, kind="bug"), text)
    assert "Held at" not in result.answer.rationale
    assert result.answer.severity is Severity.SEV1


CSM = ("We were promised on the sales call that the Enterprise plan includes a dedicated CSM and quarterly business "
       "reviews. We have been customers for 8 months and never had either. Our renewal is in 30 days and I am not going "
       "to renew at the current price unless this is sorted out. Who can I talk to?")


def test_a_model_sure_of_sev1_lifts_a_commercial_complaint_to_sev2_and_no_higher():
    result = _engine_answer(FixedModel(SURE_SEV1, kind="bug"), CSM)
    assert (result.answer.severity, result.answer.type) == (Severity.SEV2, EscalationType.BUSINESS)
    assert "Held at SEV-2: the playbook reads a commercial matter" in result.answer.rationale


@pytest.mark.parametrize("text", [
    CSM + " On top of that the dashboard is down for all our users since this morning.",  # the product is down too
    CSM + " And the export has been slow for days.",  # degraded: held by that rule, not this one
])
def test_a_commercial_complaint_with_something_wrong_with_the_product_is_not_held_as_commercial(text):
    result = _engine_answer(FixedModel(SURE_SEV1, kind="bug"), text)
    assert "commercial matter" not in result.answer.rationale


def test_a_typo_beside_a_real_outage_is_not_held():
    text = "Nobody on our team can log in since 9am, every attempt fails. Also the login page has a typo."
    assert _engine_answer(FixedModel(SURE_SEV1), text).answer.severity is Severity.SEV1


def test_the_cheapest_level_no_higher_than_a_ceiling():
    probs = {"SEV-1": 0.6, "SEV-2": 0.0, "SEV-3": 0.1, "SEV-4": 0.3}
    assert decide.cheapest(probs) == "SEV-1"
    assert decide.cheapest(probs, highest="SEV-3") == "SEV-3"  # 0.6*4 + 0.3*1 = 2.7 against 0.6*8 + 0.1 = 4.9
    assert decide.cheapest({"SEV-1": 0.0, "SEV-2": 0.0, "SEV-3": 0.0, "SEV-4": 1.0}, highest="SEV-3") == "SEV-4"
    assert decide.cheapest(probs, highest="SEV-4") == "SEV-4"


# -- training ---------------------------------------------------------------------------------------

def _rows():
    rows = []
    for i in range(40):
        rows.append(Row(f"s:{i}", "status_incidents_dev.jsonl", "incident",
                        f"Major outage {i}: all requests failing, API down" if i % 2 else f"Minor delay {i} on the dashboard",
                        "SEV-1" if i % 2 else "SEV-4", None))
        rows.append(Row(f"c:{i}", "cfpb_complaints_dev.jsonl", "complaint",
                        f"Someone opened an account {i} in my name: identity theft" if i % 4 == 0 else f"My statement {i} is late",
                        None, i % 4 == 0))
    return rows


def test_training_is_reproducible_and_learns_the_obvious(tmp_path):
    pytest.importorskip("sklearn")
    from agent.model import train

    first, oof = train.train(_rows())
    second, _ = train.train(_rows())
    first["made"].pop("made_at"), second["made"].pop("made_at")
    assert first == second
    path = tmp_path / "m.json.gz"
    train.write(path, first)
    model = linear.LinearModel.load(path)
    assert max(model.read("Major outage: all requests failing", "incident").severity.items(), key=lambda kv: kv[1])[0] == "SEV-1"
    assert model.read("identity theft: someone opened an account in my name", "complaint").is_security
    assert set(oof) == {r.id for r in _rows()} and "severity" in oof["s:1"] and "security" in oof["c:0"]


def test_a_threshold_meets_the_recall_goal_within_the_false_alarm_ceiling():
    from agent.model.train import choose_threshold

    probs = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2]
    gold = [True, True, False, True, False, False, False, False]
    assert choose_threshold(probs, gold, 1.0, 0.25) == 0.6  # all 3 positives with 1 false alarm of 5 (0.2)
    assert choose_threshold(probs, gold, 1.0, 0.1) == 0.8  # no false alarm allowed: stop before 0.7


def test_a_threshold_is_one_of_the_probabilities_unrounded():
    from agent.model.train import choose_threshold

    # saturated heads put real positives at P ~ 1e-7: a threshold rounded to 6 decimals (0.0) would flag every row
    probs = [3e-7, 2e-7, 1e-7, 5e-8]
    gold = [True, False, True, False]
    assert choose_threshold(probs, gold, 1.0, 0.5) == 1e-7  # both positives, one false alarm of two
    assert choose_threshold(probs, gold, 1.0, 0.4) == 3e-7  # a false alarm is over the ceiling: stop at the first


def test_cells_weigh_the_same_in_total():
    from agent.model.train import cell_weights

    cells = [("chromium", True)] + [("chromium", False)] * 3 + [("ohira", True), ("ohira", False)]
    weights = cell_weights(cells)
    assert weights == [1.5, 0.5, 0.5, 0.5, 1.5, 1.5]  # 6 rows / (4 cells * rows in the cell)
    assert sum(weights) == len(cells)


def test_each_kind_threshold_is_chosen_on_its_reference_source_only():
    from agent.model.train import security_thresholds

    rows = [Row("c1", "chromium", "bug", "", None, True), Row("c2", "chromium", "bug", "", None, False),
            Row("c3", "chromium", "bug", "", None, False),
            Row("o1", "ohira", "bug", "", None, True), Row("o2", "ohira", "bug", "", None, False)]
    probs = [0.4, 0.3, 0.1, 0.9, 0.8]
    goals = {"bug": ("chromium", 1.0, 0.3), "default": (None, 1.0, 0.0)}
    # Chromium alone: 0.4 catches its positive with no false alarm (Ohira's 0.8 false alarm does not count)
    assert security_thresholds(rows, probs, goals) == {"bug": 0.4, "default": 0.9}
    goals["bug"] = (None, 1.0, 0.3)  # every bug row: past 0.9 comes Ohira's false alarm (1 of 3), over the ceiling
    assert security_thresholds(rows, probs, goals)["bug"] == 0.9


def test_platt_scaling_brings_each_kind_to_its_own_rate_and_keeps_the_ranking():
    pytest.importorskip("sklearn")
    from agent.model.train import platt

    # bug reports: 2 of 6 security; complaints: 1 of 4, on a scale shifted by 3
    logits = [2.0, 1.0, 0.5, -1.0, -2.0, -3.0, 5.0, 1.0, 2.5, 0.0]
    kinds = ["bug"] * 6 + ["complaint"] * 4
    gold = [True, False, True, False, False, False, True, False, False, False]
    slope, offsets = platt(logits, kinds, gold)
    assert slope > 0 and set(offsets) == {"bug", "complaint"}
    p = [1 / (1 + math.exp(-(slope * z + offsets[k]))) for z, k in zip(logits, kinds)]
    assert sum(p[:6]) == pytest.approx(2.0, abs=1e-3) and sum(p[6:]) == pytest.approx(1.0, abs=1e-3)
    assert sorted(range(6), key=lambda i: -p[i]) == sorted(range(6), key=lambda i: -logits[i])


def test_the_calibration_folded_into_the_weights_scores_as_platt_says():
    np = pytest.importorskip("numpy")
    from types import SimpleNamespace

    from agent.model.train import calibrated, export
    from agent.model.features import with_kind

    design = SimpleNamespace(vocab={"w:a": 0, "bug|bias": 1, "complaint|bias": 2})
    model = SimpleNamespace(coef_=np.array([[1.0, 0.0, 0.0]]), intercept_=np.array([0.5]), classes_=["no", "yes"])
    h = export(design, calibrated(design, model, 2.0, {"bug": -1.0, "complaint": -3.0}))
    head = linear.Head(h["classes"], h["intercept"], h["weights"], {}, h["link"])
    plain = {"w:a": 0.3, "bias": 1.0}
    assert head.scores(with_kind(plain, "bug"))[0] == pytest.approx(2.0 * 0.8 - 1.0)
    assert head.scores(with_kind(plain, "complaint"))[0] == pytest.approx(2.0 * 0.8 - 3.0)
    assert head.scores(with_kind(plain, "incident"))[0] == pytest.approx(2.0 * 0.8 - 2.0)  # no rows: the mean offset


def test_a_packed_head_scores_as_the_weights_it_was_made_from():
    weights = {"w:down": [1.2345, -0.5, 0.0, 2.0], "c: do": [0.0001, 0.0, -3.1416, 0.25]}
    head = linear.Head(["SEV-1", "SEV-2", "SEV-3", "SEV-4"], [0.1, 0.2, 0.3, 0.4], weights)
    again = linear.Head(["SEV-1", "SEV-2", "SEV-3", "SEV-4"], [0.1, 0.2, 0.3, 0.4], head.file_form())
    feats = {"w:down": 0.6, "c: do": 0.8, "w:unknown": 1.0}
    assert again.scores(feats) == pytest.approx(head.scores(feats), abs=1e-9)
    assert again.scores(feats)[2] == pytest.approx(0.3 + 0.8 * -3.1416)
    assert again.row("w:down") == pytest.approx([1.2345, -0.5, 0.0, 2.0]) and again.row("w:unknown") is None


def test_a_packed_head_with_broken_weights_is_a_model_file_error():
    head = linear.Head(["no", "yes"], [0.0], {"w:leak": [1.0]}).file_form()
    data = {"format": 1, "heads": {"kind": head, "severity": head, "security": {**head, "weights_e4": "!!"}}}
    with pytest.raises(linear.ModelFileError, match="incomplete"):
        linear.LinearModel(data, "m.json.gz")
    for broken in ({**head, "features": ["w:leak"]}, {**head, "weights_e4": "AAA="}):  # not text; not whole int32s
        with pytest.raises(linear.ModelFileError, match="incomplete"):
            linear.LinearModel({"format": 1, "heads": {"kind": head, "severity": head, "security": broken}}, "m.json.gz")
    short = {**head, "features": "w:leak\nw:more"}
    with pytest.raises(linear.ModelFileError, match="incomplete"):
        linear.LinearModel({"format": 1, "heads": {"kind": head, "severity": head, "security": short}}, "m.json.gz")


# -- the heads laid out as columns (a long-lived process) -------------------------------------------

def _small_model():
    """Shared weights and bug-kind corrections on the same features, as training writes them."""
    sev = {"w:crash": [2.0, 0.5, -1.0, -1.5], "bug|w:crash": [-1.0, 1.0, 0.25, 0.0], "b:data lost": [3.0, 0.0, -1.0, -2.0],
           "bug|w:typo": [-2.0, -1.0, 0.5, 2.5], "c:ras": [0.5, 0.0, 0.0, -0.5], "bias": [0.1, 0.0, 0.0, -0.1],
           "bug|bias": [0.0, 0.2, 0.0, 0.0]}
    sec = {"w:password": [4.0], "bug|w:password": [-1.5], "w:crash": [-0.5]}
    kind = {"w:crash": [1.0, -0.5, -0.5], "w:typo": [2.0, -1.0, -1.0], "w:everyone": [-1.0, -1.0, 2.0]}
    return linear.LinearModel({"format": 1, "heads": {
        "severity": linear.Head(decide.LEVELS, [-0.2, -0.1, 0.0, 0.1], sev, link="ovr").file_form(),
        "security": linear.Head(["no", "yes"], [-1.0], sec, {"bug": 0.4, "default": 0.5}).file_form(),
        "kind": linear.Head(["bug", "complaint", "incident"], [0.0, 0.5, 0.0], kind, link="ovr").file_form()}}, "small.json.gz")


@pytest.mark.parametrize("text,kind", [("the app crash and data lost", None), ("the app crash and data lost", "bug"),
                                       ("a typo in the crash report", "complaint"), ("reset my password after the crash", "bug"),
                                       ("everyone is down", None), ("", None)])
def test_the_columns_read_a_text_exactly_as_the_heads_do(text, kind):
    slow, fast = _small_model(), _small_model()
    fast.reads = linear.FAST_AFTER  # the next read is past the threshold
    a, b = slow.read(text, kind), fast.read(text, kind)
    assert fast._columns is not None and slow._columns is None
    assert b.kind == a.kind
    assert b.severity == pytest.approx(a.severity, abs=1e-12)
    assert b.security == pytest.approx(a.security, abs=1e-12) and b.security_threshold == a.security_threshold
    assert b.words == a.words


def test_the_bug_corrections_are_added_to_the_shared_weights_in_the_columns():
    model = _small_model()
    cols = model.columns
    crash = cols.index["w:crash"]
    assert list(cols.columns("severity", "bug")[crash]) == pytest.approx([1.0, 1.5, -0.75, -1.5])
    assert list(cols.columns("severity", "complaint")[crash]) == pytest.approx([2.0, 0.5, -1.0, -1.5])
    assert cols.columns("security", "bug")[cols.index["w:password"], 0] == pytest.approx(2.5)
    assert list(cols.columns("severity", "incident")[cols.index["w:typo"]]) == [0.0, 0.0, 0.0, 0.0]
    assert list(cols.columns("severity", "bug")[0]) == [0.0, 0.0, 0.0, 0.0]  # row 0: a feature no head holds


def test_a_single_triage_reads_through_the_heads_and_a_long_run_through_the_columns():
    model = _small_model()
    for _ in range(linear.FAST_AFTER):
        model.read("the app crash")
    assert model._columns is None
    model.read("the app crash")
    assert model._columns is not None


def test_the_shipped_model_reads_the_same_through_its_columns():
    model = linear.shipped()
    texts = ["Our checkout has been down for every customer since 9am, we are losing orders.",
             "Someone logged into my account and changed the bank details for payouts.",
             "NullPointerException in the scheduler when the queue is empty; patch attached."]
    cols = model.columns
    for text in texts:
        plain = features(text)
        by_heads = model.heads["kind"].probabilities(plain)  # through the heads themselves
        kind = max(by_heads, key=by_heads.get)
        rows, values = cols.rows(plain), list(plain.values())
        kind_p = cols.probabilities("kind", None, rows, values)
        assert max(kind_p, key=kind_p.get) == kind
        both = features(text, kind)
        assert cols.probabilities("severity", kind, rows, values) == pytest.approx(
            model.heads["severity"].probabilities(both), abs=1e-9)
        assert cols.probabilities("security", kind, rows, values)["yes"] == pytest.approx(
            model.heads["security"].probabilities(both)["yes"], abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["crash", "Crash", "data", "lost", "down", "typo", "the", "don't", "x", "password",
                                 "résumé", "500", "12.5", "everyone", "!!", "\n", "naïve", "_", "ſ", "a" * 45]),
                max_size=40).map(" ".join))
def test_a_text_encoded_by_rows_gives_exactly_its_features_rows_and_values(text):
    """The columns' encode skips the features' names; the rows, values and their order are the features' own,
    to the last bit (a different order would sum the products differently)."""
    import numpy as np

    cols = _small_model().columns
    plain = features(text)
    rows, values = cols.encode(text)
    assert rows.tolist() == cols.rows(plain).tolist()
    assert np.array_equal(values, cols.values(plain))
    again = cols.encode(text)  # now from the words' cached rows
    assert again[0].tolist() == rows.tolist() and np.array_equal(again[1], values)


def test_a_word_past_the_encode_cache_limit_is_still_encoded(monkeypatch):
    from agent.model import columns

    monkeypatch.setattr(columns, "TOKENS_LIMIT", 3)
    cols = _small_model().columns
    text = "crash data lost typo everyone crash reset"
    plain = features(text)
    rows, values = cols.encode(text)
    assert len(cols._tokens) == 3
    assert rows.tolist() == cols.rows(plain).tolist() and values.tolist() == cols.values(plain).tolist()
    assert cols.index["w:crash"] in rows.tolist() and cols.index["b:data lost"] in rows.tolist()


def test_training_runs_again_under_a_fixed_hash_seed_unless_it_has_one(monkeypatch):
    import os
    import sys

    from agent.model import train

    calls = []
    monkeypatch.setattr(os, "execve", lambda exe, argv, env: calls.append((exe, argv, env["PYTHONHASHSEED"])))
    monkeypatch.setenv("PYTHONHASHSEED", "1")
    train.with_fixed_hash_seed()
    assert calls == []  # a host process (this test runner) is never replaced
    monkeypatch.setattr(sys, "argv", ["/venv/bin/escalate", "model", "train"])
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    train.with_fixed_hash_seed()
    assert calls == []  # already fixed
    monkeypatch.setenv("PYTHONHASHSEED", "1")
    train.with_fixed_hash_seed()
    assert calls == [(sys.executable, [sys.executable, *sys.orig_argv[1:]], "0")]


def test_the_char_gram_cache_stops_growing_at_its_limit(monkeypatch):
    from agent.model import features as module

    monkeypatch.setattr(module, "_GRAMS", {})
    monkeypatch.setattr(module, "_GRAMS_LIMIT", 50)
    text = " ".join(f"word{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(200))
    first = features(text)
    assert len(module._GRAMS) == 50
    assert features(text) == first  # words past the limit still get their grams, uncached


def test_a_model_that_released_its_heads_reads_the_same_through_its_columns():
    texts = ["Our checkout has been down for every customer since 9am, we are losing orders.",
             "Someone logged into my account and changed the bank details for payouts.",
             "A typo on the invoice page: 'Recieved'."]
    whole, lean = linear.LinearModel.load(linear.SHIPPED), linear.LinearModel.load(linear.SHIPPED)
    whole.expect_many()
    lean.expect_many(release=True)
    for text in texts:
        a, b = whole.read(text), lean.read(text)
        assert (b.kind, b.words, b.security_threshold) == (a.kind, a.words, a.security_threshold)
        assert b.severity == pytest.approx(a.severity, abs=1e-12) and b.security == pytest.approx(a.security, abs=1e-12)
    with pytest.raises(RuntimeError, match="released"):
        lean.heads["severity"].scores(features("anything"))
    with pytest.raises(RuntimeError, match="released"):
        "w:outage" in lean.heads["security"].index  # noqa: B015 (not a silent False)


def test_the_kind_security_is_judged_as_is_a_complaint_unless_the_model_is_sure_of_another():
    assert linear.security_kind("bug", {"bug": 0.89, "complaint": 0.1, "incident": 0.01}) == "complaint"
    assert linear.security_kind("bug", {"bug": 0.9, "complaint": 0.09, "incident": 0.01}) == "bug"  # sure: 0.9 met
    assert linear.security_kind("incident", {"bug": 0.3, "complaint": 0.2, "incident": 0.5}) == "complaint"
    assert linear.security_kind("bug", None) == "bug"  # the kind was given (an eval row of a known source)


def test_a_contract_dispute_read_like_a_bug_report_is_not_typed_security():
    text = ("Hello, I am writing for the third time about our contract renewal. Your account manager promised us a 15% "
            "discount in writing (email of 12 October) and the renewal invoice shows the full price of EUR 36,000. If "
            "this is not corrected by Friday we will not renew.")
    model = linear.shipped()
    read = model.read(text)
    assert read.kind == "bug" and read.security_kind == "complaint"  # severity read as a bug report, security as a complaint
    assert read.security_threshold == model.heads["security"].thresholds["complaint"]
    assert not read.is_security
    assert model.read(text, "bug").is_security  # with the bug-report threshold it was typed security


def test_a_bug_report_the_model_is_sure_of_keeps_its_own_security_reading():
    text = ("Heap use-after-free in RenderFrameHostImpl when a cross-origin iframe navigates during unload. "
            "ASAN report attached, repro with the attached HTML. Stack trace: #0 0x7f content::RenderFrameHostImpl::OnUnload")
    read = linear.shipped().read(text)
    assert read.kind == "bug" and read.security_kind == "bug"


LOST = ('We ran last night\'s scheduled import and ALL of our customer records from 2019-2023 are gone from the account. '
        'The audit log shows your system deleted them at 02:13 during the "dedupe" job, not us.')


def test_lost_data_with_no_word_of_security_needs_twice_the_threshold_to_be_typed_security():
    held = _engine_answer(FixedModel(EVEN, security=0.2399, kind="complaint", threshold=0.12), LOST).answer
    assert held.type is EscalationType.TECHNICAL
    assert "Not typed security: the model puts P(security) at 0.24" in held.rationale and "names lost data" in held.rationale
    sure = _engine_answer(FixedModel(EVEN, security=0.24, kind="complaint", threshold=0.12), LOST).answer
    assert sure.type is EscalationType.SECURITY
    stolen = _engine_answer(FixedModel(EVEN, security=0.13, kind="complaint", threshold=0.12),
                            LOST + " We think we were hacked.").answer
    assert stolen.type is EscalationType.SECURITY
