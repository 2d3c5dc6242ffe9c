"""Agent accounts: argon2 hashes, lockout after five failures, hashed session tokens.

On SQLite and PostgreSQL, like the ticket store they share a database with.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db import make_engine, upgrade
from bot.db.tables import Agent, AgentSession
from bot.handoff import agents as agents_module
from bot.handoff.agents import (
    LOCKOUT,
    MAX_FAILED_LOGINS,
    SESSION_LIFETIME,
    AgentStore,
    LoginRefused,
)
from bot.settings import PROJECT_ROOT

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
PASSWORD = "correct horse battery"


@pytest.fixture
def agents(database_url: str) -> Iterator[AgentStore]:
    upgrade(database_url)
    engine = make_engine(database_url)
    store = AgentStore(engine)
    store.add("Lea", "Léa Martin", PASSWORD)
    yield store
    engine.dispose()


def test_passwords_are_stored_as_argon2id_hashes(agents: AgentStore) -> None:
    with agents._sessions() as session:
        agent = session.scalars(select(Agent)).one()
    assert agent.username == "lea" and agent.password_hash.startswith("$argon2id$")
    assert PASSWORD not in agent.password_hash


def test_accounts_need_a_unique_name_and_a_long_password(agents: AgentStore) -> None:
    with pytest.raises(ValueError, match="already exists"):
        agents.add("LEA", "Another Léa", PASSWORD)
    with pytest.raises(ValueError, match="at least 12 characters"):
        agents.add("marc", "Marc", "short")


def test_login_with_the_right_password_only(agents: AgentStore) -> None:
    assert agents.authenticate("lea", PASSWORD, NOW).display_name == "Léa Martin"
    with pytest.raises(LoginRefused) as refused:
        agents.authenticate("lea", "wrong password!", NOW)
    assert not refused.value.locked
    with pytest.raises(LoginRefused):
        agents.authenticate("nobody", PASSWORD, NOW)


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(agents: AgentStore) -> None:
    for attempt in range(1, MAX_FAILED_LOGINS + 1):
        with pytest.raises(LoginRefused) as refused:
            agents.authenticate("lea", f"wrong {attempt}", NOW)
    assert refused.value.locked
    with pytest.raises(LoginRefused) as refused:  # even the right password, while locked
        agents.authenticate("lea", PASSWORD, NOW + LOCKOUT - timedelta(seconds=1))
    assert refused.value.locked
    assert agents.authenticate("lea", PASSWORD, NOW + LOCKOUT).username == "lea"


def test_parallel_wrong_guesses_get_five_password_checks_before_the_lock(
        agents: AgentStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """The failure count is taken before the (slow) password check, atomically: twelve
    guesses at once cannot all be checked before the account locks."""
    checked: list[str] = []
    real_verify = agents_module._verify

    def slow_verify(password_hash: str, password: str) -> bool:
        if password_hash != agents_module._DUMMY_HASH:
            checked.append(password)
        time.sleep(0.2)   # argon2 on a busy server: a wide window between check and count
        return real_verify(password_hash, password)
    monkeypatch.setattr(agents_module, "_verify", slow_verify)

    def guess(attempt: int) -> bool:
        try:
            agents.authenticate("lea", f"wrong {attempt}", NOW)
        except LoginRefused as refused:
            return refused.locked
        return False
    with ThreadPoolExecutor(12) as pool:
        list(pool.map(guess, range(12)))
    assert 0 < len(checked) <= MAX_FAILED_LOGINS
    with pytest.raises(LoginRefused) as refused:
        agents.authenticate("lea", PASSWORD, NOW + timedelta(seconds=1))
    assert refused.value.locked


def test_sessions_store_only_a_hash_and_expire(agents: AgentStore) -> None:
    agent = agents.authenticate("lea", PASSWORD, NOW)
    token, csrf = agents.open_session(agent, NOW)
    with agents._sessions() as session:
        [stored] = session.scalars(select(AgentSession)).all()
    assert stored.token_hash != token and token not in stored.token_hash
    found = agents.session(token, NOW + timedelta(hours=1))
    assert found is not None and (found.username, found.csrf_token) == ("lea", csrf)
    assert agents.session(token, NOW + SESSION_LIFETIME) is None
    assert agents.session("forged", NOW) is None and agents.session(None, NOW) is None
    agents.close_session(token)
    assert agents.session(token, NOW) is None


def test_agents_are_created_from_the_command_line(tmp_path: Path) -> None:
    env = dict(os.environ, FAQBOT_DATA_DIR=str(tmp_path),
               FAQBOT_TICKETS_URL=f"sqlite:///{tmp_path / 'service.db'}")
    run = lambda *args, stdin: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "bot", "agents", "add", *args, "--password-stdin"], input=stdin,
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60)
    created = run("lea", "--name", "Léa Martin", stdin=PASSWORD + "\n")
    assert created.returncode == 0 and "agent lea (Léa Martin) created" in created.stdout
    again = run("lea", "--name", "Léa Martin", stdin=PASSWORD + "\n")
    assert again.returncode == 2 and again.stderr == "error: an agent named 'lea' already exists\n"
    short = run("marc", "--name", "Marc", stdin="1234\n")
    assert short.returncode == 2 and "at least 12 characters" in short.stderr
