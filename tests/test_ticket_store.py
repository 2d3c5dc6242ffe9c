"""The ticket store on SQLite and on a real PostgreSQL server."""
from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, select
from sqlalchemy.exc import IntegrityError

from bot.db import make_engine
from bot.db.base import Base
from bot.db.migrate import alembic_config, downgrade, upgrade
from bot.db.tables import Ticket, TicketEvent, TicketStatus
from bot.facts import TicketKind
from bot.settings import PROJECT_ROOT
from bot.tickets.store import NewTicket, TicketNotFound, TicketStore

NOW = datetime(2026, 11, 29, 10, 30, tzinfo=timezone.utc)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine: Engine) -> TicketStore:
    return TicketStore(engine)


def new_ticket(**changes) -> NewTicket:
    fields: dict[str, Any] = {
        "kind": TicketKind.MAINTENANCE_CANCELLATION, "category": "Contrats",
        "customer_name": "Anne Dupont", "email": "Anne.Dupont@example.be", "consent_at": NOW,
        "conversation_id": "conv-1", "idempotency_key": "k1",
        "details": {"contract_number": "CT-123456", "requested_end_date": date(2026, 12, 31),
                    "signature_name": "Anne Dupont", "signed_at": NOW, "phone": "+3223392345"}}
    fields.update(changes)
    return NewTicket(**fields)


def test_migrations_upgrade_an_empty_database_and_downgrade_cleanly(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(database_url)
    assert {"tickets", "ticket_events", "alembic_version"} <= set(inspect(engine).get_table_names())
    downgrade(database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(database_url)
    assert "tickets" in inspect(engine).get_table_names()
    engine.dispose()


def test_the_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_filing_gives_a_readable_reference_and_a_first_history_entry(store: TicketStore) -> None:
    ticket = store.file(new_ticket())
    assert ticket.reference == f"RES-{ticket.created_at.year}-{ticket.id:06d}"
    assert ticket.status is TicketStatus.RECEIVED
    assert [(e.status, e.actor) for e in ticket.history] == [(TicketStatus.RECEIVED, "assistant")]
    request = store.file(new_ticket(kind=TicketKind.REQUEST, idempotency_key="k2"))
    assert request.reference.startswith("DEM-") and request.reference != ticket.reference
    stored = store.get(ticket.reference.lower())
    assert (stored.email, stored.requested_end_date, stored.consent_at) == (
        "Anne.Dupont@example.be", date(2026, 12, 31), NOW)


def test_a_retried_submission_never_creates_a_duplicate(store: TicketStore) -> None:
    first = store.file(new_ticket())
    again = store.file(new_ticket())
    assert again.reference == first.reference
    assert len(store.list()) == 1


def test_lookup_needs_both_reference_and_email(store: TicketStore) -> None:
    reference = store.file(new_ticket()).reference
    assert store.lookup(reference, " anne.dupont@EXAMPLE.be ").reference == reference
    assert store.lookup(reference, "someone.else@example.be") is None
    assert store.lookup("RES-2026-999999", "anne.dupont@example.be") is None


def test_status_changes_are_audited(store: TicketStore) -> None:
    reference = store.file(new_ticket()).reference
    ticket = store.set_status(reference, TicketStatus.IN_PROGRESS, "agent.marc", "Pris en charge")
    assert ticket.status is TicketStatus.IN_PROGRESS
    assert [(e.status, e.actor, e.note) for e in ticket.history][1:] == [
        (TicketStatus.IN_PROGRESS, "agent.marc", "Pris en charge")]
    with pytest.raises(TicketNotFound):
        store.set_status("DEM-2026-000000", TicketStatus.RESOLVED, "agent.marc")
    with pytest.raises(ValueError):
        store.set_status(reference, TicketStatus.RESOLVED, "  ")


def test_list_filters_by_status_kind_and_category(store: TicketStore) -> None:
    store.file(new_ticket())
    second = store.file(new_ticket(kind=TicketKind.REQUEST, category="Factures et paiements",
                                   idempotency_key="k2"))
    store.set_status(second.reference, TicketStatus.RESOLVED, "agent.marc")
    assert [t.reference for t in store.list(status=TicketStatus.RESOLVED)] == [second.reference]
    assert len(store.list(kind=TicketKind.MAINTENANCE_CANCELLATION)) == 1
    assert len(store.list(category="Factures et paiements")) == 1
    assert [t.id for t in store.list()] == sorted((t.id for t in store.list()), reverse=True)


def test_the_console_shows_the_labelled_columns_that_are_set() -> None:
    licence = Ticket(**new_ticket().details, customer_name="Anne Dupont",
                     email="anne@example.be", consent_at=NOW, subject="",
                     destruction_confirmed=True)
    assert licence.labelled() == [
        ("Numéro de contrat", "CT-123456"), ("Date de fin demandée", date(2026, 12, 31)),
        ("Client", "Anne Dupont"), ("E-mail", "anne@example.be"), ("Téléphone", "+3223392345"),
        ("Accord protection des données", NOW), ("Signature", "Anne Dupont"),
        ("Destruction des copies confirmée", True)]
    assert ("Destruction des copies confirmée", False) not in Ticket(
        destruction_confirmed=False).labelled()


def test_a_failed_filing_leaves_no_partial_record(store: TicketStore, engine: Engine) -> None:
    with pytest.raises(IntegrityError):
        store.file(new_ticket(customer_name=None))
    with engine.connect() as connection:
        assert connection.execute(select(Ticket.id)).all() == []
        assert connection.execute(select(TicketEvent.id)).all() == []


def test_a_confirmation_that_loses_the_race_returns_the_winners_ticket(
        store: TicketStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two identical confirmations: the second checked before the first committed, so its
    insert breaks the unique submission key; it returns the first one's ticket."""
    winner = store.file(new_ticket())
    checks = iter([None])  # the loser's early check saw nothing yet; its later one sees it
    real_find = store._find_submission
    monkeypatch.setattr(store, "_find_submission",
                        lambda *key: next(checks, None) or real_find(*key))
    assert store.file(new_ticket()).reference == winner.reference
    assert len(store.list()) == 1 and len(store.get(winner.reference).history) == 1


def test_identical_confirmations_racing_in_threads_file_one_ticket(store: TicketStore) -> None:
    barrier = threading.Barrier(6)

    def confirm(_: int) -> str:
        barrier.wait()
        return store.file(new_ticket()).reference

    with ThreadPoolExecutor(6) as pool:
        references = set(pool.map(confirm, range(6)))
    assert len(references) == 1 and len(store.list()) == 1


def test_processes_starting_together_on_an_empty_database_migrate_it_once(
        database_url: str) -> None:
    """Gateway, action server and CLI may all start on a new database at once."""
    script = "import sys; from bot.db.migrate import upgrade; upgrade(sys.argv[1])"
    starts = [subprocess.Popen([sys.executable, "-c", script, database_url],
                               cwd=PROJECT_ROOT, stderr=subprocess.PIPE, text=True)
              for _ in range(3)]
    failures = [p.stderr.read()[-2000:] for p in starts if p.wait(timeout=120) != 0 and p.stderr]
    assert failures == []
    engine = make_engine(database_url)
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == \
            ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    engine.dispose()
