"""Ingest kinds that higher domains add (surveys adds ``survey-responses``).

``xinsheng ingest FILE --kind K`` loads customers and interactions itself; any other kind
is handed to the file loader a domain registered here, so ingest never imports the
domains above it. A loader reads the file with ``xinsheng.records``, reports each bad
record by line and reason, copies it unchanged to ``rejects`` and stores the good ones,
like the built-in kinds, and answers an ``IngestReport``.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine

from xinsheng.ingest.service import KINDS, IngestReport

#: ``loader(path, engine, *, rejects=None, on_progress=None) -> IngestReport``
FileLoader = Callable[..., IngestReport]
_LOADERS: dict[str, FileLoader] = {}


def register_file_kind(kind: str, loader: FileLoader) -> None:
    if kind in KINDS:
        raise ValueError(f"{kind!r} is a built-in ingest kind")
    _LOADERS[kind] = loader


def file_kinds() -> tuple[str, ...]:
    return (*KINDS, *sorted(_LOADERS))


def loader_for(kind: str) -> FileLoader | None:
    return _LOADERS.get(kind)


def run_loader(loader: FileLoader, path: Path, engine: Engine, **kw) -> IngestReport:
    return loader(path, engine, **kw)
