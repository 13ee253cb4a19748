"""The command menu is registered in both languages; a failure is logged, not fatal."""

from __future__ import annotations

import logging

from bot.command_menu import register_commands


async def test_command_menu_in_german_and_english(bot):
    await register_commands(bot.app)
    calls = [c for c in bot.api.calls_to("setMyCommands") if "scope" not in c.params]
    by_language = {call.params.get("language_code"): call.params["commands"] for call in calls}
    german = {c["command"]: c["description"] for c in by_language["de"]}
    english = {c["command"]: c["description"] for c in by_language["en"]}
    assert (
        set(german)
        == set(english)
        >= {"start", "interest", "mine", "language", "help", "privacy", "cancel"}
    )
    assert german["interest"] != english["interest"]
    assert by_language[None] == by_language["en"]  # the default for every other language


async def test_command_menu_failure_is_logged_not_fatal(bot, caplog):
    bot.api.fail_next("setMyCommands", 400, "Bad Request: commands are wrong")
    with caplog.at_level(logging.WARNING):
        await register_commands(bot.app)
    assert "could not register the de command menu" in caplog.text
    ama = bot.person()
    await ama.send("/start")
    assert "Hello Ama" in ama.last.text
