"""Pacing sends to Telegram's limits: about 30 messages a second overall, one a second per chat.

The clock and the sleep are handed in, so tests (and the offline shell) run on virtual time.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

# A little under Telegram's 30/s, so timer jitter never makes 31 in one second.
OVERALL_RATE = 29.0
CHAT_INTERVAL = 1.0
TELEGRAM_PER_SECOND = 30
# Room for what happens between this check and Telegram's clock (the request's own way there).
WIRE_MARGIN = 0.02


class Pacer:
    """Hands out send slots: evenly spaced overall, at least chat_interval apart per chat."""

    def __init__(
        self,
        rate: float = OVERALL_RATE,
        chat_interval: float = CHAT_INTERVAL,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = 1.0 / rate
        self.chat_interval = chat_interval
        self.now = now
        self.sleep = sleep
        self._next_slot = 0.0
        self._chat_next: dict[int, float] = {}
        self._paused_until = 0.0
        self._lock = asyncio.Lock()
        self._sent: deque[float] = deque(maxlen=TELEGRAM_PER_SECOND)
        self._chat_sent: dict[int, float] = {}

    async def wait_for(self, chat_id: int) -> None:
        """Wait until a message to chat_id may go out, and book that moment.

        Slots are handed out one at a time on an even grid; a sender that woke up late (the
        event loop was busy) moves the grid instead of catching up, so no burst follows.
        """
        while True:
            now = self.now()
            ready = max(self._chat_next.get(chat_id, 0.0), self._paused_until)
            if ready > now:
                await self.sleep(ready - now)
                continue
            async with self._lock:
                now = self.now()
                slot = max(self._next_slot, now)
                if slot > now:
                    await self.sleep(slot - now)
                actual = self.now()
                if self._paused_until > actual:
                    continue  # a 429 came in meanwhile: wait for it to pass
                behind = actual - slot > self.interval / 2
                self._next_slot = (actual if behind else slot) + self.interval
                self._chat_next[chat_id] = actual + self.chat_interval
                self._forget_old(actual)
                return

    async def clear_to_send(self, chat_id: int) -> None:
        """Right before the request: Telegram's own count (30 in any second, 1 a second per
        chat) by the moments messages really left, whatever delayed them after their slot."""
        while True:
            now = self.now()
            waits = [self._paused_until - now]
            if len(self._sent) == self._sent.maxlen:
                waits.append(self._sent[0] + 1.0 + WIRE_MARGIN - now)
            last = self._chat_sent.get(chat_id)
            if last is not None:
                waits.append(last + self.chat_interval + WIRE_MARGIN - now)
            wait = max(waits)
            if wait <= 0:
                self._sent.append(now)
                self._chat_sent[chat_id] = now
                return
            await self.sleep(wait)

    @property
    def paused_until(self) -> float:
        """The moment (on the pacer's clock) before which nothing goes out: a 429's retry-after."""
        return self._paused_until

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nothing goes out for the given seconds."""
        self._paused_until = max(self._paused_until, self.now() + seconds)

    def _forget_old(self, now: float) -> None:
        # Chats whose slot passed long ago need no entry; keeps the map small on big sends.
        if len(self._chat_next) > 10_000:
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
            self._chat_sent = {c: t for c, t in self._chat_sent.items() if t > now - 2.0}


class VirtualTime:
    """A monotonic clock that only moves when slept on: pacing without waiting."""

    def __init__(self) -> None:
        self.value = 0.0
        self.slept: list[float] = []

    def now(self) -> float:
        return self.value

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.value += max(0.0, seconds)
        await asyncio.sleep(0)


def virtual_pacer() -> tuple[Pacer, VirtualTime]:
    """A pacer on virtual time (tests, the offline shell), with its clock to look at."""
    clock = VirtualTime()
    return Pacer(now=clock.now, sleep=clock.sleep), clock
