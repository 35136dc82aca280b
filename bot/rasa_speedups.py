"""Rasa 3.6 hot-path fixes, installed when our channels load (bot/channels/__init__.py).

Found with py-spy on a Rasa worker under 20 concurrent patients:
- ``RemoteAction._validate_action_result`` calls ``jsonschema.validate`` for every custom-action
  response, which re-checks the schema against the JSON-Schema meta-schema each time: over half
  of the worker's CPU. We validate against the same schema with a validator built once.
- ``Event.resolve_by_type`` walks every Event subclass for every event of every tracker loaded
  from Redis (~14 % of CPU). We remember the answer per event name; unknown names still go
  through Rasa's own code (and its errors).
Same checks, same results, same errors — only done once.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jsonschema
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event


@lru_cache(maxsize=1)
def _response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)  # once, not per response
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    error = jsonschema.exceptions.best_match(_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from "
        f"the Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


_rasa_resolve_by_type = Event.resolve_by_type
_event_types: dict[str, type[Event]] = {}


def _resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    known = _event_types.get(type_name)
    if known is not None:
        return known
    try:
        found = _rasa_resolve_by_type(type_name, None) if type_name != "topic" else None
    except ValueError:
        found = None
    if found is not None:
        _event_types[type_name] = found
        return found
    return _rasa_resolve_by_type(type_name, default)


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[method-assign,assignment]


__all__ = ["ValidationError", "install"]
