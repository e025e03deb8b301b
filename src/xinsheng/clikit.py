"""Shared pieces of the command line: a stderr console and progress bars."""
from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from rich.console import Console
from rich.progress import (
    BarColumn, DownloadColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
    TimeRemainingColumn,
)

from xinsheng.errors import InvalidInput

#: Everything human-readable goes to stderr; stdout is kept for --json documents.
console_err = Console(stderr=True)


@contextmanager
def byte_progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar over a file's bytes; yields ``advance(offset)``."""
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), DownloadColumn(),
        TimeElapsedColumn(), TimeRemainingColumn(), console=console_err, transient=False,
    ) as progress:
        task = progress.add_task(label, total=total or None)
        last = [0]

        def advance(offset: int) -> None:
            if offset - last[0] >= 65536 or offset >= total:
                last[0] = offset
                progress.update(task, completed=offset)

        yield advance
        progress.update(task, completed=total)


@contextmanager
def count_progress(label: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A progress bar over items; yields ``advance(n)``."""
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), TimeRemainingColumn(), console=console_err,
    ) as progress:
        task = progress.add_task(label, total=total)
        yield lambda n=1: progress.advance(task, n)


def operator_name() -> str:
    """The login name of the operator at the command line (``unknown`` in a container without one);
    the audit log names a CLI change ``cli:<login name>``."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (containers)
        return "unknown"


def parse_when(value: str | None, name: str) -> datetime | None:
    """An ISO 8601 option with a UTC offset (``--now``, ``--since`` …), or None when empty."""
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name}: not an ISO 8601 timestamp: {value!r}") from None
    if at.tzinfo is None:
        raise InvalidInput(f"{name}: timestamp has no UTC offset (e.g. +08:00)")
    return at
