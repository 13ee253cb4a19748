"""Country rules of the expert models: the seed, CSV import/export, the coordinators' toggle."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from babel.dates import format_datetime, get_timezone
from sqlalchemy import func, select, text
from sqlmodel import Session

from bot import cli
from bot.advisor import DEVELOPMENT_WORKER, INTEGRATED, LOCAL
from bot.buttons.advisor import RulesCountry, RuleToggled
from bot.model_rules_file import RulesFileError, parse
from storage import model_rules
from storage.advisor_tables import ModelRuleChange
from storage.db import make_engine, upgrade
from tests.conftest import COORDINATORS

SEED = Path(__file__).resolve().parent.parent / "storage" / "data" / "model_rules.csv"

RULES_CSV = """\
# rules for the test
country,model,status,reason_de,reason_en
KE,integrated,not_possible,"Keine lokalen Verträge, leider.","No local contracts, sorry."
KE,development_worker,possible,,
ke,local,to_be_confirmed,"Wird geprüft: „Ortskräfte“",Being checked
BO,integrated,possible,,
"""


def rules(db) -> dict[tuple[str, str], tuple[str, str | None, str | None]]:
    return {
        (r.country, r.model): (r.status, r.reasons.get("de"), r.reasons.get("en"))
        for r in db.call(model_rules.all_rules)
        if r.updated_by != "seed"
    }


def change_count(db) -> int:
    with Session(db.engine) as session:
        return session.execute(select(func.count()).select_from(ModelRuleChange)).scalar_one()


@pytest.fixture
def command_line(monkeypatch, database_url):
    """Runs `partnerbot ...` against the test database."""
    monkeypatch.setenv("DATABASE_URL", database_url)

    def run(*args: str) -> None:
        cli.main(list(args))

    return run


def test_import_then_export_round_trips(command_line, db, tmp_path, capsys):
    source = tmp_path / "rules.csv"
    source.write_text(RULES_CSV, encoding="utf-8")
    command_line("models", "import", str(source))
    assert "4 rule(s) changed" in capsys.readouterr().out
    assert rules(db) == {
        ("KE", INTEGRATED): (
            "not_possible",
            "Keine lokalen Verträge, leider.",
            "No local contracts, sorry.",
        ),
        ("KE", DEVELOPMENT_WORKER): ("possible", None, None),
        ("KE", LOCAL): ("to_be_confirmed", "Wird geprüft: „Ortskräfte“", "Being checked"),
        ("BO", INTEGRATED): ("possible", None, None),
    }
    exported = tmp_path / "exported.csv"
    command_line("models", "export", str(exported))
    command_line("models", "export")  # to stdout
    printed = capsys.readouterr().out
    assert exported.read_text(encoding="utf-8") in printed
    assert set(parse(exported.read_text(encoding="utf-8"))) >= set(parse(RULES_CSV))
    # Importing the export again changes nothing and records nothing.
    before = change_count(db)
    command_line("models", "import", str(exported))
    assert "0 rule(s) changed" in capsys.readouterr().out
    assert change_count(db) == before == 4
    with Session(db.engine) as session:
        log = session.execute(select(ModelRuleChange).where(ModelRuleChange.country == "BO"))
        [change] = log.scalars().all()
    assert change.changed_by.startswith("cli:") and change.old is None
    assert change.new == {"status": "possible", "reasons": {}}


@pytest.mark.parametrize(
    ("bad_line", "complaint"),
    [
        ("XX,local,possible,,", "line 5: unknown country code 'XX'"),
        ("KE,expat,possible,,", "line 5: unknown model 'expat'"),
        ("KE,local,maybe,,", "line 5: unknown status 'maybe'"),
        ("KE,integrated,possible,,", "line 5: KE integrated was already given on line 3"),
        ("DE,local,possible,,", "line 5: Germany is not a partner country"),
        ('KE,local,possible,"never closed,', "line 5: a quoted value is not closed"),
        ("KE,local,possible,Null\x00Byte,", "line 5: a NUL character"),
    ],
)
def test_a_bad_line_rejects_the_whole_file(command_line, db, tmp_path, bad_line, complaint):
    good = tmp_path / "good.csv"
    good.write_text(RULES_CSV, encoding="utf-8")
    command_line("models", "import", str(good))
    before, changes = rules(db), change_count(db)
    bad = tmp_path / "bad.csv"
    # Line 3 would change a rule, line 5 is wrong: nothing at all is stored.
    bad.write_text(
        "country,model,status,reason_de,reason_en\n\n"
        "KE,integrated,possible,,\n"
        "# a comment\n" + bad_line + "\n",
        encoding="utf-8",
    )
    with pytest.raises(SystemExit) as stopped:
        command_line("models", "import", str(bad))
    assert complaint in str(stopped.value) and "nothing was imported" in str(stopped.value)
    assert rules(db) == before and change_count(db) == changes


def test_a_file_without_the_right_header_is_rejected():
    with pytest.raises(RulesFileError) as error:
        parse("# only a comment\nland,modell,status\nKE,local,possible\n")
    assert error.value.line == 2
    with pytest.raises(RulesFileError) as error:
        parse("")
    assert error.value.line == 1


def test_the_seed_file_is_valid_and_claims_no_certainty(tmp_path):
    seeded = parse(SEED.read_text(encoding="utf-8"))
    assert seeded and {row.status for row in seeded} == {"to_be_confirmed"}
    assert all(row.reasons.get("de") and row.reasons.get("en") for row in seeded)
    assert all(row.reasons["en"].startswith("Example, to be confirmed") for row in seeded)
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    upgrade(engine)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT country, model, status FROM model_rule"))
        assert sorted(stored) == sorted((r.country, r.model, r.status) for r in seeded)
    engine.dispose()


async def test_a_coordinator_toggles_a_model_and_every_change_is_recorded(bot, clock):
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.send("/rules Kenya")
    shown = tom.last.text
    assert "Expert models in Kenya" in shown and shown.count("to be confirmed") >= 3
    assert tom.buttons == [
        "❓ Integrated expert: to be confirmed",
        "✏️ Reason",
        "❓ Development worker: to be confirmed",
        "✏️ Reason",
        "❓ Local expert: to be confirmed",
        "✏️ Reason",
    ]
    await tom.click("❓ Integrated expert: to be confirmed")
    assert "✅ Integrated expert in Kenya: now possible." in tom.last.text
    assert "✅ Integrated expert: possible" in tom.buttons
    clock.advance(minutes=5)
    await tom.click("✅ Integrated expert: possible")
    assert "🚫 Integrated expert: not possible" in tom.buttons
    changes = bot.db.call(model_rules.changes_of, country="KE")
    assert [(c.old and c.old["status"], c.new["status"]) for c in changes] == [
        (None, "possible"),
        ("possible", "not_possible"),
    ]
    assert {c.changed_by for c in changes} == {f"telegram:{COORDINATORS[0]}"}
    assert changes[1].changed_at == clock()
    # Who and when, as a coordinator reads it: the name, and the time where Tom is (Berlin).
    berlin = format_datetime(clock(), "medium", tzinfo=get_timezone("Europe/Berlin"), locale="en")
    assert f"Last change: {berlin} by Tom" in tom.last.text
    assert "telegram:" not in tom.last.text

    # The advisor follows the new rule at once.
    ama = bot.person(language="en")
    await ama.send("/models")
    await ama.click("🧭 Which model fits us? Start the advisor")
    for label in ("A key position inside the partner administration", "European experience"):
        await ama.click(label)
    await ama.click("Yes, it can")
    await ama.click("Strategic")
    await ama.send("Kenya")
    await ama.click("Kenya")
    await ama.click("🧭 Show the recommendation")
    assert "⭐ <b>Integrated expert</b>" not in ama.last.text
    assert "Integrated expert is not possible in Kenya." in ama.last.text


async def test_the_rules_in_german_and_the_ways_to_name_a_country(bot):
    anna = bot.person(user_id=COORDINATORS[1], language="de", name="Anna")
    await anna.send("/rules")
    assert "Welches Land?" in anna.last.text
    await anna.send("/rules Xyzzy")
    assert "Zu „Xyzzy“ habe ich kein Land gefunden." in anna.last.text
    await anna.send("/rules guin")
    assert {"Guinea", "Guinea-Bissau", "Äquatorialguinea"} <= set(anna.buttons)
    await anna.send("/rules gua")
    await anna.click("Guatemala")
    assert "Fachkraftmodelle in Guatemala" in anna.last.text
    await anna.send("/rules KE")
    assert "Fachkraftmodelle in Kenia" in anna.last.text
    assert "❓ Integrierte Fachkraft: zu bestätigen" in anna.buttons


async def test_a_double_tap_on_an_old_toggle_changes_once(bot):
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.send("/rules KE")
    view = tom.last
    data = view.buttons[2][0]["callback_data"]
    await tom.press(view, data)
    await tom.press(view, data)  # the same button again, as it was shown before
    assert "changed in the meantime" in tom.last.text
    assert [c.new["status"] for c in bot.db.call(model_rules.changes_of, country="KE")] == [
        "possible"
    ]


async def test_people_who_are_not_coordinators_are_refused(bot):
    ama = bot.person(language="en")
    await ama.send("/rules Kenya")
    assert "only available to the programme's coordinators" in html.unescape(ama.last.text)
    # No rule buttons for her, only the way back to the menu.
    assert not [
        b for row in ama.last.buttons for b in row if b["callback_data"].startswith("rules|")
    ]
    assert ama.last.labels == ["🏠 Menu"]
    # A forged button press, as if she had a coordinator's message.
    await ama.press(ama.last, RuleToggled("KE", 0, "t").pack())
    assert ama.bot_answers()[-1]["show_alert"] is True
    assert "only available to the programme's coordinators" in ama.bot_answers()[-1]["text"]
    await ama.press(ama.last, RulesCountry("KE").pack())
    assert ama.bot_answers()[-1]["show_alert"] is True
    assert bot.db.call(model_rules.changes_of, country="KE") == []
    assert bot.db.call(model_rules.rules_of_country, country="KE") == {}
    jonas = bot.person(user_id=5151, language="de")
    await jonas.send("/rules Kenia")
    assert "der Koordination des Programms vorbehalten" in jonas.last.text


def test_a_reason_over_several_lines_survives_export_and_import(command_line, db, tmp_path):
    source = tmp_path / "rules.csv"
    source.write_text(
        'country,model,status,reason_de,reason_en\nKE,local,not_possible,"Zeile eins\nZeile zwei","Line one\nline two"\n'
        "# after it\nKE,integrated,maybe,,\n",
        encoding="utf-8",
    )
    with pytest.raises(SystemExit) as refused:
        command_line("models", "import", str(source))
    assert "line 6: unknown status 'maybe'" in str(refused.value)  # the reasons span 3 lines
    source.write_text(
        'country,model,status,reason_de,reason_en\nKE,local,not_possible,"Zeile eins\nZeile zwei","Line one\nline two"\n',
        encoding="utf-8",
    )
    command_line("models", "import", str(source))
    exported = tmp_path / "exported.csv"
    command_line("models", "export", str(exported))
    assert set(parse(source.read_text(encoding="utf-8"))) <= set(
        parse(exported.read_text(encoding="utf-8"))
    )
    assert rules(db)[("KE", LOCAL)] == (
        "not_possible",
        "Zeile eins\nZeile zwei",
        "Line one\nline two",
    )


async def test_a_reason_written_for_the_old_status_goes_with_it(bot, clock):
    reason = "Example, to be confirmed by the coordination: a local contract is needed."
    bot.db.call(
        model_rules.set_reason,
        country="GH",
        model=INTEGRATED,
        language="en",
        reason=reason,
        actor="seed",
        now=clock(),
    )
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.send("/rules Ghana")
    assert "Example, to be confirmed" in tom.last.text
    [toggle] = [label for label in tom.buttons if label.startswith("❓ Integrated expert")]
    await tom.click(toggle)
    integrated = tom.last.text.split("Integrated expert</b>")[1].split("<b>")[0]
    assert "possible" in integrated and "Example, to be confirmed" not in integrated


async def test_a_coordinator_writes_the_reason_in_chat_in_their_language(bot):
    anna = bot.person(user_id=COORDINATORS[1], language="de", name="Anna")
    await anna.send("/rules Kenia")
    await anna.click("✏️ Begründung", message=anna.last)  # the first model's: Integrated expert
    assert "auf Deutsch" in anna.last.text
    await anna.send("Lokale Verträge sind in Kenia möglich.")
    assert "✅ Gespeichert: die Begründung" in anna.last.text
    assert "Lokale Verträge sind in Kenia möglich." in anna.last.text
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.send("/rules Kenya")
    await tom.click("✏️ Reason")
    await tom.send("x" * 501)
    assert "at most 500" in tom.last.text
    await tom.send("Local contracts are possible in Kenya.")
    rule = bot.db.call(model_rules.rules_of_country, country="KE")[INTEGRATED]
    assert dict(rule.reasons) == {
        "de": "Lokale Verträge sind in Kenia möglich.",
        "en": "Local contracts are possible in Kenya.",
    }
    assert [c.changed_by for c in bot.db.call(model_rules.changes_of, country="KE")] == [
        f"telegram:{COORDINATORS[1]}",
        f"telegram:{COORDINATORS[0]}",
    ]
    ama = bot.person(language="en")
    await ama.send("/rules Kenya")
    assert "only available to the programme" in ama.last.text or "vorbehalten" in ama.last.text
