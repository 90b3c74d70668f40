"""Checking a work order's custom field values against its template version.

One pure, synchronous function (`validate_values`) holds every rule, so the create, save
and forward flows cannot drift apart and property tests can run it thousands of times.
What it needs from the database (dictionary items, attachments) is read beforehand, in a
couple of queries, by `load_lookups`. Every problem is reported at once so a form can mark
all of its bad inputs in one round trip; nothing a client sends can make it raise.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Final, Protocol

from tortoise.expressions import Q

from workorder import ids
from workorder.errors import FlowError, invalid
from workorder.flows.templates.config import FieldDefinition, FieldType, Step, TemplateConfig
from workorder.models import Attachment, DictionaryItem

TEXT_MAX: Final = 1000
TEXTAREA_MAX: Final = 20000
CUSTOM_VALUE_MAX: Final = 1000
# Whole numbers beyond this lose digits in JavaScript clients, so they are refused outright.
SAFE_INTEGER_MAX: Final = 2**53 - 1
# Bounds what one request can make load_lookups put into an IN (...) list.
ATTACHMENTS_MAX: Final = 50
CASCADE_DEPTH_MAX: Final = 20
# Columns the lookups compare against; longer strings cannot match, so are never sent.
_DICTIONARY_VALUE_MAX: Final = 200
_INT4_MAX: Final = 2**31 - 1

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
    r"(?P<offset>[Zz]|[+-][0-9]{2}:[0-9]{2})?"
)
_SINGLE_CHOICE: Final = frozenset({FieldType.SELECT, FieldType.RADIO})

NOT_AN_OBJECT: Final = "Expected an object keyed by field key"
UNKNOWN: Final = "Unknown field"
NOT_EDITABLE: Final = "Not editable at this step"
REQUIRED: Final = "Required"
REQUIRED_TO_LEAVE: Final = "Required before leaving this step"
NAIVE_DATETIME: Final = "Give a date and time with a UTC offset"


class Mode(StrEnum):
    """Which write is being checked; each demands a different completeness."""

    CREATE = "CREATE"
    SAVE = "SAVE"
    FORWARD = "FORWARD"


@dataclass(frozen=True, slots=True)
class FieldError:
    key: str
    message: str


class Lookups(Protocol):
    """The database facts a check needs, asked synchronously so the check stays pure."""

    def cascade_path_exists(self, dictionary_id: int, path: Sequence[str]) -> bool: ...

    def dictionary_values(self, dictionary_id: int) -> frozenset[str]: ...

    def attachment_exists(self, attachment_id: int) -> bool: ...


# ---- the check ---------------------------------------------------------------------------


def validate_values(
    config: TemplateConfig,
    step: Step | None,
    values: Mapping[str, object],
    mode: Mode,
    lookups: Lookups,
    existing: Mapping[str, object] | None = None,
) -> list[FieldError]:
    """Every problem with `values`, at most one per field key, in form order.

    `values` is untrusted JSON, so its shape is checked here too rather than trusted to the
    type hint. `existing` matters only to FORWARD: a step may demand a field that was filled
    in by an earlier save and is not resent now.
    """
    if not isinstance(values, Mapping) or not all(isinstance(k, str) for k in values):
        return [FieldError("", NOT_AN_OBJECT)]

    editable = set(config.editable_fields(step))
    live = {f.key: f for f in config.live_fields()}
    # Only what the step shows (older configurations may ask for a field it hides).
    shown = set(config.visible_fields(step))
    step_required = {k for k in (step.required_fields if step else ()) if k in shown}
    errors: dict[str, str] = {}

    for key, value in values.items():
        definition = live.get(key)
        if definition is None:
            errors[key] = UNKNOWN
        elif key not in editable:
            errors[key] = NOT_EDITABLE
        elif message := _value_error(definition, value, mode, step_required, lookups):
            errors[key] = message

    if mode in (Mode.CREATE, Mode.FORWARD):
        # A template-required field is demanded where it can be filled: at the step that
        # makes it editable (with no workflow, at once). Else no ticket could ever be made.
        demanded = step_required | {k for k, f in live.items() if f.required and k in editable}
        if mode == Mode.CREATE:
            merged: Mapping[str, object] = values
        else:
            merged = {**(existing if isinstance(existing, Mapping) else {}), **values}
        for key in demanded - errors.keys():
            if _is_empty(merged.get(key)):
                errors[key] = REQUIRED if mode == Mode.CREATE else REQUIRED_TO_LEAVE

    positions = {f.key: f.position for f in config.fields if not f.removed or f.key not in live}

    def order(key: str) -> tuple[int, int, str]:
        # Keys the template never had come last: they have no place on the form.
        return (0, positions[key], key) if key in positions else (1, 0, key)

    return [FieldError(k, errors[k]) for k in sorted(errors, key=order)]


def _value_error(
    definition: FieldDefinition,
    value: object,
    mode: Mode,
    step_required: set[str],
    lookups: Lookups,
) -> str:
    """An empty value is judged by whether it may be cleared, any other by its type."""
    if _is_empty(value):
        required = _required_message(definition, mode, step_required)
        if required or value is None:
            return required
    return _type_error(definition, value, lookups)


def _is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list) and not value


def _required_message(definition: FieldDefinition, mode: Mode, step_required: set[str]) -> str:
    """Why an empty value sent for this field is refused, or "" when clearing it is fine."""
    if mode == Mode.FORWARD and definition.key in step_required:
        return REQUIRED_TO_LEAVE
    if definition.required or (mode == Mode.CREATE and definition.key in step_required):
        return REQUIRED
    return ""


def _type_error(definition: FieldDefinition, value: object, lookups: Lookups) -> str:
    """What is wrong with a non-null value for this field, or "" when nothing is."""
    kind = definition.type
    if kind in (FieldType.TEXT, FieldType.TEXTAREA):
        return _text_error(value, TEXT_MAX if kind == FieldType.TEXT else TEXTAREA_MAX)
    if kind == FieldType.NUMBER:
        return number_problem(value)
    if kind == FieldType.DATE:
        return _date_error(value)
    if kind == FieldType.DATETIME:
        return _datetime_error(value)
    if kind == FieldType.CHECKBOX:
        return "" if isinstance(value, bool) else f"Expected true or false, got {_kind(value)}"
    if kind in _SINGLE_CHOICE:
        if not isinstance(value, str):
            return f"Expected one of the options as text, got {_kind(value)}"
        return _choice_error(definition, value, _allowed(definition, lookups))
    if not isinstance(value, list):
        return f"Expected a list, got {_kind(value)}"
    if kind == FieldType.MULTI_SELECT:
        return _multi_select_error(definition, value, lookups)
    if kind == FieldType.CASCADE:
        return _cascade_error(definition, value, lookups)
    return _attachment_error(value, lookups)


def _text_error(value: object, limit: int) -> str:
    if not isinstance(value, str):
        return f"Expected text, got {_kind(value)}"
    return "" if len(value) <= limit else f"At most {limit} characters"


def number_problem(value: object) -> str:
    """What keeps `value` from being a NUMBER field's value (or a filter's bound on one)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"Expected a number, got {_kind(value)}"
    if isinstance(value, float) and not math.isfinite(value):
        return "Expected a finite number"
    if isinstance(value, int) and abs(value) > SAFE_INTEGER_MAX:
        return f"Whole numbers must be between -{SAFE_INTEGER_MAX} and {SAFE_INTEGER_MAX}"
    return ""


