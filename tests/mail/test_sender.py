"""MailSender against a real SMTP server: delivery, retries, leases, several senders."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from tests.mail.conftest import SmtpServer
from tests.services import free_port
from workorder.mail import MailSender, enqueue, make_sender, parse_smtp_url
from workorder.mail.smtp_url import SmtpTarget
from workorder.models import MailOutbox, MailStatus
from workorder.settings import Settings

PAST = timedelta(seconds=1)


async def queue(n: int = 1, recipients: list[str] | None = None) -> list[MailOutbox]:
    mails = []
    for i in range(n):
        mail = await enqueue(
            recipients or [f"customer{i}@example.com"],
            f"Ticket #{i} updated",
            f"Hello,\n\nyour ticket #{i} changed.\n",
            tenant_id=None,
        )
        assert mail is not None
        mails.append(mail)
    return mails


async def make_due(mail: MailOutbox) -> None:
    """Stands in for waiting out the backoff."""
    await MailOutbox.filter(id=mail.id).update(next_attempt_at=datetime.now(UTC) - PAST)


# --- SMTP_URL -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.com", SmtpTarget("mail.example.com", 25)),
        (
            "smtp://relay:587?starttls=true",
            SmtpTarget("relay", 587, start_tls=True),
        ),
        (
            "smtps://us%40er:p%40ss%3Aw%2Fd@mail.example.com",
            SmtpTarget("mail.example.com", 465, "us@er", "p@ss:w/d", use_tls=True),
        ),
        ("SMTPS://h:2465?timeout=5", SmtpTarget("h", 2465, use_tls=True, timeout=5.0)),
        ("smtp://[::1]:2525/", SmtpTarget("::1", 2525)),
    ],
)
def test_smtp_urls(url: str, expected: SmtpTarget) -> None:
    assert parse_smtp_url(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://mail.example.com", "smtp:// or smtps://"),
        ("mail.example.com:25", "smtp:// or smtps://"),
        ("smtp://", "no host"),
        ("smtp://:25", "no host"),
        ("smtp://host:port", "not a valid URL"),
        ("smtp://host:99999", "not a valid URL"),
        ("smtp://host:0", "port 0"),
        ("smtp://host/path", "no path"),
        ("smtp://user@host", "both a user name and a password"),
        ("smtp://host?starttls=maybe", "true or false"),
        ("smtp://host?tls=true", "unknown option"),
        ("smtp://host?timeout=0", "timeout"),
        ("smtps://host?starttls=true", "TLS already"),
    ],
)
def test_bad_smtp_urls_are_refused_at_construction(
    settings: Settings, url: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        parse_smtp_url(url)
    with pytest.raises(ValueError, match=message):
        MailSender(settings.model_copy(update={"smtp_url": url}))


def test_the_password_stays_out_of_reprs() -> None:
    target = parse_smtp_url("smtp://user:s3cret@host")
    assert "s3cret" not in repr(target)
    assert "s3cret" not in target.redacted_url


def test_a_bad_mail_from_is_refused_at_construction(settings: Settings) -> None:
    with pytest.raises(ValueError, match="MAIL_FROM"):
        MailSender(settings.model_copy(update={"smtp_url": "smtp://h", "mail_from": "nobody"}))


def test_backoff_doubles_up_to_the_cap(smtp_settings: Settings) -> None:
    sender = MailSender(smtp_settings)
    assert [sender.backoff(n).total_seconds() for n in range(1, 9)] == [
        30,
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
    ]
    assert sender.backoff(1000) == timedelta(hours=1)


def test_the_lease_outlasts_the_smtp_conversation(settings: Settings) -> None:
    slow = settings.model_copy(update={"smtp_url": "smtp://h?timeout=600"})
    assert MailSender(slow).lease == timedelta(minutes=80)
    assert MailSender(settings.model_copy(update={"smtp_url": "smtp://h"})).lease == timedelta(
        minutes=10
    )
    with pytest.raises(ValueError, match="lease"):
        MailSender(slow, lease=timedelta(minutes=15))


# --- without SMTP_URL -----------------------------------------------------------------------


async def test_without_smtp_url_nothing_is_sent_and_mail_stays_pending(
    settings: Settings,
) -> None:
    assert settings.smtp_url is None
    assert make_sender(settings) is None
    with pytest.raises(ValueError, match="SMTP_URL is not set"):
        MailSender(settings)
    [mail] = await queue()
    stored = await MailOutbox.get(id=mail.id)
    assert stored.status == MailStatus.PENDING
    assert stored.attempts == 0


# --- delivery -------------------------------------------------------------------------------


async def test_a_queued_mail_is_delivered_exactly_as_written(
    smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    mail = await enqueue(
        ["ana@example.com", "Bob@Example.org"],
        "Ticket #42: replied",
        "Grüße,\n\nthe answer is 42.\n",
        tenant_id=None,
    )
    assert mail is not None
    sender = make_sender(smtp_settings)
    assert sender is not None

    assert await sender.send_due() == 1

    [received] = smtp_server.handler.messages()
    assert received.mail_from == "desk@acme.example"
    assert received.rcpt_tos == ["ana@example.com", "Bob@example.org"]
    message = received.message
    assert message["Message-ID"] == mail.message_id
    assert message["Subject"] == "Ticket #42: replied"
    assert message["From"] == "Service Desk <desk@acme.example>"
    assert message["To"] == "ana@example.com, Bob@example.org"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Date"]
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    text = payload.decode(message.get_content_charset() or "ascii")
    assert text.replace("\r\n", "\n") == "Grüße,\n\nthe answer is 42.\n"  # CRLF on the wire

    stored = await MailOutbox.get(id=mail.id)
    assert stored.status == MailStatus.SENT
    assert stored.attempts == 1
    assert stored.sent_at is not None
    assert stored.lease_until is None
    assert stored.last_error == ""

    assert await sender.send_due() == 0
    assert len(smtp_server.handler.messages()) == 1


async def test_credentials_are_percent_decoded_for_auth(
    smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    url = f"smtp://desk%40acme:p%40ss%3Aw0rd@127.0.0.1:{smtp_server.port}"
    sender = MailSender(smtp_settings.model_copy(update={"smtp_url": url}))
    await queue()
    assert await sender.send_due() == 1
    assert smtp_server.handler.logins == [("desk@acme", "p@ss:w0rd")]


async def test_a_transient_failure_is_retried_after_the_backoff(
    smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    sender = MailSender(smtp_settings)
    [mail] = await queue()
    smtp_server.handler.reject_next(1)

    before = datetime.now(UTC)
    assert await sender.send_due() == 0
    failed = await MailOutbox.get(id=mail.id)
    assert failed.status == MailStatus.PENDING
    assert failed.attempts == 1
    assert "451" in failed.last_error
    assert failed.lease_until is None
    wait = failed.next_attempt_at - before
    assert timedelta(seconds=29) < wait < timedelta(seconds=40)

    assert await sender.send_due() == 0  # not due yet
    assert smtp_server.handler.messages() == []

    await make_due(mail)
    assert await sender.send_due() == 1
    sent = await MailOutbox.get(id=mail.id)
    assert sent.status == MailStatus.SENT
    assert sent.attempts == 2
    assert sent.last_error == ""
    assert smtp_server.by_message_id() == {mail.message_id: 1}


async def test_the_backoff_grows_with_each_attempt(
    smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    sender = MailSender(smtp_settings, backoff_base=timedelta(seconds=10))
    [mail] = await queue()
    smtp_server.handler.reject_next(3)
    waits = []
    for _ in range(3):
        await make_due(mail)
        before = datetime.now(UTC)
        assert await sender.send_due() == 0
        waits.append(((await MailOutbox.get(id=mail.id)).next_attempt_at - before).total_seconds())
    assert [round(w) for w in waits] == [10, 20, 40]


async def test_after_max_attempts_the_mail_fails_and_is_never_sent(
    smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    sender = MailSender(smtp_settings, max_attempts=3)
    [mail] = await queue()
    smtp_server.handler.reject_next(10)
    for _ in range(3):
        await make_due(mail)
        assert await sender.send_due() == 0
    stored = await MailOutbox.get(id=mail.id)
    assert stored.status == MailStatus.FAILED
    assert stored.attempts == 3
    assert "451" in stored.last_error

    await make_due(mail)
    assert await sender.send_due() == 0
    assert smtp_server.handler.rejections_left == 7  # three attempts reached the server
    assert smtp_server.handler.messages() == []
    assert (await MailOutbox.get(id=mail.id)).status == MailStatus.FAILED


async def test_a_permanent_rejection_fails_at_once(
    smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    sender = MailSender(smtp_settings)
    [mail] = await queue()
    smtp_server.handler.reject_next(1, "554 5.6.0 Content rejected")
    assert await sender.send_due() == 0
    stored = await MailOutbox.get(id=mail.id)
    assert stored.status == MailStatus.FAILED
    assert stored.attempts == 1
    assert "554" in stored.last_error


async def test_refused_recipients(smtp_settings: Settings, smtp_server: SmtpServer) -> None:
    """Some refused: sent to the others, the refusal noted. All refused (5xx): failed."""
    sender = MailSender(smtp_settings)
    smtp_server.handler.refused_recipients = {"gone@example.com", "left@example.com"}
    [partly] = await queue(recipients=["gone@example.com", "here@example.com"])
    assert await sender.send_due() == 1
    stored = await MailOutbox.get(id=partly.id)
    assert stored.status == MailStatus.SENT
    assert "gone@example.com" in stored.last_error
    [received] = smtp_server.handler.messages()
    assert received.rcpt_tos == ["here@example.com"]

    [nobody] = await queue(recipients=["gone@example.com", "left@example.com"])
    assert await sender.send_due() == 0
    stored = await MailOutbox.get(id=nobody.id)
    assert stored.status == MailStatus.FAILED
    assert "550" in stored.last_error


async def test_an_unreachable_server_is_a_transient_failure(smtp_settings: Settings) -> None:
    closed = f"smtp://127.0.0.1:{free_port()}?timeout=5"
    sender = MailSender(smtp_settings.model_copy(update={"smtp_url": closed}))
    [mail] = await queue()
    assert await sender.send_due() == 0
    stored = await MailOutbox.get(id=mail.id)
    assert stored.status == MailStatus.PENDING
    assert stored.attempts == 1
    assert stored.last_error


# --- several senders and leases ---------------------------------------------------------------


async def test_two_senders_deliver_each_mail_exactly_once(
    smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    mails = await queue(20)
    first, second = MailSender(smtp_settings), MailSender(smtp_settings)
    sent = [0, 0]
    for _ in range(5):
        a, b = await asyncio.gather(first.send_due(limit=8), second.send_due(limit=8))
        sent[0] += a
        sent[1] += b
    assert sum(sent) == 20
    assert min(sent) > 0, sent  # they really shared (and raced for) the work
    assert smtp_server.by_message_id() == {m.message_id: 1 for m in mails}
    rows = await MailOutbox.all()
    assert {(r.status, r.attempts) for r in rows} == {(MailStatus.SENT, 1)}


async def test_an_expired_lease_is_taken_over(
    smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    """A sender died mid-send: once its lease is over, another one sends the mail."""
    [mail] = await queue()
    now = datetime.now(UTC)
    await MailOutbox.filter(id=mail.id).update(
        status=MailStatus.SENDING, attempts=1, lease_until=now + timedelta(minutes=5)
    )
    sender = MailSender(smtp_settings)
    assert await sender.send_due() == 0  # the lease is still somebody else's
    assert smtp_server.handler.messages() == []

    await MailOutbox.filter(id=mail.id).update(lease_until=now - PAST)
    assert await sender.send_due() == 1
    stored = await MailOutbox.get(id=mail.id)
    assert (stored.status, stored.attempts) == (MailStatus.SENT, 2)
    assert smtp_server.by_message_id() == {mail.message_id: 1}


async def test_an_expired_lease_of_the_last_attempt_fails_the_mail(
    smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    [mail] = await queue()
    await MailOutbox.filter(id=mail.id).update(
        status=MailStatus.SENDING, attempts=2, lease_until=datetime.now(UTC) - PAST
    )
    assert await MailSender(smtp_settings, max_attempts=2).send_due() == 0
    stored = await MailOutbox.get(id=mail.id)
    assert (stored.status, stored.attempts) == (MailStatus.FAILED, 2)
    assert "gave up" in stored.last_error
    assert smtp_server.handler.messages() == []


# --- the loop -------------------------------------------------------------------------------


class FlakySender(MailSender):
    """Its first round blows up, as a lost database connection would."""

    rounds = 0

    async def send_due(self, limit: int = 50, *, stop: asyncio.Event | None = None) -> int:
        self.rounds += 1
        if self.rounds == 1:
            raise ConnectionError("database went away")
        return await super().send_due(limit, stop=stop)


async def test_run_survives_errors_and_stops_when_told(
    smtp_settings: Settings, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    [mail] = await queue()
    sender = FlakySender(smtp_settings)
    stop = asyncio.Event()
    with caplog.at_level(logging.ERROR, logger="workorder.mail.sender"):
        task = asyncio.create_task(sender.run(stop, interval=0.05))
        async with asyncio.timeout(10):
            while (await MailOutbox.get(id=mail.id)).status != MailStatus.SENT:
                await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(task, timeout=5)
    assert sender.rounds >= 2
    assert "database went away" in caplog.text
    assert smtp_server.by_message_id() == {mail.message_id: 1}
