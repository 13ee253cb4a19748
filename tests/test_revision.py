"""A submission returned for changes is revised and resubmitted by its submitter, keeping its
reference; dropping the revision leaves it as it was submitted."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from bot.buttons.partners import Choice, Decision, Revise
from storage import export_records
from storage.models import Organisation
from tests.conftest import COORDINATORS
from tests.instants import reference
from tests.test_interest import stored
from tests.test_review import submitted


async def returned(bot, language: str):
    """A submitted Fachkräftefonds expression of interest, returned for changes and the
    submitter told (the notice with its button is their newest message)."""
    person = await submitted(bot, language=language)
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.click("↩️ Return for changes", message=bot.api.chat(COORDINATORS[0])[-1])
    await tom.click("Information missing")
    await tom.click("✅ Confirm")
    await bot.deliver_outbox()
    return person


def organisations(bot) -> int:
    with Session(bot.db.engine) as session:
        return session.execute(select(func.count()).select_from(Organisation)).scalar_one()


async def test_revised_from_the_notice_and_resubmitted_with_the_same_reference(bot):
    ama = await returned(bot, "en")
    assert "returned it for changes" in ama.last.text
    assert ama.last.labels == ["✏️ Revise and resubmit"]
    orgs = organisations(bot)
    await ama.click("✏️ Revise and resubmit")
    assert f"You are revising {reference('EOI', 1)}" in ama.last.plain
    assert "Stadt Bonn" in ama.last.plain  # the summary with the answers as submitted
    await ama.send("/mine")
    assert "being revised by you" in ama.last.text
    await ama.send("/start")
    await ama.click("▶️ Continue")
    await ama.click("✏️ German municipality")
    await ama.send("Bundesstadt Bonn")
    assert "Bundesstadt Bonn" in ama.last.plain
    await ama.click("📨 Submit")
    assert "revised expression of interest has been resubmitted" in ama.last.text
    assert reference("EOI", 1) in ama.last.text
    [eoi] = stored(bot)
    assert (eoi.status, eoi.reference) == ("submitted", reference("EOI", 1))
    assert eoi.german_municipality == "Bundesstadt Bonn" and eoi.submitted_answers is None
    assert organisations(bot) == orgs  # the organisations are updated, not added again
    await bot.deliver_outbox()
    english, german = (bot.api.chat(coordinator)[-1] for coordinator in COORDINATORS)
    assert f"{reference('EOI', 1)} resubmitted after changes" in english.plain  # Tom reads English
    assert f"{reference('EOI', 1)} nach Änderungen erneut eingereicht" in german.plain
    assert "Bundesstadt Bonn" in english.plain and "↩️ Return for changes" in english.labels


async def test_revision_dropped_in_german_leaves_the_submission_as_submitted(bot):
    jonas = await returned(bot, "de")
    assert "zur Überarbeitung zurückgegeben" in jonas.last.text
    await jonas.send("/mine")
    assert "zur Überarbeitung zurückgegeben" in jonas.last.text
    await jonas.click(f"✏️ {reference('EOI', 1)} überarbeiten")
    assert f"Sie überarbeiten {reference('EOI', 1)}" in jonas.last.plain
    await jonas.click("✏️ Deutsche Kommune")
    await jonas.send("Bundesstadt Bonn")
    assert stored(bot)[0].german_municipality == "Bundesstadt Bonn"
    # Meanwhile the coordinators' export shows it as returned, as it was submitted.
    [row] = bot.db.call(export_records.interests)
    assert (row["reference"], row["status"]) == (reference("EOI", 1), "returned")
    assert row["german_municipality"] == "Stadt Bonn"
    await jonas.click("✖️ Abbrechen")
    await jonas.click("🗑 Entwurf verwerfen")
    await jonas.click("🗑 Ja, verwerfen")
    assert "Ihre Änderungen wurden verworfen" in jonas.last.text
    [eoi] = stored(bot)
    assert (eoi.status, eoi.reference) == ("returned", reference("EOI", 1))
    assert eoi.german_municipality == "Stadt Bonn" and eoi.submitted_answers is None
    # It can be revised again.
    await jonas.send("/mine")
    await jonas.click(f"✏️ {reference('EOI', 1)} überarbeiten")
    assert stored(bot)[0].status == "draft"


async def test_an_open_draft_is_only_dropped_after_confirming(bot):
    ama = await returned(bot, "en")
    notice = ama.last
    await ama.send("/interest")
    await ama.click("Verwaltungspartnerschaft")
    await ama.click("State (Land)")
    await ama.click("✏️ Revise and resubmit", message=notice)
    assert "unfinished draft" in ama.last.plain
    await ama.click("▶️ Continue")  # keep the draft: nothing changed
    assert [e.status for e in stored(bot)] == ["returned", "draft"]
    await ama.click("✏️ Revise and resubmit", message=notice)
    await ama.click("Yes, revise it now")
    assert f"You are revising {reference('EOI', 1)}" in ama.last.plain
    assert [e.status for e in stored(bot)] == ["draft"]  # the other draft is deleted
    # Starting a new expression of interest now gives the revision back as submitted.
    await ama.send("/interest")
    await ama.click("Choose a programme anew")
    await ama.click("Verwaltungspartnerschaft")
    await ama.click("Yes, start anew")
    assert [e.status for e in stored(bot)] == ["returned", "draft"]


async def test_a_submission_no_longer_returned_cannot_be_revised(bot):
    ama = await returned(bot, "en")
    notice = ama.last
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.click("✅ Accept")  # on the notice, the newest message with buttons
    await ama.click("✏️ Revise and resubmit", message=notice)
    assert "cannot be revised now" in ama.last.text
    assert stored(bot)[0].status == "accepted"
    # Nor someone else's, with a forged button.
    kofi = bot.person(user_id=6161, language="en", name="Kofi")
    await kofi.send("/start")
    await kofi.press(kofi.last, Revise(stored(bot)[0].id).pack())
    assert "cannot be revised now" in kofi.last.text


async def test_coordinators_see_what_was_submitted_while_it_is_revised(bot):
    ama = await returned(bot, "en")
    await ama.click("✏️ Revise and resubmit")
    await ama.click("✏️ German municipality")
    await ama.send("Half-typed change")
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    old_notice = [m for m in bot.api.chat(COORDINATORS[0]) if "✅ Accept" in m.labels][-1]
    await tom.click("↩️ Return for changes", message=old_notice)
    assert "the submitter is revising it right now" in tom.bot_answers()[-1]["text"]
    assert stored(bot)[0].status == "draft"
    await tom.press(old_notice, Decision(stored(bot)[0].id, Choice.OPEN).pack())
    assert "The submitter is revising it right now" in tom.last.plain
    assert "Stadt Bonn" in tom.last.plain and "Half-typed change" not in tom.last.plain
    await tom.send("/submissions")
    assert "No expression of interest is waiting for a decision." in tom.last.text
    assert f"Being revised by their submitters: {reference('EOI', 1)}" in tom.last.text
    # The submitter pauses the revision and comes back to it from /mine: it takes answers.
    await ama.click("✏️ German municipality")
    await ama.click("✖️ Cancel")
    await ama.send("/mine")
    await ama.click(f"▶️ Go on revising {reference('EOI', 1)}")
    assert "Step 1 of 12" in ama.last.text and "Half-typed change" in ama.last.plain
    await ama.send("Bonn again")
    assert "Please check your answers" in ama.last.text
    assert stored(bot)[0].german_municipality == "Bonn again"


async def test_a_decision_on_an_abandoned_revision_restores_what_was_submitted(bot):
    ama = await returned(bot, "en")
    await ama.click("✏️ Revise and resubmit")
    await ama.click("✏️ German municipality")
    await ama.send("Never resubmitted")
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.click("✖️ Decline")
    await tom.click("Duplicate")
    await tom.click("✅ Confirm")
    answer = tom.bot_answers()[-1]["text"]
    assert "is now “declined”" in answer and "had not resubmitted were dropped" in answer
    [eoi] = stored(bot)
    assert (eoi.status, eoi.german_municipality, eoi.submitted_answers) == (
        "declined",
        "Stadt Bonn",
        None,
    )
    await bot.deliver_outbox()
    assert "decided not to take it up" in ama.last.text
    await ama.click("📨 Submit", message=ama.messages[-2])  # the revision's old summary
    assert "already submitted or discarded" in ama.bot_answers()[-1]["text"]
    assert stored(bot)[0].status == "declined"


async def test_an_accepted_submission_is_refused_before_an_open_draft_is_questioned(bot):
    ama = await returned(bot, "en")
    notice = ama.last
    await ama.send("/interest")
    await ama.click("Verwaltungspartnerschaft")
    await ama.click("State (Land)")
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.click("✅ Accept")  # on the notice, the newest message with buttons
    await ama.click("✏️ Revise and resubmit", message=notice)
    assert "cannot be revised now" in ama.last.text
    assert "▶️ Continue" in ama.last.labels  # the open draft is within reach
    await ama.click("▶️ Continue")
    assert "Step 2 of 17" in ama.last.text


async def test_a_resubmission_keeps_the_date_it_was_first_submitted_on(bot):
    ama = await returned(bot, "en")
    first = stored(bot)[0].submitted_at
    bot.clock.advance(days=3)
    await ama.click("✏️ Revise and resubmit")
    await ama.click("📨 Submit")
    assert stored(bot)[0].submitted_at == first


async def test_back_from_an_edit_returns_to_the_summary(bot):
    ama = await returned(bot, "en")
    await ama.click("✏️ Revise and resubmit")
    await ama.click("✏️ Partnership exists for")
    await ama.click("◀️ Back")
    assert "Please check your answers" in ama.last.text
    assert stored(bot)[0].partnership_age == "5to10"
