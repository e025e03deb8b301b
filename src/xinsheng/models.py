"""Imports every domain's tables so that ``Base.metadata`` is complete (Alembic, tests)."""
from xinsheng.audit.models import AuditEntry  # noqa: F401
from xinsheng.cases.models import Case, CaseConfig, CaseContact, CaseEscalation, CaseEvent  # noqa: F401
from xinsheng.customers.models import Customer, CustomerNote  # noqa: F401
from xinsheng.db import Base  # noqa: F401
from xinsheng.identity.models import ApiToken, User, WebSession  # noqa: F401
from xinsheng.interactions.models import Interaction, InteractionAnalysis  # noqa: F401
from xinsheng.ivr.models import IvrCallerState, IvrSetting, IvrTreeVersion  # noqa: F401
from xinsheng.knowledge.models import AnswerFeedback, Article, ArticleVersion, KnowledgeState  # noqa: F401
from xinsheng.notify.models import Notification  # noqa: F401
from xinsheng.profiles.models import CustomerProfile, Holding  # noqa: F401
from xinsheng.surveys.models import SurveyInvitation, SurveyResponse  # noqa: F401
from xinsheng.improvements.models import ImprovementAction, ImprovementCustomer  # noqa: F401
from xinsheng.quality.models import QaCheck, QaFinding, QaReview  # noqa: F401
from xinsheng.nba.models import NbaOutcome  # noqa: F401
from xinsheng.segments.models import Segment  # noqa: F401
from xinsheng.speech.models import SpeechTranscript  # noqa: F401
