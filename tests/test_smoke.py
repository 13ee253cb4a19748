async def test_start_greets_in_english(bot):
    ama = bot.person(language="en")
    sent = await ama.send("/start")
    assert "Hello Ama" in sent[0].text
    assert "📝 Express interest" in ama.buttons


async def test_start_greets_in_german(bot):
    jonas = bot.person(language="de-DE", name="Jonas")
    sent = await jonas.send("/start")
    assert "Jonas" in sent[0].text


async def test_privacy_names_the_contact_for_corrections_when_one_is_set(bot):
    ama = bot.person()
    await ama.send("/privacy")
    assert "write to the programme's coordination" in ama.last.text
    bot.settings.privacy_contact = "datenschutz@example.org"
    jonas = bot.person(user_id=4343, language="de")
    await jonas.send("/privacy")
    assert "schreiben Sie an datenschutz@example.org" in jonas.last.text
    assert "Wer es sieht" in jonas.last.text
