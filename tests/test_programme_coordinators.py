"""Coordinators limited to one programme (COORDINATOR_IDS_VWP / _FKF) receive and see only its
submissions; the other programme's buttons are refused politely. COORDINATOR_IDS see both."""

from __future__ import annotations

import pytest

from bot.buttons.partners import Choice, Decision
from conversations.partners import whole
from storage.models import ExpressionOfInterest
from tests.conftest import COORDINATORS
from tests.experts_scripts import rows
from tests.instants import reference
from tests.scripts import fachkraeftefonds_until_summary, verwaltungspartnerschaft_until_summary

VWP_ONLY = 7001
REFUSED = {
    "en": "which you do not coordinate",
    "de": "das Sie nicht koordinieren",
}


async def both_submitted(bot):
    ama = bot.person(user_id=5151)
    await fachkraeftefonds_until_summary(ama)
    await ama.click("📨 Submit")
    kwame = bot.person(user_id=5252)
    await verwaltungspartnerschaft_until_summary(kwame)
    await kwame.click("📨 Submit")
    await bot.deliver_outbox()
    return {e.programme: e for e in rows(bot, ExpressionOfInterest)}


@pytest.mark.parametrize("language", ["en", "de"])
async def test_a_coordinator_of_one_programme_gets_sees_and_decides_only_its_submissions(
    bot, language
):
    bot.settings.coordinator_ids_vwp = str(VWP_ONLY)
    vera = bot.person(user_id=VWP_ONLY, language=language, name="Vera")
    await vera.send("/start")
    eois = await both_submitted(bot)
    fkf, vwp = eois["fkf"], eois["vwp"]
    # Notices: Vera only of the Verwaltungspartnerschaft; the coordinator of both of both.
    vera_got = " ".join(m.text for m in bot.api.chat(VWP_ONLY))
    assert vwp.reference in vera_got and fkf.reference not in vera_got
    both_got = " ".join(m.text for m in bot.api.chat(COORDINATORS[0]))
    assert vwp.reference in both_got and fkf.reference in both_got
    # /submissions lists only hers.
    await vera.send("/submissions")
    assert vwp.reference in vera.last.text and fkf.reference not in vera.last.text
    # A button of the other programme (forged or forwarded) is refused, nothing changes.
    await vera.press(vera.last, Decision(fkf.id, Choice("a")).pack())
    assert REFUSED[language] in vera.bot_answers()[-1]["text"]
    await vera.press(vera.last, Decision(fkf.id, Choice.OPEN).pack())
    assert REFUSED[language] in vera.bot_answers()[-1]["text"]
    for button in (whole.read_button(fkf.id), whole.history_button(fkf.id)):
        seen = len(vera.messages)
        await vera.press(vera.last, button[1])  # reading it whole, its history
        assert REFUSED[language] in vera.bot_answers()[-1]["text"]
        assert len(vera.messages) == seen
    assert rows(bot, ExpressionOfInterest, ExpressionOfInterest.id == fkf.id)[0].status == (
        "submitted"
    )
    # Her own programme's she decides.
    await vera.click(f"📄 {vwp.reference}")
    await vera.click("✅ Annehmen" if language == "de" else "✅ Accept")
    assert rows(bot, ExpressionOfInterest, ExpressionOfInterest.id == vwp.id)[0].status == (
        "accepted"
    )


async def test_coordinators_of_both_programmes_see_both(bot):
    await both_submitted(bot)
    tom = bot.person(user_id=COORDINATORS[0], name="Tom")
    await tom.send("/submissions")
    assert reference("EOI", 1) in tom.last.text and reference("EOI", 2) in tom.last.text


def test_programme_settings_are_checked_like_coordinator_ids(monkeypatch):
    from pydantic import ValidationError

    from bot.config import Settings

    with pytest.raises(ValidationError, match="not a Telegram user id"):
        Settings(_env_file=None, coordinator_ids_fkf="12,abc")
    settings = Settings(_env_file=None, coordinator_ids="1", coordinator_ids_fkf="2,3")
    assert settings.coordinators == {1, 2, 3}
    assert settings.coordinators_for("vwp") == {1} and settings.programmes_of(2) == {"fkf"}