def _date_error(value: object) -> str:
    expected = "Expected a date such as 2026-11-23"
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return expected
    try:
        date.fromisoformat(value)
    except ValueError:
        return "Not a real date"
    return ""


def _datetime_error(value: object) -> str:
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
    return "" if value in allowed else f"Not an option: {_show(value)}"


def _multi_select_error(definition: FieldDefinition, value: list[object], lookups: Lookups) -> str:
    if not all(isinstance(v, str) for v in value):
        return "Expected a list of texts"
    texts = [v for v in value if isinstance(v, str)]
    if len(set(texts)) != len(texts):
        return "The same option is chosen twice"
    allowed = _allowed(definition, lookups)
    problems = (_choice_error(definition, v, allowed) for v in texts)
    return next((p for p in problems if p), "")


def _cascade_error(definition: FieldDefinition, value: list[object], lookups: Lookups) -> str:
    if not value or not all(isinstance(v, str) for v in value):
        return "Expected a non-empty list of texts, from the top level down"
    if definition.dictionary_id is None:
        return "This field has no dictionary to choose from"
    if len(value) > CASCADE_DEPTH_MAX:
        return f"At most {CASCADE_DEPTH_MAX} levels"
    path = [v for v in value if isinstance(v, str)]
    if not lookups.cascade_path_exists(definition.dictionary_id, path):
        return "Not a choice in the dictionary: " + " / ".join(_show(v) for v in path[:5])
    return ""


def _attachment_error(value: list[object], lookups: Lookups) -> str:
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
            return f"Attachment not found: {_show(ref)}"
    return ""


def _kind(value: object) -> str:
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


