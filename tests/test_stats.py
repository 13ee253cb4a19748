"""Coordinators see the picture: /stats sends charts of a period they choose, with the numbers."""

from __future__ import annotations

import struct
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from bot.buttons.coordination import StatsPeriodChosen
from bot.charts import HEIGHT, WIDTH, draw_charts
from bot.command_menu import register_commands
from storage.experts_tables import ActivityReport, Deployment
from storage.models import Deadline, ExpressionOfInterest, Person
from storage.statistics import Figures, Period
from tests.conftest import COORDINATORS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (its first chunk, IHDR)."""
    assert data.startswith(PNG_SIGNATURE)
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def known_figures() -> Figures:
    months = (date(2026, 10, 1), date(2026, 11, 1))
    return Figures(
        start=datetime(2026, 10, 24, 10, tzinfo=UTC),
        end=datetime(2026, 11, 23, 10, tzinfo=UTC),
        zone="Europe/Berlin",
        months=months,
        interests={(months[0], "fkf", "submitted"): 2, (months[1], "vwp", "accepted"): 1},
        countries=(("GH", 2), ("TZ", 1)),
        reports={months[1]: 3},
        sdgs={"5": 2, "11": 1},
        participants={months[1]: (40, 18)},
        overdue={"progress_report": 2, "custom": 1},
    )


def test_charts_are_pngs_of_one_size_titled_in_the_readers_language():
    english = draw_charts(known_figures(), "Last 30 days", "en")
    german = draw_charts(known_figures(), "Last 30 days", "de")
    assert [c.title for c in english] == [
        "Expressions of interest per month, by programme and status",
        "Expressions of interest by partner country",
        "Activity reports per month and per SDG",
        "Participants and the share of women",
        "Overdue deadlines now, by kind",
    ]
    assert [c.title for c in german] == [
        "Interessensbekundungen pro Monat, nach Programm und Status",
        "Interessensbekundungen nach Partnerland",
        "Aktivitätsberichte pro Monat und pro SDG",
        "Teilnehmende und Frauenanteil",
        "Überfällige Fristen jetzt, nach Art",
    ]
    for chart in english + german:
        assert png_size(chart.png) == (WIDTH, HEIGHT)
        assert chart.title in chart.texts  # drawn on the image, not only in the caption
        assert len(chart.caption) <= 1024
    # Month names, statuses, countries and legends in the reader's language.
    assert {"Okt. 2026", "eingereicht", "Tansania", "Frauen"} <= set(
        text for chart in german for text in chart.texts
    )
    assert {"Oct 2026", "submitted", "Tanzania", "Women"} <= set(
        text for chart in english for text in chart.texts
    )
    assert "Teilnehmende: 40, davon Frauen: 18 (45\xa0%)" in german[3].caption
    assert "Participants: 40, of them women: 18 (45%)" in english[3].caption


def test_the_ten_countries_with_most_submissions_and_the_rest_as_other():
    many = tuple((code, 1) for code in ("GH", "TZ", "KE", "UG", "NA", "PE", "BR", "MX", "IN"))
    figures = known_figures()
    chart = draw_charts(Figures(**{**figures.__dict__, "countries": many * 3}), "All time", "en")[1]
    assert "Other countries: 17" in chart.caption
    assert len(chart.caption) <= 1024


def seed(bot, instant: datetime) -> None:
    """Three expressions of interest, three reports and three overdue deadlines, days ago."""
    days_ago = instant - timedelta(days=5)
    with Session(bot.db.engine) as session:
        session.add(Person(id=7001, first_name="Ama"))
        deployment = Deployment(status="registered", country="GH", expert_name="Jonas")
        session.add(deployment)
        session.flush()
        for number, (programme, status, country) in enumerate(
            [("fkf", "submitted", "GH"), ("fkf", "accepted", "GH"), ("vwp", "declined", "TZ")],
            start=1,
        ):
            session.add(
                ExpressionOfInterest(
                    reference=f"EOI-T-{number}",
                    person_id=7001,
                    programme=programme,
                    status=status,
                    partner_country=country,
                    submitted_at=days_ago,
                )
            )
        # A draft is no submission: never counted.
        session.add(ExpressionOfInterest(person_id=7001, programme="fkf", partner_country="KE"))
        for total, women, sdgs in [(25, 10, ["11", "5"]), (15, 8, ["5"]), (None, None, None)]:
            session.add(
                ActivityReport(
                    deployment_id=deployment.id,
                    person_id=7001,
                    status="submitted",
                    activity_date=days_ago.date(),
                    submitted_at=days_ago,
                    participants_total=total,
                    participants_women=women,
                    sdgs=sdgs,
                )
            )
        for number, kind in enumerate(["progress_report", "progress_report", "custom"], start=1):
            session.add(Deadline(kind=kind, key=f"test:{number}", person_id=7001, due_at=days_ago))
        session.commit()


async def test_a_coordinator_chooses_a_period_and_gets_an_album_with_the_numbers(bot, instant):
    seed(bot, instant)
    coordinator = bot.person(user_id=COORDINATORS[0], language="en", name="Clara")
    await coordinator.send("/stats")
    assert "Which period" in coordinator.last.plain
    assert coordinator.last.labels == ["Last 30 days", "Last 12 months", "This year", "All time"]
    await coordinator.click("Last 12 months")
    [answer] = coordinator.bot_answers()
    assert answer["text"] == "📊 Drawing the charts…"
    [album] = bot.api.calls_to("sendMediaGroup")
    captions = [media["caption"] for media in album.params["media"]]
    assert len(captions) == 5
    assert all(media["type"] == "photo" for media in album.params["media"])
    assert "Fachkräftefonds (expert fund for municipal partnerships): 2" in captions[0]
    assert "Verwaltungspartnerschaft (administrative partnership): 1 (declined: 1)" in captions[0]
    assert "Ghana: 2" in captions[1] and "Tanzania: 1" in captions[1]
    assert "Kenya" not in captions[1]  # the draft
    assert "Activity reports: 3" in captions[2] and "5 Gender equality: 2" in captions[2]
    assert "Participants: 40, of them women: 18 (45%)" in captions[3]
    assert "Overdue deadlines now: 3" in captions[4] and "Progress reports: 2" in captions[4]
    # The choice stays on screen, marked, to pick another period.
    periods = next(m for m in coordinator.messages if "✅ Last 12 months" in m.labels)
    assert "Period: Last 12 months" in periods.plain


async def test_charts_in_german_for_a_german_coordinator(bot, instant):
    seed(bot, instant)
    coordinator = bot.person(user_id=COORDINATORS[1], language="de", name="Clara")
    await coordinator.send("/stats")
    await coordinator.click("Letzte 12 Monate")
    [album] = bot.api.calls_to("sendMediaGroup")
    captions = [media["caption"] for media in album.params["media"]]
    assert captions[0].startswith("Interessensbekundungen pro Monat")
    assert "Tansania: 1" in captions[1]
    assert "Teilnehmende: 40, davon Frauen: 18 (45\xa0%)" in captions[3]


async def test_one_chart_comes_as_a_photo(bot, instant):
    with Session(bot.db.engine) as session:
        session.add(Deadline(kind="custom", key="test:1", due_at=instant - timedelta(days=2)))
        session.commit()
    coordinator = bot.person(user_id=COORDINATORS[0], language="en", name="Clara")
    await coordinator.send("/stats")
    await coordinator.click("Last 30 days")
    assert not bot.api.calls_to("sendMediaGroup")
    [photo] = bot.api.calls_to("sendPhoto")
    assert "Overdue deadlines now: 1" in photo.params["caption"]
    assert "Other deadlines: 1" in photo.params["caption"]


async def test_a_period_without_data_is_said_politely(bot):
    coordinator = bot.person(user_id=COORDINATORS[0], language="en", name="Clara")
    await coordinator.send("/stats")
    await coordinator.click("All time")
    assert "Nothing to show for this period (All time)" in coordinator.last.plain
    assert not bot.api.calls_to("sendMediaGroup") and not bot.api.calls_to("sendPhoto")


async def test_partners_are_refused_politely(bot, instant):
    seed(bot, instant)
    ama = bot.person()
    await ama.send("/stats")
    assert "only available to the programme's coordinators" in ama.last.plain
    coordinator = bot.person(user_id=COORDINATORS[0], language="en", name="Clara")
    await coordinator.send("/stats")
    # The coordinator's button, pressed by someone else (forwarded, or forged): refused too.
    await ama.press(coordinator.last, StatsPeriodChosen(Period.LAST_12_MONTHS).pack())
    assert ama.bot_answers()[-1]["show_alert"]
    assert not bot.api.calls_to("sendMediaGroup")


async def test_help_names_stats_for_coordinators_only(bot):
    coordinator = bot.person(user_id=COORDINATORS[0], language="en", name="Clara")
    await coordinator.send("/help")
    assert "/stats" in coordinator.last.plain
    ama = bot.person()
    await ama.send("/help")
    assert "/stats" not in ama.last.plain


async def test_coordinators_find_stats_in_their_command_menu(bot):
    await register_commands(bot.app)
    menus = {
        (call.params.get("scope", {}).get("chat_id"), call.params.get("language_code")): {
            c["command"]: c["description"] for c in call.params["commands"]
        }
        for call in bot.api.calls_to("setMyCommands")
    }
    for coordinator in COORDINATORS:
        assert menus[coordinator, "de"]["stats"].startswith("Diagramme zu Einreichungen")
        assert menus[coordinator, "en"]["stats"].startswith("charts of the submissions")
        assert menus[coordinator, None] == menus[coordinator, "en"]
        assert {"submissions", "reports", "overdue", "start", "help"} <= set(
            menus[coordinator, "en"]
        )
    assert "stats" not in menus[None, "en"] and "stats" not in menus[None, None]


def test_the_bot_starts_without_loading_the_plotting_library():
    """matplotlib is imported when the first charts are drawn, not at every start."""
    found = subprocess.run(
        [sys.executable, "-c", "import sys, bot.app; print('matplotlib' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.strip() == "False"
