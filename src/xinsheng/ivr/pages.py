"""The IVR page (/ivr, IVR 个性化): a caller's menu now and why, replay results, the A/B
split and the menu tree editor (the last two for ``ivr.design``).

A refused form (a broken tree, a share outside 0–100, a malformed caller or time) answers the
same page with the message beside its field and what was typed kept (422).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from xinsheng.db import utcnow
from xinsheng.deps import Audit, SessionDep, require
from xinsheng.identity.principal import Principal
from xinsheng.ivr import ab, design, route as routing, service
from xinsheng.ivr.i18n import TEXTS
from xinsheng.ivr.tree import TreeInvalid, describe
from xinsheng.web.i18n import TEXTS as WEB_TEXTS, Translator, pick_lang
from xinsheng.web.templating import render

WEB_TEXTS.update({k: v for k, v in TEXTS.items() if k not in WEB_TEXTS})
router = APIRouter(prefix="/ivr")
Reader = Annotated[Principal, require("ivr.menu.read")]
Designer = Annotated[Principal, require("ivr.design")]


def _parse_at(raw: str) -> datetime | None:
    value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError("no offset")
    return value


def _caller_view(session, t: Translator, caller: str, at: str) -> tuple[dict | None, dict]:
    errors: dict[str, str] = {}
    if caller and not service.CALLER_RE.match(caller):
        errors["caller"] = t("ivr_fe_caller")
    when = utcnow()
    if at.strip():
        try:
            when = _parse_at(at)
        except ValueError:
            errors["at"] = t("ivr_fe_at")
    if errors or not caller.strip():
        return None, errors
    return {"menu": service.menu(session, caller, when, "root", t.lang),
            "route": routing.route(session, caller, when, t.lang)}, errors


def _page(request: Request, session, me: Principal, *, caller: str = "", at: str = "", errors: dict | None = None,
          tree_source: str | None = None, note: str = "", share: str | None = None, saved: int | None = None,
          status: int = 200) -> HTMLResponse:
    t = Translator(pick_lang(request))
    view, view_errors = _caller_view(session, t, caller, at)
    version, source = design.current_source(session)
    return render(request, "ivr/page.html", {
        "caller": caller, "at": at, "view": view, "errors": {**view_errors, **(errors or {})},
        "designer": "ivr.design" in me.permissions, "version": version,
        "tree_source": source if tree_source is None else tree_source, "note": note,
        "versions": design.versions(session), "replay": design.last_replay(session),
        "share": share if share is not None else f"{service.ab_share(session, fresh=True) * 100:g}",
        "share_now": f"{service.ab_share(session, fresh=True) * 100:g}", "saved": saved,
        "ab": ab.compare(session, utcnow() - timedelta(days=30), utcnow()), "ab_metrics": ab.METRICS,
    }, status_code=422 if view_errors else status)


@router.get("", response_class=HTMLResponse)
def ivr_page(request: Request, session: SessionDep, me: Reader, caller: str = "", at: str = "",
             saved: int | None = None):
    """The page; ``caller`` (and ``at``) show that caller's menu."""
    return _page(request, session, me, caller=caller[:200], at=at[:64], saved=saved)


@router.post("/tree", response_class=HTMLResponse)
def save_tree(request: Request, session: SessionDep, me: Designer, audit: Audit,
              source: Annotated[str, Form(max_length=200_000)] = "", note: Annotated[str, Form(max_length=500)] = ""):
    """Save a new version of the tree; a broken one comes back with every reason beside the field."""
    t = Translator(pick_lang(request))
    try:
        version = design.save_tree(session, source, me.actor, note)
    except TreeInvalid as exc:
        lines = [f"{p.where}: {describe(p, t.lang)}" for p in exc.problems]
        return _page(request, session, me, errors={"source": lines}, tree_source=source, note=note, status=422)
    audit("ivr.tree.save", target_type="ivr_tree", target_ref=str(version), detail={"note": note or None})
    return RedirectResponse(f"/ivr?saved={version}#tree", status_code=303)


@router.post("/ab", response_class=HTMLResponse)
def set_ab(request: Request, session: SessionDep, me: Designer, audit: Audit,
           share: Annotated[str, Form(max_length=20)] = ""):
    """The share of callers (percent) who hear the static menu."""
    t = Translator(pick_lang(request))
    try:
        pct = float(share)
        if not 0 <= pct <= 100:
            raise ValueError
    except ValueError:
        return _page(request, session, me, errors={"share": t("ivr_fe_share")}, share=share, status=422)
    design.set_ab_share(session, pct / 100, me.actor)
    audit("ivr.ab.set", target_type="ivr_setting", target_ref=service.AB_KEY, detail={"share": pct / 100})
    return RedirectResponse("/ivr#ab", status_code=303)


@router.post("/replay", response_class=HTMLResponse)
def run_replay(request: Request, session: SessionDep, me: Designer):
    """Replay the whole history now and keep the result for the page."""
    from xinsheng.ivr.replay import replay

    report = replay(request.app.state.engine).to_dict()
    design.store_replay(session, report, me.actor)
    return RedirectResponse("/ivr#replay", status_code=303)
