"""The examples partners copy from docs/api.md do what the text says."""

from __future__ import annotations

import base64
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from standardwebhooks.webhooks import Webhook

API_DOC = Path(__file__).parent.parent / "docs" / "api.md"


def _python_example(after: str) -> str:
    text = API_DOC.read_text()
    found = re.search(re.escape(after) + r".*?```python\n(.*?)```", text, re.S)
    assert found, f"no Python example after {after!r} in {API_DOC}"
    return found.group(1)


def test_the_python_signature_check_accepts_a_signed_delivery_and_nothing_else() -> None:
    namespace: dict[str, Any] = {}
    exec(_python_example("Verifying in Python"), namespace)
    verify = namespace["verify"]
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    body = b'{"type": "ticket.urged", "data": {}}'
    now = datetime.now(UTC)
    signature = Webhook(secret).sign("msg_1", now, body.decode())
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": f"v1,bogus {signature}",  # several signatures: any may match
    }
    assert verify(secret, headers, body)
    assert not verify(secret, headers, body + b" ")
    assert not verify(secret, {**headers, "webhook-id": "msg_2"}, body)
    stale = {**headers, "webhook-timestamp": str(int(now.timestamp()) - 3600)}
    assert not verify(secret, stale, body)
