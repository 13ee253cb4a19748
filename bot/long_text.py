"""Long texts over several messages: split between items, or inside a long answer at line
boundaries (a line longer than a message at spaces), never inside HTML.

Each item is a short HTML head (a bold label) and a plain body that is escaped here piece by
piece, so a cut never falls inside a tag or an entity. Lengths are counted as Telegram counts
them (UTF-16 code units), on the HTML itself, which is never shorter than what Telegram shows."""

from __future__ import annotations

import html
from collections.abc import Iterable

from bot.messaging import MAX_MESSAGE


def units(text: str) -> int:
    """The length as Telegram counts it (UTF-16 code units: an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


def _cut(line: str, room: int) -> tuple[str, str]:
    """The longest start of a plain line that fits `room` once escaped (at a space if there is
    one), and the rest."""
    low, high = 1, len(line)
    while low < high:  # the longest prefix whose escaped form fits
        middle = (low + high + 1) // 2
        if units(html.escape(line[:middle])) <= room:
            low = middle
        else:
            high = middle - 1
    space = line.rfind(" ", 0, low)
    end = space + 1 if space > low // 2 else low
    return line[:end], line[end:]


def _pieces(line: str, first_room: int, room: int) -> list[str]:
    """A plain line as escaped pieces: the first fits `first_room`, the others `room`."""
    pieces, rest, fits = [], line, first_room
    while units(html.escape(rest)) > fits:
        start, rest = _cut(rest, fits)
        pieces.append(html.escape(start))
        fits = room
    pieces.append(html.escape(rest))
    return pieces


def split(
    items: Iterable[tuple[str, str]], header: str = "", limit: int = MAX_MESSAGE
) -> list[str]:
    """The messages that carry the header (short HTML) and every (head HTML, plain body) item,
    one item per line, each message at most `limit` long (the header starts the first)."""
    lines = [header] if header else []
    for head, body in items:
        first, *others = body.split("\n")
        pieces = _pieces(first, limit - units(head), limit)
        lines.append(head + pieces[0])
        lines.extend(pieces[1:])
        for other in others:
            lines.extend(_pieces(other, limit, limit))
    messages: list[str] = []
    current: str | None = None
    for line in lines:
        joined = line if current is None else f"{current}\n{line}"
        if current is not None and units(joined) > limit:
            messages.append(current)
            joined = line
        current = joined
    if current is not None:
        messages.append(current)
    return messages
