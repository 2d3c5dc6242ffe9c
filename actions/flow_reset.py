"""Forget what a cancelled flow had collected (status lookup or intake)."""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.intake import reset_intake
from actions.status_lookup import reset_flow_slots


class ActionResetFlowSlots(Action):
    """Run after "annuler": no answer of the abandoned flow survives."""

    def name(self) -> str:
        return "action_reset_flow_slots"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        return reset_flow_slots() + reset_intake()
