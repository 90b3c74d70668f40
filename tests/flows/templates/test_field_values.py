"""Custom field values against a template version: every type, every mode, all errors at once.

The rules are tested on the pure function with an in-memory FakeLookups; load_lookups, the
part that reads the database, is tested against real rows of two tenants.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tortoise.connection import get_connection

from tests.support import OrgBuilder
from workorder.errors import ErrorCode
from workorder.flows.templates.config import TemplateConfig, parse_config
from workorder.flows.templates.field_kinds.values import NAIVE_DATETIME
from workorder.flows.templates.field_values import (
    NOT_AN_OBJECT,
    NOT_EDITABLE,
    REQUIRED,
    REQUIRED_TO_LEAVE,
    UNKNOWN,
    FieldError,
    Mode,
    errors_to_flow_error,
    load_lookups,
    validate_values,
)
from workorder.ids import to_global_id
from workorder.models import Attachment, Dictionary, DictionaryItem

REGIONS = 7
COLOURS = 8
PATHS = frozenset({("GD",), ("GD", "SZ"), ("GD", "SZ", "NS"), ("ZJ",), ("ZJ", "HZ")})
ROOT_COLOURS = frozenset({"red", "green"})
ATTACHMENTS = frozenset({1, 2, 3})


@dataclass(frozen=True)
class FakeLookups:
    paths: frozenset[tuple[str, ...]] = PATHS
    roots: frozenset[str] = ROOT_COLOURS
    attachments: frozenset[int] = ATTACHMENTS

    def cascade_path_exists(self, dictionary_id: int, path: Sequence[str]) -> bool:
        return dictionary_id == REGIONS and tuple(path) in self.paths

    def dictionary_values(self, dictionary_id: int) -> frozenset[str]:
        return self.roots if dictionary_id == COLOURS else frozenset()

    def attachment_exists(self, attachment_id: int) -> bool:
        return attachment_id in self.attachments


LOOKUPS = FakeLookups()


def att(pk: int) -> str:
    return to_global_id("Attachment", pk)


def _field(key: str, type_: str, position: int, **extra: Any) -> dict[str, Any]:
    return {"key": key, "label": key.title(), "type": type_, "position": position, **extra}


def _options(*values: str) -> list[dict[str, str]]:
    return [{"value": v, "label": v.upper()} for v in values]


CONFIG: TemplateConfig = parse_config(
    {
        "name": "Everything",
        "fields": [
            _field("title", "TEXT", 0, required=True),
            _field("body", "TEXTAREA", 1),
            _field("amount", "NUMBER", 2),
            _field("due", "DATE", 3),
            _field("at", "DATETIME", 4),
            _field("kind", "SELECT", 5, options=_options("a", "b")),
            _field("colour", "SELECT", 6, dictionary_id=COLOURS),
            _field("tags", "MULTI_SELECT", 7, options=_options("x", "y", "z")),
            _field("level", "RADIO", 8, options=_options("low", "high")),
            _field("urgent", "CHECKBOX", 9),
            _field("region", "CASCADE", 10, dictionary_id=REGIONS),
            _field("files", "ATTACHMENT", 11),
            _field("other", "SELECT", 12, options=_options("a"), allow_custom_value=True),
            _field("old", "TEXT", 13, removed=True),
        ],
        "steps": [
            {
                "key": "intake",
                "name": "Intake",
                "group_id": 1,
                "position": 0,
                "editable_fields": ["title", "body", "amount", "files"],
                "required_fields": ["amount"],
            },
            {
                "key": "review",
                "name": "Review",
                "group_id": 1,
                "position": 1,
                "editable_fields": ["kind", "tags", "title", "due"],
                "required_fields": ["kind", "due"],
            },
            {"key": "done", "name": "Done", "group_id": 1, "position": 2},
        ],
    }
)
INTAKE = CONFIG.step("intake")
REVIEW = CONFIG.step("review")
LIVE_KEYS = [f.key for f in CONFIG.live_fields()]


def save(values: Any, lookups: Any = LOOKUPS) -> list[FieldError]:
    """SAVE with no step: every live field editable, nothing demanded, only types matter."""
    return validate_values(CONFIG, None, values, Mode.SAVE, lookups)


# ---- every type -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("title", "Hello"),
        ("title", "x" * 1000),
        ("body", ""),
        ("body", "x" * 20000),
        ("body", None),
        ("amount", 0),
        ("amount", -3.5),
        ("amount", 1e300),
        ("amount", 2**53 - 1),
        ("amount", None),
        ("due", "2026-11-23"),
        ("due", "2024-02-29"),
        ("at", "2026-11-23T10:00:00+08:00"),
        ("at", "2026-11-23T02:00:00Z"),
        ("at", "2026-11-23T10:00:00.123456-05:30"),
        ("at", "2026-11-23T10:00+00:00"),
        ("kind", "a"),
        ("colour", "red"),
        ("tags", ["x", "z"]),
        ("tags", []),
        ("level", "low"),
        ("urgent", False),
        ("urgent", True),
        ("region", ["GD"]),
        ("region", ["GD", "SZ"]),
        ("region", ["GD", "SZ", "NS"]),
        ("files", [att(1), att(2)]),
        ("files", []),
        ("other", "a"),
        ("other", "anything at all"),
    ],
)
def test_a_valid_value_passes(key: str, value: object) -> None:
    assert save({key: value}) == []


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("title", 5, "Expected text, got a number"),
        ("title", ["a"], "Expected text, got a list"),
        ("title", {"a": 1}, "Expected text, got an object"),
        ("title", "x" * 1001, "At most 1000 characters"),
        ("body", "x" * 20001, "At most 20000 characters"),
        ("body", True, "Expected text, got true"),
        ("amount", True, "Expected a number, got true"),
        ("amount", "5", "Expected a number, got text"),
        ("amount", [1], "Expected a number, got a list"),
        ("amount", math.nan, "Expected a finite number"),
        ("amount", math.inf, "Expected a finite number"),
        ("amount", -math.inf, "Expected a finite number"),
        ("amount", 2**53, "Whole numbers must be between"),
        ("amount", -(10**400), "Whole numbers must be between"),
        ("due", "2026-02-30", "Not a real date"),
        ("due", "2026-11-23T00:00:00", "Expected a date such as 2026-11-23"),
        ("due", "20261123", "Expected a date such as 2026-11-23"),
        ("due", "2026-W47-1", "Expected a date such as 2026-11-23"),
        ("due", "26-11-23", "Expected a date such as 2026-11-23"),
        ("due", "\u0662\u0660\u0662\u0666-\u0661\u0661-\u0662\u0663", "Expected a date such"),
        ("due", 20261123, "Expected a date such as 2026-11-23"),
        ("at", "2026-11-23T10:00:00", NAIVE_DATETIME),
        ("at", "2026-11-23", "Expected a date and time such as"),
        ("at", "yesterday", "Expected a date and time such as"),
        ("at", "2026-13-01T00:00:00Z", "Not a real date and time"),
        ("at", "2026-11-23T10:00:00+24:00", "Not a real date and time"),
        ("at", 1_700_000_000, "Expected a date and time such as"),
        ("kind", "c", "Not an option: 'c'"),
        ("kind", "", "Not an option"),
        ("kind", 1, "Expected one of the options as text, got a number"),
        ("kind", ["a"], "Expected one of the options as text, got a list"),
        ("colour", "blue", "Not an option: 'blue'"),
        ("colour", "a", "Not an option: 'a'"),
        ("tags", "x", "Expected a list, got text"),
        ("tags", ["x", "x"], "The same option is chosen twice"),
        ("tags", ["x", "q"], "Not an option: 'q'"),
        ("tags", ["x", 1], "Expected a list of texts"),
        ("tags", [["x"]], "Expected a list of texts"),
        ("level", "medium", "Not an option: 'medium'"),
        ("level", True, "Expected one of the options as text, got true"),
        ("urgent", 0, "Expected true or false, got a number"),
        ("urgent", 1, "Expected true or false, got a number"),
        ("urgent", "true", "Expected true or false, got text"),
        ("region", [], "Expected a non-empty list of texts"),
        ("region", "GD", "Expected a list, got text"),
        ("region", ["GD", 5], "Expected a non-empty list of texts"),
        ("region", ["SZ"], "Not a choice in the dictionary: 'SZ'"),
        ("region", ["GD", "HZ"], "Not a choice in the dictionary: 'GD' / 'HZ'"),
        ("region", ["GD", "SZ", "NS", "deeper"], "Not a choice in the dictionary"),
        ("region", ["GD"] * 21, "At most 20 levels"),
        ("files", att(1), "Expected a list, got text"),
        ("files", [1], "Expected a list of attachment ids"),
        ("files", ["not an id"], "Attachment not found: 'not an id'"),
        ("files", [att(99)], "Attachment not found"),
        ("files", [to_global_id("User", 1)], "Attachment not found"),
        ("files", [att(1), att(1)], "The same attachment is given twice"),
        ("files", [att(1)] * 51, "At most 50 attachments"),
        ("other", "", "Must not be blank"),
        ("other", "   ", "Must not be blank"),
        ("other", "x" * 1001, "At most 1000 characters"),
        ("other", 3, "Expected one of the options as text, got a number"),
    ],
)
def test_an_invalid_value_is_refused(key: str, value: object, message: str) -> None:
    errors = save({key: value})
    assert [e.key for e in errors] == [key]
    assert message in errors[0].message


def test_select_drawing_on_a_dictionary_with_no_roots_refuses_everything() -> None:
    assert save({"colour": "red"}, FakeLookups(roots=frozenset())) == [
        FieldError("colour", "Not an option: 'red'")
    ]


def test_a_cascade_field_without_a_dictionary_is_an_error_not_a_crash() -> None:
    config = TemplateConfig.model_validate(
        {"name": "Broken", "fields": [_field("region", "CASCADE", 0)]}
    )
    errors = validate_values(config, None, {"region": ["GD"]}, Mode.SAVE, LOOKUPS)
    assert errors == [FieldError("region", "This field has no dictionary to choose from")]


# ---- keys, steps and modes ----------------------------------------------------------------


def test_unknown_and_removed_keys_are_refused() -> None:
    assert save({"nope": "x", "old": "x"}) == [
        FieldError("old", UNKNOWN),
        FieldError("nope", UNKNOWN),
    ]


@pytest.mark.parametrize("values", [["title"], "title", None, 3, {1: "x"}, {"title": "a", 2: "b"}])
def test_values_that_are_not_an_object_keyed_by_field_key(values: Any) -> None:
    for mode in Mode:
        assert validate_values(CONFIG, INTAKE, values, mode, LOOKUPS) == [
            FieldError("", NOT_AN_OBJECT)
        ]


def test_create_demands_required_fields_and_the_first_steps_required_fields() -> None:
    errors = validate_values(CONFIG, INTAKE, {}, Mode.CREATE, LOOKUPS)
    assert errors == [FieldError("title", REQUIRED), FieldError("amount", REQUIRED)]
    assert validate_values(CONFIG, INTAKE, {"title": "T", "amount": 1}, Mode.CREATE, LOOKUPS) == []


@pytest.mark.parametrize("empty", [None, "", "   \n\t", []])
def test_create_treats_blank_values_as_missing(empty: object) -> None:
    errors = validate_values(CONFIG, INTAKE, {"title": empty, "amount": 2}, Mode.CREATE, LOOKUPS)
    assert errors == [FieldError("title", REQUIRED)]


def test_create_without_a_workflow_lets_every_live_field_be_set() -> None:
    values = {"title": "T", "kind": "a", "region": ["ZJ"], "urgent": True}
    assert validate_values(CONFIG, None, values, Mode.CREATE, LOOKUPS) == []
    assert validate_values(CONFIG, None, {}, Mode.CREATE, LOOKUPS) == [
        FieldError("title", REQUIRED)
    ]


def test_a_false_checkbox_is_a_value() -> None:
    config = parse_config(
        {"name": "Consent", "fields": [_field("agree", "CHECKBOX", 0, required=True)]}
    )
    assert validate_values(config, None, {"agree": False}, Mode.CREATE, LOOKUPS) == []
    assert validate_values(config, None, {"agree": False}, Mode.SAVE, LOOKUPS) == []
    assert validate_values(config, None, {}, Mode.CREATE, LOOKUPS) == [
        FieldError("agree", REQUIRED)
    ]


@pytest.mark.parametrize("mode", list(Mode))
def test_a_field_not_editable_at_the_step_is_refused_in_every_mode(mode: Mode) -> None:
    values = {"title": "T", "amount": 1, "kind": "a"}
    errors = validate_values(CONFIG, INTAKE, values, mode, LOOKUPS, existing={"amount": 1})
    assert errors == [FieldError("kind", NOT_EDITABLE)]


def test_not_editable_wins_over_a_bad_value() -> None:
    errors = validate_values(CONFIG, INTAKE, {"kind": 12345}, Mode.SAVE, LOOKUPS)
    assert errors == [FieldError("kind", NOT_EDITABLE)]


def test_save_may_not_clear_a_required_field_but_may_leave_it_out() -> None:
    for empty in (None, "", "  "):
        assert validate_values(CONFIG, INTAKE, {"title": empty}, Mode.SAVE, LOOKUPS) == [
            FieldError("title", REQUIRED)
        ]
    assert validate_values(CONFIG, INTAKE, {}, Mode.SAVE, LOOKUPS) == []
    assert validate_values(CONFIG, INTAKE, {"body": "x"}, Mode.SAVE, LOOKUPS) == []


def test_save_may_clear_an_optional_field_even_one_the_step_requires() -> None:
    """Saving is work in progress; the step's own demands are checked on forward."""
    assert validate_values(CONFIG, INTAKE, {"amount": None, "body": None}, Mode.SAVE, LOOKUPS) == []


