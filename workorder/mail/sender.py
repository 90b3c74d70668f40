"""Delivering the outbox by SMTP, safely with any number of senders running.

Each due row is leased with one conditional UPDATE (status, due condition and attempt count
in the WHERE clause); its row count says which sender owns the row, on SQLite and PostgreSQL
alike, so two senders never both send one mail. A sender that dies mid-send leaves a lease
that expires; the row is then due again. The whole SMTP conversation is bounded to half the
lease, so a slow but live sender never still talks to the relay once its lease is gone.

Delivery is at-least-once across crashes: a sender killed after the relay accepted a mail
but before it recorded SENT sends it again after the lease. The Message-ID is fixed when the
row is written, so such a repeat is the same message to every receiver.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

import aiosmtplib
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from workorder.mail.smtp_url import SmtpTarget, parse_smtp_url
from workorder.models import MailOutbox, MailStatus
from workorder.settings import Settings

log = logging.getLogger(__name__)

ERROR_MAX = 2000  # characters of an error kept in last_error
DEFAULT_LEASE = timedelta(minutes=10)


def _due(now: datetime) -> Q:
    """Rows a sender may take: pending and due, or leased by a sender whose lease ran out."""
    return Q(status=MailStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=MailStatus.SENDING, lease_until__lt=now
    )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        text = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
        return f"recipients refused: {text}"[:ERROR_MAX]
    if isinstance(exc, TimeoutError) and not str(exc):
        return "timed out talking to the SMTP server"
    return f"{type(exc).__name__}: {exc}"[:ERROR_MAX]


def is_permanent(exc: BaseException) -> bool:
    """A 5xx about this very message (its recipients or its content): retrying cannot help.

    Connection, authentication and sender problems are the relay's or the configuration's,
    not the message's: those are retried, so fixing SMTP_URL does not lose queued mail.
    """
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(r.code >= 500 for r in exc.recipients)
    if isinstance(exc, aiosmtplib.SMTPRecipientRefused | aiosmtplib.SMTPDataError):
        return 500 <= exc.code < 600
    return False


def _check_from(mail_from: str) -> None:
    """MAIL_FROM must be one address (a display name is fine), or every mail would fail."""
    probe = EmailMessage()
    try:
        probe["From"] = mail_from
        addresses = probe["From"].addresses
    except (ValueError, IndexError) as exc:
        raise ValueError(f"MAIL_FROM is not an e-mail address: {mail_from!r}") from exc
    if len(addresses) != 1 or not addresses[0].username or not addresses[0].domain:
        raise ValueError(f"MAIL_FROM must be exactly one e-mail address, not {mail_from!r}")


class MailSender:
    """Sends due outbox rows through the relay named by SMTP_URL; see the module docstring.

    `lease` defaults to 10 minutes (longer when SMTP_URL's timeout needs it); a failed
    attempt n waits `backoff_base * 2**(n-1)`, at most `backoff_max`; after `max_attempts`
    attempts the mail is FAILED.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        lease: timedelta | None = None,
        backoff_base: timedelta = timedelta(seconds=30),
        backoff_max: timedelta = timedelta(hours=1),
        max_attempts: int = 8,
    ) -> None:
        if settings.smtp_url is None:
            raise ValueError("SMTP_URL is not set: there is nowhere to send mail (see make_sender)")
        self.target: SmtpTarget = parse_smtp_url(settings.smtp_url)
        _check_from(settings.mail_from)
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if backoff_base <= timedelta(0) or backoff_max < backoff_base:
            raise ValueError("need 0 < backoff_base <= backoff_max")
        # One conversation may take up to half the lease, so that it ends before the lease
        # does; the default leaves room for a few SMTP round trips of the full timeout.
        minimum = timedelta(seconds=2 * self.target.timeout)
        if lease is None:
            lease = max(DEFAULT_LEASE, 4 * minimum)
        if lease < minimum:
            raise ValueError(
                f"lease ({lease}) must be at least twice the SMTP timeout ({self.target.timeout}s)"
            )
        self.mail_from = settings.mail_from
        self.lease = lease
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_attempts = max_attempts

    def backoff(self, attempts: int) -> timedelta:
        """Wait after the `attempts`-th failed attempt: base, 2·base, 4·base … capped."""
        factor = 1 << min(max(attempts - 1, 0), 30)  # the cap keeps the timedelta finite
        return min(self.backoff_base * factor, self.backoff_max)

    async def send_due(self, limit: int = 50, *, stop: asyncio.Event | None = None) -> int:
        """Send up to `limit` due mails, one lease at a time; returns how many were sent.

        A row another sender leased first is skipped. A failure of one row is recorded on
        that row (or logged with its id) and never stops the others. `stop` ends the batch
        early between two mails.
        """
        rows = (
            await MailOutbox.filter(_due(datetime.now(UTC)))
            .order_by("next_attempt_at", "id")
            .limit(limit)
        )
        sent = 0
        for row in rows:
            if stop is not None and stop.is_set():
                break
            try:
                if await self._deliver(row):
                    sent += 1
            except Exception:
                log.exception("mail %s: unexpected error while sending", row.id)
        return sent

    async def run(self, stop: asyncio.Event, interval: float = 2.0, limit: int = 50) -> None:
        """Send until `stop` is set, polling every `interval` seconds when idle.

        Never dies on an error: a failed round is logged and the next one follows.
        """
        log.info("mail sender started", extra={"smtp": self.target.redacted_url})
        while not stop.is_set():
            sent = 0
            try:
                sent = await self.send_due(limit, stop=stop)
            except Exception:
                log.exception("mail sender: a round failed; next one in %ss", interval)
            if sent >= limit:
                continue  # a full batch: more are probably due right now
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)
        log.info("mail sender stopped")

    async def _lease(self, row: MailOutbox) -> int | None:
        """Take the row for one attempt; the attempt number if this sender won it."""
        now = datetime.now(UTC)
        mine = MailOutbox.filter(_due(now), id=row.id, attempts=row.attempts)
        if row.attempts >= self.max_attempts:
            # Its sender vanished during the last attempt allowed (or the limit was lowered).
            gave_up = await mine.update(
                status=MailStatus.FAILED,
                lease_until=None,
                last_error=(
                    f"gave up after {row.attempts} attempts; the last one never finished "
                    f"(previous error: {row.last_error or 'none'})"
                )[:ERROR_MAX],
            )
            if gave_up:
                log.error("mail %s: failed after %s attempts", row.id, row.attempts)
            return None
        taken = await mine.update(
            status=MailStatus.SENDING, lease_until=now + self.lease, attempts=row.attempts + 1
        )
        return row.attempts + 1 if taken == 1 else None

    def message(self, row: MailOutbox) -> EmailMessage:
        """The RFC 5322 message of a row; the same bytes-to-be on every attempt."""
        message = EmailMessage()
        message["From"] = self.mail_from
        message["To"] = ", ".join(row.recipients)
        message["Subject"] = row.subject
        message["Message-ID"] = row.message_id
        message["Date"] = format_datetime(row.created_at.astimezone(UTC))
        # RFC 3834: keeps vacation responders from answering, and mail loops from forming.
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(row.body)
        if row.html_body:  # multipart/alternative: clients show the HTML, others the text
            message.add_alternative(row.html_body, subtype="html")
        return message

    async def _deliver(self, row: MailOutbox) -> bool:
        attempt = await self._lease(row)
        if attempt is None:
            return False
        ours = MailOutbox.filter(id=row.id, status=MailStatus.SENDING, attempts=attempt)
        try:
            message = self.message(row)
            async with asyncio.timeout(self.lease.total_seconds() / 2):
                refused, _ = await aiosmtplib.send(
                    message,
                    recipients=list(row.recipients),
                    hostname=self.target.hostname,
                    port=self.target.port,
                    username=self.target.username,
                    password=self.target.password,
                    use_tls=self.target.use_tls,
                    start_tls=self.target.start_tls,
                    timeout=self.target.timeout,
                )
        except Exception as exc:
            await self._failed(row, attempt, ours, exc)
            return False
        note = "; ".join(f"{a}: {r.code} {r.message}" for a, r in refused.items())
        recorded = await ours.update(
            status=MailStatus.SENT,
            sent_at=datetime.now(UTC),
            lease_until=None,
            last_error=f"recipients refused: {note}"[:ERROR_MAX] if note else "",
        )
        if not recorded:
            log.warning("mail %s: sent, but its lease had expired and was taken over", row.id)
        if note:
            log.warning("mail %s: sent, but some recipients were refused: %s", row.id, note)
        return True

    async def _failed(
        self, row: MailOutbox, attempt: int, ours: QuerySet[MailOutbox], exc: Exception
    ) -> None:
        """Record the failure on the row (if still ours): retry later, or give up for good."""
        error = _describe(exc)
        if is_permanent(exc) or attempt >= self.max_attempts:
            await ours.update(status=MailStatus.FAILED, lease_until=None, last_error=error)
            log.error("mail %s: failed for good after attempt %s: %s", row.id, attempt, error)
            return
        retry_at = datetime.now(UTC) + self.backoff(attempt)
        await ours.update(
            status=MailStatus.PENDING, lease_until=None, next_attempt_at=retry_at, last_error=error
        )
        log.warning(
            "mail %s: attempt %s failed, retrying at %s: %s",
            row.id,
            attempt,
            retry_at.isoformat(),
            error,
        )


def make_sender(settings: Settings) -> MailSender | None:
    """The sender to run, or None without SMTP_URL: mail then stays PENDING and visible."""
    return MailSender(settings) if settings.smtp_url is not None else None
