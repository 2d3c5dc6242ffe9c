"""The fault benchmark's bookkeeping (its run is part of ``make bench``, not of the tests)."""
from __future__ import annotations

from bench.fault import Timeline


def test_turns_are_counted_in_the_phase_they_were_sent_in() -> None:
    timeline = Timeline()
    timeline.events = {"start": 0.0, "killed": 10.0, "back": 30.0}
    for sent, outcome in [(1.0, "answered"), (9.9, "error: unavailable"), (10.0, "answered"),
                          (29.0, "apology"), (30.0, "answered")]:
        timeline.turn(sent, outcome)
    assert timeline.phases([("before", "start", "killed"), ("down", "killed", "back")]) == {
        "before": {"seconds": 10.0, "answered": 1, "error: unavailable": 1, "answered/s": 0.1},
        "down": {"seconds": 20.0, "answered": 1, "apology": 1, "answered/s": 0.1},
    }
