"""READ_WRITE sharing lifts the OWNER edit limit for the people it names; READ does not."""

from __future__ import annotations

from tests.support import OrgBuilder
from tests.views_org import build_views_org
from workorder.auth.actor import Actor
from workorder.flows.templates.config import EditLimit
from workorder.flows.tickets.rules import standing_of
from workorder.models import SharingRule, TeamAccess


async def test_read_write_sharing_lets_the_target_edit_under_the_owner_limit(org: OrgBuilder):
    views = await build_views_org(org)
    quinn = Actor.of(views.users["quinn"])  # one actor per request: its reach is kept
    pat_s = views.tickets["pat's"]
    rule = await SharingRule.create(
        tenant_id=org.tenant.id,
        owner_department_id=views.departments["Sales"].id,
        target_user_id=quinn.user_id,
    )
    assert not (await standing_of(quinn, pat_s, EditLimit.OWNER)).may_edit_content
    rule.access = TeamAccess.READ_WRITE
    await rule.save()
    quinn = Actor.of(views.users["quinn"])  # the next request sees the changed rule
    assert (await standing_of(quinn, pat_s, EditLimit.OWNER)).may_edit_content
    # Hank's ticket is in another department: the rule does not reach it.
    assert not (await standing_of(quinn, views.tickets["hank's"], EditLimit.OWNER)).may_edit_content
