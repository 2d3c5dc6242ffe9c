"""Search past conversations for the console: by day, request reference, e-mail or text.

Conversations live in Rasa's SQL tracker store (table ``events``: one row per event, the
event as JSON in ``data``); references and e-mail addresses lead to conversations through
the tickets filed in them. Read-only: a SQLite file is opened read-only, a PostgreSQL
database in read-only transactions. Errors never carry a statement's parameters (what was
searched: a reference, an e-mail address).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url

from bot.endpoints import app_tracker_url
from bot.facts import SERVICE_TIMEZONE, find_reference
from bot.tickets.store import TicketStore

LIMIT = 50


@dataclass(frozen=True)
class Found:
    conversation_id: str
    first: datetime
    last: datetime
    messages: int


class ConversationSearch:
    def __init__(self, tracker_url: str, tickets: TicketStore) -> None:
        """``tracker_url``: the SQLAlchemy URL of Rasa's tracker store (``Settings.
        tracker_database_url``)."""
        url = make_url(app_tracker_url(tracker_url))
        self.tickets = tickets
        self._file: Path | None = None
        if url.get_backend_name() == "sqlite":
            self._file = Path(url.database or "")
            self.events: Engine = create_engine(f"sqlite:///file:{self._file}?mode=ro&uri=true",
                                                hide_parameters=True)
        elif url.get_backend_name() == "postgresql":
            self.events = create_engine(
                url, connect_args={"options": "-c default_transaction_read_only=on"},
                hide_parameters=True)
        else:
            self.events = create_engine(url, hide_parameters=True)

    @property
    def available(self) -> bool:
        """Whether Rasa has stored any conversation yet (its table exists)."""
        if self._file is not None:
            return self._file.exists()
        with self.events.connect() as connection:
            return inspect(connection).has_table("events")

    def search(self, query: str = "", day: date | None = None) -> list[Found]:
        """Conversations matching everything given, most recent first."""
        if not self.available:
            return []
        query = query.strip()
        senders: set[str] | None = None
        reference = find_reference(query)
        if reference == query.upper() or "@" in query:
            senders = (self.tickets.conversations_of(reference=reference) if reference
                       else self.tickets.conversations_of(email=query))
            if not senders:
                return []
            query = ""
        conditions: list[str] = ["type_name IN ('user', 'bot')"]
        params: dict[str, Any] = {}
        if senders is not None:
            conditions.append("sender_id IN :senders")
            params["senders"] = sorted(senders)
        if query:
            # Rasa stores events with json.dumps: "é" is "\u00e9" in the data column.
            conditions.append("(lower(data) LIKE :text ESCAPE '\\' OR lower(data) LIKE :json "
                              "ESCAPE '\\')")
            params["text"] = f"%{_like(query.lower())}%"
            params["json"] = f"%{_like(json.dumps(query.lower())[1:-1])}%"
        if day:
            start = datetime.combine(day, time(), tzinfo=SERVICE_TIMEZONE).timestamp()
            conditions.append("timestamp >= :start AND timestamp < :end")
            params.update(start=start, end=start + timedelta(days=1).total_seconds())
        sql = (f"SELECT sender_id, min(timestamp), max(timestamp), count(*) FROM events "
               f"WHERE {' AND '.join(conditions)} GROUP BY sender_id "
               f"ORDER BY max(timestamp) DESC LIMIT {LIMIT}")
        statement = text(sql)
        if senders is not None:
            statement = statement.bindparams(bindparam("senders", expanding=True))
        with self.events.connect() as connection:
            rows = connection.execute(statement, params).all()
        return [Found(sender, _at(first), _at(last), count) for sender, first, last, count in rows]


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _at(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc)
