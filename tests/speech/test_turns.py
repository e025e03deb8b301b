"""Turns from segments, without a model: stereo merge and the pause-based mono turns."""
from __future__ import annotations

from xinsheng.speech.engines import Segment
from xinsheng.speech.turns import mono_turns, stereo_turns, transcript_text


def test_stereo_turns_are_ordered_by_start_with_each_channel_speaker():
    agent = [Segment(0.0, 2.0, "hello"), Segment(5.0, 6.0, "anything else")]
    customer = [Segment(2.5, 4.5, "my card")]
    turns = stereo_turns(agent, customer)
    assert [(t["speaker"], t["start"]) for t in turns] == [("agent", 0.0), ("customer", 2.5), ("agent", 5.0)]


def test_mono_pauses_hand_the_turn_over_and_short_gaps_keep_it():
    segs = [Segment(0.0, 1.0, "hello"), Segment(1.3, 2.0, "how can I help"),  # 0.3 s gap: same turn
            Segment(3.0, 4.0, "my card"),                                         # 1.0 s pause: customer
            Segment(5.5, 6.0, "let me check")]                                    # agent again
    turns = mono_turns(segs, pause_seconds=0.8)
    assert [(t["speaker"], t["start"], t["end"], t["text"]) for t in turns] == [
        ("agent", 0.0, 2.0, "hello how can I help"),
        ("customer", 3.0, 4.0, "my card"),
        ("agent", 5.5, 6.0, "let me check"),
    ]


def test_chinese_pieces_join_without_a_space():
    turns = mono_turns([Segment(0.0, 1.0, "您好"), Segment(1.1, 2.0, "请问")], pause_seconds=0.8)
    assert turns[0]["text"] == "您好请问"
    assert transcript_text(turns) == "agent: 您好请问"
