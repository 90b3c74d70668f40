"""Templates through the API, as an administrator builds them: the seeds' two workflows,
every field type, versions, and the bad input that must change nothing."""

from typing import Any

import pytest

from tests.support import OrgBuilder, gid
from workorder.models import Template, TemplateVersion

TEMPLATE_FIELDS = """
  id name version active hint retainAgentOnTransfer editLimit initialAssignment endAction
  defaultCc surveyOnClose priorityEnabled rangeGroups { name }
  fields { key label type options { value label } required help position allowCustomValue
           default dictionary { name } }
  steps { key name group { name } assignment nextSteps finishes
          visibleFields editableFields requiredFields }
"""
CREATE = f"""mutation($input: CreateTemplateInput!) {{ createTemplate(input: $input) {{
  template {{ {TEMPLATE_FIELDS} }} errors {{ code message field }} }} }}"""


@pytest.fixture
async def shop(org: OrgBuilder) -> dict[str, str]:
    """The e-commerce company of the order workflow: four groups, and a Managers group for returns."""
    ids = {}
    for name in ("Sales", "Finance", "Warehouse", "Logistics", "Managers"):
        ids[name] = gid("Group", (await org.group(name)).id)
    return ids


async def _create(org: OrgBuilder, **input: Any) -> dict[str, Any]:
    result: dict[str, Any] = (await org.as_admin(CREATE, {"input": input}))["createTemplate"]
    return result


async def test_the_e_commerce_workflow_of_the_seeds(org, shop):
    made = await _create(
        org,
        name="Order",
        hint="Take the order, then let the groups do the rest",
        retainAgentOnTransfer=True,
        initialAssignment="CREATOR",
        defaultCc=["orders@shop.example", "Boss@Shop.example"],
        fields=[
            {"key": "order_no", "label": "Order number", "type": "TEXT", "required": True},
            {"key": "amount", "label": "Amount", "type": "NUMBER"},
            {"key": "paid", "label": "Paid", "type": "CHECKBOX"},
            {"key": "tracking", "label": "Tracking number", "type": "TEXT"},
        ],
        steps=[
            {
                "key": "sales",
                "name": "Take the order",
                "groupId": shop["Sales"],
                "editableFields": ["order_no", "amount"],
            },
            {
                "key": "finance",
                "name": "Check payment",
                "groupId": shop["Finance"],
                "editableFields": ["paid"],
                "requiredFields": ["paid"],
            },
            {
                "key": "warehouse",
                "name": "Pack",
                "groupId": shop["Warehouse"],
                "assignment": "LEAST_LOADED",
            },
            {
                "key": "logistics",
                "name": "Ship",
                "groupId": shop["Logistics"],
                "editableFields": ["tracking"],
                "requiredFields": ["tracking"],
                "assignment": "ROUND_ROBIN",
            },
            {
                "key": "care",
                "name": "Customer care",
                "groupId": shop["Sales"],
                "visibleFields": ["order_no", "tracking"],
                "editableFields": [],
            },
        ],
    )
    assert made["errors"] == []
    template = made["template"]
    assert template["version"] == 1
    assert template["retainAgentOnTransfer"] is True
    assert template["defaultCc"] == ["orders@shop.example", "Boss@shop.example"]
    steps = template["steps"]
    assert [(s["key"], s["group"]["name"], s["nextSteps"], s["finishes"]) for s in steps] == [
        ("sales", "Sales", ["finance"], False),
        ("finance", "Finance", ["warehouse"], False),
        ("warehouse", "Warehouse", ["logistics"], False),
        ("logistics", "Logistics", ["care"], False),
        ("care", "Sales", [], True),
    ]
    assert steps[1]["requiredFields"] == ["paid"]
    assert steps[2]["editableFields"] == ["order_no", "amount", "paid", "tracking"]
    assert steps[4]["visibleFields"] == ["order_no", "tracking"]
    assert steps[4]["editableFields"] == []


