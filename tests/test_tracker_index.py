"""Rasa's tracker table made without the ``sender_id`` index gets it, once, on SQLite and
on PostgreSQL, when several Rasa processes start together (``tests/tracker_index_check.py``)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from bot.endpoints import rasa_tracker_url
from bot.settings import PROJECT_ROOT, load_settings
from bot.training import rasa_environment
from tests.databases import postgres_database


def indexes_after_start(url: str) -> list[dict[str, object]]:
    settings = load_settings()
    result = subprocess.run(
        [str(settings.rasa_python), "-W", "ignore", "-m", "tests.tracker_index_check", url],
        cwd=PROJECT_ROOT, env=rasa_environment(settings), capture_output=True, text=True,
        timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_index_is_created_on_sqlite(tmp_path: Path) -> None:
    assert indexes_after_start(f"sqlite:///{tmp_path / 'conversations.db'}") == [
        {"name": "ix_events_sender_id", "columns": ["sender_id"]}]


def test_the_index_is_created_on_postgresql() -> None:
    with postgres_database() as url:
        assert indexes_after_start(rasa_tracker_url(url)) == [
            {"name": "ix_events_sender_id", "columns": ["sender_id"]}]
