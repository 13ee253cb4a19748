"""A report's photos and documents sent to a chat as albums: photos together, documents together,
at most ten to an album (Telegram's limit; a larger set is split evenly, so no file stands
alone). When Telegram refuses an album (one file id it no longer knows spoils all of it), its
files go one by one, so that only the broken ones are missing; those are returned and logged.

Each request takes its turn from the bot's pacer, like the outbox's messages. A 429 delivered
nothing: it pauses the pacer (the outbox waits as well) and the same request goes again once
the wait is over, unless Telegram asks for longer than a person waits for a tap's answer; then
what is left is not sent. A timeout may have delivered: those files are not sent again (no
photo twice) but returned as unconfirmed, so the reader can look and open the report again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from telegram import Bot, InputMediaDocument, InputMediaPhoto
from telegram.error import BadRequest, RetryAfter, TimedOut

from bot.i18n import _
from bot.pacing import Pacer

logger = logging.getLogger(__name__)

ALBUM_LIMIT = 10  # files in one album (sendMediaGroup takes 2 to 10)
CAPTION_LIMIT = 1024

Attachment = Mapping[str, Any]  # as a form stores it: type, file_id, name, caption
# A 429 asking for at most this long is waited out (the person's tap waits as long); a longer
# one leaves the rest of the files for the next time the report is opened.
LONGEST_WAIT = 10.0
RETRIES_AFTER_429 = 2


@dataclass
class Sent:
    """The files that did not (surely) arrive: refused by Telegram or left for later, and those
    whose request timed out (they may have arrived, so they are not sent again)."""

    missing: list[Attachment] = field(default_factory=list)
    unconfirmed: list[Attachment] = field(default_factory=list)


def albums(attachments: Sequence[Attachment]) -> list[list[Attachment]]:
    """The files in the order they are sent: the photos' albums, then the documents'."""
    found: list[list[Attachment]] = []
    for kind in ("photo", "document"):
        files = [a for a in attachments if a.get("type") == kind]
        count = -(-len(files) // ALBUM_LIMIT)  # as few albums as the limit allows
        size, larger = divmod(len(files), count) if count else (0, 0)
        start = 0
        for part in range(count):  # of even sizes, in the order the files were sent
            end = start + size + (part < larger)
            found.append(files[start:end])
            start = end
    return found


def _caption(attachment: Attachment, reference: str) -> str:
    return " · ".join(p for p in (reference, attachment.get("caption")) if p)[:CAPTION_LIMIT]


def file_name(attachment: Attachment) -> str:
    """How the reader knows a file: its name, or "photo" / "document" in their language."""
    if attachment.get("name"):
        return str(attachment["name"])
    return _("photo") if attachment.get("type") == "photo" else _("document")


async def _send_one(bot: Bot, chat_id: int, attachment: Attachment, reference: str) -> None:
    caption = _caption(attachment, reference)
    if attachment["type"] == "photo":
        await bot.send_photo(chat_id, attachment["file_id"], caption=caption)
    else:
        await bot.send_document(chat_id, attachment["file_id"], caption=caption)


async def _send_album(bot: Bot, chat_id: int, album: list[Attachment], reference: str) -> None:
    media = [
        InputMediaPhoto(a["file_id"], caption=_caption(a, reference))
        if a["type"] == "photo"
        else InputMediaDocument(a["file_id"], caption=_caption(a, reference))
        for a in album
    ]
    await bot.send_media_group(chat_id, media)


async def _paced(pacer: Pacer, chat_id: int, send: Callable[[], Awaitable[object]]) -> None:
    """One request in the pacer's turn; after a short 429 the same request again (RetryAfter
    goes up when the wait is long or Telegram keeps asking)."""
    for attempt in range(RETRIES_AFTER_429 + 1):
        await pacer.wait_for(chat_id)
        await pacer.clear_to_send(chat_id)
        try:
            await send()
            return
        except RetryAfter as error:
            retry = error.retry_after
            seconds = retry.total_seconds() if isinstance(retry, timedelta) else float(retry)
            pacer.pause(seconds)
            if seconds > LONGEST_WAIT or attempt == RETRIES_AFTER_429:
                raise
            logger.warning(
                "Telegram asks to wait %s s before the files of chat %s", seconds, chat_id
            )


async def _one_by_one(
    bot: Bot, pacer: Pacer, chat_id: int, album: list[Attachment], reference: str, sent: Sent
) -> None:
    for index, attachment in enumerate(album):
        try:
            await _paced(pacer, chat_id, partial(_send_one, bot, chat_id, attachment, reference))
        except BadRequest as error:  # this file is gone (other errors go up)
            logger.warning(
                "%s %s of %s not sent to chat %s: %s",
                attachment["type"],
                attachment["file_id"],
                reference,
                chat_id,
                error,
            )
            sent.missing.append(attachment)
        except TimedOut:  # it may have arrived: not sent again
            logger.warning("%s of %s to chat %s timed out", attachment["type"], reference, chat_id)
            sent.unconfirmed.append(attachment)
        except RetryAfter:
            sent.missing.extend(album[index:])
            raise


async def send_albums(
    bot: Bot, pacer: Pacer, chat_id: int, attachments: Sequence[Attachment], reference: str
) -> Sent:
    """Send a report's files to a chat as albums; what did not (surely) arrive."""
    sent = Sent()
    grouped = albums(attachments)
    for number, album in enumerate(grouped):
        try:
            if len(album) > 1:
                try:
                    await _paced(
                        pacer, chat_id, partial(_send_album, bot, chat_id, album, reference)
                    )
                    continue
                except BadRequest as error:  # a file refused: the others go on their own
                    logger.warning(
                        "album of %d files of %s refused in chat %s (%s): sent one by one",
                        len(album),
                        reference,
                        chat_id,
                        error,
                    )
                except TimedOut:  # it may have arrived: not sent again
                    logger.warning("album of %s to chat %s timed out", reference, chat_id)
                    sent.unconfirmed.extend(album)
                    continue
                except RetryAfter:
                    sent.missing.extend(album)
                    raise
            await _one_by_one(bot, pacer, chat_id, album, reference, sent)
        except RetryAfter as error:
            sent.missing.extend(a for later in grouped[number + 1 :] for a in later)
            logger.warning(
                "Telegram asks chat %s to wait %s: the rest of the files of %s left for later",
                chat_id,
                error.retry_after,
                reference,
            )
            break
    return sent


__all__ = ["ALBUM_LIMIT", "Attachment", "Sent", "albums", "file_name", "send_albums"]
