"""What callers read about a notification (pages, an admin, ``xinsheng notify list``)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel


class NotificationRead(BaseModel):
    id: int
    idempotency_key: str
    customer_ref: str
    subject_ref: str | None
    purpose: str
    channel: str
    adapter: str
    lang: str
    body: str
    status: str
    attempts: int
    not_before: datetime
    next_attempt_at: datetime
    reason: str | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None

    @classmethod
    def of(cls, n: Any, customer_ref: str) -> NotificationRead:
        fields = {f: getattr(n, f) for f in cls.model_fields if f != "customer_ref"}
        return cls(customer_ref=customer_ref, **fields)


@dataclass
class DeliveryReport:
    """One delivery run: how many rows were claimed and what became of them."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    released: int = 0  # not tried: their adapter kept failing in this run (attempt not counted)
    lost_lease: int = 0  # sent, but another worker had taken the row over (it will send again)
    quiet_hours: bool = False

    def add(self, other: DeliveryReport) -> None:
        for f in ("claimed", "sent", "retried", "dead", "released", "lost_lease"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.quiet_hours = self.quiet_hours or other.quiet_hours

    def to_dict(self) -> dict[str, Any]:
        return {"claimed": self.claimed, "sent": self.sent, "retried": self.retried, "dead": self.dead,
                "released": self.released, "lost_lease": self.lost_lease, "quiet_hours": self.quiet_hours}
