"""The agent console's security and its ticket pages, against the running gateway."""
from __future__ import annotations

import re
import secrets
import uuid
from datetime import datetime, timezone
from typing import Any

import aiohttp
import pytest

from bot.db import open_database
from bot.db.tables import HandoffReason, TicketStatus
from bot.facts import SERVICE_TIMEZONE, TicketKind
from bot.handoff.agents import AgentStore
from bot.settings import Settings
from bot.tickets import open_store
from bot.tickets.store import NewTicket, TicketStore
from tests.conftest import run_async

pytestmark = pytest.mark.model
PASSWORD = "une phrase de passe assez longue"


@pytest.fixture(scope="module")
def store(gateway: Settings) -> TicketStore:
    return open_store(gateway)


@pytest.fixture
def agent(gateway: Settings) -> str:
    username = f"agent{secrets.token_hex(4)}"
    AgentStore(open_database(gateway)).add(username, "Léa Martin", PASSWORD)
    return username


def file_ticket(store: TicketStore, description: str = "Facture en double") -> str:
    return store.file(NewTicket(
        kind=TicketKind.REQUEST, category="Factures et paiements", customer_name="Anne Dupont",
        email="anne@example.be", consent_at=datetime.now(timezone.utc), conversation_id="c",
        idempotency_key=uuid.uuid4().hex,
        details={"subject": "Facture", "description": description})).reference


def run(coroutine: Any) -> Any:
    return run_async(coroutine)


def client() -> aiohttp.ClientSession:
    # unsafe: keep cookies for 127.0.0.1; no redirects followed, to see each answer
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def login(http: aiohttp.ClientSession, base: str, username: str,
                password: str = PASSWORD) -> aiohttp.ClientResponse:
    async with http.get(f"{base}/console/login") as page:
        csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())[1]
    return await http.post(f"{base}/console/login", allow_redirects=False,
                           data={"csrf": csrf, "username": username, "password": password})


async def csrf_of(http: aiohttp.ClientSession, url: str) -> str:
    async with http.get(url) as page:
        return re.search(r'name="csrf" value="([^"]+)"', await page.text())[1]


def test_every_console_route_needs_a_login(gateway: Settings, store: TicketStore) -> None:
    reference = file_ticket(store)
    base = gateway.gateway_url

    async def scenario() -> None:
        async with client() as http:
            for path in ("/console", "/console/", "/console/tickets",
                         f"/console/tickets/{reference}", "/console/queue",
                         "/console/handoffs/1", "/console/search?q=x",
                         "/console/conversations/someone"):
                async with http.get(base + path, allow_redirects=False) as response:
                    assert (response.status, response.headers["Location"]) == (
                        302, "/console/login"), path
            for path in ("/console/logout", f"/console/tickets/{reference}/status",
                         "/console/handoffs/1/take", "/console/handoffs/1/notes",
                         "/console/handoffs/1/close", "/console/conversations/x/review"):
                async with http.post(base + path, data={"status": "resolved"},
                                     allow_redirects=False) as response:
                    assert response.status == 401, path
            async with http.get(base + "/console/tickets", allow_redirects=False,
                                cookies={"faqbot_console": "forged"}) as response:
                assert response.status == 302
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:  # the agents' socket
                await http.ws_connect(f"{base.replace('http', 'ws')}/console/handoffs/1/ws",
                                      headers={"Origin": base})
            assert refused.value.status == 401
    run(scenario())
    assert store.get(reference).status is TicketStatus.RECEIVED


def test_the_session_cookie_is_httponly_and_strict(gateway: Settings, agent: str) -> None:
    async def scenario() -> None:
        async with client() as http:
            response = await login(http, gateway.gateway_url, agent)
            assert (response.status, response.headers["Location"]) == (302, "/console/")
            cookie = next(c for c in response.headers.getall("Set-Cookie")
                          if c.startswith("faqbot_console="))
            assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/console" in cookie
            assert "Secure" not in cookie  # plain HTTP here; Secure when served over HTTPS
            async with http.get(f"{gateway.gateway_url}/console/tickets") as page:
                assert page.status == 200 and "Léa Martin" in await page.text()
            csrf = await csrf_of(http, f"{gateway.gateway_url}/console/tickets")
            await http.post(f"{gateway.gateway_url}/console/logout", data={"csrf": csrf},
                            allow_redirects=False)
            async with http.get(f"{gateway.gateway_url}/console/tickets",
                                allow_redirects=False) as page:
                assert page.status == 302  # the session is gone
    run(scenario())


