"""Every kind of custom field, one entry each: the one place that knows what a FieldType means.

Adding a type is one entry here (plus its tests, which tests/flows/templates/test_field_kinds.py
demands for every FieldType): checking and normalising its values, the filter operators it
takes and the SQL each becomes, how an import reads its cell and an export writes it, and the
text a person reads. The table is a literal, built when this module loads: nothing registers
itself from elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final, cast

from workorder.flows.templates.config import FieldDefinition, FieldType
from workorder.flows.templates.field_kinds import cells, display, filtering, values
from workorder.flows.templates.field_kinds.filtering import COMMON, ORDERING, Filtering, Operator
from workorder.sql.json_conditions import Read


class Choices(StrEnum):
    """What a field's definition must name for its values to be chosen from."""

    NONE = "NONE"
    OPTIONS_OR_DICTIONARY = "OPTIONS_OR_DICTIONARY"  # its own options, else a dictionary's roots
    DICTIONARY = "DICTIONARY"  # a path down a dictionary


class Refers(StrEnum):
    """Which rows a value names, read before checking it (see field_values.load_lookups)."""

    NOTHING = "NOTHING"
    DICTIONARY_ROOTS = "DICTIONARY_ROOTS"  # when the field has a dictionary and no options
    DICTIONARY_PATH = "DICTIONARY_PATH"
    ATTACHMENTS = "ATTACHMENTS"


@dataclass(frozen=True, slots=True)
class FieldKind:
    """What one FieldType means everywhere a value of it goes."""

    type: FieldType
    choices: Choices
    check: values.CheckValue  # a non-empty value sent by a client
    refers: Refers
    filtering: Filtering
    in_sheets: bool  # exported as a column and imported from one (files are not cells)
    read_cell: cells.ReadCell
    write_cell: cells.WriteCell
    display: display.Display


_TEXT_FILTER: Final = filtering.scalar(
    (*COMMON, Operator.CONTAINS), Read.TEXT, filtering.text_problem
)
_CHOICE_FILTER: Final = filtering.scalar(COMMON, Read.TEXT, filtering.text_problem)

