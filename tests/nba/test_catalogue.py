"""The catalogue is data the bank edits: a file that does not parse is refused with its line."""
from __future__ import annotations

import pytest

from xinsheng.nba.catalogue import CatalogueError, parse_catalogue, shipped_catalogue

GOOD = """offers:
  - code: a
    label: {zh: 甲}
    kind: care
"""


def test_the_shipped_catalogue_has_the_contracts_care_gestures():
    cat = shipped_catalogue()
    for code in ("gift_wine", "gift_hairy_crab", "airport_lounge", "movie_tickets", "golf_day", "health_checkup"):
        offer = cat.by_code[code]
        assert offer.kind == "care" and set(offer.segments) == {"affluent", "private"}
    assert cat.by_code["gift_wine"].label["zh"] == "红酒礼盒"


@pytest.mark.parametrize("text,line", [
    (GOOD + "  - code: b\n    label: {zh: 乙\n    kind: care\n", 7),       # unclosed flow mapping
    (GOOD + "  - code: b\n    label: {zh: 乙}\n    kind: gift\n", 5),       # unknown kind
    (GOOD + "  - code: b\n    label: {zh: 乙}\n    kind: product\n    category: fund\n", 5),  # no risk level
    (GOOD + "  - code: b\n    label: {zh: 乙}\n    kind: product\n    category: fund\n    risk_level: 9\n", 5),
    (GOOD + "  - code: a\n    label: {zh: 乙}\n    kind: care\n", 5),       # repeated code
    (GOOD + "  - code: b\n    label: {zh: 乙}\n    kind: care\n    segments: [vip]\n", 5),
])
def test_a_bad_catalogue_is_refused_with_its_line(text, line):
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(text)
    assert err.value.data["line"] == line, str(err.value)
    assert f"line {line}" in str(err.value)


def test_a_good_one_loads():
    assert [o.code for o in parse_catalogue(GOOD).offers] == ["a"]


def test_the_banks_own_file_replaces_the_shipped_one_and_a_bad_one_is_refused(tmp_path, monkeypatch):
    from xinsheng.config import get_settings
    from xinsheng.nba.catalogue import active_catalogue

    monkeypatch.setenv("XINSHENG_HOME", str(tmp_path))
    get_settings.cache_clear()
    try:
        (tmp_path / "nba").mkdir()
        own = tmp_path / "nba" / "catalogue.yaml"
        own.write_text(GOOD, encoding="utf-8")
        assert [o.code for o in active_catalogue().offers] == ["a"]
        own.write_text(GOOD + "  - code: b\n    kind: care\n", encoding="utf-8")
        with pytest.raises(CatalogueError) as err:
            active_catalogue()
        assert err.value.data["line"] == 5
    finally:
        get_settings.cache_clear()
