"""The verification checkpoint: the newest entry ``xinsheng audit verify`` found intact,
kept in a file under ``XINSHENG_HOME``, outside the database.

The signed head record inside the database shows a removed tail, unless someone who
kept an old copy of the head row puts it back after cutting the log to that point.
The next verification then compares with this file: the entry it names must still be
there with the same hash (or have been removed by retention). The file is signed with
the audit key, so it cannot be moved forward by someone without the key; deleting it
only loses this second check. One file per database (its URL, without the password).
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from sqlalchemy.engine import Engine

from xinsheng.audit.keys import audit_key, mac, same
from xinsheng.audit.service import ChainReport, Checkpoint
from xinsheng.config import get_settings
from xinsheng.db import utcnow


def _database(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def checkpoint_path(engine: Engine) -> Path:
    digest = hashlib.sha256(_database(engine).encode("utf-8")).hexdigest()[:16]
    return Path(get_settings().home) / f"audit-checkpoint-{digest}.json"


def _signature(database: str, seq: int, hash_: str) -> str:
    return mac(audit_key(), f"audit-checkpoint|{database}|{seq}|{hash_}")


def load_checkpoint(engine: Engine) -> tuple[Checkpoint | None, str | None]:
    """The checkpoint of this database, or (None, why it cannot be used)."""
    path = checkpoint_path(engine)
    if not path.exists():
        return None, None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        seq, hash_, sig = int(doc["seq"]), str(doc["hash"]), str(doc["mac"])
    except (OSError, ValueError, KeyError, TypeError):
        return None, f"the checkpoint file {path} cannot be read"
    if not same(sig, _signature(_database(engine), seq, hash_)):
        return None, f"the checkpoint file {path} is not signed with the audit key (altered?)"
    return Checkpoint(seq=seq, hash=hash_), None


def save_checkpoint(engine: Engine, report: ChainReport) -> Path | None:
    """After an intact verification, remember its newest entry (atomically, mode 0600)."""
    if not report.ok or report.last_seq is None or report.head_hash is None:
        return None
    path = checkpoint_path(engine)
    path.parent.mkdir(parents=True, exist_ok=True)
    database = _database(engine)
    doc = {"database": database, "seq": report.last_seq, "hash": report.head_hash,
           "mac": _signature(database, report.last_seq, report.head_hash),
           "verified_at": utcnow().isoformat(timespec="seconds")}
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(doc, fh)
    os.replace(tmp, path)
    return path
