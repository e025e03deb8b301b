"""A case's topic: the code given (checked against the VOC taxonomy), else the primary
topic of the contact it came from, else the VOC engine's topic of its text."""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinsheng.errors import InvalidInput
from xinsheng.interactions.models import Interaction, InteractionAnalysis


@lru_cache(maxsize=4)
def _codes(path: str | None) -> frozenset[str]:
    from xinsheng.voc.topics import Taxonomy

    leaves = Taxonomy.load(path).leaves
    return frozenset({leaf.code for leaf in leaves} | {leaf.code.split(".")[0] for leaf in leaves})


def taxonomy_codes() -> frozenset[str]:
    """Every topic code of the configured taxonomy (``XINSHENG_VOC_TAXONOMY``), parents included."""
    from xinsheng.config import get_settings

    path = get_settings().voc_taxonomy
    return _codes(str(path) if path else None)


def _from_contact(session: Session, interaction: Interaction) -> str | None:
    topics = session.scalar(select(InteractionAnalysis.topics)
                            .where(InteractionAnalysis.interaction_id == interaction.id))
    return topics[0]["code"] if topics else None


def _from_text(text: str) -> str | None:
    from xinsheng.config import get_settings
    from xinsheng.voc.pipeline import get_analyzer

    model = get_settings().voc_model  # the analyzer ingest uses: the bank's model, else the built-in one
    analyzer = get_analyzer(str(model) if model else None)
    prepared = analyzer.prepare([text])
    topics = analyzer.topics.transform(prepared.docs, prepared.langs)[0]
    return topics[0]["code"] if topics else None


def topic_for(session: Session, given: str | None, text: str | None,
              interaction: Interaction | None = None) -> str | None:
    """The case's topic code (422 naming ``topic`` for a code the taxonomy does not have)."""
    if given:
        if given not in taxonomy_codes():
            raise InvalidInput(f"topic: {given!r} is not a topic of the VOC taxonomy", data={"field": "topic"})
        return given
    found = _from_contact(session, interaction) if interaction is not None else None
    return found or (_from_text(text) if text else None)
