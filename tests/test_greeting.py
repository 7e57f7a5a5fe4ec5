"""Whom a customer draft greets: the contact, else whoever signed the complaint, else the customer."""

from __future__ import annotations

import pytest

from agent.greeting import greeting, writer

BILLED = "I was double billed for my subscription in October (2 x 49 EUR). Please refund one of them."


def test_the_contact_named_on_the_escalation_comes_first():
    assert greeting("Dana", "Acme Corp", BILLED + "\n\nThanks,\nSarah") == "Hi Dana"


@pytest.mark.parametrize("complaint, name", [
    (BILLED + " Thanks, Sarah", "Sarah"),
    (BILLED + "\n\nBest regards,\nSarah Miller\nHead of Operations, Acme", "Sarah"),
    ("From: Lee, Jordan <jordan@acme.example>\nSubject: export\n\nThe export fails again.", "Jordan"),
    ("From: Jordan Lee <jordan@acme.example>\nSubject: export\n\nThe export fails again.", "Jordan"),
    ("The export fails.\n\nCheers,\nSam", "Sam"),
    (BILLED + "\n\nMaria Lopez\nIT Director, Corvia Logistics", "Maria"),  # a name block with no sign-off word
    (BILLED + "\n\nMaria Lopez", "Maria"),
    (BILLED + "\nKind regards\nPetra Schulz, HR Manager", "Petra"),  # a name with its title after a comma
])
def test_without_a_contact_the_writer_is_greeted_by_first_name(complaint, name):
    assert writer(complaint) == name
    assert greeting(None, "Acme Corp", complaint) == f"Hi {name}"


@pytest.mark.parametrize("complaint", [
    BILLED,
    BILLED + " Thanks, Support Team",
    BILLED + " Thanks in advance.",
    "From: billing@acme.example\nSubject: charge\n\n" + BILLED,
    "",
    BILLED + "\n\nAcme Corp\nAccounts Payable",  # an organisation, not a person
    BILLED + "\n\nThank You",  # two capitalised words are not always a name
    BILLED + "\n\nPlease Advise",
    "Maria Lopez",  # the whole text
])
def test_no_name_is_made_up_from_a_sign_off_that_names_no_one(complaint):
    assert writer(complaint) is None
    assert greeting(None, "Acme", complaint) == "Hello Acme team"


@pytest.mark.parametrize("customer, line", [
    ("Sarah Miller", "Hello Sarah Miller"),
    ("Jordan Lee", "Hello Jordan Lee"),
    ("Acme", "Hello Acme team"),
    ("Acme Corp", "Hello Acme Corp team"),
    ("Northwind Health", "Hello Northwind Health team"),
    ("Globex Systems Ltd", "Hello Globex Systems Ltd team"),
    ("ACME GmbH", "Hello ACME GmbH team"),
])
def test_a_customer_that_reads_as_a_person_is_never_greeted_as_a_team(customer, line):
    assert greeting(None, customer, BILLED) == line


def test_a_forward_greets_the_customer_not_the_writer_of_the_forwarded_message():
    forward = ("FYI - see below from our store manager.\n\n---------- Forwarded message ---------\n"
               "From: Lukas Brandt <lukas@nordwind.example>\nDate: Tue, Dec 1, 2026 at 7:52 AM\nSubject: card payments\n"
               "To: Anna Keller <anna@nordwind.example>\n\n\nThe card terminals have declined every payment since 07:40.\n\nLukas\n")
    assert writer(forward) is None
    assert greeting(None, "Nordwind Retail", forward) == "Hello Nordwind Retail team"


@pytest.mark.parametrize("signed, name", [
    ("Best regards,\nSiobhán O'Neill", "Siobhán"), ("Mit freundlichen Grüßen\nJürgen Weiß", "Jürgen"),
    ("Cordialement,\nÉlodie Martin", "Élodie"), ("Best,\nŁukasz Nowak", "Łukasz"),
    ("Kind regards,\nDr. Hannah Schmidt", "Hannah"),  # the title is no name
])
def test_names_with_accents_apostrophes_and_titles_are_greeted_by_their_first_name(signed, name):
    assert greeting(None, "Acme Ltd", f"The export fails for every user.\n\n{signed}") == f"Hi {name}"


def test_a_role_signing_is_no_name_to_greet():
    assert greeting(None, "Riverside Health", "The reminders show diagnosis codes.\n\nRegards,\nPractice Manager, Riverside Health") \
        == "Hello Riverside Health team"
