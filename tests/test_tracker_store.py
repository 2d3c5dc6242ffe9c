"""The tracker cache stays true when a conversation moves between Rasa processes.

The checks run in the *rasa* environment (``tests/tracker_store_check.py``): two tracker
stores on one SQLite file, as two Rasa processes of one machine.
"""
from __future__ import annotations

import subprocess

from bot.settings import PROJECT_ROOT, load_settings
from bot.training import rasa_environment


def test_a_conversation_moving_between_processes_is_never_read_from_a_stale_cache() -> None:
    settings = load_settings()
    result = subprocess.run(
        [str(settings.rasa_python), "-W", "ignore", "-m", "tests.tracker_store_check"],
        cwd=PROJECT_ROOT, env=rasa_environment(settings), capture_output=True, text=True,
        timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-3000:]
