"""When agents are there: Monday to Friday, 08:30-17:00 Brussels time, Belgian holidays off.

The seed page's hours ("du lundi au vendredi entre 08H30 et 17H00"); public holidays come
from the maintained ``holidays`` package. ``FAQBOT_CLOCK`` (ISO date-time) fixes "now" for
tests and demonstrations (see ``bot.clock``).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import holidays

from bot.facts import SERVICE_TIMEZONE as BRUSSELS
from bot.validation import format_date_fr

OPENS, CLOSES = time(8, 30), time(17, 0)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays.Belgium(years=day.year)


def is_open(at: datetime) -> bool:
    """Whether agents are at work at ``at``."""
    local = at.astimezone(BRUSSELS)
    return is_working_day(local.date()) and OPENS <= local.time() < CLOSES


def next_opening(at: datetime) -> datetime:
    """The next time agents start work (Brussels time), after ``at``."""
    local = at.astimezone(BRUSSELS)
    day = local.date()
    if local.time() >= OPENS:
        day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, OPENS, tzinfo=BRUSSELS)


def back_at(at: datetime) -> str:
    """« demain à 8h30 », « lundi 30 novembre à 8h30 »: when agents are back, in French."""
    opening = next_opening(at)
    today = at.astimezone(BRUSSELS).date()
    if opening.date() == today:
        return "aujourd'hui à 8h30"
    if opening.date() == today + timedelta(days=1):
        return "demain à 8h30"
    return (f"{WEEKDAYS[opening.weekday()]} {format_date_fr(opening.date(), with_year=False)}"
            " à 8h30")
