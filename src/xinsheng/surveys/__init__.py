"""Surveys (满意度调查): definitions and triggers, invitations, answers, detractor follow-up
and the satisfaction metrics (NPS, CSAT, CES). See docs/surveys.md.

Importing the package asks the cases domain to run ``surveys.loop.on_case_closed`` when a
case closes (the customer of a survey follow-up is told what was done) and the background
worker to run ``surveys.scheduled.invite_step`` after each sweep (invitations)."""
from __future__ import annotations


def _on_case_closed(session, case, now) -> None:
    from xinsheng.surveys.loop import on_case_closed

    on_case_closed(session, case, now)


def _invite_step(engine, now):
    from xinsheng.surveys.scheduled import invite_step

    return invite_step(engine, now)


def _install() -> None:
    from xinsheng.cases.notifications import register_closed_hook
    from xinsheng.cases.worker import register_step

    register_closed_hook("surveys", _on_case_closed)
    register_step("surveys", _invite_step)


_install()
