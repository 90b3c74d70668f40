"""The team that owns a template (seed 000 "Team Name"): a group of the tenant, kept on the
template row (not in its versions), so renaming or changing owners never needs a new
version and ticket lists filter by it (`TicketFilter.template_team_ids`)."""

from __future__ import annotations

from workorder.auth.actor import Actor
from workorder.auth.permissions import require_admin
from workorder.errors import not_found
from workorder.flows.templates.versions import template_of_tenant
from workorder.models import Group, Template


async def set_template_team(actor: Actor, template_id: int, group_id: int | None) -> Template:
    """Administrators only; a group of another tenant is as unknown as a missing one."""
    require_admin(actor)
    template = await template_of_tenant(actor.tenant_id, template_id)
    if group_id is not None and not await Group.exists(id=group_id, tenant_id=actor.tenant_id):
        raise not_found("Group", ["groupId"])
    template.team_id = group_id
    await template.save(update_fields=["team_id", "updated_at"])
    return template
