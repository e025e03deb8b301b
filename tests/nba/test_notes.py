"""Note understanding: how advisors and agents actually write notes, phrased independently of
the concept lexicon (these sentences were written before it, from seeds 002/003 and from
how people jot notes down). Each names the shipped care gestures a note rules out or raises."""
from __future__ import annotations

import pytest

from xinsheng.nba.catalogue import shipped_catalogue
from xinsheng.nba.notes import read_notes

RULED_OUT = [
    ("客户有痛风，海鲜不能吃", {"gift_hairy_crab"}),
    ("老人家牙不好", {"gift_hairy_crab"}),
    ("牙口差，硬东西咬不动", {"gift_hairy_crab"}),
    ("装了一口假牙", {"gift_hairy_crab"}),
    ("不喝酒", {"gift_wine"}),
    ("滴酒不沾", {"gift_wine"}),
    ("酒精过敏", {"gift_wine"}),
    ("医生让他戒酒了", {"gift_wine"}),
    ("三高", {"gift_wine", "gift_hairy_crab"}),
    ("血压偏高，每天吃降压药", {"gift_wine"}),
    ("有糖尿病，血糖控制得不好", {"gift_wine"}),
    ("坐飞机会紧张", {"airport_lounge"}),
    ("出差只坐高铁，从来不乘飞机", {"airport_lounge"}),
    ("有飞行恐惧症", {"airport_lounge"}),
    ("晕机很厉害", {"airport_lounge"}),
    ("有恐高症", {"skyline_dinner"}),
    ("信佛吃素", {"gift_hairy_crab"}),
    ("回族，饮食清真", {"gift_wine"}),
    ("吃蟹会过敏", {"gift_hairy_crab"}),
    ("不爱打高尔夫，嫌晒", {"golf_day"}),
    ("对电影没什么兴趣", {"movie_tickets"}),
    ("不收礼，逢年过节别送东西", {"gift_wine", "gift_hairy_crab"}),
]

NOTHING_RULED_OUT = [
    "不怕坐飞机，每月都出差",
    "在酒店当经理",
    "牙齿很好",
    "血压血糖都正常",
    "爱吃海鲜",
    "他爱人是医生",
]

RAISED = [
    ("周末常去看电影", "movie_tickets"),
    ("是个影迷", "movie_tickets"),
    ("爱打高尔夫", "golf_day"),
    ("高尔夫球打得不错，常约球友", "golf_day"),
    ("喜欢品红酒", "gift_wine"),
    ("每个月都要坐航班出差", "airport_lounge"),
]


def _ruled_out(text: str) -> set[str]:
    reading = read_notes([text])
    return {o.code for o in shipped_catalogue().offers if reading.rules_out(o)}


def _raised(text: str) -> set[str]:
    reading = read_notes([text])
    return {o.code for o in shipped_catalogue().offers if reading.raises(o)}


@pytest.mark.parametrize("text,codes", RULED_OUT)
def test_a_note_rules_out_the_gestures_it_should(text, codes):
    assert codes <= _ruled_out(text), text


@pytest.mark.parametrize("text", NOTHING_RULED_OUT)
def test_negated_or_unrelated_notes_rule_out_nothing_of_the_care_gestures(text):
    care = {"gift_wine", "gift_hairy_crab", "airport_lounge", "movie_tickets", "golf_day", "skyline_dinner"}
    assert not (_ruled_out(text) & care), text


@pytest.mark.parametrize("text,code", RAISED)
def test_a_liking_raises_its_gesture(text, code):
    assert code in _raised(text), text
    assert code not in _ruled_out(text), text


def test_two_clauses_of_one_note_are_read_apart():
    assert "airport_lounge" in _ruled_out("喜欢看电影，但是怕坐飞机")
    assert "movie_tickets" in _raised("喜欢看电影，但是怕坐飞机")
    assert "movie_tickets" not in _ruled_out("喜欢看电影，但是怕坐飞机")


def test_a_gift_of_something_avoided_rules_out_that_thing_not_every_gift():
    assert {"gift_hairy_crab"} <= _ruled_out("信佛，不宜送肉类礼品")
    assert "movie_tickets" not in _ruled_out("信佛，不宜送肉类礼品")
    assert {"gift_wine", "movie_tickets"} <= _ruled_out("不收贵重礼品")


def test_the_reason_is_the_note_that_rules_it_out():
    reading = read_notes(["只接受上午来电", "三高，不宜饮酒"])
    wine = shipped_catalogue().by_code["gift_wine"]
    assert reading.reason_against(wine) == "三高，不宜饮酒"
