"""The one place models are found, loaded and cached.

A model folder written by ``voc train`` holds ``manifest.json`` (format, task, language,
labels) and one ``<task>.json`` + ``<task>.npz`` pair. A folder may also hold
``sentiment/`` and ``topic/`` sub-folders, so one ``--model DIR`` can switch both.
Nothing is loaded at import time.
"""
from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from xinsheng.voc.linear import LinearModel

log = logging.getLogger(__name__)

__all__ = ["ModelDirError", "save_model_dir", "load_model_dir", "builtin_sentiment", "TASKS"]

FORMAT = "xinsheng-voc-model"
TASKS = ("sentiment", "topic")
_lock = threading.Lock()


class ModelDirError(ValueError):
    """A --model folder that is missing or is not a xinsheng VOC model."""


def save_model_dir(folder: str | Path, model: LinearModel, task: str, extra: dict | None = None) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    model.save(folder, task)
    manifest = {
        "format": FORMAT, "version": 1, "task": task, "lang": model.meta.get("lang", "zh"),
        "labels": model.classes, "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        **(extra or {}),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
    return folder


def _read_one(folder: Path) -> tuple[str, LinearModel]:
    try:
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelDirError(f"{folder}: no readable manifest.json ({exc})") from exc
    task = manifest.get("task")
    if manifest.get("format") != FORMAT or task not in TASKS:
        raise ModelDirError(f"{folder}: not a xinsheng VOC model folder")
    try:
        model = LinearModel.load(folder, task)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelDirError(f"{folder}: model files unreadable ({exc})") from exc
    model.meta.setdefault("lang", manifest.get("lang", "zh"))
    model.meta.setdefault("created_at", manifest.get("created_at", ""))
    return task, model


@lru_cache(maxsize=8)
def load_model_dir(folder: str) -> dict[str, LinearModel]:
    """``{task: model}`` from a model folder (cached per path)."""
    path = Path(folder)
    if not path.is_dir():
        raise ModelDirError(f"{folder}: model folder not found")
    if (path / "manifest.json").exists():
        task, model = _read_one(path)
        return {task: model}
    found = dict(_read_one(path / t) for t in TASKS if (path / t / "manifest.json").exists())
    if not found:
        raise ModelDirError(f"{folder}: no manifest.json (not a model trained by `xinsheng voc train`)")
    return found


@lru_cache(maxsize=1)
def builtin_sentiment() -> LinearModel | None:
    """The built-in Chinese sentiment model (trained and cached on first use)."""
    from xinsheng.voc.builtin import load_or_build_sentiment

    with _lock:
        return load_or_build_sentiment()
