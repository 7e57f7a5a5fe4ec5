"""The complaint parser: the customer's new words apart from headers, quotes, signatures, disclaimers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from agent.complaint import clean_subject, parse

EMAILS = Path(__file__).parent / "emails"
EXAMPLES = Path(__file__).parent.parent / "examples"


def fixture(name: str):
    return parse((EMAILS / name).read_text(encoding="utf-8"))


def test_outlook_top_post_keeps_the_new_words_and_sets_aside_signature_and_thread():
    p = fixture("outlook_reply.txt")
    assert p.new_text.startswith("Hi Sam,")
    assert p.new_text.endswith("Please call me on +49 89 1234 5678 as soon as you have something.")
    assert "Best regards" not in p.new_text and "Nordwind Retail GmbH" not in p.new_text
    assert "Subject" not in p.new_text and "investigating the payment gateway" not in p.new_text
    assert p.signature.startswith("Best regards,\nAnna Keller")
    assert "www.nordwind-retail.example" in p.signature
    assert p.quoted.startswith("From: Support <support@vendor.example>\nSent: Tuesday")
    assert "investigating the payment gateway" in p.quoted
    # the thread's subject is only a candidate, and our own support address is not the sender
    assert p.headline == "Case 48812 - card payments"
    assert p.sender is None
    assert [h.name for h in p.headers] == ["From", "Sent", "To", "Cc", "Subject"]


def test_gmail_reply_with_wrapped_attribution():
    p = fixture("gmail_reply.txt")
    assert p.new_text.startswith("Still broken. None of our 40 agents")
    assert p.new_text.endswith("We have a queue of 300 customers waiting.")
    assert p.signature == "Thanks,\nPriya"
    assert p.quoted.startswith("On Tue, Dec 1, 2026 at 9:14 AM Vendor Support <\nsupport@vendor.example> wrote:")
    assert "restarted the authentication service" in p.quoted
    assert "restarted" not in p.new_text


def test_apple_mail_from_a_phone():
    p = fixture("apple_mail.txt")
    assert p.new_text == ("The export of last month's invoices has been running for 6 hours and is still at 40%. "
                          "Our accountants need it for the month-end close tomorrow.")
    assert p.signature == "Sent from my iPhone"
    assert "how large the export is" in p.quoted


def test_gmail_forward_reads_the_forwarded_message_and_its_subject():
    p = fixture("gmail_forward.txt")
    assert p.forwarded
    assert p.new_text.startswith("Anna, the card terminals in the Hamburg store have declined every payment since 07:40.")
    assert "FYI" not in p.new_text  # a cover note that only points below is not the complaint
    assert "Store Manager Hamburg" not in p.new_text and "Lukas" in p.signature
    assert p.headline == "URGENT - card payments failing"
    assert p.sender == "Lukas Brandt"


def test_forward_with_a_real_cover_note_keeps_both():
    text = ("This is the third outage this month and our board is asking questions.\n\n"
            "---------- Forwarded message ---------\nFrom: Lukas <l@x.example>\nDate: Tue, Dec 1, 2026 at 7:52 AM\n"
            "Subject: terminals down\nTo: Anna <a@x.example>\n\nAll card terminals in Hamburg are down.\n")
    p = parse(text)
    assert p.new_text == ("This is the third outage this month and our board is asking questions.\n\n"
                          "All card terminals in Hamburg are down.")
    assert p.headline == "terminals down"


def test_pasted_headers_give_the_headline_and_the_sender():
    p = fixture("pasted_headers.txt")
    assert p.headline == "URGENT - card payments failing at checkout"
    assert p.sender == "Anna Keller"
    assert p.new_text == ("Hi team,\n\ncard payments are failing at checkout in all 3 of our stores. "
                          "Every transaction is declined since about 07:40.")
    assert p.signature == "Regards\nAnna"
    assert not any(line.startswith(("From:", "Sent:", "To:", "Subject:")) for line in p.new_text.splitlines())


def test_german_outlook_with_disclaimer_and_localised_thread_headers():
    p = fixture("outlook_german.txt")
    assert p.new_text == ("Hallo zusammen,\n\nseit heute Morgen 07:40 schlagen alle Kartenzahlungen in unseren Filialen fehl. "
                          "Bitte rufen Sie mich dringend zurück.")
    assert p.signature.startswith("Mit freundlichen Grüßen\nAnna Keller")
    assert p.disclaimer.startswith("Diese E-Mail enthält vertrauliche")
    assert p.quoted.startswith("Von: Support")
    assert {h.name for h in p.headers} == {"From", "Sent", "To", "Subject"}
    assert p.headline == "Kartenzahlungen fallen aus"  # "AW:" stripped


def test_french_outlook():
    p = fixture("outlook_french.txt")
    assert p.new_text.endswith("C'est bloquant pour tout le service client.")
    assert p.signature.startswith("Cordialement,\nClaire Martin")
    assert p.quoted.startswith("De : Support")
    assert p.headline == "Connexion impossible"


def test_spanish_original_message_with_nothing_above_reads_the_inner_message():
    p = fixture("spanish_forward.txt")
    assert p.new_text == ("Nos han cobrado dos veces todas las facturas de noviembre, unas 240 facturas. "
                          "Necesitamos el reembolso hoy.")
    assert p.headline == "Facturas duplicadas"  # "RV:" stripped
    assert p.sender == "Javier Ruiz"
    assert p.signature == "Saludos cordiales,\nJavier"


def test_dutch_reply():
    p = fixture("dutch_reply.txt")
    assert p.new_text.startswith("Het probleem is er nog steeds")
    assert p.new_text.endswith("met namen en adressen.")
    assert p.signature == "Met vriendelijke groet,\nSanne de Vries"
    assert p.quoted.startswith("Op di 1 dec. 2026 om 09:12 schreef Support")


def test_outside_sender_banner_and_confidentiality_notice():
    p = fixture("banner_disclaimer.txt")
    assert p.new_text == ("Hello,\n\nOur patients can see other practices' appointment notes in the portal since this "
                          "morning's update. This is a serious privacy problem.")
    assert p.disclaimer.startswith("CAUTION: This email originated from outside")
    assert "CONFIDENTIALITY NOTICE" in p.disclaimer
    assert p.signature == "Dr. Helen Ortiz\nRiverside Family Clinic\n+1 (555) 010-2200"


def test_thunderbird_forward_with_signature_delimiter():
    p = fixture("thunderbird_forward.txt")
    assert p.forwarded
    assert p.new_text == "Our invoice for November shows 14 seats but we only have 9. This is the second month in a row."
    assert p.headline == "Wrong invoice amount again"
    assert p.signature == "--\nMark Ellis\nEllis Design Ltd"
    assert "Please see the email below" not in p.new_text


def test_original_message_thread_below_the_new_words():
    p = fixture("original_message.txt")
    assert p.new_text == "Nobody has answered this for three days. We need the data export fixed before Friday's audit."
    assert p.signature == "Jordan"
    assert p.quoted.startswith("-----Original Message-----")
    assert "error 500" in p.quoted and "error 500" not in p.new_text
    assert p.headline == "Data export fails with error 500"


def test_bottom_posted_reply_from_a_phone():
    p = fixture("mobile_bottom_quote.txt")
    assert p.new_text == "Chrome 131 on Windows 11. The dashboard is blank for all of our 12 users, not only me."
    assert p.quoted == "> Could you confirm which browser you are using?"
    assert p.signature == "Envoyé de mon iPhone"


@pytest.mark.parametrize("label,name", [
    ("From", "From"), ("Von", "From"), ("De", "From"), ("Van", "From"), ("Da", "From"),
    ("Sent", "Sent"), ("Gesendet", "Sent"), ("Envoyé", "Sent"), ("Enviado", "Sent"), ("Verzonden", "Sent"),
    ("To", "To"), ("An", "To"), ("À", "To"), ("Para", "To"), ("Aan", "To"),
    ("Cc", "Cc"), ("Date", "Date"), ("Datum", "Date"), ("Fecha", "Date"),
])
def test_each_localised_header_name_is_read(label, name):
    value = "Tue, 1 Dec 2026 08:05" if name in ("Sent", "Date") else "Anna Keller <anna@x.example>"
    p = parse(f"{label}: {value}\nSubject: Terminals down\n\nAll card terminals are down.")
    assert p.headers[0].name == name and p.headers[0].label == label
    assert p.new_text == "All card terminals are down."


@pytest.mark.parametrize("label", ["Subject", "Betreff", "Objet", "Asunto", "Onderwerp", "Oggetto", "**Subject**"])
def test_each_localised_subject_is_the_headline(label):
    p = parse(f"{label}: RE: WG: Terminals down\n\nAll card terminals are down.")
    assert p.headline == "Terminals down"
    assert p.new_text == "All card terminals are down."


@pytest.mark.parametrize("sign_off", [
    "Best regards,", "Kind regards", "Regards,", "Thanks,", "Thank you!", "Cheers", "Sincerely,", "Many thanks",
    "Mit freundlichen Grüßen", "Viele Grüße", "Cordialement,", "Bien cordialement", "Saludos,", "Atentamente",
    "Met vriendelijke groet,", "Groeten", "Cordiali saluti", "Med vänliga hälsningar",
])
def test_each_sign_off_starts_the_signature(sign_off):
    p = parse(f"The export fails every night.\n\n{sign_off}\nJane Doe\nAcme Ltd")
    assert p.new_text == "The export fails every night."
    assert p.signature == f"{sign_off}\nJane Doe\nAcme Ltd"


@pytest.mark.parametrize("footer", [
    "Sent from my iPhone", "Sent from my Galaxy", "Get Outlook for iOS", "Von meinem iPhone gesendet",
    "Envoyé de mon iPhone", "Enviado desde mi iPhone", "Verzonden vanaf mijn iPhone", "Sent from Mail for Windows",
])
def test_each_device_footer_is_set_aside(footer):
    p = parse(f"The export fails every night.\n\n{footer}")
    assert p.new_text == "The export fails every night."
    assert p.signature == footer


@pytest.mark.parametrize("attribution", [
    "On Mon, 30 Nov 2026 at 09:14, Jane Doe <jane@x.example> wrote:",
    "On 30 Nov 2026, at 09:14, Jane Doe <jane@x.example> wrote:",
    "Am 30.11.2026 um 09:14 schrieb Jane Doe <jane@x.example>:",
    "Le lun. 30 nov. 2026 à 09:14, Jane Doe <jane@x.example> a écrit :",
    "El lun, 30 nov 2026 a las 9:14, Jane Doe (<jane@x.example>) escribió:",
    "Op ma 30 nov. 2026 om 09:14 schreef Jane Doe <jane@x.example>:",
    "Jane Doe <jane@x.example> wrote:",
])
def test_each_reply_attribution_starts_the_quote(attribution):
    p = parse(f"Still down for all 40 agents.\n\n{attribution}\nWe restarted the service, please retry.")
    assert p.new_text == "Still down for all 40 agents."
    assert p.quoted.startswith(attribution) and "please retry" in p.quoted


@pytest.mark.parametrize("separator", [
    "-----Original Message-----", "-----Ursprüngliche Nachricht-----", "-----Message d'origine-----",
    "-----Mensaje original-----", "-----Oorspronkelijk bericht-----",
])
def test_each_original_message_separator_starts_the_quote(separator):
    p = parse(f"Still down for all 40 agents.\n\n{separator}\nFrom: Support <s@v.example>\nSubject: RE: down\n\nPlease retry.")
    assert p.new_text == "Still down for all 40 agents."
    assert "Please retry." in p.quoted


@pytest.mark.parametrize("marker", [
    "---------- Forwarded message ---------", "Begin forwarded message:", "-------- Forwarded Message --------",
    "---------- Weitergeleitete Nachricht ----------", "-------- Message transféré --------",
    "Inicio del mensaje reenviado:", "-------- Doorgestuurd bericht --------",
])
def test_each_forward_marker_hands_over_the_forwarded_words(marker):
    p = parse(f"FYI\n\n{marker}\nFrom: Lukas <l@x.example>\nSubject: Fwd: terminals down\n\nAll terminals in Hamburg are down.")
    assert p.forwarded
    assert p.new_text == "All terminals in Hamburg are down."
    assert p.headline == "terminals down"


@pytest.mark.parametrize("text", [
    # a colon early in prose is not a header block
    "From: our side we tried restarting the router. To: be clear, nothing works since 9am.",
    "Thanks for nothing. The export has failed every night this week and nobody replies.",
    "Regards to the outage: it started at 9am.\nAll 400 agents are locked out and the queue keeps growing by the minute.",
    "Date: no idea when it started.\nSubject to the contract we need this fixed within 4 hours.",
    "Our dashboard shows 0 orders.\n> select count(*) from orders;\n> 0\nThe database says otherwise.",
    ">>> import client\n>>> client.login()\nTimeoutError after 30s. Every login from Python fails.",
])
def test_prose_that_only_looks_like_mail_is_kept(text):
    assert parse(text).new_text == text.strip()


def test_a_sign_off_followed_by_a_long_paragraph_is_not_a_signature():
    text = "Thanks,\n" + "\n".join(f"line {i} of the log shows the failure again and again" for i in range(12))
    assert parse(text).new_text == text


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.txt")))
def test_the_examples_are_plain_complaints(name):
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    p = parse(text)
    assert p.new_text.split() == text.split() or p.parts == tuple(x for x in p.parts if x.kind == "signature")


@pytest.mark.parametrize("subject,clean", [
    ("RE: FW: Outage", "Outage"), ("AW: WG: Ausfall", "Ausfall"), ("TR: RE: Panne", "Panne"), ("RV: Caída", "Caída"),
    ("[EXTERNAL] RE: Outage", "Outage"), ("Re[2]: Outage", "Outage"), ("Fwd: Re: Outage", "Outage"),
    ("Reporting outage", "Reporting outage"),
])
def test_reply_and_forward_prefixes_leave_the_subject(subject, clean):
    assert clean_subject(subject) == clean


_line = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=60)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_line, st.sampled_from([
    "> quoted", "From: a <a@b.example>", "Subject: RE: x", "-- ", "Best regards,", "Sent from my iPhone",
    "On Mon, 30 Nov 2026, Jane <j@x.example> wrote:", "-----Original Message-----", "Begin forwarded message:",
    "CONFIDENTIALITY NOTICE: x", "", "Jane Doe",
])), min_size=1, max_size=25))
@example(["_", "BEST"])  # an underscore is no word: the sign-off-looking line is all the customer wrote
def test_new_text_is_the_customers_lines_and_never_empty_when_there_are_words(lines):
    text = "\n".join(lines)
    p = parse(text)
    original = {line.strip() for line in text.splitlines()} | {p.headline}  # a bare subject stands in for no words
    assert all(line.strip() in original for line in p.new_text.splitlines() if line.strip())
    if any(ch.isalnum() for ch in text):
        assert any(ch.isalnum() for ch in p.new_text)


def test_a_thin_reply_is_read_with_the_thread_that_says_what_is_broken():
    text = ("Still broken.\n\nOn Tue, 1 Dec 2026 at 09:14, Support <s@v.example> wrote:\n"
            "> Hi Anna, we are looking into it.\n>\n"
            "> On Tue, 1 Dec 2026 at 08:02, Anna <a@x.example> wrote:\n"
            ">> Card payments fail at checkout in all 3 stores since 07:40.\n")
    p = parse(text)
    assert p.new_text == "Still broken."
    assert p.earlier == ("Hi Anna, we are looking into it.", "Card payments fail at checkout in all 3 stores since 07:40.")
    assert p.triage_text == ("Still broken.\n\nHi Anna, we are looking into it.\n\n"
                             "Card payments fail at checkout in all 3 stores since 07:40.")


def test_a_full_reply_is_read_without_its_thread():
    p = fixture("gmail_reply.txt")
    assert p.triage_text == p.new_text
    # exactly at the threshold: twelve new words are a full reply, eleven a thin one
    thread = "\n\nOn Tue, 1 Dec 2026, S <s@v.example> wrote:\n> earlier words here"
    assert parse("one two three four five six seven eight nine ten eleven twelve" + thread).triage_text.endswith("twelve")
    assert parse("one two three four five six seven eight nine ten eleven" + thread).triage_text.endswith("earlier words here")


def test_triage_reads_the_new_words_and_show_keeps_the_rest(db_path):
    from conftest import ok

    path = EMAILS / "outlook_reply.txt"
    out = ok(db_path, "triage", str(path), "--customer", "Nordwind", "--tier", "enterprise", "--json")
    import json

    esc = json.loads(out)
    ident = esc["id"]
    shown = ok(db_path, "show", ident)
    own, _, rest = shown.partition("Pasted with it (kept; not read as the issue)")
    assert "Card payments are failing at checkout" in own
    assert "investigating the payment gateway" not in own and "Head of Retail Operations" not in own
    assert "[quoted reply]" in rest and "investigating the payment gateway" in rest
    assert "[signature]" in rest and "Head of Retail Operations" in rest
    # the stored complaint is the paste, whole
    assert "Kind regards,\nVendor Support" in path.read_text(encoding="utf-8")


def test_similar_search_ignores_a_shared_signature_and_disclaimer(store, policy):
    from agent import similar

    footer = ("\n\nBest regards,\nAnna Keller\nHead of Retail Operations | Nordwind Retail GmbH\n"
              "T: +49 89 1234 5678\n\nCONFIDENTIALITY NOTICE: This e-mail and any attachments are confidential "
              "and intended solely for the addressee named above, privileged information protected by law.")
    a = "The nightly invoice export has been failing with a timeout for three days." + footer
    b = "Our warehouse scanners cannot print shipping labels since this morning's update." + footer
    assert not similar.similar_terms(similar.terms(a), similar.terms(b))
    assert "confidential" not in similar.terms(a) and "nordwind" not in similar.terms(a)


def test_spanish_outlook_mail_with_an_aviso_legal_keeps_only_the_new_words():
    p = fixture("outlook_es_aviso_legal.txt")
    assert p.new_text.endswith("Hemos cerrado la sesión y no hemos tocado nada.")
    assert p.signature == "Un saludo,\nLucía Fernández\nClínica Sol - Coordinación"
    assert p.disclaimer.startswith("AVISO LEGAL: Este mensaje y sus archivos adjuntos van dirigidos")


def test_spanish_mail_showing_another_clinics_patients_is_quoted_not_its_subject():
    from agent.engines import TriageRequest
    from agent.engines.offline import OfflineEngine
    from agent.issue import statement
    from agent.schemas import EscalationType, Severity, Tier
    from agent.signals import Signals

    text = (EMAILS / "outlook_es_aviso_legal.txt").read_text(encoding="utf-8")
    p = parse(text)
    answer = OfflineEngine().triage(TriageRequest(complaint=p.triage_text, customer="Clínica Sol", tier=Tier.BUSINESS),
                                    Signals.read(p.triage_text)).answer
    assert (answer.severity, answer.type) == (Severity.SEV1, EscalationType.SECURITY)
    # "Urgente - pacientes" is two words, and "Urgent" is not cut out of "Urgente"
    assert statement(text, answer.summary) == ("you reported: “Esta mañana al abrir la agenda vimos las citas y los nombres de "
                                               "pacientes de otra clínica, no de la nuestra”")


def test_a_subject_that_says_what_is_wrong_is_read_above_the_new_words():
    p = parse("Subject: URGENT - all card payments failing since 08:00 CET\n\nHi,\n\nsee subject. Our finance team "
              "flagged it about twenty minutes ago. Please call.\n\nRegards,\nTom Becker\n")
    assert p.triage_text == ("URGENT - all card payments failing since 08:00 CET\n\nHi,\n\nsee subject. Our finance "
                             "team flagged it about twenty minutes ago. Please call.")
    assert p.new_text.startswith("Hi,")  # the subject stays the headline, apart from the new words


@pytest.mark.parametrize("subject, read", [
    ("Re: Ticket 4471 - our admin account signed in from Russia at 3am, not us",
     "our admin account signed in from Russia at 3am, not us"),  # the reference is no part of what happened
    ("Ticket 4471", None), ("Case #88-2231", None),  # a reference alone says nothing
    ("Login broken", None),  # two words: a label, not a statement
    ("Exports are failing again", None),  # the body says it already
])
def test_a_subject_is_read_only_when_it_says_something_the_body_does_not(subject, read):
    p = parse(f"Subject: {subject}\n\nHello, exports are failing again since this morning for all of us.\n\nThanks,\nPriya\n")
    body = "Hello, exports are failing again since this morning for all of us."
    assert p.triage_text == (f"{read}\n\n{body}" if read else body)


@pytest.mark.parametrize("signature", ["Maria Lopez | Head of Ops | Acme Corp\nmaria@acme.example",
                                       "Tom Reed, CFO\n+44 20 7946 0958", "Dr. Helen Ortiz / Clinic Sol / +1 555 0100"])
def test_a_signature_whose_first_line_leads_with_the_name_is_not_the_customers_words(signature):
    text = f"Hi team,\n\nOur nightly export has been empty since Tuesday.\n\n{signature}"
    assert parse(text).triage_text == "Hi team,\n\nOur nightly export has been empty since Tuesday."


def test_a_line_that_is_no_name_under_the_message_stays():
    text = "Hi team,\n\nOur nightly export has been empty since Tuesday.\n\nPayroll | Finance | Reports are all empty\nsee ticket 4411"
    assert "Payroll | Finance" in parse(text).triage_text


@pytest.mark.parametrize("sent", ["Monday", "Mon, 3 Nov", "yesterday", "Montag"])
def test_a_sent_header_with_a_day_name_is_a_header(sent):
    text = f"From: Anna <anna@x.example>\nSent: {sent}\nSubject: export empty\n\nOur nightly export has been empty since Tuesday."
    assert parse(text).triage_text == "Our nightly export has been empty since Tuesday."


def test_a_date_line_that_is_no_date_is_the_customers_words():
    assert parse("Date: to be agreed\nWe need the migration done before Friday.").triage_text.startswith("Date: to be agreed")
