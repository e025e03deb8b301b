"""Every router the app mounts, in one place (app wiring: the top layer).

A domain adds its JSON router to ``API_ROUTERS`` (served under /api/v1 by its own
prefix) and its page router to ``PAGE_ROUTERS``; nothing below the app wiring mounts
another package's router.
"""
from __future__ import annotations

from fastapi import APIRouter


def api_routers() -> list[APIRouter]:
    """The JSON API routers of the domains."""
    from xinsheng.identity.audit_views import router as audit
    from xinsheng.cases.views import router as cases
    from xinsheng.customers.views import router as customers
    from xinsheng.identity.views import router as identity
    from xinsheng.improvements.views import router as improvements
    from xinsheng.insights.views import router as insights
    from xinsheng.ingest.views import router as ingest
    from xinsheng.ivr.views import router as ivr
    from xinsheng.journeys.views import router as journeys
    from xinsheng.journeys.experience_views import router as experience
    from xinsheng.knowledge.views import assist_router, router as knowledge
    from xinsheng.speech.views import router as speech
    from xinsheng.nba.views import router as nba
    from xinsheng.segments.views import router as segments
    from xinsheng.surveys.views import router as surveys
    from xinsheng.profiles.views import router as profiles

    return [ingest, customers, insights, identity, audit, knowledge, assist_router, cases, ivr, surveys,
            journeys, improvements, profiles, nba, experience, speech, segments]


def page_routers() -> list[APIRouter]:
    """The HTML page routers: the web shell's (home, customer search) and the domains'."""
    from xinsheng.identity.audit_pages import router as audit
    from xinsheng.cases.pages import router as cases
    from xinsheng.customers.pages import router as customers
    from xinsheng.identity.admin import router as admin
    from xinsheng.identity.pages import router as identity
    from xinsheng.improvements.pages import router as improvements
    from xinsheng.insights.pages import router as insights
    from xinsheng.ivr.pages import router as ivr_pages
    from xinsheng.journeys.pages import router as journeys
    from xinsheng.journeys.experience_pages import router as experience_pages
    from xinsheng.knowledge.pages import router as knowledge
    from xinsheng.nba.pages import router as nba_pages
    from xinsheng.nba.uplift_page import router as nba_uplift
    from xinsheng.segments.pages import router as segment_pages
    from xinsheng.quality.pages import router as quality_pages
    from xinsheng.shell.pages import router as shell
    from xinsheng.profiles.pages import router as profile_pages
    from xinsheng.profiles.risk_pages import router as revenue_risk

    from xinsheng.surveys.pages import router as surveys
    from xinsheng.surveys.public import router as survey_answers

    return [shell, customers, cases, insights, knowledge, identity, admin, audit, ivr_pages, surveys, survey_answers,
            journeys, experience_pages, profile_pages, nba_pages, revenue_risk, improvements, quality_pages, segment_pages,
            nba_uplift]
