"""``xinsheng voc reanalyze``: analyse stored interaction texts again."""
from __future__ import annotations

import json
from typing import Annotated

import typer
from sqlalchemy import func, select

from xinsheng.clikit import console_err, count_progress
from xinsheng.db import session_scope
from xinsheng.interactions.analysis import reanalyze
from xinsheng.interactions.models import Interaction
from xinsheng.migrate import ready_engine


def reanalyze_command(
    everything: Annotated[bool, typer.Option("--all", help="redo every text, not only unanalysed ones")] = False,
    model: Annotated[str | None, typer.Option(help="a model folder from 'xinsheng voc train'")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON report on stdout")] = False,
) -> None:
    """Analyse stored interaction texts (those without an analysis, or --all)."""
    engine = ready_engine()
    with session_scope(engine) as session:
        total = session.scalar(select(func.count()).select_from(Interaction).where(Interaction.text.is_not(None)))
    with count_progress("analysing texts", total) as advance:
        done = reanalyze(engine, everything=everything, model_dir=model, on_progress=advance)
    if as_json:
        typer.echo(json.dumps({"analysed": done}))
    else:
        console_err.print(f"{done} texts analysed")
