"""SMTP_URL → how to reach the mail relay.

One URL carries the whole connection, so operators configure mail with one variable:

- ``smtp://[user:pass@]host[:port]`` — plain SMTP, port 25 by default; add ``?starttls=true``
  to upgrade the connection with STARTTLS (typically port 587).
- ``smtps://[user:pass@]host[:port]`` — implicit TLS from the first byte, port 465 by default.

User and password are percent-decoded (``p%40ss`` is ``p@ss``). ``?timeout=SECONDS`` bounds
each SMTP conversation. Anything else is refused with a ValueError at start-up, so a typo
never turns into mail silently sent in clear text or never sent at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
DEFAULT_TIMEOUT = 60.0
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    """Everything aiosmtplib needs to connect; the password never shows in a repr or log."""

    hostname: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    use_tls: bool = False
    start_tls: bool = False
    timeout: float = DEFAULT_TIMEOUT

    @property
    def redacted_url(self) -> str:
        """The URL without its password, for logs."""
        scheme = "smtps" if self.use_tls else "smtp"
        user = f"{self.username}:***@" if self.username is not None else ""
        query = "?starttls=true" if self.start_tls else ""
        return f"{scheme}://{user}{self.hostname}:{self.port}{query}"


def _flag(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"SMTP_URL: {name} must be true or false, not {value!r}")


def parse_smtp_url(url: str) -> SmtpTarget:
    """Parse SMTP_URL; any problem is a ValueError naming what is wrong (never the password)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"SMTP_URL is not a valid URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"SMTP_URL must start with smtp:// or smtps://, not {scheme or '(none)'}")
    if not parts.hostname:
        raise ValueError("SMTP_URL has no host name")
    if port == 0:
        raise ValueError("SMTP_URL: port 0 is not a port")
    if parts.path not in ("", "/") or parts.fragment:
        raise ValueError("SMTP_URL takes no path or fragment")
    username = unquote(parts.username) if parts.username is not None else None
    password = unquote(parts.password) if parts.password is not None else None
    if (username is None) != (password is None) or username == "":
        raise ValueError("SMTP_URL: give both a user name and a password, or neither")
    start_tls = False
    timeout = DEFAULT_TIMEOUT
    try:
        options = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError as exc:
        raise ValueError(f"SMTP_URL has a malformed query: {exc}") from exc
    for name, value in options:
        if name == "starttls":
            start_tls = _flag(name, value)
        elif name == "timeout":
            try:
                timeout = float(value)
            except ValueError:
                timeout = -1.0
            if not 0 < timeout <= 3600:
                raise ValueError(f"SMTP_URL: timeout must be 0 < seconds <= 3600, not {value!r}")
        else:
            raise ValueError(f"SMTP_URL: unknown option {name!r} (known: starttls, timeout)")
    use_tls = scheme == "smtps"
    if use_tls and start_tls:
        raise ValueError("SMTP_URL: smtps:// is TLS already; starttls=true is for smtp://")
    return SmtpTarget(
        hostname=parts.hostname,
        port=port if port is not None else DEFAULT_PORTS[scheme],
        username=username,
        password=password,
        use_tls=use_tls,
        start_tls=start_tls,
        timeout=timeout,
    )
