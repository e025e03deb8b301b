"""Throwaway PostgreSQL servers for tests.

``throwaway_postgres()`` starts a private PostgreSQL server from Debian's
server binaries (``/usr/lib/postgresql/*/bin``) in a temporary directory,
listening only on 127.0.0.1 on a free port, and yields a SQLAlchemy URL::

    with throwaway_postgres() as url:   # postgresql+psycopg://postgres@127.0.0.1:PORT/xinsheng_test
        engine = sqlalchemy.create_engine(url)

It never touches a system cluster (e.g. one on 5432). On exit the server is
stopped (``pg_ctl stop -m immediate``) and its directory removed.

PostgreSQL refuses to run as root; when the euid is 0 the server binaries run
as the unprivileged ``postgres`` system user (created by Debian's package) via
``runuser``/``setpriv``. When binaries are missing or startup fails,
``PostgresUnavailable(reason)`` is raised so the caller can skip with the reason.

The cluster is created once per process with ``initdb`` and copied for each
server (a copy takes ~0.1 s on tmpfs, ``initdb`` ~0.9 s). Clusters live in
``/dev/shm`` when it is a tmpfs with >= 1 GiB free, else in ``/tmp``
(override: ``$XINSHENG_PG_TMPDIR``). Directories left behind by a test
process that was killed are cleaned up by the next one.
"""

from __future__ import annotations

import atexit
import os
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

__all__ = ["PostgresUnavailable", "find_pg_bin", "throwaway_postgres"]

DBNAME = "xinsheng_test"
SUPERUSER = "postgres"
_DIR_PREFIX = "xinsheng-pg-"
_OWNER_FILE = "owner.pid"

# Appended to postgresql.conf of every throwaway cluster. Durability is
# traded for speed: the data is thrown away anyway.
_SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "logging_collector": "off",
    "log_min_messages": "warning",
    "log_destination": "'stderr'",
    "timezone": "'UTC'",
}

# Environment variables that would make libpq/pg_ctl/initdb look elsewhere.
_PG_ENV = ("PGDATA", "PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGDATABASE",
           "PGPASSWORD", "PGPASSFILE", "PGSERVICE", "PGSERVICEFILE", "PGOPTIONS",
           "PGSSLMODE", "PGTZ", "PGCLIENTENCODING")


class PostgresUnavailable(RuntimeError):
    """No throwaway PostgreSQL server could be started; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --------------------------------------------------------------------------
# locating binaries and the user to run them as


def _version_key(path: Path) -> tuple:
    # /usr/lib/postgresql/<version>/bin -> numeric sort ("9.6" < "15" < "16")
    parts = re.findall(r"\d+", path.parent.name)
    return tuple(int(p) for p in parts) or (-1,)


def find_pg_bin() -> Path | None:
    """Directory holding ``initdb``/``pg_ctl``/``postgres``, or None.

    ``$PG_BIN`` wins when set (None if it holds no ``initdb``); otherwise the
    highest-version ``/usr/lib/postgresql/*/bin`` containing ``initdb``; as a
    last resort the directory of an ``initdb`` found on ``$PATH``.
    """
    env = os.environ.get("PG_BIN")
    if env:
        p = Path(env)
        return p if _is_exe(p / "initdb") else None
    candidates = [
        p for p in Path("/usr/lib/postgresql").glob("*/bin") if _is_exe(p / "initdb")
    ]
    if candidates:
        return max(candidates, key=_version_key)
    on_path = shutil.which("initdb")
    return Path(on_path).resolve().parent if on_path else None


def _is_exe(p: Path) -> bool:
    return p.is_file() and os.access(p, os.X_OK)


