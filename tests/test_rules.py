"""Behaviour of the deterministic rules: severity floors, reconcile, numbers, evidence, routing.

Every complaint here is written for these tests, in a customer's voice. An "engine answer" is the
offline engine's own answer with one field overridden, so each test isolates one rule.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.assess import assess, assess_severity, default_questions
from agent.engines import TriageRequest
from agent.engines.offline import OfflineEngine
from agent.policy import default_policy
from agent.rules import reconcile, route, severity_floors, strongest_floor
from agent.schemas import (
    QUESTION_KEYS,
    EngineTriage,
    EscalationType,
    ImpactFactor,
    Routing,
    Severity,
    Tier,
    Triage,
    TriageQuestion,
)
from agent.signals import Signals

POLICY = default_policy()
SEV1, SEV2, SEV3, SEV4 = Severity.SEV1, Severity.SEV2, Severity.SEV3, Severity.SEV4


def case(id_: str, *values):
    return pytest.param(*values, id=id_)


def engine_answer(text: str, tier: Tier = Tier.STANDARD, **override) -> EngineTriage:
    """The offline engine's answer for `text`, with fields overridden as a model might have answered."""
    answer = OfflineEngine(POLICY).triage(TriageRequest(complaint=text, customer="Acme", tier=tier), Signals.read(text, tier)).answer
    if "severity" in override and "routing" not in override:
        override["routing"] = route(POLICY, override.get("type", answer.type), override["severity"])
    return answer.model_copy(update=override)


def run_rules(text: str, answer: EngineTriage, tier: Tier = Tier.STANDARD, policy=POLICY) -> Triage:
    sig = Signals.read(text, tier)
    evidence, _ = assess_severity(sig, tier)
    return reconcile(answer, sig, tier=tier, policy=policy, evidence_severity=evidence, default_questions=default_questions())


def correction(triage: Triage, field: str):
    found = [c for c in triage.corrections if c.field == field]
    assert len(found) <= 1, found
    return found[0] if found else None


def floor_rules(text: str, tier: Tier = Tier.STANDARD) -> set[str]:
    return {f.rule for f in severity_floors(Signals.read(text, tier), tier) if f.severity is SEV1}


# -- SEV-1 floors ------------------------------------------------------------------------------

BREACH = "security_breach_is_sev1"
DATA_LOSS = "data_loss_is_sev1"
OUTAGE = "full_outage_is_sev1"

SEV1_COMPLAINTS = [
    # security breach, mostly without the word "security"
    case("someone-else-logged-in", "Someone else logged into our account last night and changed the payout bank details. None of us did this.", BREACH),
    case("other-company-invoices", "When we open the billing page we can see another company's invoices, with their addresses and totals. That should never happen.", BREACH),
    case("admin-compromised", "Our admin account was compromised and whoever it was exported the full customer list at 3am.", BREACH),
    case("hacked-api-key", "We were hacked. An attacker used one of our API keys to pull every contact record we have.", BREACH),
    case("other-clinic-records", "A nurse on our team is seeing patient records from a different clinic on her dashboard. She closed it immediately.", BREACH),
    case("stranger-signed-in", "There's a stranger signed into my account right now - I can see a session from a city I've never been to in the device list.", BREACH),
    case("card-details-forum", "One of our customers found their card details posted on a forum two days after paying through your checkout.", BREACH),
    case("unknown-company-orders", "I logged in this morning and the order list showed orders from a company I've never heard of. Are ours visible to them too?", BREACH),
    case("sent-to-wrong-customer", "Your system emailed our monthly statements to the wrong customer. Forty of our clients' balances went to a stranger.", BREACH),
    case("explicit-breach", "We think this is a security breach: our webhook secret and API token were leaked in your public status page logs.", BREACH),
    # data loss
    case("march-orders-disappeared", "All our March orders disappeared from the dashboard this morning. We need them back before month end.", DATA_LOSS),
    case("notes-gone", "After yesterday's update, three years of customer notes are gone. The notes tab is just empty.", DATA_LOSS),
    case("contacts-wiped", "Your sync wiped our entire contact list overnight - 12,000 contacts, gone.", DATA_LOSS),
    case("prices-overwritten", "The CSV import overwrote all of our product prices with zeros and there is no undo button.", DATA_LOSS),
    case("invoices-lost", "We lost every invoice created since Friday. The list simply stops at Thursday.", DATA_LOSS),
    case("patient-records-missing", "Half of the patient records we entered last week are missing from the system.", DATA_LOSS),
    case("backups-corrupted", "Our nightly backups for the past two weeks are corrupted and cannot be restored.", DATA_LOSS),
    case("keep-losing-changes", "Every time two people edit the same project we keep losing data - whole sections just revert to an old version.", DATA_LOSS),
    # full outage
    case("nobody-can-log-in", "Nobody in the company can log in since 8am. We are completely stuck.", OUTAGE),
    case("api-503-every-request", "Your API returns 503 for every request since 14:00 UTC.", OUTAGE),
    case("platform-down", "The whole platform is down. Our stores can't take a single payment.", OUTAGE),
    case("site-offline", "Your site has been completely offline for 40 minutes now and your status page still says all green.", OUTAGE),
    case("none-of-250-drivers", "None of our 250 drivers can open the app this morning, so deliveries have stopped.", OUTAGE),
    case("standstill", 'Every page we open just shows "Service Unavailable" and our entire operation is at a standstill.', OUTAGE),
    case("cashiers-locked-out", "All of our cashiers are locked out of the POS since opening time.", OUTAGE),
    case("wont-load-for-anyone", "The app won't load for anyone in our organisation. Tried on three networks.", OUTAGE),
    case("every-call-fails", "Since the maintenance window every call to the orders endpoint is failing with a timeout.", OUTAGE),
    case("nobody-can-work", "Your login page keeps spinning. None of us can work today.", OUTAGE),
]