async def test_the_returns_workflow_of_the_seeds_branches_and_loops(org, shop):
    made = await _create(
        org,
        name="Return goods",
        fields=[
            {"key": "model", "label": "Product model", "type": "TEXT", "required": True},
            {"key": "bought_on", "label": "Bought on", "type": "DATE"},
            {
                "key": "decision",
                "label": "Decision",
                "type": "RADIO",
                "options": [
                    {"value": "approve", "label": "Approve"},
                    {"value": "reject", "label": "Reject"},
                ],
            },
            {"key": "reason", "label": "Reason", "type": "TEXTAREA"},
            {"key": "received", "label": "Goods received", "type": "DATETIME"},
        ],
        steps=[
            {"key": "agent", "name": "Collect the facts", "groupId": shop["Sales"]},
            {
                "key": "manager",
                "name": "Approve",
                "groupId": shop["Managers"],
                "assignment": "SUPERVISOR",
                "nextSteps": ["warehouse", "agent"],
                "editableFields": ["decision", "reason"],
                "requiredFields": ["decision"],
            },
            {
                "key": "warehouse",
                "name": "Receive goods",
                "groupId": shop["Warehouse"],
                "editableFields": ["received"],
                "requiredFields": ["received"],
            },
            {"key": "finance", "name": "Refund", "groupId": shop["Finance"], "nextSteps": []},
        ],
    )
    assert made["errors"] == []
    steps = {s["key"]: s for s in made["template"]["steps"]}
    assert steps["manager"]["nextSteps"] == ["warehouse", "agent"]
    assert steps["agent"]["nextSteps"] == ["manager"]
    assert steps["finance"]["finishes"] is True
    assert steps["manager"]["assignment"] == "SUPERVISOR"


async def test_a_template_with_every_field_type_renders_in_one_query(org, shop):
    dictionary = await org.as_admin(
        """mutation { createDictionary(input: {name: "Regions", items: [
             {value: "zj", label: "Zhejiang", children: [
               {value: "hz", label: "Hangzhou", children: [{value: "xh", label: "Xihu"}]}]},
             {value: "js", label: "Jiangsu"}]}) { dictionary { id } errors { code } } }"""
    )
    dict_id = dictionary["createDictionary"]["dictionary"]["id"]
    options = [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]
    fields: list[dict[str, Any]] = [
        {
            "key": "t",
            "label": "Text",
            "type": "TEXT",
            "default": "hello",
            "labels": [{"locale": "zh", "text": "文本"}],
        },
        {"key": "ta", "label": "Text area", "type": "TEXTAREA", "help": "Long text"},
        {"key": "n", "label": "Number", "type": "NUMBER", "default": 3},
        {"key": "d", "label": "Date", "type": "DATE"},
        {"key": "dt", "label": "Date time", "type": "DATETIME"},
        {
            "key": "s",
            "label": "Select",
            "type": "SELECT",
            "options": options,
            "allowCustomValue": True,
        },
        {"key": "ms", "label": "Multi", "type": "MULTI_SELECT", "options": options},
        {"key": "r", "label": "Radio", "type": "RADIO", "options": options},
        {"key": "c", "label": "Checkbox", "type": "CHECKBOX", "default": False},
        {
            "key": "region",
            "label": "Region",
            "type": "CASCADE",
            "dictionaryId": dict_id,
            "required": True,
        },
        {"key": "files", "label": "Files", "type": "ATTACHMENT"},
    ]
    made = await _create(
        org, name="Everything", fields=fields, rangeGroupIds=[shop["Sales"], shop["Finance"]]
    )
    assert made["errors"] == []
    template_id = made["template"]["id"]
    await org.user("zhang")
    from workorder.models import User

    await User.filter(username="zhang").update(locale="zh-CN")
    rendered = await org.api.ok(
        """query($id: ID!) { template(id: $id) {
             fields { key label type options { value label } required help position }
             steps { name group { name } assignment nextSteps visibleFields editableFields
                     requiredFields }
             rangeGroups { name }
             cascade: fields { dictionary { name items { value label hasChildren
                 children { value label hasChildren children { value } } } } } } }""",
        {"id": template_id},
        token=await org.token("zhang"),
    )
    template = rendered["template"]
    assert [f["type"] for f in template["fields"]] == [f["type"] for f in fields]
    assert template["fields"][0]["label"] == "文本"  # zh-CN falls back to zh
    assert template["fields"][1]["label"] == "Text area"
    assert template["steps"] == []
    assert [g["name"] for g in template["rangeGroups"]] == ["Sales", "Finance"]
    tree = template["cascade"][9]["dictionary"]["items"]
    assert tree[0] == {
        "value": "zj",
        "label": "Zhejiang",
        "hasChildren": True,
        "children": [
            {"value": "hz", "label": "Hangzhou", "hasChildren": True, "children": [{"value": "xh"}]}
        ],
    }
    assert tree[1]["hasChildren"] is False
    admin_view = (
        await org.as_admin(
            "query($id: ID!) { template(id: $id) { fields { key label default } } }",
            {"id": template_id},
        )
    )["template"]["fields"]
    assert admin_view[0] == {"key": "t", "label": "Text", "default": "hello"}
    assert admin_view[2]["default"] == 3