def test_forward_checks_the_steps_required_fields_on_stored_and_sent_values() -> None:
    def forward(values: Mapping[str, object], existing: Mapping[str, object]) -> list[FieldError]:
        return validate_values(CONFIG, REVIEW, values, Mode.FORWARD, LOOKUPS, existing=existing)

    stored = {"title": "T", "due": "2026-11-23"}
    assert forward({"kind": "a"}, stored) == []
    assert forward({}, {**stored, "kind": "b"}) == []
    assert forward({}, stored) == [FieldError("kind", REQUIRED_TO_LEAVE)]
    assert forward({"kind": None}, {**stored, "kind": "b"}) == [
        FieldError("kind", REQUIRED_TO_LEAVE)
    ]
    assert forward({"kind": "a"}, {"title": "T", "due": " "}) == [
        FieldError("due", REQUIRED_TO_LEAVE)
    ]
    assert forward({"kind": "a"}, {"title": "T"}) == [FieldError("due", REQUIRED_TO_LEAVE)]


def test_forward_also_refuses_clearing_a_required_field() -> None:
    errors = validate_values(
        CONFIG, INTAKE, {"title": ""}, Mode.FORWARD, LOOKUPS, existing={"title": "T", "amount": 4}
    )
    assert errors == [FieldError("title", REQUIRED)]


