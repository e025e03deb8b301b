"""Knowledge pages: agents' search and suggestions panel; the knowledge manager's editor."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import UploadFile

from xinsheng.config import get_settings
from xinsheng.customers.models import CHANNELS
from xinsheng.deps import Audit, SessionDep, require
from xinsheng.errors import InvalidInput, XinshengError
from xinsheng.identity.principal import Principal
from xinsheng.knowledge import actions, flows, service
from xinsheng.knowledge.forms import FieldProblems, fields, form_values, typed_of
from xinsheng.knowledge.i18n import TEXTS
from xinsheng.knowledge.live import live_index
from xinsheng.knowledge.markdown import render_markdown
from xinsheng.knowledge.models import STATUSES
from xinsheng.knowledge.schemas import ArticleCreate, ArticleUpdate, FeedbackCreate
from xinsheng.knowledge.taxonomy import CATEGORIES, category_label
from xinsheng.knowledge.views import read_customer_message, upload_records
from xinsheng.web.i18n import TEXTS as WEB_TEXTS, Translator, pick_lang
from xinsheng.web.messages import field_errors, record_problem
from xinsheng.web.templating import render, templates

WEB_TEXTS.update({k: v for k, v in TEXTS.items() if k not in WEB_TEXTS})
templates.env.filters.setdefault("markdown", render_markdown)
templates.env.globals.setdefault("kb_category_label", category_label)

router = APIRouter(prefix="/knowledge", include_in_schema=False)
Reader = Annotated[Principal, require("kb.read")]
Writer = Annotated[Principal, require("kb.write")]
#: longest question the search box takes (as the assist API)
MAX_QUERY = 2000
MAX_FILTER = 200


@router.get("", response_class=HTMLResponse)
def search_page(request: Request, session: SessionDep, _: Reader, q: str = ""):
    """Search answers; an htmx request (typing in the box) gets only the results. A question
    that is too long gives the page again with the message beside the box."""
    t = Translator(pick_lang(request))
    error = t.fmt("fe_search_long", n=MAX_QUERY, got=len(q)) if len(q) > MAX_QUERY else None
    result = flows.search_articles(session, q, k=10) if q.strip() and not error else None
    fragment = bool(request.headers.get("hx-request"))  # htmx swaps only 2xx answers into the page
    return render(request, "knowledge/_results.html" if fragment else "knowledge/search.html",
                  {"q": q, "result": result, "customer_ref": None, "error": error},
                  status_code=422 if error and not fragment else 200)


@router.get("/suggestions/{customer_ref}", response_class=HTMLResponse,
            dependencies=[require("customers.read")])
def suggestions_panel(customer_ref: str, request: Request, session: SessionDep, me: Reader, audit: Audit):
    """The customer page's panel: answers for the customer's latest message, only those the
    matcher is confident of (its model's decision threshold); otherwise it says there is none."""
    read_customer_message(session, me, customer_ref, audit, "kb.suggestions.page")
    result = flows.suggestions_for_customer(session, customer_ref)
    threshold = live_index(session).model.threshold
    confident = [s for s in result.items if s.confidence >= threshold]
    return render(request, "knowledge/_suggestions.html", {
        "result": result.model_copy(update={"items": confident}), "customer_ref": customer_ref,
        "threshold_pct": round(threshold * 100), "hidden": len(result.items) - len(confident)})


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
def articles_page(request: Request, session: SessionDep, _: Reader, status: str = "", q: str = ""):
    """Every article with its status; filters, import and export for knowledge managers."""
    t = Translator(pick_lang(request))
    errors = {}
    if len(q) > MAX_FILTER:
        errors["q"] = t.fmt("fe_max_chars", n=MAX_FILTER, got=len(q))
    if status and status not in STATUSES:
        errors["status"], status = t("fe_choice"), ""
    context = _list_context(session, status or None, "" if errors.get("q") else q)
    return render(request, "knowledge/articles.html", {**context, "q": q, "errors": errors},
                  status_code=422 if errors else 200)


def _list_context(session, status, q, imported: dict | None = None) -> dict:
    return {"page": service.list_articles(session, status=status, q=q or None, limit=200),
            "counts": service.count_by_status(session), "status": status, "q": q, "imported": imported,
            "errors": {}}


@router.post("/import", response_class=HTMLResponse)
async def import_page(request: Request, session: SessionDep, user: Writer):
    """Upload a CSV / NDJSON / JSON file; shows what was created, updated or rejected, each
    rejected record's line and problem in the page's language. A missing or unreadable file:
    the page again with the message beside the file field."""
    t = Translator(pick_lang(request))
    upload = (await request.form()).get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput("file: choose a .csv, .ndjson or .json file", data={"field": "file"})
        report = actions.bulk_import_articles(session, await upload_records(upload), user.actor)
    except InvalidInput as exc:
        problem = t("fe_file") if exc.message.startswith("file: choose") else record_problem(exc.message, t)
        context = _list_context(session, None, "")
        return render(request, "knowledge/articles.html", {**context, "errors": {"file": problem}}, 422)
    report = {**report, "errors": [{**e, "problem": record_problem(e["error"], t)} for e in report["errors"]]}
    return render(request, "knowledge/articles.html", _list_context(session, None, "", report))


@router.get("/articles/new", response_class=HTMLResponse)
def new_article_page(request: Request, _: Writer):
    return render(request, "knowledge/edit.html", _edit_context(None, [], [], typed_of(None)))


def _edit_context(article, versions, feedback, values: dict, errors: dict | None = None) -> dict:
    """The editor: ``values`` are what the form shows (the article's, or what was typed)."""
    return {"a": article, "versions": versions, "feedback": feedback, "v": values, "errors": errors or {},
            "categories": CATEGORIES, "channels": CHANNELS, "tz": get_settings().display_timezone}


@router.post("/articles/new", response_class=HTMLResponse)
async def create_article(request: Request, session: SessionDep, user: Writer):
    """A new draft; a refused form comes back with everything typed and each problem beside its field."""
    typed = await form_values(request)
    try:
        article = actions.do_create_article(session, ArticleCreate(**fields(typed)), user.actor)
    except (ValueError, XinshengError) as exc:
        return _refused(request, None, typed, exc)
    return RedirectResponse(f"/knowledge/articles/{article.id}", status_code=303)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(article_id: int, request: Request, session: SessionDep, _: Reader):
    """The article (editable for knowledge managers), its workflow and version history."""
    article = service.get_article(session, article_id)
    return render(request, "knowledge/edit.html", _edit_context(
        article, service.list_versions(session, article_id), service.list_feedback(session, article_id),
        typed_of(article)))


@router.post("/articles/{article_id}", response_class=HTMLResponse)
async def update_article(article_id: int, request: Request, session: SessionDep, user: Writer):
    """A new version; a refused form comes back with everything typed and each problem beside its field."""
    typed = await form_values(request)
    try:
        data = fields(typed)
        ArticleCreate(**{k: v for k, v in data.items() if k != "note"})  # the whole article, checked per field
        actions.do_update_article(session, article_id, ArticleUpdate(**data), user.actor)
    except (ValueError, XinshengError) as exc:
        return _refused(request, session, typed, exc, article_id)
    return RedirectResponse(f"/knowledge/articles/{article_id}", status_code=303)


def _refused(request: Request, session, typed: dict, exc: Exception, article_id: int | None = None):
    t = Translator(pick_lang(request))
    if isinstance(exc, FieldProblems):
        errors = {field: t(key) for field, key in exc.errors.items()}
    else:
        errors = field_errors(exc, t)
    if article_id is None:
        return render(request, "knowledge/edit.html", _edit_context(None, [], [], typed, errors), 422)
    article = service.get_article(session, article_id)
    return render(request, "knowledge/edit.html", _edit_context(
        article, service.list_versions(session, article_id), service.list_feedback(session, article_id),
        typed, errors), 422)


@router.post("/articles/{article_id}/{action}", response_class=HTMLResponse)
def workflow(article_id: int, action: str, session: SessionDep, user: Writer,
             note: Annotated[str | None, Form()] = None):
    """submit / approve / reject / retire, then back to the article."""
    actions.do_transition_article(session, article_id, action, user.actor, note or None)
    return RedirectResponse(f"/knowledge/articles/{article_id}", status_code=303)
