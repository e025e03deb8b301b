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


def test_two_voices_split_by_pitch_and_one_voice_is_not_split():
    from xinsheng.speech.diarise import two_voices

    assert two_voices([110.0, 220.0, 225.0, 105.0], [0, 1, 1, 1], pause=0.8) == [0, 1, 1, 0]
    assert two_voices([230.0, 110.0], [0, 1], pause=0.8) == [0, 1]  # the first voice is the agent's
    assert two_voices([110.0, 118.0, 121.0], [0, 1, 1], pause=0.8) is None  # under 3 semitones apart
    # no pitch: the previous voice after a short gap, the other one after a pause
    assert two_voices([110.0, None, 220.0, None], [0, 0.2, 1, 2.0], pause=0.8) == [0, 0, 1, 0]


def test_segment_pitch_of_a_pulse_train_is_its_rate():
    import numpy as np

    from xinsheng.speech.diarise import segment_pitch

    for hz in (100, 125, 200):  # a glottal-like pulse train: one decaying click every 1/hz s
        t = np.arange(16000) / 16000
        since = ((t * hz) % 1.0) / hz  # seconds since the last click
        samples = (np.exp(-since * 300) * np.sin(2 * np.pi * 700 * since)).astype(np.float32)
        assert abs(segment_pitch(samples, Segment(0.0, 1.0, "")) - hz) / hz < 0.03
