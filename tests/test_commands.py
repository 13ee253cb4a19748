"""The command menu is registered in every language from the commands the conversations
contribute; /help lists the same; a failure is logged, not fatal."""

from __future__ import annotations

import logging

import pytest
from telegram.ext import CommandHandler

from bot.app import contributions
from bot.command_menu import register_commands
from tests.conftest import COORDINATORS


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


def _menus(bot) -> dict[tuple[int | None, str | None], list[str]]:
    return {
        (call.params.get("scope", {}).get("chat_id"), call.params.get("language_code")): [
            c["command"] for c in call.params["commands"]
        ]
        for call in bot.api.calls_to("setMyCommands")
    }


async def test_every_command_is_in_a_menu_and_in_help_once(bot):
    # The commands come from the conversations' contributions: each handled command is
    # listed (the menu button's /menu and the invitation's /start <code> aside), none twice.
    handled = {
        name
        for part in contributions()
        for handler in part.handlers
        if isinstance(handler, CommandHandler)
        for name in handler.commands
    }
    listed = [c.name for part in contributions() for c in part.commands]
    assert len(listed) == len(set(listed))
    assert handled - set(listed) == {"menu"}
    await register_commands(bot.app)
    coordinator = COORDINATORS[0]
    menus = _menus(bot)
    assert set(menus[coordinator, "en"]) == set(listed)
    assert "submissions" not in menus[None, "en"] and "report" in menus[None, "en"]
    # The programmes' commands first, those about the chat itself after them, a coordinator's
    # own at the end.
    everyone = menus[None, "en"]
    assert everyone[:3] == ["start", "interest", "mine"]
    assert everyone.index("progress") < everyone.index("help") < everyone.index("cancel")
    assert menus[coordinator, "en"][: len(everyone)] == everyone
    clara = bot.person(user_id=coordinator, name="Clara")
    await clara.send("/help")
    for name in listed:
        assert clara.last.plain.count(f"/{name} ") == 1, name


@pytest.mark.parametrize("language", ["en", "de"])
async def test_a_coordinator_of_one_programme_sees_only_its_commands(bot, language):
    bot.settings.coordinator_ids_vwp = "7001"
    await register_commands(bot.app)
    menu = _menus(bot)[7001, language]
    assert "submissions" in menu and "export" in menu
    assert "rules" not in menu  # the expert models' rules are the Fachkräftefonds'
    vera = bot.person(user_id=7001, language=language, name="Vera")
    await vera.send("/help")
    assert "/submissions" in vera.last.plain and "/rules" not in vera.last.plain
    ama = bot.person(language=language)
    await ama.send("/help")
    assert "/mydata" in ama.last.plain and "/deleteme" in ama.last.plain
    assert "/submissions" not in ama.last.plain and "/export" not in ama.last.plain
