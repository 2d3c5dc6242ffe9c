"""Agents' corrections of the bot's answers, and their export for maintainers.

The export is what ``python -m bot corpus merge-review`` reads: one JSON object per line,
``{"text": …, "entry": …}`` (plus who, when and what the bot had answered, for the record).
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import IO

from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker

from bot.clock import Clock
from bot.db.tables import ReviewCorrection


class ReviewLog:
    """Agents' corrections, recorded from the console and exported for maintainers."""

    def __init__(self, engine: Engine, clock: Clock = Clock()) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._clock = clock

    def correct(self, conversation_id: str, text: str, given_entry: str | None,
                right_entry: str, agent: str) -> ReviewCorrection:
        """Record that ``text`` should have been answered by ``right_entry``."""
        if not text.strip() or not right_entry:
            raise ValueError("a correction needs the customer's text and the right entry")
        correction = ReviewCorrection(conversation_id=conversation_id, text=text.strip(),
                                      given_entry=given_entry or None, right_entry=right_entry,
                                      agent=agent, at=self._clock.now())
        with self._sessions() as session, session.begin():
            session.add(correction)
        return correction

    def all(self, since: datetime | None = None) -> list[ReviewCorrection]:
        query = select(ReviewCorrection).order_by(ReviewCorrection.id)
        if since:
            query = query.where(ReviewCorrection.at >= since)
        with self._sessions() as session:
            return list(session.scalars(query))

    def export(self, out: IO[str], since: datetime | None = None) -> int:
        """Write the corrections as JSON lines; return how many."""
        corrections = self.all(since)
        for c in corrections:
            out.write(json.dumps({"text": c.text, "entry": c.right_entry, "given": c.given_entry,
                                  "agent": c.agent, "at": c.at.isoformat()},
                                 ensure_ascii=False) + "\n")
        return len(corrections)
