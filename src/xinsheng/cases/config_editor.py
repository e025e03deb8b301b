"""The supervisor's editor of the cases data files (calendar, SLA policies, authority, rules).

An edited file is YAML text stored in the ``case_config`` table (``CaseConfig``) and checked
with the file's own loader before it is stored: a broken file is refused with
:class:`~xinsheng.cases.configfiles.ConfigFileError` (its line and problem) and nothing is
written. While a stored copy exists it is the one in force (:func:`active`); without one,
the file of the ``XINSHENG_CASES_*`` setting is, else the shipped file.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from xinsheng.cases.configfiles import data_path
from xinsheng.cases.models import CaseConfig
from xinsheng.db import utcnow
from xinsheng.errors import NotFound

#: name -> (module, loader, default loader, shipped file, setting)
FILES: dict[str, tuple[str, str, str, str, str]] = {
    "calendar": ("xinsheng.cases.calendar", "load_calendar", "default_calendar", "calendar_cn.yaml", "cases_calendar"),
    "policies": ("xinsheng.cases.policies", "load_policies", "default_policies", "sla_policies.yaml", "cases_policies"),
    "authority": ("xinsheng.cases.authority", "load_authority", "default_authority", "authority.yaml", "cases_authority"),
    "rules": ("xinsheng.cases.rules", "load_rules", "default_rules", "escalation_rules.yaml", "cases_rules"),
}
MAX_BYTES = 512 * 1024


@dataclass
class ConfigText:
    name: str
    text: str
    #: ``edited`` (stored in the database), ``file`` (the setting's file) or ``shipped``
    origin: str
    source: str
    updated_by: str | None = None
    updated_at: datetime | None = None


def _module(name: str):
    if name not in FILES:
        raise NotFound(f"no cases data file {name!r} (one of {', '.join(FILES)})")
    try:
        return importlib.import_module(FILES[name][0])
    except ImportError:
        return None


def available() -> list[str]:
    """The data files whose loader is installed (the editor shows these)."""
    return [n for n in FILES if (m := _module(n)) is not None and hasattr(m, FILES[n][1])]


def validate(name: str, text: str) -> Any:
    """The parsed file; ``ConfigFileError`` (line and problem) when it cannot be used."""
    module = _module(name)
    if module is None or not hasattr(module, FILES[name][1]):
        raise NotFound(f"the {name} file cannot be edited here")
    return getattr(module, FILES[name][1])(text, source=f"{name}.yaml")


def _configured(name: str) -> tuple[str, str, str]:
    from xinsheng.config import get_settings

    setting = getattr(get_settings(), FILES[name][4], None)
    if setting:
        return Path(setting).read_text("utf-8"), "file", str(setting)
    shipped = _shipped_path(name)
    return shipped.read_text("utf-8"), "shipped", shipped.name


def _shipped_path(name: str) -> Path:
    path = data_path(FILES[name][3])
    if not path.exists():  # a shipped file of another name: the loader module's SHIPPED
        module = _module(name)
        path = data_path(getattr(module, "SHIPPED", FILES[name][3]))
    return path


def current(session: Session, name: str) -> ConfigText:
    """The text in force for ``name``: the edited copy, else the configured or shipped file."""
    _module(name)
    row = session.get(CaseConfig, name)
    if row is not None:
        return ConfigText(name, row.content, "edited", f"{name}.yaml", row.updated_by, row.updated_at)
    text, origin, source = _configured(name)
    return ConfigText(name, text, origin, source)


def do_save_config(session: Session, name: str, text: str, *, actor: str, now: datetime | None = None) -> CaseConfig:
    """Check ``text`` with the file's loader and store it as the copy in force; a broken file
    raises ``ConfigFileError`` and nothing is written. The caller appends the audit entry."""
    from xinsheng.errors import InvalidInput

    text = text.replace("\r\n", "\n")
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise InvalidInput(f"content: the file is larger than {MAX_BYTES // 1024} KiB", data={"field": "content"})
    validate(name, text)
    row = session.get(CaseConfig, name)
    if row is None:
        row = CaseConfig(name=name, content=text, updated_by=actor, updated_at=now or utcnow())
        session.add(row)
    else:
        row.content, row.updated_by, row.updated_at = text, actor, now or utcnow()
    session.flush()
    return row


@lru_cache(maxsize=16)
def _parsed(name: str, text: str) -> Any:
    return validate(name, text)


def active(session: Session, name: str) -> Any:
    """The loaded file in force for ``name`` (``active(session, "calendar")`` is a
    ``BusinessCalendar``): the edited copy when there is one, else the default loader's."""
    row = session.get(CaseConfig, name)
    if row is not None:
        return _parsed(name, row.content)
    module = _module(name)
    return getattr(module, FILES[name][2])()
