"""The intake flows' logic with real rasa-sdk trackers and dispatchers (no model, no server)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import fields as f
from actions import messages
from actions.flows import ASKED_SLOTS, EVERY_QUESTION, FLOWS
from actions.guided_form import FAILURES_SLOT, MAX_FAILURES, find_correction
from actions.intake import INTAKE_SLOTS, ValidateIntakeForm, submission_key
from bot.db.tables import Ticket
from bot.facts import TicketKind
from tests.conftest import NO_DOMAIN, run_async

TODAY = date(2026, 11, 29)


def asked(flow: str, **slots: Any) -> list[str]:
    return [q.slot for q in FLOWS[flow].fields(slots)]


def test_each_flow_asks_its_questions_in_order() -> None:
    assert asked("request") == ["request_category", "subject", "description", "consent",
                                "customer_name", "company", "email", "phone", "confirmation"]
    assert "contract_number" in asked("request", request_category="Contrats")
    assert asked("maintenance") == ["contract_number", "end_date", "reason", "consent",
                                    "customer_name", "email", "phone", "signature",
                                    "confirmation"]
    assert asked("copy") == ["contract_number", "consent", "customer_name", "company", "email",
                             "phone", "confirmation"]


def test_the_licence_type_comes_first_and_passport_advantage_ends_the_flow() -> None:
    assert asked("licence") == ["licence_type"]
    assert asked("licence", licence_type=f.PASSPORT) == ["licence_type"]
    assert asked("licence", licence_type=f.MONTHLY) == [
        "licence_type", "contract_number", "end_date", "destruction_confirmed", "consent",
        "customer_name", "email", "phone", "confirmation"]


def test_a_consent_refusal_ends_the_flow_before_any_personal_data() -> None:
    assert asked("copy", consent=f.NO) == ["contract_number", "consent"]


def test_correcting_asks_what_to_correct_among_the_answers_given() -> None:
    slots = {"contract_number": "CT-1234", "consent": f.YES, "email": "a@b.be",
             "confirmation": f.CORRECT}
    questions = FLOWS["copy"].fields(slots)
    assert [q.slot for q in questions][-2:] == ["field_to_correct", "confirmation"]
    assert [b["title"] for b in questions[-2].buttons(TODAY)] == [
        "Numéro de contrat", "E-mail", "Rien, revenir au récapitulatif"]


@pytest.mark.parametrize("typed, category", [
    ("Factures et paiements", "Factures et paiements"),
    ("c'est pour une facture", "Factures et paiements"),
    ("un souci de livraison", "Commandes et livraisons"),
    ("autre", "Autre"),
    ("je ne sais pas", None),
])
def test_categories_are_recognised_in_a_sentence(typed: str, category: str | None) -> None:
    assert f.REQUEST_CATEGORY.parse(typed, TODAY) == category


def test_phone_numbers_are_stored_e164_and_shown_readable() -> None:
    assert f.PHONE.parse("0475/12.34.56", TODAY) == "+32475123456"
    assert f.PHONE.display("+32475123456") == "+32 475 12 34 56"
    assert f.PHONE.parse("Passer", TODAY) == f.SKIPPED
    assert f.PHONE.display(f.SKIPPED) == "non communiqué"


@pytest.mark.parametrize("typed, expected", [
    ("le 29 décembre 2026", "2026-12-29"),   # exactly 30 days: allowed
    ("29/12", "2026-12-29"),
    ("31/01/2027", "2027-01-31"),
    ("fin du mois prochain", "2026-12-31"),
])
def test_licence_end_dates_with_30_days_notice_are_accepted(typed: str, expected: str) -> None:
    assert f.LICENCE_END_DATE.parse(typed, TODAY) == expected


@pytest.mark.parametrize("typed", ["le 28 décembre", "fin du mois", "demain", "30/11/2026"])
def test_an_earlier_licence_end_is_refused_with_the_earliest_date(typed: str) -> None:
    with pytest.raises(f.Invalid, match=r"30 jours.*le 29 décembre 2026"):
        f.LICENCE_END_DATE.parse(typed, TODAY)


def test_the_30_days_cross_month_and_year_ends() -> None:
    assert f.LICENCE_END_DATE.parse("31/03/2027", date(2027, 3, 1)) == "2027-03-31"
    with pytest.raises(f.Invalid, match="30 mars 2027"):
        f.LICENCE_END_DATE.parse("29/03/2027", date(2027, 2, 28))
    assert f.LICENCE_END_DATE.parse("30/01/2027", date(2026, 12, 31)) == "2027-01-30"
    assert f.LICENCE_END_DATE.buttons(date(2026, 12, 31)) == [
        {"title": "Le 30 janvier 2027", "payload": "le 30 janvier 2027"}]


def test_a_maintenance_end_date_cannot_be_in_the_past() -> None:
    with pytest.raises(f.Invalid, match="déjà passé"):
        f.MAINTENANCE_END_DATE.parse("le 3 novembre 2026", TODAY)
    assert f.MAINTENANCE_END_DATE.parse("fin du mois", TODAY) == "2026-11-30"
    assert f.MAINTENANCE_END_DATE.parse("le 31 février", TODAY) is None


def test_free_text_refuses_commands_and_overlong_text_and_keeps_markup_inert() -> None:
    with pytest.raises(f.Invalid, match="commande technique"):
        f.DESCRIPTION.parse('/submit_request{"email": "x@y.be"}', TODAY)
    with pytest.raises(f.Invalid, match="5000 caractères : la limite est de 2 000"):
        f.DESCRIPTION.parse("a" * 5000, TODAY)
    assert f.DESCRIPTION.parse("<script>alert(1)</script>", TODAY) == "<script>alert(1)</script>"


def test_destruction_must_be_confirmed() -> None:
    assert f.DESTRUCTION_CONFIRMED.parse("oui je confirme", TODAY) == f.YES
    with pytest.raises(f.Invalid, match="Sans cette confirmation"):
        f.DESTRUCTION_CONFIRMED.parse("non", TODAY)


@pytest.mark.parametrize("typed, found", [
    ("en fait mon e-mail est anne@example.be", ("email", "anne@example.be")),
    ("Pardon, mon numéro de téléphone c'est 0475 12 34 56", ("phone", "0475 12 34 56")),
    ("plutôt la date : 31/12", ("end_date", "31/12")),
    ("mon e-mail est anne@example.be", None),  # no marker, outside the summary
    ("Téléphone", None),  # a field's name alone is no correction
])
def test_corrections_are_recognised(typed: str, found: tuple[str, str] | None) -> None:
    assert find_correction(typed, "description", EVERY_QUESTION) == found


def test_at_the_summary_a_correction_needs_no_marker() -> None:
    assert find_correction("mon e-mail est anne@example.be", "confirmation", EVERY_QUESTION) == (
        "email", "anne@example.be")


def test_only_the_running_flow_s_answers_can_be_corrected() -> None:
    copy = FLOWS["copy"].fields({})
    assert find_correction("en fait la date de fin est le 3 mars", "phone", copy) is None
    assert find_correction("en fait le contrat est CT-9", "phone", copy) == (
        "contract_number", "CT-9")


def test_every_asked_slot_has_a_prompt_in_the_domain(domain: dict[str, Any]) -> None:
    for slot in ASKED_SLOTS:
        assert f"action_ask_{slot}" in domain["actions"]
    for slot in INTAKE_SLOTS:
        assert domain["slots"][slot]["mappings"] == [{"type": "custom"}]
    assert domain["forms"]["intake_form"]["required_slots"] == list(ASKED_SLOTS)
    assert {"consent_at", "signed_at", "flow", FAILURES_SLOT} <= set(INTAKE_SLOTS)


def test_every_answer_is_filed_in_a_ticket_column() -> None:
    columns = set(Ticket.__table__.columns.keys())
    for question in EVERY_QUESTION:
        assert {question.column, question.stamp} - {None} <= columns, question.slot
    filed = {q.slot for q in EVERY_QUESTION if q.column or q.stamp}
    assert set(ASKED_SLOTS) - filed == {"licence_type", "confirmation", "field_to_correct"}


# --- the validation action ------------------------------------------------------------

def form_turn(slots: dict[str, Any], requested: str, text: str,
              intent: str = "nlu_fallback", confidence: float = 0.5) -> Tracker:
    """The tracker the form's validation action sees right after a customer message."""
    parse = {"text": text, "intent": {"name": intent, "confidence": confidence},
             "entities": []}
    events: list[dict[str, Any]] = [{"event": "action", "name": "intake_form"},
                                    {"event": "action", "name": "action_listen"},
                                    {"event": "user", "text": text, "parse_data": parse},
                                    {"event": "action", "name": "intake_form"}]
    return Tracker("c1", {**slots, "requested_slot": requested}, parse, events, False, None,
                   {"name": "intake_form"}, "action_listen")


