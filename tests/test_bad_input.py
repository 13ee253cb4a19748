"""Whatever a person sends, they get a clear answer in their language and lose nothing."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlmodel import Session

from storage import interest as interest_storage
from storage.models import ExpressionOfInterest
from tests.instants import reference


def draft(bot) -> ExpressionOfInterest:
    with Session(bot.db.engine) as session:
        return session.execute(select(ExpressionOfInterest)).scalars().one()


async def restarted_at(bot, person, step: str):
    """The person's draft moved to step, then a new process: (the new bot, the person)."""
    bot.db.call(
        interest_storage.move_draft, draft_id=draft(bot).id, step=step, editing=False, paused=False
    )
    fresh = await bot.restart()
    return fresh, fresh.person(user_id=person.user_id)


async def at_step_one(person):
    await person.send("/interest")
    await person.click("Fachkräftefonds")


async def test_empty_answer(bot):
    ama = bot.person()
    await at_step_one(ama)
    await ama.send("   ")
    assert "Your answer is empty" in ama.last.text and "Step 1 of 12" in ama.last.text


async def test_a_one_character_answer_is_asked_again_in_full(bot):
    ama = bot.person()
    await at_step_one(ama)
    await ama.send(" B ")
    assert "very short" in ama.last.text and "at least 2 characters" in ama.last.text
    assert "Step 1 of 12" in ama.last.text
    assert draft(bot).german_municipality is None
    await ama.send("Bo")
    assert draft(bot).german_municipality == "Bo"
    jonas = bot.person(user_id=4343, language="de")
    await at_step_one(jonas)
    await jonas.send("x")
    assert "sehr kurz" in jonas.last.text and "Schritt 1 von 12" in jonas.last.text


async def test_too_long_for_the_field_and_for_telegram(bot):
    ama = bot.person()
    await at_step_one(ama)
    await ama.send("x" * 201)
    assert "201 characters" in ama.last.text and "at most 200" in ama.last.text
    await ama.send("y" * 5000)
    assert "5000 characters" in ama.last.text
    assert draft(bot).german_municipality is None


async def test_too_long_in_german(bot):
    jonas = bot.person(language="de")
    await at_step_one(jonas)
    await jonas.send("x" * 201)
    assert "201 Zeichen" in jonas.last.text and "Schritt 1 von 12" in jonas.last.text


async def test_photo_and_sticker_where_text_is_asked(bot):
    ama = bot.person()
    await at_step_one(ama)
    await ama.send("Stadt Bonn")
    await ama.click("Bavaria")
    await ama.send_photo()
    assert "text message" in ama.last.text and "Step 3 of 12" in ama.last.text
    await ama.send_sticker()
    assert "text message" in ama.last.text
    assert draft(bot).german_municipality == "Stadt Bonn"


async def test_photo_in_german(bot):
    jonas = bot.person(language="de")
    await at_step_one(jonas)
    await jonas.send_sticker()
    assert "Textnachricht" in jonas.last.text


async def test_unknown_command_in_the_middle_and_outside(bot):
    ama = bot.person()
    await ama.send("/frobnicate")
    assert "I don't know the command /frobnicate" in ama.last.text
    await at_step_one(ama)
    await ama.send("/frobnicate now")
    assert "/frobnicate is not a command I know" in ama.last.text
    assert "Step 1 of 12" in ama.last.text


async def test_html_markdown_emoji_and_right_to_left_are_stored_exactly(bot):
    ama = bot.person()
    await at_step_one(ama)
    typed = "<b>Bonn</b> & _Köln_ *x* 🙂 مدينة"
    await ama.send(typed)
    assert draft(bot).german_municipality == typed
    await ama.click("◀️ Back")
    assert "&lt;b&gt;Bonn&lt;/b&gt; &amp; _Köln_ *x* 🙂 مدينة" in ama.last.text


async def test_choice_answered_by_typing_the_label(bot):
    ama = bot.person()
    await at_step_one(ama)
    await ama.send("Stadt Bonn")
    await ama.send("bavaria")
    assert "Step 3 of 12" in ama.last.text
    assert draft(bot).german_state == "BY"


async def test_choice_answered_with_other_text(bot):
    jonas = bot.person(language="de")
    await at_step_one(jonas)
    await jonas.send("Stadt Bonn")
    await jonas.send("irgendwo im Westen")
    assert "Bitte wählen Sie" in jonas.last.text and "Schritt 2 von 12" in jonas.last.text


