"""Schema migrations (Alembic), run programmatically so the installed package carries them."""
from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)
_SCRIPTS = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_SCRIPTS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (a no-op when it is there)."""
    if current_revision(engine) == head_revision():
        return
    log.info("migrating database schema to %s", head_revision())
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def ready_engine(url: str | None = None) -> Engine:
    """The configured engine, its schema created when the database is empty.

    A database at an older revision is not migrated behind the user's back: the
    error says to run ``xinsheng db upgrade``.
    """
    from xinsheng.db import get_engine
    from xinsheng.errors import XinshengError

    engine = get_engine(url)
    current = current_revision(engine)
    if current is None:
        upgrade(engine)
    elif current != head_revision():
        raise XinshengError(
            f"the database schema is at revision {current}, this xinsheng needs "
            f"{head_revision()}: run 'xinsheng db upgrade'"
        )
    return engine
