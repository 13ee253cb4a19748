"""The main menu: what the bot offers, most asked-for first.

One table rather than entries each conversation adds to at start-up: the order is a product
decision, and a conversation that offers itself here adds one line.
"""

from __future__ import annotations

from bot.i18n import N_, _
from bot.messaging import Button

ENTRIES: tuple[tuple[str, str], ...] = (  # (label msgid, callback data)
    (N_("📝 Express interest"), "menu|interest"),
    (N_("📋 My submissions"), "menu|mine"),
    (N_("🧭 Expert models"), "menu|models"),
    (N_("🌍 Deployed experts"), "menu|experts"),
    (N_("🗓 My deadlines"), "menu|deadlines"),
)


def main_menu_rows() -> list[list[Button]]:
    """The main menu as button rows, in the reader's language."""
    rows: list[list[Button]] = [[(_(label), data)] for label, data in ENTRIES]
    rows.append([(_("🌐 Sprache / Language"), "menu|language"), (_("❓ Help"), "menu|help")])
    rows.append([(_("🔒 Privacy"), "menu|privacy")])
    return rows
