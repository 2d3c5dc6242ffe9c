"""Rasa processes starting together on a tracker table made without the ``sender_id`` index.

Run in the *rasa* environment (``tests/test_tracker_index.py`` does):
``python -m tests.tracker_index_check URL`` creates the ``events`` table as an older Rasa
did (no index), opens four ``LocalSQLTrackerStore`` at once on ``URL`` (threads: one
connection each, as four processes would have) and prints the table's indexes as JSON.
"""
from __future__ import annotations

import json
import sys
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from rasa.shared.core.domain import Domain

from bot.nlu.tracker_store import LocalSQLTrackerStore

OLD_TABLE = ("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
             "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
             "action_name VARCHAR(255), data TEXT)")


def main(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(OLD_TABLE))
    with ThreadPoolExecutor(max_workers=4) as pool:
        stores = list(pool.map(lambda _: LocalSQLTrackerStore(domain=Domain.empty(), host=url),
                               range(4)))
    for store in stores:
        store.engine.dispose()
    indexes = sa.inspect(engine).get_indexes("events")
    engine.dispose()
    print(json.dumps([{"name": i["name"], "columns": i["column_names"]} for i in indexes]))


if __name__ == "__main__":
    main(sys.argv[1])