class _Runner:
    """Runs PostgreSQL binaries, dropping root privileges when needed."""

    def __init__(self) -> None:
        self.uid = os.geteuid()
        self.gid = os.getegid()
        self.prefix: list[str] = []
        if self.uid != 0:
            return
        import pwd

        try:
            pw = pwd.getpwnam(os.environ.get("PG_RUN_AS", "postgres"))
        except KeyError:
            raise PostgresUnavailable(
                "running as root and there is no 'postgres' system user to run "
                "PostgreSQL as (install Debian's postgresql package, or set PG_RUN_AS)"
            ) from None
        self.uid, self.gid = pw.pw_uid, pw.pw_gid
        if shutil.which("runuser"):
            self.prefix = ["runuser", "-u", pw.pw_name, "--"]
        elif shutil.which("setpriv"):
            self.prefix = ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}",
                           "--init-groups", "--"]
        else:
            raise PostgresUnavailable(
                "running as root and neither runuser nor setpriv is available to "
                "run PostgreSQL as the 'postgres' user"
            )

    def chown(self, path: Path) -> None:
        if os.geteuid() == 0:
            os.chown(path, self.uid, self.gid)

    def run(self, argv: list[str], *, cwd: Path, timeout: float) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k not in _PG_ENV}
        env.setdefault("LC_ALL", "C")
        try:
            return subprocess.run(
                [*self.prefix, *argv], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                timeout=timeout, check=False,
            )
        except subprocess.TimeoutExpired as exc:
            out = exc.output or ""
            if isinstance(out, bytes):
                out = out.decode(errors="replace")
            return subprocess.CompletedProcess(argv, 124, out + f"\n[timed out after {timeout}s]")
        except OSError as exc:
            return subprocess.CompletedProcess(argv, 127, f"{exc}")


# --------------------------------------------------------------------------
# temporary directories, the initdb template, and leftovers of dead processes


_SHM = Path("/dev/shm")
_SHM_MIN_FREE = 1 << 30  # use /dev/shm only when it has >= 1 GiB free (Docker's default is 64 MiB)


def _usable_root(p: Path, min_free: int = 0) -> bool:
    try:
        st = p.stat()
        vfs = os.statvfs(p)
    except OSError:
        return False
    # world-traversable (0o001) so the postgres user reaches dirs we create there
    return (p.is_dir() and bool(st.st_mode & 0o001) and os.access(p, os.W_OK | os.X_OK)
            and vfs.f_bavail * vfs.f_frsize >= min_free)


def _tmp_root() -> Path:
    """Where throwaway clusters live.

    ``$XINSHENG_PG_TMPDIR`` when set; else ``/dev/shm`` when it is a roomy
    tmpfs (file creation on a real disk is ~10x slower: ~1 s vs ~0.1 s to copy
    a cluster here); else ``/tmp``. Short paths matter (unix socket paths are
    limited to ~107 bytes), and the postgres user must be able to traverse
    the parents, so ``$TMPDIR`` (possibly under /root) is only the last resort.
    """
    env = os.environ.get("XINSHENG_PG_TMPDIR")
    if env:
        return Path(env)
    if _usable_root(_SHM, _SHM_MIN_FREE):
        return _SHM
    root = Path("/tmp")
    return root if root.is_dir() else Path(tempfile.gettempdir())


def _all_roots() -> list[Path]:
    roots = [_tmp_root(), _SHM, Path("/tmp")]
    return list(dict.fromkeys(roots))


def _make_dir(runner: _Runner, kind: str, root: Path) -> Path:
    d = Path(tempfile.mkdtemp(prefix=f"{_DIR_PREFIX}{kind}-", dir=root))  # mode 0700
    (d / _OWNER_FILE).write_text(f"{os.getpid()}\n")
    runner.chown(d)
    return d


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _reap_stale(bin_dir: Path, runner: _Runner) -> None:
    """Stop servers and remove directories left by test processes that died."""
    dirs = [d for root in _all_roots() for d in root.glob(f"{_DIR_PREFIX}*")]
    for d in dirs:
        try:
            pid = int((d / _OWNER_FILE).read_text().strip())
        except (OSError, ValueError):
            continue
        if pid == os.getpid() or _pid_alive(pid):
            continue
        if (d / "data" / "postmaster.pid").exists():
            runner.run([str(bin_dir / "pg_ctl"), "stop", "-D", str(d / "data"),
                        "-m", "immediate", "-w", "-t", "10"], cwd=d, timeout=20)
        shutil.rmtree(d, ignore_errors=True)


def _server_version(bin_dir: Path, runner: _Runner, cwd: Path) -> tuple[int, ...]:
    res = runner.run([str(bin_dir / "initdb"), "--version"], cwd=cwd, timeout=30)
    m = re.search(r"(\d+)(?:\.(\d+))?", res.stdout)
    return tuple(int(g) for g in m.groups() if g) if m else (0,)


_template_lock = threading.Lock()
_template: Path | None = None


def _remove_template() -> None:
    if _template is not None:
        shutil.rmtree(_template.parent, ignore_errors=True)


