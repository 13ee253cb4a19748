"""Steps deployed-expert tests share: register a deployment, accept its invitation."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlmodel import Session

from storage.experts_tables import ActivityReport, Deployment, Invitation
from storage.models import Deadline, OutboxMessage
from tests.conftest import COORDINATORS
from tests.standin import ScriptedPerson

LINK = re.compile(r"https://t\.me/partnerbot_test_bot\?start=([A-Za-z0-9_-]+)")


async def register_deployment(
    bot, *, german: bool = False, end: str | None = None, country: str = "Ghana"
) -> str:
    """A coordinator registers a deployment in chat; returns the invitation code."""
    de = german
    coordinator = bot.person(user_id=COORDINATORS[0], language="de" if de else "en", name="Clara")
    await coordinator.send("/deploy")
    await coordinator.send("Jonas Becker")
    await coordinator.click(
        "Entwicklungshelferin/Entwicklungshelfer" if de else "Development worker"
    )
    await coordinator.click("Überspringen" if de else "Skip")
    await coordinator.send("Stadt Bonn – Cape Coast Metropolitan Assembly")
    await coordinator.send(country)
    await coordinator.click(country)
    await coordinator.send("Cape Coast")
    await coordinator.send("01.11.2026")
    if end:
        await coordinator.send(end)
    else:
        await coordinator.click("Überspringen" if de else "Skip")
    await coordinator.click("Vierteljährlich" if de else "Quarterly")
    await coordinator.click("📨 Einreichen" if de else "📨 Submit")
    found = LINK.search(coordinator.last.text)
    assert found, coordinator.last.text
    return found.group(1)


async def bind_expert(bot, code: str, expert: ScriptedPerson) -> None:
    """The expert opens the link and confirms."""
    await expert.send(f"/start {code}")
    assert "Jonas Becker" in expert.last.text
    await expert.click(expert.last.labels[0])


def rows(bot, table, *where, order=None) -> list:
    """Stored rows of a table."""
    with Session(bot.db.engine) as session:
        query = select(table).where(*where).order_by(order if order is not None else table.id)
        return list(session.execute(query).scalars())


__all__ = [
    "LINK",
    "ActivityReport",
    "Deadline",
    "Deployment",
    "Invitation",
    "OutboxMessage",
    "bind_expert",
    "register_deployment",
    "rows",
]


def notices(bot) -> list:
    """Outbox rows other than deadline reminders (binding an expert plans those)."""
    return [row for row in rows(bot, OutboxMessage) if not row.template.startswith("reminders/")]
