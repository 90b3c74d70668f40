"""Every setting of the service, read from the environment in this one place.

Defaults make the embedded shape (SQLite file, in-process broker) work with zero setup;
production refuses to start without an explicit secret key.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class SettingsError(RuntimeError):
    """The environment does not describe a service that can start."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    workorder_env: Literal["development", "production", "test"] = "development"
    data_dir: Path = Path("./data")
    database_url: str = ""
    redis_url: str | None = None
    # How long any Redis command may wait for its reply, and a connection to open: a frozen
    # Redis then costs a caller at most this, never the whole outage.
    redis_timeout_seconds: float = Field(default=1.0, gt=0)
    redis_connect_timeout_seconds: float = Field(default=1.0, gt=0)
    # An idle pooled Redis connection is PINGed before its next use after this long (0: never).
    redis_health_check_seconds: float = Field(default=10.0, ge=0)
    # Pushes waiting for Redis in each process; when full the oldest is dropped (subscribers
    # resync from the database, which holds what every push announced).
    publish_queue_size: int = Field(default=10_000, gt=0)
    # Objects allocated between two young-generation garbage collections (Python: 700). A
    # server holding thousands of sockets has a heap where each collection walks far more
    # than it frees: measured on one push to 2,000 sockets, 2.0 s at 700, 0.38 s at 100,000.
    # 0 leaves Python's setting alone.
    gc_threshold: int = Field(default=100_000, ge=0)
    # WebSocket compression (permessage-deflate), when the client offers it. Off: a push is
    # one small JSON frame written unchanged to every socket that shares it, where deflate
    # would compress it once per socket and keep a zlib state (tens of KiB) per socket; on
    # a contact center's LAN or VPN the bytes saved do not pay for that CPU and memory.
    ws_per_message_deflate: bool = False
    # /readyz waits at most this long for each of the database and the broker.
    readiness_timeout_seconds: float = Field(default=0.8, gt=0)
    secret_key: str | None = None
    smtp_url: str | None = None
    storage_dir: Path | None = None
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    log_level: str = "INFO"
    log_json: bool = True
    host: str = "127.0.0.1"
    port: int = 8000
    # argon2id work per password hash: "testing" (the cheapest) is for test suites only.
    password_hash_cost: Literal["standard", "testing"] = "standard"
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    # Failed logins allowed per account (tenant + username) and per client address within
    # the window; past either, login answers RATE_LIMITED until the window lets one more
    # in (0: no limit). Counted in Redis when REDIS_URL is set, in memory otherwise.
    login_failures_per_account: int = 5  # from one address: a guesser's lock
    login_failures_per_account_total: int = 50  # from everywhere: the owner's lock too
    login_failures_per_address: int = 100  # over every account (an office shares a NAT)
    login_failure_window_seconds: int = 900
    max_upload_mb: float = 25.0  # a multipart/form-data body (uploads)
    # Any other body (JSON, GraphQL): it is parsed on the event loop, so it is kept small.
    max_body_kb: int = 1024
    # Characters in one GraphQL document, checked before it is parsed (also over GET and WS).
    max_query_chars: int = 100_000
    mail_from: str = "workorder@localhost"
    public_url: str = "http://127.0.0.1:8000"
    max_query_depth: int = 12
    max_aliases: int = 30
    max_query_tokens: int = 4000
    # Batch actions on selected ids run in the request up to this many; more is a job.
    batch_sync_limit: int = 200
    import_max_rows: int = 10_000  # rows per import file
    # Budgets per window (0: no limit): GraphQL cost points per caller (API token, else
    # user, else address), and requests or WebSocket connections per client address.
    rate_limit_points: int = Field(default=200_000, ge=0)
    rate_limit_requests_per_address: int = Field(default=20_000, ge=0)
    rate_limit_window_seconds: int = Field(default=60, gt=0)
    # The most one operation may cost (refused before it runs, whatever the budget left).
    max_query_cost: int = Field(default=50_000, gt=0)
    # Automatic persisted queries: how long a document registered by its hash is kept in
    # Redis (in-process without REDIS_URL: the least recently used within a budget).
    persisted_query_ttl_seconds: int = Field(default=7 * 24 * 3600, gt=0)
    # A JSON manifest of trusted documents, hash → text (GraphQL Codegen's
    # persisted-documents.json): clients may send those by hash alone.
    trusted_documents: Path | None = None
    # Run nothing but the manifest's documents (production, for first-party front ends).
    trusted_documents_only: bool = False
    # How often each server process looks for missed SLA targets (0: never).
    sla_check_seconds: float = 30
    # How often each server process looks for reminders that are due (0: never).
    reminder_check_seconds: float = 15
    # How often each server's in-process job runner looks for waiting jobs (0: it runs none;
    # with REDIS_URL, `workorder worker` processes run them too).
    job_poll_seconds: float = 2.0
    # Webhooks: whether an endpoint may point at a loopback, private, link-local or unspecified
    # address (off: such a URL is refused at registration and at every send — SSRF guard).
    webhooks_allow_private: bool = False
    # A failed delivery attempt n is retried after base * 2**(n-1) seconds (at most 4 h, with
    # ±20 % jitter); after WEBHOOK_MAX_ATTEMPTS attempts (15: about 24 h) it is given up.
    webhook_retry_base_seconds: float = Field(default=30.0, gt=0)
    webhook_max_attempts: int = Field(default=15, ge=1)
    # Failed attempts in a row (over all its deliveries) after which an endpoint is disabled.
    webhook_disable_after_failures: int = Field(default=50, ge=1)
    # How long one delivery may take, connecting included.
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("redis_url", "smtp_url", "secret_key", "trusted_documents", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def database(self) -> str:
        """The database URL; an SQLite file in the data folder unless one is given."""
        if self.database_url:
            return self.database_url
        return f"sqlite://{(self.data_dir / 'workorder.db').as_posix()}"

    @property
    def storage(self) -> Path:
        return self.storage_dir or self.data_dir / "files"

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def max_body_bytes(self) -> int:
        return self.max_body_kb * 1024

    @property
    def access_token_ttl(self) -> timedelta:
        return timedelta(minutes=self.access_token_minutes)

    @property
    def refresh_token_ttl(self) -> timedelta:
        return timedelta(days=self.refresh_token_days)

    @property
    def password_hashing(self) -> str:
        """The hash cost to use; the testing one never in production."""
        if self.password_hash_cost == "testing" and self.workorder_env == "production":
            raise SettingsError("PASSWORD_HASH_COST=testing is for test suites, not production")
        return self.password_hash_cost

    @cached_property
    def signing_key(self) -> str:
        """The key that signs access tokens.

        In development a key is generated once and kept in the data folder, so restarts do
        not log everybody out; production must be given one, so replicas agree on it.
        """
        if self.secret_key:
            return self.secret_key
        if self.workorder_env == "production":
            raise SettingsError("SECRET_KEY must be set when WORKORDER_ENV=production")
        key_file = self.data_dir / "secret_key"
        if key_file.exists():
            return key_file.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key


def load_settings() -> Settings:
    return Settings()
