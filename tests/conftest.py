"""Shared fixtures: the corpus, the trained model (once per session) and live servers."""
from __future__ import annotations

import asyncio
import json
import shutil
import urllib.request
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar, cast

import pytest
from rasa_sdk.types import DomainDict

from bot.clock import Clock
from bot.corpus import FaqEntry, load_corpus
from bot.domain import load_domain
from bot.services import Service, free_ports, start_action_server, start_gateway, start_rasa
from bot.settings import PROJECT_ROOT, Settings, load_settings
from bot.training import ensure_model
from tests.databases import postgres_database

T = TypeVar("T")
# The servers' clock in the conversation tests: a Monday morning, agents at work. Tests
# read "today" from it too, never from the machine's calendar.
TEST_CLOCK = Clock.parse("2026-11-30T10:00:00+01:00")
SEED_COPY = PROJECT_ROOT / "bot" / "web" / "seed_faq.txt"
# What actions run by a test get as their domain (they read nothing of it).
NO_DOMAIN = cast(DomainDict, {})


@pytest.fixture(scope="session")
def corpus() -> list[FaqEntry]:
    return load_corpus(PROJECT_ROOT / "faq_corpus")


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """The domain as Rasa gets it (``domain.yml`` and its generated parts), as data."""
    return load_domain(PROJECT_ROOT)


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The seed FAQ page (a verbatim copy of ../shared/seed, kept for clean checkouts)."""
    return SEED_COPY.read_text(encoding="utf-8")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from a test, in a thread of its own.

    Playwright's sync API keeps an event loop running in the main thread once a browser test
    ran, and ``asyncio.run`` refuses to start another one there.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def free_port() -> int:
    return free_ports(1)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty database: a SQLite file, then a PostgreSQL database (tests/databases.py)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'database.db'}"
    else:
        with postgres_database() as url:
            yield url


@pytest.fixture(scope="session")
def test_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Project settings with a private data folder and free ports; models stay cached."""
    data_dir = tmp_path_factory.mktemp("var")
    corpus = data_dir / "faq_corpus"  # a copy the tests may edit while the assistant runs
    shutil.copytree(PROJECT_ROOT / "faq_corpus", corpus)
    return replace(
        load_settings(),
        data_dir=data_dir,
        rasa_port=free_port(),
        rasa_workers=1,  # tests talk to Rasa directly too; the benchmark's smoke run uses two
        action_port=free_port(),
        tickets_url=f"sqlite:///{data_dir / 'tickets.db'}",
        tracker_url=None,   # embedded stores, whatever the shell says (tests/test_clustered.py)
        redis_url=None,
        gateway_port=free_port(),
        corpus_path=corpus,
        clock=TEST_CLOCK,
    )


@pytest.fixture(scope="session")
def trained_model(test_settings: Settings) -> Path:
    """The model for the current inputs: trained at most once, reused while inputs match."""
    return ensure_model(test_settings, quiet=True)


@dataclass
class Assistant:
    """A running Rasa server + action server, talked to through the REST channel."""

    settings: Settings
    token: str

    def send(self, sender: str, text: str) -> list[dict[str, Any]]:
        """Send one customer message; return the bot's replies."""
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.settings.rasa_port}/webhooks/rest/webhook",
            data=body, headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def tracker(self, sender: str) -> dict[str, Any]:
        """The conversation as stored by Rasa (HTTP API, token protected)."""
        url = (f"http://127.0.0.1:{self.settings.rasa_port}/conversations/{sender}/tracker"
               f"?token={self.token}")
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.loads(response.read())


def start_assistant(settings: Settings, model: Path, token: str) -> list[Service]:
    """Start both servers and wait for them; stop what started if one fails."""
    services = [start_action_server(settings)]
    try:
        services[0].wait_ready(timeout=60)
        services.append(start_rasa(settings, model, token))
        services[1].wait_ready(timeout=300)
    except Exception:
        for service in services:
            service.stop()
        raise
    return services


@pytest.fixture(scope="session")
def assistant(test_settings: Settings, trained_model: Path) -> Iterator[Assistant]:
    token = "test-token"
    services = start_assistant(test_settings, trained_model, token)
    yield Assistant(test_settings, token)
    for service in reversed(services):
        service.stop()


@pytest.fixture(scope="session")
def gateway(assistant: Assistant) -> Iterator[Settings]:
    """The public gateway in front of the session's assistant; yields its settings."""
    service = start_gateway(assistant.settings, assistant.token)
    try:
        service.wait_ready(timeout=60)
        yield assistant.settings
    finally:
        service.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Playwright drives Debian's Chromium (installed by `make`); it downloads no browser."""
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium"}
