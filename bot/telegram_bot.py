"""The Bot API client: python-telegram-bot's ExtBot, plus a lean path for the conversation's
own messages.

Every step of a form is one HTML message with an inline keyboard. Sent through `send_message`,
python-telegram-bot builds a `InlineKeyboardButton` per button, serialises them again, and
parses Telegram's answer (the whole message with its keyboard) into a `Message` that nobody
reads: about 220 µs a step, measured with `bench/bench_updates.py`, against about 65 µs for the
same call with the keyboard serialised once from plain rows and only the message id taken from
the answer. The lean methods below go through the public `Bot.do_api_request`, which takes
the same road as the typed methods (defaults, the rate limiter, error mapping: a 400 is a
`BadRequest`, a 403 `Forbidden`), so they behave like them.

`do_api_request` is meant for methods python-telegram-bot does not know yet; for a method it
knows it warns ("Please use 'Bot.sendMessage' instead"), which here is the point: the typed
method is what the lean path avoids. That warning is ignored for this module only.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from typing import Any

from telegram.ext import ExtBot
from telegram.warnings import PTBUserWarning

Button = tuple[str, str]  # (label, callback data)

# Links in answers (an e-mail domain, a website) would otherwise unfold into a preview.
_NO_PREVIEW = json.dumps({"is_disabled": True})

# The lean calls below name methods python-telegram-bot knows (see the module's note).
warnings.filterwarnings(
    "ignore",
    message=r"Please use 'Bot\.\w+' instead of 'Bot\.do_api_request",
    category=PTBUserWarning,
    module=__name__,
)


def keyboard_json(rows: Sequence[Sequence[Button]]) -> str | None:
    """An inline keyboard as the Bot API takes it, from rows of (label, callback data)."""
    built = [[{"text": label, "callback_data": data} for label, data in row] for row in rows if row]
    if not built:
        return None
    return json.dumps({"inline_keyboard": built}, ensure_ascii=False, separators=(",", ":"))


class PartnerBot(ExtBot[Any]):
    """ExtBot with `send_html`, `edit_html` and `remove_keyboard` for conversation steps."""

    async def send_html(
        self, chat_id: int, text: str, rows: Sequence[Sequence[Button]] = ()
    ) -> int:
        """Send an HTML message with optional buttons; the new message's id."""
        result = await self.do_api_request("sendMessage", self._html(text, rows, chat_id=chat_id))
        return int(result["message_id"])

    async def edit_html(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        rows: Sequence[Sequence[Button]] = (),
    ) -> None:
        """Replace a message's text and buttons (no buttons: they are removed)."""
        await self.do_api_request(
            "editMessageText", self._html(text, rows, chat_id=chat_id, message_id=message_id)
        )

    async def remove_keyboard(self, chat_id: int, message_id: int) -> None:
        """Take the buttons off a message, leaving its text."""
        await self.do_api_request(
            "editMessageReplyMarkup", {"chat_id": chat_id, "message_id": message_id}
        )

    @staticmethod
    def _html(text: str, rows: Sequence[Sequence[Button]], **target: int) -> dict[str, Any]:
        data: dict[str, Any] = {
            **target,
            "text": text,
            "parse_mode": "HTML",
            "link_preview_options": _NO_PREVIEW,
        }
        markup = keyboard_json(rows)
        if markup is not None:
            data["reply_markup"] = markup
        return data
