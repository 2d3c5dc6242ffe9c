"""A whole live handoff in two browser contexts: the customer's widget and the agent console."""
from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Browser, expect

from bot.db import open_database
from bot.handoff.agents import AgentStore
from bot.handoff.queue import HandoffQueue
from bot.settings import Settings

pytestmark = [pytest.mark.model, pytest.mark.browser]
PASSWORD = "une phrase de passe assez longue"


def test_a_live_handoff_from_request_to_rating(browser: Browser, gateway: Settings) -> None:
    database = open_database(gateway)
    username = f"agent{secrets.token_hex(3)}"
    AgentStore(database).add(username, "Léa Martin", PASSWORD)

    customer = browser.new_context().new_page()
    customer.goto(f"{gateway.gateway_url}/")
    customer.get_by_role("button", name="Ouvrir la discussion avec l'assistant").click()
    customer.get_by_label("Votre message").fill("je veux parler à un conseiller")
    customer.get_by_role("button", name="Envoyer").click()
    chat = customer.get_by_role("log")
    expect(chat).to_contain_text("dans la file d'attente")
    customer.get_by_label("Votre message").fill("C'est au sujet de ma facture de novembre")
    customer.get_by_role("button", name="Envoyer").click()

    agent = browser.new_context().new_page()
    agent.goto(f"{gateway.gateway_url}/console/")
    agent.get_by_label("Identifiant").fill(username)
    agent.get_by_label("Mot de passe").fill(PASSWORD)
    agent.get_by_role("button", name="Se connecter").click()
    expect(agent.get_by_role("heading", name="Conversations transférées")).to_be_visible()
    row = agent.get_by_role("row").filter(has_text="facture de novembre")
    expect(row).to_contain_text("Demande à parler à un conseiller")
    row.get_by_role("button", name="Prendre la conversation").click()
    expect(agent.get_by_role("log")).to_contain_text("C'est au sujet de ma facture de novembre")
    expect(chat).to_contain_text("Léa Martin, conseiller du Service Clientèle, a rejoint")

    agent.get_by_label("Votre réponse au client").fill("Bonjour, je regarde votre facture.")
    agent.get_by_role("button", name="Envoyer").click()
    expect(chat).to_contain_text("Bonjour, je regarde votre facture.")
    customer.get_by_label("Votre message").fill("Merci beaucoup !")
    customer.get_by_role("button", name="Envoyer").click()
    expect(agent.get_by_role("log")).to_contain_text("Merci beaucoup !")

    agent.get_by_label("Résolution").fill("Facture corrigée et renvoyée")
    agent.get_by_role("button", name="Clôturer la conversation").click()
    expect(chat).to_contain_text("Donnez une note de 1")
    customer.get_by_role("button", name="4", exact=True).click()
    expect(chat).to_contain_text("Merci pour votre avis")

    conversation = customer.evaluate("localStorage.getItem('faqbot.session')")
    queue = HandoffQueue(database)
    assert queue.open_for(conversation) is None
    [handoff] = queue.for_conversation(conversation)
    assert (handoff.resolution, handoff.rating) == ("Facture corrigée et renvoyée", 4)
