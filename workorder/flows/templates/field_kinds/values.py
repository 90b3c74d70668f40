"""What a custom field's value may be, kind by kind: one pure check per kind of field.

Each check sees one non-empty value, untrusted JSON, and says what is wrong with it ("" when
nothing is). What it needs from the database (dictionary items, attachments) comes through
`Lookups`, read beforehand, so the checks stay synchronous and can run thousands of times in
property tests. Nothing a client sends can make a check raise.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Final, Protocol

from workorder import ids
from workorder.flows.templates.config import FieldDefinition

TEXT_MAX: Final = 1000
TEXTAREA_MAX: Final = 20000
CUSTOM_VALUE_MAX: Final = 1000
# Whole numbers beyond this lose digits in JavaScript clients, so they are refused outright.
SAFE_INTEGER_MAX: Final = 2**53 - 1
# Bounds what one request can make load_lookups put into an IN (...) list.
ATTACHMENTS_MAX: Final = 50
CASCADE_DEPTH_MAX: Final = 20

NAIVE_DATETIME: Final = "Give a date and time with a UTC offset"

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
    r"(?P<offset>[Zz]|[+-][0-9]{2}:[0-9]{2})?"
)


class Lookups(Protocol):
    """The database facts a check needs, asked synchronously so the check stays pure."""

    def cascade_path_exists(self, dictionary_id: int, path: Sequence[str]) -> bool: ...

    def dictionary_values(self, dictionary_id: int) -> frozenset[str]: ...

    def attachment_exists(self, attachment_id: int) -> bool: ...


class CheckValue(Protocol):
    """What is wrong with one non-empty value for this field, or "" when nothing is."""

    def __call__(self, definition: FieldDefinition, value: object, lookups: Lookups) -> str: ...


def text_error(limit: int) -> CheckValue:
    def check(definition: FieldDefinition, value: object, lookups: Lookups) -> str:
        if not isinstance(value, str):
            return f"Expected text, got {kind_of(value)}"
        return "" if len(value) <= limit else f"At most {limit} characters"

    return check


def number_problem(value: object) -> str:
    """What keeps `value` from being a NUMBER field's value (or a filter's bound on one)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"Expected a number, got {kind_of(value)}"
    if isinstance(value, float) and not math.isfinite(value):
        return "Expected a finite number"
    if isinstance(value, int) and abs(value) > SAFE_INTEGER_MAX:
        return f"Whole numbers must be between -{SAFE_INTEGER_MAX} and {SAFE_INTEGER_MAX}"
    return ""


def number_error(definition: FieldDefinition, value: object, lookups: Lookups) -> str:
    return number_problem(value)


def date_error(definition: FieldDefinition, value: object, lookups: Lookups) -> str:
    expected = "Expected a date such as 2026-11-23"
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return expected
    try:
        date.fromisoformat(value)
    except ValueError:
        return "Not a real date"
    return ""


def datetime_error(definition: FieldDefinition, value: object, lookups: Lookups) -> str:
    expected = "Expected a date and time such as 2026-11-23T10:00:00+08:00"
    if not isinstance(value, str):
        return expected
    match = _DATETIME.fullmatch(value)
    if match is None:
        return expected
    try:
        datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return "Not a real date and time"
    return "" if match.group("offset") else NAIVE_DATETIME


def checkbox_error(definition: FieldDefinition, value: object, lookups: Lookups) -> str:
    return "" if isinstance(value, bool) else f"Expected true or false, got {kind_of(value)}"


def _allowed(definition: FieldDefinition, lookups: Lookups) -> frozenset[str]:
    """The values a choice field accepts: its own options, else its dictionary's roots."""
    if definition.options or definition.dictionary_id is None:
        return definition.option_values()
    return lookups.dictionary_values(definition.dictionary_id)


def _choice_error(definition: FieldDefinition, value: str, allowed: frozenset[str]) -> str:
    if definition.allow_custom_value:
        if not value.strip():
            return "Must not be blank"
        return "" if len(value) <= CUSTOM_VALUE_MAX else f"At most {CUSTOM_VALUE_MAX} characters"
    return "" if value in allowed else f"Not an option: {show(value)}"


def choice_error(definition: FieldDefinition, value: object, lookups: Lookups) -> str:
    if not isinstance(value, str):
        return f"Expected one of the options as text, got {kind_of(value)}"
    return _choice_error(definition, value, _allowed(definition, lookups))


def _not_a_list(value: object) -> str:
    return "" if isinstance(value, list) else f"Expected a list, got {kind_of(value)}"


def multi_select_error(definition: FieldDefinition, value: object, lookups: Lookups) -> str:
    if not isinstance(value, list):
        return _not_a_list(value)
    if not all(isinstance(v, str) for v in value):
        return "Expected a list of texts"
    texts = [v for v in value if isinstance(v, str)]
    if len(set(texts)) != len(texts):
        return "The same option is chosen twice"
    allowed = _allowed(definition, lookups)
    problems = (_choice_error(definition, v, allowed) for v in texts)
    return next((p for p in problems if p), "")


def cascade_error(definition: FieldDefinition, value: object, lookups: Lookups) -> str:
    if not isinstance(value, list):
        return _not_a_list(value)
    if not value or not all(isinstance(v, str) for v in value):
        return "Expected a non-empty list of texts, from the top level down"
    if definition.dictionary_id is None:
        return "This field has no dictionary to choose from"
    if len(value) > CASCADE_DEPTH_MAX:
        return f"At most {CASCADE_DEPTH_MAX} levels"
    path = [v for v in value if isinstance(v, str)]
    if not lookups.cascade_path_exists(definition.dictionary_id, path):
        return "Not a choice in the dictionary: " + " / ".join(show(v) for v in path[:5])
    return ""


def attachment_error(definition: FieldDefinition, value: object, lookups: Lookups) -> str:
    if not isinstance(value, list):
        return _not_a_list(value)
    if len(value) > ATTACHMENTS_MAX:
        return f"At most {ATTACHMENTS_MAX} attachments"
    if not all(isinstance(v, str) for v in value):
        return "Expected a list of attachment ids"
    refs = [v for v in value if isinstance(v, str)]
    if len(set(refs)) != len(refs):
        return "The same attachment is given twice"
    for ref in refs:
        pk = ids.pk_of(ref, "Attachment")
        if pk is None or not lookups.attachment_exists(pk):
            return f"Attachment not found: {show(ref)}"
    return ""


def kind_of(value: object) -> str:
    """Names a JSON type without rendering the value, which could be huge or deeply nested."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def show(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")
