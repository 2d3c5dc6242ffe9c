"""Conversations, the agents' queue and transcripts survive a restart of every process."""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from bot.db import open_database
from bot.handoff.agents import AgentStore
from bot.handoff.queue import HandoffQueue
from bot.services import start_gateway
from bot.settings import Settings
from tests.conftest import Assistant, free_port, run_async, start_assistant

pytestmark = pytest.mark.model
PASSWORD = "une phrase de passe assez longue"
CUSTOMER = "client-fidele-0001"  # a conversation id as the gateway issues them (16-64)


async def console_queue(settings: Settings) -> str:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(f"{settings.gateway_url}/console/login") as page:
            csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())[1]
        await http.post(f"{settings.gateway_url}/console/login",
                        data={"csrf": csrf, "username": "lea", "password": PASSWORD})
        async with http.get(f"{settings.gateway_url}/console/queue") as page:
            return await page.text()


def test_conversations_and_the_queue_survive_a_restart(test_settings: Settings,
                                                       trained_model: Path,
                                                       tmp_path: Path) -> None:
    settings = replace(test_settings, data_dir=tmp_path, rasa_port=free_port(),
                       action_port=free_port(), gateway_port=free_port(),
                       tickets_url=f"sqlite:///{tmp_path / 'service.db'}")
    AgentStore(open_database(settings)).add("lea", "Léa Martin", PASSWORD)
    question = "Comment activer un contrat ServicePac ?"
    for restart in range(2):
        services = start_assistant(settings, trained_model, "restart-token")
        try:
            services.append(start_gateway(settings, "restart-token"))
            services[-1].wait_ready(timeout=60)
            assistant = Assistant(settings, "restart-token")
            if restart == 0:
                assistant.send(CUSTOMER, question)
                assistant.send(CUSTOMER, "je veux parler à un conseiller")
                assistant.send(CUSTOMER, "c'est urgent, ma facture est fausse")
            else:
                events = assistant.tracker(CUSTOMER)["events"]
                assert [e["text"] for e in events if e["event"] == "user"] == [
                    question, "je veux parler à un conseiller", "c'est urgent, ma facture est fausse"]
                assert HandoffQueue(open_database(settings)).open_for(CUSTOMER) is not None
                assert "c&#39;est urgent, ma facture est fausse" in run_async(console_queue(settings))
        finally:
            for service in reversed(services):
                service.stop()
    assert settings.tracker_db.exists()
