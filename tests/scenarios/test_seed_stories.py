"""The seeds' stories, told through the GraphQL API as the people in them would act."""

import re
from typing import Any

from tests.shop import Shop
from tests.support import gid
from workorder.models import Customer, EventKind, MailOutbox, TicketEvent

TICKET = """id number status version currentStep { key name } currentGroup { name }
  assignee { username } priority surveyScore
  availableActions { action finishes nextSteps { key } returnTo { step { key } assignee { username } } }"""


def _ok(result: dict[str, Any], name: str) -> dict[str, Any]:
    payload = result[name]
    assert payload["errors"] == [], payload["errors"]
    ticket: dict[str, Any] = payload["ticket"]
    return ticket


async def test_an_e_commerce_order_travels_the_groups_and_comes_back(shop: Shop):
    customer = await Customer.create(
        tenant_id=shop.org.tenant.id, name="Mrs Li", email="li@customer.example"
    )
    # Ann, in Sales, takes the call, finds Mrs Li by her e-mail and creates the work order.
    found = await shop.gql("ann", '{ customers(query: "li@customer.example") { totalCount } }')
    assert found == {"customers": {"totalCount": 1}}
    created = await shop.gql(
        "ann",
        f"""mutation($input: CreateTicketInput!) {{
        createTicket(input: $input) {{ ticket {{ {TICKET} }} errors {{ code message field }} }} }}""",
        {
            "input": {
                "templateId": gid("Template", shop.order.id),
                "title": "Three kettles",
                "customerId": gid("Customer", customer.id),
                "cc": ["boss@shop.example"],
                "fields": {"order_no": "A-100", "amount": 89.5},
            }
        },
    )
    ticket = _ok(created, "createTicket")
    assert (ticket["status"], ticket["currentStep"]["key"], ticket["assignee"]["username"]) == (
        "IN_PROGRESS",
        "sales",
        "ann",
    )
    forward = [a for a in ticket["availableActions"] if a["action"] == "FORWARD"]
    assert forward == [
        {
            "action": "FORWARD",
            "finishes": False,
            "nextSteps": [{"key": "finance"}],
            "returnTo": None,
        }
    ]
    tid = ticket["id"]

    async def act(user: str, mutation: str, **input: object) -> dict[str, Any]:
        result = await shop.gql(
            user,
            f"""mutation($input: {mutation[0].upper() + mutation[1:]}Input!)
            {{ {mutation}(input: $input) {{ ticket {{ {TICKET} }} errors {{ code message field }} }} }}""",
            {"input": {"id": tid, **input}},
        )
        return _ok(result, mutation)

    ticket = await act("ann", "forwardTicket", comment="Please check the payment")
    assert (ticket["status"], ticket["currentGroup"]["name"]) == ("PENDING", "Finance")
    # Finance: Cal sees it in the queue and claims it; it needs "paid" to move on.
    ticket = await act("cal", "claimTicket")
    refused = await shop.gql(
        "cal",
        """mutation($id: ID!) { forwardTicket(input: {id: $id}) {
        ticket { id } errors { code field } } }""",
        {"id": tid},
    )
    assert refused["forwardTicket"]["errors"][0]["code"] == "INVALID"
    ticket = await act("cal", "forwardTicket", fields={"paid": True})
    # Warehouse assigns to the least loaded packer.
    assert (ticket["currentGroup"]["name"], ticket["assignee"]["username"]) == ("Warehouse", "walt")
    ticket = await act("walt", "forwardTicket", comment="Packed")
    assert ticket["status"] == "PENDING" and ticket["currentGroup"]["name"] == "Logistics"
    ticket = await act("eve", "claimTicket")
    ticket = await act("eve", "forwardTicket", fields={"tracking": "SF-7731"})
    # Back to the creator, because the template retains the agent.
    assert (ticket["currentStep"]["key"], ticket["assignee"]["username"]) == ("care", "ann")
    # A colleague of Ann's does not see her ticket; her supervisor does, and urges.
    unseen = await shop.gql("bob", "query($id: ID!) { ticket(id: $id) { id } }", {"id": tid})
    assert unseen == {"ticket": None}
    ticket = await act("sam", "urgeTicket", comment="Customer called again")
    assert ticket["priority"] == "HIGH"
    ticket = await act("ann", "closeTicket", comment="Delivered, customer satisfied")
    assert ticket["status"] == "DONE"

    # The customer answers the survey from the link in the mail.
    mails = [m for m in await MailOutbox.all() if "li@customer.example" in m.recipients]
    assert len(mails) == 1
    token = re.search(r"token=(\S+)", mails[0].body).group(1)  # type: ignore[union-attr]
    answer = await shop.org.api.ok(
        """mutation($input: SubmitSurveyInput!) {
        submitSurvey(input: $input) { ok errors { code } } }""",
        {"input": {"token": token, "score": 5, "comment": "Fast!"}},
    )
    assert answer["submitSurvey"] == {"ok": True, "errors": []}
    again = await shop.org.api.ok(
        """mutation($input: SubmitSurveyInput!) {
        submitSurvey(input: $input) { ok errors { code } } }""",
        {"input": {"token": token, "score": 1}},
    )
    assert again["submitSurvey"] == {"ok": False, "errors": [{"code": "CONFLICT"}]}

    trace = await shop.gql(
        "ann",
        """query($id: ID!) { ticket(id: $id) { surveyScore
        events { kind actor { username } fromStep toStep comment } } }""",
        {"id": tid},
    )
    assert trace["ticket"]["surveyScore"] == 5
    assert [(e["kind"], (e["actor"] or {}).get("username")) for e in trace["ticket"]["events"]] == [
        ("CREATED", "ann"),
        ("FORWARDED", "ann"),
        ("NOTED", "ann"),  # the comments given with a move are kept as notes
        ("CLAIMED", "cal"),
        ("FORWARDED", "cal"),
        ("FORWARDED", "walt"),
        ("NOTED", "walt"),
        ("CLAIMED", "eve"),
        ("FORWARDED", "eve"),
        ("URGED", "sam"),
        ("CLOSED", "ann"),
        ("NOTED", "ann"),
        ("SURVEY_ANSWERED", None),
    ]
    # CC and the template's default CC heard of every status change.
    cc_mails = [m for m in await MailOutbox.all() if "boss@shop.example" in m.recipients]
    assert len(cc_mails) >= 4
    assert all("orders@shop.example" in m.recipients for m in cc_mails)


