"""A filter naming another tenant's ids is refused where it is accepted, with NOT_FOUND and
the path of the id: saved views, batch jobs, exports and plain lists alike,
so nothing is stored that fails later."""

from __future__ import annotations

from typing import Any

import pytest

from tests.shop import Shop, build_shop
from tests.support import OrgBuilder, gid
from workorder.models import Customer, Job, SavedView

VIEW = """mutation($i: CreateSavedViewInput!) { createSavedView(input: $i) {
  savedView { id } errors { code message field } } }"""
UPDATE_VIEW = """mutation($i: UpdateSavedViewInput!) { updateSavedView(input: $i) {
  savedView { id } errors { code message field } } }"""
BATCH_JOB = """mutation($i: StartBatchJobInput!) { startBatchJob(input: $i) {
  job { id } errors { code message field } } }"""
EXPORT = """mutation($i: StartExportInput!) { startExport(input: $i) {
  job { id } errors { code message field } } }"""
LIST = """query($filter: TicketFilterInput) { tickets(filter: $filter) { totalCount } }"""


@pytest.fixture
async def other(shop: Shop) -> Shop:
    """A second tenant with the same shape: its ids are valid ids, of the wrong tenant."""
    return await build_shop(await OrgBuilder.create(shop.org.api, "other"))


async def _filters(shop: Shop, other: Shop) -> list[tuple[dict[str, Any], list[str], str]]:
    """(filter, path of the foreign id, what it names), each mixing one of ours in first."""
    # Cal added ours, so he may name it (auth/customers.py); only the foreign id is refused.
    ours = await Customer.create(
        tenant_id=shop.org.tenant.id, name="Ours", created_by_id=shop.users["cal"].id
    )
    theirs = await Customer.create(tenant_id=other.org.tenant.id, name="Theirs")
    pairs = {
        "templateId": ("Template", shop.order.id, other.order.id),
        "groupId": ("Group", shop.groups["Sales"].id, other.groups["Sales"].id),
        "assigneeId": ("User", shop.users["cal"].id, other.users["cal"].id),
        "creatorId": ("User", shop.users["ann"].id, other.users["ann"].id),
        "customerId": ("Customer", ours.id, theirs.id),
    }
    return [
        ({name: [gid(kind, mine), gid(kind, foreign)]}, ["filter", name, "1"], kind)
        for name, (kind, mine, foreign) in pairs.items()
    ]


def _refused(payload: dict[str, Any], path: list[str], kind: str) -> None:
    assert payload["errors"] == [
        {"code": "NOT_FOUND", "message": f"{kind} not found", "field": path}
    ], payload
    assert next(v for k, v in payload.items() if k != "errors") is None


async def test_saved_views_refuse_another_tenants_ids(shop: Shop, other: Shop):
    for spec, path, kind in await _filters(shop, other):
        made = await shop.gql("admin", VIEW, {"i": {"name": "Mine", "filter": spec}})
        _refused(made["createSavedView"], path, kind)
        made = await shop.gql("cal", VIEW, {"i": {"name": "Mine", "filter": spec}})
        _refused(made["createSavedView"], path, kind)
    assert await SavedView.all().count() == 0

    kept = await shop.gql("admin", VIEW, {"i": {"name": "Kept"}})
    view_id = kept["createSavedView"]["savedView"]["id"]
    spec, path, kind = (await _filters(shop, other))[1]
    changed = await shop.gql("admin", UPDATE_VIEW, {"i": {"id": view_id, "filter": spec}})
    _refused(changed["updateSavedView"], path, kind)
    assert (await SavedView.get()).conditions == {}

    # Our own ids are fine.
    ours = {"groupId": [gid("Group", shop.groups["Sales"].id)]}
    fine = await shop.gql("admin", VIEW, {"i": {"name": "Sales", "filter": ours}})
    assert fine["createSavedView"]["errors"] == []


async def test_batch_jobs_and_exports_refuse_another_tenants_ids(shop: Shop, other: Shop):
    for spec, path, kind in await _filters(shop, other):
        started = await shop.gql("admin", BATCH_JOB, {"i": {"action": "URGE", "filter": spec}})
        _refused(started["startBatchJob"], path, kind)
        exported = await shop.gql("admin", EXPORT, {"i": {"filter": spec}})
        _refused(exported["startExport"], path, kind)
    assert await Job.all().count() == 0


async def test_plain_lists_refuse_another_tenants_ids_too(shop: Shop, other: Shop):
    for spec, path, kind in await _filters(shop, other):
        body = await shop.org.api.raw(LIST, {"filter": spec}, await shop.token("admin"))
        assert body["data"] is None
        [error] = body["errors"]
        assert (error["message"], error["extensions"]["code"], error["extensions"]["field"]) == (
            f"{kind} not found",
            "NOT_FOUND",
            path,
        )
    ours = {"groupId": [gid("Group", shop.groups["Sales"].id)]}
    assert (await shop.gql("admin", LIST, {"filter": ours}))["tickets"]["totalCount"] == 0


async def test_a_saved_views_filter_names_rows_by_the_global_ids_it_was_given(shop: Shop):
    """`SavedView.filter` is stored with database ids and read back with global ids."""
    customer = await Customer.create(tenant_id=shop.org.tenant.id, name="Ours")
    spec = {
        "templateId": [gid("Template", shop.order.id)],
        "groupId": [gid("Group", shop.groups["Sales"].id)],
        "assigneeId": [gid("User", shop.users["cal"].id)],
        "creatorId": [gid("User", shop.users["ann"].id)],
        "customerId": [gid("Customer", customer.id)],
        "status": ["IN_PROGRESS"],
    }
    made = await shop.gql(
        "admin",
        """mutation($i: CreateSavedViewInput!) { createSavedView(input: $i) {
          savedView { id } errors { code } } }""",
        {"i": {"name": "Ids", "filter": spec}},
    )
    view_id = made["createSavedView"]["savedView"]["id"]
    read = await shop.gql(
        "admin",
        "query($id: ID!) { node(id: $id) { ... on SavedView { filter } } }",
        {"id": view_id},
    )
    assert read["node"]["filter"] == spec
    stored = (await SavedView.get()).conditions
    assert stored["template_ids"] == [shop.order.id]  # database ids inside, global ids outside
