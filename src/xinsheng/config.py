"""Settings, read once from the environment (``XINSHENG_*``) by pydantic-settings.

Every setting is documented in the README's configuration table; a test checks it.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
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
    display_timezone: str = Field(
        "Asia/Shanghai", description="time zone in which pages show timestamps"
    )
    log_level: str = Field("INFO", description="logging level for the CLI and the server")

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return "postgresql" if self.database_url.startswith("postgresql") else "sqlite"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cached; tests call ``get_settings.cache_clear()``)."""
    return Settings()
