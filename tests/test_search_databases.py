"""The console's search reads the configured tracker database, SQLite or PostgreSQL, and
never writes to it."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from bot.endpoints import app_tracker_url
from bot.settings import load_settings
from bot.tickets import open_store
from bot.web.search import ConversationSearch

EVENTS = ("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
          "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
          "action_name VARCHAR(255), data TEXT)")


def test_search_reads_the_tracker_database_read_only(database_url: str, tmp_path: Path) -> None:
    tracker_url = database_url   # a throw-away database stands for Rasa's tracker store
    tickets = open_store(load_settings({"FAQBOT_DATA_DIR": str(tmp_path)}))
    search = ConversationSearch(tracker_url, tickets)
    assert search.search("facture") == []    # Rasa has stored nothing yet
    writer = create_engine(app_tracker_url(tracker_url))
    with writer.begin() as connection:
        connection.execute(text(EVENTS))
        for i, (sender, words) in enumerate([("a", "Ma facture est fausse"), ("b", "Bonjour")]):
            connection.execute(text("INSERT INTO events VALUES (:i, :s, 'user', :t, NULL, NULL, :d)"),
                               {"i": i + 1, "s": sender, "t": time.time(),
                                "d": json.dumps({"event": "user", "text": words})})
    writer.dispose()
    [found] = search.search("facture")
    assert (found.conversation_id, found.messages) == ("a", 1)
    with pytest.raises(DBAPIError), search.events.begin() as connection:
        connection.execute(text("DELETE FROM events"))
    assert len(search.search("")) == 2
    search.events.dispose()
