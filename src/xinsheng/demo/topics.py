"""The demo bank's topic taxonomy (ground truth for generated texts) and topic choice."""
from __future__ import annotations

import random

from xinsheng.demo import topics_cards, topics_digital, topics_service, topics_wealth
from xinsheng.demo.people import Profile
from xinsheng.demo.rand import cpick
from xinsheng.demo.topicbase import Topic

__all__ = ["ALL_TOPICS", "BY_CODE", "TopicPicker", "OPTION_TOPICS", "Topic"]

ALL_TOPICS: tuple[Topic, ...] = (
    topics_digital.TOPICS + topics_cards.TOPICS + topics_wealth.TOPICS + topics_service.TOPICS
)
BY_CODE: dict[str, Topic] = {t.code: t for t in ALL_TOPICS}

# IVR option -> topics a caller who picked it then talks about with an agent.
OPTION_TOPICS: dict[str, tuple[str, ...]] = {}
for _t in ALL_TOPICS:
    OPTION_TOPICS.setdefault(_t.option, ())
    OPTION_TOPICS[_t.option] += (_t.code,)

_GATED = tuple(sorted({t.needs for t in ALL_TOPICS if t.needs}))


class TopicPicker:
    """Chooses a plausible topic for a customer (held products, age), cached per profile kind."""

    def __init__(self) -> None:
        self._cache: dict[tuple, tuple[list[Topic], list[float]]] = {}

    def _table(self, key: tuple) -> tuple[list[Topic], list[float]]:
        table = self._cache.get(key)
        if table is None:
            elderly, held = key
            topics, cum, acc = [], [], 0.0
            for t in ALL_TOPICS:
                if t.needs and t.needs not in held:
                    continue
                acc += t.weight * (t.elderly if elderly else 1.0)
                topics.append(t)
                cum.append(acc)
            table = self._cache[key] = (topics, cum)
        return table

    def pick(self, rng: random.Random, profile: Profile | None) -> Topic:
        if profile is None:
            key = (False, _GATED)
        else:
            key = (profile.elderly, tuple(p for p in _GATED if p in profile.products))
        topics, cum = self._table(key)
        return cpick(rng, topics, cum)

    def pick_for_option(self, rng: random.Random, profile: Profile | None, option: str) -> Topic:
        """A topic that fits the IVR option the caller chose (any topic for agent/complaint)."""
        codes = OPTION_TOPICS.get(option)
        if not codes or option in ("agent", "complaint") and rng.random() < 0.6:
            return self.pick(rng, profile)
        held = profile.products if profile else _GATED
        fitting = [BY_CODE[c] for c in codes if not BY_CODE[c].needs or BY_CODE[c].needs in held]
        return rng.choice(fitting) if fitting else self.pick(rng, profile)
