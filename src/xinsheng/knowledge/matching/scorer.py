"""The pair scorer: probability that two questions ask the same thing (同义问题判断).

A logistic model over :mod:`features`. The default model is trained, at first use and in
milliseconds, on the seed question groups shipped in ``data/seed_questions.txt`` (written
for xinsheng, no research data). A bank trains its own on labelled pairs with
``xinsheng kb train-pairs``; that model (degree 2: products of features, so "many shared
words but a different number" can be learned) is a JSON file, never a pickle.
"""
from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import combinations
from pathlib import Path

import numpy as np

from xinsheng.errors import InputFileError
from xinsheng.knowledge.matching.analyzer import Analyzed, Analyzer, get_analyzer
from xinsheng.knowledge.matching.features import FEATURES, SIGNS, IdfTable, feature_matrix

#: Decision threshold of the shipped model when no tuning data is given.
DEFAULT_THRESHOLD = 0.5
MODEL_FILE = "pair_model.json"
#: Odds divisor per contradicted word: negation changes the question, whatever the model says.
POLARITY_PENALTY = 20.0


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

    def _expand(self, x: np.ndarray) -> np.ndarray:
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        if self.degree == 1:
            return z
        i, j = np.triu_indices(z.shape[1])
        return np.hstack([z, z[:, i] * z[:, j]])

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Probabilities of "same intent" for rows of features."""
        if len(x) == 0:
            return np.zeros(0)
        logits = self._expand(x) @ np.asarray(self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / MODEL_FILE
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
        return cls(**data)


def fit_model(x: np.ndarray, y: np.ndarray, *, degree: int = 1, c: float = 1.0,
              trained_on: str = "") -> PairModel:
    """Fit a :class:`PairModel` on feature rows ``x`` and 0/1 labels ``y``."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = PairModel(degree, mean.tolist(), scale.tolist(), [0.0], 0.0,
                      trained_on=trained_on, n_pairs=len(y))
    lr = LogisticRegression(C=c, max_iter=5000).fit(model._expand(x), y)
    model.coef = lr.coef_[0].tolist()
    model.intercept = float(lr.intercept_[0])
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


def seed_groups() -> list[tuple[str, list[str]]]:
    """(topic, paraphrases) of the shipped seed file."""
    raw = resources.files("xinsheng.knowledge.matching").joinpath("data/seed_questions.txt")
    groups = []
    for line in raw.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            topic, _, rest = line.partition(":")
            groups.append((topic.strip(), [q.strip() for q in rest.split("|") if q.strip()]))
    return groups


#: Words that change the intent when swapped for another of their row (信用卡 ≠ 借记卡).
CONTRASTS = [
    ["信用卡", "借记卡", "储蓄卡", "社保卡"], ["房贷", "车贷", "消费贷", "经营贷"],
    ["提额", "降额"], ["还款", "分期", "激活", "注销", "挂失", "补办"],
    ["冻结", "解冻"], ["开通", "取消", "关闭"], ["绑定", "解绑"], ["赎回", "申购", "购买"],
    ["手机银行", "网上银行", "微信", "网点"], ["成功", "失败"], ["到账", "退回"],
    ["美元", "欧元", "日元", "港币"], ["一年", "三年", "五年"], ["多少", "几天"],
    ["理财", "基金", "大额存单", "定期存款"], ["境外", "跨行"], ["登录密码", "支付密码", "取款密码"],
]


def contrast_pairs(questions: list[str], rng: random.Random) -> list[tuple[str, str, int]]:
    """Near-copies of seed questions with one key word swapped: different intents (0)."""
    pairs = []
    for q in questions:
        for row in CONTRASTS:
            hit = next((w for w in row if w in q), None)
            if hit is not None:
                other = rng.choice([w for w in row if w != hit])
                pairs.append((q, q.replace(hit, other, 1), 0))
                break
    return pairs


#: What customers wrap their question in ("你好，我想问一下……谢谢").
CHATTER = (
    ("你好，我想问一下，", ""), ("您好，", "，谢谢"), ("请问", "？"), ("", "，急！"),
    ("我试了好几次了，", ""), ("早上在手机上弄的，", "，怎么回事"), ("麻烦问下", "，在线等"),
    ("客服你好，", "，帮我看看"), ("", "，我该找谁"), ("昨天开始的，", ""),
)


def chatter_pairs(pairs: list[tuple[str, str, int]], rng: random.Random) -> list[tuple[str, str, int]]:
    """The same pairs with one side wrapped in chatter: it changes nothing about the intent."""
    out = []
    for a, b, label in pairs:
        if rng.random() < 0.35:
            pre, post = rng.choice(CHATTER)
            out.append((a, f"{pre}{b}{post}", label))
    return out


def seed_pairs(seed: int = 7, contrasts: bool = False) -> list[tuple[str, str, int]]:
    """Labelled pairs from the seed groups: paraphrases (1); same-topic other intents and
    one-word contrasts (0)."""
    rng = random.Random(seed)
    groups = seed_groups()
    pairs = [(a, b, 1) for _, qs in groups for a, b in combinations(qs, 2)]
    if contrasts:
        pairs += contrast_pairs([q for _, qs in groups for q in qs], rng)
    pairs += chatter_pairs(pairs, rng)
    for (t1, g1), (t2, g2) in combinations(groups, 2):
        if t1 == t2:
            pairs += [(rng.choice(g1), rng.choice(g2), 0) for _ in range(2)]
        elif rng.random() < 0.08:
            pairs.append((rng.choice(g1), rng.choice(g2), 0))
    return pairs


@lru_cache(maxsize=1)
def default_model() -> PairModel:
    """The shipped model, trained on the seed pairs (deterministic, ~50 ms)."""
    analyzer = get_analyzer()
    pairs = seed_pairs()
    analyzed = [(analyzer.analyze(a), analyzer.analyze(b)) for a, b, _ in pairs]
    idf = IdfTable.from_texts({x.text: x for p in analyzed for x in p}.values())
    x = feature_matrix(analyzed, idf)
    y = np.array([label for *_, label in pairs])
    return fit_monotone(x, y, trained_on="xinsheng seed questions (shipped)")


def predict_with_rules(model: PairModel, x: np.ndarray) -> np.ndarray:
    """Model probabilities; a word asserted by one question and denied by the other
    (转账成功 / 转账不成功) divides the odds by :data:`POLARITY_PENALTY` per word."""
    p = model.predict(x)
    if not len(x):
        return p
    conflicts = x[:, FEATURES.index("polarity_conflict")]
    odds = p / np.maximum(1 - p, 1e-9) / POLARITY_PENALTY ** conflicts
    return odds / (1 + odds)


class PairScorer:
    """Scores question pairs with one model and one idf table."""

    def __init__(self, model: PairModel | None = None, analyzer: Analyzer | None = None,
                 idf: IdfTable | None = None) -> None:
        self.model = model or default_model()
        self.analyzer = analyzer or get_analyzer()
        self.idf = idf or IdfTable()

    def score_analyzed(self, pairs: list[tuple[Analyzed, Analyzed]]) -> np.ndarray:
        return predict_with_rules(self.model, feature_matrix(pairs, self.idf))

    def score(self, a: str, b: str) -> float:
        """Probability that ``a`` and ``b`` ask the same thing."""
        pair = (self.analyzer.analyze(a), self.analyzer.analyze(b))
        return float(self.score_analyzed([pair])[0])
