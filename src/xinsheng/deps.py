"""FastAPI dependencies every router uses: ``from xinsheng.deps import CurrentUser, SessionDep, require, Audit``.

They are defined in ``xinsheng.identity.deps`` (identity owns who the caller is); this
module is the stable name the domains above identity import. Identity's own routes
import ``xinsheng.identity.deps`` so that the identity package never imports upward.
"""
from __future__ import annotations

from xinsheng.identity.deps import (  # noqa: F401
    Audit, Auditor, CurrentUser, EngineDep, Principal, Require, SessionDep, client_ip, get_engine_dep, get_session,
    public, require,
)
