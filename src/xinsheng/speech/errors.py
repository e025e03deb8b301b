"""Errors of one recording or of the engine, each with a reason a person can act on."""
from __future__ import annotations

from xinsheng.errors import XinshengError


class RecordingError(XinshengError):
    """This recording cannot be transcribed (the batch goes on with the next)."""

    code = "bad_recording"
    status = 422


class SpeechModelError(XinshengError):
    """The speech model is missing or not usable: nothing can be transcribed."""

    code = "speech_model"
    status = 503