def test_forward_without_a_workflow_demands_the_template_required_fields() -> None:
    stored = {"title": "Broken kettle"}
    assert validate_values(CONFIG, None, {}, Mode.FORWARD, LOOKUPS, existing=stored) == []
    assert validate_values(CONFIG, None, {}, Mode.FORWARD, LOOKUPS) == [
        FieldError("title", REQUIRED_TO_LEAVE)
    ]
    assert validate_values(CONFIG, None, {"title": None}, Mode.FORWARD, LOOKUPS, stored) == [
        FieldError("title", REQUIRED)
    ]


def test_a_required_field_is_demanded_only_where_it_can_be_filled() -> None:
    config = parse_config(
        {
            "name": "Later",
            "fields": [_field("note", "TEXT", 0), _field("verdict", "TEXT", 1, required=True)],
            "steps": [
                {"key": "intake", "name": "Intake", "group_id": 1, "editable_fields": ["note"]},
                {"key": "review", "name": "Review", "group_id": 2, "position": 1},
            ],
        }
    )
    intake, review = config.step("intake"), config.step("review")
    # Not editable at the first step: creating must not demand it (else no ticket is possible).
    assert validate_values(config, intake, {"note": "n"}, Mode.CREATE, LOOKUPS) == []
    # Editable at review: it must be filled before the ticket leaves review.
    assert validate_values(config, review, {}, Mode.FORWARD, LOOKUPS, {"note": "n"}) == [
        FieldError("verdict", REQUIRED_TO_LEAVE)
    ]


