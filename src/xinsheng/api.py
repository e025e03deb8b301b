"""Every JSON router of the domains, under /api/v1."""
from fastapi import APIRouter

from xinsheng.audit.views import router as audit_router
from xinsheng.cases.views import router as cases_router
from xinsheng.customers.views import router as customers_router
from xinsheng.insights.views import router as insights_router
from xinsheng.identity.views import router as identity_router
from xinsheng.interactions.views import router as interactions_router
from xinsheng.knowledge.views import assist_router, router as knowledge_router

api_router = APIRouter()
api_router.include_router(customers_router)
api_router.include_router(interactions_router)
api_router.include_router(insights_router)
api_router.include_router(identity_router)
api_router.include_router(audit_router)
api_router.include_router(knowledge_router)
api_router.include_router(assist_router)
api_router.include_router(cases_router)