async def test_unknown_country_gets_help_and_similar_names(bot):
    ama = bot.person()
    await at_step_one(ama)
    await ama.send("Stadt Bonn")
    await ama.click("Bavaria")
    await ama.send("Cape Coast")
    await ama.send("Atlantis")
    assert "couldn't find a country" in ama.last.plain and "Step 4 of 12" in ama.last.text
    await ama.send("Keniaa")  # a typo still finds Kenya
    assert "Kenya" in ama.buttons
    await ama.click("None of these — type again")
    await ama.send("Elfenbeinküste")
    await ama.click("Côte d’Ivoire")
    assert draft(bot).partner_country == "CI"
    assert "Step 5 of 12" in ama.last.text


async def test_country_in_german_and_by_code(bot):
    jonas = bot.person(language="de")
    await at_step_one(jonas)
    await jonas.send("Stadt Bonn")
    await jonas.click("Bayern")
    await jonas.send("Cape Coast")
    await jonas.send("GH")
    await jonas.click("Ghana")
    assert draft(bot).partner_country == "GH"
    await jonas.click("◀️ Zurück")
    await jonas.send("Südafrika")
    await jonas.click("Südafrika")
    assert draft(bot).partner_country == "ZA"


async def test_germany_is_not_a_partner_country(bot):
    ama = bot.person()
    await at_step_one(ama)
    await ama.send("Stadt Bonn")
    await ama.click("Bavaria")
    await ama.send("Cape Coast")
    await ama.send("Germany")
    assert "Germany" not in ama.buttons


async def test_wrong_email_is_explained(bot):
    ama = bot.person()
    await at_step_one(ama)
    for answer in ("Stadt Bonn",):
        await ama.send(answer)
    bot2, ama = await restarted_at(bot, ama, "contact_email")
    await ama.send("maria at bonn")
    assert "doesn't look like an e-mail address" in ama.last.plain
    await ama.send("maria@bonn.de")
    assert draft(bot2).contact_email == "maria@bonn.de"
    await bot2.app.shutdown()


async def test_consent_refused_keeps_the_draft(bot):
    ama = bot.person()
    await at_step_one(ama)
    bot2, ama = await restarted_at(bot, ama, "consent")
    await ama.send("/start")
    await ama.click("▶️ Continue")
    await ama.click("No")
    assert "only take up an expression of interest" in ama.last.text
    assert draft(bot2).status == "draft"
    await bot2.app.shutdown()


async def test_submit_with_missing_answers_goes_to_the_first_missing(bot):
    ama = bot.person()
    await at_step_one(ama)
    await ama.send("Stadt Bonn")
    bot2, ama = await restarted_at(bot, ama, "summary")
    await ama.send("/start")
    await ama.click("▶️ Continue")
    await ama.click("📨 Submit")
    assert "still missing" in ama.last.text and "Step 2 of 12" in ama.last.text
    await bot2.app.shutdown()


async def test_stale_and_forged_buttons(bot):
    ama = bot.person()
    await ama.send("/start")
    menu = ama.last
    await ama.press(menu, "nonsense|||")
    assert "no longer works" in ama.bot_answers()[-1]["text"]
    await ama.press(menu, "f|999|0|c|1")  # someone else's / no draft
    assert "already submitted or discarded" in ama.bot_answers()[-1]["text"]
    await at_step_one(ama)
    question = ama.last
    await ama.press(question, "f|1|0|c|99")  # an option that does not exist
    assert "Step 1 of 12" in ama.last.text
    await ama.press(question, "prog|xyz")
    assert "no longer works" in ama.last.text


async def test_edited_message_is_answered(bot):
    ama = bot.person()
    await at_step_one(ama)
    await ama.edit_last("Stadt Bonn")
    assert "edited messages" in ama.last.text
    assert draft(bot).german_municipality is None


async def test_redelivered_update_has_one_effect(bot):
    ama = bot.person()
    await at_step_one(ama)
    await ama.send("Stadt Bonn")
    repeated = ama.last_update
    await ama.click("Bavaria")
    bot = await bot.restart()  # Telegram redelivers after a crash
    ama = bot.person(user_id=ama.user_id)
    sent_before = len(bot.api.calls)
    await ama.deliver_raw(repeated)
    assert len(bot.api.calls) == sent_before  # dropped silently: it was handled already
    assert (
        draft(bot).german_municipality == "Stadt Bonn" and draft(bot).step == "partner_municipality"
    )
    await bot.app.shutdown()


