"""FastAPI dependencies every router uses (like the FastAPI template's api/deps.py)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from xinsheng.db import session_scope


def get_engine_dep(request: Request) -> Engine:
    return request.app.state.engine


def get_session(engine: Annotated[Engine, Depends(get_engine_dep)]) -> Iterator[Session]:
    with session_scope(engine) as session:
        yield session


EngineDep = Annotated[Engine, Depends(get_engine_dep)]
SessionDep = Annotated[Session, Depends(get_session)]
