"""A person's first /start costs about a form step: someone new has nothing else stored, so
nothing else is looked up."""

from __future__ import annotations

from sqlalchemy import event


async def test_a_new_persons_first_start_runs_two_statements(bot):
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement.split()[0])

    event.listen(bot.db.engine, "before_cursor_execute", seen)
    try:
        ama = bot.person()
        await ama.send("/start")
    finally:
        event.remove(bot.db.engine, "before_cursor_execute", seen)
    assert "Hello Ama" in ama.last.text
    assert statements == ["SELECT", "INSERT"]  # not found, so created (and returned)


async def test_someone_known_still_finds_their_draft_after_a_restart(bot):
    ama = bot.person()
    await ama.send("/interest")
    await ama.click("Fachkräftefonds")
    await ama.send("Stadt Bonn")
    bot = await bot.restart()
    ama = bot.person()
    await ama.send("/start")
    assert "▶️ Continue" in ama.buttons
    await bot.app.shutdown()