async def test_unexpected_error_is_logged_and_apologised_for(bot, monkeypatch, caplog):
    def broken(**_kwargs):
        raise RuntimeError("database on fire")

    ama = bot.person()
    await at_step_one(ama)
    from conversations.partners import interest_form

    for form in interest_form.FORMS.values():
        monkeypatch.setattr(
            form,
            "store",
            form.store.__class__(save=broken, move=form.store.move, discard=form.store.discard),
        )
    with caplog.at_level(logging.ERROR):
        await ama.send("Stadt Bonn")
    assert "Sorry, something went wrong" in ama.last.text
    assert "database on fire" not in ama.last.text
    assert any("database on fire" in str(r.exc_info) for r in caplog.records)
    assert "Stadt Bonn" not in caplog.text  # logs keep no message texts


async def test_unknown_command_with_html_is_answered(bot):
    ama = bot.person()
    await ama.send("/foo<b>")
    assert "I don't know the command /foo<b>" in ama.last.plain


async def test_the_longest_answers_full_of_ampersands_still_give_a_summary(bot):
    from tests.scripts import fachkraeftefonds_until_summary

    ama = bot.person()
    await fachkraeftefonds_until_summary(ama)
    await ama.click("✏️ Expertise needed")
    await ama.send("&x" * 750)  # answers need letters; the ampersands are what is tested
    await ama.click("✏️ Tasks and goals")
    await ama.send("<&x" * 666)
    assert "Please check your answers" in ama.last.text  # Telegram accepted it
    await ama.click("📨 Submit")
    assert reference("EOI", 1) in ama.last.text
    assert draft(bot).expertise == "&x" * 750
    assert await bot.deliver_outbox() == 2


async def test_the_stand_in_refuses_what_telegram_refuses(bot):
    import pytest
    from telegram.error import BadRequest

    for text in ("<b>open", "a & b", "<script>x</script>", "x" * 4097):
        with pytest.raises(BadRequest):
            await bot.app.bot.send_message(1, text, parse_mode="HTML")
    await bot.app.bot.send_message(
        1, "&lt;b&gt; &amp; <b>fine</b> " + "y" * 4000, parse_mode="HTML"
    )


async def test_an_unknown_command_where_buttons_are_asked_is_named(bot):
    ama = bot.person()
    await at_step_one(ama)
    await ama.send("Stadt Bonn")
    await ama.send("/foo")  # the federal-state step: buttons
    assert "/foo is not a command I know" in ama.last.text and "Step 2 of 12" in ama.last.text
    jonas = bot.person(user_id=4343, language="de")
    await at_step_one(jonas)
    await jonas.send("Stadt Bonn")
    await jonas.send("/foo bar")
    assert "/foo" in jonas.last.text and "Schritt 2 von 12" in jonas.last.text


async def test_an_email_is_kept_without_surrounding_spaces(bot):
    ama = bot.person()
    await at_step_one(ama)
    _bot2, ama = await restarted_at(bot, ama, "contact_email")
    await ama.send("  maria.mueller@bonn.de  ")
    assert draft(bot).contact_email == "maria.mueller@bonn.de"


async def test_a_nul_character_is_dropped_on_both_databases(bot):
    """PostgreSQL refuses U+0000 in text; the answer is stored without it, never an apology."""
    ama = bot.person()
    await at_step_one(ama)
    await ama.send("Stadt\x00 Bonn\x00")
    assert "Step 2 of 12" in ama.last.text
    assert draft(bot).german_municipality == "Stadt Bonn"
    await ama.send("\x00\x00")  # nothing left of it: asked again, politely
    assert "Sorry" not in ama.last.text


async def test_names_and_descriptions_need_letters_in_both_languages(bot):
    ama = bot.person()
    await at_step_one(ama)
    for nonsense in ("12345", "@@", "😀😀😀", "🌍🌍", "……"):
        await ama.send(nonsense)
        assert "Please answer in words" in ama.last.text, nonsense
        assert "Step 1 of 12" in ama.last.text
    await ama.send("Stadt Bonn")
    assert "Step 2 of 12" in ama.last.text
    jonas = bot.person(user_id=4343, language="de")
    await at_step_one(jonas)
    await jonas.send("777")
    assert "Bitte antworten Sie in Worten" in jonas.last.text