def test_every_error_comes_back_at_once_in_form_order() -> None:
    values = {
        "zzz": 1,
        "files": "x",
        "nope": None,
        "urgent": "yes",
        "amount": "x",
        "title": 5,
        "old": "x",
    }
    errors = validate_values(CONFIG, None, values, Mode.SAVE, LOOKUPS)
    assert [e.key for e in errors] == ["title", "amount", "urgent", "files", "old", "nope", "zzz"]


def test_create_reports_missing_and_bad_fields_together() -> None:
    errors = validate_values(
        CONFIG, INTAKE, {"files": [att(42)], "kind": "a"}, Mode.CREATE, LOOKUPS
    )
    assert errors == [
        FieldError("title", REQUIRED),
        FieldError("amount", REQUIRED),
        FieldError("kind", NOT_EDITABLE),
        FieldError("files", f"Attachment not found: {att(42)!r}"),
    ]


def test_errors_become_one_invalid_flow_error() -> None:
    error = errors_to_flow_error(
        [FieldError("title", REQUIRED), FieldError("amount", "Expected a number, got text")]
    )
    assert error.code == ErrorCode.INVALID
    assert error.message == "title: Required; amount: Expected a number, got text"
    assert error.field == ["fields", "title"]

    shapeless = errors_to_flow_error([FieldError("", NOT_AN_OBJECT)])
    assert (shapeless.message, shapeless.field) == (NOT_AN_OBJECT, ["fields"])

    with pytest.raises(ValueError):
        errors_to_flow_error([])


