"""Knowledge base and answer matching (知识库与智能应答).

Articles with their questions, versions and approval workflow (``models``, ``actions``,
``service``); the matcher (``matching``: normalisation, banking synonyms, negation,
BM25 over words and character bigrams, a pair scorer); the per-process index kept in
step with the database (``live``); agents' search and suggestions and the self-service
bot's answer / clarify / hand-off policy (``flows``, ``policy``).
"""
