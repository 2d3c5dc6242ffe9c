"""Alembic environment of the service database (driven by ``bot.db.migrate``).

On PostgreSQL the migration runs under an advisory lock: several processes starting on an
empty database (two gateways, an action server) would otherwise all try to create
``alembic_version`` and the tables, and all but one fail. Alembic has no lock of its own.
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from bot.db import tables  # noqa: F401  (registers every table on the metadata)
from bot.db.base import Base
from bot.db.engine import make_engine

MIGRATION_LOCK = 7_140_011_212  # any constant shared by every process of the service

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            connection.commit()
        try:
            _run(connection)
        finally:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                                   {"key": MIGRATION_LOCK})
                connection.commit()
    engine.dispose()


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
