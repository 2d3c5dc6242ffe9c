"""``rasa run`` with a measured fix to Rasa's per-message work (see README, "Performance").

Started by ``bot.services.start_rasa`` as ``python -m bot.nlu.server run ...`` in the *rasa*
environment; the arguments are Rasa's own. Nothing else changes: same model, same
endpoints, same validation of what the action server answers.

Rasa validates every action server response with ``jsonschema.validate``, which checks
the (constant) schema against its metaschema and builds a new validator on each call:
about 40% of a message's time in Rasa under load. The schema is checked once here and its
validator kept. (The other fix, to the SQLite tracker store, is a tracker store class
configured in ``endpoints.yml``: ``bot/nlu/tracker_store.py``.)
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


def main() -> None:
    validate_action_responses_with_one_validator()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