# ---- properties ---------------------------------------------------------------------------

JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([10**400, -(10**400), 2**53, 2**63])
    | st.floats()  # NaN and both infinities included
    | st.text(max_size=20)
)
JSON = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=12,
)
KEYS = st.sampled_from([*LIVE_KEYS, "old", "nope"]) | st.text(max_size=8)
STEPS = st.sampled_from([None, *CONFIG.steps])
FAST = settings(max_examples=200, deadline=None)


@FAST
@given(
    values=st.dictionaries(KEYS, JSON, max_size=8) | JSON,
    existing=st.dictionaries(KEYS, JSON, max_size=5),
    step=STEPS,
    mode=st.sampled_from(list(Mode)),
)
def test_any_json_gives_a_list_of_errors_never_an_exception(
    values: Any, existing: dict[str, object], step: Any, mode: Mode
) -> None:
    errors = validate_values(CONFIG, step, values, mode, LOOKUPS, existing=existing)
    assert isinstance(errors, list)
    assert all(isinstance(e, FieldError) and e.message for e in errors)
    keys = [e.key for e in errors]
    assert len(keys) == len(set(keys))
    if not isinstance(values, dict):
        assert errors == [FieldError("", NOT_AN_OBJECT)]
    elif mode == Mode.SAVE:
        assert set(keys) <= set(values)
    else:
        assert set(keys) <= set(values) | set(LIVE_KEYS)


