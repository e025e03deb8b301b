"""The cases pages' forms: what a posted form becomes, and a refusal in the page's language.

``build_action`` turns the fields of one action form into a ``CaseAction`` (the API's own
schema, so the page and the API check the same things), refusing an empty required field
or an amount that is not a number ≥ 0 with :class:`FieldError` naming the field.
``explain`` turns any refusal (403 authority or 回避, 409 state, 422 field) into the
message shown beside the form, in the page's language.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pydantic import TypeAdapter, ValidationError

from xinsheng.cases.i18n import label_text as label
from xinsheng.errors import Conflict, Forbidden, InvalidInput, XinshengError

#: the fields each action form posts
FIELDS: dict[str, tuple[str, ...]] = {
    "acknowledge": (), "assign": ("user",), "escalate": ("to_tier", "to_level", "reason"),
    "note": ("text",), "extend": ("reason",), "decide": ("resolution", "compensation_cny"),
    "close": ("root_cause", "customer_accepted"), "reopen": ("reason",),
    "await_customer": ("reason",), "resume": (),
}
REQUIRED = {"assign": ("user",), "escalate": ("reason",), "note": ("text",), "extend": ("reason",),
            "decide": ("resolution",), "reopen": ("reason",)}
#: field -> catalogue key of its label
FIELD_LABELS = {"user": "cs_user", "to_tier": "cs_to_tier", "to_level": "cs_to_level", "reason": "cs_reason",
                "text": "cs_note_text", "resolution": "cs_resolution", "compensation_cny": "cs_compensation",
                "root_cause": "cs_root_cause", "customer_accepted": "cs_customer_accepted",
                "title": "cs_title", "kind": "cs_kind", "channel": "cs_channel", "topic": "cs_topic",
                "customer_ref": "cs_customer"}


class FieldError(Exception):
    """A form field that cannot be sent as it is: ``field`` and a catalogue ``key``."""

    status = 422

    def __init__(self, field: str, key: str) -> None:
        super().__init__(f"{field}: {key}")
        self.field, self.key = field, key


@dataclass
class Refusal:
    """What the page shows beside a form: the message, the field it is about (or None),
    and the HTTP status of the page."""

    message: str
    field: str | None
    status: int
    #: the authority level that may take a refused decision (offered as the escalation target)
    level: int | None = None


def form_values(form, action: str) -> dict[str, str]:
    """The posted values of ``action``'s fields, as typed (kept for the page on a refusal)."""
    return {k: str(form.get(k) or "") for k in FIELDS.get(action, ())}


def _amount(value: str) -> Decimal:
    text = value.strip().replace(",", "").replace("，", "")
    if not text:
        return Decimal("0")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise FieldError("compensation_cny", "cs_err_amount") from None
    if not amount.is_finite() or amount < 0:
        raise FieldError("compensation_cny", "cs_err_amount")
    return amount


def build_action(action: str, values: dict[str, str], *, kind: str | None = None):
    """The ``CaseAction`` for one posted form; :class:`FieldError` for a missing or bad field."""
    from xinsheng.cases.schemas import CaseAction

    if action not in FIELDS:
        raise InvalidInput(f"action: unknown {action!r}", data={"field": "action"})
    v = {k: values.get(k, "").strip() for k in FIELDS[action]}
    for name in REQUIRED.get(action, ()):
        if not v[name]:
            raise FieldError(name, "cs_err_required")
    body: dict = {"action": action, **{k: x for k, x in v.items() if x}}
    if action == "escalate":
        body["to_tier"] = int(v["to_tier"]) if v["to_tier"] else None
        body["to_level"] = int(v["to_level"]) if v["to_level"] else None
        if body["to_tier"] is None and body["to_level"] is None:
            raise FieldError("to_tier", "cs_err_required")
    if action == "decide":
        body["compensation_cny"] = _amount(v["compensation_cny"])
    if action == "close":
        if kind == "complaint" and not v["root_cause"]:
            raise FieldError("root_cause", "cs_err_required")
        if kind == "complaint" and not v["customer_accepted"]:
            raise FieldError("customer_accepted", "cs_err_required")
        body["customer_accepted"] = {"yes": True, "no": False}.get(v["customer_accepted"])
        body["root_cause"] = v["root_cause"] or None
    return TypeAdapter(CaseAction).validate_python(body)


def _validation(exc: ValidationError, t) -> Refusal:
    err = exc.errors()[0]
    loc = [str(p) for p in err.get("loc", ()) if str(p) in FIELD_LABELS]
    field = loc[-1] if loc else None
    name = t(FIELD_LABELS[field]) if field else t("cs_actions")
    message = t("cs_err_required") if err.get("type") in ("missing", "string_too_short") else err.get("msg", "")
    return Refusal(t("cs_err_field").format(field=name, message=message), field, 422)


