"""What every handler may reach: settings, database, clock; kept in bot_data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from telegram.ext import ContextTypes

from bot.config import Settings
from bot.contributions import Contributions
from storage.db import Database
from storage.models import utcnow

SERVICES_KEY = "services"


@dataclass
class Services:
    """The application's long-lived parts, opened in post_init and closed in post_shutdown."""

    settings: Settings
    db: Database
    clock: Callable[[], datetime] = field(default=utcnow)
    # What the conversations contribute (open forms, notices, ...), collected by the wiring.
    contributions: Contributions = field(default_factory=Contributions)

    def is_coordinator(self, user_id: int | None) -> bool:
        """Whether this Telegram user is one of the programme's coordinators."""
        return user_id is not None and user_id in self.settings.coordinators


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The Services of the running application."""
    return context.application.bot_data[SERVICES_KEY]
