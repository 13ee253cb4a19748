"""Invitation codes and the t.me links that carry them to the expert."""

from __future__ import annotations

import secrets

# 16 random bytes: 22 URL-safe characters, within Telegram's 64-character /start payload.
CODE_BYTES = 16


def new_code() -> str:
    """A fresh random invitation code (only its hash is stored)."""
    return secrets.token_urlsafe(CODE_BYTES)


def invitation_link(bot_username: str, code: str) -> str:
    """The deep link that opens the bot with the code: https://t.me/<bot>?start=<code>."""
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"
