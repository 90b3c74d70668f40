"""A statement built once with stand-ins runs with each call's values, and a query whose
stand-in ends up in the SQL text is refused rather than run with it."""

from __future__ import annotations

from tortoise.expressions import RawSQL

from tests.support import OrgBuilder
from workorder.models import User
from workorder.sql.shapes import Shape


async def test_a_shape_runs_with_each_calls_values(org: OrgBuilder) -> None:
    other = await OrgBuilder.create(org.api, "other")
    name = "\x00name"
    shape = Shape.of(User.filter(tenant_id=-1, username=name), {-1: None, name: None})
    assert shape is not None
    found = await shape.run({-1: other.tenant.id, name: "admin"})
    assert [(u.id, u.tenant_id) for u in found] == [(other.admin.id, other.tenant.id)]
    assert await shape.run({-1: org.tenant.id, name: "nobody"}) == []


async def test_a_stand_in_written_into_the_sql_is_refused(org: OrgBuilder) -> None:
    written = User.filter(tenant_id=org.tenant.id).annotate(mark=RawSQL("-7"))
    assert Shape.of(written, {-7: 1}) is None
    assert Shape.of(User.filter(tenant_id=-7), {-7: 1}) is not None
