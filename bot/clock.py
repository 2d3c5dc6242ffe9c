"""The service's one clock: every "now" and "today" of the assistant reads it.

``FAQBOT_CLOCK`` (ISO date-time) sets the time at which the process started, for tests
and demonstrations ("a Monday morning"); from there it runs as real time does, so that
consecutive events keep their order. Unset, it is the system's time.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from bot.facts import SERVICE_TIMEZONE

_PROCESS_START = time.monotonic()


@dataclass(frozen=True)
class Clock:
    """System time, or time that started at ``start`` when this process did."""

    start: datetime | None = None

    @classmethod
    def parse(cls, setting: str) -> Clock:
        """``""`` -> system time; ``"2026-11-30T10:00:00+01:00"`` -> that moment at start
        (UTC when no zone is given). ValueError for anything else."""
        if not setting.strip():
            return cls()
        start = datetime.fromisoformat(setting.strip())
        return cls(start if start.tzinfo else start.replace(tzinfo=timezone.utc))

    @property
    def setting(self) -> str:
        """The ``FAQBOT_CLOCK`` value that gives this clock to a child process."""
        return self.start.isoformat() if self.start else ""

    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        if self.start is None:
            return datetime.now(timezone.utc)
        elapsed = timedelta(seconds=time.monotonic() - _PROCESS_START)
        return (self.start + elapsed).astimezone(timezone.utc)

    def today(self) -> date:
        """Today in the service's calendar (Brussels)."""
        return self.now().astimezone(SERVICE_TIMEZONE).date()
