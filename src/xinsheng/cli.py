"""The ``xinsheng`` command: one Typer app, a sub-command per capability.

Exit status (CONTRACT.md): 0 done, 2 unusable invocation or input (one line on
stderr), 1 internal error.
"""
from __future__ import annotations

import importlib
import logging
import signal
import sys
from collections.abc import Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from xinsheng.config import get_settings
from xinsheng.errors import XinshengError
from xinsheng.logging import configure_logging

if TYPE_CHECKING:  # Typer vendors click
    from typer._click import Command

log = logging.getLogger(__name__)

#: The commands that store interactions through ``ingest_records`` or read a domain's ingest
#: kind (``serve``: the API's ingest, though ``create_app`` wires the batch hooks itself too).
_INGESTING = frozenset({"ingest", "demo", "speech", "serve"})


def install_flows() -> None:
    """Wire the domains into ingest, as the ``_INGESTING`` commands need: cases, IVR state
    and profiles on each stored batch; the ``holdings`` and ``survey-responses`` kinds.
    Registering again changes nothing."""
    from xinsheng.cases.flows import install as install_cases_flow
    from xinsheng.ivr.flows import install as install_ivr_flow
    from xinsheng.profiles.holdings import install as install_holdings
    from xinsheng.profiles.store import install as install_profiles
    from xinsheng.surveys.ingest import install as install_survey_kind

    install_cases_flow(status_provider=False)  # ingest and demo open cases and run the escalation rules
    install_ivr_flow()  # ingest and demo keep callers' IVR behaviour state
    install_holdings()  # ``ingest --kind holdings``
    install_profiles()  # ingest and demo keep the living profiles
    install_survey_kind()  # ``ingest --kind survey-responses``


# The other commands live in their domains' cli modules, which import much (numpy and scipy
# for the VOC models, audio decoding, ...): a module is imported only when one of its commands
# runs or the help lists it, so ``xinsheng cases list`` does not pay for ``xinsheng voc``.
# name: ("module:attribute", help shown in the list or None for the sub-app's own).
_LAZY_COMMANDS = {  # command functions, listed after ``serve``
    "ingest": ("xinsheng.ingest.cli:ingest", None),
    "demo": ("xinsheng.demo.cli:demo", None),
    "retention": ("xinsheng.retention.cli:retention", None),
    "worker": ("xinsheng.cases.worker:worker", None),
}
_LAZY_GROUPS = {  # Typer sub-apps, listed after ``db``
    "user": ("xinsheng.identity.cli:user_app", None),
    "token": ("xinsheng.identity.cli:token_app", None),
    "audit": ("xinsheng.audit.cli:audit_app", None),
    "keys": ("xinsheng.privacy.cli:keys_app", None),
    "voc": ("xinsheng.voc.cli:app", "VOC text analytics."),
    "kb": ("xinsheng.knowledge.cli:app", "Knowledge base and answer matching."),
    "cases": ("xinsheng.cases.cli:cases_app", None),
    "notify": ("xinsheng.notify.cli:notify_app", None),
    "ivr": ("xinsheng.ivr.cli:ivr_app", None),
    "journeys": ("xinsheng.journeys.cli:journeys_app", None),
    "surveys": ("xinsheng.surveys.cli:surveys_app", None),
    "improvements": ("xinsheng.improvements.cli:improvements_app", None),
    "qa": ("xinsheng.quality.cli:qa_app", None),
    "profiles": ("xinsheng.profiles.cli:profiles_app", None),
    "speech": ("xinsheng.speech.cli:speech_app", None),
    "segments": ("xinsheng.segments.cli:segments_app", None),
}
_targets: dict[str, object] = {}  # what each lazy name imported, once per process


def _target(name: str) -> object | None:
    if name not in _targets:
        where = {**_LAZY_COMMANDS, **_LAZY_GROUPS}[name][0]
        module, attr = where.split(":")
        try:
            target = getattr(importlib.import_module(module), attr)
        except ImportError as exc:
            if name != "voc":
                raise
            log.debug("voc commands unavailable: %s", exc)  # optional only while it is being built
            return None
        if name == "voc":
            from xinsheng.interactions.cli import reanalyze_command

            target.command("reanalyze")(reanalyze_command)
        _targets[name] = target
    return _targets[name]


