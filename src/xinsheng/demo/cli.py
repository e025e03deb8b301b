"""``xinsheng demo``: a deterministic synthetic bank, written into the database."""
from __future__ import annotations

import json
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo
from typing import Annotated

import typer

from xinsheng.clikit import console_err, count_progress
from xinsheng.migrate import ready_engine


def _yesterday() -> date:
    """The demo's last day: yesterday in China, so no contact lies in the future."""
    return (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=1)).date()


def demo(
    customers: Annotated[int, typer.Option(min=1, help="how many customers")] = 5000,
    days: Annotated[int, typer.Option(min=1, max=3650, help="how many days of contacts, up to yesterday")] = 90,
    seed: Annotated[int, typer.Option(help="random seed: the same seed gives the same bank")] = 42,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="do nothing when the database has customers")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON report on stdout")] = False,
) -> None:
    """Write a synthetic bank (customers, staff, contacts on every channel, cases)."""
    from xinsheng.demo.credentials import create_demo_users, credentials_path, sign_in_hint
    from xinsheng.demo.generator import generate_bank
    from xinsheng.demo.load import database_is_empty, load_bank

    engine = ready_engine()
    if if_empty and not database_is_empty(engine):
        console_err.print("the database already has customers; demo bank not written")
        hint = sign_in_hint()
        if hint:
            typer.echo(hint, err=True)
        if as_json:
            typer.echo(json.dumps({"skipped": True}))
        return
    started = time.perf_counter()
    with console_err.status("generating the demo bank …"):
        bank = generate_bank(customers=customers, days=days, seed=seed, end=_yesterday())
    with count_progress("loading contacts", len(bank.interactions)) as advance:
        report = load_bank(bank, engine, on_progress=advance)
    users, _ = create_demo_users(engine)
    report["sign_in"] = {"users": [u["username"] for u in users], "credentials_file": str(credentials_path())}
    report["seconds"] = round(time.perf_counter() - started, 1)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
    else:
        console_err.print(
            f"demo bank: {report['customers']} customers, "
            f"{report['interactions']['accepted']} contacts, {report['open_cases']} open cases "
            f"in {report['seconds']} s"
        )
    typer.echo(sign_in_hint() or "", err=True)
