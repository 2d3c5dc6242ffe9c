"""Alembic environment of the ticket store (driven by ``bot.tickets.migrate``)."""
from __future__ import annotations

from alembic import context

from bot.handoff import models as _handoff_models  # noqa: F401  (their tables too)
from bot.tickets.models import Base
from bot.tickets.store import make_engine

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
