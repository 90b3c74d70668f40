"""The hidden-field rule on its own: which keys a step hides, what an event's data keeps,
and which files only a hidden field names."""

from __future__ import annotations

from typing import Any

from workorder.auth.actor import Actor
from workorder.flows.templates.config import TemplateConfig
from workorder.flows.tickets.screens import OPEN, hidden_fields, screen_of
from workorder.models import Role, Ticket, TicketEvent
from workorder.schema.node import to_global_id

CONFIG = TemplateConfig.from_json(
    {
        "name": "Vetting",
        "fields": [
            {"key": "public", "label": "Public", "type": "TEXT", "position": 0},
            {"key": "secret", "label": "Secret", "type": "TEXT", "position": 1},
            {"key": "dossier", "label": "Dossier", "type": "ATTACHMENT", "position": 2},
        ],
        "steps": [
            {"key": "intake", "name": "Intake", "group_id": 1, "position": 0},
            {
                "key": "review",
                "name": "Review",
                "group_id": 2,
                "position": 1,
                "visible_fields": ["public"],
            },
        ],
    }
)
AGENT = Actor(7, 1, "cal", frozenset({Role.AGENT}), frozenset(), None)
ADMIN = Actor(1, 1, "admin", frozenset({Role.ADMIN}), frozenset(), None)


def file(pk: int) -> str:
    return str(to_global_id("Attachment", pk))


def ticket(step: str | None, values: dict[str, Any]) -> Ticket:
    return Ticket(id=1, tenant_id=1, current_step=step, field_values=values)


def event(data: dict[str, Any], attachments: list[int] | None = None) -> TicketEvent:
    return TicketEvent(ticket_id=1, tenant_id=1, data=data, attachments=attachments or [])


def test_a_step_hides_what_it_does_not_show_except_from_admins():
    assert hidden_fields(AGENT, CONFIG, "review") == {"secret", "dossier"}
    assert hidden_fields(AGENT, CONFIG, "intake") == frozenset()
    assert hidden_fields(AGENT, CONFIG, None) == frozenset()
    assert hidden_fields(ADMIN, CONFIG, "review") == frozenset()


def test_event_data_loses_hidden_values_and_changes_only():
    screen = screen_of(AGENT, ticket("review", {}), CONFIG)
    created = {"fields": {"public": "p", "secret": "s"}, "survey": True}
    saved = {"fields": {"secret": {"before": "a", "after": "b"}}, "title": {"before": "x"}}
    assert screen.data(created) == {"fields": {"public": "p"}, "survey": True}
    assert screen.data(saved) == {"fields": {}, "title": {"before": "x"}}
    assert screen_of(ADMIN, ticket("review", {}), CONFIG) is OPEN


def test_a_file_is_hidden_only_while_nothing_shown_names_it():
    now = ticket("review", {"dossier": [file(1)]})
    trace = [
        event({"fields": {"dossier": [file(2)]}}),  # CREATED with an earlier file
        event({"fields": {"dossier": {"before": [file(2)], "after": [file(1)]}}}),
        event({}, attachments=[3]),  # a note's file
    ]
    screen = screen_of(AGENT, now, CONFIG, trace)
    assert screen.files == {1, 2}
    assert screen.shows_file(3)
    noted = screen_of(AGENT, now, CONFIG, [*trace, event({}, attachments=[1])])
    assert noted.files == {2}  # a note showed file 1 to whoever sees the ticket
    assert screen_of(AGENT, ticket("intake", now.field_values), CONFIG, trace).files == set()
