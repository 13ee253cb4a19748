"""An offline stand-in for the Bot API.

`partnerbot shell` (and the benchmarks) run the real Application against it: every Bot API call
is answered locally, as Telegram would answer it (refusals included), and recorded. The person
who chats through it is bot.simulated_person; the tests' additions (scripted failures, reading
aids) are in tests/standin.py.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_USER = {
    "id": 700000001,
    "is_bot": True,
    "first_name": "partnerbot",
    "username": "partnerbot_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}

_PHOTO_SIZE = {"width": 800, "height": 600}

# Methods whose answer is the (new or edited) message.
_MESSAGE_METHODS = {
    "sendMessage",
    "sendPhoto",
    "sendDocument",
    "copyMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "editMessageCaption",
}


@dataclass
class ApiCall:
    """One Bot API call the bot made."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    # Uploaded files by their field's name: (file name, content, MIME type).
    files: dict[str, Any] = field(default_factory=dict)


@dataclass
class BotMessage:
    """A message the bot sent, as the chat shows it now (edits applied)."""

    message_id: int
    chat_id: int
    text: str
    buttons: list[list[dict[str, Any]]]
    raw: dict[str, Any]

    @property
    def plain(self) -> str:
        """The text as the person reads it: HTML tags gone, entities resolved."""
        return html.unescape(re.sub(r"<[^>]+>", "", self.text))

    @property
    def labels(self) -> list[str]:
        """The labels of its inline buttons, row by row."""
        return [button["text"] for row in self.buttons for button in row]


class OfflineBotAPI(BaseRequest):
    """A BaseRequest that never touches the network and answers like the Bot API would."""

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self.messages: dict[int, dict[int, BotMessage]] = defaultdict(dict)
        self._message_ids = itertools.count(1000)
        self._answered: set[str] = set()

    # -- BaseRequest ------------------------------------------------------------------------
    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        if isinstance(markup := params.get("reply_markup"), str):  # read once, as Telegram would
            params["reply_markup"] = json.loads(markup)
        files = dict(request_data.multipart_data or {}) if request_data else {}
        self.calls.append(ApiCall(api_method, params, files=files))
        return self.respond(api_method, params)

    def respond(self, method: str, params: dict[str, Any]) -> tuple[int, bytes]:
        """Telegram's response to a call: its HTTP status and body."""
        refusal = self._refusal(method, params)
        if refusal:
            body = {"ok": False, "error_code": 400, "description": f"Bad Request: {refusal}"}
            return 400, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": self.answer(method, params)}).encode()

    # -- what Telegram refuses ----------------------------------------------------------------
    def _refusal(self, method: str, params: dict[str, Any]) -> str | None:
        """Why Telegram would answer 400 to this call, or None: tests see what users would."""
        if method == "answerCallbackQuery":
            if params["callback_query_id"] in self._answered:
                return "query is too old and response timeout expired or query ID is invalid"
            self._answered.add(params["callback_query_id"])
        markup = params.get("reply_markup")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64:
                    return "BUTTON_DATA_INVALID"
        for key, limit in (("text", 4096), ("caption", 1024)):
            if key not in params or method in ("answerCallbackQuery", "setMyCommands"):
                continue
            text = params[key]
            if params.get("parse_mode") == "HTML":
                visible, problem = _parse_html(text)
                if problem:
                    return f"can't parse entities: {problem}"
            else:
                visible = text
            if not visible.strip():
                return "message text is empty"
            if len(visible) > limit:
                return "message is too long" if key == "text" else "message caption is too long"
        if method == "sendMediaGroup":
            return _album_refusal(params.get("media") or [])
        if method == "editMessageText":
            old = self.messages[int(params.get("chat_id", 0))].get(int(params["message_id"]))
            markup_rows = (markup or {}).get("inline_keyboard", [])
            if old is not None and old.text == params["text"] and old.buttons == markup_rows:
                return "message is not modified: specified new message content and reply markup are exactly the same"
        return None

    # -- reading what was sent --------------------------------------------------------------
    def calls_to(self, method: str) -> list[ApiCall]:
        """Every call of one method, in order."""
        return [call for call in self.calls if call.method == method]

    def chat(self, chat_id: int) -> list[BotMessage]:
        """The bot's messages in a chat, oldest first, as they look now."""
        return list(self.messages[chat_id].values())

    # -- answers ----------------------------------------------------------------------------
    def answer(self, method: str, params: dict[str, Any]) -> Any:
        """The result Telegram gives for a call it accepts."""
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            return []
        if method in _MESSAGE_METHODS:
            return self._message_answer(method, params)
        if method == "sendMediaGroup":
            return [
                self._store(int(params["chat_id"]), None, media.get("caption", ""), None, media)
                for media in params["media"]
            ]
        return True

    def _message_answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params.get("chat_id", 0))
        markup = params.get("reply_markup")
        if method.startswith("edit"):
            old = self.messages[chat_id].get(int(params["message_id"]))
            text = old.text if old else ""
            if method == "editMessageText":
                text = params["text"]
            elif method == "editMessageCaption":
                text = params.get("caption", "")
            return self._store(chat_id, int(params["message_id"]), text, markup, params)
        text = params.get("text", params.get("caption", ""))
        return self._store(chat_id, None, text, markup, params)

    def _store(
        self,
        chat_id: int,
        message_id: int | None,
        text: str,
        markup: dict[str, Any] | None,
        params: dict[str, Any],
    ) -> dict[str, Any]:
        message_id = message_id or next(self._message_ids)
        raw: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": BOT_USER,
            "text": text,
        }
        if markup and markup.get("inline_keyboard"):
            raw["reply_markup"] = markup
        file_id = params.get("photo") or params.get("document") or params.get("media")
        if isinstance(file_id, str):  # a file sent again by its id, alone or in an album
            if "photo" in params or params.get("type") == "photo":
                raw["photo"] = [{"file_id": file_id, "file_unique_id": file_id, **_PHOTO_SIZE}]
            else:
                raw["document"] = {"file_id": file_id, "file_unique_id": file_id}
        buttons = markup.get("inline_keyboard", []) if markup else []
        self.messages[chat_id][message_id] = BotMessage(message_id, chat_id, text, buttons, raw)
        return raw


