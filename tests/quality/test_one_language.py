"""The quality pages, a checked call of each kind included, pass the one-language check of
tests/web/test_one_language.py as every role, in Chinese and in English (403 pages too)."""
from __future__ import annotations

import pytest

import tests.web.test_one_language as one
from tests.quality.test_pages import checked
from tests.web.test_one_language import people, world  # noqa: F401 (fixtures)

CALLS = ["d02_fund_promise_no_disclosure", "d08_elderly_fast_jargon", "d09_talk_over", "d10_long_silence"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_quality_pages_are_in_one_language(people, world, lang, monkeypatch, engine):  # noqa: F811
    ids = checked(engine, CALLS)
    pages = [("/quality", "qa.read"), ("/quality?days=abc&agent=A1001", "qa.read"),
             *((f"/quality/calls/{i}", "qa.read") for i in ids.values())]
    monkeypatch.setattr(one, "PAGES", pages)
    monkeypatch.setattr(one, "REFUSED", ["/quality"])
    one.test_every_page_as_every_role_is_in_one_language(people, world, lang)
