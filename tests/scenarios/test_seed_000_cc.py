"""Seed 000, FAQ: "工单新建或有改动时,会给他们发邮件告知" — whoever is on a work order's CC is
mailed when it is created and whenever it changes.

The shop writes to outsiders in Chinese. Its administrator rewords the "moved" mail; Ann
creates an order with the boss on CC, and it travels Sales → Finance → Warehouse, the last
move from one IN_PROGRESS step to another. The boss (and the template's default CC) gets one
mail per change, in Chinese, worded as the administrator wrote it. A wording with an unknown
variable is refused when saved; the preview shows the sample mail; a title holding a script
arrives escaped in the HTML part. Only administrators touch any of it.
"""

from typing import Any

from tests.scenarios.test_ticket_actions import act, attempt
from tests.shop import Shop
from tests.support import gid
from workorder.models import MailOutbox

BOSS = "boss@shop.example"
MOVED = "[{{ ticket_number }}] {{ title }} → {{ step }}"
MUTATION = (
    "mutation($input: {kind}Input!) "
    "{{ {name}(input: $input) {{ {result} errors {{ code message field }} }} }}"
)


async def mutation(shop: Shop, user: str, name: str, result: str, **input: Any) -> dict[str, Any]:
    kind = name[0].upper() + name[1:]
    data = await shop.gql(
        user, MUTATION.format(kind=kind, name=name, result=result), {"input": input}
    )
    payload: dict[str, Any] = data[name]
    return payload


async def create_order(shop: Shop, title: str) -> dict[str, Any]:
    payload = await mutation(
        shop,
        "ann",
        "createTicket",
        "ticket { id }",
        templateId=gid("Template", shop.order.id),
        title=title,
        cc=[BOSS],
        fields={"order_no": "A-100"},
    )
    assert payload["errors"] == []
    ticket: dict[str, Any] = payload["ticket"]
    return ticket


async def mail_to_boss() -> list[MailOutbox]:
    return [m for m in await MailOutbox.all().order_by("id") if BOSS in m.recipients]


async def test_the_boss_on_cc_hears_of_every_change_in_the_tenants_language(shop: Shop):
    language = await mutation(shop, "admin", "setMailLanguage", "language", language="ZH_CN")
    assert language == {"language": "ZH_CN", "errors": []}
    saved = await mutation(
        shop,
        "admin",
        "updateMailTemplate",
        "template { customized subject }",
        event="MOVED",
        language="ZH_CN",
        subject=MOVED,
        text="{{ actor }}:{{ previous_step }} → {{ step }}({{ status }})\n{{ link }}\n",
        html="<p>{{ actor }}:{{ step }}</p>",
    )
    assert saved == {"template": {"customized": True, "subject": MOVED}, "errors": []}

    tid = (await create_order(shop, "Three kettles"))["id"]
    await act(shop, "ann", "forwardTicket", id=tid)  # Sales → Finance (the pool)
    await act(shop, "cal", "claimTicket", id=tid)
    moved = await act(shop, "cal", "forwardTicket", id=tid, fields={"paid": True})
    # Finance → Warehouse, handed straight to a packer: IN_PROGRESS before and after.
    assert (moved["status"], moved["currentStep"]["key"]) == ("IN_PROGRESS", "warehouse")

    mails = await mail_to_boss()
    assert [m.subject for m in mails] == [
        "[#1 Three kettles] 新建:处理中",  # creation: the shipped Chinese wording
        "[1] Three kettles → Check payment",
        "[1] Three kettles → Check payment",  # claimed, still at Finance
        "[1] Three kettles → Pack",
    ]
    assert all("orders@shop.example" in m.recipients for m in mails)  # the default CC
    assert mails[-1].body.startswith("cal:Check payment → Pack(处理中)\n")
    assert "http://127.0.0.1:8000/tickets/1" in mails[-1].body
    # No custom field value reaches an outsider.
    assert not any("A-100" in m.body or "A-100" in m.html_body for m in mails)

    # Back to the shipped wording: the next change is worded so again.
    reset = await mutation(
        shop,
        "admin",
        "resetMailTemplate",
        "template { customized }",
        event="MOVED",
        language="ZH_CN",
    )
    assert reset == {"template": {"customized": False}, "errors": []}
    await act(shop, "walt", "forwardTicket", id=tid)
    assert (await mail_to_boss())[-1].subject.startswith("[#1 Three kettles] 转交下一步")


async def test_an_unknown_variable_is_refused_when_saved_and_nothing_changes(shop: Shop):
    refused = await mutation(
        shop,
        "admin",
        "updateMailTemplate",
        "template { subject }",
        event="CREATED",
        language="EN",
        subject="{{ title }} for {{ customer_phone }}",
        text="{{ title }}",
        html="{{ title }}",
    )
    assert refused["template"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("INVALID", ["subject"])]
    assert "customer_phone" in refused["errors"][0]["message"]
    templates = await shop.gql("admin", "{ mailTemplates { event language customized } }")
    assert not any(t["customized"] for t in templates["mailTemplates"])
    assert len(templates["mailTemplates"]) == 10  # 5 events, 2 languages
    # Mail keeps flowing with the shipped wording.
    await create_order(shop, "Kettle")
    assert (await mail_to_boss())[0].subject == "[#1 Kettle] created: In progress"


async def test_the_preview_renders_sample_values_and_escapes_html(shop: Shop):
    query = """query($s: String!, $t: String!, $h: String!) {
      previewMailTemplate(event: MOVED, language: EN, subject: $s, text: $t, html: $h) {
        subject text html } }"""
    found = await shop.gql(
        "admin",
        query,
        {"s": "#{{ ticket_number }} {{ action }}", "t": "{{ actor }}", "h": "<b>{{ title }}</b>"},
    )
    assert found["previewMailTemplate"] == {
        "subject": "#42 forwarded",
        "text": "Ann Lee",
        "html": "<b>Kettle arrived broken</b>",
    }
    unknown = await shop.org.api.raw(
        query, {"s": "{{ nope }}", "t": "", "h": ""}, await shop.token("admin")
    )
    assert unknown["data"] is None
    assert unknown["errors"][0]["extensions"]["code"] == "INVALID"
    assert "nope" in unknown["errors"][0]["message"]


async def test_a_title_with_a_script_arrives_escaped_in_the_html_part(shop: Shop):
    await create_order(shop, "<script>alert(1)</script>")
    mail = (await mail_to_boss())[0]
    assert "<script>" not in mail.html_body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in mail.html_body
    assert "<script>alert(1)</script>" in mail.body  # the plain text is text


async def test_only_administrators_manage_mail_templates(shop: Shop):
    payload = await attempt(
        shop,
        "sam",
        "updateMailTemplate",
        "template { subject }",
        event="CREATED",
        language="EN",
        subject="x",
        text="x",
        html="x",
    )
    assert [e["code"] for e in payload["errors"]] == ["FORBIDDEN"]
    language = await mutation(shop, "sam", "setMailLanguage", "language", language="ZH_CN")
    assert [e["code"] for e in language["errors"]] == ["FORBIDDEN"]
    listed = await shop.org.api.raw("{ mailTemplates { event } }", None, await shop.token("sam"))
    assert listed["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await shop.gql("admin", "{ mailLanguage }"))["mailLanguage"] == "EN"
