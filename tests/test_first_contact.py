"""A person's first /start costs about a form step: someone new has nothing else stored, so
nothing else is looked up; someone known is found with all their open drafts in one query after
a restart."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Connection, event, text
from sqlalchemy.dialects import postgresql

from bot.expert_access import EXPERT_SLOT
from bot.idle import IDLE, evict_idle
from bot.services import SERVICES_KEY
from storage import (
    activity_reports,
    advisor,
    call_drafts,
    custom_deadlines,
    deployments,
    interest,
    model_rules,
    progress_reports,
    reviews,
)
from storage.db import on_connection
from storage.deployment_views import deployment_of_expert
from storage.first_contact import DRAFT_KINDS
from storage.models import ExpressionOfInterest, table_of
from storage.preferences import ZONE_DRAFTS
from storage.row_values import row_of
from tests.conftest import COORDINATORS
from tests.experts_scripts import bind_expert, register_deployment
from tests.instants import on_story_days


async def test_a_new_persons_first_start_runs_two_statements(one_database_connection, bot):
    with _statements_of(bot) as first:
        await bot.person(user_id=4000, name="Kofi").send("/start")
    with _statements_of(bot) as statements:
        ama = bot.person()
        await ama.send("/start")
    assert "Hello Ama" in ama.last.text
    assert [s.split()[0] for s in statements] == ["SELECT", "INSERT"]  # not found, so created
    # On a connection's first first contact too (on PostgreSQL asyncpg learns the tables' row
    # types by itself, once per connection).
    assert first == statements


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


def _statements_of(bot):
    """Records the statements sent while the block runs."""

    class Recorder:
        def __enter__(self):
            self.seen: list[str] = []
            for engine in bot.db.engines:
                event.listen(engine, "before_cursor_execute", self.note)
            return self.seen

        def note(self, _conn, _cursor, statement, *_args) -> None:
            self.seen.append(" ".join(statement.split()))

        def __exit__(self, *_exc) -> None:
            for engine in bot.db.engines:
                event.remove(engine, "before_cursor_execute", self.note)

    return Recorder()


async def _open_drafts_of_every_kind(bot):
    """An expert with a report, a progress report and an expression of interest open, and a
    coordinator with a deployment, a /call and an expression of interest open."""
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5151, name="Jonas")
    await bind_expert(bot, code, jonas)
    await jonas.send("/interest")
    await jonas.click("Fachkräftefonds")
    await jonas.send("Stadt Bonn")
    await jonas.send("/progress")
    await jonas.send("The waste plan was adopted.")
    await jonas.send("/report")
    await jonas.click("Workshop")
    await jonas.click("Yesterday")
    assert "Step 3 of 13" in jonas.last.text
    clara = bot.person(user_id=COORDINATORS[0], name="Clara")
    await clara.send("/interest")
    await clara.click("Fachkräftefonds")
    await clara.send("/models")
    await clara.click("🧭 Which model fits us? Start the advisor")
    await clara.send("/deploy")
    await clara.send("Maria Weber")
    await clara.send("/call")
    await clara.click("Fachkräftefonds (expert fund for municipal partnerships)")
    assert "Step 2 of 3" in clara.last.text


@on_story_days
async def test_a_known_persons_first_update_after_a_restart_is_one_statement(
    one_database_connection, bot
):
    # One database thread: its connection learnt the row types before the restart (once per
    # connection, see the first test), so what is counted is the first contact itself.
    await _open_drafts_of_every_kind(bot)
    bot = await bot.restart()
    clara = bot.person(user_id=COORDINATORS[0], name="Clara")
    with _statements_of(bot) as first:
        await clara.send("no date")
    with _statements_of(bot) as again:
        await clara.send("no date")
    assert "can't read “no date” as a date" in clara.last.text.replace("&#39;", "'")
    assert "Step 2 of 3" in clara.last.text
    assert again == []  # a wrong answer costs nothing once the person is known ...
    assert len(first) == 1 and first[0].startswith("SELECT")  # ... and one query after a restart
    assert all(table in first[0] for table in ("deployment", "short_draft", "advisor_session"))
    with _statements_of(bot) as start:
        await clara.send("/start")
    assert start == []  # every open draft is known already
    for title in ("Open a call", "Register a deployment", "Expression of interest"):
        assert any(title in label for label in clara.buttons), clara.buttons

    jonas = bot.person(user_id=5151, name="Jonas")
    with _statements_of(bot) as first:
        await jonas.send("/start")
    with _statements_of(bot) as again:
        await jonas.send("/start")
    assert first == [first[0], *again]  # the person and their drafts, then /start's own work
    assert all(table in first[0] for table in ("activity_report", "progress_report", "person"))
    for title in ("Activity report", "Progress report", "Expression of interest"):
        assert any(title in label for label in jonas.buttons), jonas.buttons
    await bot.app.shutdown()


@on_story_days
async def test_what_the_first_contact_keeps_is_what_each_form_would_look_up(bot):
    await _open_drafts_of_every_kind(bot)
    bot = await bot.restart()
    for user_id in (COORDINATORS[0], 5151):
        await bot.person(user_id=user_id).send("/help")
    parts = bot.app.bot_data[SERVICES_KEY].contributions
    kept = {user_id: dict(bot.app.user_data[user_id]) for user_id in (COORDINATORS[0], 5151)}
    looked_up = {
        "interest": lambda i: bot.db.call(interest.current_draft, person_id=i),
        "report": lambda i: bot.db.call(activity_reports.current_draft, person_id=i),
        "progress": lambda i: bot.db.call(progress_reports.current_draft, person_id=i),
        "advisor": lambda i: bot.db.call(advisor.current_session, person_id=i),
        "call": lambda i: bot.db.call(call_drafts.current_draft, person_id=i),
        # The other short flows' drafts (none open here; each looked up in its own form).
        **{
            short.form: lambda i, short=short: bot.db.call(short.current, person_id=i)
            for short in (
                custom_deadlines.DRAFTS,
                ZONE_DRAFTS,
                reviews.REASON_DRAFTS,
                model_rules.REASON_DRAFTS,
            )
        },
        "deployment": lambda i: bot.db.call(deployments.current_draft, coordinator_id=i),
    }
    found = 0
    for user_id, slots in kept.items():
        for form in parts.open_forms:
            assert slots[form.slot] == looked_up[form.kind](user_id), (user_id, form.kind)
            found += slots[form.slot] is not None
        assert slots[EXPERT_SLOT] == bot.db.call(deployment_of_expert, person_id=user_id)
    assert found == 7  # interest ×2, report, progress, advisor, deployment, call
    assert kept[5151][EXPERT_SLOT] is not None
    await bot.app.shutdown()


def test_every_kind_of_open_form_is_loaded_at_first_contact(bot):
    parts = bot.app.bot_data[SERVICES_KEY].contributions
    assert sorted(form.kind for form in parts.open_forms) == sorted(k.name for k in DRAFT_KINDS)


def test_a_whole_row_is_read_by_column_name_as_sqlalchemy_would_read_it():
    # PostgreSQL's row type lists the columns in the database's order, which a migration that
    # added one may have made differ from the model's: the row is read by name.
    table = table_of(ExpressionOfInterest)
    in_database_order = {column.name: None for column in reversed(table.columns)} | {
        "german_municipality": "Stadt Bonn",
        "partner_municipality": "Cape Coast",
        "updated_at": datetime(2026, 12, 3, 10, 0, tzinfo=timezone(timedelta(hours=1))),
    }
    row = row_of(in_database_order, table, postgresql.asyncpg.dialect())
    assert row is not None
    assert (row.german_municipality, row.partner_municipality) == ("Stadt Bonn", "Cape Coast")
    assert row.updated_at == datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # as UTCDateTime reads it
    assert row.updated_at.tzinfo is UTC
    assert row_of(None, table, postgresql.asyncpg.dialect()) is None


async def test_a_column_added_while_the_bot_serves_costs_nobody_an_answer(
    one_database_connection, bot, instant, caplog
):
    if bot.db.dialect != "postgresql":
        pytest.skip("row types are PostgreSQL's")
    ama = bot.person()
    await ama.send("/interest")
    await ama.click("Fachkräftefonds")
    await ama.send("Stadt Bonn")
    await bot.person(user_id=4000, name="Kofi").send("/start")
    # The one database connection has read the row types now (a first contact), and keeps them.
    alter = "ALTER TABLE expression_of_interest {} COLUMN added_meanwhile"
    with bot.db.engine.begin() as connection:
        connection.execute(text(alter.format("ADD") + " integer"))
    try:
        # Still serving: Ama was idle, so she is forgotten, and her next update is a first
        # contact again, on the connection that knew the table without the new column.
        assert evict_idle(bot.app, instant + IDLE + timedelta(minutes=1)) >= 1
        await ama.send("/start")
        assert "▶️ Continue" in ama.buttons
        assert "changed; the call runs again on a new connection" in caplog.text
    finally:
        with bot.db.engine.begin() as connection:
            connection.execute(text(alter.format("DROP")))


async def test_a_column_added_while_the_bot_serves_costs_nobody_an_answer_on_any_connection(
    bot, instant, caplog
):
    if bot.db.dialect != "postgresql":
        pytest.skip("row types are PostgreSQL's")
    crowd = [bot.person(user_id=6000 + i, name=f"P{i}") for i in range(4)]
    for person in crowd:
        await person.send("/interest")
        await person.click("Fachkräftefonds")
    # Four reads of the row at once: four kept connections, each knows the row type now.
    read = await asyncio.gather(*(bot.db.run(_a_whole_row) for _ in range(4)))
    assert len(set(read)) == 4
    alter = "ALTER TABLE expression_of_interest {} COLUMN added_meanwhile"
    with bot.db.engine.begin() as connection:
        connection.execute(text(alter.format("ADD") + " integer"))
    try:
        assert evict_idle(bot.app, instant + IDLE + timedelta(minutes=1)) >= 4
        for person in crowd:  # one after another: each may meet a different kept connection
            await person.send("/start")
            assert "▶️ Continue" in person.buttons
    finally:
        with bot.db.engine.begin() as connection:
            connection.execute(text(alter.format("DROP")))


@on_connection
def _a_whole_row(*, connection: Connection) -> int:
    """A draft read as one whole-row value (so the connection learns the row type), slowly
    enough that calls at once each take a connection of their own; the server process's id."""
    pid, whole = connection.execute(
        text(
            "SELECT pg_backend_pid(), (SELECT e FROM expression_of_interest e LIMIT 1) "
            "FROM pg_sleep(0.05)"
        )
    ).one()
    assert whole is not None
    return int(pid)


async def test_awkward_answers_come_back_from_a_restart_as_typed(bot):
    # On PostgreSQL the draft comes back inside a row value, whose text form quotes and escapes
    # its fields: what the person typed must come back as typed.
    typed = 'Stadt "Bonn", (Rhein) \\ 🌍 ; NULL'
    ama = bot.person()
    await ama.send("/interest")
    await ama.click("Fachkräftefonds")
    await ama.send(typed)
    bot = await bot.restart()
    ama = bot.person()
    await ama.send("/start")
    kept = bot.app.user_data[4242]
    slot = next(
        form.slot
        for form in bot.app.bot_data[SERVICES_KEY].contributions.open_forms
        if form.kind == "interest"
    )
    assert kept[slot] == bot.db.call(interest.current_draft, person_id=4242)
    assert kept[slot].answers["german_municipality"] == typed
    await bot.app.shutdown()