def validate(tracker: Tracker) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = run_async(ValidateIntakeForm().run(dispatcher, tracker, NO_DOMAIN))
    return {e["name"]: e["value"] for e in events}, dispatcher.messages


def test_a_valid_answer_fills_the_slot_and_the_next_question_is_requested() -> None:
    slots, sent = validate(form_turn({"flow": "copy"}, "contract_number", "c'est le CT-4711"))
    assert slots == {"contract_number": "CT-4711", FAILURES_SLOT: 0,
                     "requested_slot": "consent"}
    assert sent == []


def test_a_digression_is_left_to_the_rules() -> None:
    tracker = form_turn({"flow": "copy"}, "contract_number", "quelles sont vos heures ?",
                        intent="faq", confidence=0.95)
    assert validate(tracker) == ({}, [])


def test_a_long_description_is_not_mistaken_for_a_digression() -> None:
    text = "Annuler la commande 4512 livrée en double la semaine passée"
    slots, _ = validate(form_turn({"flow": "request"}, "description", text, "stop", 0.9))
    assert slots["description"] == text


@pytest.mark.parametrize("text", [
    "Je ne retrouve pas la facture de mars, pouvez-vous me la renvoyer ?",
    "Comment obtenir un duplicata de facture ?",
])
def test_a_question_shaped_free_text_answer_is_an_answer(text: str) -> None:
    known = {"flow": "request", "request_category": "Autre", "subject": "Facture"}
    slots, sent = validate(form_turn(known, "description", text, "faq", 0.98))
    assert slots["description"] == text and slots["requested_slot"] == "consent"
    assert sent == []


