"""`partnerbot shell`: chat with the real application in the terminal, no Telegram needed."""

from __future__ import annotations

import asyncio
import html
import itertools
import re
import sys
import time
from pathlib import Path
from typing import TextIO

from bot.app import build_application
from bot.config import Settings
from bot.offline import BotMessage, OfflineBotAPI
from bot.simulated_person import SimulatedPerson
from storage import people
from storage.db import Database

_TAGS = re.compile(r"</?(b|strong|i|em|u|code|pre|a)( [^>]*)?>")
_STYLE = {"b": "\033[1m", "strong": "\033[1m", "i": "\033[3m", "em": "\033[3m", "u": "\033[4m"}


def to_terminal(text: str, colour: bool) -> str:
    """Telegram HTML as terminal text (bold and italics where the terminal shows them)."""

    def tag(match: re.Match[str]) -> str:
        if not colour:
            return ""
        closing = match.group(0).startswith("</")
        return "\033[0m" if closing else _STYLE.get(match.group(1), "")

    return html.unescape(_TAGS.sub(tag, text))


def show(message: BotMessage, out: TextIO, colour: bool, own_chat: int, edited: bool) -> list[str]:
    """Print one bot message with its buttons numbered; return the buttons' labels."""
    if message.chat_id != own_chat:
        out.write(f"\n── to chat {message.chat_id} ──\n")
    elif edited:
        out.write("\n── (message updated) ──\n")
    else:
        out.write("\n")
    kind = next((f"[{k}] " for k in ("photo", "document") if k in message.raw), "")
    out.write(kind + to_terminal(message.text, colour) + "\n")
    labels = message.labels if message.chat_id == own_chat else []
    for number, label in enumerate(labels, start=1):
        out.write(f"  [{number}] {label}\n")
    return labels


async def chat(
    settings: Settings,
    *,
    user_id: int,
    name: str,
    language: str,
    inp: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
) -> None:
    """Run the terminal chat until /quit or end of input."""
    colour = out.isatty()
    api = OfflineBotAPI()
    db = Database(settings.database_url)
    db.upgrade()
    app = build_application(settings, request=api, db=db, token="100000:shell")
    # Update ids grow like Telegram's, also across shell sessions on the same database (and
    # when PARTNERBOT_NOW starts every session at the same instant).
    highest = db.call(people.highest_update_id)
    SimulatedPerson.count_updates_from(max(int(time.time() * 1000), highest + 1))
    person = SimulatedPerson(app, api, user_id, first_name=name, language_code=language)
    out.write(
        f"partnerbot shell — you are {name} (id {user_id}), Telegram language {language}.\n"
        "Type messages as in Telegram; press a button by typing its number; /quit ends.\n"
    )
    seen: dict[int, str] = {}
    buttons: list[str] = []
    popups = 0  # answers to button presses shown so far
    calls = 0  # Bot API calls looked at for files so far
    async with app:
        if app.post_init is not None:  # run_polling would call it: command menu, dispatcher
            await app.post_init(app)
        await app.start()
        try:
            await person.send("/start")
            while True:
                popups = _print_popups(api, popups, out)
                calls = _save_files(api, calls, out, user_id)
                buttons = _print_new(api, seen, out, colour, user_id) or buttons
                out.write("\n> ")
                out.flush()
                line = await asyncio.to_thread(inp.readline)
                if not line or line.strip() in ("/quit", "/exit"):
                    break
                line = line.rstrip("\n")
                if line.strip().isdigit() and 1 <= int(line.strip()) <= len(buttons):
                    await person.click(buttons[int(line.strip()) - 1])
                elif line.strip() == "/photo":
                    await person.send_photo()
                elif line.strip() == "/sticker":
                    await person.send_sticker()
                else:
                    await person.send(line)
                await asyncio.sleep(0.05)  # let the outbox dispatcher deliver notices
        finally:
            await app.stop()
    await db.aclose()
    out.write("\nbye\n")


def _print_popups(api: OfflineBotAPI, shown: int, out: TextIO) -> int:
    """Print what Telegram would show over the chat after a press (a note or an alert) that
    was not shown yet; return how many there are now."""
    answers = api.calls_to("answerCallbackQuery")
    for call in answers[shown:]:
        text = call.params.get("text")
        if text:
            out.write(f"\n[{'alert' if call.params.get('show_alert') else 'note'}] {text}\n")
    return len(answers)


def _save_files(api: OfflineBotAPI, looked_at: int, out: TextIO, own_chat: int) -> int:
    """Save the files the bot sent to this chat (a workbook, /mydata's documents, charts) in
    `shell-files/` of the current folder, so they can be opened; return how many calls there are
    now. Telegram would show them in the chat; a terminal can only say where they are."""
    for call in api.calls[looked_at:]:
        if int(call.params.get("chat_id", 0)) != own_chat:
            continue
        for part, (filename, content, _mime) in call.files.items():
            data = content if isinstance(content, bytes) else content.read()
            folder = Path("shell-files")
            folder.mkdir(exist_ok=True)
            name = Path(filename or part)
            target, copies = folder / name.name, itertools.count(2)
            while target.exists():  # an earlier file of the same name stays as it was
                target = folder / f"{name.stem}-{next(copies)}{name.suffix}"
            target.write_bytes(data)
            kind = "photo" if call.method == "sendPhoto" or part.startswith("photo") else "file"
            out.write(f"\n[{kind}] {target.name} ({len(data):,} bytes) saved as {target}\n")
    return len(api.calls)


def _print_new(
    api: OfflineBotAPI, seen: dict[int, str], out: TextIO, colour: bool, own_chat: int
) -> list[str]:
    """Print messages that are new or changed since last time; return the newest buttons."""
    newest: list[str] = []
    for chat_id in list(api.messages):
        for message in api.chat(chat_id):
            if seen.get(message.message_id) == repr((message.text, message.buttons)):
                continue
            edited = message.message_id in seen
            seen[message.message_id] = repr((message.text, message.buttons))
            if edited and not message.buttons and chat_id == own_chat:
                continue  # only its buttons were removed after a press
            labels = show(message, out, colour, own_chat, edited)
            if labels:
                newest = labels
    return newest
