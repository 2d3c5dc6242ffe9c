"""Rasa's SQL tracker store, made cheap per message on SQLite (configured in ``endpoints.yml``).

Profiled under load, reading and writing the conversation was a quarter of Rasa's time per
message: every message reloaded and replayed the whole conversation from the database and
counted its stored events, and SQLAlchemy 1.4 (pinned by Rasa) gives a SQLite file no
connection pool, so each read and write opened the file anew. On SQLite this store:

* keeps its connection (one per thread), with write-ahead logging and
  ``synchronous=NORMAL``: a committed message survives a crash of the process, only an
  operating-system crash may lose the last moments;
* keeps the latest trackers in memory (write-through, bounded): a conversation is read
  from the database once, then only its new events are written. SQLite is the embedded,
  one-Rasa-process-per-conversation set-up, so this process's copy is the database's.

Other databases (PostgreSQL for several Rasa instances) get Rasa's store unchanged.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.pool import SingletonThreadPool

CACHED_CONVERSATIONS = 256


def _write_ahead_log(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class LocalSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore``; on SQLite, one pooled WAL connection and a tracker cache."""

    engine: sa.engine.Engine  # set by SQLTrackerStore.__init__

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # sender id -> the tracker as stored (its events are all in the database)
        self._cache: OrderedDict[str, DialogueStateTracker] = OrderedDict()
        self.caching = self.engine.dialect.name == "sqlite"
        if not self.caching:
            return
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, poolclass=SingletonThreadPool, pool_size=4)
        sa.event.listen(self.engine, "connect", _write_ahead_log)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        cached = self._cache.get(sender_id)
        if cached is not None:
            self._cache.move_to_end(sender_id)
            return cached.copy()
        tracker = await super().retrieve(sender_id)
        if tracker is not None and self.caching:
            self._remember(tracker.copy())
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        if self.caching:
            self._remember(tracker.copy())

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Any:
        """New events only: known without a query when ``tracker`` extends the cached one."""
        cached = self._cache.get(tracker.sender_id)
        stored = len(cached.events) if cached is not None else 0
        if cached is not None and len(tracker.events) >= stored and (
                stored == 0 or tracker.events[stored - 1] is cached.events[-1]):
            return list(tracker.events)[stored:]
        return super()._additional_events(session, tracker)

    def _remember(self, tracker: DialogueStateTracker) -> None:
        # A second session began: the database's view starts there; read it anew.
        if sum(isinstance(e, SessionStarted) for e in tracker.events) > 1:
            self._cache.pop(tracker.sender_id, None)
            return
        self._cache[tracker.sender_id] = tracker
        self._cache.move_to_end(tracker.sender_id)
        while len(self._cache) > CACHED_CONVERSATIONS:
            self._cache.popitem(last=False)
