"""The clustered configuration end to end: the action server and a Rasa process with the
tracker store on PostgreSQL, the service database on another PostgreSQL database and the
lock store on Redis, chosen by the settings alone (README, "Clustered configuration").

Needs the machine's PostgreSQL (``tests/databases.py``) and Redis (``FAQBOT_TEST_REDIS_URL``,
default ``redis://127.0.0.1:6379/0``): skipped with the reason when one does not answer,
unless ``FAQBOT_REQUIRE_POSTGRES=1`` / ``FAQBOT_REQUIRE_REDIS=1`` (CI).
"""
from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, inspect, text

from bot.db.tables import TicketStatus
from bot.endpoints import app_tracker_url
from bot.facts import TicketKind
from bot.services import free_ports
from bot.settings import Settings
from bot.tickets import open_store
from tests.conftest import Assistant, start_assistant
from tests.databases import postgres_database
from tests.test_intake_conversations import Chat, give_consent_and_contact

pytestmark = pytest.mark.model
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def redis_url() -> str:
    """The test Redis server's URL; skip (or fail, in CI) when it does not answer."""
    url = os.environ.get("FAQBOT_TEST_REDIS_URL", DEFAULT_REDIS)
    client = redis.Redis.from_url(url, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("FAQBOT_REQUIRE_REDIS") == "1":
            raise
        pytest.skip(f"no Redis server answering at {url}: {error}")
    finally:
        client.close()
    return url


@dataclass
class Cluster:
    settings: Settings
    assistant: Assistant


@pytest.fixture(scope="module")
def cluster(test_settings: Settings, trained_model: Path,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    lock_redis = redis_url()
    with postgres_database() as tickets_url, postgres_database() as tracker_url:
        settings = replace(
            test_settings, data_dir=tmp_path_factory.mktemp("clustered"),
            rasa_port=free_ports(), action_port=free_ports(),
            tickets_url=tickets_url, tracker_url=tracker_url, redis_url=lock_redis,
            redis_prefix=f"faqbottest{uuid.uuid4().hex[:8]}")
        services = start_assistant(settings, trained_model, "cluster-token")
        try:
            yield Cluster(settings, Assistant(settings, "cluster-token"))
        finally:
            for service in reversed(services):
                service.stop()


class LockWatcher:
    """Polls Redis for the lock store's keys while a conversation runs (Rasa deletes a
    conversation's lock at the end of each turn)."""

    def __init__(self, url: str, prefix: str) -> None:
        self.client = redis.Redis.from_url(url)
        self.pattern = f"{prefix}:*"
        self.seen: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.seen.update(key.decode() for key in self.client.scan_iter(match=self.pattern))
            self._stop.wait(0.002)

    def __enter__(self) -> LockWatcher:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.client.close()


def test_a_copy_request_is_filed_with_every_store_on_its_server(cluster: Cluster) -> None:
    settings = cluster.settings
    assert settings.redis_url is not None and settings.tracker_url is not None
    chat = Chat(cluster.assistant)
    with LockWatcher(settings.redis_url, settings.redis_prefix) as locks:
        chat("je voudrais une copie de mon contrat")
        chat("n° 4711/2026")
        give_consent_and_contact(chat, company=True)
        reply = chat("Confirmer")

    # the ticket, in the PostgreSQL service database
    store = open_store(settings)
    [ticket] = store.list(conversation_id=chat.sender)
    assert ticket.reference.startswith("COP-") and ticket.reference in reply
    assert (ticket.kind, ticket.contract_number, ticket.company, ticket.status) == (
        TicketKind.CONTRACT_COPY, "4711/2026", "Brasserie Dupont SRL", TicketStatus.RECEIVED)
    service_db = create_engine(settings.tickets_url)
    try:
        with service_db.connect() as connection:
            assert connection.dialect.name == "postgresql"
            assert connection.execute(text("SELECT conversation_id FROM tickets WHERE "
                                           "reference = :r"), {"r": ticket.reference}
                                      ).scalars().all() == [chat.sender]
    finally:
        service_db.dispose()

    # the conversation, in the PostgreSQL tracker store, with its sender_id index
    tracker = create_engine(app_tracker_url(settings.tracker_url))
    try:
        with tracker.connect() as connection:
            texts = connection.execute(text(
                "SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"),
                {"s": chat.sender}).scalars().all()
            indexes = inspect(connection).get_indexes("events")
    finally:
        tracker.dispose()
    assert len(texts) == 8 and "copie de mon contrat" in texts[0]
    assert {"name": "ix_events_sender_id", "column_names": ["sender_id"]}.items() <= \
        next(i for i in indexes if i["name"] == "ix_events_sender_id").items()

    # the turns were locked in Redis, under the configured prefix, and released
    assert locks.seen == {f"{settings.redis_prefix}:lock:{chat.sender}"}
    client = redis.Redis.from_url(settings.redis_url)
    try:
        assert client.keys(f"{settings.redis_prefix}:*") == []
    finally:
        client.close()