@pytest.mark.parametrize("text,rule", SEV1_COMPLAINTS)
def test_sev1_floor_raises_engine_sev4(text, rule):
    answer = engine_answer(text, severity=SEV4)
    triage = run_rules(text, answer)

    assert triage.severity is SEV1
    assert triage.engine_severity is SEV4
    fix = correction(triage, "severity")
    assert (fix.from_value, fix.to_value) == ("SEV-4", "SEV-1")
    assert fix.rule == rule
    assert "SEV-1 is the floor" in fix.reason
    assert "Raised from SEV-4 to SEV-1" in triage.rationale
    # the routing the engine gave for SEV-4 is corrected to the SEV-1 owner
    route_fix = correction(triage, "routing")
    assert route_fix.rule == "routing_follows_policy"
    assert route_fix.to_value.endswith("/ Incident Commander")


@pytest.mark.parametrize("text,rule", SEV1_COMPLAINTS)
@pytest.mark.parametrize("engine_says", [SEV2, SEV3], ids=["engine-sev2", "engine-sev3"])
def test_sev1_floor_applies_whatever_the_engine_said(text, rule, engine_says):
    triage = run_rules(text, engine_answer(text, severity=engine_says))
    assert triage.severity is SEV1
    assert correction(triage, "severity").from_value == engine_says.value


@pytest.mark.parametrize("text,rule", SEV1_COMPLAINTS)
def test_sev1_floor_reason_quotes_the_complaint(text, rule):
    floor = strongest_floor(Signals.read(text), Tier.STANDARD)
    assert floor.severity is SEV1
    quoted = floor.reason.split(': "', 1)[1].rstrip('"')
    assert quoted in text


# -- SEV-2 floors: regulatory exposure, enterprise with significant impact -----------------------

REGULATORY = "regulatory_exposure_is_at_least_sev2"
ENTERPRISE = "enterprise_significant_impact_is_at_least_sev2"

REGULATORY_COMPLAINTS = [
    case("gdpr-erasure", "A former customer sent us a GDPR request to erase her data, and your tool has no way to delete her history. We have 30 days."),
    case("hipaa-audit-log", "The access log stopped recording who opened patient charts on Monday. Without it we are out of HIPAA compliance."),
    case("pci-receipts", "Your receipts omit the PCI merchant statement. Our PCI assessor flagged it and we need a fix before the assessment closes."),
    case("sox-approvals", "The quarterly access review export is missing the approver column, and our SOX controls depend on that evidence."),
    case("regulator-filing", "We must file our annual figures with the regulator on Friday and the report builder produces totals that don't add up."),
    case("lawyer-refund", "If the refund isn't processed this week I'm handing this over to my lawyer."),
    case("legal-action", "You have ignored five emails about the double charge. We are now considering legal action."),
    case("dsgvo-german", "Wir haben eine Löschanfrage nach DSGVO erhalten und finden in Ihrem System keine Möglichkeit, die Daten zu löschen."),
]


@pytest.mark.parametrize("text", REGULATORY_COMPLAINTS)
def test_regulatory_exposure_is_at_least_sev2(text):
    triage = run_rules(text, engine_answer(text, severity=SEV4))
    assert triage.severity.at_least(SEV2)
    fix = correction(triage, "severity")
    assert (fix.from_value, fix.rule) == ("SEV-4", REGULATORY)
    assert fix.to_value == "SEV-2"


@pytest.mark.parametrize("text", REGULATORY_COMPLAINTS)
def test_regulatory_floor_leaves_a_higher_engine_severity_alone(text):
    triage = run_rules(text, engine_answer(text, severity=SEV1))
    assert triage.severity is SEV1
    assert correction(triage, "severity") is None


