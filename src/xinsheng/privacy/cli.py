"""``xinsheng keys …``: the keys of personal data at rest (``xinsheng retention`` is in ``retention.cli``)."""
from __future__ import annotations

import json
from typing import Annotated

import typer

from xinsheng.audit.actions import append
from xinsheng.clikit import console_err
from xinsheng.identity.principal import cli_principal
from xinsheng.migrate import ready_engine

keys_app = typer.Typer(help="Keys that encrypt personal data at rest.", no_args_is_help=True)


@keys_app.command("generate")
def keys_generate() -> None:
    """Print a new key for XINSHENG_PII_KEYS (put it first to make it current)."""
    from xinsheng.privacy.crypto import generate_key

    typer.echo(generate_key())


@keys_app.command("rotate")
def keys_rotate(as_json: Annotated[bool, typer.Option("--json", help="print one JSON report")] = False) -> None:
    """Re-encrypt every encrypted field with the current (first) key; then drop the old keys."""
    from xinsheng.privacy.keys import rotate_keys

    engine = ready_engine()
    report = rotate_keys(engine)
    append(engine, actor=cli_principal().actor, actor_role="admin", action="keys.rotate", ip="cli",
           detail=report)
    if as_json:
        typer.echo(json.dumps(report))
        return
    for field, counts in report.items():
        console_err.print(f"{field}: {counts['reencrypted']} of {counts['rows']} re-encrypted")
    console_err.print("old keys can now be removed from XINSHENG_PII_KEYS")
