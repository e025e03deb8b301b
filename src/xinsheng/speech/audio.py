"""Decoding recordings (WAV, MP3, OGG) to 16 kHz float channels, with the checks that make
a bad file a clear error: unsupported format or codec, corrupt data, too long, silent.

PyAV (FFmpeg's libraries, shipped in its wheel) decodes and resamples; telephony WAVs in
8 kHz PCM, mu-law or A-law decode like any other.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from xinsheng.speech.errors import RecordingError, SpeechModelError

try:
    import av
except ImportError:  # the optional ``speech`` extra is not installed
    av = None

SUFFIXES = (".wav", ".mp3", ".ogg", ".oga", ".opus")
RATE = 16_000
#: below this level (dBFS, RMS over 50 ms windows) the loudest window counts as silence
SILENCE_DBFS = -50.0


@dataclass
class Audio:
    """Decoded audio: ``channels`` is (n_channels, n_samples) float32 at 16 kHz."""

    channels: np.ndarray
    source_rate: int
    codec: str

    @property
    def duration(self) -> float:
        return self.channels.shape[1] / RATE


def check_suffix(name: str) -> None:
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise RecordingError(
            f"unsupported format {suffix or '(no extension)'!r}; use WAV, MP3 or OGG ({', '.join(SUFFIXES)})")


def decode(source: str | Path, max_seconds: float, name: str | None = None) -> Audio:
    """The recording at ``source`` (a path, or a file object) decoded to 16 kHz channels."""
    check_suffix(name or str(source))
    if av is None:
        raise SpeechModelError("speech support is not installed: pip install 'xinsheng[speech]'")
    try:
        container = av.open(str(source) if isinstance(source, Path) else source)
    except av.error.FFmpegError as exc:
        raise RecordingError(f"not a readable audio file ({_reason(exc)})") from None
    with container:
        if not container.streams.audio:
            raise RecordingError("the file holds no audio stream")
        stream = container.streams.audio[0]
        _check_length(container, stream, max_seconds)
        channels = stream.codec_context.channels
        if channels not in (1, 2):
            raise RecordingError(f"{channels} audio channels; expected mono or stereo (agent and customer)")
        chunks = _decode_stream(container, stream, channels, max_seconds)
        codec = stream.codec_context.name
        rate = stream.codec_context.sample_rate
    if not chunks:
        raise RecordingError("the file holds no audio samples (empty or corrupt)")
    samples = np.concatenate(chunks, axis=1).astype(np.float32, copy=False)
    audio = Audio(samples, rate, codec)
    if loudest_dbfs(audio.channels) < SILENCE_DBFS:
        raise RecordingError(f"silence only: no channel is louder than {SILENCE_DBFS:.0f} dBFS")
    return audio


def _decode_stream(container, stream, channels: int, max_seconds: float) -> list[np.ndarray]:
    layout = "mono" if channels == 1 else "stereo"
    resampler = av.AudioResampler(format="fltp", layout=layout, rate=RATE)
    chunks, total, limit = [], 0, int(max_seconds * RATE)
    try:
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray())
                total += out.samples
            if total > limit:
                raise RecordingError(_too_long(total / RATE, max_seconds))
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray())
    except av.error.FFmpegError as exc:
        if not chunks:
            raise RecordingError(f"cannot decode the audio ({_reason(exc)})") from None
        raise RecordingError(f"corrupt audio after {total / RATE:.1f} s ({_reason(exc)})") from None
    return chunks


def _check_length(container, stream, max_seconds: float) -> None:
    """Refuse a recording longer than the limit before decoding it, when the header says."""
    seconds = None
    if stream.duration is not None and stream.time_base is not None:
        seconds = float(stream.duration * stream.time_base)
    elif container.duration is not None:
        seconds = container.duration / av.time_base
    if seconds is not None and seconds > max_seconds:
        raise RecordingError(_too_long(seconds, max_seconds))


def _too_long(seconds: float, limit: float) -> str:
    return (f"too long: {seconds / 60:.1f} min; the limit is {limit / 60:.0f} min "
            f"(XINSHENG_SPEECH_MAX_SECONDS); split the recording")


def _reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def loudest_dbfs(channels: np.ndarray, window: int = RATE // 20) -> float:
    """The RMS level of the loudest 50 ms window of any channel, in dBFS."""
    n = channels.shape[1] // window * window
    if n == 0:
        rms = float(np.sqrt(np.mean(np.square(channels)))) if channels.size else 0.0
    else:
        frames = channels[:, :n].reshape(channels.shape[0], -1, window)
        rms = float(np.sqrt(np.mean(np.square(frames), axis=2)).max())
    return 20 * np.log10(max(rms, 1e-10))


def same_signal(channels: np.ndarray) -> bool:
    """Whether a stereo file carries one signal twice (a mono call saved as stereo)."""
    if channels.shape[0] < 2:
        return True
    left, right = channels[0], channels[1]
    return bool(np.allclose(left, right, atol=1e-3))
