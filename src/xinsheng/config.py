"""Settings, read once from the environment (``XINSHENG_*``) by pydantic-settings.

Every setting is documented in the README's configuration table; a test checks it.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """xinsheng's configuration. Environment variables use the ``XINSHENG_`` prefix."""

    model_config = SettingsConfigDict(env_prefix="XINSHENG_", extra="ignore")

    database_url: str = Field(
        "sqlite:///var/xinsheng.db",
        description="SQLAlchemy URL; SQLite by default, PostgreSQL with postgresql+psycopg://",
    )
    home: Path = Field(Path("var"), description="folder for models, exports and lake files")
    ingest_batch_size: int = Field(
        2000, ge=1, le=100_000, description="records written per transaction by bulk ingest"
    )
    ingest_workers: int = Field(
        default_factory=lambda: max(1, min(4, os.cpu_count() or 1)), ge=1, le=64,
        description="worker processes that prepare large ingest files (default: cores, at most 4)",
    )
    analyze_on_ingest: bool = Field(
        True, description="analyse interaction texts (VOC) as they are ingested"
    )
    voc_model: Path | None = Field(
        None, description="a folder written by `xinsheng voc train` that the service analyses with"
    )
    voc_taxonomy: Path | None = Field(
        None, description="the bank's own topic taxonomy (YAML) instead of the shipped one"
    )
    voc_base: Path | None = Field(
        None, description="a base from `xinsheng voc learn`: the default --base of voc train and kb train-pairs"
    )
    display_timezone: str = Field(
        "Asia/Shanghai", description="time zone in which pages show timestamps"
    )
    log_level: str = Field("INFO", description="logging level for the CLI and the server")
    # the background worker (cases/worker.py): case clocks, escalation rules, the outbox
    worker: Literal["on", "off"] = Field(
        "on", description="off: `xinsheng serve` starts no background worker (run `xinsheng worker` apart)"
    )
    worker_sweep_seconds: float = Field(60, gt=0, description="seconds between the worker's sweeps of case clocks")
    worker_poll_seconds: float = Field(5, gt=0, description="seconds between the worker's outbox deliveries")
    mode: Literal["production", "demo"] = Field(
        "production",
        description="demo: PII and audit keys are generated under XINSHENG_HOME when none is configured",
    )
    pii_keys: SecretStr = Field(
        SecretStr(""),
        description="Fernet keys for personal data at rest, comma-separated, the first is current",
    )
    pii_attribute_keys: list[str] = Field(
        default_factory=lambda: ["id_number", "id_card", "passport", "phone", "mobile", "email", "address",
                                 "wechat"],
        description="customer attribute keys (any depth) whose values are stored encrypted (JSON list)",
    )
    audit_key: SecretStr = Field(
        SecretStr(""),
        description="HMAC key that chains the audit log, kept outside the database (`xinsheng audit key`)",
    )
    session_hours: float = Field(12, gt=0, le=24 * 30, description="a web session ends this long after sign-in")
    session_idle_minutes: float = Field(60, gt=0, description="a web session ends after this long unused")
    ivr_max_in_flight: int = Field(
        64, ge=0, description="IVR API requests in flight per server process before more get 429 (0: no limit)"
    )
    token_outage_grace_minutes: float = Field(
        15, ge=0, description="while the database is unreachable, a bearer token verified this recently is "
        "still accepted, so the IVR's static menu keeps answering (0: never)"
    )
    login_max_failures: int = Field(5, ge=1, description="failed sign-ins in a row before the lock-out")
    login_lockout_minutes: float = Field(15, gt=0, description="how long a locked-out user must wait")
    login_ip_max_failures: int = Field(
        20, ge=1, description="failed sign-ins from one address within the window before it gets 429"
    )
    login_ip_window_minutes: float = Field(15, gt=0, description="the window of the per-address sign-in limit")
    serving_days: int = Field(
        30, ge=1, description="an agent serves a customer whose contact they handled in these days"
    )
    retention_text_years: float = Field(
        5, gt=0, description="interaction texts older than this are anonymised by `xinsheng retention`"
    )
    retention_customer_years: float = Field(
        10, gt=0, description="customers without contact or open case this long lose their personal data"
    )
    retention_audit_years: float = Field(7, gt=0, description="audit entries are kept this long")
    # cases: the bank's own data files (formats in docs/cases-config.md); None: the shipped ones
    cases_calendar: Path | None = Field(None, description="business calendar (holidays, 调休, business hours), YAML")
    cases_policies: Path | None = Field(None, description="SLA policies (deadlines per kind, topic, segment…), YAML")
    cases_authority: Path | None = Field(None, description="authority pyramid (levels, limits, roles), YAML")
    cases_rules: Path | None = Field(None, description="escalation rules, YAML")
    cases_auto_open: Path | None = Field(None, description="when ingest opens a case by itself (YAML)")
    # customer notifications (notify/): the outbox, its adapters and delivery
    notify_quiet_hours: str = Field(
        "21:00-08:00", description="no notification goes out in these local hours (HH:MM-HH:MM; empty: none)"
    )
    notify_weekly_limit: int = Field(5, ge=0, description="notifications per customer in any 7 days (0: no limit)")
    notify_templates: Path | None = Field(None, description="the bank's notification templates (YAML)")
    notify_default_channel: str = Field("sms", description="channel for customers without a notifiable one")
    notify_channels: dict[str, str] = Field(default_factory=dict, description="channel → adapter name (JSON)")
    notify_adapters: dict[str, str] = Field(
        default_factory=dict, description="plug-in adapters: name → 'module:Class' (JSON)"
    )
    notify_default_adapter: str = Field("file", description="adapter of channels without their own")
    notify_webhook_url: str | None = Field(None, description="where the webhook adapter POSTs")
    notify_webhook_secret: SecretStr = Field(SecretStr(""), description="HMAC-SHA256 key of webhook bodies")
    notify_webhook_timeout_seconds: float = Field(10, gt=0, le=300, description="webhook request timeout")
    notify_max_attempts: int = Field(6, ge=1, le=100, description="attempts before a notification is dead")
    notify_retry_base_seconds: float = Field(60, gt=0, description="first retry delay; doubles per attempt")
    notify_lease_seconds: float = Field(300, gt=0, description="a claimed notification is re-sent after this")
    notify_concurrency: int = Field(8, ge=1, le=64, description="messages one worker sends at once")

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return "postgresql" if self.database_url.startswith("postgresql") else "sqlite"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cached; tests call ``get_settings.cache_clear()``)."""
    return Settings()