SIGNIFICANT = [
    case("300-reps-export", "Since this morning our 300 sales reps can't export their pipeline reports. Quarter-end close is on Friday."),
    case("invoice-run-fails", "The invoice run fails for every client with more than 50 line items, so we can't bill this month."),
    case("money-per-hour", "Checkout keeps failing on mobile and we estimate it's costing us $8,000 an hour in abandoned carts."),
    case("most-customers-sync", "The Shopify sync is broken for most of our customers since the update, so their stock levels are wrong."),
]


@pytest.mark.parametrize("text", SIGNIFICANT)
def test_enterprise_with_significant_impact_is_at_least_sev2(text):
    sig = Signals.read(text, Tier.ENTERPRISE)
    assert ENTERPRISE in {f.rule for f in severity_floors(sig, Tier.ENTERPRISE)}
    triage = run_rules(text, engine_answer(text, Tier.ENTERPRISE, severity=SEV3), Tier.ENTERPRISE)
    assert triage.severity.at_least(SEV2)
    assert correction(triage, "severity").rule == ENTERPRISE


@pytest.mark.parametrize("tier", [Tier.STANDARD, Tier.BUSINESS, Tier.FREE])
@pytest.mark.parametrize("text", SIGNIFICANT)
def test_the_same_complaint_from_another_tier_gets_no_enterprise_floor(text, tier):
    sig = Signals.read(text, tier)
    assert ENTERPRISE not in {f.rule for f in severity_floors(sig, tier)}


NOT_SIGNIFICANT = [
    case("tooltip", "The tooltip on the Archive button says Delete, which confused a colleague."),
    case("one-user-upload", "One of our users can't upload attachments bigger than 10 MB; smaller files are fine."),
    case("dark-mode", "The dark mode colours on the settings page make the labels hard to read."),
]


@pytest.mark.parametrize("text", NOT_SIGNIFICANT)
def test_enterprise_without_significant_impact_gets_no_floor(text):
    sig = Signals.read(text, Tier.ENTERPRISE)
    assert strongest_floor(sig, Tier.ENTERPRISE) is None
    triage = run_rules(text, engine_answer(text, Tier.ENTERPRISE, severity=SEV4), Tier.ENTERPRISE)
    assert triage.severity is SEV4
    assert correction(triage, "severity") is None


# -- negation and hedging ---------------------------------------------------------------------

NEGATED_OR_HEDGED = [
    case("no-data-lost", "To be clear, no data was lost, but the export button has been greyed out since Monday."),
    case("not-security-issue", "This is not a security issue, just a question about how often we should rotate our API keys."),
    case("worried-lose-data", "We're worried we might lose data if this continues. The nightly sync keeps timing out."),
    case("nothing-deleted", "Nothing was deleted as far as we can tell, but the order list takes ages to load."),
    case("not-hacked", "We haven't been hacked or anything - the login page is just slow for a few of us."),
    case("site-not-down", "The site isn't down, but checkout is slow for some customers during peak hours."),
    case("risk-of-data-loss", "Is there a risk of data loss if we downgrade our plan next month?"),
    case("if-api-went-down", "If your API went down during Black Friday we would be in trouble. Can you share your uptime history?"),
    case("no-outage-question", "No outage on our side, we just want to know why the reports refresh only once an hour."),
    case("prevent-breach", "To prevent a breach, our IT team wants to enforce SSO for all users. How do we turn it on?"),
    case("never-lost-files", "We've never lost any files with you, which is why we want to renew - but the renewal quote looks wrong."),
    case("negated-list", "No data, orders or invoices were lost when the sync failed, it just stopped halfway."),
    case("is-it-down-question", "Is your platform down? I can't reach the login page from home but it works from the office."),
    case("past-outage", "Last month's outage cost us a lot of goodwill; we'd like to talk about a service credit."),
    case("sales-down", "Our sales are down 20% since your price increase and we want a discount."),
    case("if-someone-logs-in", "What happens if someone logs into an account from two devices at once? Asking for our policy document."),
]


@pytest.mark.parametrize("text", NEGATED_OR_HEDGED)
def test_negated_or_hedged_cues_trigger_no_sev1_floor(text):
    assert floor_rules(text) == set()
    triage = run_rules(text, engine_answer(text, severity=SEV4))
    assert triage.severity is not SEV1
    assert all(c.to_value != "SEV-1" for c in triage.corrections)


HEDGED_BREACH = [
    case("may-have-been-hacked", "I think our account may have been hacked, there are logins from a country we have never been to."),
    case("could-have-been-compromised", "We're afraid our admin account could have been compromised after a phishing email yesterday."),
]


