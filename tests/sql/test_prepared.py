"""A Prepared read answers what the ORM query it was built from answers, with each call's
own values bound (never written into the SQL text)."""

from __future__ import annotations

from typing import Any

import pytest
from tortoise.queryset import ValuesQuery

from tests.support import OrgBuilder
from workorder.models import User
from workorder.sql.prepared import Prepared


def _named(tenant: int, name: str) -> ValuesQuery[Any]:
    return User.filter(tenant_id=tenant, display_name=name, active=True).values(
        "id", "display_name", "roles", "permissions"
    )


async def test_each_call_gets_the_rows_of_its_own_values(org: OrgBuilder):
    tricky = await org.user("obrien", permissions=["ticket.export"])
    await User.filter(id=tricky.id).update(display_name="O'Brien; --")
    plain = await org.user("cal")
    await User.filter(id=plain.id).update(display_name="Cal", active=False)  # a constant holds
    prepared = Prepared(User, _named, tenant=0, name="")
    tenant = org.tenant.id
    for name in ("O'Brien; --", "Cal", "nobody", "admin"):
        assert await prepared.fetch(tenant=tenant, name=name) == await _named(tenant, name)
    rows = await prepared.fetch(tenant=tenant, name="O'Brien; --")
    assert rows == [
        {
            "id": tricky.id,
            "display_name": "O'Brien; --",
            "roles": ["AGENT"],
            "permissions": ["ticket.export"],
        }
    ]  # JSON columns decoded as Tortoise decodes them
    assert await prepared.fetch(tenant=tenant + 1000, name="O'Brien; --") == []


async def test_an_argument_the_query_does_not_bind_is_refused(org: OrgBuilder):
    prepared = Prepared(User, lambda tenant, unused: _named(tenant, "admin"), tenant=0, unused=0)
    with pytest.raises(ValueError, match="unused"):
        await prepared.fetch(tenant=org.tenant.id, unused=1)
