"""Adapters: how a notification leaves xinsheng for one channel.

The plug-in interface a bank implements for SMS, app push, WeChat …::

    class SmsAdapter:                       # mybank/sms.py
        name = "sms"
        def send(self, message: OutboundMessage) -> None:
            ...  # hand the message to the gateway; return when it has accepted it
            # raise RetryableError("gateway busy") for a temporary failure (retried),
            # raise PermanentError("number barred") when a retry cannot help (dead letter).

    XINSHENG_NOTIFY_ADAPTERS='{"sms": "mybank.sms:SmsAdapter"}'

The class is created once per process without arguments (it reads its own settings).
``send`` may be called from several threads at once and must return or raise within its
own timeout: a hanging call holds one of the worker's ``XINSHENG_NOTIFY_CONCURRENCY``
slots. Any other exception counts as retryable. A message may be sent more than once
(after a worker crash): ``idempotency_key`` is the same each time, so de-duplicate on it.
Messages carry the customer's reference, never a phone number or address: the adapter
looks up the contact details in the bank's own systems.
"""
from __future__ import annotations

import importlib
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

from xinsheng.config import get_settings
from xinsheng.errors import InvalidInput


@dataclass(frozen=True)
class OutboundMessage:
    """What an adapter sends: the rendered text and the event's (masked) data."""

    idempotency_key: str
    customer_ref: str
    channel: str
    purpose: str
    lang: str
    body: str
    subject_ref: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    attempt: int = 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class DeliveryError(Exception):
    """A failed send; ``retryable`` says whether another attempt may succeed."""

    retryable = True


class RetryableError(DeliveryError):
    """Temporary: a timeout, a refused connection, a 5xx, 408 or 429; tried again later."""


class PermanentError(DeliveryError):
    """A retry cannot help (a 4xx answer, a message the gateway refuses): dead-lettered."""

    retryable = False


@runtime_checkable
class Adapter(Protocol):
    name: str

    def send(self, message: OutboundMessage) -> None: ...


def _builtin() -> dict[str, str]:
    return {"webhook": "xinsheng.notify.adapters.webhook:WebhookAdapter",
            "file": "xinsheng.notify.adapters.local:FileAdapter",
            "log": "xinsheng.notify.adapters.local:LogAdapter"}


def known_adapters() -> dict[str, str]:
    """Adapter name → ``module:Class``: the shipped ones and the configured plug-ins."""
    return {**_builtin(), **get_settings().notify_adapters}


def adapter_for_channel(channel: str) -> str:
    """The adapter name a channel uses: ``XINSHENG_NOTIFY_CHANNELS``, else an adapter of the
    channel's own name (a plug-in called "sms" serves channel sms), else the default."""
    settings = get_settings()
    if channel in settings.notify_channels:
        return settings.notify_channels[channel]
    return channel if channel in known_adapters() else settings.notify_default_adapter


def get_adapter(name: str) -> Adapter:
    """The adapter called ``name`` (created once per process; the shipped ones read the
    settings at each send)."""
    return _load(name, known_adapters().get(name))


@lru_cache(maxsize=64)
def _load(name: str, target: str | None) -> Adapter:
    if not target:
        raise InvalidInput(f"notify adapter {name!r} is not configured (XINSHENG_NOTIFY_ADAPTERS)",
                           data={"field": "notify_adapters"})
    module_name, attr = _split(target)
    try:
        obj = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError, ValueError) as exc:
        raise InvalidInput(f"notify adapter {name!r}: cannot import {target!r} ({exc})",
                           data={"field": "notify_adapters"}) from None
    try:  # a class or factory is called once; a module-level object is used as it is
        adapter = obj() if isinstance(obj, type) or (callable(obj) and not hasattr(obj, "send")) else obj
    except Exception as exc:
        raise InvalidInput(f"notify adapter {name!r}: {target} could not be created ({exc})",
                           data={"field": "notify_adapters"}) from None
    if not isinstance(adapter, Adapter):
        raise InvalidInput(f"notify adapter {name!r}: {target!r} has no 'name' and 'send(message)'",
                           data={"field": "notify_adapters"})
    return adapter


def _split(target: str) -> tuple[str, str]:
    """``"pkg.mod:Class"`` or ``"pkg.mod.Class"`` → (``pkg.mod``, ``Class``)."""
    module_name, sep, attr = target.partition(":")
    if not sep:
        module_name, _, attr = target.rpartition(".")
    return module_name.strip(), attr.strip()