@pytest.mark.parametrize("text", HEDGED_BREACH)
def test_a_hedged_breach_gets_the_sev2_floor_not_sev1(text):
    assert floor_rules(text) == set()
    floor = strongest_floor(Signals.read(text), Tier.STANDARD)
    assert floor.severity is SEV2
    triage = run_rules(text, engine_answer(text, severity=SEV4))
    assert triage.severity is SEV2
    assert triage.type is EscalationType.SECURITY


@pytest.mark.parametrize(
    "text,rule",
    [
        case("not-just-slow", "It's not just slow any more, the whole site is down.", OUTAGE),
        case("didnt-lose-but-down", "We didn't lose any orders, the site is down though.", OUTAGE),
        case("nothing-works-comma", "Nothing works, the app is down for everyone.", OUTAGE),
        case("dont-know-why-but", "I don't know why, but all our orders disappeared overnight.", DATA_LOSS),
        case("worried-because", "We are worried because someone logged into our account from an address we don't recognise.", BREACH),
        case("no-longer-loads", "The app no longer loads for anyone on our team.", OUTAGE),
        case("never-before-but", "We never had an outage before this week, but today the whole platform is down.", OUTAGE),
        case("would-like-to-report", "I would like to report that our account was hacked.", BREACH),
    ],
)
def test_a_negation_or_hedge_stays_in_its_clause(text, rule):
    assert rule in floor_rules(text)


# -- security described without the word, questions, requests, accusations --------------------------

TAKEN_WITHOUT_AUTHORISATION = [
    case("deactivated-user-exported", "We deactivated a former contractor in June. Yesterday that account exported our entire client list."),
    case("ex-partner-downloaded", "My ex-husband still has access to our shop account and downloaded all of our customer records last night."),
]


@pytest.mark.parametrize("text", TAKEN_WITHOUT_AUTHORISATION)
def test_a_security_concern_with_bulk_data_taken_is_a_breach(text):
    assert BREACH in floor_rules(text)
    triage = run_rules(text, engine_answer(text, severity=SEV3, type=EscalationType.TECHNICAL))
    assert (triage.severity, triage.type) == (SEV1, EscalationType.SECURITY)


SECURITY_WITHOUT_THE_WORD = [
    case("still-has-access", "A contractor who finished with us in April can still open our shared drive."),
    case("unknown-country", "Our admin account was signed in from a country none of us have ever been to."),
    case("nobody-made-it", "A new payout account that nobody on our team set up was added on Sunday."),
    case("phishing-link", "Customers forwarded us an email pretending to be from your billing team, asking them to re-enter their card details."),
]


@pytest.mark.parametrize("text", SECURITY_WITHOUT_THE_WORD)
def test_security_described_without_the_word_is_at_least_sev2_and_security(text):
    floor = strongest_floor(Signals.read(text), Tier.STANDARD)
    assert floor is not None and floor.severity.at_least(SEV2)
    triage = run_rules(text, engine_answer(text, severity=SEV4, type=EscalationType.TECHNICAL))
    assert triage.type is EscalationType.SECURITY
    assert correction(triage, "type").rule == "security_cues_mean_security_type"


QUESTIONS_AND_REQUESTS = [
    case("is-it-down-for-everyone", "Is the whole platform down for everyone or is it just our office network?"),
    case("were-records-deleted", "Were any of our records deleted during last night's maintenance? We want to be sure before we tell the team."),
    case("send-the-dpa", "Could you send us your signed GDPR data processing agreement for our vendor register?"),
    case("accusing-fraud", "This is fraud: you renewed our plan without asking and charged the card on file."),
]


@pytest.mark.parametrize("text", QUESTIONS_AND_REQUESTS)
def test_questions_requests_and_accusations_raise_no_floor(text):
    triage = run_rules(text, engine_answer(text, severity=SEV4, type=EscalationType.BUSINESS))
    assert triage.severity is SEV4
    assert correction(triage, "severity") is None
    assert triage.type is EscalationType.BUSINESS


def test_the_same_regulation_with_exposure_keeps_its_floor():
    text = "Your export still writes full card numbers into the CSV, and our PCI assessor flagged it yesterday."
    assert correction(run_rules(text, engine_answer(text, severity=SEV4)), "severity").rule == REGULATORY


# -- over-severity ------------------------------------------------------------------------------

OVER_SEVERE = [
    case("typo-invoice", 'There\'s a typo on the invoice PDF: "Recieved" instead of "Received". No rush.'),
    case("logo-question", "Quick question: how do I change the logo on our customer portal?"),
    case("colour", "The button colour on the settings page doesn't match our brand. Small thing."),
]


