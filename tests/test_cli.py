"""The ``xinsheng`` command as scripts call it: exit codes, --json on stdout."""
from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from tests.factories import interaction


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xinsheng", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_ingest_json_report_and_rejects_file(engine, settings_env, tmp_path):
    src, rejects = tmp_path / "i.ndjson", tmp_path / "r.ndjson"
    lines = [json.dumps(interaction(1)), "not json", json.dumps(interaction(2, channel="pager"))]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = run(["ingest", str(src), "--json", "--rejects", str(rejects)], settings_env)
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert (report["accepted"], report["rejected"]) == (1, 2)
    assert [e["line"] for e in report["errors"]] == [2, 3]
    assert rejects.read_text(encoding="utf-8").splitlines() == lines[1:]


def test_unusable_input_exits_2_with_one_line_reason(engine, settings_env, tmp_path):
    missing = run(["ingest", str(tmp_path / "nope.ndjson")], settings_env)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    other = tmp_path / "x.xml"
    other.write_text("<a/>")
    unknown = run(["ingest", str(other)], settings_env)
    assert unknown.returncode == 2 and "unknown format" in unknown.stderr
    bad_kind = run(["ingest", str(other), "--kind", "cats"], settings_env)
    assert bad_kind.returncode == 2


@contextmanager
def _empty_database(db_url: str, tmp_path) -> Iterator[str]:
    """A new, empty database on this backend (a new file, or a new PostgreSQL database)."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"fresh_{uuid.uuid4().hex[:12]}"
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(db_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def test_db_upgrade_creates_the_schema_on_an_empty_database(settings_env, db_url, tmp_path):
    """What ``db upgrade`` leaves is read back from the database itself (SQLAlchemy's
    inspector): every table and column the models declare, and the newest revision of every
    migration branch (read from the migration files) recorded in ``alembic_version``."""
    import xinsheng.models  # noqa: F401  (every domain's tables in Base.metadata)
    from xinsheng.db import Base
    from xinsheng.migrate import head_revisions

    with _empty_database(db_url, tmp_path) as url:
        fresh = create_engine(url)
        try:
            assert inspect(fresh).get_table_names() == [], "the database starts empty"
            res = run(["db", "upgrade"], {**settings_env, "XINSHENG_DATABASE_URL": url})
            assert res.returncode == 0 and "revision" in res.stderr, res.stderr
            schema = inspect(fresh)
            assert set(schema.get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}
            for name, table in Base.metadata.tables.items():
                assert {c["name"] for c in schema.get_columns(name)} == set(table.columns.keys()), name
            assert {"interactions", "interaction_analysis", "customers", "users", "audit_log"} <= set(
                schema.get_table_names())
            with fresh.connect() as conn:
                applied = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
            assert applied == head_revisions() and applied
            assert run(["db", "upgrade"], {**settings_env, "XINSHENG_DATABASE_URL": url}).returncode == 0
        finally:
            fresh.dispose()


# The order of ``xinsheng --help`` before the sub-commands were imported lazily.
COMMANDS = ["serve", "ingest", "demo", "retention", "worker", "db", "user", "token", "audit", "keys",
            "voc", "kb", "cases", "notify", "ivr", "journeys", "surveys", "improvements", "qa",
            "profiles", "speech", "segments"]


def test_every_command_is_listed_in_order_and_resolves():
    import typer

    from xinsheng.cli import app

    group = typer.main.get_command(app)
    assert group.list_commands(None) == COMMANDS
    assert [group.get_command(None, name).name for name in COMMANDS] == COMMANDS
    assert group.get_command(None, "cass") is None


def test_a_command_imports_only_its_own_domain_cli():
    """``xinsheng cases ...`` imports neither the other domains' command modules nor numpy
    (the VOC models') nor av (audio decoding): sub-commands are imported on first use."""
    code = ("import json, sys, typer; from xinsheng.cli import app; "
            "typer.main.get_command(app).get_command(None, 'cases'); "
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('xinsheng.') and m.endswith('.cli') "
            "or m in ('numpy', 'av'))))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == ["xinsheng.cases.cli", "xinsheng.cli"]
