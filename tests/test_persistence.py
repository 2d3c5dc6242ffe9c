"""Conversations survive a restart of the Rasa server (SQLite tracker store)."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.settings import Settings
from tests.conftest import Assistant, free_port, start_assistant

pytestmark = pytest.mark.model


def test_a_conversation_survives_a_restart(test_settings: Settings, trained_model: Path,
                                           tmp_path: Path) -> None:
    settings = replace(test_settings, data_dir=tmp_path, rasa_port=free_port(),
                       action_port=free_port())
    question = "Comment activer un contrat ServicePac ?"
    for restart in range(2):
        services = start_assistant(settings, trained_model, "restart-token")
        try:
            assistant = Assistant(settings, "restart-token")
            if restart == 0:
                assistant.send("fidele", question)
            else:
                events = assistant.tracker("fidele")["events"]
                assert [e["text"] for e in events if e["event"] == "user"] == [question]
        finally:
            for service in reversed(services):
                service.stop()
    assert settings.tracker_db.exists()
