"""Replay: every past root-menu choice scored against what the menu would have offered then.

The stored contacts are read once, oldest first, and folded into each caller's state with the
same :func:`~xinsheng.ivr.features.apply` the ingest hook uses; a menu choice is scored with
the state as it was *before* it (only earlier contacts), the caller's cases open at that
moment (accepted before, not yet closed) and the profile's age then. Each call is scored
twice, with the static order and with the personalised one; a chosen option that a menu did
not offer (``case_progress`` without an open case) counts as one past the end of that menu.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

from xinsheng.cases.models import Case
from xinsheng.config import get_settings
from xinsheng.customers.models import Customer
from xinsheng.db import session_scope
from xinsheng.interactions.models import Interaction, InteractionAnalysis
from xinsheng.ivr.features import apply, local, month_part, relevant
from xinsheng.ivr.ranker import Context, order
from xinsheng.ivr.service import age_at, tree_in_force

SECONDS_PER_OPTION = 4.0


@dataclass
class Tally:
    calls: int = 0
    static_top1: int = 0
    personal_top1: int = 0
    static_pos: int = 0
    personal_pos: int = 0
    worse: int = 0
    better: int = 0
    not_offered: int = 0

    def add(self, s: int, p: int, offered: bool) -> None:
        self.calls += 1
        self.static_top1 += s == 1
        self.personal_top1 += p == 1
        self.static_pos += s
        self.personal_pos += p
        self.worse += p > s
        self.better += p < s
        self.not_offered += not offered

    def to_dict(self, seconds_per_option: float) -> dict:
        n = self.calls or 1
        saved = self.static_pos - self.personal_pos
        return {"calls": self.calls,
                "static": {"top1": self.static_top1 / n, "mean_position": self.static_pos / n},
                "personalised": {"top1": self.personal_top1 / n, "mean_position": self.personal_pos / n},
                "worse_share": self.worse / n, "better_share": self.better / n,
                "keypresses_saved": saved, "keypresses_saved_per_call": saved / n,
                "seconds_saved": saved * seconds_per_option, "seconds_saved_per_call": saved * seconds_per_option / n,
                "not_offered": self.not_offered}


@dataclass
class Replay:
    overall: Tally = field(default_factory=Tally)
    by_segment: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_month: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_month_part: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    group: Tally = field(default_factory=Tally)
    group_month_start: Tally = field(default_factory=Tally)
    calls: list[dict] = field(default_factory=list)

    def to_dict(self, seconds_per_option: float = SECONDS_PER_OPTION, group_name: str | None = None) -> dict:
        out = self.overall.to_dict(seconds_per_option)
        out["seconds_per_option"] = seconds_per_option
        out["by_segment"] = {k: v.to_dict(seconds_per_option) for k, v in sorted(self.by_segment.items())}
        out["by_month"] = {k: v.to_dict(seconds_per_option) for k, v in sorted(self.by_month.items())}
        out["by_month_part"] = {k: v.to_dict(seconds_per_option) for k, v in sorted(self.by_month_part.items())}
        if group_name is not None:
            out["group"] = {"name": group_name, **self.group.to_dict(seconds_per_option),
                            "month_start": self.group_month_start.to_dict(seconds_per_option)}
        return out


def _contacts(session, until: datetime | None):
    cols = (Interaction.id, Interaction.customer_id, Interaction.channel, Interaction.event,
            Interaction.started_at, Interaction.outcome, Interaction.attributes, InteractionAnalysis.topics,
            InteractionAnalysis.emotions, InteractionAnalysis.flags, InteractionAnalysis.sentiment_label)
    stmt = (select(*cols).outerjoin(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
            .where(Interaction.customer_id.is_not(None)).order_by(Interaction.started_at, Interaction.id))
    if until is not None:
        stmt = stmt.where(Interaction.started_at < until)
    for row in session.execute(stmt.execution_options(yield_per=5000)):
        analysis = None if row.topics is None and row.emotions is None else {
            "topics": row.topics or [], "emotions": row.emotions or {}, "flags": row.flags or [],
            "sentiment_label": row.sentiment_label}
        yield {"id": row.id, "customer_id": row.customer_id, "channel": row.channel, "event": row.event,
               "started_at": row.started_at, "outcome": row.outcome, "attributes": row.attributes or {},
               "analysis": analysis}


def _cases(session) -> dict[int, list[tuple]]:
    out: dict[int, list[tuple]] = defaultdict(list)
    stmt = select(Case.customer_id, Case.case_ref, Case.accepted_at, Case.opened_at, Case.closed_at).where(
        Case.customer_id.is_not(None))
    for cid, ref, accepted, opened, closed in session.execute(stmt):
        out[cid].append((ref, accepted or opened, closed))
    return out


def _open_case_at(cases: list[tuple], at: datetime) -> dict | None:
    for ref, accepted, closed in cases:
        if accepted is not None and accepted <= at and (closed is None or closed > at):
            return {"case_ref": ref}
    return None


def _position(offers, code: str) -> tuple[int, bool]:
    codes = [o.code for o in offers]
    return (codes.index(code) + 1, True) if code in codes else (len(codes) + 1, False)


def replay(engine: Engine, *, since: datetime | None = None, until: datetime | None = None,
           group: set[str] | None = None, keep_calls: bool = False) -> Replay:
    """Replay the root-menu choices in [since, until); ``group``: customer refs counted apart."""
    tz = get_settings().display_timezone
    result = Replay()
    with session_scope(engine) as session:
        tree = tree_in_force(session)
        root = tree.node(tree.root)
        people = {cid: (ref, by, seg) for cid, ref, by, seg in session.execute(
            select(Customer.id, Customer.customer_ref, Customer.birth_year, Customer.segment))}
        cases = _cases(session)
        states: dict[int, dict] = defaultdict(dict)
        for c in _contacts(session, until):
            attrs = c["attributes"]
            at = c["started_at"]
            if (c["channel"] == "ivr" and c["event"] == "menu_selected" and (attrs.get("menu_node") or "root") == root.code
                    and attrs.get("menu_option") and (since is None or at >= since)):
                ref, birth_year, segment = people.get(c["customer_id"], (None, None, None))
                ctx = Context(open_case=_open_case_at(cases.get(c["customer_id"], ()), at),
                              age=age_at(birth_year, at), tz=tz)
                state = states.get(c["customer_id"])
                s_pos, offered = _position(order(tree, root, state, at, ctx, personalised=False), attrs["menu_option"])
                p_pos, _ = _position(order(tree, root, state, at, ctx, personalised=True), attrs["menu_option"])
                result.overall.add(s_pos, p_pos, offered)
                result.by_segment[segment or "unknown"].add(s_pos, p_pos, offered)
                day = local(at, tz)
                part = month_part(day) or "mid"
                result.by_month[day.strftime("%Y-%m")].add(s_pos, p_pos, offered)
                result.by_month_part[part].add(s_pos, p_pos, offered)
                if group is not None and ref in group:
                    result.group.add(s_pos, p_pos, offered)
                    if part == "start":
                        result.group_month_start.add(s_pos, p_pos, offered)
                if keep_calls:
                    result.calls.append({"id": c["id"], "customer_ref": ref, "at": at.isoformat(),
                                         "chosen": attrs["menu_option"], "static": s_pos, "personalised": p_pos})
            if relevant(c):
                apply(states[c["customer_id"]], c, tz)
    return result


def rebuild_states(engine: Engine) -> int:
    """Recompute every caller's state row from the stored history (once, for contacts
    ingested before the hook was installed); returns how many rows were written."""
    from sqlalchemy import delete

    from xinsheng.db import utcnow
    from xinsheng.ivr.flows import _index_phones
    from xinsheng.ivr.models import IvrCallerState

    tz = get_settings().display_timezone
    states: dict[int, dict] = defaultdict(dict)
    counts: dict[int, int] = defaultdict(int)
    with session_scope(engine) as session:
        for c in _contacts(session, None):
            if relevant(c):
                apply(states[c["customer_id"]], c, tz)
                counts[c["customer_id"]] += 1
    now = utcnow()
    rows = [{"customer_id": cid, "state": st, "contacts": counts[cid], "updated_at": now} for cid, st in states.items()]
    with session_scope(engine) as session:
        session.execute(delete(IvrCallerState))
        for i in range(0, len(rows), 2000):
            session.execute(IvrCallerState.__table__.insert(), rows[i:i + 2000])
        ids = sorted(states)
        for i in range(0, len(ids), 2000):
            _index_phones(session, ids[i:i + 2000])
        session.commit()
    return len(rows)