async def test_every_change_makes_a_new_version_and_old_versions_stay(org, shop):
    made = await _create(
        org, name="Complaint", fields=[{"key": "topic", "label": "Topic", "type": "TEXT"}]
    )
    template_id = made["template"]["id"]
    first_version = (
        await org.as_admin(
            "query($id: ID!) { template(id: $id) { currentVersion { id number } } }",
            {"id": template_id},
        )
    )["template"]["currentVersion"]
    await org.as_admin(
        """mutation($id: ID!) { updateTemplate(input: {id: $id, editLimit: OWNER,
           hint: "Be kind", expectedVersion: 1}) { errors { code } } }""",
        {"id": template_id},
    )
    await org.as_admin(
        """mutation($id: ID!) { addTemplateField(input: {templateId: $id, field:
           {key: "severity", label: "Severity", type: NUMBER}}) { errors { code } } }""",
        {"id": template_id},
    )
    await org.as_admin(
        """mutation($id: ID!) { updateTemplateField(input: {templateId: $id, key: "topic",
           changes: {label: "Subject", required: true}}) { errors { code } } }""",
        {"id": template_id},
    )
    await org.as_admin(
        """mutation($id: ID!) { reorderTemplateFields(input: {templateId: $id,
           keys: ["severity", "topic"]}) { errors { code } } }""",
        {"id": template_id},
    )
    now = (
        await org.as_admin(
            """query($id: ID!) { template(id: $id) { version editLimit hint
             fields { key label required } versions { number editLimit fields { key } } } }""",
            {"id": template_id},
        )
    )["template"]
    assert now["version"] == 5
    assert now["editLimit"] == "OWNER" and now["hint"] == "Be kind"
    assert now["fields"] == [
        {"key": "severity", "label": "Severity", "required": False},
        {"key": "topic", "label": "Subject", "required": True},
    ]
    assert [v["number"] for v in now["versions"]] == [5, 4, 3, 2, 1]
    assert now["versions"][-1] == {
        "number": 1,
        "editLimit": "EVERYONE",
        "fields": [{"key": "topic"}],
    }
    old = (
        await org.as_admin(
            "query($id: ID!) { templateVersion(id: $id) { number fields { key label } template { version } } }",
            {"id": first_version["id"]},
        )
    )["templateVersion"]
    assert old == {
        "number": 1,
        "fields": [{"key": "topic", "label": "Topic"}],
        "template": {"version": 5},
    }

    stale = await org.as_admin(
        """mutation($id: ID!) { updateTemplate(input: {id: $id, hint: "x", expectedVersion: 2})
           { template { version } errors { code field } } }""",
        {"id": template_id},
    )
    assert stale["updateTemplate"] == {
        "template": None,
        "errors": [{"code": "STALE", "field": ["expectedVersion"]}],
    }
    assert (await Template.get(name="Complaint")).version_number == 5


async def test_a_field_tickets_use_keeps_its_key_and_type_and_leaves_a_tombstone(org, shop):
    made = await _create(
        org,
        name="Complaint",
        fields=[
            {"key": "topic", "label": "Topic", "type": "TEXT"},
            {"key": "draft", "label": "Draft", "type": "TEXT"},
        ],
    )
    template_id = made["template"]["id"]
    # Before any ticket: a key may still be corrected.
    renamed = await org.as_admin(
        """mutation($id: ID!) { updateTemplateField(input: {templateId: $id, key: "draft",
           changes: {key: "note", type: TEXTAREA}}) { template { fields { key type } } errors { code } } }""",
        {"id": template_id},
    )
    assert renamed["updateTemplateField"]["template"]["fields"][1] == {
        "key": "note",
        "type": "TEXTAREA",
    }
    # A ticket pins the current version (the ticket flow sets this flag).
    await TemplateVersion.filter(template__name="Complaint").update(in_use=True)
    before = (await Template.get(name="Complaint")).version_number
    for changes, field in [
        ('{key: "subject"}', ["field", "key"]),
        ("{type: NUMBER}", ["field", "type"]),
    ]:
        refused = await org.as_admin(
            f"""mutation($id: ID!) {{ updateTemplateField(input: {{templateId: $id, key: "topic",
               changes: {changes}}}) {{ template {{ id }} errors {{ code field }} }} }}""",
            {"id": template_id},
        )
        assert refused["updateTemplateField"] == {
            "template": None,
            "errors": [{"code": "INVALID", "field": field}],
        }
    assert (await Template.get(name="Complaint")).version_number == before
    removed = await org.as_admin(
        """mutation($id: ID!) { removeTemplateField(input: {templateId: $id, key: "topic"}) {
           template { fields { key } all: fields(includeRemoved: true) { key removed } } errors { code } } }""",
        {"id": template_id},
    )
    template = removed["removeTemplateField"]["template"]
    assert template["fields"] == [{"key": "note"}]
    assert {"key": "topic", "removed": True} in template["all"]
    reuse = await org.as_admin(
        """mutation($id: ID!) { addTemplateField(input: {templateId: $id, field:
           {key: "topic", label: "Again", type: NUMBER}}) { errors { code message } } }""",
        {"id": template_id},
    )
    assert reuse["addTemplateField"]["errors"][0]["code"] == "INVALID"


