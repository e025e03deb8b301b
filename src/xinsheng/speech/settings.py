"""Speech settings, from ``XINSHENG_SPEECH_*`` environment variables."""
from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SpeechSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XINSHENG_SPEECH_", extra="ignore")

    model: str | None = Field(None, description="local path of the speech model the bank supplies")
    engine: str = Field("faster-whisper", description="faster-whisper (CTranslate2 Whisper models)")
    language: str | None = Field(None, description="e.g. zh or en; empty: the model detects it")
    max_seconds: float = Field(3 * 3600.0, gt=0, description="longer recordings are refused")
    beam_size: int = Field(5, ge=1, le=10)
    keep_audio: bool = Field(False, description="store the uploaded audio, encrypted")
    agent_channel: int = Field(0, ge=0, le=1, description="stereo: the agent's channel (0 left, 1 right)")
    pause_seconds: float = Field(0.8, gt=0, description="mono: a pause this long starts the other speaker's turn")


def speech_settings() -> SpeechSettings:
    return SpeechSettings()
