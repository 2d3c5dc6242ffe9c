"""Status lookup: unit checks, then the flow through the trained assistant and a real store."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import datetime, timezone
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import messages
from actions.status_lookup import ValidateStatusLookupForm
from bot.facts import TicketKind, find_reference
from bot.settings import PROJECT_ROOT, Settings
from bot.tickets import open_store
from bot.tickets.store import NewTicket, TicketStore
from tests.conftest import NO_DOMAIN, Assistant, run_async


@pytest.mark.parametrize("typed, reference", [
    ("DEM-2026-000042", "DEM-2026-000042"),
    ("c'est la res-2026-000007 svp", "RES-2026-000007"),
    ("dem 2026 000042", "DEM-2026-000042"),
    ("DEM-2026-42", None), ("XYZ-2026-000042", None), ("je ne sais plus", None),
])
def test_references_are_found_in_what_customers_type(typed: str, reference: str | None) -> None:
    assert find_reference(typed) == reference


@pytest.mark.parametrize("text, expected", [
    ("Où en est ma demande DEM-2026-000042 ?",
     {"request_reference": "DEM-2026-000042", "requested_slot": "lookup_email"}),
    ("où en est la res 2026 000007 ? mon e-mail : anne@example.be",
     {"request_reference": "RES-2026-000007", "lookup_email": "anne@example.be",
      "requested_slot": None}),
    ("où en est ma demande ?", {"requested_slot": "request_reference"}),
])
def test_what_the_lookup_question_already_says_is_not_asked(text: str,
                                                            expected: dict[str, str]) -> None:
    parse = {"text": text, "intent": {"name": "check_request_status", "confidence": 0.95}}
    events: list[dict[str, Any]] = [{"event": "action", "name": "action_listen"},
                                    {"event": "user", "text": text, "parse_data": parse},
                                    {"event": "action", "name": "status_lookup_form"}]
    tracker = Tracker("c1", {"requested_slot": None}, parse, events, False, None, {},
                      "action_listen")
    dispatcher = CollectingDispatcher()
    slots = run_async(ValidateStatusLookupForm().run(dispatcher, tracker, NO_DOMAIN))
    assert {e["name"]: e["value"] for e in slots} == expected and dispatcher.messages == []


@pytest.fixture(scope="module")
def store(test_settings: Settings) -> TicketStore:
    return open_store(test_settings)


def file_request(store: TicketStore, email: str = "anne.dupont@example.be") -> str:
    return store.file(NewTicket(
        kind=TicketKind.REQUEST, category="Factures et paiements", customer_name="Anne Dupont",
        email=email, consent_at=datetime.now(timezone.utc), conversation_id="earlier",
        idempotency_key=uuid.uuid4().hex, details={"subject": "Facture en double"})).reference


def replies(assistant: Assistant, sender: str, text: str) -> list[str]:
    return [r.get("text", "") for r in assistant.send(sender, text)]


@pytest.mark.model
def test_the_customer_sees_the_status_set_by_an_operator(
    assistant: Assistant, store: TicketStore, test_settings: Settings
) -> None:
    reference = file_request(store)
    sender = f"lookup-{uuid.uuid4().hex[:8]}"
    assert replies(assistant, sender, "où en est ma demande ?") == [messages.ASK_REFERENCE]
    assert replies(assistant, sender, f"c'est la {reference.lower()}") == [messages.ASK_LOOKUP_EMAIL]
    [first] = replies(assistant, sender, "Anne.Dupont@example.be")
    assert first.startswith(f"Votre demande {reference} est reçue")

    env = dict(os.environ, FAQBOT_DATA_DIR=str(test_settings.data_dir),
               FAQBOT_TICKETS_URL=test_settings.tickets_url)
    subprocess.run([sys.executable, "-m", "bot", "tickets", "set-status", reference,
                    "in_progress", "--actor", "agent.lea"], cwd=PROJECT_ROOT, env=env, check=True)
    assistant.send(sender, "/check_request_status")
    assistant.send(sender, reference)
    [second] = replies(assistant, sender, "anne.dupont@example.be")
    assert second.startswith(f"Votre demande {reference} est en cours de traitement")


@pytest.mark.model
def test_a_reference_given_with_the_question_is_not_asked_again(
        assistant: Assistant, store: TicketStore) -> None:
    reference = file_request(store)
    sender = f"lookup-{uuid.uuid4().hex[:8]}"
    assert replies(assistant, sender, f"Où en est ma demande {reference} ?") == [
        messages.ASK_LOOKUP_EMAIL]
    [status] = replies(assistant, sender, "anne.dupont@example.be")
    assert status.startswith(f"Votre demande {reference} est reçue")


@pytest.mark.model
def test_reference_and_email_given_with_the_question_give_the_status_at_once(
        assistant: Assistant, store: TicketStore) -> None:
    reference = file_request(store)
    sender = f"lookup-{uuid.uuid4().hex[:8]}"
    [status] = replies(assistant, sender,
                       f"où en est ma demande {reference}, mon e-mail est anne.dupont@example.be")
    assert status.startswith(f"Votre demande {reference} est reçue")
    assert not (assistant.tracker(sender).get("active_loop") or {}).get("name")


@pytest.mark.model
def test_a_wrong_email_reveals_nothing(assistant: Assistant, store: TicketStore) -> None:
    reference = file_request(store)
    sender = f"lookup-{uuid.uuid4().hex[:8]}"
    assistant.send(sender, "/check_request_status")
    assistant.send(sender, reference)
    assert replies(assistant, sender, "intrus@example.com") == [messages.STATUS_NOT_FOUND]
    assistant.send(sender, "/check_request_status")
    assistant.send(sender, "DEM-2026-999999")
    assert replies(assistant, sender, "anne.dupont@example.be") == [messages.STATUS_NOT_FOUND]


@pytest.mark.model
def test_bad_input_is_explained_and_asked_again(assistant: Assistant) -> None:
    sender = f"lookup-{uuid.uuid4().hex[:8]}"
    assistant.send(sender, "/check_request_status")
    assert replies(assistant, sender, "je ne sais plus trop") == [messages.BAD_REFERENCE, messages.ASK_REFERENCE]
    assistant.send(sender, "DEM-2026-000001")
    assert replies(assistant, sender, "anne.dupont@") == [messages.BAD_EMAIL, messages.ASK_LOOKUP_EMAIL]


@pytest.mark.model
def test_stop_leaves_the_flow_and_an_faq_question_is_answered_mid_flow(
    assistant: Assistant, corpus
) -> None:
    sender = f"lookup-{uuid.uuid4().hex[:8]}"
    assistant.send(sender, "/check_request_status")
    servicepac = next(e for e in corpus if e.id == "activation_servicepac")
    mid_flow = replies(assistant, sender, servicepac.question)
    assert "\n\n".join(mid_flow[:-1]) == servicepac.answer and mid_flow[-1] == messages.ASK_REFERENCE
    cancelled = assistant.send(sender, "annuler")
    assert cancelled[0]["text"].startswith("C'est noté, j'arrête ici")
    assert assistant.tracker(sender)["slots"]["request_reference"] is None