BAD_INPUTS = [
    (
        {
            "fields": [
                {"key": "a", "label": "A", "type": "TEXT"},
                {"key": "a", "label": "B", "type": "TEXT"},
            ]
        },
        ["fields", "1", "key"],
    ),
    ({"fields": [{"key": "1abc", "label": "A", "type": "TEXT"}]}, ["fields", "0", "key"]),
    ({"fields": [{"key": "with space", "label": "A", "type": "TEXT"}]}, ["fields", "0", "key"]),
    ({"fields": [{"key": "s", "label": "S", "type": "SELECT"}]}, ["fields", "0", "options"]),
    ({"fields": [{"key": "c", "label": "C", "type": "CASCADE"}]}, ["fields", "0", "dictionary"]),
    ({"defaultCc": ["ok@example.com", "not an address"]}, ["defaultCc", "1"]),
    (
        {"fields": [{"key": "n", "label": "N", "type": "NUMBER", "default": "many"}]},
        ["fields", "0", "default"],
    ),
    (
        {
            "fields": [
                {
                    "key": "s",
                    "label": "S",
                    "type": "SELECT",
                    "default": "c",
                    "options": [{"value": "a"}, {"value": "b"}],
                }
            ]
        },
        ["fields", "0", "default"],
    ),
    ({"steps": "unreachable"}, ["steps", "2", "key"]),
    ({"steps": "dead_end"}, ["steps", "1", "nextSteps"]),
    ({"steps": "missing_target"}, ["steps", "0", "nextSteps"]),
    ({"steps": "unknown_field"}, ["steps", "0", "requiredFields"]),
]


def _steps(kind: str, group: str) -> list[dict[str, Any]]:
    a = {"key": "a", "name": "A", "groupId": group}
    b = {"key": "b", "name": "B", "groupId": group}
    c = {"key": "c", "name": "C", "groupId": group}
    shapes: dict[str, list[dict[str, Any]]] = {
        "unreachable": [{**a, "nextSteps": ["b"]}, {**b, "nextSteps": []}, c],
        # b and d only lead to each other: once there, the ticket can never finish.
        "dead_end": [
            {**a, "nextSteps": ["b", "c"]},
            {**b, "nextSteps": ["d"]},
            {**c, "nextSteps": []},
            {"key": "d", "name": "D", "groupId": group, "nextSteps": ["b"]},
        ],
        "missing_target": [{**a, "nextSteps": ["zzz"]}],
        "unknown_field": [{**a, "requiredFields": ["nope"]}],
    }
    return shapes[kind]


@pytest.mark.parametrize(("bad", "field"), BAD_INPUTS)
async def test_bad_templates_are_refused_and_change_nothing(org, shop, bad, field):
    if "steps" in bad:
        bad = {"steps": _steps(bad["steps"], shop["Sales"])}
    result = await _create(org, name="Bad", **bad)
    assert result["template"] is None
    assert result["errors"][0]["code"] == "INVALID", result
    assert result["errors"][0]["field"] == field, result
    assert await Template.all().count() == 0


async def test_a_step_naming_a_group_of_another_tenant_is_refused(org, api, shop):
    other = await OrgBuilder.create(api, "globex")
    foreign = gid("Group", (await other.group("Their sales")).id)
    result = await _create(
        org, name="Sneaky", steps=[{"key": "a", "name": "A", "groupId": foreign}]
    )
    assert result == {
        "template": None,
        "errors": [
            {"code": "NOT_FOUND", "message": "Group not found", "field": ["steps", "0", "groupId"]}
        ],
    }
    assert await Template.all().count() == 0