def _album_refusal(media: list[dict[str, Any]]) -> str | None:
    """Why Telegram would refuse these items as one album, or None."""
    if not media:
        return "there are no messages to send"
    if len(media) > 10:
        return "too many messages to send as an album"
    kinds = {item.get("type") for item in media}
    if "document" in kinds and len(kinds) > 1:
        return "document can't be mixed with other media types"
    return None


# The tags Telegram's HTML parse mode knows; anything else is refused.
_TELEGRAM_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "span",
    "blockquote",
    "tg-emoji",
}


class _TelegramHTML(HTMLParser):
    """Checks text the way Telegram's HTML parse mode reads it and collects the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.visible: list[str] = []
        self.open: list[str] = []
        self.problem: str | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in _TELEGRAM_TAGS:
            self.problem = self.problem or f'unsupported start tag "{tag}"'
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problem = self.problem or f'unmatched end tag "{tag}"'
        else:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        self.visible.append(data)


@lru_cache(maxsize=4096)
def _parse_html(text: str) -> tuple[str, str | None]:
    """(visible text, problem) for a text sent with parse_mode HTML (the same text is checked
    once: most steps send texts that other people got before)."""
    if re.search(r"&(?!(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", text):
        return text, "unsupported entity (a bare &)"
    if re.search(r"<(?![a-zA-Z/])", text):
        return text, "a bare < (not a tag)"
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.open and not parser.problem:
        parser.problem = f'unclosed tag "{parser.open[-1]}"'
    return "".join(parser.visible), parser.problem
