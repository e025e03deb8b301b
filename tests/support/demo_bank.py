"""The generated demo bank, loaded once per run and database kind, copied for each test.

Generating a demo bank and writing it through ingest (VOC analysis, the cases flow,
surveys, improvements, quality checks) is the most expensive set-up of the suite, and
several test modules check what the loaded bank shows. ``DemoBanks`` (the session
fixture ``demo_banks`` of tests/conftest.py) loads each bank — one per parameter set and
database kind — once, into a database of its own, and hands each test a private copy:

    with demo_banks.copy(db_url) as url:      # a fresh database holding the loaded bank
        bank, report = demo_banks.loaded(url)  # what generate_bank and load_bank returned

SQLite is copied with SQLite's online backup, PostgreSQL with ``CREATE DATABASE ...
TEMPLATE`` on the run's throwaway server; the copy is removed after the test. So a test
that writes to its copy changes nothing that another test sees, as when each test loaded
the bank itself.

A module whose every test reads the shared bank imports this module's ``db_url`` and
``engine`` fixtures (``from tests.support.demo_bank import db_url, engine``): they override
the conftest's for its tests.
"""
from __future__ import annotations

import itertools
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

#: The bank the demo test modules share (tests/cases, journeys, improvements, surveys): big
#: enough for the surveys' bad answers not to be a handful and for the journeys' funnel
#: shares, with a fixed end date so the run does not depend on the day it runs.
SHARED = {"customers": 1500, "days": 40, "seed": 7, "end": date(2026, 11, 20)}

_n = itertools.count(1)


@pytest.fixture
def db_url(db_url, demo_banks):
    """The test on its own copy of the run's shared demo bank (loaded once per database kind)."""
    with demo_banks.copy(db_url) as url:
        yield url


@pytest.fixture
def engine(db_url):
    """The copy, migrated and loaded; dropped after the test, so nothing to empty."""
    from xinsheng.db import get_engine

    return get_engine(db_url)


@dataclass(frozen=True)
class _Loaded:
    url: str  # the database the bank was loaded into (never handed to a test)
    bank: Any  # DemoBank
    report: dict


class DemoBanks:
    """Loaded demo banks of this run: ``copy(base_url, **params)`` for a test's own copy."""

    def __init__(self, root: Path, environment: Callable[[str], Any]) -> None:
        self._root = root
        self._environment = environment  # context manager: settings for loading into a URL
        self._loaded: dict[tuple, _Loaded] = {}
        self._copies: dict[str, _Loaded] = {}

    @contextmanager
    def copy(self, base_url: str, **params) -> Iterator[str]:
        """A new database of ``base_url``'s kind (same server) holding the loaded bank."""
        params = {**SHARED, **params}
        key = (base_url, tuple(sorted(params.items())))
        if key not in self._loaded:
            self._loaded[key] = self._load(base_url, params)
        source = self._loaded[key]
        copier = _copy_sqlite if _is_sqlite(base_url) else _copy_postgres
        with copier(source.url, self._root) as url:
            self._copies[url] = source
            try:
                yield url
            finally:
                del self._copies[url]

    def loaded(self, url: str) -> tuple[Any, dict]:
        """(bank, load report) of the copy at ``url``."""
        source = self._copies[url]
        return source.bank, source.report

    def _load(self, base_url: str, params: dict) -> _Loaded:
        from xinsheng.db import get_engine
        from xinsheng.demo.generator import generate_bank
        from xinsheng.demo.load import load_bank
        from xinsheng.migrate import upgrade

        url = (f"sqlite:///{self._root / f'demo-{next(_n)}.db'}" if _is_sqlite(base_url)
               else _create_postgres_database(base_url, f"demo_{next(_n)}"))
        bank = generate_bank(**params)
        with self._environment(url):
            engine = get_engine(url)
            upgrade(engine)
            report = load_bank(bank, engine)
        engine.dispose()  # no connection left open on the source of the copies
        return _Loaded(url, bank, report)


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


@contextmanager
def _copy_sqlite(source_url: str, root: Path) -> Iterator[str]:
    target = root / f"copy-{uuid.uuid4().hex[:12]}.db"
    src = sqlite3.connect(make_url(source_url).database)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # consistent whatever the source's journal mode (WAL)
    finally:
        dst.close()
        src.close()
    url = f"sqlite:///{target}"
    try:
        yield url
    finally:
        _forget_engine(url)
        for path in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            path.unlink(missing_ok=True)


def _admin(url: str):
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _create_postgres_database(base_url: str, name: str, template: str | None = None) -> str:
    admin = _admin(base_url)
    try:
        with admin.connect() as conn:
            clause = ""
            if template:  # a template must have no sessions (a pooled connection left by the load)
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = :db AND pid <> pg_backend_pid()"), {"db": template})
                clause = f' TEMPLATE "{template}" STRATEGY FILE_COPY'
            conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
    finally:
        admin.dispose()
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


@contextmanager
def _copy_postgres(source_url: str, _root: Path) -> Iterator[str]:
    source = make_url(source_url).database
    url = _create_postgres_database(source_url, f"{source}_{uuid.uuid4().hex[:12]}", template=source)
    try:
        yield url
    finally:
        _forget_engine(url)
        admin = _admin(url)
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
        finally:
            admin.dispose()


def _forget_engine(url: str) -> None:
    """Close the pooled connections of the process-wide engine of ``url`` (the test's)."""
    from xinsheng.db import get_engine

    get_engine(url).dispose()
