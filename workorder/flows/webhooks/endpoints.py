"""Registering webhook endpoints: who may, and which URLs, secrets and event types are valid.

The SSRF guard resolves the host and refuses a target whose address is loopback, private,
link-local, unspecified, reserved or multicast (unless WEBHOOKS_ALLOW_PRIVATE): a webhook is a
request the service makes on an administrator's say, and must not reach its own network. A
host that does not resolve now is accepted (it may later); the guard runs again at every send
(`target_refused`), so a name that later resolves inside is refused then.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import ipaddress
import secrets
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from tortoise.queryset import QuerySet

from workorder.auth.actor import Actor
from workorder.clock import now
from workorder.errors import conflict, forbidden, invalid, not_found
from workorder.flows.unit_of_work import unit_of_work
from workorder.flows.webhooks import outbox
from workorder.models import WebhookDelivery, WebhookEndpoint, WebhookEventType

SECRET_PREFIX = "whsec_"  # the Standard Webhooks form: whsec_ + base64 of the key's bytes
SECRET_MIN_BYTES = 24
SECRET_MAX_BYTES = 64
URL_MAX = 2000
DESCRIPTION_MAX = 200


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise forbidden("Only administrators may manage webhooks")


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def check_secret(secret: str) -> str:
    """A secret the caller chose: whsec_ + base64 of 24 to 64 bytes (what receivers' Standard
    Webhooks libraries expect)."""
    body = secret.strip().removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise invalid(
            f"The secret must be {SECRET_PREFIX} followed by base64 (leave it out to get one)",
            ["secret"],
        ) from None
    if not SECRET_MIN_BYTES <= len(key) <= SECRET_MAX_BYTES:
        raise invalid(
            f"The secret must hold {SECRET_MIN_BYTES} to {SECRET_MAX_BYTES} bytes, not {len(key)}",
            ["secret"],
        )
    return SECRET_PREFIX + body


def check_event_types(types: Sequence[str]) -> list[str]:
    known = {t.value for t in WebhookEventType}
    unknown = [t for t in types if t not in known]
    if unknown:
        raise invalid(f"Unknown event types: {', '.join(unknown)}", ["eventTypes"])
    if not types:
        raise invalid("Choose at least one event type", ["eventTypes"])
    return [t.value for t in WebhookEventType if t.value in types]  # the enum's order


def _forbidden_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_unspecified
        or ip.is_reserved
        or ip.is_multicast
    )


async def target_refused(url: str) -> str | None:
    """Why the SSRF guard refuses this URL's host, or None (also when it does not resolve)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        found = await asyncio.get_running_loop().getaddrinfo(
            host, parts.port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
        )
    except (OSError, UnicodeError):
        return None
    for *_, sockaddr in found:
        address = str(sockaddr[0])
        if _forbidden_address(address):
            return f"{host} resolves to {address}, a loopback, private or link-local address"
    return None


async def check_url(url: str, *, allow_private: bool) -> str:
    url = url.strip()
    if len(url) > URL_MAX:
        raise invalid(f"The URL is longer than {URL_MAX} characters", ["url"])
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise invalid("The URL must be http:// or https:// with a host", ["url"])
    if parts.username or parts.password:
        raise invalid("The URL may not carry a user name or password", ["url"])
    if not allow_private:
        reason = await target_refused(url)
        if reason is not None:
            raise invalid(f"Refused: {reason}", ["url"])
    return url


@dataclass(frozen=True, slots=True)
class Registered:
    """A new endpoint and its secret: the only time the secret is shown."""

    endpoint: WebhookEndpoint
    secret: str


async def register(
    actor: Actor,
    url: str,
    event_types: Sequence[str],
    *,
    allow_private: bool,
    secret: str | None = None,
    description: str = "",
) -> Registered:
    """An endpoint owned by the caller (a delivery shows only what they may see)."""
    require_admin(actor)
    checked_types = check_event_types(event_types)
    signing = new_secret() if secret is None else check_secret(secret)
    checked_url = await check_url(url, allow_private=allow_private)
    endpoint = await WebhookEndpoint.create(
        tenant_id=actor.tenant_id,
        owner_id=actor.user_id,
        url=checked_url,
        description=description.strip()[:DESCRIPTION_MAX],
        event_types=checked_types,
        secret=signing,
    )
    return Registered(endpoint, signing)


def endpoints_of(actor: Actor) -> QuerySet[WebhookEndpoint]:
    require_admin(actor)
    return WebhookEndpoint.filter(tenant_id=actor.tenant_id)


async def endpoint_of(actor: Actor, endpoint_id: int, field: str = "id") -> WebhookEndpoint:
    found = await endpoints_of(actor).filter(id=endpoint_id).first()
    if found is None:
        raise not_found("Webhook", [field])
    return found


async def update(
    actor: Actor,
    endpoint_id: int,
    *,
    allow_private: bool,
    url: str | None = None,
    event_types: Sequence[str] | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> WebhookEndpoint:
    """Change what is given; turning an endpoint on again clears its failure count."""
    endpoint = await endpoint_of(actor, endpoint_id)
    changes: dict[str, object] = {}
    if event_types is not None:
        changes["event_types"] = check_event_types(event_types)
    if url is not None:
        changes["url"] = await check_url(url, allow_private=allow_private)
    if description is not None:
        changes["description"] = description.strip()[:DESCRIPTION_MAX]
    if active is not None:
        changes["active"] = active
        if active:
            changes.update(consecutive_failures=0, disabled_reason="", disabled_at=None)
    if changes:
        async with unit_of_work():
            await WebhookEndpoint.filter(id=endpoint.id).update(**changes, updated_at=now())
        await endpoint.refresh_from_db()
    return endpoint


async def delete(actor: Actor, endpoint_id: int) -> WebhookEndpoint:
    """The endpoint and its delivery log go; deliveries not yet sent are not sent."""
    endpoint = await endpoint_of(actor, endpoint_id)
    await endpoint.delete()
    return endpoint


async def deliveries_of(actor: Actor, endpoint_id: int) -> QuerySet[WebhookDelivery]:
    """An endpoint's delivery log (page it newest first)."""
    endpoint = await endpoint_of(actor, endpoint_id, "webhookId")
    return WebhookDelivery.filter(endpoint_id=endpoint.id)


async def redeliver(actor: Actor, delivery_id: int) -> WebhookDelivery:
    """Queue the same message again (a receiver lost it, or was down past the retries)."""
    require_admin(actor)
    delivery = await WebhookDelivery.filter(id=delivery_id, tenant_id=actor.tenant_id).first()
    if delivery is None:
        raise not_found("Webhook delivery", ["deliveryId"])
    endpoint = await WebhookEndpoint.get(id=delivery.endpoint_id)
    if not endpoint.active:
        raise conflict("The webhook is not active: turn it on first", ["deliveryId"])
    async with unit_of_work():
        return await outbox.redeliver(delivery)