@pytest.mark.parametrize("text, intent", [
    ("annuler", "stop"), ("aide", "help"), ("un conseiller svp", "talk_to_human"),
])
def test_a_short_sure_command_still_interrupts_a_free_text_answer(text: str, intent: str) -> None:
    known = {"flow": "maintenance", "contract_number": "CT-4711", "end_date": "2026-12-31"}
    assert validate(form_turn(known, "reason", text, intent, 1.0)) == ({}, [])


def opening_turn(slots: dict[str, Any], text: str, intent: str) -> Tracker:
    """The tracker the intake form's validation sees when the flow starts (the form is not
    active yet and asked nothing)."""
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    events: list[dict[str, Any]] = [{"event": "action", "name": "action_listen"},
                                    {"event": "user", "text": text, "parse_data": parse},
                                    {"event": "action", "name": "action_start_intake"},
                                    {"event": "action", "name": "intake_form"}]
    return Tracker("c1", {**slots, "requested_slot": None}, parse, events, False, None, {},
                   "action_listen")


def test_answers_in_the_opening_message_are_taken_and_not_asked() -> None:
    slots, sent = validate(opening_turn(
        {"flow": "maintenance"}, "je veux résilier mon contrat de maintenance CT-2024-0815, "
        "mon adresse est Anne.Dupont@Example.be", "cancel_maintenance"))
    assert slots == {"contract_number": "CT-2024-0815", "email": "Anne.Dupont@example.be",
                     "requested_slot": "end_date"}
    assert sent == []


