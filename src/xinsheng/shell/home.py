"""What the home page shows each role: what the role does, its tools, and its own cards.

A tool appears when the person holds its permission, so a role never sees a search or a
link that would answer 403 (the IVR designer and the knowledge manager get no customer
search: they may not read customers).
"""
from __future__ import annotations

from dataclasses import dataclass

from xinsheng.identity.principal import Principal
from xinsheng.interactions.service import ivr_menu_choices
from xinsheng.knowledge.service import count_by_status


@dataclass(frozen=True)
class Tool:
    key: str  # tool_<key> and tool_<key>_d in the catalogue
    href: str
    allowed: str  # a permission, or "cases.monitor" (see ``_may``)


TOOLS: tuple[Tool, ...] = (
    Tool("customers", "/#q", "customers.read"),
    Tool("cases", "/cases", "cases.read"),
    Tool("monitor", "/cases/monitor", "cases.monitor"),
    Tool("hot", "/hot-issues", "voc.read"),
    Tool("journeys", "/journeys", "metrics.read"),
    Tool("segments", "/segments", "metrics.read"),
    Tool("nba_uplift", "/nba/uplift", "metrics.read"),
    Tool("revenue_risk", "/revenue-at-risk", "customers.read"),  # figures need metrics.read too
    Tool("experience", "/experience", "metrics.read"),
    Tool("satisfaction", "/satisfaction", "surveys.read"),
    Tool("improvements", "/improvements", "surveys.read"),
    Tool("quality", "/quality", "qa.read"),
    Tool("kb", "/knowledge", "kb.read"),
    Tool("kb_manage", "/knowledge/articles", "kb.write"),
    Tool("ivr", "/ivr", "ivr.menu.read"),
    Tool("users", "/admin/users", "users.manage"),
    Tool("tokens", "/admin/tokens", "users.manage"),
    Tool("audit", "/admin/audit", "audit.read"),
    Tool("api", "/docs", "api.docs"),
)


def _may(me: Principal, allowed: str) -> bool:
    if allowed == "cases.monitor":  # as the navigation decides (base.html)
        return me.can("metrics.read") or (me.can("cases.write") and me.row_scope == "complaints")
    if allowed == "api.docs":  # integrators' roles
        return me.can("users.manage") or me.can("ivr.design")
    return me.can(allowed)


def tools_for(me: Principal) -> list[Tool]:
    return [tool for tool in TOOLS if _may(me, tool.allowed)]


def role_cards(session, me: Principal, latest) -> dict:
    """The role's own cards: knowledge status counts for editors, IVR choices for designers."""
    cards: dict = {}
    if me.can("kb.write"):
        cards["kb_counts"] = count_by_status(session)
    if me.can("ivr.design"):
        cards["ivr_choices"] = ivr_menu_choices(session, latest)
    return cards
