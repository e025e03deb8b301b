"""The order to offer a node's options: interpretable scores from the caller's state.

Each option's score is a sum of parts, and the largest part is the reason said to the caller:

=================  ======  ==========================================================
part               weight  value
=================  ======  ==========================================================
``open_case``      5.0     ``case_progress`` when the caller has an open case
``app_transfer``   4.5     ``transfer`` when an app/web transfer failed in the last hour
``redemption``     4.5     ``wealth`` when a redemption complaint came in the last 14 days
``month_start``    2.0     share of the caller's month-start choices (1st–3rd), on those days
``month_end``      2.0     share of month-end choices, in the month's last 3 days
``pay_day``        2.0     share of choices within a day of today's day of month (a pay
                           day such as the 10th or 15th: from 2 such choices, not on the
                           month's first or last 3 days, which ``month_*`` cover; beyond chance)
``habit``          1.0     share of the caller's choices here, decayed (half-life 60 days)
``weekday``        0.5     share of choices on this weekday (from 3 choices on that day)
``hour``           0.3     share of choices in this 4-hour block (from 3 in that block)
``static``         0.3     (n − i) / n for the option at static index i of n (a prior)
=================  ======  ==========================================================

Ties keep the static order; the static prior never gives a reason. A pinned option keeps its static place. Elderly mode (a profile
fact: age 65 or more) offers at most ``elderly.max_options`` options and the agent by
``elderly.agent_position``. A part gives the reason only when it is at least
:data:`REASON_MIN`; other options have no reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from xinsheng.ivr.features import decayed, local, month_part
from xinsheng.ivr.i18n import WEEKDAYS, say
from xinsheng.ivr.tree import MenuTree, Node, offered

WEIGHTS = {"open_case": 5.0, "app_transfer": 4.5, "redemption": 4.5, "month_start": 2.0, "month_end": 2.0,
           "pay_day": 2.0, "habit": 1.0, "weekday": 0.5, "hour": 0.3}
REASON_MIN = 0.3
#: the static order as a small prior: the option at static index i gets STATIC_PRIOR × (n − i) / n,
#: so one odd choice does not move an option above the ones most callers want
STATIC_PRIOR = 0.3
#: the habit part counts from this many choices at the node
HABIT_MIN_CALLS = 1
#: the pay-day part counts from this many of the caller's choices within a day of today's date
PAY_DAY_MIN_CALLS = 2
#: ... and at least this many times what chance would put there
PAY_DAY_LIFT = 3.0
APP_TRANSFER_WINDOW_S = 3600
REDEMPTION_WINDOW_S = 14 * 86400
ELDERLY_AGE = 65


@dataclass(frozen=True)
class Context:
    """What the ranker knows besides the state: an open case (``{"case_ref", "title"}``), the
    profile's age, the language, the bank's time zone."""
    open_case: dict | None = None
    age: int | None = None
    lang: str = "zh"
    tz: str = "Asia/Shanghai"

    @property
    def elderly(self) -> bool:
        return self.age is not None and self.age >= ELDERLY_AGE


@dataclass
class Offer:
    code: str
    label: str
    score: float = 0.0
    part: str | None = None  # the part that gives the reason
    reason: str | None = None

    def to_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "reason": self.reason}


def _shares(entries: dict, key) -> dict[str, float]:
    values = {code: key(e) for code, e in entries.items()}
    total = sum(values.values())
    return {code: v / total for code, v in values.items()} if total > 0 else {}


def _period_parts(entries: dict, at: datetime, tz: str) -> dict[str, dict[str, float]]:
    day = local(at, tz)
    now = at.timestamp()
    parts = {}
    if sum(e["n"] for e in entries.values()) >= HABIT_MIN_CALLS:
        parts["habit"] = _shares(entries, lambda e: decayed(e["w"], e["t"], now))
    part = month_part(day)
    if part is not None:
        key = "ms" if part == "start" else "me"
        parts[f"month_{part}"] = _shares(entries, lambda e: e[key])
    else:
        pay_day = _pay_day(entries, day.day)
        if pay_day:
            parts["pay_day"] = _shares(pay_day, lambda excess: excess)
    wd, hb = day.weekday(), day.hour // 4
    if sum(e["dw"][wd] for e in entries.values()) >= 3:
        parts["weekday"] = _shares(entries, lambda e: e["dw"][wd])
    if sum(e["hb"][hb] for e in entries.values()) >= 3:
        parts["hour"] = _shares(entries, lambda e: e["hb"][hb])
    return parts


def _pay_day(entries: dict, day: int) -> dict[str, float]:
    """Per option, its choices within a day of ``day`` beyond what chance gives (3 days of a
    month's 30.4); only options with at least :data:`PAY_DAY_MIN_CALLS` such choices and at
    least :data:`PAY_DAY_LIFT` times the chance count, so a frequent caller's scattered
    choices make no pay day."""
    near = [str(d) for d in (day - 1, day, day + 1)]
    out = {}
    for code, e in entries.items():
        count = sum((e.get("dm") or {}).get(d, 0) for d in near)
        chance = e["n"] * 3 / 30.4
        if count >= PAY_DAY_MIN_CALLS and count >= PAY_DAY_LIFT * chance:
            out[code] = count - chance
    return out


def _context_parts(state: dict, at: datetime, ctx: Context) -> dict[str, dict[str, float]]:
    now = at.timestamp()
    events = state.get("ev") or {}
    parts: dict[str, dict[str, float]] = {}
    if ctx.open_case is not None:
        parts["open_case"] = {"case_progress": 1.0}
    failed = events.get("transfer_failed")
    if failed is not None and 0 <= now - failed <= APP_TRANSFER_WINDOW_S:
        parts["app_transfer"] = {"transfer": 1.0}
    redemption = events.get("redemption")
    if redemption is not None and 0 <= now - redemption <= REDEMPTION_WINDOW_S:
        parts["redemption"] = {"wealth": 1.0}
    return parts


def _reason(offer: Offer, state: dict, at: datetime, ctx: Context) -> str | None:
    part, label, lang = offer.part, offer.label, ctx.lang
    if part is None:
        return None
    if part == "open_case":
        return say("ivr_why_open_case", lang, ref=(ctx.open_case or {}).get("case_ref") or "")
    if part == "app_transfer":
        minutes = max(1, round((at.timestamp() - state["ev"]["transfer_failed"]) / 60))
        return say("ivr_why_app_transfer_failed", lang, minutes=minutes)
    if part == "redemption":
        return say("ivr_why_redemption", lang)
    if part == "pay_day":
        return say("ivr_why_pay_day", lang, label=label, day=local(at, ctx.tz).day)
    if part == "weekday":
        return say("ivr_why_weekday", lang, label=label, weekday=WEEKDAYS[lang][local(at, ctx.tz).weekday()])
    return say(f"ivr_why_{part}", lang, label=label)


def score(node: Node, state: dict | None, at: datetime, ctx: Context) -> list[Offer]:
    """Every option the caller may be offered at ``node``, scored, in the static order."""
    state = state or {}
    options = offered(node, open_case=ctx.open_case is not None)
    entries = {code: e for code, e in ((state.get("o") or {}).get(node.code) or {}).items()
               if any(o.code == code for o in options)}
    parts = _period_parts(entries, at, ctx.tz) if entries else {}
    parts |= _context_parts(state, at, ctx)
    offers = []
    for i, opt in enumerate(options):
        offer = Offer(opt.code, opt.label.get(ctx.lang) or opt.label["zh"],
                      score=STATIC_PRIOR * (len(options) - i) / len(options))
        best = 0.0
        for part, shares in parts.items():
            value = WEIGHTS[part] * shares.get(opt.code, 0.0)
            offer.score += value
            if value > best and value >= REASON_MIN:
                best, offer.part = value, part
        offers.append(offer)
    return offers


def order(tree: MenuTree, node: Node, state: dict | None, at: datetime, ctx: Context,
          *, personalised: bool = True) -> list[Offer]:
    """The options of ``node`` in the order to offer (with reasons when personalised)."""
    offers = score(node, state, at, ctx)
    static = list(offers)
    if personalised:
        pinned = {o.code for o in node.options if o.pinned}
        movable = sorted((o for o in offers if o.code not in pinned), key=lambda o: -o.score)  # stable: ties static
        offers = _place_pinned(movable, [(i, o) for i, o in enumerate(static) if o.code in pinned])
        for o in offers:
            o.reason = _reason(o, state or {}, at, ctx)
    else:
        for o in offers:
            o.part = None
    if ctx.elderly:
        offers = _elderly(tree, offers, {o.code for o in node.options if o.pinned}, ctx.lang)
    return offers


def _place_pinned(movable: list[Offer], pinned: list[tuple[int, Offer]]) -> list[Offer]:
    out = list(movable)
    for index, offer in pinned:  # ascending static index
        out.insert(min(index, len(out)), offer)
    return out


def _elderly(tree: MenuTree, offers: list[Offer], pinned: set[str], lang: str) -> list[Offer]:
    """At most ``elderly_max`` options (pinned ones kept, last), the agent early."""
    keep_pinned = [o for o in offers if o.code in pinned]
    rest = [o for o in offers if o.code not in pinned]
    agent = next((o for o in rest if o.code == "agent"), None)
    position = max(0, min(tree.elderly_agent_position, tree.elderly_max - len(keep_pinned)) - 1)
    if agent is not None and rest.index(agent) > position:
        rest.remove(agent)
        rest.insert(position, agent)
        if agent.reason is None:
            agent.reason = say("ivr_why_elderly_agent", lang)
    room = max(1, tree.elderly_max - len(keep_pinned))
    return rest[:room] + keep_pinned
