"""Form prompts sent by actions (``action_ask_<slot>``), their copy in ``messages.py``."""
from __future__ import annotations

from abc import ABC, abstractmethod

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
