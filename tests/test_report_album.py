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
