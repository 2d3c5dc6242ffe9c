"""When agents are there: the Service Clientèle's hours (``bot.facts``), Belgian holidays off.

Public holidays come from the maintained ``holidays`` package. ``FAQBOT_CLOCK`` (ISO
date-time) fixes "now" for tests and demonstrations (see ``bot.clock``).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import holidays

from bot.facts import CLOSES, OPENS, SERVICE_TIMEZONE, WORKING_WEEKDAYS, french_time
from bot.validation import format_date_fr

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def is_working_day(day: date) -> bool:
    return day.weekday() in WORKING_WEEKDAYS and day not in holidays.country_holidays("BE", years=day.year)


def is_open(at: datetime) -> bool:
    """Whether agents are at work at ``at``."""
    local = at.astimezone(SERVICE_TIMEZONE)
    return is_working_day(local.date()) and OPENS <= local.time() < CLOSES


def next_opening(at: datetime) -> datetime:
    """The next time agents start work (Brussels time), after ``at``."""
    local = at.astimezone(SERVICE_TIMEZONE)
    day = local.date()
    if local.time() >= OPENS:
        day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, OPENS, tzinfo=SERVICE_TIMEZONE)


def back_at(at: datetime) -> str:
    """« demain à … », « lundi 30 novembre à … » (the opening time): when agents are back."""
    opening = next_opening(at)
    today = at.astimezone(SERVICE_TIMEZONE).date()
    at_opening = f"à {french_time(OPENS)}"
    if opening.date() == today:
        return f"aujourd'hui {at_opening}"
    if opening.date() == today + timedelta(days=1):
        return f"demain {at_opening}"
    return (f"{WEEKDAYS[opening.weekday()]} {format_date_fr(opening.date(), with_year=False)}"
            f" {at_opening}")
