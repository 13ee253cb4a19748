"""A report's photos and documents sent to a chat as albums: photos together, documents together,
at most ten to an album (Telegram's limit; a larger set is split evenly, so no file stands
alone). When Telegram refuses an album (one file id it no longer knows spoils all of it), its
files go one by one, so that only the broken ones are missing; those are returned and logged."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from telegram import Bot, InputMediaDocument, InputMediaPhoto
from telegram.error import BadRequest

from bot.i18n import _

logger = logging.getLogger(__name__)

ALBUM_LIMIT = 10  # files in one album (sendMediaGroup takes 2 to 10)
CAPTION_LIMIT = 1024

Attachment = Mapping[str, Any]  # as a form stores it: type, file_id, name, caption


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


async def send_albums(
    bot: Bot, chat_id: int, attachments: Sequence[Attachment], reference: str
) -> list[Attachment]:
    """Send a report's files to a chat as albums; the files that could not be sent."""
    missing: list[Attachment] = []
    for album in albums(attachments):
        if len(album) > 1:
            try:
                await _send_album(bot, chat_id, album, reference)
                continue
            except (
                BadRequest
            ) as error:  # a file refused (after a timeout it may have arrived: not resent)
                logger.warning(
                    "album of %d files of %s refused in chat %s (%s): sent one by one",
                    len(album),
                    reference,
                    chat_id,
                    error,
                )
        for attachment in album:
            try:
                await _send_one(bot, chat_id, attachment, reference)
            except BadRequest as error:  # this file is gone (other errors go up)
                logger.warning(
                    "%s %s of %s not sent to chat %s: %s",
                    attachment["type"],
                    attachment["file_id"],
                    reference,
                    chat_id,
                    error,
                )
                missing.append(attachment)
    return missing


__all__ = ["ALBUM_LIMIT", "Attachment", "albums", "file_name", "send_albums"]
