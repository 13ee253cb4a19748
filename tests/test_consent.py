"""Consent to be contacted: a "No" sticks, the summary shows it, and nothing is submitted
without consent (neither from the chat nor through storage)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import Session

from storage import submissions
from storage.models import ExpressionOfInterest
from tests.scripts import fachkraeftefonds_until_summary

TEXTS = {
    "en": {
        "edit": "✏️ Consent to be contacted",
        "no": "No",
        "yes": "Yes, I agree",
        "shown": "Consent to be contacted: No",
        "warning": "only take up an expression of interest if the programme may contact you",
        "submit": "📨 Submit",
    },
    "de": {
        "edit": "✏️ Einwilligung zur Kontaktaufnahme",
        "no": "Nein",
        "yes": "Ja, ich stimme zu",
        "shown": "Einwilligung zur Kontaktaufnahme: Nein",
        "warning": "Interessensbekundung nur aufgreifen, wenn das Programm Sie",
        "submit": "📨 Einreichen",
    },
}


def draft(bot) -> ExpressionOfInterest:
    with Session(bot.db.engine) as session:
        return session.execute(
            select(ExpressionOfInterest).order_by(ExpressionOfInterest.id.desc())
        ).scalar_one()


@pytest.mark.parametrize("language", ["en", "de"])
async def test_no_to_consent_at_the_summary_sticks_and_blocks_submitting(bot, language):
    words = TEXTS[language]
    ama = bot.person(language=language)
    await fachkraeftefonds_until_summary(ama, german=language == "de")
    await ama.click(words["edit"])
    await ama.click(words["no"])
    assert words["warning"] in ama.last.plain
    assert words["shown"] in ama.last.plain  # back at the summary, showing the "No"
    assert words["submit"] not in ama.last.labels  # nothing to submit without consent
    assert draft(bot).consent is False
    await ama.click(words["edit"])
    assert "✅ " + words["no"] in ama.last.labels
    assert "✅ " + words["yes"] not in ama.last.labels
    await ama.click(words["yes"])
    assert words["submit"] in ama.last.labels
    await ama.click(words["submit"])
    eoi = draft(bot)
    assert eoi.status == "submitted" and eoi.consent is True


async def test_an_old_submit_button_is_refused_without_consent_naming_it(bot):
    ama = bot.person()
    await fachkraeftefonds_until_summary(ama)
    summary = ama.last
    await ama.click("✏️ Consent to be contacted")
    await ama.click("No")
    await ama.click("📨 Submit", message=summary)  # the older summary's button
    assert draft(bot).status == "draft" and draft(bot).consent is False
    assert "Consent to be contacted" in ama.last.plain
    assert "needs your consent" in ama.last.plain


async def test_storage_refuses_to_submit_a_draft_without_consent(bot):
    ama = bot.person()
    await fachkraeftefonds_until_summary(ama)
    await ama.click("✏️ Consent to be contacted")
    await ama.click("No")
    eoi = draft(bot)
    with pytest.raises(submissions.ConsentMissing):
        bot.db.call(
            submissions.submit_draft,
            draft_id=eoi.id,
            applicable=["consent"],
            coordinators=[],
            now=eoi.updated_at,
        )
    assert draft(bot).status == "draft" and draft(bot).reference is None
