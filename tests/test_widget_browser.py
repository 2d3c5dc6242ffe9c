"""The widget in a real browser (Debian's Chromium through Playwright) on the demo page.

Screenshots (desktop and 360 px wide) are written to ``reports/screenshots/``.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from bot.facts import TicketKind
from bot.services import start_gateway
from bot.settings import PROJECT_ROOT, Settings
from bot.tickets import open_store
from tests.conftest import Assistant, free_port

pytestmark = [pytest.mark.model, pytest.mark.browser]
SCREENSHOTS = PROJECT_ROOT / "reports" / "screenshots"
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    """The tests inject axe-core into the page: the demo page's CSP would refuse it."""
    return {**browser_context_args, "bypass_csp": True}


def open_widget(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Ouvrir la discussion avec l'assistant").click()
    expect(page.get_by_role("log")).to_contain_text("Bonjour et bienvenue")


def say(page: Page, text: str) -> None:
    page.get_by_label("Votre message").fill(text)
    page.get_by_role("button", name="Envoyer").click()


def last_bot_message(page: Page) -> Locator:
    return page.locator(".faqbot-bot .faqbot-bubble").last


def test_ask_click_reload_and_file_a_request(page: Page, gateway: Settings) -> None:
    open_widget(page, f"{gateway.gateway_url}/")
    expect(page.get_by_label("Votre message")).to_be_focused()
    # A quick reply of the welcome menu starts a flow.
    page.get_by_role("button", name="Obtenir une copie de mon contrat").click()
    expect(last_bot_message(page)).to_have_text(re.compile("numéro de votre contrat"))
    # A typed FAQ question gets its answer, then the flow asks its question again.
    say(page, "comment activer un servicepac ?")
    expect(page.get_by_role("log")).to_contain_text("ServicePac")
    expect(last_bot_message(page)).to_have_text(re.compile("numéro de votre contrat"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-desktop.png"))
    # The conversation survives a reload.
    page.reload()
    expect(page.get_by_role("log")).to_contain_text("comment activer un servicepac ?")
    expect(page.get_by_role("log")).to_contain_text("Obtenir une copie de mon contrat")
    # ... and the flow goes on to a filed request.
    for answer, expected in [
        ("CT-2024-0815", "Acceptez-vous"),
        ("J'accepte", "nom et prénom"),
        ("Anne Dupont", "société"),
        ("Brasserie Dupont", "e-mail"),
        ("anne.dupont@example.be", "téléphone"),
        ("0475 12 34 56", "Tout est-il correct"),
    ]:
        say(page, answer)
        expect(last_bot_message(page)).to_contain_text(expected)
    page.get_by_role("button", name="Confirmer").click()
    expect(last_bot_message(page)).to_contain_text("Conservez cette référence")
    reference = re.search(r"COP-\d{4}-\d{6}", page.get_by_role("log").inner_text())[0]
    ticket = open_store(gateway).get(reference)
    assert (ticket.kind, ticket.contract_number, ticket.email) == (
        TicketKind.CONTRACT_COPY, "CT-2024-0815", "anne.dupont@example.be")


def test_bot_text_is_inert_and_links_are_safe(page: Page, gateway: Settings) -> None:
    open_widget(page, f"{gateway.gateway_url}/")
    say(page, "<img src=x onerror=\"document.body.dataset.pwned='1'\"> bonjour")
    expect(page.locator(".faqbot-user .faqbot-bubble").last).to_contain_text("<img src=x")
    expect(last_bot_message(page)).to_be_visible()
    assert page.evaluate("document.body.dataset.pwned") is None
    assert page.locator(".faqbot-log img").count() == 0
    say(page, "javascript:alert(1) comment activer un servicepac ?")
    expect(page.locator('.faqbot-bot a[href="mailto:ePacbelx_support@be.ibm.com"]')).to_be_visible()
    assert page.locator('.faqbot-log a[href^="javascript"]').count() == 0


def test_small_screen_keyboard_and_accessibility(page: Page, gateway: Settings) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{gateway.gateway_url}/")
    launcher = page.get_by_role("button", name="Ouvrir la discussion avec l'assistant")
    launcher.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.get_by_label("Votre message")).to_be_focused()
    expect(page.get_by_role("log")).to_contain_text("Bonjour et bienvenue")
    # Under 480 px the panel is full-screen (widget.css): it covers the whole viewport,
    # without rounded corners, and the launcher is not displayed.
    viewport = page.viewport_size
    panel = page.get_by_role("dialog").bounding_box()
    assert viewport is not None and panel == {"x": 0, "y": 0, **viewport}
    expect(page.get_by_role("dialog")).to_have_css("border-radius", "0px")
    expect(page.locator(".faqbot-launcher")).to_have_css("display", "none")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-360px.png"))
    page.get_by_label("Votre message").fill("x" * 12)
    expect(page.locator("#faqbot-counter")).to_have_text("12 / 2000 caractères")

    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run('#faqbot')")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]])
               for v in result["violations"] if v["impact"] in {"serious", "critical"}]
    assert serious == []

    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.get_by_role("button", name="Ouvrir la discussion avec l'assistant")).to_be_focused()


def test_new_conversation_starts_over(page: Page, gateway: Settings) -> None:
    open_widget(page, f"{gateway.gateway_url}/")
    say(page, "merci")
    expect(page.get_by_role("log")).to_contain_text("Avec plaisir")
    page.get_by_role("button", name="Nouvelle conversation").click()
    expect(page.get_by_role("log")).to_contain_text("Bonjour et bienvenue")
    expect(page.get_by_role("log")).not_to_contain_text("Avec plaisir")


def test_messages_typed_during_a_network_drop_are_sent_on_reconnect(
        page: Page, assistant: Assistant, tmp_path: Path) -> None:
    settings = replace(assistant.settings, gateway_port=free_port(), data_dir=tmp_path)
    service = start_gateway(settings, assistant.token)
    service.wait_ready(timeout=60)
    open_widget(page, f"{settings.gateway_url}/")
    service.stop()  # the server goes away: the widget shows it and keeps what is typed
    expect(page.get_by_role("status")).to_have_text("Connexion perdue, reconnexion…")
    say(page, "merci")
    expect(page.get_by_role("status")).to_have_text("Message en attente d'envoi…")
    service = start_gateway(settings, assistant.token)
    try:
        service.wait_ready(timeout=60)
        expect(last_bot_message(page)).to_contain_text("Avec plaisir", timeout=30_000)
        expect(page.locator(".faqbot-status")).to_be_empty()
    finally:
        service.stop()


def test_a_second_tab_shares_the_conversation(page: Page, gateway: Settings) -> None:
    open_widget(page, f"{gateway.gateway_url}/")
    say(page, "merci")
    expect(page.get_by_role("log")).to_contain_text("Avec plaisir")
    other = page.context.new_page()  # same browser profile: same session id
    other.goto(f"{gateway.gateway_url}/")
    other.get_by_role("button", name="Ouvrir la discussion avec l'assistant").click()
    expect(other.get_by_role("log")).to_contain_text("Avec plaisir")
    say(other, "au revoir")
    expect(page.get_by_role("log")).to_contain_text("au revoir")  # echoed to the first tab
    expect(page.get_by_role("log")).to_contain_text("Au revoir et bonne journée")