def explain(exc: Exception, t, *, action: str, status: str | None = None, my_level: int | None = None,
            level_name=None) -> Refusal:
    """The refusal ``exc`` as the page shows it beside ``action``'s form, in ``t``'s language.

    ``level_name(n)`` names an authority level (``L3 投诉中心``); ``my_level`` is the viewer's."""
    name = level_name or (lambda n: label(t, "level", n))
    if isinstance(exc, FieldError):
        return Refusal(t("cs_err_field").format(field=t(FIELD_LABELS.get(exc.field, exc.field)),
                                               message=t(exc.key)), exc.field, 422)
    if isinstance(exc, ValidationError):
        return _validation(exc, t)
    if isinstance(exc, Forbidden):
        return _forbidden(exc, t, action, my_level or 1, name)
    if isinstance(exc, Conflict):
        return _conflict(exc, t, action, status)
    if isinstance(exc, InvalidInput):
        field = (exc.data or {}).get("field")
        field = field if field in FIELD_LABELS else None
        shown = t(FIELD_LABELS[field]) if field else t("cs_actions")
        message = exc.message.split(": ", 1)[1] if field and ": " in exc.message else exc.message
        if field == "user":
            message = t("cs_err_no_user")
        elif field in ("root_cause", "customer_accepted"):
            message = t("cs_err_required")
        return Refusal(t("cs_err_field").format(field=shown, message=message), field, 422)
    if isinstance(exc, XinshengError):
        return Refusal(exc.message, None, exc.status)
    raise exc


def _cny(amount) -> str:
    """``1500.00`` → ``1,500``; ``12.50`` → ``12.5``."""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    return f"{int(value):,}" if value == value.to_integral_value() else f"{value.normalize():,}"


def _forbidden(exc: Forbidden, t, action: str, mine: int, name) -> Refusal:
    """403: 回避, or above the viewer's authority (naming the level that may)."""
    data = exc.data or {}
    reason = str(data.get("reason") or "")
    if reason == "recusal_verification":
        return Refusal(t("cs_err_recusal_verification"), None, 403)
    if reason.startswith("recusal"):
        return Refusal(t("cs_err_recusal").format(agent=data.get("agent_ref") or ""), None, 403)
    need = data.get("required_level")
    if not need:
        return Refusal(t("cs_err_forbidden").format(message=exc.message), None, 403)
    need, mine = int(need), int(data.get("your_level") or mine)
    if action == "decide" and "amount_cny" in data:
        message = t("cs_err_authority").format(mine=name(mine), needed=name(need), amount=_cny(data["amount_cny"]))
        return Refusal(message, "compensation_cny", 403, need)
    key = {"decide": "cs_err_case_level", "extend": "cs_err_extend_level"}.get(action, "cs_err_level")
    return Refusal(t(key).format(mine=name(mine), needed=name(need)), None, 403, need)


def _conflict(exc: Conflict, t, action: str, status: str | None) -> Refusal:
    """409: the case's state does not allow the action."""
    data = exc.data or {}
    if "allowed_from" in data or not ({"tier", "authority_level", "due_at", "extensions_allowed"} & data.keys()):
        if action == "acknowledge" and data.get("status") in ("in_progress", "pending_customer", "open"):
            return Refusal(t("cs_err_already"), None, 409)
        shown = data.get("status") or status
        return Refusal(t("cs_err_state").format(status=label(t, "status", shown), action=label(t, "action", action)),
                       None, 409)
    if action == "escalate":
        where = label(t, "tier", data["tier"]) if "tier" in data else f"L{data.get('authority_level', '')}"
        return Refusal(t("cs_err_escalate_up").format(where=where), "to_tier" if "tier" in data else "to_level", 409)
    return Refusal(t("cs_err_extend_late" if "due_at" in data else "cs_err_no_extension"), None, 409)


def build_case(values: dict[str, str]):
    """The ``CaseCreate`` of the open-a-case form; :class:`FieldError` for an empty title."""
    from xinsheng.cases.schemas import CaseCreate

    for name in ("title", "kind", "channel"):
        if not values.get(name):
            raise FieldError(name, "cs_err_required")
    return CaseCreate(customer_ref=values["customer_ref"], kind=values["kind"], title=values["title"],
                      channel=values["channel"], topic=values.get("topic") or None, text=values.get("text") or None,
                      source_external_id=values.get("source_external_id") or None)
