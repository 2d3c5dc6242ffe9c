"""The declarative base and the column types every table of the service database shares."""
from __future__ import annotations

import enum
from datetime import datetime, timezone
from typing import Any, TypeVar

from sqlalchemy import DateTime, Enum
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

E = TypeVar("E", bound=enum.Enum)


class Base(DeclarativeBase):
    """Declarative base of the service database (tickets, handoffs, agents, reviews)."""


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend (SQLite drops zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware datetime (UTC)")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def enum_column(enum_type: type[E], name: str, native: bool = True) -> Enum:
    """A column type storing a Python enum by its values (not its member names).

    ``native=False``: a plain ``VARCHAR(40)`` (values checked in Python only), for enums that
    grow without a migration.
    """
    plain: dict[str, Any] = {} if native else {"native_enum": False, "length": 40}
    return Enum(enum_type, name=name, values_callable=lambda members: [m.value for m in members],
                validate_strings=True, **plain)
