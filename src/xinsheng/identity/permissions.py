"""Who may do what: the permission table of roles and token scopes (least privilege).

Every route declares one permission with ``require("...")`` (or ``public``); a test
walks the app's routes and fails when one has no decision. Permissions are plain
strings ``<domain>.<verb>``; :data:`PERMISSIONS` lists each with what it allows, and
``require`` refuses a name that is not here, so a typo fails at import time.

Row-level rules (which customers a role sees) are in ``ROW_SCOPES`` and applied by
``customers/access.py``; which fields are shown in clear by ``customers.pii``.
"""
from __future__ import annotations

#: permission -> what it allows
PERMISSIONS: dict[str, str] = {
    "signed_in": "any signed-in person or token (home page, own identity, API document)",
    "customers.read": "read customer profiles and timelines, within the role's row scope",
    "customers.pii": "see customers' names, notes and contact details in clear",
    "customers.unmask": "show a masked customer's personal data, with a reason (logged)",
    "customers.write": "create and update customers (API ingest)",
    "interactions.write": "store interactions (API ingest)",
    "cases.read": "read cases in the role's queues",
    "cases.write": "work cases: assign, escalate, close",
    "metrics.read": "aggregates: KPIs, VOC statistics, dashboards",
    "voc.read": "VOC analyses and masked texts across customers",
    "kb.read": "read the knowledge base",
    "kb.write": "edit the knowledge base",
    "assist.answer": "ask the answer bot",
    "ivr.menu.read": "read personalised IVR menus",
    "ivr.design": "design IVR menus and read their evaluations",
    "surveys.read": "read survey results",
    "surveys.write": "manage surveys and action plans",
    "holdings.write": "store customers' holdings snapshots (API ingest)",
    "nba.write": "edit the next-best-action catalogue and record what customers did with offers",
    "qa.read": "read call transcripts' quality findings, scores and trends",
    "qa.review": "review quality findings (confirm, overturn) and edit the quality rules",
    "recordings.write": "submit call recordings for transcription",
    "users.manage": "create, disable and reset users; create and revoke API tokens",
    "audit.read": "view, verify and export the audit log",
}

_FRONT_LINE = {"signed_in", "customers.read", "customers.pii", "cases.read", "kb.read", "assist.answer"}

#: role -> permissions. ``system`` gets only what its token's scopes grant.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in {
    # tier 1 — front-line agent (前台坐席): opens and escalates cases; what they may decide is
    # limited by their authority level in cases/actions.py, not by this table
    "agent": _FRONT_LINE | {"cases.write"},
    "support": _FRONT_LINE | {"cases.write"},  # tier 2 — business support (业务支持)
    "expert": _FRONT_LINE | {"cases.write"},  # tier 3 — expert agent (专家坐席)
    "complaint_handler": _FRONT_LINE | {"cases.write", "surveys.read"},  # 投诉处理
    "supervisor": _FRONT_LINE | {"cases.write", "metrics.read", "voc.read", "surveys.read",
                                 "surveys.write", "nba.write", "qa.read", "qa.review"},  # 班组长 / 主管
    "analyst": {"signed_in", "customers.read", "metrics.read", "voc.read", "kb.read",
                "surveys.read", "qa.read"},  # CX / VOC analyst (体验管理): masked, no names
    "advisor": {"signed_in", "customers.read", "customers.pii", "kb.read",
                "assist.answer", "nba.write"},  # wealth advisor / relationship manager (理财顾问)
    "knowledge_manager": {"signed_in", "kb.read", "kb.write", "assist.answer", "metrics.read"},
    "ivr_designer": {"signed_in", "ivr.menu.read", "ivr.design", "metrics.read"},
    "admin": {"signed_in", "users.manage", "audit.read", "customers.read", "customers.unmask",
              "customers.write", "interactions.write", "metrics.read", "kb.read", "holdings.write",
              "recordings.write"},
    "system": set(),
}.items()}

#: scope of an API token -> permissions it grants (``--scope`` of ``xinsheng token create``)
SCOPES: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in {
    "ingest": {"customers.write", "interactions.write", "holdings.write"},
    "ivr": {"ivr.menu.read"},
    "assist": {"assist.answer", "kb.read"},
    "customers": {"customers.read", "customers.pii"},
    "kb": {"kb.read"},
    "analytics": {"metrics.read", "voc.read", "surveys.read"},
    "audit": {"audit.read"},
    "cases": {"cases.read", "cases.write"},
    "surveys": {"surveys.write"},
    "recordings": {"recordings.write"},
}.items()}

SCOPE_HELP: dict[str, str] = {
    "ingest": "write customers, interactions and holdings",
    "ivr": "read personalised IVR menus",
    "assist": "ask the answer bot (and read the knowledge base)",
    "customers": "read any customer's profile and timeline with personal data (CRM integration)",
    "kb": "read the knowledge base",
    "analytics": "aggregates, VOC statistics and survey results",
    "audit": "read and export the audit log (SIEM)",
    "cases": "open cases, read them and act on them (a CRM or complaint system)",
    "surveys": "send survey answers (IVR keypad, app, another survey tool)",
    "recordings": "submit call recordings for transcription (a recording system)",
}

#: which customers a role sees (customers/access.py): all, served, complaints, clients
ROW_SCOPES: dict[str, str] = {
    "agent": "served", "support": "served", "expert": "served",
    "complaint_handler": "complaints", "advisor": "clients",
    "supervisor": "all", "analyst": "all", "admin": "all", "system": "all",
}

#: the service tier of the front-line roles: unassigned cases of this tier are in their queue
TIERS: dict[str, int] = {"agent": 1, "support": 2, "expert": 3}

ROLES: tuple[str, ...] = tuple(ROLE_PERMISSIONS)

ROLE_LABELS: dict[str, tuple[str, str]] = {
    "agent": ("前台坐席", "Agent (tier 1)"),
    "support": ("业务支持", "Business support (tier 2)"),
    "expert": ("专家坐席", "Expert (tier 3)"),
    "complaint_handler": ("投诉处理", "Complaint handler"),
    "supervisor": ("主管", "Supervisor"),
    "analyst": ("体验分析师", "CX analyst"),
    "advisor": ("理财顾问", "Wealth advisor"),
    "knowledge_manager": ("知识管理", "Knowledge manager"),
    "ivr_designer": ("IVR 设计", "IVR designer"),
    "admin": ("管理员", "Administrator"),
    "system": ("系统", "System"),
}

for _perms in [*ROLE_PERMISSIONS.values(), *SCOPES.values()]:
    assert _perms <= PERMISSIONS.keys(), _perms - PERMISSIONS.keys()


def permissions_for(role: str, scopes: tuple[str, ...] | list[str] | None = None) -> frozenset[str]:
    """A principal's permissions: the role's, narrowed to its scopes when a token has some.

    A ``system`` token has exactly what its scopes grant (only ``signed_in`` without); a
    token of a person's role with scopes gets the intersection, never more than the role.
    """
    granted = frozenset().union(*(SCOPES[s] for s in scopes or () if s in SCOPES))
    if role == "system":
        return granted | {"signed_in"}
    role_perms = ROLE_PERMISSIONS.get(role, frozenset())
    return role_perms & (granted | {"signed_in"}) if scopes else role_perms


def check_permission_name(permission: str) -> str:
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}: add it to identity/permissions.py")
    return permission
