"""Button payloads the code relies on: each is an intent of the domain, and reads as itself."""
from __future__ import annotations

import json
from typing import Any

import pytest

from bot.payloads import Payload


@pytest.mark.parametrize("payload", list(Payload))
def test_each_payload_is_an_intent_of_the_domain(payload: Payload, domain: dict[str, Any]) -> None:
    assert payload.intent in domain["intents"]


def test_a_payload_is_written_as_its_value() -> None:
    assert (str(Payload.STOP), f"{Payload.STOP}", json.dumps(Payload.STOP)) == (
        "/stop", "/stop", '"/stop"')