@pytest.mark.parametrize("text", OVER_SEVERE)
def test_over_severity_is_kept_and_noted(text):
    triage = run_rules(text, engine_answer(text, severity=SEV1))
    assert triage.severity is SEV1
    assert correction(triage, "severity") is None
    assert any("over-severity" in n.lower() and "SEV-1" in n for n in triage.notes)


def test_matching_severity_adds_no_note():
    text = OVER_SEVERE[0].values[0]
    triage = run_rules(text, engine_answer(text))
    assert not any("over-severity" in n.lower() for n in triage.notes)


# -- type -------------------------------------------------------------------------------------

SECURITY_TYPED = [
    case("logged-in-billing", "Someone else logged in to our account and changed the billing email.", EscalationType.BUSINESS),
    case("other-tenant-files", "Our users can see another tenant's files in the shared folder view.", EscalationType.TECHNICAL),
    case("phishing-support", "Nobody replied to my ticket about the phishing emails sent from your domain to our customers.", EscalationType.SERVICE),
    case("fraudulent-charges", "There are fraudulent charges on our account that none of us made.", EscalationType.BUSINESS),
]


@pytest.mark.parametrize("text,engine_type", SECURITY_TYPED)
def test_security_cues_correct_the_type(text, engine_type):
    triage = run_rules(text, engine_answer(text, type=engine_type, routing=route(POLICY, engine_type, assess(Signals.read(text), tier=Tier.STANDARD, policy=POLICY).severity)))
    assert triage.type is EscalationType.SECURITY
    fix = correction(triage, "type")
    assert (fix.from_value, fix.to_value, fix.rule) == (engine_type.value, "security", "security_cues_mean_security_type")
    assert triage.routing.team == POLICY.teams[EscalationType.SECURITY].name


@pytest.mark.parametrize(
    "text,engine_type",
    [
        case("refund-business", "You charged us twice for November, please refund the duplicate.", EscalationType.BUSINESS),
        case("ignored-service", "I've opened three tickets this month and nobody has replied to any of them.", EscalationType.SERVICE),
        case("gdpr-compliance", "Under GDPR a former employee asked us to erase her personal data.", EscalationType.COMPLIANCE),
        case("errors-technical", "Every export fails with a 500 error since this morning.", EscalationType.TECHNICAL),
    ],
)
def test_non_security_types_are_the_engines_call(text, engine_type):
    triage = run_rules(text, engine_answer(text, type=engine_type))
    assert triage.type is engine_type
    assert correction(triage, "type") is None


def test_security_type_without_a_cue_is_noted_not_changed():
    text = "The export to Excel drops the last column."
    triage = run_rules(text, engine_answer(text, type=EscalationType.SECURITY, routing=route(POLICY, EscalationType.SECURITY, SEV3)))
    assert triage.type is EscalationType.SECURITY
    assert correction(triage, "type") is None
    assert any("security" in n.lower() for n in triage.notes)


# -- numbers ------------------------------------------------------------------------------------

USERS = [
    case("400-agents", "Since 9am none of our 400 agents can log in to the console.", 400, "400 agents"),
    case("1200-users", "About 1,200 users are getting a blank screen after login.", 1200, "1,200 users"),
    case("all-staff", "All of our staff are locked out of the scheduling app.", None, "All of our staff are locked out"),
    case("european-thousands", "Unsere 1.500 Mitarbeiter können seit heute nicht arbeiten.", 1500, "1.500 Mitarbeiter"),
    case("of-our", "Around 40 of our drivers got logged out mid-shift.", 40, "40 of our drivers"),
    case("hundreds", "Hundreds of customers have emailed us about failed payments.", 200, "Hundreds of customers"),
    case("largest-wins", "3 admins noticed it first, now 250 employees are affected.", 250, "250 employees"),
    case("time-is-not-a-count", "At 10:30 users started seeing errors in the dashboard.", "none", None),
    case("am-is-not-a-count", "From 9 am users in our Berlin office could not print labels.", "none", None),
    case("year-is-not-a-count", "Since 2019 customers have used your portal without problems.", "none", None),
    case("in-year", "In 2024 users complained twice about the same bug.", "none", None),
    case("four-digit-count", "Our 2000 users cannot sync their calendars.", 2000, "2000 users"),
    case("version-is-not-a-count", "Our v2 users see the old logo.", "none", None),
]


@pytest.mark.parametrize("text,value,evidence", USERS)
def test_users_affected(text, value, evidence):
    users = Signals.read(text).users_affected
    if value == "none":
        assert users is None or users.value is None
        return
    assert users is not None
    assert users.value == value
    assert users.evidence == evidence
    assert users.evidence in text


