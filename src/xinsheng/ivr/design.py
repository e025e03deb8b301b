"""What an IVR designer changes: the menu tree (versioned) and the A/B share; the stored
result of the last replay the page ran."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinsheng.db import utcnow
from xinsheng.errors import InvalidInput
from xinsheng.ivr.models import IvrSetting, IvrTreeVersion
from xinsheng.ivr.service import AB_KEY, forget_cached, tree_version
from xinsheng.ivr.tree import DATA, parse_tree

REPLAY_KEY = "last_replay"


def current_source(session: Session) -> tuple[int | None, str]:
    """(version in force or None for the shipped tree, its YAML)."""
    version = tree_version(session)
    if version is None:
        return None, DATA.read_text(encoding="utf-8")
    return version, session.scalar(select(IvrTreeVersion.source).where(IvrTreeVersion.version == version))


def save_tree(session: Session, source: str, author: str, note: str | None) -> int:
    """Save ``source`` as the next version (:class:`~xinsheng.ivr.tree.TreeInvalid` when broken)."""
    parse_tree(source)
    version = (tree_version(session) or 0) + 1
    session.add(IvrTreeVersion(version=version, source=source, author=author, note=(note or None) and note[:500],
                               created_at=utcnow()))
    session.flush()
    forget_cached()
    return version


def versions(session: Session, limit: int = 20) -> list[IvrTreeVersion]:
    return list(session.scalars(select(IvrTreeVersion).order_by(IvrTreeVersion.version.desc()).limit(limit)))


def _put(session: Session, key: str, value: dict, by: str | None) -> None:
    row = session.get(IvrSetting, key)
    if row is None:
        session.add(IvrSetting(key=key, value=value, updated_by=by, updated_at=utcnow()))
    else:
        row.value, row.updated_by, row.updated_at = value, by, utcnow()
    session.flush()


def set_ab_share(session: Session, share: float, by: str) -> None:
    if not 0.0 <= share <= 1.0:
        raise InvalidInput("share: from 0 to 1", data={"field": "share"})
    _put(session, AB_KEY, {"share": share}, by)
    forget_cached()


def store_replay(session: Session, report: dict, by: str | None) -> None:
    _put(session, REPLAY_KEY, {"at": utcnow().isoformat(), "report": report}, by)


def last_replay(session: Session) -> dict | None:
    return session.scalar(select(IvrSetting.value).where(IvrSetting.key == REPLAY_KEY))
