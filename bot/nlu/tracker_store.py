"""Rasa's SQL tracker store, made cheap per message on SQLite (the endpoints file:
``bot/endpoints.py``).

Profiled under load, reading and writing the conversation was a quarter of Rasa's time per
message: every message reloaded and replayed the whole conversation from the database and
counted its stored events, and SQLAlchemy 1.4 (pinned by Rasa) gives a SQLite file no
connection pool, so each read and write opened the file anew. On SQLite this store:

* keeps its connection (one per thread), with write-ahead logging and
  ``synchronous=NORMAL``: a committed message survives a crash of the process, only an
  operating-system crash may lose the last moments;
* keeps the latest trackers in memory (write-through, bounded): a conversation is read
  from the database once, then only its new events are written.

The Rasa processes of one machine share the SQLite file, and a conversation moves to
another process when its own is down (the gateway's routing), then back. So a cached
tracker is used only while it is still the database's: each entry carries its stamp, the
highest event id of the conversation when it was read or written, and a retrieve first
reads the conversation's current highest id. Another process wrote meanwhile: the
conversation is read again from the database. A save counts the rows added since the
stamp: only its own, the entry is kept with the new stamp; more, it is dropped. Nothing is
lost or applied out of order; a move costs one full read. Measured (``python -m
tests.tracker_store_check --measure``, a 90-event conversation): the check 44 µs (one
query on the ``sender_id`` index, the SQL written out: SQLAlchemy's ORM took 315 µs), a
cached retrieve with its check 114 µs, a full read 6-8 ms; a message takes tens of ms.

Other databases (PostgreSQL for several Rasa instances, ``FAQBOT_TRACKER_URL``) get Rasa's
store unchanged, with one addition on every database: Rasa creates the ``sender_id`` index
only with a new ``events`` table and never migrates an existing one, so this store creates
the index when it is missing (idempotent; on PostgreSQL under an advisory lock, so that
Rasa processes starting together do not race on it).
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.pool import SingletonThreadPool

CACHED_CONVERSATIONS = 256
# The cache's checks (Rasa's ``events`` table, its ``sender_id`` index covers both).
HIGHEST_ID = sa.text("SELECT max(id) FROM events WHERE sender_id = :sender_id")
ROWS_AFTER = sa.text("SELECT count(id), max(id) FROM events "
                     "WHERE sender_id = :sender_id AND id > :stamp")
# The name SQLAlchemy gives the index of ``SQLEvent.sender_id`` (``index=True``): on a table
# Rasa has just created, the index is already there under that name.
SENDER_INDEX = "ix_events_sender_id"
CREATE_SENDER_INDEX = sa.text(f"CREATE INDEX IF NOT EXISTS {SENDER_INDEX} ON events (sender_id)")
# Any fixed number: the key of the PostgreSQL advisory lock taken while creating the index.
INDEX_LOCK_KEY = 0x6661_7162_6F74  # "faqbot"


def ensure_sender_index(engine: sa.engine.Engine) -> None:
    """Create the ``events.sender_id`` index if it is missing; safe to run concurrently."""
    dialect = engine.dialect.name
    with engine.begin() as connection:
        if dialect == "postgresql":
            # Two concurrent CREATE INDEX IF NOT EXISTS can both miss the other's index and
            # one then fails: the lock (released at commit) makes the second see the first's.
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": INDEX_LOCK_KEY})
            connection.execute(CREATE_SENDER_INDEX)
        elif dialect == "sqlite":
            connection.execute(CREATE_SENDER_INDEX)
        elif not any(index["column_names"] == ["sender_id"]
                     for index in sa.inspect(connection).get_indexes("events")):
            sa.Index(SENDER_INDEX, SQLTrackerStore.SQLEvent.__table__.c.sender_id).create(connection)


def _write_ahead_log(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@dataclass
class _Cached:
    """A tracker as stored, and the conversation's highest event id when it was."""

    tracker: DialogueStateTracker
    stamp: int


class LocalSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore``; on SQLite, one pooled WAL connection and a validated tracker cache."""

    engine: sa.engine.Engine  # set by SQLTrackerStore.__init__

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cache: OrderedDict[str, _Cached] = OrderedDict()   # by sender id
        self._written: dict[str, int] = {}    # events written by the save in progress
        self.caching = self.engine.dialect.name == "sqlite"
        ensure_sender_index(self.engine)
        if not self.caching:
            return
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, poolclass=SingletonThreadPool, pool_size=4)
        sa.event.listen(self.engine, "connect", _write_ahead_log)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        if not self.caching:
            return await super().retrieve(sender_id)
        stamp = self._highest_id(sender_id)   # read first: never newer than the tracker
        cached = self._cache.get(sender_id)
        if cached is not None and cached.stamp == stamp:
            self._cache.move_to_end(sender_id)
            return cached.tracker.copy()
        tracker = await super().retrieve(sender_id)   # new, or another process wrote it
        self._cache.pop(sender_id, None)
        if tracker is not None:
            self._remember(tracker.copy(), stamp)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        if not self.caching:
            await super().save(tracker)
            return
        sender_id = tracker.sender_id
        cached = self._cache.get(sender_id)
        before = cached.stamp if cached is not None else 0
        try:
            await super().save(tracker)
        finally:
            written = self._written.pop(sender_id, 0)
            self._cache.pop(sender_id, None)
        added, stamp = self._rows_after(sender_id, before)
        if added == written:  # nobody else wrote this conversation since the stamp
            self._remember(tracker.copy(), stamp)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Any:
        """New events only: known without a query when ``tracker`` extends the cached one."""
        cached = self._cache.get(tracker.sender_id)
        stored = len(cached.tracker.events) if cached is not None else 0
        if cached is not None and len(tracker.events) >= stored and (
                stored == 0 or tracker.events[stored - 1] is cached.tracker.events[-1]):
            new = list(tracker.events)[stored:]
        else:
            new = list(super()._additional_events(session, tracker))
        if self.caching:
            self._written[tracker.sender_id] = len(new)
        return new

    def _highest_id(self, sender_id: str) -> int:
        """The conversation's highest event id (0 for none)."""
        with self.engine.connect() as connection:
            return int(connection.execute(HIGHEST_ID, {"sender_id": sender_id}).scalar() or 0)

    def _rows_after(self, sender_id: str, stamp: int) -> tuple[int, int]:
        """How many events of the conversation have an id above ``stamp``, and the highest
        (``stamp`` when there is none)."""
        with self.engine.connect() as connection:
            added, highest = connection.execute(
                ROWS_AFTER, {"sender_id": sender_id, "stamp": stamp}).one()
        return int(added or 0), int(highest or stamp)

    def _remember(self, tracker: DialogueStateTracker, stamp: int) -> None:
        # A second session began: the database's view starts there; read it anew.
        if sum(isinstance(e, SessionStarted) for e in tracker.events) > 1:
            return
        self._cache[tracker.sender_id] = _Cached(tracker, stamp)
        self._cache.move_to_end(tracker.sender_id)
        while len(self._cache) > CACHED_CONVERSATIONS:
            self._cache.popitem(last=False)
