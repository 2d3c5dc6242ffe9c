"""Engines for the service database: SQLite (embedded default) or PostgreSQL (clustered)."""
from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Engine, create_engine, event


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on and a busy timeout.

    ``hide_parameters``: a database error (logged, raised) never carries the values of its
    statement, which are customers' data (names, e-mail addresses, messages).
    """
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)
    engine = create_engine(url, connect_args={"timeout": 15}, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(connection: sqlite3.Connection, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine
