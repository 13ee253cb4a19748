"""Telegram takes one answer per button press; the bot gives exactly one, whatever it opens."""

from __future__ import annotations

from tests.conftest import COORDINATORS
from tests.experts_scripts import bind_expert, register_deployment


def answers(bot) -> int:
    return len(bot.api.calls_to("answerCallbackQuery"))


async def test_every_press_of_the_experts_corner_is_answered_once(bot):
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, name="Jonas")
    await bind_expert(bot, code, jonas)
    await jonas.send("/report")  # a report draft is open
    clara = bot.person(user_id=COORDINATORS[0])
    await clara.send("/deploy")  # so is a deployment draft
    await clara.send("Kofi Mensah")
    for person, label in [
        (jonas, "📝 New activity report"),
        (jonas, "📊 Progress report"),
        (clara, "➕ Register a deployment"),
    ]:
        await person.send("/start")
        await person.click("🌍 Deployed experts")
        before = answers(bot)
        await person.click(label)
        assert answers(bot) - before == 1, label
