"""Two Rasa processes' tracker stores on one SQLite file, as a conversation moves between them.

Run in the *rasa* environment (``tests/test_tracker_store.py`` does):
``python -m tests.tracker_store_check`` checks, exit code 1 on a failure;
``--measure`` also prints what the cache's check costs next to a full read (microseconds).
"""
from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu.tracker_store import LocalSQLTrackerStore


class CountingStore(LocalSQLTrackerStore):
    """Counts the conversations read from the database (cache misses)."""

    reads = 0

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Any:
        self.reads += 1
        return await super()._retrieve(sender_id, fetch_events_from_all_sessions)


def store(path: Path) -> CountingStore:
    return CountingStore(domain=Domain.empty(), dialect="sqlite", db=str(path))


async def say(store: LocalSQLTrackerStore, sender: str, text: str) -> None:
    """One turn handled by ``store``'s process: read, the customer's text, the bot's echo, write."""
    tracker = await store.retrieve(sender) or DialogueStateTracker(sender, [])
    tracker.update(UserUttered(text))
    tracker.update(BotUttered(f"re: {text}"))
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)


def user_texts(tracker: DialogueStateTracker | None) -> list[str]:
    assert tracker is not None
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


async def a_conversation_moves_and_comes_back(folder: Path) -> None:
    first, second = store(folder / "db.sqlite"), store(folder / "db.sqlite")
    await say(first, "c", "un")
    await say(first, "c", "deux")
    reads = first.reads
    assert user_texts(await first.retrieve("c")) == ["un", "deux"]
    assert first.reads == reads, "nobody else wrote: the cached tracker serves"
    await say(second, "c", "trois")          # its process was down: the next one answers
    await say(second, "c", "quatre")
    await say(first, "c", "cinq")            # back: its cached tracker is stale
    assert user_texts(await first.retrieve("c")) == ["un", "deux", "trois", "quatre", "cinq"]
    assert user_texts(await second.retrieve("c")) == ["un", "deux", "trois", "quatre", "cinq"]
    everything = await SQLTrackerStore(domain=Domain.empty(), db=str(folder / "db.sqlite")
                                       ).retrieve_full_tracker("c")
    assert user_texts(everything) == ["un", "deux", "trois", "quatre", "cinq"]  # once, in order


async def a_save_racing_another_process_is_not_cached(folder: Path) -> None:
    """Only if two processes handled one conversation at the same moment (the gateway's
    routing and per-conversation turns prevent it): the cache must not hide the other's."""
    first, second = store(folder / "race.sqlite"), store(folder / "race.sqlite")
    await say(first, "c", "un")
    stale = await first.retrieve("c")
    await say(second, "c", "deux")
    assert stale is not None
    stale.update(UserUttered("trois"))
    await first.save(stale)
    assert user_texts(await first.retrieve("c")) == ["un", "deux", "trois"]


async def measure(folder: Path, turns: int = 30, repeat: int = 2000) -> None:
    """The cache's check, a cache hit and a full read of a 30-turn conversation, in µs."""
    one = store(folder / "measure.sqlite")
    for turn in range(turns):
        await say(one, f"other-{turn}", "bonjour")   # other conversations in the table
        await say(one, "c", f"message {turn}")

    async def timed(action: Any) -> float:
        started = time.perf_counter()
        for _ in range(repeat):
            if asyncio.iscoroutinefunction(action):
                await action()
            else:
                action()
        return (time.perf_counter() - started) / repeat * 1e6

    async def hit() -> None:
        await one.retrieve("c")

    async def full_read() -> None:
        await SQLTrackerStore.retrieve(one, "c")

    check = await timed(lambda: one._highest_id("c"))
    tracker = await one.retrieve("c")
    print(f"{len(tracker.events)} events: the check {check:.0f} µs, a cached retrieve with "
          f"its check {await timed(hit):.0f} µs, a full read {await timed(full_read):.0f} µs "
          f"(each the mean of {repeat})")


async def main(arguments: list[str]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        await a_conversation_moves_and_comes_back(Path(scratch))
        await a_save_racing_another_process_is_not_cached(Path(scratch))
        if "--measure" in arguments:
            await measure(Path(scratch))
    print("ok")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