def _nonblank(max_size: int) -> st.SearchStrategy[str]:
    return st.text(min_size=1, max_size=max_size).filter(lambda s: bool(s.strip()))


def _with_offset(moment: datetime, minutes: int) -> str:
    return moment.replace(tzinfo=timezone(timedelta(minutes=minutes))).isoformat()


VALID: dict[str, st.SearchStrategy[object]] = {
    "body": st.text(max_size=3000),
    "amount": st.integers(-(2**53 - 1), 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False),
    "due": st.dates().map(lambda d: d.isoformat()),
    "at": st.builds(_with_offset, st.datetimes(), st.integers(-(24 * 60 - 1), 24 * 60 - 1))
    | st.datetimes().map(lambda d: d.isoformat(timespec="seconds") + "Z"),
    "kind": st.sampled_from(["a", "b"]),
    "colour": st.sampled_from(sorted(ROOT_COLOURS)),
    "tags": st.lists(st.sampled_from(["x", "y", "z"]), unique=True),
    "level": st.sampled_from(["low", "high"]),
    "urgent": st.booleans(),
    "region": st.sampled_from(sorted(PATHS)).map(list),
    "files": st.lists(st.sampled_from(sorted(ATTACHMENTS)).map(att), unique=True),
    "other": _nonblank(1000),
}
REQUIRED_VALID: dict[str, st.SearchStrategy[object]] = {"title": _nonblank(1000)}


@FAST
@given(
    values=st.fixed_dictionaries(
        REQUIRED_VALID, optional={k: st.none() | s for k, s in VALID.items()}
    ),
    mode=st.sampled_from(list(Mode)),
)
def test_valid_values_of_every_type_pass(values: dict[str, object], mode: Mode) -> None:
    assert validate_values(CONFIG, None, values, mode, LOOKUPS) == []


JSON_TYPE = {
    "title": "text",
    "body": "text",
    "amount": "number",
    "due": "text",
    "at": "text",
    "kind": "text",
    "colour": "text",
    "tags": "list",
    "level": "text",
    "urgent": "bool",
    "region": "list",
    "files": "list",
    "other": "text",
}
OF_TYPE: dict[str, st.SearchStrategy[object]] = {
    "text": st.text(max_size=20),
    "number": st.integers() | st.floats(),
    "bool": st.booleans(),
    "list": st.lists(JSON, max_size=3),
    "object": st.dictionaries(st.text(max_size=5), JSON, max_size=3),
}


@FAST
@given(
    values=st.fixed_dictionaries({**REQUIRED_VALID, **VALID}),
    key=st.sampled_from(sorted(JSON_TYPE)),
    data=st.data(),
)
def test_a_value_of_the_wrong_json_type_is_blamed_on_its_key_alone(
    values: dict[str, object], key: str, data: st.DataObject
) -> None:
    other_type = data.draw(st.sampled_from(sorted(set(OF_TYPE) - {JSON_TYPE[key]})))
    wrong = data.draw(OF_TYPE[other_type])
    errors = validate_values(CONFIG, None, {**values, key: wrong}, Mode.SAVE, LOOKUPS)
    assert [e.key for e in errors] == [key]


def test_the_json_type_table_covers_every_live_field() -> None:
    assert sorted(JSON_TYPE) == sorted(LIVE_KEYS) == sorted([*VALID, *REQUIRED_VALID])


# ---- load_lookups against the database ---------------------------------------------------


@dataclass
class Tree:
    dictionary: Dictionary
    attachment: Attachment


