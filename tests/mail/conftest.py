"""A real SMTP server (aiosmtpd) on a loopback port, recording what it accepts.

It can be told to answer the next messages with a transient 451, to refuse recipients,
and it accepts AUTH LOGIN/PLAIN without TLS (loopback only), recording the credentials.
"""

from __future__ import annotations

import email
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.services import free_port
from workorder.settings import Settings


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: Message


@dataclass
class RecordingHandler:
    """aiosmtpd handler; it runs on the server's own thread, hence the lock."""

    received: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    refused_recipients: set[str] = field(default_factory=set)
    _reject_next: int = 0
    _reject_reply: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reject_next(self, count: int, reply: str = "451 4.3.0 Try again later") -> None:
        with self._lock:
            self._reject_next = count
            self._reject_reply = reply

    @property
    def rejections_left(self) -> int:
        with self._lock:
            return self._reject_next

    def messages(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refused_recipients:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            if self._reject_next > 0:
                self._reject_next -= 1
                return self._reject_reply
            self.received.append(
                Received(
                    mail_from=envelope.mail_from,
                    rcpt_tos=list(envelope.rcpt_tos),
                    message=email.message_from_bytes(envelope.original_content),
                )
            )
        return "250 OK"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        with self._lock:
            self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def by_message_id(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.handler.messages():
            key = str(item.message["Message-ID"])
            counts[key] = counts.get(key, 0) + 1
        return counts


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=handler.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, handler)
    finally:
        controller.stop()


@pytest.fixture
def smtp_settings(settings: Settings, smtp_server: SmtpServer) -> Settings:
    """The session's settings, pointed at the test SMTP server."""
    return settings.model_copy(
        update={"smtp_url": smtp_server.url, "mail_from": "Service Desk <desk@acme.example>"}
    )