KINDS: Final[Mapping[FieldType, FieldKind]] = MappingProxyType(
    {
        FieldType.TEXT: FieldKind(
            type=FieldType.TEXT,
            choices=Choices.NONE,
            check=values.text_error(values.TEXT_MAX),
            refers=Refers.NOTHING,
            filtering=_TEXT_FILTER,
            in_sheets=True,
            read_cell=cells.read_text,
            write_cell=cells.write_plain,
            display=display.as_text,
        ),
        FieldType.TEXTAREA: FieldKind(
            type=FieldType.TEXTAREA,
            choices=Choices.NONE,
            check=values.text_error(values.TEXTAREA_MAX),
            refers=Refers.NOTHING,
            filtering=_TEXT_FILTER,
            in_sheets=True,
            read_cell=cells.read_text,
            write_cell=cells.write_plain,
            display=display.as_text,
        ),
        FieldType.NUMBER: FieldKind(
            type=FieldType.NUMBER,
            choices=Choices.NONE,
            check=values.number_error,
            refers=Refers.NOTHING,
            # number_problem: 10**400 would overflow the database's integers
            filtering=filtering.scalar((*COMMON, *ORDERING), Read.NUMBER, values.number_problem),
            in_sheets=True,
            read_cell=cells.read_number,
            write_cell=cells.write_plain,
            display=display.as_text,
        ),
        FieldType.DATE: FieldKind(
            type=FieldType.DATE,
            choices=Choices.NONE,
            check=values.date_error,
            refers=Refers.NOTHING,
            # ISO dates order as text
            filtering=filtering.scalar((*COMMON, *ORDERING), Read.TEXT, filtering.date_problem),
            in_sheets=True,
            read_cell=cells.read_date,
            write_cell=cells.write_date,
            display=display.as_text,
        ),
        FieldType.DATETIME: FieldKind(
            type=FieldType.DATETIME,
            choices=Choices.NONE,
            check=values.datetime_error,
            refers=Refers.NOTHING,
            # no IN: a moment has many spellings, and equality is rarely what one means
            filtering=filtering.scalar(
                (Operator.EQ, Operator.NE, Operator.IS_EMPTY, *ORDERING),
                Read.MOMENT,
                filtering.datetime_problem,
            ),
            in_sheets=True,
            read_cell=cells.read_datetime,
            write_cell=cells.write_datetime,
            display=display.as_text,
        ),
        FieldType.SELECT: FieldKind(
            type=FieldType.SELECT,
            choices=Choices.OPTIONS_OR_DICTIONARY,
            check=values.choice_error,
            refers=Refers.DICTIONARY_ROOTS,
            filtering=_CHOICE_FILTER,
            in_sheets=True,
            read_cell=cells.read_text,
            write_cell=cells.write_plain,
            display=display.option_labels,
        ),
        FieldType.MULTI_SELECT: FieldKind(
            type=FieldType.MULTI_SELECT,
            choices=Choices.OPTIONS_OR_DICTIONARY,
            check=values.multi_select_error,
            refers=Refers.DICTIONARY_ROOTS,
            filtering=filtering.multi_select(),
            in_sheets=True,
            read_cell=cells.read_list(";"),
            write_cell=cells.write_plain,
            display=display.option_labels,
        ),
        FieldType.RADIO: FieldKind(
            type=FieldType.RADIO,
            choices=Choices.OPTIONS_OR_DICTIONARY,
            check=values.choice_error,
            refers=Refers.DICTIONARY_ROOTS,
            filtering=_CHOICE_FILTER,
            in_sheets=True,
            read_cell=cells.read_text,
            write_cell=cells.write_plain,
            display=display.option_labels,
        ),
        FieldType.CHECKBOX: FieldKind(
            type=FieldType.CHECKBOX,
            choices=Choices.NONE,
            check=values.checkbox_error,
            refers=Refers.NOTHING,
            filtering=filtering.scalar(
                (Operator.EQ, Operator.NE, Operator.IS_EMPTY),
                Read.BOOLEAN,
                filtering.checkbox_problem,
            ),
            in_sheets=True,
            read_cell=cells.read_checkbox,
            write_cell=cells.write_plain,
            display=display.yes_no,
        ),
        FieldType.CASCADE: FieldKind(
            type=FieldType.CASCADE,
            choices=Choices.DICTIONARY,
            check=values.cascade_error,
            refers=Refers.DICTIONARY_PATH,
            filtering=filtering.cascade(),
            in_sheets=True,
            read_cell=cells.read_list("/"),
            write_cell=cells.write_path,
            display=display.path_labels,
        ),
        FieldType.ATTACHMENT: FieldKind(
            type=FieldType.ATTACHMENT,
            choices=Choices.NONE,
            check=values.attachment_error,
            refers=Refers.ATTACHMENTS,
            filtering=filtering.not_filtered(),
            in_sheets=False,
            read_cell=cells.not_read,
            write_cell=cells.write_plain,
            display=display.file_count,
        ),
    }
)


def definition_problem(definition: FieldDefinition) -> tuple[str, str]:
    """What a field's definition lacks for its kind, and the part that lacks it; ("", "")
    when nothing does."""
    choices = KINDS[definition.type].choices
    if choices == Choices.DICTIONARY and definition.dictionary_id is None:
        return f"Cascade field {definition.key!r} needs a dictionary", "dictionary"
    if (
        choices == Choices.OPTIONS_OR_DICTIONARY
        and not definition.options
        and definition.dictionary_id is None
    ):
        return (
            f"{definition.type} field {definition.key!r} needs options or a dictionary",
            "options",
        )
    return "", ""


async def display_value(definition: FieldDefinition, raw: Any, levels: display.Levels) -> str:
    """The text a person reads for a stored value ("" for none)."""
    if raw is None:
        return ""
    return await KINDS[definition.type].display(definition, raw, levels)


class _NeedsRead(Exception):
    """A display asked for dictionary levels: its text needs a read."""


async def _no_levels(dictionary: int, parent: int | None) -> Sequence[display.Item]:
    raise _NeedsRead


def display_now(definition: FieldDefinition, raw: Any) -> str | None:
    """The text `display_value` gives, when it needs no read (every kind but a cascade's
    labels); None when it does. Runs the same display, so there is one rule per kind: a
    display that asks for no level finishes on its first step, without an event loop (a
    list page shows a few hundred values; a coroutine each is most of their cost)."""
    if raw is None:
        return ""
    running = KINDS[definition.type].display(definition, raw, _no_levels)
    try:
        running.send(None)
    except StopIteration as done:
        return cast(str, done.value)
    except _NeedsRead:
        return None
    running.close()  # awaited something else: leave it to display_value
    return None
