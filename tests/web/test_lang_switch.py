"""The language switch keeps the page as it was: the same path and query string, with
``lang`` in it once (``/hot-issues?days=30`` → ``?days=30&lang=en``)."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest

HTML = {"accept": "text/html"}
SWITCH = re.compile(r'<a href="([^"]*)" id="lang-switch"')


def switch_href(page: str) -> str:
    found = SWITCH.findall(page)
    assert len(found) == 1, "one language switch on the page"
    return unescape(found[0])


@pytest.mark.parametrize("path, lang, expected", [
    ("/hot-issues?days=30", "zh", [("days", "30"), ("lang", "en")]),
    ("/hot-issues?days=30&lang=en", "en", [("days", "30"), ("lang", "zh")]),
    ("/hot-issues?lang=en&days=180&channel=phone", "en", [("days", "180"), ("channel", "phone"), ("lang", "zh")]),
    ("/customers?q=王+建国&lang=zh", "zh", [("q", "王 建国"), ("lang", "en")]),
    ("/", "zh", [("lang", "en")]),
])
def test_the_switch_keeps_the_query_with_lang_once(client_as, path, lang, expected):
    page = client_as("supervisor").get(path, headers=HTML)
    assert page.status_code in (200, 422), page.status_code
    href = switch_href(page.text)
    assert href.startswith("?"), "a query-only link: the path stays as it is"
    assert parse_qsl(href[1:], keep_blank_values=True) == expected


def test_following_the_switch_shows_the_same_view_in_the_other_language(client_as):
    me = client_as("supervisor")
    page = me.get("/hot-issues?days=30", headers=HTML)
    assert 'lang="zh-CN"' in page.text
    target = urljoin("http://testserver/hot-issues?days=30", switch_href(page.text))
    assert urlsplit(target).path == "/hot-issues"

    english = me.get(target, headers=HTML)

    assert english.status_code == 200 and 'lang="en"' in english.text
    assert re.search(r'<option value="30"\s+selected>', english.text), "still the 30-day view"
    back = switch_href(english.text)
    assert parse_qsl(back[1:]) == [("days", "30"), ("lang", "zh")]
    again = me.get(urljoin(target, back), headers=HTML)
    assert 'lang="zh-CN"' in again.text and re.search(r'<option value="30"\s+selected>', again.text)
