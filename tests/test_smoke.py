from tests.conftest import COORDINATORS
from tests.experts_scripts import bind_expert, register_deployment


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


async def test_privacy_tells_each_role_what_is_stored_about_them(bot):
    ama = bot.person()
    await ama.send("/privacy")
    assert "expression of interest" in ama.last.text and "reports you send" not in ama.last.text
    code = await register_deployment(bot)
    jonas = bot.person(user_id=5001, language="de", name="Jonas")
    await bind_expert(bot, code, jonas)
    await jonas.send("/privacy")
    text = jonas.last.text
    assert "Als entsandte Fachkraft" in text and "Fotos und Dokumente" in text
    assert "Berichtsfristen" in text and "Als Koordinatorin" not in text
    clara = bot.person(user_id=COORDINATORS[0], name="Clara")
    await clara.send("/privacy")
    assert "As a coordinator: your decisions" in clara.last.text
    assert "deleted at once" in clara.last.text