def _show(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def errors_to_flow_error(errors: list[FieldError]) -> FlowError:
    """One INVALID error for flows that raise, pointing the client at the first bad field."""
    if not errors:
        raise ValueError("errors_to_flow_error needs at least one error")
    message = "; ".join(f"{e.key}: {e.message}" if e.key else e.message for e in errors)
    first = errors[0].key
    return invalid(message, ["fields", first] if first else ["fields"])


# ---- loading what the check needs --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PreloadedLookups:
    """Answers from rows read up front. Anything not loaded does not exist, which is the
    safe answer: load_lookups reads every row `values` could legitimately refer to."""

    # (dictionary_id, parent_id, value) -> item id, active items only.
    items: Mapping[tuple[int, int | None, str], int] = field(default_factory=dict)
    roots: Mapping[int, frozenset[str]] = field(default_factory=dict)
    attachments: frozenset[int] = frozenset()

    def cascade_path_exists(self, dictionary_id: int, path: Sequence[str]) -> bool:
        parent: int | None = None
        for value in path:
            found = self.items.get((dictionary_id, parent, value))
            if found is None:
                return False
            parent = found
        return bool(path)

    def dictionary_values(self, dictionary_id: int) -> frozenset[str]:
        return self.roots.get(dictionary_id, frozenset())

    def attachment_exists(self, attachment_id: int) -> bool:
        return attachment_id in self.attachments


async def load_lookups(
    tenant_id: int, config: TemplateConfig, values: Mapping[str, object]
) -> PreloadedLookups:
    """Read, in at most two queries, the tenant's rows that `values` refers to.

    Cascade items are narrowed to the strings that appear in the sent paths, so a large
    dictionary (every district of a country) costs only the handful of rows on the path.
    Root items of dictionary-backed choice fields are read whole: they are the option list.
    Input that could never match (too long, NUL bytes, unencodable, ids out of range) is left
    out of the queries so it cannot make the database raise.
    """
    if not isinstance(values, Mapping):
        return PreloadedLookups()
    live = {f.key: f for f in config.live_fields()}
    root_dictionaries: set[int] = set()
    cascade_dictionaries: set[int] = set()
    path_values: set[str] = set()
    attachment_pks: set[int] = set()
    for key, value in values.items():
        definition = live.get(key) if isinstance(key, str) else None
        if definition is None or not isinstance(value, list):
            continue
        kind, dictionary_id = definition.type, definition.dictionary_id
        if kind == FieldType.CASCADE and dictionary_id is not None:
            texts = [v for v in value if isinstance(v, str) and _queryable(v)]
            if texts and len(value) <= CASCADE_DEPTH_MAX:
                cascade_dictionaries.add(dictionary_id)
                path_values.update(texts)
        elif kind == FieldType.ATTACHMENT and len(value) <= ATTACHMENTS_MAX:
            pks = (ids.pk_of(v, "Attachment") for v in value if isinstance(v, str))
            attachment_pks.update(pk for pk in pks if pk is not None and pk <= _INT4_MAX)
    for definition in live.values():
        if (
            definition.type in _SINGLE_CHOICE | {FieldType.MULTI_SELECT}
            and not definition.options
            and definition.dictionary_id is not None
            and isinstance(values.get(definition.key), str | list)
        ):
            root_dictionaries.add(definition.dictionary_id)

    items: dict[tuple[int, int | None, str], int] = {}
    roots: dict[int, set[str]] = {}
    if root_dictionaries or cascade_dictionaries:
        parts = []
        if root_dictionaries:
            parts.append(Q(dictionary_id__in=sorted(root_dictionaries), parent_id__isnull=True))
        if cascade_dictionaries:
            parts.append(
                Q(dictionary_id__in=sorted(cascade_dictionaries), value__in=sorted(path_values))
            )
        wanted = Q(*parts, join_type="OR")
        rows = await DictionaryItem.filter(wanted, tenant_id=tenant_id, active=True).values_list(
            "id", "dictionary_id", "parent_id", "value"
        )
        for item_id, dictionary_id, parent_id, value in rows:
            items[(dictionary_id, parent_id, value)] = item_id
            if parent_id is None:
                roots.setdefault(dictionary_id, set()).add(value)

    attachments: frozenset[int] = frozenset()
    if attachment_pks:
        found = await Attachment.filter(tenant_id=tenant_id, id__in=sorted(attachment_pks)).values(
            "id"
        )
        attachments = frozenset(int(row["id"]) for row in found)

    return PreloadedLookups(
        items=items,
        roots={d: frozenset(v) for d, v in roots.items() if d in root_dictionaries},
        attachments=attachments,
    )


def _queryable(text: str) -> bool:
    if len(text) > _DICTIONARY_VALUE_MAX or "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