async def _tree(tenant_id: int) -> Tree:
    """province → city → district, an inactive city with an active district under it, and an
    inactive province."""
    dictionary = await Dictionary.create(tenant_id=tenant_id, name="Regions")

    async def item(value: str, parent: DictionaryItem | None = None, active: bool = True):
        return await DictionaryItem.create(
            tenant_id=tenant_id,
            dictionary=dictionary,
            parent=parent,
            value=value,
            label=value.title(),
            active=active,
        )

    gd = await item("GD")
    sz = await item("SZ", gd)
    await item("NS", sz)
    gz = await item("GZ", gd, active=False)
    await item("TH", gz)
    await item("XJ", active=False)
    await item("ZJ")
    attachment = await Attachment.create(
        tenant_id=tenant_id, sha256="0" * 64, filename="a.txt", size=1
    )
    return Tree(dictionary, attachment)


def _db_config(ours: Tree, theirs: Tree) -> TemplateConfig:
    return parse_config(
        {
            "name": "Regions",
            "fields": [
                _field("region", "CASCADE", 0, dictionary_id=ours.dictionary.id),
                _field("colour", "SELECT", 1, dictionary_id=ours.dictionary.id),
                _field("tags", "MULTI_SELECT", 2, dictionary_id=ours.dictionary.id),
                _field("foreign", "CASCADE", 3, dictionary_id=theirs.dictionary.id),
                _field("files", "ATTACHMENT", 4),
            ],
        }
    )


@pytest.fixture
async def trees(org: OrgBuilder) -> tuple[OrgBuilder, Tree, Tree, TemplateConfig]:
    other = await OrgBuilder.create(org.api, "other")
    ours, theirs = await _tree(org.tenant.id), await _tree(other.tenant.id)
    return org, ours, theirs, _db_config(ours, theirs)


@pytest.mark.parametrize(
    ("path", "found"),
    [
        (["GD"], True),
        (["GD", "SZ"], True),
        (["GD", "SZ", "NS"], True),
        (["ZJ"], True),
        (["SZ"], False),
        (["SZ", "NS"], False),
        (["GD", "NS"], False),
        (["GD", "SZ", "NS", "NS"], False),
        (["GD", "GZ"], False),
        (["GD", "GZ", "TH"], False),
        (["XJ"], False),
        (["gd"], False),
        (["Nowhere"], False),
    ],
)
async def test_cascade_paths_follow_active_items_from_the_root(
    trees: tuple[OrgBuilder, Tree, Tree, TemplateConfig], path: list[str], found: bool
) -> None:
    org, ours, _, config = trees
    lookups = await load_lookups(org.tenant.id, config, {"region": path})
    assert lookups.cascade_path_exists(ours.dictionary.id, path) is found
    errors = validate_values(config, None, {"region": path}, Mode.SAVE, lookups)
    assert [e.key for e in errors] == ([] if found else ["region"])


async def test_choice_fields_draw_on_the_active_roots(
    trees: tuple[OrgBuilder, Tree, Tree, TemplateConfig],
) -> None:
    org, ours, _, config = trees
    values = {"colour": "GD", "tags": ["ZJ", "GD"]}
    lookups = await load_lookups(org.tenant.id, config, values)
    assert lookups.dictionary_values(ours.dictionary.id) == {"GD", "ZJ"}
    assert validate_values(config, None, values, Mode.SAVE, lookups) == []
    for bad in ("SZ", "XJ"):
        lookups = await load_lookups(org.tenant.id, config, {"colour": bad})
        assert validate_values(config, None, {"colour": bad}, Mode.SAVE, lookups) == [
            FieldError("colour", f"Not an option: {bad!r}")
        ]


async def test_another_tenants_dictionary_and_attachment_do_not_count(
    trees: tuple[OrgBuilder, Tree, Tree, TemplateConfig],
) -> None:
    org, ours, theirs, config = trees
    values = {
        "foreign": ["GD", "SZ"],
        "files": [att(ours.attachment.id), att(theirs.attachment.id)],
    }
    lookups = await load_lookups(org.tenant.id, config, values)
    assert not lookups.cascade_path_exists(theirs.dictionary.id, ["GD", "SZ"])
    assert lookups.attachment_exists(ours.attachment.id)
    assert not lookups.attachment_exists(theirs.attachment.id)
    assert validate_values(config, None, values, Mode.SAVE, lookups) == [
        FieldError("foreign", "Not a choice in the dictionary: 'GD' / 'SZ'"),
        FieldError("files", f"Attachment not found: {att(theirs.attachment.id)!r}"),
    ]

    # The same rows do count for their own tenant.
    own = await load_lookups(theirs.dictionary.tenant_id, config, values)
    assert own.cascade_path_exists(theirs.dictionary.id, ["GD", "SZ"])
    assert own.attachment_exists(theirs.attachment.id)


