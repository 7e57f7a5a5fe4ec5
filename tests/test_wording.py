"""The customer's words addressed back to them: pronouns swapped and the verb agreeing."""

from __future__ import annotations

import pytest

from agent.issue import phrases
from agent.wording import headline, second_person, without_leading_time


@pytest.mark.parametrize("said, back", [
    ("I was double billed for my subscription", "You were double billed for your subscription"),
    ("I am locked out of my account", "You are locked out of your account"),
    ("Why was I charged twice?", "Why were you charged twice?"),
    ("I wasn't told about the fee", "You weren't told about the fee"),
    ("I wasn’t told", "You weren’t told"),
    ("I WAS charged", "You WERE charged"),
    ("our agents were told", "your agents were told"),
    ("the update you was promising", "the update we were promising"),
    ("My name is Sarah and I've been trying to cancel", "Your name is Sarah and you've been trying to cancel"),
    ("I'm stuck and I'll lose the deal", "You're stuck and you'll lose the deal"),
])
def test_a_swapped_i_takes_the_verb_of_you(said, back):
    assert second_person(said) == back


def test_a_verb_that_agrees_already_is_left_alone():
    assert second_person("We were told the export was fixed") == "You were told the export was fixed"
    assert second_person("the invoice was wrong and I was charged") == "the invoice was wrong and you were charged"


@pytest.mark.parametrize("summary, line", [
    ("Since yesterday evening every card payment is declined", "Every card payment is declined"),
    ("Since 9am this morning none of our agents can log in", "None of your agents can log in"),
    ("Since yesterday the export fails", "The export fails"),
])
def test_a_headline_drops_the_whole_leading_time(summary, line):
    assert headline(summary) == line


@pytest.mark.parametrize("said, core", [
    ("Since the sync last night half of our CRM contacts are missing", "half of our CRM contacts are missing"),
    ("After yesterday's update, none of our agents can log in", "none of our agents can log in"),
    ("Since the 2.3 release on Tuesday our exports fail", "our exports fail"),
    ("Following the migration at 9am all invoices show zero", "all invoices show zero"),
    ("After the restart the dashboard is blank", "the dashboard is blank"),
])
def test_the_event_it_started_with_is_not_part_of_the_issue(said, core):
    assert without_leading_time(said) == core


@pytest.mark.parametrize("said", [
    "Since the update it keeps crashing",          # "it" would point at nothing
    "Since the update is stuck we cannot work",    # the event is the subject
    "Since the import of contacts, half are gone",  # no subject follows the event
    "Since the team moved offices the printer fails",  # not a change or a run of ours
])
def test_a_leading_event_stays_when_what_follows_is_not_a_clause_of_its_own(said):
    assert without_leading_time(said) == said


def test_an_update_names_the_issue_without_the_event_it_started_with():
    said = phrases("Since the sync last night half of our CRM contacts are missing")
    assert said["about"] == "the issue where half of your CRM contacts are missing"
    assert said["clause"] == "since the sync last night half of your CRM contacts are missing"
    assert said["subject"] == "Half of your CRM contacts are missing"


@pytest.mark.parametrize("said,back", [
    ("we have problem since 3 days, the app not showing the orders", "you have had a problem for 3 days, the app not showing the orders"),
    ("we have a problem with the export since 4 days", "you have had a problem with the export for 4 days"),
    ("Since 2 weeks we have issue with login", "For 2 weeks you have an issue with login"),
    ("it has error since two hours", "it has had an error for two hours"),
    ("I had problem yesterday", "You had a problem yesterday"),
])
def test_two_calques_of_non_native_writers_are_put_right_when_quoted_back(said, back):
    assert second_person(said) == back


@pytest.mark.parametrize("said", [
    "we have problems since yesterday",
    "it started 3 days ago and since 3 days ago nothing works",
    "we have had issues since Monday",
])
def test_english_that_is_already_right_is_not_rewritten(said):
    assert second_person(said) == said.replace("we ", "you ").replace("We ", "You ")


@pytest.mark.parametrize("text,issue", [
    ("Can you tell me why the API rate limit dropped from 1000 to 100 requests per minute overnight? Half our "
     "integrations are throttled.", "The API rate limit dropped from 1000 to 100 requests per minute overnight"),
    ("Can you explain how our invoices went from 200 to 900 EUR this month?", "Our invoices went from 200 to 900 EUR this month"),
    ("I'd like to know why our exports have stopped arriving since Monday.", "Our exports have stopped arriving since Monday"),
])
def test_a_why_or_how_asked_indirectly_is_stated(text, issue):
    from agent.issue import statement

    assert statement(text) == issue


def test_a_question_quoted_as_asked_keeps_its_own_words_in_the_subject():
    from agent.issue import statement

    said = statement("Could you tell me when the CSV export will work again? We need it for payroll on Friday.",
                     "Could you tell me when the CSV export will work again?")  # the engine's line
    assert said == "you reported: “Could you tell me when the CSV export will work again?”"
    assert phrases(said)["subject"] == "“Could you tell me when the CSV export will work again?”"  # not "Could we tell you"


def test_how_to_is_a_question_not_a_statement():
    from agent.issue import statement

    assert statement("Can you tell me how to export the invoices of last year?").startswith("you reported: “")


@pytest.mark.parametrize("said, back", [
    ("our data is stored in a US data centre", "your data is stored in a US data centre"),
    ("having US colleagues run reports", "having US colleagues run reports"),
    ("our US team cannot log in", "your US team cannot log in"),
])
def test_us_in_capitals_in_a_written_text_is_the_country(said, back):
    assert second_person(said) == back


def test_us_in_a_shouted_text_is_the_pronoun():
    assert second_person("NOBODY CALLED US BACK") == "NOBODY CALLED YOU BACK"
    assert second_person("Nobody called us back") == "Nobody called you back"


def test_a_headline_cut_short_leaves_no_bracket_or_quotation_open():
    summary = "The scheduled billing job ran twice last night (we see two runs in the job log, 01:00 and 01:07)"
    assert headline(summary) == "The scheduled billing job ran twice last night…"
    assert headline('The importer says "file is not valid UTF-8 and cannot be read by the parser at all" on every CSV') == \
        "The importer says…"
    assert headline("The export (CSV) fails for the finance team every single night since the upgrade to 5.2 on Monday") == \
        "The export (CSV) fails for the finance team every single night since…"


def test_whose_fault_it_was_is_not_part_of_the_issue():
    from agent.issue import statement

    assert statement('One of our admins accidentally deleted our "Projects 2024" workspace this morning (her mistake, not yours). '
                     "Is there any way to restore it?") == 'One of our admins accidentally deleted our "Projects 2024" workspace this morning'
    assert statement("Our admin deleted the Projects workspace this morning, her own mistake, and we need it back.") == \
        "Our admin deleted the Projects workspace this morning, and we need it back"