def _lazy_click_command(name: str) -> Command | None:
    """The click command Typer makes of a lazy name, as ``app.command()``/``app.add_typer``
    would have (a scratch app with the same settings holds it)."""
    target = _target(name)
    if target is None:
        return None
    scratch = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
    scratch.callback()(lambda: None)  # a group, whatever it holds
    if name in _LAZY_COMMANDS:
        scratch.command(name)(target)
    else:
        help_ = _LAZY_GROUPS[name][1]
        scratch.add_typer(target, name=name, **({"help": help_} if help_ else {}))
    return typer.main.get_group(scratch).commands[name]


class _LazyCommands(MutableMapping):
    """A group's commands: the eager ones, and the lazy ones made on first look-up."""

    def __init__(self, eager: Mapping[str, Command]) -> None:
        self._made = dict(eager)
        plain = [n for n, c in eager.items() if not isinstance(c, TyperGroup)]
        groups = [n for n in eager if n not in plain]
        self._names = [*plain, *_LAZY_COMMANDS, *groups, *_LAZY_GROUPS]

    def __getitem__(self, name: str) -> Command:
        if name not in self._made:
            command = _lazy_click_command(name) if name in self._names else None
            if command is None:
                raise KeyError(name)
            self._made[name] = command
        return self._made[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._made[name] = command
        if name not in self._names:
            self._names.append(name)

    def __delitem__(self, name: str) -> None:
        self._names.remove(name)
        self._made.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._names))

    def __len__(self) -> int:
        return len(self._names)


class _LazyGroup(TyperGroup):
    """The top-level group: sub-commands imported on first use; the ingest flows installed
    before a command that ingests runs (no other command reaches ``ingest_records``)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.commands = _LazyCommands(self.commands)

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Command | None:
        if cmd_name in _INGESTING:
            install_flows()
        return self.commands.get(cmd_name)

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return list(self.commands)


app = typer.Typer(
    name="xinsheng",
    cls=_LazyGroup,
    help="xinsheng (心声): voice of the customer for bank contact centres.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest revision."""
    from xinsheng.db import get_engine
    from xinsheng.migrate import current_revision, upgrade

    engine = get_engine()
    upgrade(engine)
    typer.echo(f"database at revision {current_revision(engine)} ({engine.url.render_as_string()})", err=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
) -> None:
    """Serve the API and the web UI."""
    import uvicorn

    from xinsheng.app import create_app
    from xinsheng.migrate import ready_engine

    from xinsheng.demo.credentials import sign_in_hint

    ready_engine()
    typer.echo(f"xinsheng on http://{host}:{port}/  (API docs: http://{host}:{port}/docs)", err=True)
    hint = sign_in_hint()
    if hint:
        typer.echo(hint, err=True)
    from xinsheng.cases.worker import with_background_worker

    application = create_app()
    # the case clocks and the outbox, from startup to shutdown, unless XINSHENG_WORKER=off
    uvicorn.run(with_background_worker(application, application.state.engine), host=host, port=port,
                log_level=get_settings().log_level.lower())


def restore_interrupt() -> None:
    """Make Ctrl-C (SIGINT) interrupt the command, whatever state it was started in.

    A non-interactive shell starts a background job (``xinsheng ingest big.ndjson &`` in a
    script, some CI runners, ``make`` under them) with SIGINT ignored, and an ignored
    disposition and a blocked signal mask survive exec: Python then never installs its
    KeyboardInterrupt handler, and an ingest would run to the end of the file after a
    Ctrl-C or ``kill -INT``. Every command here is safe to interrupt (finished batches are
    stored, a re-run continues), so SIGINT always stops it with exit status 130.
    """
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def main() -> None:
    restore_interrupt()
    configure_logging(get_settings().log_level)
    try:
        result = app(standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        result = 130
    except TyperException as exc:  # click's usage errors (Typer vendors click): exit 2
        exc.show()
        sys.exit(getattr(exc, "exit_code", 2) or 2)
    except XinshengError as exc:
        print(f"xinsheng: {exc.message}", file=sys.stderr)
        sys.exit(2)
    except Exception:
        log.exception("internal error")
        sys.exit(1)
    if result == 130:  # Typer turns Ctrl-C into exit status 130
        print("xinsheng: interrupted; every finished batch is stored, re-run to continue", file=sys.stderr)
    sys.exit(result if isinstance(result, int) else 0)
