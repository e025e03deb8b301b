"""JSON API of the knowledge base (/api/v1/kb) and the answer bot (/api/v1/assist)."""
from __future__ import annotations

import io
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from starlette.datastructures import UploadFile
from fastapi.responses import Response

from xinsheng.deps import Audit, SessionDep, require
from xinsheng.errors import Forbidden, InputFileError, InvalidInput
from xinsheng.identity.principal import Principal
from xinsheng.knowledge import actions, flows, service
from xinsheng.knowledge.files import read_records, write_articles
from xinsheng.knowledge.schemas import (
    ArticleCreate, ArticlePage, ArticleRead, ArticleUpdate, AssistAnswer, AssistQuestion,
    FeedbackCreate, FeedbackRead, SearchResult, Status, VersionRead, WorkflowAction,
)

router = APIRouter(prefix="/api/v1/kb", tags=["knowledge"])
assist_router = APIRouter(prefix="/api/v1/assist", tags=["assist"])

Reader = Annotated[Principal, require("kb.read")]
Writer = Annotated[Principal, require("kb.write")]


@router.get("/articles", response_model=ArticlePage)
def list_articles(
    session: SessionDep, _: Reader, status: Status | None = None, category: str | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0,
) -> ArticlePage:
    """Articles, newest change first; filter by status, category, or text in title/question."""
    return service.list_articles(session, status=status, category=category, q=q, limit=limit, offset=offset)


@router.post("/articles", response_model=ArticleRead, status_code=201)
def create_article(body: ArticleCreate, session: SessionDep, user: Writer) -> ArticleRead:
    """A new article (a draft unless ``status`` says otherwise)."""
    return ArticleRead.model_validate(actions.do_create_article(session, body, user.actor))


@router.get("/articles/{article_id}", response_model=ArticleRead)
def read_article(article_id: int, session: SessionDep, _: Reader) -> ArticleRead:
    return ArticleRead.model_validate(service.get_article(session, article_id))


@router.patch("/articles/{article_id}", response_model=ArticleRead)
def update_article(article_id: int, body: ArticleUpdate, session: SessionDep, user: Writer) -> ArticleRead:
    """Edit: a new version, a draft until approved (the approved one stays live meanwhile)."""
    return ArticleRead.model_validate(actions.do_update_article(session, article_id, body, user.actor))


@router.get("/articles/{article_id}/versions", response_model=list[VersionRead])
def article_versions(article_id: int, session: SessionDep, _: Reader) -> list[VersionRead]:
    """Version history, newest first."""
    return service.list_versions(session, article_id)


@router.post("/articles/{article_id}/{action}", response_model=ArticleRead)
def article_workflow(
    article_id: int, action: Literal["submit", "approve", "reject", "retire"], session: SessionDep,
    user: Writer, body: WorkflowAction | None = None,
) -> ArticleRead:
    """Workflow: submit (draft → pending), approve (pending → approved, answerable at once),
    reject (pending → draft), retire (never answered again)."""
    article = actions.do_transition_article(session, article_id, action, user.actor, body.note if body else None)
    return ArticleRead.model_validate(article)


@router.get("/search", response_model=SearchResult)
def search(
    session: SessionDep, _: Reader, q: Annotated[str, Query(min_length=1, max_length=2000)],
    channel: str | None = None, category: str | None = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> SearchResult:
    """Approved, currently valid articles for a question, with why each matched."""
    return flows.search_articles(session, q, k=limit, channel=channel, category=category)


def read_customer_message(session, me: Principal, customer_ref: str, audit: Audit, via: str) -> None:
    """Reading a customer's latest message is reading the customer: row-level access
    (an agent sees the customers they serve) and the audit log, as on the customer page."""
    from xinsheng.customers.access import ensure_customer_visible

    try:
        ensure_customer_visible(session, me, customer_ref)
    except Forbidden:
        audit("customer.denied", target_type="customer", target_ref=customer_ref)
        raise
    audit("customer.read", target_type="customer", target_ref=customer_ref, detail={"via": via})


@router.get("/suggestions", response_model=SearchResult,
            dependencies=[require("customers.read")])
def suggestions(session: SessionDep, me: Reader, audit: Audit,
                customer_ref: Annotated[str, Query(min_length=1, max_length=64)],
                limit: Annotated[int, Query(ge=1, le=10)] = 3) -> SearchResult:
    """Suggested answers for the customer's latest message (``query`` is that message)."""
    read_customer_message(session, me, customer_ref, audit, "kb.suggestions")
    return flows.suggestions_for_customer(session, customer_ref, k=limit)


@router.post("/feedback", response_model=FeedbackRead, status_code=201)
def feedback(body: FeedbackCreate, session: SessionDep, user: Reader) -> FeedbackRead:
    """An agent marks a suggestion ``used`` or ``not_relevant`` for a question."""
    return FeedbackRead.model_validate(actions.do_record_feedback(session, body, user.actor))


@router.get("/export")
def export(session: SessionDep, _: Writer, format: Literal["ndjson", "csv", "json"] = "ndjson",
           status: Status | None = None) -> Response:
    """Every article (or those of one status) as a file that ``/import`` reads back."""
    buf = io.StringIO()
    write_articles(service.export_rows(session, status), buf, format)
    media = {"csv": "text/csv", "json": "application/json", "ndjson": "application/x-ndjson"}[format]
    return Response(buf.getvalue(), media_type=f"{media}; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="knowledge.{format}"'})


@router.post("/import")
async def import_articles(request: Request, session: SessionDep, user: Writer) -> dict:
    """Create or update articles by ``ref``: a JSON list body, or a CSV/NDJSON/JSON upload
    (multipart field ``file``). Per-record errors; the good records are stored."""
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("multipart/form-data"):
        upload = (await request.form()).get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("file: upload a .csv, .ndjson or .json file", data={"field": "file"})
        records = await upload_records(upload)
    else:
        try:
            body = await request.json()
        except ValueError:
            raise InvalidInput("body: expected a JSON list of articles") from None
        items = body if isinstance(body, list) else [body]
        records = [(i, r if isinstance(r, dict) else {"_error": "not an object"}) for i, r in enumerate(items, 1)]
    return actions.bulk_import_articles(session, records, user.actor)


async def upload_records(upload: UploadFile) -> list[tuple[int, dict]]:
    import tempfile
    from pathlib import Path

    suffix = Path(upload.filename or "").suffix
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(await upload.read())
        try:
            return list(read_records(path))
        except InputFileError as exc:
            raise InvalidInput(exc.message.replace(str(path), upload.filename or "file"),
                               data={"field": "file"}) from None


@assist_router.post("/answer", response_model=AssistAnswer, dependencies=[require("assist.answer")],
                   responses={404: {"description": "`customer_ref` names no customer (the message names it)"}})
def answer(body: AssistQuestion, session: SessionDep, audit: Audit) -> AssistAnswer:
    """The self-service bot: ``answer`` (approved, valid article with its confidence),
    ``clarify`` (close candidates in ``choices``) or ``handoff`` (to a person, with the
    question, the candidates and the customer's context)."""
    reply = flows.answer_question(session, body)
    if reply.handoff is not None and reply.handoff.customer and reply.handoff.customer.get("known"):
        audit("customer.read", target_type="customer", target_ref=body.customer_ref,
              detail={"via": "assist.handoff"})
    return reply

