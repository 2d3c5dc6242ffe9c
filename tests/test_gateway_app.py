"""The customer socket in-process (no Rasa, or a fake one): the checks at the edge."""
from __future__ import annotations

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from bot.settings import Settings
from tests.test_console_app import settings, with_gateway

__all__ = ["settings"]  # the fixture, shared with the console's tests


def test_a_session_id_ending_in_a_newline_is_refused(settings: Settings) -> None:
    origin = {"Origin": settings.origins[0]}

    async def scenario(client: TestClient) -> None:
        for session in ("a" * 16 + "%0A", "a" * 16 + "%0D%0A", "a" * 64 + "%0A"):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(f"/ws?session={session}", headers=origin)
            assert refused.value.status == 400, session
        socket = await client.ws_connect(f"/ws?session={'a' * 16}", headers=origin)
        assert (await socket.receive_json())["type"] == "history"
        await socket.close()
    with_gateway(settings, scenario)
