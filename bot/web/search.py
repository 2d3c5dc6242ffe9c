"""Search past conversations for the console: by day, request reference, e-mail or text.

Conversations live in Rasa's SQL tracker store (table ``events``: one row per event, the
event as JSON in ``data``); references and e-mail addresses lead to conversations through
the tickets filed in them. Read-only.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.engine import Engine

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
    def __init__(self, tracker_db: Path, tickets: TicketStore) -> None:
        self.events: Engine = create_engine(f"sqlite:///file:{tracker_db}?mode=ro&uri=true")
        self.tickets = tickets
        self.available = tracker_db.exists()

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
