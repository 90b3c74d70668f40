"""Mail templates: the variables they may use, the shipped wording, and the sandboxed engine.

Administrators write templates, so they run in jinja2's SandboxedEnvironment (no attribute
tricks reach Python internals) with StrictUndefined; the HTML part is autoescaped, so a ticket
titled `<script>` arrives as text. A template is checked when it is saved (`problems`): an
unknown variable or a syntax error is refused then, so sending never meets one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from jinja2 import StrictUndefined, TemplateError, meta
from jinja2.sandbox import SandboxedEnvironment

from workorder.mail.outbox import clean_subject
from workorder.models import MailEvent, MailLanguage

# Every variable a template may use. Custom field values are deliberately absent: CC
# addresses are outsiders, and a step may hide fields even from the staff handling it.
VARIABLES: dict[str, str] = {
    "ticket_number": "The ticket's number in the tenant (e.g. 42).",
    "title": "The ticket's title.",
    "status": "The status now, in the mail's language.",
    "previous_status": "The status before the change (empty on creation).",
    "step": "The name of the step the ticket is at now (empty when none).",
    "previous_step": "The name of the step before the change (empty when none).",
    "action": "What was done, in the mail's language (e.g. forwarded).",
    "actor": "Who did it (display name; empty when the system did).",
    "comment": "What they wrote with the action (may be empty).",
    "link": "The ticket's address: PUBLIC_URL/tickets/<number>.",
    "tenant": "The company's name.",
}

SAMPLE: dict[str, str] = {
    "ticket_number": "42",
    "title": "Kettle arrived broken",
    "status": "In progress",
    "previous_status": "Pending",
    "step": "Check payment",
    "previous_step": "Take the order",
    "action": "forwarded",
    "actor": "Ann Lee",
    "comment": "Paid by bank transfer.",
    "link": "https://desk.example/tickets/42",
    "tenant": "Example Shop",
}


@dataclass(frozen=True, slots=True)
class Wording:
    subject: str
    text: str
    html: str


_EN_SUBJECT = "[#{{ ticket_number }} {{ title }}] {{ action }}: {{ status }}"
_ZH_SUBJECT = "[#{{ ticket_number }} {{ title }}] {{ action }}:{{ status }}"
_WAS_EN = (
    "{% if previous_status and previous_status != status %} (was {{ previous_status }}){% endif %}"
)
_WAS_ZH = (
    "{% if previous_status and previous_status != status %}(原为 {{ previous_status }}){% endif %}"
)
_BY_EN = "{% if actor %} by {{ actor }}{% endif %}"
_BY_ZH = "{% if actor %}由 {{ actor }} {% endif %}"
_EN_TEXT = (
    'Work order #{{ ticket_number }} "{{ title }}" was {{ action }}' + _BY_EN + ".\n"
    "Status: {{ status }}" + _WAS_EN + "\n"
    "{% if step %}Step: {{ step }}\n{% endif %}"
    "{% if comment %}Comment: {{ comment }}\n{% endif %}"
    "\n{{ link }}\n"
)
_EN_HTML = (
    '<p>Work order <a href="{{ link }}">#{{ ticket_number }} {{ title }}</a> was {{ action }}'
    + _BY_EN
    + ".</p>\n<p>Status: {{ status }}"
    + _WAS_EN
    + "{% if step %}<br>Step: {{ step }}{% endif %}</p>\n"
    "{% if comment %}<p>Comment: {{ comment }}</p>\n{% endif %}"
)
_ZH_TEXT = (
    "工单 #{{ ticket_number }}「{{ title }}」" + _BY_ZH + "{{ action }}。\n"
    "状态:{{ status }}" + _WAS_ZH + "\n"
    "{% if step %}步骤:{{ step }}\n{% endif %}"
    "{% if comment %}说明:{{ comment }}\n{% endif %}"
    "\n{{ link }}\n"
)
_ZH_HTML = (
    '<p>工单 <a href="{{ link }}">#{{ ticket_number }} {{ title }}</a> '
    + _BY_ZH
    + "{{ action }}。</p>\n<p>状态:{{ status }}"
    + _WAS_ZH
    + "{% if step %}<br>步骤:{{ step }}{% endif %}</p>\n"
    "{% if comment %}<p>说明:{{ comment }}</p>\n{% endif %}"
)

# One wording per language serves every event: the action and status variables tell them
# apart. Administrators override per event and language.
DEFAULTS: dict[tuple[MailEvent, MailLanguage], Wording] = {
    **{(e, MailLanguage.EN): Wording(_EN_SUBJECT, _EN_TEXT, _EN_HTML) for e in MailEvent},
    **{(e, MailLanguage.ZH_CN): Wording(_ZH_SUBJECT, _ZH_TEXT, _ZH_HTML) for e in MailEvent},
}

_TEXT = SandboxedEnvironment(
    undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True
)
_HTML = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True, keep_trailing_newline=True)


def problems(wording: Wording) -> dict[str, str]:
    """What is wrong with each part (subject, text, html), by part; empty when it is sound.

    Checked by parsing (syntax, and every variable it reads must be one of VARIABLES) and by
    a trial render with sample values (what parsing cannot see, e.g. `title.missing`)."""
    found: dict[str, str] = {}
    for part, env in (("subject", _TEXT), ("text", _TEXT), ("html", _HTML)):
        source = getattr(wording, part)
        try:
            unknown = sorted(meta.find_undeclared_variables(env.parse(source)) - VARIABLES.keys())
            if unknown:
                found[part] = f"Unknown variable: {', '.join(unknown)}"
                continue
            env.from_string(source).render(SAMPLE)
        except TemplateError as exc:
            found[part] = f"Line {getattr(exc, 'lineno', None) or 1}: {exc.message or exc}"
    return found


def render(wording: Wording, values: Mapping[str, str]) -> Wording:
    """The mail itself; the wording was checked when saved (shipped ones by the tests)."""
    return Wording(
        subject=clean_subject(_TEXT.from_string(wording.subject).render(values)),
        text=_TEXT.from_string(wording.text).render(values),
        html=_HTML.from_string(wording.html).render(values),
    )
