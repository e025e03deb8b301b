"""Surveys (满意度调查): definitions and triggers, invitations, answers, detractor follow-up
and the satisfaction metrics (NPS, CSAT, CES). See docs/surveys.md."""
