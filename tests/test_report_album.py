"""A coordinator who opens a report from /reports gets its photos and documents as albums
(photos together, documents together, at most ten to an album), once per button; a file
Telegram no longer keeps is named in a polite note and the others still come."""

from __future__ import annotations

import logging

import pytest

from bot.albums import albums
from tests.conftest import COORDINATORS
from tests.experts_scripts import bind_expert, register_deployment
from tests.instants import reference
from tests.test_experts import guided_report_until_summary

WORDS = {
    "en": {
        "open": "📄 {reference}",
        "submit": "📨 Submit",
        "review": "✅ Mark reviewed",
        "above": "The photos and documents of {reference} were sent above.",
        "sorry": "Sorry, 1 file of {reference} could not be sent: photo.",
    },
    "de": {
        "open": "📄 {reference}",
        "submit": "📨 Einreichen",
        "review": "✅ Als gesichtet markieren",
        "above": "Die Fotos und Dokumente zu {reference} stehen schon weiter oben.",
        "sorry": "Leider konnte 1 Datei zu {reference} nicht gesendet werden: Foto.",
    },
}


async def a_report_with_files(bot, language: str, photos: int, documents: tuple[str, ...]):
    """Jonas submits a guided report with these files; Clara, a coordinator, lists /reports."""
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, language=language, name="Jonas")
    await bind_expert(bot, code, jonas)
    await guided_report_until_summary(
        jonas, german=language == "de", photos=photos, documents=documents
    )
    await jonas.click(WORDS[language]["submit"])
    clara = bot.person(user_id=COORDINATORS[0], language=language, name="Clara")
    await clara.send("/reports")
    return clara, clara.last


@pytest.mark.parametrize("language", ["en", "de"])
async def test_the_files_of_an_opened_report_come_as_albums_once(bot, language):
    words, ref = WORDS[language], reference("REP", 1)
    documents = ("agenda.pdf", "minutes.pdf", "attendance.pdf")
    clara, listing = await a_report_with_files(bot, language, 7, documents)  # ten: the most
    await clara.click(words["open"].format(reference=ref), message=listing)
    [photos, papers] = [c.params["media"] for c in bot.api.calls_to("sendMediaGroup")]
    assert [m["type"] for m in photos] == ["photo"] * 7
    assert [m["type"] for m in papers] == ["document"] * 3
    assert photos[0]["caption"] == f"{ref} · Group photo"
    assert all(m["caption"].startswith(ref) for m in photos + papers)
    assert bot.api.calls_to("sendPhoto") == bot.api.calls_to("sendDocument") == []
    notice = [m for m in clara.messages if m.labels == [words["review"]]][-1]
    assert ref in notice.text and "agenda.pdf" in notice.text
    # A second tap on the same button: the report again, its files not a second time.
    await clara.click(words["open"].format(reference=ref), message=listing)
    assert len(bot.api.calls_to("sendMediaGroup")) == 2
    assert clara.bot_answers()[-1]["text"] == words["above"].format(reference=ref)
    # Opened from a new list, the files come again.
    await clara.send("/reports")
    await clara.click(words["open"].format(reference=ref))
    assert len(bot.api.calls_to("sendMediaGroup")) == 4


@pytest.mark.parametrize("language", ["en", "de"])
async def test_a_file_telegram_no_longer_keeps_is_named_and_the_rest_still_come(
    bot, caplog, language
):
    words, ref = WORDS[language], reference("REP", 1)
    clara, listing = await a_report_with_files(bot, language, 3, ("agenda.pdf",))
    gone = "Bad Request: wrong file identifier/HTTP URL specified"
    bot.api.fail_next("sendMediaGroup", 400, gone)  # one photo spoils its album...
    bot.api.fail_next("sendPhoto", 400, gone)  # ...and is the first sent on its own
    with caplog.at_level(logging.WARNING, logger="bot.albums"):
        await clara.click(words["open"].format(reference=ref), message=listing)
    assert len(bot.api.calls_to("sendPhoto")) == 3  # one refused, two sent
    assert len(bot.api.calls_to("sendDocument")) == 1  # a lone document, on its own
    assert clara.last.plain.startswith(words["sorry"].format(reference=ref))
    assert "/reports" in clara.last.plain
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.albums"]
    assert any(ref in line and "wrong file identifier" in line.lower() for line in logged)
    assert all("Traceback" not in m.text for m in clara.messages)


