"""Agents' opening hours with an injected clock (weekends, holidays, the minutes around 17:00)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from bot.clock import Clock
from bot.facts import SERVICE_TIMEZONE
from bot.handoff.hours import back_at, is_open, next_opening
from bot.settings import load_settings


def brussels(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SERVICE_TIMEZONE)


@pytest.mark.parametrize("moment, open_", [
    ("2026-11-30 08:29", False), ("2026-11-30 08:30", True),   # a Monday
    ("2026-11-30 16:59", True), ("2026-11-30 17:00", False), ("2026-11-30 17:01", False),
    ("2026-11-28 10:00", False), ("2026-11-29 10:00", False),  # Saturday, Sunday
    ("2026-11-11 10:00", False),                                # Armistice (a Wednesday)
    ("2026-12-25 10:00", False), ("2026-07-21 10:00", False),  # Christmas, National Day
    ("2026-04-06 10:00", False),                                # Easter Monday
])
def test_opening_hours(moment: str, open_: bool) -> None:
    assert is_open(brussels(moment)) is open_


def test_hours_are_brussels_time_summer_and_winter() -> None:
    assert is_open(datetime.fromisoformat("2026-07-01T06:45:00+00:00"))       # 08:45 CEST
    assert not is_open(datetime.fromisoformat("2026-07-01T06:15:00+00:00"))   # 08:15 CEST
    assert is_open(datetime.fromisoformat("2026-12-01T07:45:00+00:00"))       # 08:45 CET
    assert not is_open(datetime.fromisoformat("2026-12-01T16:01:00+00:00"))   # 17:01 CET


@pytest.mark.parametrize("moment, opening, said", [
    ("2026-11-27 17:01", "2026-11-30 08:30", "lundi 30 novembre à 8h30"),  # Friday evening
    ("2026-11-28 11:00", "2026-11-30 08:30", "lundi 30 novembre à 8h30"),  # Saturday
    ("2026-11-30 07:00", "2026-11-30 08:30", "aujourd'hui à 8h30"),        # Monday early
    ("2026-11-30 17:01", "2026-12-01 08:30", "demain à 8h30"),             # Monday evening
    ("2026-11-10 18:00", "2026-11-12 08:30", "jeudi 12 novembre à 8h30"),  # eve of Armistice
    ("2026-12-24 17:30", "2026-12-28 08:30", "lundi 28 décembre à 8h30"),  # Christmas
])
def test_when_agents_are_back(moment: str, opening: str, said: str) -> None:
    assert next_opening(brussels(moment)) == brussels(opening)
    assert back_at(brussels(moment)) == said


def test_the_clock_can_be_set_for_tests_and_then_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAQBOT_CLOCK", "2026-12-25T10:00:00+01:00")
    clock = load_settings().clock
    first = clock.now()
    assert timedelta(0) <= first - brussels("2026-12-25 10:00") < timedelta(hours=1)
    assert not is_open(first) and clock.today() == date(2026, 12, 25)
    assert clock.now() >= first and Clock.parse(clock.setting) == clock


def test_the_system_clock_is_aware_utc() -> None:
    now = Clock.parse("").now()
    assert now.utcoffset() == timedelta(0)
    assert abs(now - datetime.now(timezone.utc)) < timedelta(seconds=5)
