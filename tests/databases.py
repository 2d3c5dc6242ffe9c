"""Throw-away databases for the store's tests: a SQLite file, or a real PostgreSQL database.

PostgreSQL tests create and drop their own database on the server named by
``FAQBOT_TEST_POSTGRES_URL`` (default: the local trust-auth server). When no server is
reachable they are skipped with the reason, unless ``FAQBOT_REQUIRE_POSTGRES=1`` (CI),
where that is a failure.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def postgres_database() -> Iterator[str]:
    """URL of a new, empty PostgreSQL database, dropped afterwards."""
    admin_url = make_url(os.environ.get("FAQBOT_TEST_POSTGRES_URL", DEFAULT_POSTGRES))
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"faqbot_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        if os.environ.get("FAQBOT_REQUIRE_POSTGRES") == "1":
            raise
        pytest.skip(f"no PostgreSQL server reachable at {admin_url.render_as_string()}: {error.orig}")
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
