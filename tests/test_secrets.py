"""Secrets stay out of logs and files stay private: database errors without their
parameters, the Rasa API token file readable by its owner only."""
from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot import services
from bot.db import make_engine
from bot.settings import load_settings
from bot.tickets.store import TicketStore
from bot.web.search import ConversationSearch


def test_a_database_error_does_not_carry_the_values_it_was_given(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'service.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE contacts (email TEXT UNIQUE)"))
        connection.execute(text("INSERT INTO contacts VALUES (:email)"),
                           {"email": "anne.dupont@example.be"})
    with pytest.raises(IntegrityError) as error, engine.begin() as connection:
        connection.execute(text("INSERT INTO contacts VALUES (:email)"),
                           {"email": "anne.dupont@example.be"})
    assert "anne.dupont" not in str(error.value)
    engine.dispose()


def test_every_engine_of_the_app_hides_parameters(tmp_path: Path) -> None:
    engines = [make_engine(f"sqlite:///{tmp_path / 'a.db'}"),
               make_engine("postgresql+psycopg://user@localhost/db")]
    service = engines[0]
    for tracker in (f"sqlite:///{tmp_path / 'rasa.db'}", "postgresql+psycopg://u@localhost/t"):
        engines.append(ConversationSearch(tracker, TicketStore(service)).events)
    assert all(engine.hide_parameters for engine in engines)


def test_the_api_token_file_is_private_from_its_creation(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Created 0600, not made private afterwards (a window where others could read it)."""
    monkeypatch.delenv("FAQBOT_RASA_TOKEN", raising=False)
    modes_before_chmod: list[int] = []
    real_chmod = Path.chmod

    def spying_chmod(self: Path, mode: int, **kwargs: bool) -> None:
        modes_before_chmod.append(stat.S_IMODE(self.stat().st_mode))
        real_chmod(self, mode, **kwargs)
    monkeypatch.setattr(Path, "chmod", spying_chmod)
    settings = replace(load_settings(), data_dir=tmp_path / "data")
    previous = os.umask(0o022)   # a usual umask: new files readable by all
    try:
        token = services.api_token(settings)
    finally:
        os.umask(previous)
    path = settings.data_dir / "rasa-api-token"
    assert len(token) >= 32 and path.read_text().strip() == token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert all(mode == 0o600 for mode in modes_before_chmod), modes_before_chmod
    assert services.api_token(settings) == token