def test_a_contract_number_given_with_a_request_waits_for_a_category_that_asks_it() -> None:
    slots, _ = validate(opening_turn({"flow": "request"}, "je voudrais soumettre une demande "
                                     "pour le contrat n° 4711/2026", "submit_request"))
    assert slots == {"contract_number": "4711/2026", "requested_slot": "request_category"}
    known = {"flow": "request", "request_category": "Contrats", "subject": "Avenant",
             "contract_number": "4711/2026"}
    slots, _ = validate(form_turn(known, "description", "Il manque l'avenant de mars"))
    assert slots["requested_slot"] == "consent"  # the contract number is not asked again


@pytest.mark.parametrize("text, intent", [
    ("je veux résilier mon contrat de maintenance signé en 2024", "cancel_maintenance"),
    ('/cancel_maintenance{"contract_number": "CT-1234"} CT-1234', "cancel_maintenance"),
    ("au fait, le contrat CT-2024-0815 a-t-il une copie ?", "faq"),   # not the flow's intent
])
def test_nothing_unmistakable_in_the_opening_message_asks_the_first_question(
        text: str, intent: str) -> None:
    slots, _ = validate(opening_turn({"flow": "maintenance"}, text, intent))
    assert slots == {"requested_slot": "contract_number"}


def test_repeated_bad_answers_escalate_to_a_person() -> None:
    failures = 0
    for _ in range(MAX_FAILURES):
        known = {"flow": "copy", "contract_number": "CT-4711", "consent": f.YES,
                 "customer_name": "Anne Dupont", "company": "ACME", FAILURES_SLOT: failures}
        slots, sent = validate(form_turn(known, "email", "anne at example"))
        assert sent[0]["text"] == f.EMAIL.error
        assert slots["requested_slot"] == "email" and "email" not in slots
        failures = slots[FAILURES_SLOT]
    assert sent[1]["text"] == messages.FLOW_ESCALATE
    assert sent[1]["buttons"] == messages.FLOW_ESCALATE_BUTTONS
    assert failures == 0


def test_consent_is_timestamped() -> None:
    slots, _ = validate(form_turn({"flow": "copy", "contract_number": "CT-4711"}, "consent",
                                  "J'accepte"))
    assert slots["consent"] == f.YES
    assert datetime.fromisoformat(slots["consent_at"]).tzinfo is not None
    assert slots["requested_slot"] == "customer_name"


def test_the_signature_must_be_the_contact_name() -> None:
    known = {"flow": "maintenance", "customer_name": "Anne Dupont"}
    slots, sent = validate(form_turn(known, "signature", "Jean Martin"))
    assert "signature" not in slots and "Anne Dupont" in sent[0]["text"]
    slots, _ = validate(form_turn(known, "signature", "anne dupont"))
    assert slots["signature"] == "anne dupont" and slots["signed_at"]


def test_a_typed_correction_updates_an_earlier_answer_and_asks_the_same_question() -> None:
    known = {"flow": "copy", "contract_number": "CT-4711", "consent": f.YES,
             "customer_name": "Anne Dupont", "company": "ACME", "email": "anne@old.be"}
    slots, sent = validate(form_turn(known, "phone", "en fait mon e-mail est anne@new.be"))
    assert slots == {"email": "anne@new.be", FAILURES_SLOT: 0, "requested_slot": "phone"}
    assert sent[0]["text"] == messages.corrected("E-mail", "anne@new.be")


def test_correct_then_pick_a_field_clears_it_and_asks_it_again() -> None:
    known = {"flow": "copy", "contract_number": "CT-4711", "consent": f.YES,
             "customer_name": "Anne Dupont", "company": "ACME", "email": "anne@old.be",
             "phone": f.SKIPPED}
    slots, _ = validate(form_turn(known, "confirmation", "Corriger"))
    assert slots["confirmation"] == f.CORRECT and slots["requested_slot"] == "field_to_correct"
    known.update(confirmation=f.CORRECT)
    slots, _ = validate(form_turn(known, "field_to_correct", "E-mail"))
    assert slots["email"] is None and slots["confirmation"] is None
    assert slots["requested_slot"] == "email"


