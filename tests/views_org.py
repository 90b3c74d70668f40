"""An org for the ticket views, built in a few lines: a 4-level reporting line, two departments,
three groups, a sharing rule, and one ticket for each way of being seen.

    Service department (head Hank):  hank ← mia ← ned ← oli      (each reports to the left)
    Sales department (head Sue):     sue, pat
    Nobody's department:             quinn
    Groups: Front (members oli, pat; supervisor ned), Back (mia, quinn; supervisor mia),
            Audit (pat)
    Sharing: Quinn's tickets are shared with the Audit group (READ).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tests.support import OrgBuilder
from workorder.flows.org.departments import create_department
from workorder.flows.templates.versions import create_template
from workorder.models import (
    ClaimMode,
    Department,
    Group,
    Priority,
    SharingRule,
    Status,
    Template,
    Ticket,
    TicketCandidate,
    TicketParticipant,
    TicketTeamMember,
    User,
)


@dataclass
class ViewsOrg:
    org: OrgBuilder
    users: dict[str, User]
    departments: dict[str, Department]
    groups: dict[str, Group]
    template: Template
    tickets: dict[str, Ticket]
    numbers: int = 0

    async def ticket(self, title: str, **values: Any) -> Ticket:
        """A ticket row made directly: the views only read what the flows would have left."""
        self.numbers += 1
        values.setdefault("status", Status.IN_PROGRESS)
        values.setdefault("creator_id", self.org.admin.id)
        ticket = await Ticket.create(
            tenant_id=self.org.tenant.id,
            number=self.numbers,
            template_id=self.template.id,
            template_version_id=self.template.current_version_id,
            title=title,
            **values,
        )
        self.tickets[title] = ticket
        return ticket


async def build_views_org(org: OrgBuilder) -> ViewsOrg:
    admin = org.admin_actor
    users = {"admin": org.admin}
    hank = users["hank"] = await org.user("hank")
    mia = users["mia"] = await org.user("mia", superior=hank)
    ned = users["ned"] = await org.user("ned", superior=mia)
    users["oli"] = await org.user("oli", superior=ned)
    for name in ("sue", "pat", "quinn"):
        users[name] = await org.user(name)
    u = users
    departments = {
        "Service": await create_department(admin, "Service", head_id=hank.id),
        "Sales": await create_department(admin, "Sales", head_id=u["sue"].id),
    }
    for name, department in [
        ("hank", "Service"),
        ("mia", "Service"),
        ("ned", "Service"),
        ("oli", "Service"),
        ("sue", "Sales"),
        ("pat", "Sales"),
    ]:
        await User.filter(id=u[name].id).update(department_id=departments[department].id)
    groups = {
        "Front": await org.group("Front", [u["oli"], u["pat"]], [ned]),
        "Back": await org.group("Back", [mia, u["quinn"]], [mia]),
        "Audit": await org.group("Audit", [u["pat"]]),
    }
    await SharingRule.create(
        tenant_id=org.tenant.id, owner_user_id=u["quinn"].id, target_group_id=groups["Audit"].id
    )
    template = await create_template(admin, {"name": "Case"})
    built = ViewsOrg(org, users, departments, groups, template, {})
    t = built.ticket
    await t("oli's", assignee_id=u["oli"].id, priority=Priority.HIGH)
    await t("ned's done", assignee_id=ned.id, status=Status.DONE)
    await t("mia's urgent", assignee_id=mia.id, priority=Priority.URGENT)
    await t("hank's", assignee_id=hank.id)
    pat_s = await t("pat's", assignee_id=u["pat"].id)
    await TicketTeamMember.create(ticket=pat_s, user_id=u["oli"].id)
    sue_s = await t("sue's", assignee_id=u["sue"].id)
    await TicketParticipant.create(ticket=sue_s, user_id=ned.id)
    await t(
        "Front pool",
        status=Status.PENDING,
        claim_mode=ClaimMode.POOL,
        current_group_id=groups["Front"].id,
    )
    named = await t(
        "for pat to claim",
        status=Status.PENDING,
        claim_mode=ClaimMode.CANDIDATES,
        current_group_id=groups["Back"].id,
    )
    await TicketCandidate.create(ticket=named, user_id=u["pat"].id)
    await t("oli's void", assignee_id=u["oli"].id, status=Status.VOID)
    await t("quinn's", assignee_id=u["quinn"].id)
    await t("oli's deleted", assignee_id=u["oli"].id, deleted_at=datetime.now(UTC))
    return built
