"""A statement built once with stand-ins runs with each call's values, and a query whose
stand-in ends up in the SQL text is refused rather than run with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tortoise.expressions import RawSQL
from tortoise.queryset import QuerySet

from tests.support import OrgBuilder
from workorder.models import User
from workorder.sql.shapes import Shape, Shapes, rows_of


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


async def test_rows_of_binds_each_calls_values_and_keeps_the_constants(org: OrgBuilder) -> None:
    tricky = await org.user("obrien", permissions=["ticket.export"])
    await User.filter(id=tricky.id).update(display_name="O'Brien; --")
    plain = await org.user("cal")
    await User.filter(id=plain.id).update(display_name="Cal", active=False)
    store: Shapes[str, User] = Shapes(2)
    name = "\x00name"

    def build(value: Callable[[Any], Any]) -> QuerySet[User]:
        return User.filter(tenant_id=value(-1), display_name=value(name), active=True)

    tenant = org.tenant.id
    for wanted in ("O'Brien; --", "Cal", "nobody", "admin"):
        values = {-1: tenant, name: wanted}
        shaped = await rows_of(store, "users", build, values)
        plain_rows = await build(values.__getitem__)
        assert [u.id for u in shaped] == [u.id for u in plain_rows]
    (found,) = await rows_of(store, "users", build, {-1: tenant, name: "O'Brien; --"})
    assert (found.id, found.permissions) == (tricky.id, ["ticket.export"])  # JSON decoded
    assert await rows_of(store, "users", build, {-1: tenant + 1000, name: "O'Brien; --"}) == []