def test_albums_keep_the_order_and_never_mix_photos_with_documents():
    files = [{"type": "photo", "n": n} for n in range(11)] + [{"type": "document", "n": 0}]
    grouped = albums(files)
    assert [len(album) for album in grouped] == [6, 5, 1]
    assert [f["n"] for album in grouped[:2] for f in album] == list(range(11))
    assert albums([]) == []


UNSURE = {
    "en": "3 files of {reference} may not have arrived: Telegram did not confirm them in time",
    "de": "3 Dateien zu {reference} sind vielleicht nicht angekommen",
}


@pytest.mark.parametrize("language", ["en", "de"])
async def test_an_album_that_timed_out_is_not_sent_again_one_by_one(bot, language):
    words, ref = WORDS[language], reference("REP", 1)
    clara, listing = await a_report_with_files(bot, language, 3, ("agenda.pdf", "minutes.pdf"))
    bot.api.time_out_next("sendMediaGroup")  # the photos may have arrived: no answer came
    await clara.click(words["open"].format(reference=ref), message=listing)
    media = [[m["type"] for m in c.params["media"]] for c in bot.api.calls_to("sendMediaGroup")]
    assert media == [["photo"] * 3, ["document"] * 2]  # the documents still come
    assert bot.api.calls_to("sendPhoto") == []  # no photo twice
    assert clara.last.plain.startswith(UNSURE[language].format(reference=ref))
    assert "/reports" in clara.last.plain
    assert not any(
        "something went wrong" in m.text or "schiefgelaufen" in m.text for m in clara.messages
    )
    # Opened again from a new list, everything comes again.
    await clara.send("/reports")
    await clara.click(words["open"].format(reference=ref))
    assert len(bot.api.calls_to("sendMediaGroup")) == 4


@pytest.mark.parametrize("language", ["en", "de"])
async def test_a_short_429_during_an_album_is_waited_out_with_the_pacer(bot, language):
    words, ref = WORDS[language], reference("REP", 1)
    clara, listing = await a_report_with_files(bot, language, 3, ("agenda.pdf", "minutes.pdf"))
    bot.api.fail_next("sendMediaGroup", 429, "Too Many Requests: retry after 5", retry_after=5)
    start = bot.pacer_time.value
    await clara.click(words["open"].format(reference=ref), message=listing)
    media = [[m["type"] for m in c.params["media"]] for c in bot.api.calls_to("sendMediaGroup")]
    assert media == [["photo"] * 3, ["photo"] * 3, ["document"] * 2]  # refused, then sent
    assert bot.api.calls_to("sendPhoto") == []
    assert bot.pacer_time.value - start >= 5  # it waited as Telegram asked, on the pacer
    assert any(m.labels == [words["review"]] for m in clara.messages)  # the report's notice
    assert not any(
        "something went wrong" in m.text or "schiefgelaufen" in m.text for m in clara.messages
    )
    assert not any(
        "could not be sent" in m.plain or "nicht gesendet" in m.plain for m in clara.messages
    )


@pytest.mark.parametrize("language", ["en", "de"])
async def test_a_long_429_leaves_the_files_for_later_and_says_so(bot, language):
    words, ref = WORDS[language], reference("REP", 1)
    clara, listing = await a_report_with_files(bot, language, 3, ("agenda.pdf", "minutes.pdf"))
    bot.api.fail_next("sendMediaGroup", 429, "Too Many Requests: retry after 60", retry_after=60)
    start = bot.pacer_time.value
    await clara.click(words["open"].format(reference=ref), message=listing)
    assert len(bot.api.calls_to("sendMediaGroup")) == 1  # neither again nor the documents
    assert bot.api.calls_to("sendPhoto") == bot.api.calls_to("sendDocument") == []
    assert bot.pacer.paused_until - start >= 60  # the outbox waits too
    sorry = {"en": "Sorry, 5 files of {reference}", "de": "Leider konnten 5 Dateien zu {reference}"}
    assert clara.last.plain.startswith(sorry[language].format(reference=ref))
    assert "agenda.pdf" in clara.last.plain and "/reports" in clara.last.plain
    await clara.send("/reports")  # later, from a new list: the files come, after the wait
    await clara.click(words["open"].format(reference=ref))
    assert len(bot.api.calls_to("sendMediaGroup")) == 3
    assert bot.pacer_time.value - start >= 60