def test_forms_need_the_csrf_token_and_the_status_change_is_audited(
        gateway: Settings, agent: str, store: TicketStore) -> None:
    reference = file_ticket(store)
    url = f"{gateway.gateway_url}/console/tickets/{reference}/status"

    async def scenario() -> None:
        async with client() as http:
            await login(http, gateway.gateway_url, agent)
            for data in ({"status": "resolved"}, {"status": "resolved", "csrf": "forged"}):
                async with http.post(url, data=data, allow_redirects=False) as response:
                    assert response.status == 403
            csrf = await csrf_of(http, f"{gateway.gateway_url}/console/tickets/{reference}")
            async with http.post(url, data={"status": "in_progress", "csrf": csrf},
                                 headers={"Origin": "https://evil.example"},
                                 allow_redirects=False) as response:
                assert response.status == 403  # another site's form, even with the token
            async with http.post(url, data={"status": "in_progress", "csrf": csrf,
                                            "note": "Pris en charge"},
                                 allow_redirects=False) as response:
                assert response.status == 303
    run(scenario())
    ticket = store.get(reference)
    assert ticket.status is TicketStatus.IN_PROGRESS
    assert (ticket.history[-1].actor, ticket.history[-1].note) == (agent, "Pris en charge")


def test_five_wrong_passwords_lock_the_account(gateway: Settings, agent: str) -> None:
    async def scenario() -> None:
        async with client() as http:
            for _ in range(5):
                response = await login(http, gateway.gateway_url, agent, "mauvais mot de passe")
                assert response.status == 401
                assert "Identifiant ou mot de passe incorrect." in await response.text()
            response = await login(http, gateway.gateway_url, agent)  # the right one, too late
            assert response.status == 401   # the same refusal (no hint that the account exists)
            assert "Identifiant ou mot de passe incorrect." in await response.text()
    run(scenario())


def test_the_login_form_needs_its_csrf_token(gateway: Settings, agent: str) -> None:
    async def scenario() -> None:
        async with client() as http, http.post(
                f"{gateway.gateway_url}/console/login", allow_redirects=False,
                data={"username": agent, "password": PASSWORD}) as response:
            assert response.status == 403
    run(scenario())


def test_what_customers_typed_is_shown_inert(gateway: Settings, agent: str,
                                             store: TicketStore) -> None:
    reference = file_ticket(store, "<script>alert('x')</script><img src=x onerror=alert(1)>")

    async def scenario() -> str:
        async with client() as http:
            await login(http, gateway.gateway_url, agent)
            async with http.get(f"{gateway.gateway_url}/console/tickets/{reference}") as page:
                return await page.text()
    html = run(scenario())
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>" not in html and "<img" not in html
    assert "<dt>Objet</dt><dd class=\"customer-text\">Facture</dd>" in html
    assert "<dt>Client</dt>" in html and "<dt>Téléphone</dt>" not in html  # none given


