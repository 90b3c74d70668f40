"""Rows by id through a statement built once per batch size: each call gets its own
tenant's rows, whoever asked with the same number of ids before."""

from __future__ import annotations

from tests.support import OrgBuilder
from workorder.dataloaders.by_id import rows_by_id
from workorder.models import Template, User


async def test_each_tenant_gets_its_own_rows_from_the_shared_statement(
    org: OrgBuilder,
) -> None:
    other = await OrgBuilder.create(org.api, "other")
    ids = [org.admin.id, other.admin.id, org.admin.id]  # a repeat is asked for once
    mine = await rows_by_id(User, org.tenant.id, ids)
    theirs = await rows_by_id(User, other.tenant.id, ids)
    assert {u.id: u.username for u in mine.values()} == {org.admin.id: "admin"}
    assert set(theirs) == {other.admin.id}
    assert theirs[other.admin.id].tenant_id == other.tenant.id
    assert await rows_by_id(Template, org.tenant.id, [org.admin.id + 10**6]) == {}