MONEY = [
    case("per-hour", "We are losing $20,000 per hour while checkout is down.", 20_000, "$20,000 per hour", "$ per hour"),
    case("euro-k-a-day", "Das kostet uns €5k a day, minimum.", 5_000, "€5k a day", "€ per day"),
    case("in-lost-x-per", "Roughly $3,500 in lost bookings per day.", 3_500, "$3,500 in lost bookings per day", "$ per day"),
    case("symbol-after", "Der Schaden liegt bei 20.000 € pro Tag, eher mehr.", 20_000, "20.000 € pro Tag", "€ per day"),
    case("million-annually", "The contract is worth $1.2 million annually to us.", 1_200_000, "$1.2 million annually", "$ per year"),
    case("code-before", "The failed payouts total USD 45,000 so far.", 45_000, "USD 45,000", "USD"),
    case("pounds-word", "We've refunded 2,300 pounds a week to angry customers.", 2_300, "2,300 pounds a week", "pounds per week"),
    case("more-is-not-million", "It's $20 more than last month for the same seats.", 20, "$20", "$"),
    # No currency named: a verb of losing or paying governs the sum, and a multiplier or a period follows it.
    case("lose-k-a-day", "we have problem since 3 days, we lose 2k a day because of this", 2_000, "2k a day", "per day"),
    case("pay-k-slash-year", "We pay you 48k/year for this!", 48_000, "48k/year", "per year"),
    case("costing-us-per-week", "It is costing us about 15,000 per week in sales.", 15_000, "15,000 per week", "per week"),
    case("lost-million", "The outage lost us 2 million already.", 2_000_000, "2 million", ""),
    case("loss-before-what-they-pay", "We pay 48k/year and we lose 2k a day.", 2_000, "2k a day", "per day"),
]


@pytest.mark.parametrize("text,value,evidence,unit", MONEY)
def test_money_at_risk(text, value, evidence, unit):
    money = Signals.read(text).money_at_risk
    assert money is not None
    assert (money.value, money.evidence, money.unit) == (value, evidence, unit)
    assert money.evidence in text


@pytest.mark.parametrize(
    "text",
    [
        case("no-money", "The export is slow since 10:30 and 40 people wait for it."),
        case("version-number", "After upgrading to version 2.4 the app crashes."),
        case("a-noun-between", "We lose 200 orders a day and 2k customers are waiting."),
        case("hours-not-money", "It costs us 3 hours a day of manual work."),
        case("percent", "We are losing 5% a day of our traffic."),
        case("no-verb", "We handle 2k a day on a normal Monday."),
        case("bare-number", "We lost 2 already this morning."),
    ],
)
def test_no_money_without_a_currency_or_a_verb_of_paying_or_losing(text):
    assert Signals.read(text).money_at_risk is None


# -- impact evidence and questions ---------------------------------------------------------------

def test_evidence_not_in_the_complaint_becomes_unknown():
    text = "Since 9am none of our 400 agents can log in, and we are losing about $20,000 per hour."
    answer = engine_answer(text)
    impact = answer.impact.model_copy(
        update={
            "users_affected": ImpactFactor(assessment="500 agents", evidence="500 agents are locked out"),
            "revenue_at_risk": ImpactFactor(assessment="$20,000 per hour", evidence="losing about $20,000 per hour"),
        }
    )
    triage = run_rules(text, answer.model_copy(update={"impact": impact}))

    assert triage.impact.users_affected.evidence == "unknown"
    assert triage.impact.users_affected.assessment == "500 agents"
    fix = correction(triage, "impact.users_affected.evidence")
    assert (fix.from_value, fix.to_value, fix.rule) == ("500 agents are locked out", "unknown", "evidence_must_quote_complaint")
    # a real quote survives
    assert triage.impact.revenue_at_risk.evidence == "losing about $20,000 per hour"
    assert correction(triage, "impact.revenue_at_risk.evidence") is None


@pytest.mark.parametrize(
    "evidence",
    [
        case("different-case-spacing", "NONE of our   400 agents"),
        case("curly-quotes", "we’re losing"),
        case("wrapped-in-quotes", '"none of our 400 agents can log in"'),
        case("ellipsis", "none of our 400 agents … losing about $20,000"),
        case("unknown", "unknown"),
    ],
)
def test_evidence_that_quotes_the_complaint_is_kept(evidence):
    text = "Since 9am none of our 400 agents can log in, and we're losing about $20,000 per hour."
    answer = engine_answer(text)
    impact = answer.impact.model_copy(update={"users_affected": ImpactFactor(assessment="400 agents", evidence=evidence)})
    triage = run_rules(text, answer.model_copy(update={"impact": impact}))
    assert triage.impact.users_affected.evidence == evidence
    assert correction(triage, "impact.users_affected.evidence") is None


