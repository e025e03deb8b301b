"""Schema migrations (Alembic), run programmatically so the installed package carries them."""
from __future__ import annotations

import logging
from functools import cache
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


@cache
def _heads() -> frozenset[str]:
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def head_revisions() -> set[str]:
    """The newest revision of each branch (domains may add their tables on a branch).

    Read from the migration scripts once per process (loading them all costs ~0.1–0.3 s, and
    ``upgrade``, ``ready_engine`` and each ``create_app`` ask): the scripts are part of the
    installed package and do not change while it runs."""
    return set(_heads())


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def current_revision(engine: Engine) -> str | None:
    """The applied revisions, comma-separated (None for an empty database)."""
    return ",".join(sorted(current_revisions(engine))) or None


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revisions (a no-op when it is there)."""
    if current_revisions(engine) == head_revisions():
        return
    log.info("migrating database schema to %s", ",".join(sorted(head_revisions())))
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            # Python's sqlite3 opens a transaction only before DML, so a CREATE TABLE would be
            # committed at once: begin explicitly, so that a migration refused or failing half-way
            # (a missing key, a crash) leaves the schema as it was, as on PostgreSQL.
            conn.exec_driver_sql("BEGIN")
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")


def ready_engine(url: str | None = None) -> Engine:
    """The configured engine, its schema created when the database is empty.

    A database at an older revision is not migrated behind the user's back: the
    error says to run ``xinsheng db upgrade``.
    """
    from xinsheng.db import get_engine
    from xinsheng.errors import XinshengError

    engine = get_engine(url)
    current = current_revisions(engine)
    if not current:
        upgrade(engine)
    elif current != head_revisions():
        raise XinshengError(
            f"the database schema is at revision {','.join(sorted(current))}, this xinsheng needs "
            f"{','.join(sorted(head_revisions()))}: run 'xinsheng db upgrade'"
        )
    return engine