async def test_returns_with_a_rejection_and_a_return(shop: Shop):
    created = await shop.gql(
        "ann",
        f"""mutation($input: CreateTicketInput!) {{
        createTicket(input: $input) {{ ticket {{ {TICKET} }} errors {{ code message }} }} }}""",
        {
            "input": {
                "templateId": gid("Template", shop.returns.id),
                "title": "Scratched TV",
                "fields": {"model": "TV-9"},
            }
        },
    )
    tid = _ok(created, "createTicket")["id"]

    async def act(user: str, mutation: str, **input: object) -> dict[str, Any]:
        result = await shop.gql(
            user,
            f"""mutation($input: {mutation[0].upper() + mutation[1:]}Input!)
            {{ {mutation}(input: $input) {{ ticket {{ {TICKET} }} errors {{ code message field }} }} }}""",
            {"input": {"id": tid, **input}},
        )
        return _ok(result, mutation)

    ticket = await act("ann", "forwardTicket")
    # The manager step waits for its supervisor to assign it.
    assert (ticket["status"], ticket["currentStep"]["key"], ticket["assignee"]) == (
        "PENDING",
        "manager",
        None,
    )
    ticket = await act("sam", "assignTicket", userId=gid("User", shop.users["fay"].id))
    choices = (
        next(a for a in ticket["availableActions"] if a["action"] == "FORWARD")
        if any(a["action"] == "FORWARD" for a in ticket["availableActions"])
        else None
    )
    assert choices is None  # Sam assigned it; only Fay, its handler, may forward
    fay_view = await shop.gql(
        "fay", f"query($id: ID!) {{ ticket(id: $id) {{ {TICKET} }} }}", {"id": tid}
    )
    forward = next(a for a in fay_view["ticket"]["availableActions"] if a["action"] == "FORWARD")
    assert [s["key"] for s in forward["nextSteps"]] == ["warehouse", "agent"]

    # The manager rejects: back to the agent, who created it.
    ticket = await act(
        "fay",
        "forwardTicket",
        nextStep="agent",
        fields={"decision": "reject"},
        comment="Send photos of the scratch",
    )
    assert (ticket["currentStep"]["key"], ticket["assignee"]["username"]) == ("agent", "ann")
    ticket = await act("ann", "forwardTicket", comment="Photos attached")
    ticket = await act("sam", "assignTicket", userId=gid("User", shop.users["fay"].id))
    ticket = await act("fay", "forwardTicket", nextStep="warehouse", fields={"decision": "approve"})
    assert ticket["status"] == "PENDING" and ticket["currentGroup"]["name"] == "Warehouse"
    ticket = await act("dee", "claimTicket")
    returns = next(a for a in ticket["availableActions"] if a["action"] == "RETURN")
    assert returns["returnTo"] == {"step": {"key": "manager"}, "assignee": {"username": "fay"}}
    refused = await shop.gql(
        "dee",
        """mutation($id: ID!) { returnTicket(input: {id: $id, reason: " "})
        { ticket { id } errors { code field } } }""",
        {"id": tid},
    )
    assert refused["returnTicket"]["errors"] == [{"code": "INVALID", "field": ["reason"]}]
    # The warehouse returns it: the box was empty. It goes back to Fay at the manager step.
    ticket = await act("dee", "returnTicket", reason="The box was empty")
    assert (ticket["currentStep"]["key"], ticket["assignee"]["username"]) == ("manager", "fay")
    ticket = await act("fay", "forwardTicket", nextStep="warehouse")
    ticket = await act("dee", "claimTicket")
    ticket = await act("dee", "forwardTicket", fields={"received": True})
    assert ticket["currentGroup"]["name"] == "Finance"
    ticket = await act("cal", "claimTicket")
    last = next(a for a in ticket["availableActions"] if a["action"] == "FORWARD")
    assert last["finishes"] is True
    ticket = await act("cal", "forwardTicket", comment="Refunded")
    assert ticket["status"] == "DONE"
    kinds = [e.kind for e in await TicketEvent.filter(ticket__number=1).order_by("id")]
    assert kinds.count(EventKind.RETURNED) == 1 and kinds[-2:] == ["FORWARDED", "NOTED"]
