"""Storage limitation: a draft nobody touches is reminded once, then deleted; a continued one
stays; messages already sent keep no text after OUTBOX_TEXT_RETENTION_DAYS."""

from __future__ import annotations

import pytest

from bot import i18n
from bot.retention import JOB_NAME, start_retention, sweep
from storage.experts_tables import Deployment
from storage.first_contact import DRAFT_KINDS
from storage.models import ExpressionOfInterest, OutboxMessage
from storage.reminders_tables import ShortDraft
from storage.retention import GRACE_DAYS
from tests.conftest import COORDINATORS
from tests.experts_scripts import rows
from tests.scripts import fachkraeftefonds_until_summary
from tests.test_discard import stored_anywhere

EXPIRING = {
    "en": "will be deleted in 14 days with all its answers",
    "de": "in 14 Tagen mit allen Antworten gelöscht",
}


async def a_draft(bot, language="en"):
    ama = bot.person(language=language)
    await ama.send("/interest")
    await ama.click("Fachkräftefonds")
    await ama.send("Markerstadt Drei")
    return ama


@pytest.mark.parametrize("language", ["en", "de"])
async def test_an_untouched_draft_is_reminded_once_then_deleted(bot, clock, language):
    ama = await a_draft(bot, language)
    clock.advance(days=182)
    assert (await sweep(bot.app)).reminded == 0  # not yet
    clock.advance(days=2)
    assert (await sweep(bot.app)).reminded == 1
    await bot.deliver_outbox()
    assert EXPIRING[language] in ama.last.text
    assert (await sweep(bot.app)).reminded == 0  # one reminder only
    clock.advance(days=GRACE_DAYS - 1)
    assert (await sweep(bot.app)).deleted == 0
    clock.advance(days=2)
    assert (await sweep(bot.app)).deleted == 1
    assert rows(bot, ExpressionOfInterest) == []
    assert stored_anywhere(bot, "Markerstadt Drei") == []
    await ama.send("/start")  # the bot still answers; there is just no draft to continue
    assert "Markerstadt" not in ama.last.text


async def test_a_draft_continued_after_the_reminder_stays(bot, clock):
    ama = await a_draft(bot)
    clock.advance(days=184)
    await sweep(bot.app)
    await bot.deliver_outbox()
    await ama.send("/start")
    await ama.click(ama.last.labels[0])  # continue the draft
    await ama.click("North Rhine-Westphalia")
    clock.advance(days=GRACE_DAYS + 1)
    swept = await sweep(bot.app)
    assert (swept.reminded, swept.deleted) == (0, 0)
    assert rows(bot, ExpressionOfInterest)[0].german_state == "NW"


async def test_sent_messages_keep_no_text_after_the_retention_time(bot, clock):
    ama = bot.person()
    await fachkraeftefonds_until_summary(ama)
    await ama.click("📨 Submit")
    await bot.deliver_outbox()
    [notice, *_] = [m for m in rows(bot, OutboxMessage) if m.recipient_id == COORDINATORS[0]]
    assert notice.status == "sent" and "answers" in notice.params
    clock.advance(days=29)
    await sweep(bot.app)
    assert "maria.mueller@bonn.de" in str(rows(bot, OutboxMessage, OutboxMessage.id == notice.id))
    clock.advance(days=2)
    assert (await sweep(bot.app)).emptied >= 1
    [kept] = rows(bot, OutboxMessage, OutboxMessage.id == notice.id)
    assert kept.params == {
        "eoi_id": notice.params["eoi_id"],
        "reference": notice.params["reference"],
        "programme": "fkf",
    }
    assert stored_anywhere(bot, "maria.mueller@bonn.de", "Maria Müller") == [
        "expression_of_interest.contact_name",
        "expression_of_interest.contact_email",
    ]  # the submission itself is kept, its messages are not


async def test_the_retention_job_runs_daily(bot):
    start_retention(bot.app)
    assert bot.app.job_queue.get_jobs_by_name(JOB_NAME)


@pytest.mark.parametrize("language", ["en", "de"])
async def test_an_untouched_call_draft_is_reminded_once_then_deleted(bot, clock, language):
    kim = bot.person(user_id=COORDINATORS[0], language=language, name="Kim")
    await kim.send("/call")
    await kim.click(kim.last.labels[0])
    clock.advance(days=184)
    assert (await sweep(bot.app)).reminded == 1
    await bot.deliver_outbox()
    assert EXPIRING[language] in kim.last.text
    assert {"en": "call for expressions", "de": "Aufruf"}[language] in kim.last.text
    clock.advance(days=GRACE_DAYS + 1)
    assert (await sweep(bot.app)).deleted == 1
    assert rows(bot, ShortDraft) == []


@pytest.mark.parametrize("language", ["en", "de"])
async def test_an_untouched_time_zone_change_is_reminded_once_then_deleted(bot, clock, language):
    ama = bot.person(language=language)
    await ama.send("/settings")
    await ama.click(ama.last.labels[0])  # change the time zone, then leave it
    clock.advance(days=184)
    assert (await sweep(bot.app)).reminded == 1
    await bot.deliver_outbox()
    assert EXPIRING[language] in ama.last.text
    assert {"en": "change of time zone", "de": "Änderung der Zeitzone"}[language] in ama.last.text
    clock.advance(days=GRACE_DAYS + 1)
    assert (await sweep(bot.app)).deleted == 1
    assert rows(bot, ShortDraft) == []


@pytest.mark.parametrize("language", ["en", "de"])
async def test_an_untouched_deployment_registration_is_reminded_once_then_deleted(
    bot, clock, language
):
    kim = bot.person(user_id=COORDINATORS[0], language=language, name="Kim")
    await kim.send("/deploy")
    await kim.send("Markerfachkraft Vier")
    clock.advance(days=184)
    assert (await sweep(bot.app)).reminded == 1
    await bot.deliver_outbox()
    assert EXPIRING[language] in kim.last.text
    assert {"en": "registration of a deployment", "de": "Fachkrafteinsatzes"}[language] in (
        kim.last.text
    )
    clock.advance(days=GRACE_DAYS + 1)
    assert (await sweep(bot.app)).deleted == 1
    assert rows(bot, Deployment) == []
    assert stored_anywhere(bot, "Markerfachkraft Vier") == []


@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
def test_each_kind_of_draft_is_named_in_its_deletion_warning(language):
    # Every kind of draft retention deletes says what it is, in every language; the generic
    # "form" wording is only for a kind added without its own line.
    i18n.load_all()
    with i18n.use_language(language):
        generic = i18n._("Your unfinished form has not been touched for %(days)s days.")
        report = i18n._("Your unfinished report has not been touched for %(days)s days.")
        texts = {
            kind.name: i18n.render("privacy/draft_expiring", kind=kind.name, days=30, grace=7)
            for kind in DRAFT_KINDS
        }
    for name, text in texts.items():
        assert generic % {"days": 30} not in text, name
        assert (report % {"days": 30} in text) == (name in ("report", "progress")), name
    assert len(set(texts.values())) == len(texts) - 1  # report and progress share one line
