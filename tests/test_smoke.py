async def test_start_greets_in_english(bot):
    ama = bot.person(language="en")
    sent = await ama.send("/start")
    assert "Hello Ama" in sent[0].text
    assert "📝 Express interest" in ama.buttons


async def test_start_greets_in_german(bot):
    jonas = bot.person(language="de-DE", name="Jonas")
    sent = await jonas.send("/start")
    assert "Jonas" in sent[0].text
