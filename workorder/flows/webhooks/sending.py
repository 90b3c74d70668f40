"""Sending a delivery: the `webhook_delivery` kind of job, signed the Standard Webhooks way.

Each delivery has its own job, written with it in the transaction of the change (see
`outbox`), so the job queue that runs exports and batch actions (the in-process runner, and
saq's `workorder worker`) sends webhooks too, with its leases and its sweep for lost jobs: a
server stopped with deliveries pending leaves queued jobs that the next process runs.

A failed attempt n puts the job back in the queue, due after `base * 2**(n-1)` seconds (at
most 4 h, ±20 % jitter so that endpoints coming back are not hit by every retry at once);
after WEBHOOK_MAX_ATTEMPTS attempts (15 at the defaults: about 24 h) the delivery is given up.
Failed attempts in a row over all of an endpoint's deliveries disable it at
WEBHOOK_DISABLE_AFTER_FAILURES; a success resets the count.

Per ticket, deliveries to one endpoint go out in commit order: one whose predecessor (same
endpoint, same ticket, lower id) is still pending waits for it to be delivered or given up.

Signing uses the `standardwebhooks` package (the reference implementation of the scheme):
`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of
id.timestamp.body>`. Redirects are never followed (a 3xx is a failed attempt), so a receiver
cannot bounce the request to an address the SSRF guard would refuse; the guard itself runs
again before every attempt.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from standardwebhooks.webhooks import Webhook
from tortoise.expressions import F

from workorder.auth.actor import Actor
from workorder.clock import now
from workorder.flows.batch.jobs import Checked, JobEnv, Progress
from workorder.flows.webhooks.endpoints import target_refused
from workorder.models import DeliveryStatus, Job, JobStatus, WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)

BACKOFF_MAX = timedelta(hours=4)
JITTER = 0.2
ERROR_MAX = 2000
_random = secrets.SystemRandom()


@dataclass(frozen=True, slots=True)
class SendPolicy:
    """How deliveries are sent and retried (from the WEBHOOK_* settings)."""

    allow_private: bool = False
    retry_base: timedelta = timedelta(seconds=30)
    max_attempts: int = 15
    disable_after: int = 50
    timeout: float = 10.0

    def backoff(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed attempt."""
        wait = min(self.retry_base * (1 << min(max(attempts - 1, 0), 30)), BACKOFF_MAX)
        return wait * _random.uniform(1 - JITTER, 1 + JITTER)


def signed_headers(secret: str, webhook_id: str, at: datetime, body: str) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "user-agent": "workorder-webhooks",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(webhook_id, at, body),
    }


@dataclass(frozen=True, slots=True)
class Attempt:
    ok: bool
    code: int | None
    latency_ms: int | None
    error: str


async def attempt(
    policy: SendPolicy, endpoint: WebhookEndpoint, delivery: WebhookDelivery
) -> Attempt:
    """One POST of the delivery; never raises for what the network or the receiver does."""
    if not policy.allow_private:
        refused = await target_refused(endpoint.url)
        if refused is not None:
            return Attempt(False, None, None, f"Refused: {refused}")
    body = json.dumps(delivery.payload, separators=(",", ":"))
    headers = signed_headers(endpoint.secret, delivery.webhook_id, now(), body)
    started = time.perf_counter()
    try:
        async with httpx.AsyncClient(
            timeout=policy.timeout, follow_redirects=False, trust_env=False
        ) as client:
            response = await client.post(endpoint.url, content=body.encode(), headers=headers)
    except httpx.HTTPError as exc:
        latency = int((time.perf_counter() - started) * 1000)
        return Attempt(False, None, latency, f"{type(exc).__name__}: {exc}"[:ERROR_MAX])
    latency = int((time.perf_counter() - started) * 1000)
    if response.is_success:
        return Attempt(True, response.status_code, latency, "")
    what = "a redirect (not followed)" if response.is_redirect else "an error"
    return Attempt(False, response.status_code, latency, f"HTTP {response.status_code}: {what}")


