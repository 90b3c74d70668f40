"""Persisted and trusted documents: a client may send a document's SHA-256 instead of its text.

Two sources answer a hash. *Automatic persisted queries* (APQ, Apollo's protocol, which
Apollo Client, urql and graphql-request speak): a client sends
`extensions.persistedQuery = {version: 1, sha256Hash}` alone; an unknown hash answers
PERSISTED_QUERY_NOT_FOUND, the client sends the text with the hash once, and from then on
the hash alone is enough. Those registrations are kept in Redis when REDIS_URL is set (every
process shares them, for PERSISTED_QUERY_TTL_SECONDS) and in a bounded in-process cache
otherwise. *Trusted documents* come from a manifest the front end's build writes
(TRUSTED_DOCUMENTS: a JSON object of hash → document, the format of GraphQL Codegen's
persisted-documents.json); with TRUSTED_DOCUMENTS_ONLY the service executes nothing else, over
HTTP and WebSocket alike, and registers nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from redis.exceptions import RedisError

from workorder.errors import ErrorCode
from workorder.settings import Settings, SettingsError
from workorder.subscriptions.broker import RedisOptions, redis_client

log = logging.getLogger(__name__)

KEY_PREFIX = "workorder:apq:"
MEMORY_BUDGET_CHARS = 20_000_000  # the in-process cache's documents, all together
_SHA256 = re.compile(r"[0-9a-f]{64}")


def sha256_of(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


class DocumentRefused(Exception):
    """The request names a document the service will not run; answered before parsing,
    in the GraphQL error shape with `code`."""

    def __init__(self, message: str, code: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


class Registry(Protocol):
    async def get(self, sha: str) -> str | None: ...
    async def put(self, sha: str, document: str) -> None: ...
    async def close(self) -> None: ...


class MemoryRegistry:
    """Least recently used documents within a budget of characters (a document may be as
    long as MAX_QUERY_CHARS, so a count alone would not bound the memory)."""

    def __init__(self, budget: int = MEMORY_BUDGET_CHARS) -> None:
        self.budget, self.used = budget, 0
        self.documents: OrderedDict[str, str] = OrderedDict()

    async def get(self, sha: str) -> str | None:
        document = self.documents.get(sha)
        if document is not None:
            self.documents.move_to_end(sha)
        return document

    async def put(self, sha: str, document: str) -> None:
        if sha in self.documents or len(document) > self.budget:
            return
        self.documents[sha] = document
        self.used += len(document)
        while self.used > self.budget:
            _, dropped = self.documents.popitem(last=False)
            self.used -= len(dropped)

    async def close(self) -> None:
        self.documents.clear()


class RedisRegistry:
    """Shared by every process. Redis away is a miss, never an error: the client sends the
    text again and the request goes on."""

    def __init__(self, url: str, options: RedisOptions, ttl_seconds: int) -> None:
        self.client = redis_client(url, options)
        self.ttl = ttl_seconds

    async def get(self, sha: str) -> str | None:
        try:
            found = await self.client.get(KEY_PREFIX + sha)
        except (RedisError, OSError) as exc:
            log.warning("persisted query lookup failed: %s", exc)
            return None
        return found.decode() if isinstance(found, bytes) else found

    async def put(self, sha: str, document: str) -> None:
        try:
            await self.client.set(KEY_PREFIX + sha, document, ex=self.ttl)
        except (RedisError, OSError) as exc:
            log.warning("persisted query not registered: %s", exc)

    async def close(self) -> None:
        await self.client.aclose()


@lru_cache(maxsize=8)
def _manifest(path: Path) -> Mapping[str, str]:
    try:
        raw = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise SettingsError(f"TRUSTED_DOCUMENTS={path}: cannot read it ({exc})") from exc
    if not isinstance(raw, dict):
        raise SettingsError(f"TRUSTED_DOCUMENTS={path}: expected a JSON object hash → document")
    manifest: dict[str, str] = {}
    for key, document in raw.items():
        sha = str(key).removeprefix("sha256:").lower()
        if not isinstance(document, str) or sha256_of(document) != sha:
            raise SettingsError(f"TRUSTED_DOCUMENTS={path}: {key} is not the SHA-256 of its text")
        manifest[sha] = document
    return manifest


def trusted_documents(settings: Settings) -> Mapping[str, str]:
    """The manifest's documents by hash (read once per process); empty without one."""
    if settings.trusted_documents is None:
        if settings.trusted_documents_only:
            raise SettingsError("TRUSTED_DOCUMENTS_ONLY needs TRUSTED_DOCUMENTS (the manifest)")
        return {}
    return _manifest(settings.trusted_documents.resolve())


@dataclass
class Documents:
    trusted: Mapping[str, str]
    only_trusted: bool
    registry: Registry

    @classmethod
    def of(cls, settings: Settings) -> Documents:
        registry: Registry = (
            RedisRegistry(
                settings.redis_url, RedisOptions.of(settings), settings.persisted_query_ttl_seconds
            )
            if settings.redis_url is not None
            else MemoryRegistry()
        )
        return cls(trusted_documents(settings), settings.trusted_documents_only, registry)

    async def resolve(self, query: str | None, extensions: Mapping[str, Any] | None) -> str | None:
        """The document to run: the text given, or the one its hash names. Whether a text
        is trusted is checked for every transport at once, by the schema's
        `TrustedDocumentsOnly`; here, only nothing is registered in that mode."""
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            return query
        sha = _hash_of(persisted)
        if query is None:
            document = self.trusted.get(sha)
            if document is None and not self.only_trusted:
                document = await self.registry.get(sha)
            if document is None:
                raise DocumentRefused(
                    "PersistedQueryNotFound", str(ErrorCode.PERSISTED_QUERY_NOT_FOUND)
                )
            return document
        if sha256_of(query) != sha:
            raise DocumentRefused("provided sha does not match query", str(ErrorCode.INVALID))
        if not self.only_trusted and sha not in self.trusted:
            await self.registry.put(sha, query)
        return query


def _hash_of(persisted: object) -> str:
    if not isinstance(persisted, Mapping) or persisted.get("version") != 1:
        raise DocumentRefused(
            "extensions.persistedQuery must be {version: 1, sha256Hash}", str(ErrorCode.INVALID)
        )
    sha = persisted.get("sha256Hash")
    if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
        raise DocumentRefused(
            "persistedQuery.sha256Hash must be 64 lowercase hex digits", str(ErrorCode.INVALID)
        )
    return sha
