"""``rasa run`` with a measured fix to Rasa's per-message work (see README, "Performance"),
and an apology when a custom action fails (see ``apologise_when_a_custom_action_fails``).

Started by ``bot.services.start_rasa`` as ``python -m bot.nlu.server run ...`` in the *rasa*
environment; the arguments are Rasa's own. Nothing else changes: same model, same
endpoints, same validation of what the action server answers.

Rasa validates every action server response with ``jsonschema.validate``, which checks
the (constant) schema against its metaschema and builds a new validator on each call:
about 40% of a message's time in Rasa under load. The schema is checked once here and its
validator kept. (The other fix, to the SQLite tracker store, is a tracker store class
configured in the endpoints file (``bot/endpoints.py``): ``bot/nlu/tracker_store.py``.)
"""
from __future__ import annotations

import sys
from typing import Any


def validate_action_responses_with_one_validator() -> None:
    """The same schema, the same errors, the schema checked once."""
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        assert isinstance(error, ValidationError)
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format "
            f"visit {DOCS_BASE_URL}/custom-actions")
        raise error

    RemoteAction._validate_action_result = _validate_action_result


def apologise_when_a_custom_action_fails() -> None:
    """The customer reads the apology (with the phone number) when a custom action fails.

    When the action server is down (it is restarted within seconds) or an action fails,
    Rasa logs the error and carries on without the action's events: the customer would read
    nothing at all. Now the message's answer gets the apology instead, once per message.
    Rasa's handling is otherwise unchanged: the error still reaches it (so a form does not
    take an answer its validation did not see), and a rejection is no failure.
    """
    import weakref

    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction

    from bot.facts import UNAVAILABLE_APOLOGY

    run = RemoteAction.run
    apologised: weakref.WeakSet[Any] = weakref.WeakSet()   # the answers already apologising

    async def run_or_apologise(self: RemoteAction, output_channel: Any, nlg: Any,
                               tracker: Any, domain: Any) -> Any:
        try:
            return await run(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except Exception:
            if output_channel is not None and output_channel not in apologised:
                apologised.add(output_channel)
                await output_channel.send_text_message(tracker.sender_id, UNAVAILABLE_APOLOGY)
            raise

    RemoteAction.run = run_or_apologise


def main() -> None:
    validate_action_responses_with_one_validator()
    apologise_when_a_custom_action_fails()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