async def test_attachments_that_exist_pass_and_missing_ones_do_not(
    trees: tuple[OrgBuilder, Tree, Tree, TemplateConfig],
) -> None:
    org, ours, _, config = trees
    good = {"files": [att(ours.attachment.id)]}
    lookups = await load_lookups(org.tenant.id, config, good)
    assert validate_values(config, None, good, Mode.SAVE, lookups) == []
    missing = {"files": [att(ours.attachment.id + 1000)]}
    lookups = await load_lookups(org.tenant.id, config, missing)
    assert [e.key for e in validate_values(config, None, missing, Mode.SAVE, lookups)] == ["files"]


async def test_load_lookups_makes_at_most_two_queries(
    trees: tuple[OrgBuilder, Tree, Tree, TemplateConfig], monkeypatch: pytest.MonkeyPatch
) -> None:
    org, ours, theirs, config = trees
    connection = get_connection("default")
    sql: list[str] = []
    # Only this test's statements (and its child tasks'): the app's job runner and mail
    # sender poll on their own clock in tasks started before, where the flag is unset.
    ours_only: ContextVar[bool] = ContextVar("ours_only", default=False)
    for name in ("execute_query", "execute_query_dict"):
        original = getattr(connection, name)

        async def counted(query: str, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            if ours_only.get():
                sql.append(query)
            return await _original(query, *args, **kwargs)

        monkeypatch.setattr(connection, name, counted)

    values = {
        "region": ["GD", "SZ", "NS"],
        "foreign": ["ZJ"],
        "colour": "GD",
        "tags": ["ZJ"],
        "files": [att(ours.attachment.id), att(theirs.attachment.id), att(12345)],
    }
    ours_only.set(True)
    lookups = await load_lookups(org.tenant.id, config, values)
    assert len(sql) == 2, sql
    assert lookups.cascade_path_exists(ours.dictionary.id, ["GD", "SZ", "NS"])
    assert validate_values(config, None, values, Mode.SAVE, lookups) == [
        FieldError("foreign", "Not a choice in the dictionary: 'ZJ'"),
        FieldError("files", f"Attachment not found: {att(theirs.attachment.id)!r}"),
    ]

    sql.clear()
    await load_lookups(org.tenant.id, config, {"region": None, "files": [], "colour": None})
    await load_lookups(org.tenant.id, config, {"region": "GD", "nope": [att(1)], "tags": 5})
    assert sql == []


async def test_load_lookups_survives_input_no_database_could_match(
    trees: tuple[OrgBuilder, Tree, Tree, TemplateConfig],
) -> None:
    org, _, _, config = trees
    values: dict[str, Any] = {
        "region": ["GD", "GD\x00", "\ud800", "x" * 5000],
        "colour": "\x00\ud800",
        "tags": ["\ud800", "GD"],
        "files": [
            to_global_id("Attachment", 2**31),
            to_global_id("Attachment", 10**30),
            "\x00",
            "\ud800",
            None,
        ],
        "foreign": ["GD", 3, None, ["nested"], {"a": 1}],
    }
    lookups = await load_lookups(org.tenant.id, config, values)
    errors = validate_values(config, None, values, Mode.SAVE, lookups)
    assert [e.key for e in errors] == ["region", "colour", "tags", "foreign", "files"]
    junks: list[Any] = [None, [], "text", {1: 2}, {"region": {"GD": "SZ"}}]
    for junk in junks:
        await load_lookups(org.tenant.id, config, junk)
