"""Where links in mail point (PUBLIC_URL): chosen once where the app or a command is built.

Mail is rendered inside flows, which are not handed the settings; like the password hashing
cost, the public address is a process-wide choice made at start-up.
"""

from __future__ import annotations

_public_url = ["http://127.0.0.1:8000"]  # Settings.public_url's default


def use_public_url(url: str) -> None:
    _public_url[0] = url.rstrip("/")


def ticket_link(number: int) -> str:
    return f"{_public_url[0]}/tickets/{number}"