def _get_template(bin_dir: Path, runner: _Runner, timeout: float) -> Path:
    """A freshly initdb'ed data directory, created once per process."""
    global _template
    with _template_lock:
        if _template is not None and (_template / "PG_VERSION").exists():
            return _template
        _reap_stale(bin_dir, runner)
        tdir = _make_dir(runner, "template", _tmp_root())
        data = tdir / "data"
        argv = [str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER,
                "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]
        if _server_version(bin_dir, runner, tdir) >= (11,):
            argv.append("--wal-segsize=1")  # 1 MB instead of 16 MB of WAL to copy
        res = runner.run(argv, cwd=tdir, timeout=timeout)
        if res.returncode != 0:
            shutil.rmtree(tdir, ignore_errors=True)
            raise PostgresUnavailable(
                f"initdb failed (exit {res.returncode}) with {bin_dir}:\n{res.stdout.strip()}"
            )
        with open(data / "postgresql.conf", "a", encoding="utf-8") as f:
            f.write("\n# throwaway test server (tests/support/pgserver.py)\n")
            for key, value in _SERVER_SETTINGS.items():
                f.write(f"{key} = {value}\n")
        if _template is None:
            atexit.register(_remove_template)
        _template = data
        return data


# --------------------------------------------------------------------------
# the server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _read_log(log: Path, limit: int = 4000) -> str:
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return "(no server log)"
    return text[-limit:].strip() or "(server log is empty)"


def _wait_connectable(port: int, deadline: float, log: Path) -> None:
    import psycopg

    last: Exception | None = None
    while True:
        try:
            with psycopg.connect(host="127.0.0.1", port=port, user=SUPERUSER,
                                 dbname="postgres", connect_timeout=2):
                return
        except psycopg.OperationalError as exc:
            last = exc
        if time.monotonic() > deadline:
            raise PostgresUnavailable(
                f"PostgreSQL on 127.0.0.1:{port} did not accept connections: {last}\n"
                f"server log:\n{_read_log(log)}"
            )
        time.sleep(0.05)


@contextmanager
def throwaway_postgres(*, timeout: float = 60.0, dbname: str = DBNAME,
                       attempts: int = 5) -> Iterator[str]:
    """Start a private PostgreSQL server; yield its SQLAlchemy URL.

    The URL is ``postgresql+psycopg://postgres@127.0.0.1:PORT/<dbname>``
    (trust authentication, superuser ``postgres``). Raises
    ``PostgresUnavailable`` when it cannot be started.
    """
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - psycopg is a dependency
        raise PostgresUnavailable(f"psycopg is not installed: {exc}") from None

    bin_dir = find_pg_bin()
    if bin_dir is None:
        raise PostgresUnavailable(
            "PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb; "
            "run scripts/test-deps.sh or set PG_BIN)"
        )
    deadline = time.monotonic() + timeout
    runner = _Runner()
    template = _get_template(bin_dir, runner, timeout)

    tdir = _make_dir(runner, "server", template.parent.parent)
    data, log = tdir / "data", tdir / "postgres.log"
    started = False
    try:
        res = runner.run(["cp", "-a", str(template), str(data)], cwd=tdir, timeout=timeout)
        if res.returncode != 0:
            raise PostgresUnavailable(f"copying the template cluster failed: {res.stdout.strip()}")

        port = 0
        for attempt in range(1, attempts + 1):
            port = _free_port()
            remaining = max(1, int(deadline - time.monotonic()))
            res = runner.run(
                [str(bin_dir / "pg_ctl"), "start", "-D", str(data), "-l", str(log),
                 "-w", "-t", str(remaining),
                 "-o", f"-p {port} -k {shlex.quote(str(tdir))}"],
                cwd=tdir, timeout=remaining + 10,
            )
            if res.returncode == 0:
                started = True
                break
            server_log = _read_log(log)
            if "already in use" in server_log and attempt < attempts:
                log.unlink(missing_ok=True)  # port clash: try another port
                continue
            raise PostgresUnavailable(
                f"PostgreSQL failed to start on 127.0.0.1:{port} (pg_ctl exit "
                f"{res.returncode}): {res.stdout.strip()}\nserver log:\n{server_log}"
            )

        _wait_connectable(port, deadline, log)
        with psycopg.connect(host="127.0.0.1", port=port, user=SUPERUSER,
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')

        yield f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/{dbname}"
    finally:
        # also when pg_ctl gave up waiting but a postmaster may be running
        if started or (data / "postmaster.pid").exists():
            runner.run([str(bin_dir / "pg_ctl"), "stop", "-D", str(data),
                        "-m", "immediate", "-w", "-t", "30"], cwd=tdir, timeout=40)
        shutil.rmtree(tdir, ignore_errors=True)
