"""Churn risk: a calibrated logistic model learned on observed churn with a time split.

Training examples are the customers at ``train_cutoff`` (features from data up to that day,
label: churn in the ``horizon`` days after, 90 by default); the model is scored on the
customers at ``test_cutoff = train_cutoff + horizon`` (features up to then, churn in the
horizon after), so every training label is seen by the test cutoff. Nothing at or after a
cutoff reaches its features (churn_data.py; tests/profiles/test_churn.py adds later data and
checks the features do not move). Holdings shorter than two horizons and 14 days are refused.

The bank is read ``BATCH`` customers at a time (never whole): a first pass builds the labelled
examples at both cutoffs, each side a uniform sample of at most ``MAX_ROWS`` rows, and counts
the revenue page's arithmetic; a second pass scores each batch at the newest holdings day and
writes the scores and reasons to the profile rows, one transaction a batch, so the ingest
hook's updates of a profile never wait for the whole run (a customer without enough
holdings gets none: not enough data).

Against a baseline that sees the holdings trend only (the value of the experience signals):
AUC, Brier score and expected calibration error (10 equal-width bins). Probabilities come
from ``CalibratedClassifierCV`` (isotonic, 3 folds; sigmoid when there are few churners);
each score's reasons are the features that raise it most (coefficient × standardised value
of the uncalibrated logistic model).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.engine import Engine
from threadpoolctl import threadpool_limits  # scikit-learn's own dependency

from xinsheng.config import get_settings
from xinsheng.db import session_scope, utcnow
from xinsheng.errors import InvalidInput
from xinsheng.customers.models import Customer
from xinsheng.profiles.churn_data import BATCH, FEATURES, HOLDINGS_FEATURES, History, examples, iter_histories
from xinsheng.profiles.models import CustomerProfile, Holding
from xinsheng.profiles.risk import count_silence, finish_silence, new_silence, save_silence
from xinsheng.profiles.store import _locked_states

_T = CustomerProfile.__table__
#: days after a cutoff in which churn is counted (the issue's 90)
HORIZON = 90
#: labelled rows the model learns on (and is tested on) at most: a uniform sample beyond
MAX_ROWS = 200_000


def _matrix(rows: list[dict], names: tuple[str, ...]) -> np.ndarray:
    return np.array([[r[n] for n in names] for r in rows], dtype=float).reshape(len(rows), len(names))


def fit(x: np.ndarray, y: np.ndarray):
    """(calibrated model, plain logistic pipeline for the reasons); on one thread (BLAS threads
    on a busy machine cost more than they give on these small matrices)."""
    with threadpool_limits(1):
        plain = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, C=1.0))
        plain.fit(x, y)
        method = "isotonic" if min(y.sum(), len(y) - y.sum()) >= 30 else "sigmoid"
        calibrated = CalibratedClassifierCV(make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
                                            method=method, cv=3)
        calibrated.fit(x, y)
    return calibrated, plain


def ece(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: the share-weighted gap between mean score and churn rate per bin."""
    idx = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = idx == b
        if mask.any():
            total += mask.mean() * abs(p[mask].mean() - y[mask].mean())
    return round(float(total), 4)


def _scores(y: np.ndarray, p: np.ndarray) -> dict:
    auc = float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else None
    return {"auc": round(auc, 4) if auc is not None else None, "brier": round(float(brier_score_loss(y, p)), 4),
            "ece": ece(y, p), "mean_score": round(float(p.mean()), 4)}


def reasons(plain, row: np.ndarray, names: tuple[str, ...], top: int = 3) -> list[str]:
    scaler, lr = plain.steps[0][1], plain.steps[-1][1]
    contrib = lr.coef_[0] * scaler.transform(row.reshape(1, -1))[0]
    order = np.argsort(-contrib)
    return [names[i] for i in order[:top] if contrib[i] > 0]


def cutoffs(last_day: date, first_day: date, horizon: int) -> tuple[date, date]:
    """(train cutoff, test cutoff): the test cutoff one horizon before the newest holdings, the
    train cutoff one horizon before that (its labels are all seen by the test cutoff), after at
    least 14 days of history. Shorter data are refused, naming the longest horizon they allow."""
    span = (last_day - first_day).days
    if span < 2 * horizon + 14:
        fits = longest_horizon(span)
        hint = f"; --horizon {fits} fits, or load more history" if fits else ""
        raise InvalidInput(f"not enough holdings history for a {horizon}-day horizon: {span} days, "
                           f"need {2 * horizon + 14}{hint}", data={"field": "horizon"})
    test_cut = last_day - timedelta(days=horizon)
    return test_cut - timedelta(days=horizon), test_cut


