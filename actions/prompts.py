"""Building blocks of the forms: slot prompts (``action_ask_<slot>``) and slot checks.

Their French copy lives in ``messages.py``.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict


class PromptAction(Action, ABC):
    """Asks for one slot with a fixed French prompt; subclasses set ``name()`` and ``prompt``."""

    @property
    @abstractmethod
    def prompt(self) -> str:
        """The question sent to the customer."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=self.prompt)
        return []


def checked(slot: str, value: Any, dispatcher: CollectingDispatcher, error: str) -> dict[str, Any]:
    """A form validator's result: the normalised ``value``, or None and ``error`` sent."""
    if value is None:
        dispatcher.utter_message(text=error)
    return {slot: value}
