"""A simulated person who chats with the bot through the offline Bot API (bot.offline): sends
text, media and commands and presses buttons, as `partnerbot shell`, the benchmarks and the tests
do."""

from __future__ import annotations

import itertools
import time
from typing import Any

from telegram import Update

from bot.offline import BotMessage, OfflineBotAPI
from bot.ptb_types import App


class ButtonNotFound(AssertionError):
    """The person looked for a button that the chat does not show."""


class SimulatedPerson:
    """A person chatting with the bot: sends text, media and commands, presses buttons."""

    _update_ids = itertools.count(1)
    _message_ids = itertools.count(1)

    @classmethod
    def count_updates_from(cls, first: int) -> None:
        """Number everyone's next updates from `first` on (Telegram's ids only grow: a shell
        on an existing database continues above the ids it has already seen)."""
        cls._update_ids = itertools.count(first)

    def __init__(
        self,
        app: App,
        api: OfflineBotAPI,
        user_id: int,
        *,
        first_name: str = "Ama",
        language_code: str | None = "en",
    ) -> None:
        self.app = app
        self.api = api
        self.user = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            self.user["language_code"] = language_code
        self.user_id = user_id

    # -- what the person does ---------------------------------------------------------------
    async def send(self, text: str) -> list[BotMessage]:
        """Type and send a text message (a /command is marked as one, as Telegram does)."""
        message = self.new_message(text=text)
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return await self.deliver(self.new_update(message=message))

    async def send_photo(
        self, caption: str | None = None, media_group_id: str | None = None
    ) -> list[BotMessage]:
        """Send a photo, optionally with a caption or as part of an album."""
        message = self.new_message(
            photo=[
                {
                    "file_id": f"photo-{next(self._message_ids)}",
                    "file_unique_id": "u",
                    "width": 800,
                    "height": 600,
                }
            ]
        )
        if caption is not None:
            message["caption"] = caption
        if media_group_id:
            message["media_group_id"] = media_group_id
        return await self.deliver(self.new_update(message=message))

    async def send_sticker(self) -> list[BotMessage]:
        """Send a sticker."""
        sticker = {
            "file_id": "sticker-1",
            "file_unique_id": "s",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
        return await self.deliver(self.new_update(message=self.new_message(sticker=sticker)))

    async def click(self, label: str, *, message: BotMessage | None = None) -> list[BotMessage]:
        """Press the button with this label on the newest message that shows one."""
        candidates = [message] if message else reversed(self.api.chat(self.user_id))
        for bot_message in candidates:
            for row in bot_message.buttons:
                for button in row:
                    if button["text"] == label and "callback_data" in button:
                        return await self.press(bot_message, button["callback_data"])
        shown = [m.labels for m in self.api.chat(self.user_id) if m.buttons][-1:]
        raise ButtonNotFound(f"no button {label!r}; the newest buttons are {shown}")

    async def press(self, message: BotMessage, data: str) -> list[BotMessage]:
        """Press a button by its callback data (also an old or forged one)."""
        query = {
            "id": str(next(self._update_ids)),
            "from": self.user,
            "chat_instance": f"ci-{self.user_id}",
            "data": data,
            "message": message.raw,
        }
        return await self.deliver(self.new_update(callback_query=query))

    # -- plumbing ---------------------------------------------------------------------------
    def new_message(self, **content: Any) -> dict[str, Any]:
        """A message from this person in their private chat with the bot."""
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": self.user_id, "type": "private", "first_name": self.user["first_name"]},
            "from": self.user,
            **content,
        }

    def new_update(self, **content: Any) -> dict[str, Any]:
        """An update with the next update id."""
        return {"update_id": next(self._update_ids), **content}

    async def deliver(self, payload: dict[str, Any]) -> list[BotMessage]:
        """Deliver an update as given; the bot's messages it made new or changed."""
        before = {m.message_id: m.text for m in self.api.chat(self.user_id)}
        update = Update.de_json(payload, self.app.bot)
        await self.app.process_update(update)
        return [m for m in self.api.chat(self.user_id) if before.get(m.message_id) != m.text]