async def _requeue(job: Job, at: datetime) -> None:
    """Hand the job back to the queue, due at `at` (the executor's own release then finds it
    no longer running and leaves it so)."""
    await Job.filter(id=job.id, status=JobStatus.RUNNING, lease_owner=job.lease_owner).update(
        status=JobStatus.QUEUED, lease_until=at, updated_at=now()
    )


async def _give_up(delivery: WebhookDelivery, reason: str) -> None:
    await WebhookDelivery.filter(id=delivery.id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None, last_error=reason[:ERROR_MAX]
    )


async def _failed(
    policy: SendPolicy, endpoint: WebhookEndpoint, delivery: WebhookDelivery, tried: Attempt
) -> datetime | None:
    """Record a failed attempt; when to try again, or None when given up."""
    attempts = delivery.attempts + 1
    await WebhookEndpoint.filter(id=endpoint.id).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    failures = await WebhookEndpoint.filter(id=endpoint.id).values_list(
        "consecutive_failures", flat=True
    )
    disabled = bool(failures) and int(failures[0]) >= policy.disable_after  # type: ignore[call-overload]
    if disabled:
        reason = f"{policy.disable_after} failed attempts in a row; the last: {tried.error}"
        await WebhookEndpoint.filter(id=endpoint.id, active=True).update(
            active=False, disabled_reason=reason[:300], disabled_at=now()
        )
        log.warning("webhook %s disabled: %s", endpoint.id, reason)
    given_up = disabled or attempts >= policy.max_attempts
    retry = None if given_up else now() + policy.backoff(attempts)
    await WebhookDelivery.filter(id=delivery.id).update(
        attempts=attempts,
        last_response_code=tried.code,
        latency_ms=tried.latency_ms,
        last_error=tried.error,
        status=DeliveryStatus.PENDING if retry else DeliveryStatus.FAILED,
        next_attempt_at=retry,
    )
    return retry


class DeliveryJob:
    """The `webhook_delivery` kind of job (a WholeJobKind): one delivery, one attempt per run."""

    def __init__(self, policy: SendPolicy) -> None:
        self.policy = policy

    def check(self, actor: Actor) -> None:
        """Anyone's: the payload was checked against its owner when it was written."""

    async def validate(self, actor: Actor, params: dict[str, Any], env: JobEnv) -> Checked:
        return Checked(total=1)

    async def run(
        self,
        actor: Actor,
        job: Job,
        env: JobEnv,
        progress: Progress,
        stopping: Callable[[], bool],
    ) -> dict[str, Any] | None:
        delivery = await WebhookDelivery.filter(id=job.params.get("delivery_id")).first()
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return {"delivery": None if delivery is None else str(delivery.status)}
        endpoint = await WebhookEndpoint.get(id=delivery.endpoint_id)
        if not endpoint.active:
            await _give_up(delivery, "The endpoint is disabled")
            return {"delivery": str(DeliveryStatus.FAILED)}
        if delivery.ticket_id is not None:
            before = (
                await WebhookDelivery.filter(
                    endpoint_id=endpoint.id,
                    ticket_id=delivery.ticket_id,
                    status=DeliveryStatus.PENDING,
                    id__lt=delivery.id,
                )
                .order_by("id")
                .first()
            )
            if before is not None:  # this ticket's earlier delivery first
                due = max(before.next_attempt_at or now(), now())
                await _requeue(job, due + min(self.policy.retry_base, timedelta(seconds=1)))
                return None
        tried = await attempt(self.policy, endpoint, delivery)
        if tried.ok:
            await WebhookDelivery.filter(id=delivery.id).update(
                status=DeliveryStatus.DELIVERED,
                attempts=delivery.attempts + 1,
                last_response_code=tried.code,
                latency_ms=tried.latency_ms,
                last_error="",
                next_attempt_at=None,
                delivered_at=now(),
            )
            await WebhookEndpoint.filter(id=endpoint.id).update(consecutive_failures=0)
            return {"delivery": str(DeliveryStatus.DELIVERED)}
        retry = await _failed(self.policy, endpoint, delivery, tried)
        if retry is None:
            return {"delivery": str(DeliveryStatus.FAILED)}
        await _requeue(job, retry)
        return None