def test_a_wrong_answer_is_reviewed_and_exported_for_maintainers(
        gateway: Settings, agent: str, store: TicketStore, assistant, tmp_path) -> None:
    import json
    import os
    import subprocess
    import sys

    from bot.handoff.queue import HandoffQueue
    from bot.settings import PROJECT_ROOT

    sender = f"review-{secrets.token_hex(8)}"
    assistant.send(sender, "Comment activer un contrat ServicePac ?")
    handoff = HandoffQueue(open_database(gateway)).request(sender, HandoffReason.NOT_HELPFUL)

    async def scenario() -> None:
        async with client() as http:
            await login(http, gateway.gateway_url, agent)
            page_url = f"{gateway.gateway_url}/console/handoffs/{handoff.id}"
            async with http.get(page_url) as page:
                html = await page.text()
            assert "Compris : faq" in html and "réponse activation_servicepac" in html
            csrf = re.search(r'name="csrf" value="([^"]+)"', html)[1]
            form = {"csrf": csrf, "text": "Comment activer un contrat ServicePac ?",
                    "given": "activation_servicepac", "entry": "service_inventaire"}
            review_url = f"{gateway.gateway_url}/console/conversations/{sender}/review"
            async with http.post(review_url, data=form, allow_redirects=False) as response:
                assert response.status == 303
            async with http.post(review_url, data=dict(form, entry="nope"),
                                 allow_redirects=False) as response:
                assert response.status == 400
    run(scenario())
    out = tmp_path / "review.jsonl"
    env = dict(os.environ, FAQBOT_DATA_DIR=str(gateway.data_dir),
               FAQBOT_TICKETS_URL=gateway.tickets_url)
    subprocess.run([sys.executable, "-m", "bot", "review", "export", "--out", str(out)],
                   cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    exported = [json.loads(line) for line in out.read_text().splitlines()]
    assert {"text": "Comment activer un contrat ServicePac ?", "entry": "service_inventaire",
            "given": "activation_servicepac", "agent": agent} in [
        {k: e[k] for k in ("text", "entry", "given", "agent")} for e in exported]


def test_past_conversations_are_found_by_reference_email_text_and_day(
        gateway: Settings, agent: str, store: TicketStore, assistant) -> None:
    sender = f"search-{secrets.token_hex(8)}"
    marker = f"zebre{secrets.token_hex(3)}"
    assistant.send(sender, f"bonjour, question {marker} sur l'échéance de ma facture")
    reference = store.file(NewTicket(
        kind=TicketKind.CONTRACT_COPY, category="Copie de contrat", customer_name="Anne Dupont",
        email=f"{marker}@example.be", consent_at=datetime.now(timezone.utc),
        conversation_id=sender, idempotency_key=uuid.uuid4().hex,
        details={"contract_number": "CT-1"})).reference

    async def scenario() -> None:
        async with client() as http:
            await login(http, gateway.gateway_url, agent)
            today = datetime.now(SERVICE_TIMEZONE).date().isoformat()
            for params in ({"q": reference}, {"q": f"{marker.upper()}@Example.be"},
                           {"q": marker}, {"q": marker, "day": today},
                           {"q": f"{marker} sur l'échéance"}):
                async with http.get(f"{gateway.gateway_url}/console/search", params=params) as page:
                    assert f"/console/conversations/{sender}" in await page.text(), params
            for params in ({"q": "DEM-1999-000001"}, {"q": marker, "day": "2020-01-01"}):
                async with http.get(f"{gateway.gateway_url}/console/search", params=params) as page:
                    assert "Aucune conversation ne correspond." in await page.text(), params
            async with http.get(f"{gateway.gateway_url}/console/conversations/{sender}") as page:
                html = await page.text()
            assert f"bonjour, question {marker} sur l&#39;échéance de ma facture" in html
            assert "Compris : " in html
    run(scenario())


def test_a_customer_message_with_markup_is_inert_in_the_queue_and_transcript(
        gateway: Settings, agent: str, store: TicketStore, assistant) -> None:
    from bot.handoff.queue import HandoffQueue

    sender = f"markup-{secrets.token_hex(8)}"
    hostile = "<script>document.title='pwned'</script><b onmouseover=alert(1)>facture</b>"
    assistant.send(sender, hostile)
    handoff = HandoffQueue(open_database(gateway)).request(sender, HandoffReason.ASKED)

    async def scenario() -> list[str]:
        async with client() as http:
            await login(http, gateway.gateway_url, agent)
            pages = []
            for path in ("/console/queue", f"/console/handoffs/{handoff.id}",
                         f"/console/conversations/{sender}"):
                async with http.get(gateway.gateway_url + path) as page:
                    pages.append(await page.text())
            return pages
    for html in run(scenario()):
        assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in html
        assert "<script>document.title" not in html and "<b onmouseover" not in html