async def test_non_admins_may_not_configure_templates(org, shop):
    await org.user("agent")
    token = await org.token("agent")
    made = await _create(org, name="Real")
    template_id = made["template"]["id"]
    for mutation in [
        'createTemplate(input: {name: "X"})',
        f'updateTemplate(input: {{id: "{template_id}", hint: "x"}})',
        f'archiveTemplate(input: {{id: "{template_id}"}})',
        f'copyTemplate(input: {{id: "{template_id}"}})',
        f'addTemplateField(input: {{templateId: "{template_id}", field: {{key: "k", label: "K", type: TEXT}}}})',
        f'removeTemplateField(input: {{templateId: "{template_id}", key: "k"}})',
        f'setTemplateWorkflow(input: {{templateId: "{template_id}", steps: []}})',
        'createDictionary(input: {name: "D"})',
    ]:
        data = await org.api.ok(
            f"mutation {{ m: {mutation} {{ errors {{ code }} }} }}", token=token
        )
        assert data["m"] == {"errors": [{"code": "FORBIDDEN"}]}, mutation
    assert (await Template.get(name="Real")).version_number == 1
    # Agents read templates: they fill the forms.
    seen = await org.api.ok("{ templates { totalCount edges { node { name } } } }", token=token)
    assert seen["templates"]["totalCount"] == 1


async def test_archive_copy_and_filter(org, shop):
    made = await _create(
        org,
        name="Complaint",
        fields=[{"key": "topic", "label": "Topic", "type": "TEXT"}],
        steps=[{"key": "a", "name": "A", "groupId": shop["Sales"]}],
    )
    template_id = made["template"]["id"]
    copy = await org.as_admin(
        """mutation($id: ID!) { copyTemplate(input: {id: $id}) {
           template { name version fields { key } steps { key } } errors { code } } }""",
        {"id": template_id},
    )
    assert copy["copyTemplate"]["template"] == {
        "name": "Complaint (copy)",
        "version": 1,
        "fields": [{"key": "topic"}],
        "steps": [{"key": "a"}],
    }
    archived = await org.as_admin(
        "mutation($id: ID!) { archiveTemplate(input: {id: $id}) { template { active } } }",
        {"id": template_id},
    )
    assert archived["archiveTemplate"]["template"]["active"] is False
    active = await org.as_admin("{ templates(filter: {active: true}) { edges { node { name } } } }")
    assert [e["node"]["name"] for e in active["templates"]["edges"]] == ["Complaint (copy)"]
    everything = await org.as_admin("{ templates { totalCount } }")
    assert everything["templates"]["totalCount"] == 2
    duplicate = await _create(org, name="Complaint")
    assert duplicate["errors"][0]["code"] == "CONFLICT"


async def test_templates_of_another_tenant_are_invisible(org, api, shop):
    made = await _create(org, name="Ours")
    other = await OrgBuilder.create(api, "globex")
    token = await other.token()
    seen = await api.ok(
        """query($id: ID!) { template(id: $id) { name } node(id: $id) { id }
           templates { totalCount } }""",
        {"id": made["template"]["id"]},
        token=token,
    )
    assert seen == {"template": None, "node": None, "templates": {"totalCount": 0}}


async def test_the_workflow_can_be_replaced_and_removed(org, shop):
    made = await _create(org, name="Flow", fields=[{"key": "x", "label": "X", "type": "TEXT"}])
    template_id = made["template"]["id"]
    result = await org.as_admin(
        """mutation($id: ID!, $steps: [StepInput!]!) { setTemplateWorkflow(input:
           {templateId: $id, steps: $steps}) { template { version steps { key nextSteps } }
           errors { code field } } }""",
        {
            "id": template_id,
            "steps": [
                {"key": "one", "name": "One", "groupId": shop["Sales"]},
                {"key": "two", "name": "Two", "groupId": shop["Finance"], "requiredFields": ["x"]},
            ],
        },
    )
    assert result["setTemplateWorkflow"]["template"]["steps"] == [
        {"key": "one", "nextSteps": ["two"]},
        {"key": "two", "nextSteps": []},
    ]
    renamed = await org.as_admin(
        """mutation($id: ID!) { updateTemplateField(input: {templateId: $id, key: "x",
           changes: {key: "y"}}) { template { steps { requiredFields } } errors { code } } }""",
        {"id": template_id},
    )
    assert renamed["updateTemplateField"]["template"]["steps"][1]["requiredFields"] == ["y"]
    cleared = await org.as_admin(
        """mutation($id: ID!) { setTemplateWorkflow(input: {templateId: $id, steps: []}) {
           template { version steps { key } } } }""",
        {"id": template_id},
    )
    assert cleared["setTemplateWorkflow"]["template"] == {"version": 4, "steps": []}
