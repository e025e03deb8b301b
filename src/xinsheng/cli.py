"""The ``xinsheng`` command: one Typer app, a sub-command per capability.

Exit status (CONTRACT.md): 0 done, 2 unusable invocation or input (one line on
stderr), 1 internal error.
"""
from __future__ import annotations

import logging
import signal
import sys
from typing import Annotated

import typer
from typer.exceptions import TyperException

from xinsheng.config import get_settings
from xinsheng.errors import XinshengError
from xinsheng.logging import configure_logging

log = logging.getLogger(__name__)

app = typer.Typer(
    name="xinsheng",
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


def _register() -> None:
    from xinsheng.audit.cli import audit_app
    from xinsheng.demo.cli import demo
    from xinsheng.identity.cli import token_app, user_app
    from xinsheng.ingest.cli import ingest
    from xinsheng.privacy.cli import keys_app
    from xinsheng.retention.cli import retention

    app.command()(ingest)
    app.command()(demo)
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
    app.add_typer(audit_app, name="audit")
    app.add_typer(keys_app, name="keys")
    app.command()(retention)
    try:
        from xinsheng.voc.cli import app as voc_app
    except ImportError as exc:  # the VOC engine is optional only while it is being built
        log.debug("voc commands unavailable: %s", exc)
    else:
        from xinsheng.interactions.cli import reanalyze_command

        voc_app.command("reanalyze")(reanalyze_command)
        app.add_typer(voc_app, name="voc", help="VOC text analytics.")

    from xinsheng.knowledge.cli import app as kb_app

    app.add_typer(kb_app, name="kb", help="Knowledge base and answer matching.")

    from xinsheng.cases.cli import cases_app

    app.add_typer(cases_app, name="cases")

    from xinsheng.cases.flows import install as install_cases_flow
    from xinsheng.cases.worker import worker

    install_cases_flow(status_provider=False)  # ingest and demo open cases and run the escalation rules
    app.command()(worker)

    from xinsheng.notify.cli import notify_app

    app.add_typer(notify_app, name="notify")

    from xinsheng.ivr.flows import install as install_ivr_flow

    install_ivr_flow()  # ingest and demo keep callers' IVR behaviour state
    from xinsheng.ivr.cli import ivr_app

    app.add_typer(ivr_app, name="ivr")

    from xinsheng.journeys.cli import journeys_app

    app.add_typer(journeys_app, name="journeys")

    from xinsheng.surveys.cli import surveys_app  # also adds ``ingest --kind survey-responses``

    app.add_typer(surveys_app, name="surveys")

    from xinsheng.improvements.cli import improvements_app

    app.add_typer(improvements_app, name="improvements")

    from xinsheng.quality.cli import qa_app

    app.add_typer(qa_app, name="qa")

    from xinsheng.profiles.cli import profiles_app
    from xinsheng.profiles.holdings import install as install_holdings
    from xinsheng.profiles.store import install as install_profiles

    install_holdings()  # ``ingest --kind holdings``
    install_profiles()  # ingest and demo keep the living profiles
    app.add_typer(profiles_app, name="profiles")

    from xinsheng.speech.cli import speech_app

    app.add_typer(speech_app, name="speech")

    from xinsheng.segments.cli import segments_app

    app.add_typer(segments_app, name="segments")


_register()


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