def test_ellipsis_pieces_must_appear_in_order():
    text = "Since 9am none of our 400 agents can log in, and we're losing about $20,000 per hour."
    answer = engine_answer(text)
    impact = answer.impact.model_copy(update={"users_affected": ImpactFactor(assessment="x", evidence="$20,000 per hour … none of our 400 agents")})
    triage = run_rules(text, answer.model_copy(update={"impact": impact}))
    assert triage.impact.users_affected.evidence == "unknown"


def test_offline_evidence_always_quotes_the_complaint():
    text = "Hi,\n\nSince 9am none of our 400 agents can log in. We're losing $20,000 per hour and customers are tweeting about it. Our GDPR officer is asking questions."
    triage = run_rules(text, engine_answer(text, Tier.ENTERPRISE), Tier.ENTERPRISE)
    assert not [c for c in triage.corrections if c.rule == "evidence_must_quote_complaint"]


@pytest.mark.parametrize(
    "keep",
    [
        case("shuffled", list(reversed(QUESTION_KEYS))),
        case("two-missing", ["workaround", "who", "what", "tried"]),
        case("none", []),
        case("duplicates", ["when", "when", "what", "who", "business_impact", "tried", "workaround"]),
    ],
)
def test_six_questions_always_come_back_in_order(keep):
    text = "Since this morning the export has been failing for our finance team. We tried a different browser."
    answer = engine_answer(text)
    by_key = {q.key: q for q in answer.questions}
    given = [by_key[k] for k in keep]
    triage = run_rules(text, answer.model_copy(update={"questions": given}))

    assert [q.key for q in triage.questions] == ["what", "when", "who", "business_impact", "tried", "workaround"]
    missing = [k for k in QUESTION_KEYS if k not in keep]
    assert sorted(c.field for c in triage.corrections if c.rule == "all_six_questions") == sorted(f"questions.{k}" for k in missing)


def test_a_question_with_neither_answer_nor_follow_up_is_replaced():
    text = "Since this morning the export has been failing."
    answer = engine_answer(text)
    blank = [TriageQuestion(key=q.key, question=q.question) if q.key == "tried" else q for q in answer.questions]
    triage = run_rules(text, answer.model_copy(update={"questions": blank}))
    tried = triage.questions[QUESTION_KEYS.index("tried")]
    assert tried.follow_up
    assert correction(triage, "questions.tried").rule == "answer_or_ask"


def test_customer_tier_comes_from_the_account_record():
    text = "We're on the enterprise plan and the export fails."
    answer = engine_answer(text, Tier.STANDARD)
    impact = answer.impact.model_copy(update={"customer_tier": ImpactFactor(assessment="enterprise", evidence="enterprise plan")})
    triage = run_rules(text, answer.model_copy(update={"impact": impact}), Tier.STANDARD)
    assert triage.impact.customer_tier.assessment.startswith("standard")
    assert correction(triage, "impact.customer_tier").rule == "tier_from_account_record"


# -- routing ------------------------------------------------------------------------------------

EXPECTED_TEAMS = {
    EscalationType.TECHNICAL: "Engineering",
    EscalationType.SERVICE: "Support Operations",
    EscalationType.BUSINESS: "Account Management",
    EscalationType.SECURITY: "Security Incident Response",
    EscalationType.COMPLIANCE: "Legal & Compliance",
}
EXPECTED_TIERS = {SEV1: "Incident Commander", SEV2: "L3", SEV3: "L2", SEV4: "L1"}


@pytest.mark.parametrize("severity", list(Severity), ids=lambda s: s.value)
@pytest.mark.parametrize("type_", list(EscalationType), ids=lambda t: t.value)
def test_route_follows_the_policy_table(type_, severity):
    routing = route(POLICY, type_, severity)
    assert (routing.team, routing.tier) == (EXPECTED_TEAMS[type_], EXPECTED_TIERS[severity])
    assert routing.team == POLICY.teams[type_].name
    assert routing.tier == POLICY.tier_by_severity[severity]


@pytest.mark.parametrize(
    "team,tier",
    [
        case("wrong-team", "Account Management", "L2"),
        case("wrong-tier", "Engineering", "L1"),
        case("made-up-team", "DevOps Ninjas", "L2"),
    ],
)
def test_routing_is_corrected_when_it_differs(team, tier):
    text = "The export has been slow for a few users since Tuesday, but smaller exports still work."
    answer = engine_answer(text)
    assert (answer.severity, answer.type) == (SEV3, EscalationType.TECHNICAL)
    triage = run_rules(text, answer.model_copy(update={"routing": Routing(team=team, tier=tier, reason="model")}))
    assert (triage.routing.team, triage.routing.tier) == ("Engineering", "L2")
    fix = correction(triage, "routing")
    assert (fix.from_value, fix.to_value, fix.rule) == (f"{team} / {tier}", "Engineering / L2", "routing_follows_policy")


