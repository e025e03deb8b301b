"""The pair model: a logistic model over :mod:`features` and its fitting and calibration
(:mod:`scorer` scores with it; :mod:`seed` fits the shipped one). A JSON file, never a pickle."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from xinsheng.errors import InputFileError
from xinsheng.knowledge.matching.features import FEATURES, SIGNS, pair_tokens

#: Decision threshold of the shipped model: its probabilities are calibrated on general
#: question pairs (:func:`calibrate`, :func:`seed.default_model`), so 0.5 is where "same"
#: and "different" are equally likely there.
DEFAULT_THRESHOLD = 0.5
MODEL_FILE = "pair_model.json"
#: Odds divisor per contradicted word: negation changes the question, whatever the model says.
POLARITY_PENALTY = 20.0
#: Standardised features are clipped to ±CLIP before their products are taken.
CLIP = 3.0


@dataclass
class PairModel:
    """Standardise → (optional) pairwise products → logistic regression."""

    degree: int
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    threshold: float = DEFAULT_THRESHOLD
    features: list[str] = field(default_factory=lambda: list(FEATURES))
    trained_on: str = ""
    n_pairs: int = 0
    lexical: dict[str, float] = field(default_factory=dict)
    #: Platt scaling of the final log-odds, (slope, intercept): p = σ(slope · logit + intercept).
    calibration: list[float] = field(default_factory=lambda: [1.0, 0.0])
    #: Trained with a base (``kb train-pairs --base``): its copy's record and the weights of
    #: the standardised :func:`base_features.base_block` features; empty without one.
    base: dict = field(default_factory=dict)
    base_mean: list[float] = field(default_factory=list)
    base_scale: list[float] = field(default_factory=list)
    base_coef: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.vectors = None  # the base itself (voc.base.Base), loaded with the model

    def base_logits(self, base_x: np.ndarray | None) -> np.ndarray | float:
        if not self.base_coef:
            return 0.0
        if base_x is None:
            raise ValueError("this pair model was trained with a base: give its base features")
        return ((base_x - np.asarray(self.base_mean)) / np.asarray(self.base_scale)) @ np.asarray(self.base_coef)

    def _expand(self, x: np.ndarray) -> np.ndarray:
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        if self.degree > 1:  # products extrapolate wildly outside the training range
            z = np.clip(z, -CLIP, CLIP)
        if self.degree == 1:
            return z
        i, j = np.triu_indices(z.shape[1])
        return np.hstack([z, z[:, i] * z[:, j]])

    def predict(self, x: np.ndarray, tokens: list[list[str]] | None = None,
                base_x: np.ndarray | None = None) -> np.ndarray:
        """Probabilities of "same intent" for rows of features (and their pair tokens and,
        for a model trained with a base, their base features)."""
        if len(x) == 0:
            return np.zeros(0)
        logits = self._expand(x) @ np.asarray(self.coef) + self.intercept + self.base_logits(base_x)
        if self.lexical and tokens is not None:
            weights = self.lexical
            logits = logits + np.array([sum(weights.get(t, 0.0) for t in row) for row in tokens])
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / MODEL_FILE
        if self.vectors is not None:
            from xinsheng.knowledge.matching.base_features import save_vectors

            self.base = save_vectors(self.vectors, folder)
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), "utf-8")
        return path

    @classmethod
    def load(cls, folder: Path) -> PairModel:
        path = folder / MODEL_FILE if folder.is_dir() else folder
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise InputFileError(f"{path}: not a pair model ({exc})") from None
        if data.get("features") != list(FEATURES):
            raise InputFileError(f"{path}: trained on other features; retrain with 'kb train-pairs'")
        model = cls(**data)
        if model.base:
            from xinsheng.knowledge.matching.base_features import load_vectors

            model.vectors = load_vectors(path.parent, model.base)
        return model


def fit_model(x: np.ndarray, y: np.ndarray, *, degree: int = 1, c: float = 1.0,
              tokens: list[list[str]] | None = None, trained_on: str = "",
              base_x: np.ndarray | None = None) -> PairModel:
    """Fit a :class:`PairModel` on feature rows ``x``, 0/1 labels ``y`` and, when given,
    the pairs' tokens (:func:`features.pair_tokens`) for the lexical part and their base
    features (:func:`base_features.base_block`)."""
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = PairModel(degree, mean.tolist(), scale.tolist(), [0.0], 0.0,
                      trained_on=trained_on, n_pairs=len(y))
    dense = model._expand(x)
    if base_x is not None:
        model.base_mean = base_x.mean(axis=0).tolist()
        scale = base_x.std(axis=0)
        scale[scale < 1e-9] = 1.0
        model.base_scale = scale.tolist()
        dense = np.hstack([dense, (base_x - base_x.mean(axis=0)) / scale])
    n_base = 0 if base_x is None else base_x.shape[1]
    vocab: dict[str, int] = {}
    if tokens is not None:
        rows = [[vocab.setdefault(t, len(vocab)) for t in set(row)] for row in tokens]
        lex = sparse.csr_matrix(
            (np.ones(sum(map(len, rows))), (np.repeat(np.arange(len(rows)), [len(r) for r in rows]),
                                            np.concatenate([np.array(r, dtype=int) for r in rows]) if rows else [])),
            shape=(len(rows), len(vocab)))
        design = sparse.hstack([sparse.csr_matrix(dense), lex]).tocsr()
    else:
        design = dense
    lr = LogisticRegression(C=c, max_iter=5000).fit(design, y)
    coef = lr.coef_[0]
    model.coef = coef[: dense.shape[1] - n_base].tolist()
    model.base_coef = coef[dense.shape[1] - n_base: dense.shape[1]].tolist()
    model.intercept = float(lr.intercept_[0])
    model.lexical = {t: round(float(coef[dense.shape[1] + i]), 5) for t, i in vocab.items()
                     if abs(coef[dense.shape[1] + i]) > 1e-4}
    return model


def fit_monotone(x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, trained_on: str = "") -> PairModel:
    """A degree-1 model whose weights keep the sign each feature must have (:data:`SIGNS`).

    With little training data an unconstrained fit learns accidents (more shared words →
    less alike); the sign constraints keep the model sensible on text it has never seen.
    """
    from scipy.optimize import minimize

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    signs = np.array([SIGNS[f] for f in FEATURES], dtype=float)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        logits = z @ w[:-1] + w[-1]
        p = 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))
        eps = 1e-12
        value = -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)) + l2 * np.sum(w[:-1] ** 2) / len(y)
        grad = np.append(z.T @ (p - y) / len(y) + 2 * l2 * w[:-1] / len(y), np.mean(p - y))
        return value, grad

    bounds = [(0, None) if s > 0 else (None, 0) for s in signs] + [(None, None)]
    w = minimize(loss, np.zeros(z.shape[1] + 1), jac=True, bounds=bounds, method="L-BFGS-B").x
    return PairModel(1, mean.tolist(), scale.tolist(), w[:-1].tolist(), float(w[-1]),
                     trained_on=trained_on, n_pairs=len(y))


def _rule_logits(model: PairModel, x: np.ndarray, tokens: list[list[str]] | None = None,
                 base_x: np.ndarray | None = None) -> np.ndarray:
    """Log-odds of the model; a word asserted by one question and denied by the other
    (转账成功 / 转账不成功) divides the odds by :data:`POLARITY_PENALTY` per word."""
    p = np.clip(model.predict(x, tokens, base_x), 1e-12, 1 - 1e-12)
    conflicts = x[:, FEATURES.index("polarity_conflict")]
    return np.log(p / (1 - p)) - conflicts * np.log(POLARITY_PENALTY)


def predict_with_rules(model: PairModel, x: np.ndarray, tokens: list[list[str]] | None = None,
                       base_x: np.ndarray | None = None) -> np.ndarray:
    """Probabilities that the pairs ask the same thing: the model with the polarity rule,
    then the model's calibration."""
    if not len(x):
        return np.zeros(0)
    slope, intercept = model.calibration
    z = slope * _rule_logits(model, x, tokens, base_x) + intercept
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def calibrate(model: PairModel, x: np.ndarray, y: np.ndarray, tokens: list[list[str]] | None = None,
              base_x: np.ndarray | None = None) -> PairModel:
    """Platt scaling on labelled pairs: a logistic fit of the labels on the model's log-odds,
    the two labels weighed equally, so that probability 0.5 is where "same" and "different"
    are equally likely on pairs like these, whatever their share of each."""
    from sklearn.linear_model import LogisticRegression

    z = _rule_logits(model, x, tokens, base_x).reshape(-1, 1)
    lr = LogisticRegression(C=1e4, class_weight="balanced", max_iter=1000).fit(z, y)
    model.calibration = [round(float(lr.coef_[0, 0]), 6), round(float(lr.intercept_[0]), 6)]
    return model
