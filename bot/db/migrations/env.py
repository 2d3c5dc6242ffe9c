"""Alembic environment of the service database (driven by ``bot.db.migrate``).

Migrations run under a lock that every process of the service shares: several processes
starting on an empty database at once (the gateway, the action server, a CLI; two gateways
in a cluster) would otherwise all try to create ``alembic_version`` and the tables, and all
but one fail. Alembic has no lock of its own: PostgreSQL's advisory lock, and on SQLite an
exclusive lock on a file beside the database.
"""
from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager

from alembic import context
from sqlalchemy import Connection, text

from bot.db import tables  # noqa: F401  (registers every table on the metadata)
from bot.db.base import Base
from bot.db.engine import make_engine

MIGRATION_LOCK = 7_140_011_212  # PostgreSQL advisory lock key, the same in every process

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection, migration_lock(connection):
        _run(connection)
    engine.dispose()


@contextmanager
def migration_lock(connection: Connection) -> Iterator[None]:
    """Hold the service-wide migration lock (waiting for another process's migration)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
            connection.commit()
    elif connection.dialect.name == "sqlite" and connection.engine.url.database not in (
            None, "", ":memory:"):
        with open(f"{connection.engine.url.database}.migration-lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
            yield
    else:
        yield


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