def test_matching_routing_is_not_corrected():
    text = "The export has been slow for a few users since Tuesday, but smaller exports still work."
    triage = run_rules(text, engine_answer(text))
    assert correction(triage, "routing") is None


def test_routing_reads_a_custom_policy():
    policy = default_policy().model_copy(deep=True)
    policy.tier_by_severity[SEV3] = "Tier 2 desk"
    policy.teams[EscalationType.TECHNICAL] = policy.teams[EscalationType.TECHNICAL].model_copy(update={"name": "Platform"})
    text = "The export has been slow for a few users since Tuesday, but smaller exports still work."
    triage = run_rules(text, engine_answer(text), policy=policy)
    assert (triage.routing.team, triage.routing.tier) == ("Platform", "Tier 2 desk")
    assert correction(triage, "routing").to_value == "Platform / Tier 2 desk"


# -- invariants (hypothesis) ----------------------------------------------------------------------

POOL = (
    [
        p.values[0]
        for p in SEV1_COMPLAINTS + REGULATORY_COMPLAINTS + SIGNIFICANT + NOT_SIGNIFICANT + NEGATED_OR_HEDGED + HEDGED_BREACH + OVER_SEVERE
        + TAKEN_WITHOUT_AUTHORISATION + SECURITY_WITHOUT_THE_WORD + QUESTIONS_AND_REQUESTS
    ]
    + ["", "Hello?", "The export is slow.", "We were charged twice."]
)
UNRELATED = [
    "Thanks in advance.",
    "By the way, the new logo looks great.",
    "Our office moved to Berlin last year.",
    "Best regards, Sam",
    "Please reply to my colleague as well.",
    "No rush on the invoice question from last week.",
    "I hope you had a good weekend!",
]
LETTERS = st.characters(codec="utf-8", exclude_categories=("Cs",))


def _floor_rank(text: str, tier: Tier) -> int:
    floor = strongest_floor(Signals.read(text, tier), tier)
    return floor.severity.rank if floor else 5


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.sampled_from(POOL),
    extra=st.one_of(st.sampled_from(UNRELATED), st.text(LETTERS, max_size=120)),
    tier=st.sampled_from(list(Tier)),
)
def test_appending_a_sentence_never_lowers_the_floor(text, extra, tier):
    before = _floor_rank(text, tier)
    after = _floor_rank(f"{text}\n\n{extra}", tier)
    assert after <= before


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(st.sampled_from(POOL), st.text(LETTERS, max_size=300)),
    suffix=st.text(LETTERS, max_size=80),
    engine_says=st.sampled_from(list(Severity)),
    tier=st.sampled_from(list(Tier)),
)
def test_reconcile_never_goes_below_the_floor_nor_below_the_engine(text, suffix, engine_says, tier):
    text = text + suffix
    triage = run_rules(text, engine_answer(text, tier, severity=engine_says), tier)
    floor = strongest_floor(Signals.read(text, tier), tier)
    if floor:
        assert triage.severity.at_least(floor.severity)
    assert triage.severity.at_least(engine_says)
    assert triage.engine_severity is engine_says
    assert [q.key for q in triage.questions] == list(QUESTION_KEYS)
    assert triage.routing.tier == POLICY.tier_by_severity[triage.severity]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.sampled_from(POOL), st.text(LETTERS, max_size=400)), tier=st.sampled_from(list(Tier)))
def test_the_offline_answer_needs_no_severity_or_evidence_correction(text, tier):
    triage = run_rules(text, engine_answer(text, tier), tier)
    assert not [c for c in triage.corrections if c.field == "severity" or c.rule == "evidence_must_quote_complaint"]


def test_a_complaint_read_again_is_not_searched_again_and_keeps_its_own_tier(monkeypatch):
    text = "Someone logged into our admin account from an unknown IP and exported every customer record. We are losing $20,000 per hour."
    first = Signals.read(text, Tier.ENTERPRISE)
    searched = []
    monkeypatch.setattr(Signals, "_read", classmethod(lambda cls, t, tier: searched.append(t) or first))
    again = Signals.read(text)  # what a security acknowledgment reads (drafting.exposure_described)
    assert searched == [] and again is not first
    assert (again.tier, first.tier) == (None, Tier.ENTERPRISE)
    assert again.cues == first.cues and again.cues is not first.cues and again.claims == first.claims
    assert again.first("security_breach") is not None and again.money_at_risk.value == first.money_at_risk.value == 20000
    Signals.read("The invoice PDF has a typo in our company name.", Tier.STANDARD)
    assert searched == ["The invoice PDF has a typo in our company name."]  # another text is read
