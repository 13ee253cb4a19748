"""The parts that keep an update cheap: the button router, plain-connection storage calls,
kept renderings, and the lean Bot API path for conversation steps."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Connection, text
from telegram import Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CallbackQueryHandler

from bot import i18n
from bot.buttons.deadlines import Reminder, ReminderAction
from bot.buttons.menu import Menu, MenuItem
from bot.buttons.partners import ProgrammeChosen, ProgrammeConfirmed
from bot.callbacks import OlderButton
from bot.routing import REFUSE, ButtonRouter, button_prefix
from bot.telegram_bot import keyboard_json
from storage.db import Database, on_connection
from storage.models import Person, utcnow


# -- the router ---------------------------------------------------------------------------------
async def _nothing(update, context) -> None:  # pragma: no cover - never called here
    return None


def _press(data: str) -> Update:
    return Update.de_json(
        {
            "update_id": 1,
            "callback_query": {
                "id": "q1",
                "from": {"id": 7, "is_bot": False, "first_name": "A"},
                "chat_instance": "c",
                "data": data,
                "message": {"message_id": 1, "date": 0, "chat": {"id": 7, "type": "private"}},
            },
        },
        None,
    )


def test_router_keeps_the_order_of_handlers_with_and_without_a_button_kind():
    broad = CallbackQueryHandler(_nothing, pattern=OlderButton("rem"))
    narrow = CallbackQueryHandler(_nothing, pattern=Reminder.pattern(action=ReminderAction.ACT))
    chosen = CallbackQueryHandler(_nothing, pattern=ProgrammeChosen.pattern())
    confirmed = CallbackQueryHandler(_nothing, pattern=ProgrammeConfirmed.pattern())
    catch_all = CallbackQueryHandler(_nothing)
    router = ButtonRouter([confirmed, chosen, broad, narrow, catch_all])

    assert router.check_update(_press("rem|a|5"))[0] is broad  # first in order wins
    assert ButtonRouter([narrow, broad]).check_update(_press("rem|a|5"))[0] is narrow
    assert router.check_update(_press("prog!|x|3"))[0] is confirmed
    assert router.check_update(_press("prog|x"))[0] is chosen
    assert router.check_update(_press("zzz|1"))[0] is catch_all  # unknown prefix
    assert router.check_update(_press("remx|1"))[0] is catch_all  # a prefix is a whole field
    # A press no handler takes is the router's to refuse (one polite answer).
    assert ButtonRouter([narrow]).check_update(_press("rem|t|5")) is REFUSE
    assert ButtonRouter([narrow]).check_update(_press("rem|a|²")) is REFUSE


def test_router_lets_messages_pass():
    message = Update.de_json(
        {
            "update_id": 2,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 7, "type": "private"},
                "text": "rem|a|5",
            },
        },
        None,
    )
    assert ButtonRouter([CallbackQueryHandler(_nothing)]).check_update(message) is None


def test_button_prefix_is_the_kind_s_own():
    home = Menu.pattern(item=MenuItem.HOME)
    assert button_prefix(CallbackQueryHandler(_nothing, pattern=home)) == "menu"
    assert button_prefix(CallbackQueryHandler(_nothing, pattern=OlderButton("rem"))) == "rem"
    assert button_prefix(CallbackQueryHandler(_nothing, pattern=r"^menu\|home$")) is None
    assert button_prefix(CallbackQueryHandler(_nothing)) is None


async def test_every_button_the_bot_offers_reaches_a_handler(bot):
    """The router in place: a whole expression of interest by buttons and text still works."""
    ama = bot.person()
    await ama.send("/start")
    await ama.click("📝 Express interest")
    await ama.click("Fachkräftefonds")
    assert "Step 1 of" in ama.last.plain


# -- storage on a plain connection --------------------------------------------------------------
@on_connection
def _rename(*, connection: Connection, person_id: int, name: str, fail: bool = False) -> str:
    connection.execute(
        text("UPDATE person SET first_name = :name WHERE id = :id"), {"name": name, "id": person_id}
    )
    if fail:
        raise RuntimeError("after the write")
    return name


def _name(db: Database, person_id: int) -> str:
    def read(*, session) -> str:
        return session.get_one(Person, person_id).first_name

    return db.call(read)


def _add_person(db: Database, person_id: int) -> None:
    def add(*, session) -> None:
        now = utcnow()
        session.add(Person(id=person_id, first_name="Ama", created_at=now, updated_at=now))
        session.commit()

    db.call(add)


async def test_plain_connection_calls_commit_on_return_and_roll_back_on_error(db):
    _add_person(db, 11)
    assert await db.run(_rename, person_id=11, name="Kofi") == "Kofi"
    assert _name(db, 11) == "Kofi"  # committed: another connection sees it
    with pytest.raises(RuntimeError):
        await db.run(_rename, person_id=11, name="Esi", fail=True)
    assert _name(db, 11) == "Kofi"  # nothing half-written
    assert await db.run(_rename, person_id=11, name="Yaw") == "Yaw"  # and usable again
    assert _name(db, 11) == "Yaw"


def test_plain_connection_calls_from_another_thread_use_the_pool(db):
    _add_person(db, 12)
    db.call(_rename, person_id=12, name="Main thread")
    results: list[str] = []
    worker = threading.Thread(
        target=lambda: results.append(db.call(_rename, person_id=12, name="Worker"))
    )
    worker.start()
    worker.join()
    assert results == ["Worker"]
    assert _name(db, 12) == "Worker"
    db.call(_rename, person_id=12, name="Main again")
    assert _name(db, 12) == "Main again"


# -- kept renderings ----------------------------------------------------------------------------
def test_a_kept_rendering_is_per_language_and_lists_are_rendered_each_time():
    values = dict(title="T", k=1, n=2, prompt="P", example=None, current=None)
    values.update(multi=True, optional=False, note=None)
    with i18n.use_language("en"):
        english = i18n.render("forms/question", **values)
    with i18n.use_language("de"):
        german = i18n.render("forms/question", **values)
    assert "Step 1 of 2" in english and "Schritt 1 von 2" in german
    with i18n.use_language("en"):
        assert i18n.render("forms/question", **values) == english
        # Unhashable values are fine too: rendered, not kept.
        lines = [("Name", "<b>&")]
        summary = i18n.render("forms/summary", title="T", lines=lines, note=None, submit="Go")
        assert "&lt;b&gt;&amp;" in summary


# -- the lean Bot API path ------------------------------------------------------------------------
def test_keyboard_json_keeps_labels_as_typed_and_drops_empty_rows():
    assert keyboard_json([]) is None
    assert keyboard_json([[]]) is None
    assert keyboard_json([[("Ja ✅", "f|1|2|c|0")], []]) == (
        '{"inline_keyboard":[[{"text":"Ja ✅","callback_data":"f|1|2|c|0"}]]}'
    )


async def test_lean_calls_raise_what_telegram_answers(bot):
    partner = bot.app.bot
    message_id = await partner.send_html(4242, "<b>Hi</b>", [[("OK", "x|1")]])
    sent = bot.api.chat(4242)[-1]
    assert (sent.message_id, sent.text, sent.labels) == (message_id, "<b>Hi</b>", ["OK"])
    await partner.edit_html(4242, message_id, "<b>Bye</b>")
    assert bot.api.chat(4242)[-1].buttons == []
    with pytest.raises(BadRequest, match="not modified"):
        await partner.edit_html(4242, message_id, "<b>Bye</b>")
    with pytest.raises(BadRequest, match="parse entities"):
        await partner.send_html(4242, "<b>unclosed")
    bot.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    with pytest.raises(Forbidden):
        await partner.send_html(4242, "Hi")


@on_connection
def _which(*, connection: Connection) -> Connection:
    return connection


def test_only_the_owning_thread_uses_the_kept_connection(db):
    mine = db.call(_which)
    if db.offload:  # PostgreSQL: every call has a pooled connection of its own
        return
    assert mine is db.kept_connection and db.call(_which) is mine
    theirs: list[Connection] = []
    worker = threading.Thread(target=lambda: theirs.append(db.call(_which)))
    worker.start()
    worker.join()
    assert theirs and theirs[0] is not mine


def test_a_failed_commit_is_never_committed_by_a_later_call(db, monkeypatch):
    _add_person(db, 21)
    _add_person(db, 22)
    if db.offload:
        return  # the pooled path rolls back when the connection goes back to the pool
    kept = db.call(_which)
    real_commit = Connection.commit
    failures = iter([RuntimeError("disk full")])

    def failing_commit(self: Connection) -> None:
        error = next(failures, None)
        if self is kept and error is not None:
            raise error
        real_commit(self)

    monkeypatch.setattr(Connection, "commit", failing_commit)
    with pytest.raises(RuntimeError, match="disk full"):
        db.call(_rename, person_id=21, name="Lost")
    assert db.call(_rename, person_id=22, name="Kept") == "Kept"
    assert (_name(db, 21), _name(db, 22)) == ("Ama", "Kept")


async def test_an_answer_to_a_draft_closed_meanwhile_is_refused(bot):
    from storage import interest as interest_storage

    ama = bot.person()
    await ama.send("/interest")
    await ama.click("Fachkräftefonds")
    draft = await bot.db.run(interest_storage.current_draft, person_id=ama.user_id)
    await bot.db.run(interest_storage.discard_draft, draft_id=draft.id)
    with pytest.raises(interest_storage.DraftClosed):
        await bot.db.run(
            interest_storage.save_answer,
            draft=draft,
            answers={"german_municipality": "Stadt Bonn"},
            step="german_state",
            editing=False,
            update_id=99,
            now=utcnow(),
        )


async def test_lean_calls_go_through_the_rate_limiter():
    from telegram.ext import BaseRateLimiter

    from bot.offline import OfflineBotAPI
    from bot.telegram_bot import PartnerBot

    class Recording(BaseRateLimiter):
        def __init__(self) -> None:
            self.endpoints: list[str] = []

        async def initialize(self) -> None:
            pass

        async def shutdown(self) -> None:
            pass

        async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
            self.endpoints.append(endpoint)
            return await callback(*args, **kwargs)

    api, limiter = OfflineBotAPI(), Recording()
    partner = PartnerBot("1:X", request=api, get_updates_request=api, rate_limiter=limiter)
    async with partner:
        message_id = await partner.send_html(7, "Hi", [[("OK", "x|1")]])
        await partner.edit_html(7, message_id, "Bye")
        await partner.remove_keyboard(7, message_id)
    assert limiter.endpoints[-3:] == ["sendMessage", "editMessageText", "editMessageReplyMarkup"]
