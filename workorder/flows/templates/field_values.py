"""Checking a work order's custom field values against its template version.

One pure, synchronous function (`validate_values`) holds every rule, so the create, save
and forward flows cannot drift apart and property tests can run it thousands of times; what
a value of each kind of field may be is the field-kind table's (field_kinds/table.py).
What it needs from the database (dictionary items, attachments) is read beforehand, in a
couple of queries, by `load_lookups`. Every problem is reported at once so a form can mark
all of its bad inputs in one round trip; nothing a client sends can make it raise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from tortoise.expressions import Q

from workorder import ids
from workorder.errors import ErrorCode, FlowError, invalid
from workorder.flows.templates.branches import form_of, is_empty
from workorder.flows.templates.config import FieldDefinition, Step, TemplateConfig
from workorder.flows.templates.field_kinds.table import KINDS, Refers
from workorder.flows.templates.field_kinds.values import (
    ATTACHMENTS_MAX,
    CASCADE_DEPTH_MAX,
    Lookups,
)
from workorder.models import Attachment, DictionaryItem

# Columns the lookups compare against; longer strings cannot match, so are never sent.
_DICTIONARY_VALUE_MAX: Final = 200
_INT4_MAX: Final = 2**31 - 1

NOT_AN_OBJECT: Final = "Expected an object keyed by field key"
UNKNOWN: Final = "Unknown field"
NOT_EDITABLE: Final = "Not editable at this step"
REQUIRED: Final = "Required"
REQUIRED_TO_LEAVE: Final = "Required before leaving this step"


class Mode(StrEnum):
    """Which write is being checked; each demands a different completeness."""

    CREATE = "CREATE"
    SAVE = "SAVE"
    FORWARD = "FORWARD"


@dataclass(frozen=True, slots=True)
class FieldError:
    key: str
    message: str


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

    live = {f.key: f for f in config.live_fields()}
    if mode == Mode.CREATE:
        merged: Mapping[str, object] = values
    else:
        merged = {**(existing if isinstance(existing, Mapping) else {}), **values}
    # The states for the values as they will be: a decision sent with its reason makes the
    # reason editable and required in the same write.
    form = form_of(config, step, merged)
    editable = form.editable
    # What the step (or a rule of it) demands; a template-required field keeps its own message.
    rules = step.field_rules if step else ()
    step_required = {
        k
        for k in form.required
        if not live[k].required
        or k in (step.required_fields if step else ())
        or any(r.field == k and r.required for r in rules)
    }
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
        # (form_of counts those among the required.)
        demanded = form.required
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
    return is_empty(value)


def _required_message(definition: FieldDefinition, mode: Mode, step_required: set[str]) -> str:
    """Why an empty value sent for this field is refused, or "" when clearing it is fine."""
    if mode == Mode.FORWARD and definition.key in step_required:
        return REQUIRED_TO_LEAVE
    if definition.required or (mode == Mode.CREATE and definition.key in step_required):
        return REQUIRED
    return ""


def _type_error(definition: FieldDefinition, value: object, lookups: Lookups) -> str:
    """What is wrong with a non-null value for this field, or "" when nothing is."""
    return KINDS[definition.type].check(definition, value, lookups)


def errors_to_flow_error(errors: list[FieldError]) -> FlowError:
    """One INVALID error for flows that raise, pointing the client at the first bad field,
    with one part per bad field (a payload lists those apart)."""
    if not errors:
        raise ValueError("errors_to_flow_error needs at least one error")
    message = "; ".join(f"{e.key}: {e.message}" if e.key else e.message for e in errors)
    parts = [invalid(e.message, ["fields", e.key] if e.key else ["fields"]) for e in errors]
    return FlowError(ErrorCode.INVALID, message, parts[0].field, parts)


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
        refers, dictionary_id = KINDS[definition.type].refers, definition.dictionary_id
        if refers == Refers.DICTIONARY_PATH and dictionary_id is not None:
            texts = [v for v in value if isinstance(v, str) and _queryable(v)]
            if texts and len(value) <= CASCADE_DEPTH_MAX:
                cascade_dictionaries.add(dictionary_id)
                path_values.update(texts)
        elif refers == Refers.ATTACHMENTS and len(value) <= ATTACHMENTS_MAX:
            pks = (ids.pk_of(v, "Attachment") for v in value if isinstance(v, str))
            attachment_pks.update(pk for pk in pks if pk is not None and pk <= _INT4_MAX)
    for definition in live.values():
        if (
            KINDS[definition.type].refers == Refers.DICTIONARY_ROOTS
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