def test_at_what_to_correct_nothing_or_a_typed_correction_returns_to_the_summary() -> None:
    known = {"flow": "copy", "contract_number": "CT-4711", "consent": f.YES,
             "customer_name": "Anne Dupont", "company": "ACME", "email": "anne@old.be",
             "phone": f.SKIPPED, "confirmation": f.CORRECT}
    slots, _ = validate(form_turn(known, "field_to_correct", "Rien, revenir au récapitulatif"))
    assert slots["confirmation"] is None and slots["requested_slot"] == "confirmation"
    slots, sent = validate(form_turn(known, "field_to_correct", "le téléphone : 0475 12 34 56"))
    assert slots["phone"] == "+32475123456" and slots["requested_slot"] == "confirmation"
    assert sent[0]["text"] == messages.corrected("Téléphone", "+32 475 12 34 56")


def test_the_submission_key_depends_on_the_answers_only() -> None:
    slots = {"flow": "copy", "contract_number": "CT-4711", "consent": f.YES,
             "consent_at": "2026-11-29T10:00:00+00:00", "customer_name": "Anne Dupont",
             "company": "ACME", "email": "anne@example.be", "phone": f.SKIPPED,
             "confirmation": f.CONFIRM}
    key = submission_key(FLOWS["copy"], slots)
    assert key == submission_key(FLOWS["copy"], dict(slots, failed_attempts=2))
    assert key != submission_key(FLOWS["copy"], dict(slots, email="other@example.be"))


def test_a_confirmed_flow_becomes_the_expected_ticket() -> None:
    slots = {"flow": "licence", "licence_type": f.MONTHLY, "contract_number": "LIC-2026-77",
             "end_date": "2027-01-31", "destruction_confirmed": f.YES, "consent": f.YES,
             "consent_at": "2026-11-29T10:00:00+00:00", "customer_name": "Anne Dupont",
             "email": "anne@example.be", "phone": "+32475123456", "confirmation": f.CONFIRM,
             "subject": "left over from another flow"}
    ticket = FLOWS["licence"].ticket(slots, "c1", "k1")
    assert ticket.kind is TicketKind.LICENCE_TERMINATION
    assert ticket.category == "Résiliation de licence mensuelle"
    assert (ticket.customer_name, ticket.email) == ("Anne Dupont", "anne@example.be")
    assert ticket.consent_at == datetime(2026, 11, 29, 10, tzinfo=timezone.utc)
    assert ticket.details == {"contract_number": "LIC-2026-77",
                              "requested_end_date": date(2027, 1, 31),
                              "destruction_confirmed": True, "phone": "+32475123456"}


def test_skipped_answers_are_filed_empty_and_the_signature_with_its_time() -> None:
    slots = {"flow": "maintenance", "contract_number": "CT-4711", "end_date": "2026-12-31",
             "reason": f.SKIPPED, "consent": f.YES, "consent_at": "2026-11-29T10:00:00+00:00",
             "customer_name": "Anne Dupont", "email": "anne@example.be", "phone": f.SKIPPED,
             "signature": "anne dupont", "signed_at": "2026-11-29T10:05:00+00:00",
             "confirmation": f.CONFIRM}
    ticket = FLOWS["maintenance"].ticket(slots, "c1", "k1")
    assert ticket.category == "Résiliation de contrat de maintenance"
    assert ticket.details == {"contract_number": "CT-4711",
                              "requested_end_date": date(2026, 12, 31), "reason": None, "phone": None, "signature_name": "anne dupont",
                              "signed_at": datetime(2026, 11, 29, 10, 5, tzinfo=timezone.utc)}
    request = FLOWS["request"].ticket({**slots, "flow": "request", "request_category": "Autre",
                                       "subject": "Objet", "description": "Texte",
                                       "company": "ACME"}, "c1", "k2")
    assert request.category == "Autre" and "request_category" not in request.details


@pytest.mark.parametrize("typed, requested, found", [
    ("le nom est correct", "confirmation", None),             # a verdict, not a new name
    ("le téléphone est bon", "confirmation", None),
    ("en fait le nom de la société est Acme", "phone", ("company", "Acme")),
    ("mon nom : Anne Dupont", "confirmation", ("customer_name", "Anne Dupont")),
])
def test_corrections_are_not_read_into_verdicts(typed: str, requested: str,
                                                found: tuple[str, str] | None) -> None:
    assert find_correction(typed, requested, EVERY_QUESTION) == found
