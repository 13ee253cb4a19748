"""The main menu: what the bot offers, most asked-for first.

One table rather than entries each conversation adds to at start-up: the order is a product
decision, and a conversation that offers itself here adds one line.
"""

from __future__ import annotations

from bot.buttons.menu import Menu, MenuItem
from bot.i18n import N_, _
from bot.messaging import Button

ENTRIES: tuple[tuple[str, str], ...] = (  # (label msgid, callback data)
    (N_("📝 Express interest"), Menu(MenuItem.INTEREST).pack()),
    (N_("📋 My submissions"), Menu(MenuItem.MINE).pack()),
    (N_("🧭 Expert models"), Menu(MenuItem.MODELS).pack()),
    (N_("🌍 Deployed experts"), Menu(MenuItem.EXPERTS).pack()),
    (N_("🗓 My deadlines"), Menu(MenuItem.DEADLINES).pack()),
)


def main_menu_rows() -> list[list[Button]]:
    """The main menu as button rows, in the reader's language."""
    rows: list[list[Button]] = [[(_(label), data)] for label, data in ENTRIES]
    rows.append(
        [
            (_("🌐 Sprache / Language"), Menu(MenuItem.LANGUAGE).pack()),
            (_("❓ Help"), Menu(MenuItem.HELP).pack()),
        ]
    )
    rows.append([(_("🔒 Privacy"), Menu(MenuItem.PRIVACY).pack())])
    return rows
