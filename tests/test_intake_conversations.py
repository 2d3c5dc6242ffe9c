"""Each intake flow end to end: trained model, REST channel, action server, real ticket store.

Every test asserts the exact rows in the database afterwards, or their absence.
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, text

from actions import fields as f
from actions import messages
from actions.flows import FLOWS
from bot.db import open_database
from bot.db.tables import Ticket, TicketStatus
from bot.facts import TicketKind
from bot.settings import Settings
from bot.tickets import open_store
from bot.tickets.store import TicketStore
from bot.validation import earliest_licence_end, format_date_fr
from tests.conftest import TEST_CLOCK, Assistant

today = TEST_CLOCK.today  # the servers' calendar, not the machine's


def next_day_of_year(month: int, day: int) -> date:
    """The date a customer means by "le 3 mars": the next one, from the bot's today on."""
    this_year = date(today().year, month, day)
    return this_year if this_year >= today() else date(today().year + 1, month, day)

pytestmark = pytest.mark.model
REFERENCE = re.compile(r"\b(?:DEM|RES|LIC|COP)-\d{4}-\d{6}\b")


@pytest.fixture(scope="module")
def store(test_settings: Settings) -> TicketStore:
    return open_store(test_settings)


class Chat:
    """One customer's conversation: send a message, read the replies and their buttons."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.sender = f"intake-{uuid.uuid4().hex[:10]}"
        self.buttons: list[str] = []

    def __call__(self, message: str) -> str:
        replies = self.assistant.send(self.sender, message)
        self.buttons = [b["title"] for r in replies for b in r.get("buttons", [])]
        return "\n\n".join(r.get("text", "") for r in replies)

    def tickets(self, store: TicketStore) -> list[Ticket]:
        return store.list(conversation_id=self.sender)


def give_consent_and_contact(chat: Chat, company: bool) -> str:
    """Consent, name, (company), e-mail, phone; returns the summary."""
    reply = chat("J'accepte")
    assert f.CUSTOMER_NAME.question(today()) in reply or \
        f.CONTACT_NAME.question(today()) in reply
    reply = chat("Anne Dupont")
    if company:
        assert f.COMPANY.question(today()) in reply
        reply = chat("Brasserie Dupont SRL")
    assert f.EMAIL.question(today()) in reply
    assert f.PHONE.question(today()) in chat("anne.dupont@example.be")
    return chat("0475 12 34 56")


def test_a_structured_request_with_a_digression_and_a_correction(
        assistant: Assistant, store: TicketStore) -> None:
    chat = Chat(assistant)
    assert f.REQUEST_CATEGORY.question(today()) in chat("je voudrais soumettre une demande")
    assert "Factures et paiements" in chat.buttons
    assert f.SUBJECT.question(today()) in chat("Factures et paiements")
    assert f.DESCRIPTION.question(today()) in chat("Facture en double")
    assert f.CONSENT_FIELD.question(today()) in chat(
        "La facture 2026-118 de novembre m'a été envoyée deux fois. <b>Merci</b> de l'annuler.")
    # An FAQ question mid-flow is answered, then the flow asks its question again.
    reply = chat("au fait, quelles sont les heures d'ouverture du service clientèle ?")
    assert "8h30" in reply and f.CONSENT_FIELD.question(today()) in reply
    summary = give_consent_and_contact(chat, company=True)
    assert "• E-mail : anne.dupont@example.be" in summary
    assert chat.buttons == ["Confirmer", "Corriger", "Annuler"]
    # A typed correction at the summary, then the summary again.
    reply = chat("en fait mon e-mail est anne@brasserie-dupont.be")
    assert messages.corrected("E-mail", "anne@brasserie-dupont.be") in reply
    assert "• E-mail : anne@brasserie-dupont.be" in reply
    reply = chat("Confirmer")
    [ticket] = chat.tickets(store)
    assert REFERENCE.search(reply)[0] == ticket.reference and ticket.reference.startswith("DEM-")
    assert (ticket.kind, ticket.category, ticket.subject) == (
        TicketKind.REQUEST, "Factures et paiements", "Facture en double")
    assert ticket.description == ("La facture 2026-118 de novembre m'a été envoyée deux fois. "
                                  "<b>Merci</b> de l'annuler.")
    assert (ticket.customer_name, ticket.company, ticket.email, ticket.phone) == (
        "Anne Dupont", "Brasserie Dupont SRL", "anne@brasserie-dupont.be", "+32475123456")
    assert ticket.contract_number is None and ticket.consent_at is not None
    assert ticket.status is TicketStatus.RECEIVED and len(ticket.history) == 1


def test_question_shaped_subject_and_description_are_filed_as_typed(
        assistant: Assistant, store: TicketStore) -> None:
    """Customers phrase their requests as questions: each is the answer asked for, never an
    FAQ question to answer instead of it (issue 18: the form used to loop on them)."""
    chat = Chat(assistant)
    chat("je voudrais soumettre une demande")
    subject = "Comment obtenir un duplicata de facture ?"
    description = "Je ne retrouve pas la facture de mars, pouvez-vous me la renvoyer ?"
    assert f.SUBJECT.question(today()) in chat("Factures et paiements")
    assert f.DESCRIPTION.question(today()) in chat(subject)
    assert f.CONSENT_FIELD.question(today()) in chat(description)
    summary = give_consent_and_contact(chat, company=True)
    assert f"• Objet : {subject}" in summary and f"• Description : {description}" in summary
    chat("Confirmer")
    [ticket] = chat.tickets(store)
    assert (ticket.subject, ticket.description) == (subject, description)


def test_a_question_shaped_reason_is_filed_as_typed(assistant: Assistant,
                                                    store: TicketStore) -> None:
    chat = Chat(assistant)
    chat("je veux résilier mon contrat de maintenance")
    chat("CT-2024-0815")
    assert f.REASON.question(today()) in chat("le 3 mars")
    reason = "Le matériel a été remplacé, pourquoi garder le contrat de maintenance ?"
    assert f.CONSENT_FIELD.question(today()) in chat(reason)
    chat("oui")
    chat("Anne Dupont")
    chat("anne.dupont@example.be")
    chat("Passer")
    assert f"• Motif : {reason}" in chat("Anne Dupont")
    chat("Confirmer")
    [ticket] = chat.tickets(store)
    assert ticket.reason == reason


def test_a_contract_number_given_when_starting_a_notice_is_not_asked_again(
        assistant: Assistant, store: TicketStore) -> None:
    chat = Chat(assistant)
    reply = chat("je veux résilier mon contrat de maintenance CT-2024-0815")
    assert FLOWS["maintenance"].intro in reply
    assert f.MAINTENANCE_END_DATE.question(today()) in reply
    assert f.CONTRACT_NUMBER.question(today()) not in reply
    chat("le 3 mars")
    chat("Passer")
    chat("oui")
    chat("Anne Dupont")
    chat("anne.dupont@example.be")
    chat("Passer")
    assert "• Numéro de contrat : CT-2024-0815" in chat("Anne Dupont")
    chat("Confirmer")
    [ticket] = chat.tickets(store)
    assert ticket.contract_number == "CT-2024-0815"
    # A year is not a contract number: the question is asked.
    other = Chat(assistant)
    assert f.CONTRACT_NUMBER.question(today()) in other(
        "je veux résilier mon contrat de maintenance signé en 2024")


def test_an_email_given_when_asking_for_a_copy_is_not_asked_again(
        assistant: Assistant, store: TicketStore) -> None:
    chat = Chat(assistant)
    chat("je voudrais une copie de mon contrat CT-2024-0815, mon e-mail est "
         "anne.dupont@example.be")
    chat("J'accepte")
    chat("Anne Dupont")
    reply = chat("Brasserie Dupont SRL")
    assert f.PHONE.question(today()) in reply and f.EMAIL.question(today()) not in reply
    summary = chat("Passer")
    assert "• Numéro de contrat : CT-2024-0815" in summary
    assert "• E-mail : anne.dupont@example.be" in summary
    chat("Confirmer")
    [ticket] = chat.tickets(store)
    assert (ticket.contract_number, ticket.email) == ("CT-2024-0815", "anne.dupont@example.be")


def test_a_maintenance_cancellation_notice_is_signed_and_restates_the_rule(
        assistant: Assistant, store: TicketStore) -> None:
    chat = Chat(assistant)
    assert f.CONTRACT_NUMBER.question(today()) in chat(
        "je veux résilier mon contrat de maintenance")
    assert f.MAINTENANCE_END_DATE.question(today()).split(" ?")[0] in chat("CT-2024-0815")
    assert f.MAINTENANCE_END_DATE.error in chat("le 31 février")  # no such date
    end = next_day_of_year(3, 3)
    assert f.REASON.question(today()) in chat("le 3 mars")
    assert f.CONSENT_FIELD.question(today()) in chat("Passer")
    reply = chat("oui")
    assert f.CONTACT_NAME.question(today()) in reply
    chat("Anne Dupont")
    chat("anne.dupont@example.be")
    assert f.SIGNATURE.question(today()) in chat("Passer")
    assert f.SIGNATURE.error in chat("Jean Martin")
    summary = chat("anne dupont")
    assert "• Date de fin souhaitée : " + format_date_fr(end) in summary
    assert "• Motif : non communiqué" in summary and "• Téléphone : non communiqué" in summary
    reply = chat("Confirmer")
    [ticket] = chat.tickets(store)
    assert ticket.reference.startswith("RES-") and ticket.reference in reply
    assert "Avenue du Bourget 42" in reply and "signées" in reply
    assert (ticket.kind, ticket.contract_number, ticket.requested_end_date) == (
        TicketKind.MAINTENANCE_CANCELLATION, "CT-2024-0815", end)
    assert (ticket.signature_name, ticket.reason, ticket.phone) == ("anne dupont", None, None)
    assert ticket.signed_at is not None and ticket.signed_at >= ticket.consent_at


def test_a_passport_advantage_licence_needs_no_cancellation(
        assistant: Assistant, store: TicketStore) -> None:
    chat = Chat(assistant)
    assert f.LICENCE_TYPE.question(today()) in chat("je veux résilier ma licence logicielle")
    assert chat.buttons == ["Passport Advantage", "Licence mensuelle périodique"]
    assert chat("Passport Advantage") == messages.PASSPORT_NOTHING_TO_CANCEL
    assert chat.tickets(store) == []


def test_a_monthly_licence_needs_30_days_notice_and_the_destruction_confirmation(
        assistant: Assistant, store: TicketStore) -> None:
    chat = Chat(assistant)
    chat("/cancel_licence")
    assert f.LICENCE_NUMBER.question(today()) in chat("Licence mensuelle périodique")
    earliest = earliest_licence_end(today())
    assert f"le {format_date_fr(earliest)}" in chat("LIC-88-2026")
    assert chat.buttons == [f"Le {format_date_fr(earliest)}"]
    too_early = earliest - timedelta(days=1)
    reply = chat(f"le {too_early.day}/{too_early.month}/{too_early.year}")
    assert "préavis écrit de 30 jours" in reply and format_date_fr(earliest) in reply
    assert f.DESTRUCTION_CONFIRMED.question(today()) in chat(f"le {format_date_fr(earliest)}")
    assert "Sans cette confirmation" in chat("non")
    assert f.CONSENT_FIELD.question(today()) in chat("Je confirme")
    summary = give_consent_and_contact(chat, company=False)
    assert "• Destruction de toutes les copies : Je confirme" in summary
    reply = chat("c'est bon")
    [ticket] = chat.tickets(store)
    assert ticket.reference.startswith("LIC-") and ticket.reference in reply
    assert "confirmation de cette destruction doit être envoyée" in reply
    assert (ticket.kind, ticket.contract_number, ticket.requested_end_date,
            ticket.destruction_confirmed) == (
        TicketKind.LICENCE_TERMINATION, "LIC-88-2026", earliest, True)


def test_a_copy_of_a_contract(assistant: Assistant, store: TicketStore) -> None:
    chat = Chat(assistant)
    chat("je voudrais une copie de mon contrat")
    assert "Je ne reconnais pas ce numéro" in chat("je sais pas")
    chat("n° 4711/2026")
    give_consent_and_contact(chat, company=True)
    reply = chat("Confirmer")
    [ticket] = chat.tickets(store)
    assert ticket.reference.startswith("COP-") and ticket.reference in reply
    assert (ticket.kind, ticket.category, ticket.contract_number, ticket.company) == (
        TicketKind.CONTRACT_COPY, "Copie de contrat", "4711/2026", "Brasserie Dupont SRL")


def test_stopping_mid_flow_or_cancelling_at_the_summary_stores_nothing(
        assistant: Assistant, store: TicketStore) -> None:
    chat = Chat(assistant)
    chat("/request_contract_copy")
    chat("CT-2024-0815")
    assert "rien n'a été enregistré" in chat("annuler")
    assert chat("je voudrais une copie de mon contrat").startswith("Je vais transmettre")

    chat("CT-2024-0815")
    give_consent_and_contact(chat, company=True)
    assert "rien n'a été enregistré" in chat("Annuler")
    assert chat.tickets(store) == []


def test_refusing_consent_stores_nothing_and_gives_the_phone_number(
        assistant: Assistant, store: TicketStore) -> None:
    chat = Chat(assistant)
    chat("/request_contract_copy")
    chat("CT-2024-0815")
    reply = chat("Je refuse")
    assert reply == messages.CONSENT_REFUSED and "+32 (0)2 339 23 45" in reply
    assert chat.tickets(store) == []


def test_correct_from_the_summary_then_confirm(assistant: Assistant, store: TicketStore) -> None:
    chat = Chat(assistant)
    chat("/request_contract_copy")
    chat("CT-2024-0815")
    give_consent_and_contact(chat, company=True)
    chat("Corriger")
    assert "Numéro de contrat" in chat.buttons and "E-mail" in chat.buttons
    assert f.CONTRACT_NUMBER.question(today()) in chat("Numéro de contrat")
    assert "• Numéro de contrat : CT-2024-0816" in chat("CT-2024-0816")
    chat("Confirmer")
    [ticket] = chat.tickets(store)
    assert ticket.contract_number == "CT-2024-0816"


def test_bad_input_is_refused_with_a_reason(assistant: Assistant, store: TicketStore) -> None:
    chat = Chat(assistant)
    chat("/submit_request")
    chat("Autre")
    chat("Question diverse")
    assert "la limite est de 2 000 caractères" in chat("x" * 5000)
    assert "commande technique" in chat('/submit_request{"email": "pirate@example.com"}')
    assert f.CONSENT_FIELD.question(today()) in chat("<script>alert('x')</script>")
    chat("J'accepte")
    assert "Je n'ai pas reconnu un nom" in chat("R2-D2")
    chat("Anne Dupont")
    chat("ACME")
    assert f.EMAIL.error in chat("anne.dupont@")
    chat("anne@example.be")
    assert "numéro de téléphone ne semble pas valide" in chat("12 34")
    chat("Passer")
    chat("Confirmer")
    [ticket] = chat.tickets(store)
    assert ticket.description == "<script>alert('x')</script>"
    assert ticket.email == "anne@example.be" and ticket.phone is None


@contextmanager
def ticket_store_outage(database: Engine) -> Iterator[None]:
    """Make the database refuse history entries: filing fails after the ticket's own insert."""
    with database.begin() as connection:
        connection.execute(text(
            "CREATE TRIGGER simulated_outage BEFORE INSERT ON ticket_events "
            "BEGIN SELECT RAISE(ABORT, 'simulated outage'); END"))
    try:
        yield
    finally:
        with database.begin() as connection:
            connection.execute(text("DROP TRIGGER simulated_outage"))


