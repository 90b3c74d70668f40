"""Batch loaders for customers and contacts, every one scoped to the caller's tenant."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from workorder.models import Contact, Customer


class CustomerLoaders:
    def __init__(self, tenant_id: int) -> None:
        self.tenant_id = tenant_id
        self.customer = DataLoader(self._customers)
        self.contact = DataLoader(self._contacts)
        self.contacts_of = DataLoader(self._contacts_of)

    async def _customers(self, ids: Sequence[int]) -> list[Customer | None]:
        rows = {c.id: c for c in await Customer.filter(tenant_id=self.tenant_id, id__in=ids)}
        return [rows.get(i) for i in ids]

    async def _contacts(self, ids: Sequence[int]) -> list[Contact | None]:
        rows = {c.id: c for c in await Contact.filter(tenant_id=self.tenant_id, id__in=ids)}
        return [rows.get(i) for i in ids]

    async def _contacts_of(self, customer_ids: Sequence[int]) -> list[list[Contact]]:
        """One query for every customer on the page, each list ordered by name."""
        by_customer: dict[int, list[Contact]] = defaultdict(list)
        rows = await Contact.filter(
            tenant_id=self.tenant_id, customer_id__in=customer_ids
        ).order_by("name", "id")
        for contact in rows:
            assert contact.customer_id is not None
            by_customer[contact.customer_id].append(contact)
        return [by_customer.get(cid, []) for cid in customer_ids]
