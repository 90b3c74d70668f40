"""The field-kind table, row by row and without a database: every FieldType has a complete
entry, and each entry's checks, filter operators (the SQL they become, in both dialects),
spreadsheet cells and display text are what the integration suites rely on."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypika_tortoise.context import DEFAULT_SQL_CONTEXT
from pypika_tortoise.enums import Dialects
from pypika_tortoise.queries import Table
from tortoise.expressions import Q

from workorder.flows.templates.config import FieldDefinition, FieldType, Option
from workorder.flows.templates.field_kinds.cells import CellError
from workorder.flows.templates.field_kinds.filtering import Filtering, Operator
from workorder.flows.templates.field_kinds.table import (
    KINDS,
    Choices,
    FieldKind,
    Refers,
    definition_problem,
    display_value,
)
from workorder.flows.templates.field_kinds.values import NAIVE_DATETIME
from workorder.ids import to_global_id
from workorder.sql.json_conditions import Where

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _clean_database() -> None:
    """Replaces the suite's per-test truncation: nothing here touches a database, so no
    database (nor app) is started for these tests."""


COLOUR = (Option(value="red", label="Red"), Option(value="blue", label="Blue"))


def define(kind: str, **extra: Any) -> FieldDefinition:
    return FieldDefinition(key="k", label="K", type=FieldType(kind), **extra)


# ---- the table is complete ------------------------------------------------------------------


@pytest.mark.parametrize("field_type", list(FieldType))
def test_every_field_type_has_a_complete_entry(field_type: FieldType) -> None:
    kind = KINDS.get(field_type)
    assert kind is not None, f"{field_type} has no entry in field_kinds.table.KINDS"
    assert kind.type == field_type
    for part in dataclasses.fields(FieldKind):
        assert getattr(kind, part.name) is not None, f"{field_type}: no {part.name}"
    assert isinstance(kind.choices, Choices) and isinstance(kind.refers, Refers)
    assert isinstance(kind.filtering, Filtering)
    assert all(isinstance(op, Operator) for op in kind.filtering.operators)
    assert callable(kind.check) and callable(kind.display)
    assert callable(kind.read_cell) and callable(kind.write_cell)
    assert callable(kind.filtering.problem) and callable(kind.filtering.where)


def test_the_table_holds_nothing_but_field_types() -> None:
    assert set(KINDS) == set(FieldType)


# ---- checking a value -----------------------------------------------------------------------


class Lookups:
    """An in-memory dictionary (GD / SZ, roots GD and ZJ) and one attachment, 7."""

    def cascade_path_exists(self, dictionary_id: int, path: Sequence[str]) -> bool:
        return list(path) in (["GD"], ["GD", "SZ"])

    def dictionary_values(self, dictionary_id: int) -> frozenset[str]:
        return frozenset({"GD", "ZJ"})

    def attachment_exists(self, attachment_id: int) -> bool:
        return attachment_id == 7


FILE = to_global_id("Attachment", 7)
NO_FILE = to_global_id("Attachment", 8)


@pytest.mark.parametrize(
    ("kind", "extra", "value", "problem"),
    [
        ("TEXT", {}, "hello", ""),
        ("TEXT", {}, "x" * 1000, ""),
        ("TEXT", {}, "x" * 1001, "At most 1000 characters"),
        ("TEXT", {}, 5, "Expected text, got a number"),
        ("TEXTAREA", {}, "x" * 20000, ""),
        ("TEXTAREA", {}, "x" * 20001, "At most 20000 characters"),
        ("NUMBER", {}, 2.5, ""),
        ("NUMBER", {}, True, "Expected a number, got true"),
        ("NUMBER", {}, float("inf"), "Expected a finite number"),
        (
            "NUMBER",
            {},
            2**53,
            "Whole numbers must be between -9007199254740991 and 9007199254740991",
        ),
        ("DATE", {}, "2026-11-23", ""),
        ("DATE", {}, "2026-02-30", "Not a real date"),
        ("DATE", {}, "23/11/2026", "Expected a date such as 2026-11-23"),
        ("DATETIME", {}, "2026-11-23T10:00:00+08:00", ""),
        ("DATETIME", {}, "2026-11-23 10:00z", ""),
        ("DATETIME", {}, "2026-11-23T10:00", NAIVE_DATETIME),
        ("DATETIME", {}, "2026-11-23T25:00Z", "Not a real date and time"),
        ("DATETIME", {}, 5, "Expected a date and time such as 2026-11-23T10:00:00+08:00"),
        ("CHECKBOX", {}, False, ""),
        ("CHECKBOX", {}, "yes", "Expected true or false, got text"),
        ("SELECT", {"options": COLOUR}, "red", ""),
        ("SELECT", {"options": COLOUR}, "green", "Not an option: 'green'"),
        ("SELECT", {"options": COLOUR}, ["red"], "Expected one of the options as text, got a list"),
        ("SELECT", {"options": COLOUR, "allow_custom_value": True}, "green", ""),
        ("SELECT", {"options": COLOUR, "allow_custom_value": True}, " ", "Must not be blank"),
        ("RADIO", {"dictionary_id": 1}, "ZJ", ""),
        ("RADIO", {"dictionary_id": 1}, "SZ", "Not an option: 'SZ'"),
        ("MULTI_SELECT", {"options": COLOUR}, ["red", "blue"], ""),
        ("MULTI_SELECT", {"options": COLOUR}, ["red", "red"], "The same option is chosen twice"),
        ("MULTI_SELECT", {"options": COLOUR}, ["red", 1], "Expected a list of texts"),
        ("MULTI_SELECT", {"options": COLOUR}, "red", "Expected a list, got text"),
        ("MULTI_SELECT", {"options": COLOUR}, ["red", "pink"], "Not an option: 'pink'"),
        ("CASCADE", {"dictionary_id": 1}, ["GD", "SZ"], ""),
        (
            "CASCADE",
            {"dictionary_id": 1},
            ["GD", "HZ"],
            "Not a choice in the dictionary: 'GD' / 'HZ'",
        ),
        (
            "CASCADE",
            {"dictionary_id": 1},
            [],
            "Expected a non-empty list of texts, from the top level down",
        ),
        ("CASCADE", {}, ["GD"], "This field has no dictionary to choose from"),
        ("CASCADE", {"dictionary_id": 1}, ["GD"] * 21, "At most 20 levels"),
        ("ATTACHMENT", {}, [FILE], ""),
        ("ATTACHMENT", {}, [NO_FILE], f"Attachment not found: {NO_FILE!r}"),
        ("ATTACHMENT", {}, [FILE, FILE], "The same attachment is given twice"),
        ("ATTACHMENT", {}, [FILE] * 51, "At most 50 attachments"),
        ("ATTACHMENT", {}, FILE, "Expected a list, got text"),
    ],
)
def test_values_are_checked_by_their_kind(
    kind: str, extra: dict[str, Any], value: object, problem: str
) -> None:
    definition = define(kind, **extra)
    assert KINDS[definition.type].check(definition, value, Lookups()) == problem


@pytest.mark.parametrize(
    ("kind", "extra", "problem"),
    [
        ("TEXT", {}, ("", "")),
        ("SELECT", {"options": COLOUR}, ("", "")),
        ("RADIO", {"dictionary_id": 1}, ("", "")),
        ("MULTI_SELECT", {}, ("MULTI_SELECT field 'k' needs options or a dictionary", "options")),
        ("RADIO", {}, ("RADIO field 'k' needs options or a dictionary", "options")),
        ("CASCADE", {}, ("Cascade field 'k' needs a dictionary", "dictionary")),
        ("CASCADE", {"dictionary_id": 1}, ("", "")),
    ],
)
def test_a_definition_names_what_its_kind_chooses_from(
    kind: str, extra: dict[str, Any], problem: tuple[str, str]
) -> None:
    assert definition_problem(define(kind, **extra)) == problem


# ---- filtering ------------------------------------------------------------------------------

EQ, NE, IN, CONTAINS, IS_EMPTY = (
    Operator.EQ,
    Operator.NE,
    Operator.IN,
    Operator.CONTAINS,
    Operator.IS_EMPTY,
)
ORDERING = (Operator.GT, Operator.GTE, Operator.LT, Operator.LTE)


@pytest.mark.parametrize(
    ("kind", "operators"),
    [
        ("TEXT", {EQ, NE, IN, IS_EMPTY, CONTAINS}),
        ("TEXTAREA", {EQ, NE, IN, IS_EMPTY, CONTAINS}),
        ("NUMBER", {EQ, NE, IN, IS_EMPTY, *ORDERING}),
        ("DATE", {EQ, NE, IN, IS_EMPTY, *ORDERING}),
        ("DATETIME", {EQ, NE, IS_EMPTY, *ORDERING}),
        ("SELECT", {EQ, NE, IN, IS_EMPTY}),
        ("RADIO", {EQ, NE, IN, IS_EMPTY}),
        ("MULTI_SELECT", {CONTAINS, IN, NE, IS_EMPTY}),
        ("CHECKBOX", {EQ, NE, IS_EMPTY}),
        ("CASCADE", {EQ, NE, CONTAINS, IS_EMPTY}),
        ("ATTACHMENT", set()),
    ],
)
def test_each_kind_takes_its_operators(kind: str, operators: set[Operator]) -> None:
    assert set(KINDS[FieldType(kind)].filtering.operators) == operators


@pytest.mark.parametrize(
    ("kind", "op", "value", "problem"),
    [
        ("TEXT", EQ, "red", ""),
        ("TEXT", EQ, 5, "Expected text"),
        ("TEXT", CONTAINS, "", "Expected some text"),
        ("TEXT", IN, [], "Expected a non-empty list"),
        ("TEXT", IN, ["a"] * 101, "At most 100 values"),
        ("TEXT", IN, ["a", 1], "Expected text"),
        ("TEXT", IS_EMPTY, None, ""),
        ("TEXT", IS_EMPTY, "yes", "Expected true, false or null"),
        (
            "NUMBER",
            Operator.GT,
            10**400,
            "Whole numbers must be between -9007199254740991 and 9007199254740991",
        ),
        ("NUMBER", IN, [1, "2"], "Expected a number, got text"),
        ("DATE", Operator.LT, "2026-02-30", "Expected a date such as 2026-11-23"),
        ("DATE", EQ, 20261123, "Expected text"),
        (
            "DATETIME",
            Operator.GTE,
            "2026-11-23T10:00",
            "Expected a date and time with a UTC offset, such as 2026-11-23T10:00:00+08:00",
        ),
        ("DATETIME", EQ, "2026-11-23T10:00z", ""),
        ("CHECKBOX", EQ, "true", "Expected true or false"),
        ("CHECKBOX", NE, False, ""),
        ("MULTI_SELECT", CONTAINS, ["red"], "Expected one value as text"),
        ("MULTI_SELECT", IN, ["red", 1], "Expected text"),
        ("CASCADE", EQ, "GD", "Expected a path: a list of item values"),
        ("CASCADE", NE, ["GD", "SZ"], ""),
        ("CASCADE", CONTAINS, "GD", ""),
    ],
)
def test_condition_values_are_checked_by_kind(
    kind: str, op: Operator, value: Any, problem: str
) -> None:
    assert KINDS[FieldType(kind)].filtering.problem(op, value) == problem


def render(q: Q, dialect: str) -> str:
    """A condition as the SQL text each dialect is sent (values inlined, so readable here;
    at query time they are bound parameters). Q nodes are joined as Tortoise joins them."""
    ctx = DEFAULT_SQL_CONTEXT
    if dialect == "postgres":
        ctx = DEFAULT_SQL_CONTEXT.copy(dialect=Dialects.POSTGRESQL)
    if isinstance(q, Where):
        sql = str(q.make(Table("ticket").field_values, dialect).get_sql(ctx))
    else:
        sql = f" {q.join_type} ".join(f"({render(c, dialect)})" for c in q.children)
    return f"NOT ({sql})" if q._is_negated else sql


@pytest.mark.parametrize(
    ("kind", "op", "value", "sqlite", "postgres"),
    [
        (
            "TEXT",
            "EQ",
            "red",
            "json_extract(\"field_values\",'$.\"k\"')='red'",
            '"field_values"@>\'{"k": "red"}\'',
        ),
        (
            "TEXT",
            "CONTAINS",
            "ed",
            "UPPER(CAST(json_extract(\"field_values\",'$.\"k\"') AS VARCHAR)) LIKE UPPER('%ed%') ESCAPE '\\'",
            "UPPER(CAST(\"field_values\"->>'k' AS VARCHAR)) LIKE UPPER('%ed%') ESCAPE '\\'",
        ),
        (
            "TEXT",
            "IN",
            ["a", "b"],
            "json_extract(\"field_values\",'$.\"k\"') IN ('a','b')",
            '"field_values"@>\'{"k": "a"}\' OR "field_values"@>\'{"k": "b"}\'',
        ),
        (
            "TEXT",
            "NE",
            "red",
            "(NOT (json_extract(\"field_values\",'$.\"k\"')='red')) OR (json_extract(\"field_values\",'$.\"k\"') IS NULL OR json_extract(\"field_values\",'$.\"k\"') IN ('','[]'))",
            "(NOT (\"field_values\"@>'{\"k\": \"red\"}')) OR (\"field_values\"->>'k' IS NULL OR \"field_values\"->>'k' IN ('','[]'))",
        ),
        (
            "TEXT",
            "IS_EMPTY",
            True,
            "json_extract(\"field_values\",'$.\"k\"') IS NULL OR json_extract(\"field_values\",'$.\"k\"') IN ('','[]')",
            "\"field_values\"->>'k' IS NULL OR \"field_values\"->>'k' IN ('','[]')",
        ),
        (
            "TEXT",
            "IS_EMPTY",
            False,
            "NOT (json_extract(\"field_values\",'$.\"k\"') IS NULL OR json_extract(\"field_values\",'$.\"k\"') IN ('','[]'))",
            "NOT (\"field_values\"->>'k' IS NULL OR \"field_values\"->>'k' IN ('','[]'))",
        ),
        (
            "NUMBER",
            "GT",
            3,
            'json_extract("field_values",\'$."k"\')>3',
            "CAST(\"field_values\"->>'k' AS DOUBLE PRECISION)>3",
        ),
        (
            "NUMBER",
            "EQ",
            3,
            'json_extract("field_values",\'$."k"\')=3',
            '"field_values"@>\'{"k": 3}\'',
        ),
        (
            "DATE",
            "LTE",
            "2026-11-23",
            "json_extract(\"field_values\",'$.\"k\"')<='2026-11-23'",
            "\"field_values\"->>'k'<='2026-11-23'",
        ),
        (
            "DATETIME",
            "GTE",
            "2026-11-23T10:00:00+08:00",
            "datetime(json_extract(\"field_values\",'$.\"k\"'))>='2026-11-23 02:00:00'",
            "CAST(\"field_values\"->>'k' AS TIMESTAMPTZ)>='2026-11-23T02:00:00+00:00'",
        ),
        (
            "DATETIME",
            "EQ",
            "2026-11-23T10:00:00Z",
            "datetime(json_extract(\"field_values\",'$.\"k\"'))='2026-11-23 10:00:00'",
            "CAST(\"field_values\"->>'k' AS TIMESTAMPTZ)='2026-11-23T10:00:00+00:00'",
        ),
        (
            "CHECKBOX",
            "EQ",
            True,
            'json_extract("field_values",\'$."k"\')=1',
            '"field_values"@>\'{"k": true}\'',
        ),
        (
            "CHECKBOX",
            "NE",
            False,
            '(NOT (json_extract("field_values",\'$."k"\')=0)) OR (json_extract("field_values",\'$."k"\') IS NULL OR json_extract("field_values",\'$."k"\') IN (\'\',\'[]\'))',
            "(NOT (\"field_values\"@>'{\"k\": false}')) OR (\"field_values\"->>'k' IS NULL OR \"field_values\"->>'k' IN ('','[]'))",
        ),
        (
            "SELECT",
            "IN",
            ["red", "blue"],
            "json_extract(\"field_values\",'$.\"k\"') IN ('red','blue')",
            '"field_values"@>\'{"k": "red"}\' OR "field_values"@>\'{"k": "blue"}\'',
        ),
        (
            "RADIO",
            "EQ",
            "red",
            "json_extract(\"field_values\",'$.\"k\"')='red'",
            '"field_values"@>\'{"k": "red"}\'',
        ),
        (
            "MULTI_SELECT",
            "CONTAINS",
            "red",
            "EXISTS (SELECT 1 FROM json_each(\"field_values\", '$.\"k\"') WHERE json_each.value IN ('red'))",
            '"field_values"@>\'{"k": ["red"]}\'',
        ),
        (
            "MULTI_SELECT",
            "IN",
            ["red", "blue"],
            "EXISTS (SELECT 1 FROM json_each(\"field_values\", '$.\"k\"') WHERE json_each.value IN ('red', 'blue'))",
            '"field_values"@>\'{"k": ["red"]}\' OR "field_values"@>\'{"k": ["blue"]}\'',
        ),
        (
            "MULTI_SELECT",
            "NE",
            "red",
            "(NOT (EXISTS (SELECT 1 FROM json_each(\"field_values\", '$.\"k\"') WHERE json_each.value IN ('red')))) OR (json_extract(\"field_values\",'$.\"k\"') IS NULL OR json_extract(\"field_values\",'$.\"k\"') IN ('','[]'))",
            "(NOT (\"field_values\"@>'{\"k\": [\"red\"]}')) OR (\"field_values\"->>'k' IS NULL OR \"field_values\"->>'k' IN ('','[]'))",
        ),
        (
            "CASCADE",
            "EQ",
            ["GD", "SZ"],
            'json_extract("field_values",\'$."k"\')=json(\'["GD","SZ"]\')',
            '"field_values"->\'k\'@>\'["GD", "SZ"]\' AND "field_values"->\'k\'<@\'["GD", "SZ"]\'',
        ),
        (
            "CASCADE",
            "CONTAINS",
            "GD",
            "EXISTS (SELECT 1 FROM json_each(\"field_values\", '$.\"k\"') WHERE json_each.value IN ('GD'))",
            '"field_values"@>\'{"k": ["GD"]}\'',
        ),
        (
            "CASCADE",
            "NE",
            ["GD"],
            '(NOT (json_extract("field_values",\'$."k"\')=json(\'["GD"]\'))) OR (json_extract("field_values",\'$."k"\') IS NULL OR json_extract("field_values",\'$."k"\') IN (\'\',\'[]\'))',
            "(NOT (\"field_values\"->'k'@>'[\"GD\"]' AND \"field_values\"->'k'<@'[\"GD\"]')) OR (\"field_values\"->>'k' IS NULL OR \"field_values\"->>'k' IN ('','[]'))",
        ),
        (
            "TEXTAREA",
            "CONTAINS",
            "x",
            "UPPER(CAST(json_extract(\"field_values\",'$.\"k\"') AS VARCHAR)) LIKE UPPER('%x%') ESCAPE '\\'",
            "UPPER(CAST(\"field_values\"->>'k' AS VARCHAR)) LIKE UPPER('%x%') ESCAPE '\\'",
        ),
    ],
)
def test_conditions_become_sql_for_both_dialects(
    kind: str, op: str, value: Any, sqlite: str, postgres: str
) -> None:
    where = KINDS[FieldType(kind)].filtering.where("k", Operator(op), value)
    assert render(where, "sqlite") == sqlite
    assert render(where, "postgres") == postgres


def test_no_condition_fits_an_attachment() -> None:
    filtering = KINDS[FieldType.ATTACHMENT].filtering
    assert filtering.problem(EQ, "x") == "EQ fits no field of this kind"
    with pytest.raises(ValueError, match="fits no field"):
        filtering.where("k", EQ, "x")


# ---- spreadsheet cells ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "cell", "value"),
    [
        ("TEXT", "  hello ", "hello"),
        ("TEXT", 1002.0, "1002"),
        ("TEXT", date(2026, 11, 23), "2026-11-23"),
        ("SELECT", "red", "red"),
        ("NUMBER", "1,250", 1250),
        ("NUMBER", 2.5, 2.5),
        ("NUMBER", 3.0, 3),
        ("CHECKBOX", "Yes", True),
        ("CHECKBOX", "否", False),
        ("CHECKBOX", "1", True),
        ("CHECKBOX", False, False),
        ("DATE", datetime(2026, 11, 23, 9, 30), "2026-11-23"),
        ("DATE", "2026-11-23", "2026-11-23"),
        ("DATETIME", "2026-11-23 09:30", "2026-11-23T09:30:00+08:00"),
        ("DATETIME", datetime(2026, 11, 23, 9, 30), "2026-11-23T09:30:00+08:00"),
        ("DATETIME", date(2026, 11, 23), "2026-11-23T00:00:00+08:00"),
        ("DATETIME", "soon", "soon"),
        ("MULTI_SELECT", "red; blue ;", ["red", "blue"]),
        ("CASCADE", "Guangdong / Shenzhen", ["Guangdong", "Shenzhen"]),
    ],
)
def test_an_import_reads_a_cell_by_its_kind(kind: str, cell: Any, value: Any) -> None:
    assert KINDS[FieldType(kind)].read_cell(cell, SHANGHAI) == value


@pytest.mark.parametrize(
    ("kind", "cell", "message"),
    [
        ("NUMBER", "many", "Expected a number, got 'many'"),
        ("NUMBER", True, "Expected a number"),
        ("CHECKBOX", "maybe", "Expected yes or no, got 'maybe'"),
        ("ATTACHMENT", "a.pdf", "This kind of field cannot be imported"),
    ],
)
def test_a_cell_that_is_not_its_kind_is_refused(kind: str, cell: Any, message: str) -> None:
    with pytest.raises(CellError) as refused:
        KINDS[FieldType(kind)].read_cell(cell, SHANGHAI)
    assert refused.value.message == message


@pytest.mark.parametrize(
    ("kind", "value", "cell"),
    [
        ("TEXT", "hello", "hello"),
        ("NUMBER", 2.5, 2.5),
        ("CHECKBOX", True, True),
        ("DATE", "2026-11-23", date(2026, 11, 23)),
        ("DATE", "sometime", "sometime"),
        ("DATETIME", "2026-11-23T09:30:00+00:00", datetime(2026, 11, 23, 17, 30, tzinfo=SHANGHAI)),
        ("DATETIME", "later", "later"),
        ("SELECT", "red", "red"),
        ("MULTI_SELECT", ["red", "blue"], "red; blue"),
        ("CASCADE", ["Guangdong", "Shenzhen"], "Guangdong / Shenzhen"),
        ("ATTACHMENT", [FILE], FILE),
        ("TEXT", None, None),
        ("TEXT", {"a": 1}, "{'a': 1}"),
    ],
)
def test_an_export_writes_a_cell_by_its_kind(kind: str, value: Any, cell: Any) -> None:
    assert KINDS[FieldType(kind)].write_cell(value, SHANGHAI) == cell


@pytest.mark.parametrize("field_type", list(FieldType))
def test_what_an_export_writes_an_import_reads_back(field_type: FieldType) -> None:
    kind = KINDS[field_type]
    sample: dict[FieldType, Any] = {
        FieldType.NUMBER: 12.5,
        FieldType.DATE: "2026-11-23",
        FieldType.DATETIME: "2026-11-23T09:30:00+08:00",
        FieldType.CHECKBOX: True,
        FieldType.MULTI_SELECT: ["red", "blue"],
        FieldType.CASCADE: ["GD", "SZ"],
    }
    value = sample.get(field_type, "red")
    if not kind.in_sheets:
        return  # no column: files are not cells
    assert kind.read_cell(kind.write_cell(value, SHANGHAI), SHANGHAI) == value


# ---- display --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    id: int
    value: str
    label: str


LEVELS: dict[tuple[int, int | None], list[Item]] = {
    (1, None): [Item(10, "GD", "Guangdong"), Item(11, "ZJ", "Zhejiang")],
    (1, 10): [Item(20, "SZ", "Shenzhen")],
}


async def levels(dictionary_id: int, parent_id: int | None) -> list[Item]:
    return LEVELS.get((dictionary_id, parent_id), [])


@pytest.mark.parametrize(
    ("kind", "extra", "raw", "shown"),
    [
        ("TEXT", {}, None, ""),
        ("TEXT", {}, "hello", "hello"),
        ("NUMBER", {}, 2.5, "2.5"),
        ("DATE", {}, "2026-11-23", "2026-11-23"),
        ("CHECKBOX", {}, True, "Yes"),
        ("CHECKBOX", {}, False, "No"),
        ("SELECT", {"options": COLOUR}, "red", "Red"),
        ("RADIO", {"options": COLOUR}, "gone", "gone"),
        ("MULTI_SELECT", {"options": COLOUR}, ["blue", "red"], "Blue, Red"),
        ("CASCADE", {"dictionary_id": 1}, ["GD", "SZ"], "Guangdong / Shenzhen"),
        ("CASCADE", {"dictionary_id": 1}, ["GD", "XX", "YY"], "Guangdong / XX / YY"),
        ("CASCADE", {}, ["GD"], "['GD']"),
        ("ATTACHMENT", {}, [FILE, FILE], "2 file(s)"),
    ],
)
async def test_a_value_is_shown_as_its_kind_reads(
    kind: str, extra: dict[str, Any], raw: Any, shown: str
) -> None:
    assert await display_value(define(kind, **extra), raw, levels) == shown