def longest_horizon(span: int, most: int = HORIZON) -> int | None:
    """The longest horizon (at most ``most``, at least 7 days) that ``span`` days of holdings allow."""
    fits = min(most, (span - 14) // 2)
    return fits if fits >= 7 else None


class Sample:
    """A uniform sample of at most ``cap`` labelled rows, kept as batches arrive (bottom-k of random keys)."""

    def __init__(self, cap: int, width: int, seed: int = 0):
        self.cap, self.rng = cap, np.random.default_rng(seed)
        self.x, self.y, self.keys = np.empty((0, width)), np.empty(0, dtype=int), np.empty(0)

    def add(self, x: np.ndarray, y: np.ndarray) -> None:
        self.x, self.y = np.vstack([self.x, x]), np.concatenate([self.y, y])
        self.keys = np.concatenate([self.keys, self.rng.random(len(y))])
        if len(self.y) > self.cap:
            keep = np.sort(np.argpartition(self.keys, self.cap)[:self.cap])
            self.x, self.y, self.keys = self.x[keep], self.y[keep], self.keys[keep]


def collect(histories: Iterable[History], train_cut: date, test_cut: date, horizon: int, zone,
            cap: int = MAX_ROWS, silence: dict | None = None) -> tuple[Sample, Sample]:
    """Labelled examples at both cutoffs, one batch of customers at a time, each side a bounded
    sample; with ``silence``, the revenue page's arithmetic is counted on the way."""
    train, test = Sample(cap, len(FEATURES), 1), Sample(cap, len(FEATURES), 2)
    for h in histories:
        for cut, sample in ((train_cut, train), (test_cut, test)):
            _, rows, labels = examples(h, cut, horizon, zone)
            sample.add(_matrix(rows, FEATURES), np.array(labels, dtype=int))
        if silence is not None:
            count_silence(h, silence)
    return train, test


def _report(train: Sample, test: Sample, train_cut: date, test_cut: date, horizon: int) -> dict:
    if len(set(train.y)) < 2 or len(set(test.y)) < 2:
        raise InvalidInput("not enough churn observed for a time split (need churners and stayers on both sides)")
    out = {"horizon_days": horizon,
           "train": {"cutoff": train_cut.isoformat(), "customers": len(train.y), "churned": int(train.y.sum())},
           "test": {"cutoff": test_cut.isoformat(), "customers": len(test.y), "churned": int(test.y.sum())}}
    base = [FEATURES.index(n) for n in HOLDINGS_FEATURES]
    for key, cols in (("model", slice(None)), ("baseline", base)):
        calibrated, _ = fit(train.x[:, cols], train.y)
        out[key] = _scores(test.y, calibrated.predict_proba(test.x[:, cols])[:, 1])
    out["baseline"]["features"] = list(HOLDINGS_FEATURES)
    return out


def evaluate(h: History, horizon: int = HORIZON) -> dict:
    """Train at the first cutoff, test at the second; model and holdings-only baseline (one History)."""
    first = min(s[0][0] for s in h.series.values() if s)
    train_cut, test_cut = cutoffs(h.last_day, first, horizon)
    train, test = collect([h], train_cut, test_cut, horizon, _zone())
    return _report(train, test, train_cut, test_cut, horizon)


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(get_settings().display_timezone)


def score_batch(session, h: History, calibrated, plain, horizon: int) -> int:
    """Score each customer of one batch at the newest holdings day and write score and reasons."""
    ids, now_rows, _ = examples(h, h.last_day, None, _zone())
    x = _matrix(now_rows, FEATURES)
    p = calibrated.predict_proba(x)[:, 1] if len(ids) else np.array([])
    states = _locked_states(session, list(h.series), utcnow())
    for cid in states:
        states[cid].pop("churn", None)
    for i, cid in enumerate(ids):
        states[cid]["churn"] = {"score": round(float(p[i]), 4), "reasons": reasons(plain, x[i], FEATURES),
                                "as_of": h.last_day.isoformat(), "horizon_days": horizon}
    rows_out = [{"cid": cid, "st": st, "risk": (st.get("churn") or {}).get("score")} for cid, st in states.items()]
    if rows_out:
        session.execute(update(_T).where(_T.c.customer_id == bindparam("cid"))
                        .values(state=bindparam("st"), churn_risk=bindparam("risk")), rows_out)
    return len(ids)


def _span(engine: Engine) -> tuple[date | None, date | None, int]:
    with session_scope(engine) as session:
        first, last = session.execute(select(func.min(Holding.as_of), func.max(Holding.as_of))).one()
        customers = session.scalar(select(func.count()).select_from(Customer)) or 0
    return first, last, customers


def run(engine: Engine, horizon: int | None = HORIZON, batch: int = BATCH) -> dict:
    """Learn on a time split, report against the baseline, score everyone; ``horizon`` None:
    the longest up to 90 days the holdings allow (the demo bank's short history). Reads the bank
    ``batch`` customers at a time, twice: examples (and the page's arithmetic), then scores."""
    first, last, customers = _span(engine)
    if last is None:
        raise InvalidInput("no holdings: load some with `xinsheng ingest FILE --kind holdings` first")
    if horizon is None:
        horizon = longest_horizon((last - first).days) or HORIZON
    train_cut, test_cut = cutoffs(last, first, horizon)
    silence = new_silence()
    with session_scope(engine) as session:
        train, test = collect(iter_histories(session, batch), train_cut, test_cut, horizon, _zone(), silence=silence)
    report = _report(train, test, train_cut, test_cut, horizon)
    calibrated, plain = fit(test.x, test.y)  # everything labelled: the examples at the test cutoff
    scored = 0
    with session_scope(engine) as reader:
        for h in iter_histories(reader, batch):
            with session_scope(engine) as writer:  # a batch's rows locked only while it is written
                scored += score_batch(writer, h, calibrated, plain, horizon)
    with session_scope(engine) as session:
        held = select(Holding.customer_id).distinct()
        session.execute(update(_T).where(_T.c.customer_id.not_in(held)).values(churn_risk=None))
        save_silence(session, finish_silence(silence), last.isoformat())  # for the revenue-at-risk page
    report["current"] = {"scored": scored, "not_enough_data": customers - scored, "as_of": last.isoformat()}
    return report
