"""Payloads of the buttons the actions offer and the code relies on, written once.

A payload is ``/`` and an intent of ``domain.yml``: Rasa reads it as that intent, with
certainty. The actions offer these buttons; the gateway (which may not import ``actions``)
recognises some of them.
"""
from __future__ import annotations

import enum


class Payload(str, enum.Enum):
    """A button's payload; ``str()`` and JSON give the payload itself."""

    TALK_TO_HUMAN = "/talk_to_human"
    SUBMIT_REQUEST = "/submit_request"
    RETRY_SUBMISSION = "/retry_submission"
    STOP = "/stop"   # abandons a request; in the agents' queue, the gateway takes it as leaving

    def __str__(self) -> str:
        return self.value

    @property
    def intent(self) -> str:
        """The intent the payload stands for (``stop`` for ``/stop``)."""
        return self.value.removeprefix("/")
