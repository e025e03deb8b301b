"""The shape of a banking topic: its code, label and the sentence templates it speaks with."""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Topic"]


@dataclass(frozen=True)
class Topic:
    """One ground-truth topic of the demo bank's customer texts.

    ``problems`` are negative statements, ``inquiries`` neutral questions, ``requests``
    what the customer asks for, ``agent`` the agent's answers in transcripts, ``solved``
    what a satisfied customer says afterwards. ``mood`` weighs negative / neutral /
    positive texts; ``needs`` names a product the customer must hold; ``elderly``
    multiplies the weight for customers born before 1960.
    """

    code: str
    label: str
    weight: float
    option: str
    problems: tuple[str, ...]
    inquiries: tuple[str, ...]
    requests: tuple[str, ...]
    agent: tuple[str, ...]
    solved: tuple[str, ...]
    mood: tuple[int, int, int] = (60, 30, 10)
    needs: str | None = None
    elderly: float = 1.0
