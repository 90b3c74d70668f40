"""The workflow rules of a configuration, row by row, without a database."""

from typing import Any

import pytest

from workorder.errors import FlowError
from workorder.flows.templates.config import FieldDefinition, Step, TemplateConfig, check_config


def _config(*steps: dict[str, Any], fields: list[dict[str, Any]] | None = None) -> TemplateConfig:
    return TemplateConfig.model_validate(
        {
            "name": "T",
            "fields": fields or [{"key": "x", "label": "X", "type": "TEXT"}],
            "steps": [
                {"group_id": 1, "name": s["key"].upper(), "position": i, **s}
                for i, s in enumerate(steps)
            ],
        }
    )


def _step(config: TemplateConfig, key: str) -> Step:
    step = config.step(key)
    assert step is not None
    return step


def test_default_next_step_is_the_next_by_position_and_the_last_finishes():
    config = _config({"key": "a"}, {"key": "b"}, {"key": "c"})
    check_config(config)
    assert [s.key for s in config.next_steps(_step(config, "a"))] == ["b"]
    assert config.next_steps(_step(config, "c")) == []


def test_explicit_branches_and_loops_are_allowed_when_an_end_is_reachable():
    config = _config(
        {"key": "agent"},
        {"key": "manager", "next_steps": ["warehouse", "agent"]},
        {"key": "warehouse"},
        {"key": "finance"},
    )
    check_config(config)
    assert [s.key for s in config.next_steps(_step(config, "manager"))] == ["warehouse", "agent"]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([{"key": "a", "next_steps": []}, {"key": "b"}], "cannot be reached"),
        ([{"key": "a", "next_steps": ["b"]}, {"key": "b", "next_steps": ["a"]}], "dead end"),
        ([{"key": "a", "next_steps": ["a"]}], "itself"),
        ([{"key": "a"}, {"key": "a"}], "used twice"),
        ([{"key": "a", "next_steps": ["ghost"]}], "missing step"),
        ([{"key": "a", "editable_fields": ["ghost"]}], "unknown field"),
        ([{"key": "_a"}], "start with a letter"),
        ([{"key": "a", "visible_fields": [], "required_fields": ["x"]}], "does not show"),
    ],
)
def test_broken_workflows_are_refused(steps, message):
    with pytest.raises(FlowError, match=message):
        check_config(_config(*steps))


def test_visible_and_editable_fields_default_to_all_and_narrow():
    fields = [
        {"key": k, "label": k, "type": "TEXT", "position": i} for i, k in enumerate(["a", "b", "c"])
    ]
    config = _config(
        {"key": "s", "visible_fields": ["a", "b"], "editable_fields": ["b", "c"]}, fields=fields
    )
    step = config.step("s")
    assert config.visible_fields(step) == ["a", "b"]
    assert config.editable_fields(step) == ["b"]  # c is not visible, so not editable
    assert config.editable_fields(None) == ["a", "b", "c"]


def test_labels_follow_the_locale_then_its_language():
    config = TemplateConfig.model_validate(
        {
            "name": "T",
            "fields": [
                {
                    "key": "k",
                    "label": "Name",
                    "labels": {"zh": "名称", "pt-BR": "Nome"},
                    "type": "TEXT",
                }
            ],
        }
    )
    field = config.field("k")
    assert isinstance(field, FieldDefinition)
    assert field.label_for("zh-CN") == "名称"
    assert field.label_for("pt-BR") == "Nome"
    assert field.label_for("fr") == "Name"
    assert field.label_for(None) == "Name"