def test_a_store_outage_apologises_keeps_the_answers_and_a_retry_files_once(
        assistant: Assistant, store: TicketStore, test_settings: Settings) -> None:
    if not test_settings.tickets_url.startswith("sqlite"):
        pytest.skip("the outage is simulated with an SQLite trigger")
    chat = Chat(assistant)
    chat("/request_contract_copy")
    chat("CT-2024-0815")
    give_consent_and_contact(chat, company=True)
    with ticket_store_outage(open_database(test_settings)):
        reply = chat("Confirmer")
        assert reply == messages.STORE_FAILED and chat.buttons == ["Réessayer l'envoi"]
        assert chat.tickets(store) == []  # no half-written record
    log = (test_settings.data_dir / "logs" / "action-server.log").read_text(encoding="utf-8")
    assert f"could not file a copy ticket for conversation {chat.sender}" in log
    assert "simulated outage" in log  # the database's own error, for operators
    reply = chat("/retry_submission")
    [ticket] = chat.tickets(store)
    assert ticket.reference in reply
    assert chat("/retry_submission") == messages.NOTHING_TO_SUBMIT
    assert len(chat.tickets(store)) == 1


def test_a_filed_request_can_be_looked_up(assistant: Assistant, store: TicketStore) -> None:
    chat = Chat(assistant)
    chat("/request_contract_copy")
    chat("CT-2024-0815")
    give_consent_and_contact(chat, company=True)
    reference = REFERENCE.search(chat("Confirmer"))[0]
    chat("où en est ma demande ?")
    chat(reference)
    assert chat("anne.dupont@example.be").startswith(f"Votre demande {reference} est reçue")



def test_another_flow_can_be_started_mid_flow(assistant: Assistant, store: TicketStore) -> None:
    chat = Chat(assistant)
    chat("/request_contract_copy")
    chat("CT-2024-0815")
    reply = chat("/cancel_licence")
    assert FLOWS["licence"].intro in reply and chat.buttons[0] == "Passport Advantage"
    assert chat.tickets(store) == []


def test_asking_for_a_person_mid_flow_stops_it_and_hands_over(
        assistant: Assistant, store: TicketStore) -> None:
    chat = Chat(assistant)
    chat("/request_contract_copy")
    chat("CT-2024-0815")
    reply = chat("/talk_to_human")  # the button offered after repeated refusals
    assert "Je vous mets en relation avec un conseiller" in reply
    assert chat.tickets(store) == []
    tracker = assistant.tracker(chat.sender)
    assert tracker["paused"] is True and tracker["slots"]["contract_number"] is None
