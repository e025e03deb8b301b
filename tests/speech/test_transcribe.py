"""Real transcriptions with the tiny.en model on audio spoken by espeak-ng."""
from __future__ import annotations

import re

import numpy as np
from scipy.signal import resample_poly

from tests.speech.conftest import mono_call, stereo, write
from xinsheng.speech.transcribe import transcribe_file

AGENT = "Good morning, thank you for calling the bank. How can I help you?"
CUSTOMER = "I would like to check the balance of my savings account."


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def recall(expected: str, got: str) -> float:
    """Share of the spoken words that came back (tolerant: order and a few errors ignored)."""
    want = words(expected)
    return len(want & words(got)) / len(want)


def test_a_mono_recording_comes_back_as_words(tmp_path, speak, speech_engine, settings):
    path = write(tmp_path / "call.wav", *speak(CUSTOMER))
    result = transcribe_file(path, speech_engine, settings)
    assert result.ok, result.error
    assert result.layout == "mono"
    text = " ".join(t["text"] for t in result.turns)
    assert recall(CUSTOMER, text) >= 0.7, text
    assert result.turns[0]["speaker"] == "agent"  # mono: the first turn is the agent's


def test_stereo_channels_are_the_agent_and_the_customer_in_time_order(tmp_path, speak, speech_engine, settings):
    samples, rate = stereo(speak(AGENT), speak(CUSTOMER), gap=0.5)
    path = write(tmp_path / "call.wav", samples, rate)
    agent_seconds = len(speak(AGENT)[0]) / rate
    ticks: list[tuple[float, float]] = []
    result = transcribe_file(path, speech_engine, settings, progress=lambda done, total: ticks.append((done, total)))
    assert result.ok, result.error
    assert result.layout == "stereo"
    speakers = [t["speaker"] for t in result.turns]
    assert speakers == sorted(speakers)  # every agent turn before every customer turn
    agent = " ".join(t["text"] for t in result.turns if t["speaker"] == "agent")
    customer = " ".join(t["text"] for t in result.turns if t["speaker"] == "customer")
    assert recall(AGENT, agent) >= 0.7 and recall(CUSTOMER, customer) >= 0.7, (agent, customer)
    assert recall(CUSTOMER, agent) < 0.3  # the customer's words are not on the agent's side
    first_customer = next(t for t in result.turns if t["speaker"] == "customer")
    assert first_customer["start"] >= agent_seconds - 0.3  # the customer starts after the agent ends
    starts = [t["start"] for t in result.turns]
    assert starts == sorted(starts)
    # progress: seconds of both channels, never going back, ending at twice the length
    done = [d for d, _ in ticks]
    assert done == sorted(done) and ticks[-1][0] == ticks[-1][1]
    assert abs(ticks[-1][1] - 2 * len(samples) / rate) < 0.01


def test_telephony_8khz_mu_law_and_ogg_and_mp3_decode(tmp_path, speak, speech_engine, settings):
    samples, rate = stereo(speak(AGENT), speak(CUSTOMER))
    phone = resample_poly(samples, 8000, rate, axis=0).astype(np.float32)
    files = [write(tmp_path / "phone.wav", phone, 8000, subtype="ULAW"),
             write(tmp_path / "call.ogg", samples, rate, format="OGG", subtype="VORBIS"),
             write(tmp_path / "call.mp3", samples, rate, format="MP3")]
    for path in files:
        result = transcribe_file(path, speech_engine, settings)
        assert result.ok, (path.name, result.error)
        customer = " ".join(t["text"] for t in result.turns if t["speaker"] == "customer")
        assert recall(CUSTOMER, customer) >= 0.6, (path.name, customer)
    assert transcribe_file(files[0], speech_engine, settings).source_rate == 8000


def test_mono_two_voices_are_told_apart_by_pitch_across_a_long_pause(tmp_path, speak, speech_engine, settings):
    """The customer (a higher voice) pauses 1.5 s and goes on: pause-based turns would hand
    the second sentence to the agent; the pitch keeps it the customer's."""
    agent, customer, more = (speak(AGENT, pitch=10), speak(CUSTOMER, pitch=90),
                             speak("It is the one I opened last year.", pitch=90))
    path = write(tmp_path / "mono.wav", *mono_call([agent, customer, more, speak("Certainly.", pitch=10)],
                                                   gaps=[0.6, 1.5, 0.6]))
    result = transcribe_file(path, speech_engine, settings)
    assert result.ok and (result.layout, result.speakers_by) == ("mono", "pitch"), result
    assert [t["speaker"] for t in result.turns] == ["agent", "customer", "agent"], result.turns
    customer_text = result.turns[1]["text"]
    assert recall(CUSTOMER, customer_text) >= 0.7 and "opened" in customer_text.lower()
    assert "certainly" in result.turns[2]["text"].lower()


def test_one_voice_falls_back_to_pause_based_turns(tmp_path, speak, speech_engine, settings):
    path = write(tmp_path / "mono.wav", *mono_call([speak(AGENT), speak(CUSTOMER)], gaps=[1.2]))
    result = transcribe_file(path, speech_engine, settings)
    assert result.speakers_by == "pause"
    assert [t["speaker"] for t in result.turns] == ["agent", "customer"]
