"""Knowledge pages: agents' search and suggestions panel; the knowledge manager's editor."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Query, Request
from starlette.datastructures import UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from xinsheng.config import get_settings
from xinsheng.customers.models import CHANNELS
from xinsheng.deps import Audit, SessionDep, require
from xinsheng.errors import InvalidInput
from xinsheng.identity.principal import Principal
from xinsheng.knowledge import actions, flows, service
from xinsheng.knowledge.i18n import TEXTS
from xinsheng.knowledge.markdown import render_markdown
from xinsheng.knowledge.schemas import ArticleCreate, ArticleUpdate, FeedbackCreate, Status
from xinsheng.knowledge.taxonomy import CATEGORIES, category_label
from xinsheng.knowledge.views import upload_records, read_customer_message
from xinsheng.web.i18n import TEXTS as WEB_TEXTS
from xinsheng.web.templating import render, templates

WEB_TEXTS.update({k: v for k, v in TEXTS.items() if k not in WEB_TEXTS})
templates.env.filters.setdefault("markdown", render_markdown)
templates.env.globals.setdefault("kb_category_label", category_label)

router = APIRouter(prefix="/knowledge", include_in_schema=False)
Reader = Annotated[Principal, require("kb.read")]
Writer = Annotated[Principal, require("kb.write")]


@router.get("", response_class=HTMLResponse)
def search_page(request: Request, session: SessionDep, _: Reader,
                q: Annotated[str, Query(max_length=2000)] = ""):
    """Search answers; an htmx request (typing in the box) gets only the results."""
    result = flows.search_articles(session, q, k=10) if q.strip() else None
    name = "knowledge/_results.html" if request.headers.get("hx-request") else "knowledge/search.html"
    return render(request, name, {"q": q, "result": result, "customer_ref": None})


@router.get("/suggestions/{customer_ref}", response_class=HTMLResponse,
            dependencies=[require("customers.read")])
def suggestions_panel(customer_ref: str, request: Request, session: SessionDep, me: Reader, audit: Audit):
    """The customer page's panel: answers for the customer's latest message."""
    read_customer_message(session, me, customer_ref, audit, "kb.suggestions.page")
    result = flows.suggestions_for_customer(session, customer_ref)
    return render(request, "knowledge/_suggestions.html", {"result": result, "customer_ref": customer_ref})


@router.post("/feedback", response_class=HTMLResponse)
def feedback(request: Request, session: SessionDep, user: Reader,
             article_id: Annotated[int, Form()], query: Annotated[str, Form()],
             verdict: Annotated[str, Form()], customer_ref: Annotated[str | None, Form()] = None):
    """Record used / not relevant; answers with the marked line that replaces the buttons."""
    data = FeedbackCreate(article_id=article_id, query=query, verdict=verdict,
                          customer_ref=customer_ref or None)
    actions.do_record_feedback(session, data, user.actor)
    return render(request, "knowledge/_recorded.html", {"verdict": verdict})


@router.get("/articles", response_class=HTMLResponse)
def articles_page(request: Request, session: SessionDep, _: Reader, status: Status | None = None,
                  q: Annotated[str, Query(max_length=200)] = ""):
    """Every article with its status; filters, import and export for knowledge managers."""
    return render(request, "knowledge/articles.html", _list_context(session, status, q))


def _list_context(session, status, q, imported: dict | None = None) -> dict:
    return {"page": service.list_articles(session, status=status, q=q or None, limit=200),
            "counts": service.count_by_status(session), "status": status, "q": q, "imported": imported}


@router.post("/import", response_class=HTMLResponse)
async def import_page(request: Request, session: SessionDep, user: Writer):
    """Upload a CSV / NDJSON / JSON file; shows what was created, updated or rejected."""
    upload = (await request.form()).get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidInput("file: choose a .csv, .ndjson or .json file", data={"field": "file"})
    report = actions.bulk_import_articles(session, await upload_records(upload), user.actor)
    return render(request, "knowledge/articles.html", _list_context(session, None, "", report))


@router.get("/articles/new", response_class=HTMLResponse)
def new_article_page(request: Request, _: Writer):
    return render(request, "knowledge/edit.html", _edit_context(None, [], [], None))


def _edit_context(article, versions, feedback, error) -> dict:
    return {"a": article, "versions": versions, "feedback": feedback, "error": error,
            "categories": CATEGORIES, "channels": CHANNELS, "tz": get_settings().display_timezone}


def _local(value: str | None) -> datetime | None:
    """A ``datetime-local`` form value, in the bank's display time zone."""
    if not value:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=ZoneInfo(get_settings().display_timezone))


async def _form_fields(request: Request) -> dict:
    form = await request.form()
    fields = {k: (form.get(k) or "").strip() for k in ("title", "question", "paraphrases", "body",
                                                       "category", "products", "owner", "note")}
    fields["channels"] = [c for c in form.getlist("channels") if c]
    fields["valid_from"] = _local(form.get("valid_from"))
    fields["valid_to"] = _local(form.get("valid_to"))
    fields["category"] = fields["category"] or None
    fields["owner"] = fields["owner"] or None
    fields["note"] = fields["note"] or None
    return fields


@router.post("/articles/new", response_class=HTMLResponse)
async def create_article(request: Request, session: SessionDep, user: Writer):
    try:
        article = actions.do_create_article(session, ArticleCreate(**await _form_fields(request)), user.actor)
    except (ValueError, InvalidInput) as exc:
        return render(request, "knowledge/edit.html", _edit_context(None, [], [], _reason(exc)), 422)
    return RedirectResponse(f"/knowledge/articles/{article.id}", status_code=303)


def _reason(exc: Exception) -> str:
    if isinstance(exc, InvalidInput):
        return exc.message
    errors = getattr(exc, "errors", None)
    if callable(errors):
        err = errors()[0]
        return f"{'.'.join(str(p) for p in err['loc']) or 'form'}: {err['msg']}"
    return str(exc)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(article_id: int, request: Request, session: SessionDep, _: Reader):
    """The article (editable for knowledge managers), its workflow and version history."""
    return render(request, "knowledge/edit.html", _article_context(session, article_id, None))


def _article_context(session, article_id: int, error: str | None) -> dict:
    return _edit_context(service.get_article(session, article_id), service.list_versions(session, article_id),
                         service.list_feedback(session, article_id), error)


@router.post("/articles/{article_id}", response_class=HTMLResponse)
async def update_article(article_id: int, request: Request, session: SessionDep, user: Writer):
    try:
        data = ArticleUpdate(**await _form_fields(request))
        actions.do_update_article(session, article_id, data, user.actor)
    except (ValueError, InvalidInput) as exc:
        return render(request, "knowledge/edit.html", _article_context(session, article_id, _reason(exc)), 422)
    return RedirectResponse(f"/knowledge/articles/{article_id}", status_code=303)


@router.post("/articles/{article_id}/{action}", response_class=HTMLResponse)
def workflow(article_id: int, action: str, session: SessionDep, user: Writer,
             note: Annotated[str | None, Form()] = None):
    """submit / approve / reject / retire, then back to the article."""
    actions.do_transition_article(session, article_id, action, user.actor, note or None)
    return RedirectResponse(f"/knowledge/articles/{article_id}", status_code=303)
