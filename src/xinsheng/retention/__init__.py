"""Retention: texts anonymised, idle customers deleted, old audit entries and sessions purged
(``xinsheng retention``). It reads and deletes in every domain, so it sits above them."""
