"""Churn risk: a calibrated logistic model learned on observed churn with a time split.

Training examples are the customers at ``train_cutoff`` (features from data up to that day,
label: churn in the ``horizon`` days after); the model is scored on the customers at
``test_cutoff = train_cutoff + horizon`` (features up to then, churn in the horizon after).
Nothing at or after a cutoff reaches its features (churn_data.py; tests/profiles/
test_churn.py adds later data and checks the features do not move).

Against a baseline that sees the holdings trend only (the value of the experience signals):
AUC, Brier score and expected calibration error (10 equal-width bins). Probabilities come
from ``CalibratedClassifierCV`` (isotonic, 3 folds; sigmoid when there are few churners);
each score's reasons are the features that raise it most (coefficient × standardised value
of the uncalibrated logistic model). Then every current customer is scored at the newest
holdings day and the score and reasons are written to their profile row; a customer without
enough holdings gets none (not enough data).
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sqlalchemy import update
from sqlalchemy.engine import Engine

from xinsheng.config import get_settings
from xinsheng.db import session_scope, utcnow
from xinsheng.errors import InvalidInput
from xinsheng.profiles.churn_data import FEATURES, HOLDINGS_FEATURES, History, examples, load_history
from xinsheng.profiles.models import CustomerProfile
from xinsheng.profiles.store import _locked_states

_T = CustomerProfile.__table__


def _matrix(rows: list[dict], names: tuple[str, ...]) -> np.ndarray:
    return np.array([[r[n] for n in names] for r in rows], dtype=float).reshape(len(rows), len(names))


def fit(x: np.ndarray, y: np.ndarray):
    """(calibrated model, plain logistic pipeline for the reasons)."""
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


def cutoffs(last_day: date, first_day: date, horizon: int) -> tuple[date, date, int]:
    """(train cutoff, test cutoff, horizon): the horizon shrinks to a third of the data's span when
    the data are too short for two horizons after at least 14 days of history."""
    span = (last_day - first_day).days
    if span < 2 * horizon + 14:
        horizon = max(7, (span - 14) // 2)
    if span < 2 * horizon + 14 or horizon < 7:
        raise InvalidInput(f"not enough holdings history for a time split ({span} days)")
    test_cut = last_day - timedelta(days=horizon)
    return test_cut - timedelta(days=horizon), test_cut, horizon


def evaluate(h: History, horizon: int = 90) -> dict:
    """Train at the first cutoff, test at the second; model and holdings-only baseline."""
    first = min(s[0][0] for s in h.series.values() if s)
    train_cut, test_cut, horizon = cutoffs(h.last_day, first, horizon)
    tz = get_settings().display_timezone
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz)
    _, train_rows, train_y = examples(h, train_cut, horizon, zone)
    _, test_rows, test_y = examples(h, test_cut, horizon, zone)
    ytr, yte = np.array(train_y), np.array(test_y)
    if len(set(train_y)) < 2 or len(set(test_y)) < 2:
        raise InvalidInput("not enough churn observed for a time split (need churners and stayers on both sides)")
    out = {"horizon_days": horizon,
           "train": {"cutoff": train_cut.isoformat(), "customers": len(train_y), "churned": int(ytr.sum())},
           "test": {"cutoff": test_cut.isoformat(), "customers": len(test_y), "churned": int(yte.sum())}}
    for key, names in (("model", FEATURES), ("baseline", HOLDINGS_FEATURES)):
        calibrated, _ = fit(_matrix(train_rows, names), ytr)
        out[key] = _scores(yte, calibrated.predict_proba(_matrix(test_rows, names))[:, 1])
    out["baseline"]["features"] = list(HOLDINGS_FEATURES)
    return out


def score_current(engine: Engine, h: History, horizon: int) -> dict:
    """Fit on everything labelled (cutoff ``last_day - horizon``), score each customer at ``last_day``."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(get_settings().display_timezone)
    _, rows, y = examples(h, h.last_day - timedelta(days=horizon), horizon, zone)
    calibrated, plain = fit(_matrix(rows, FEATURES), np.array(y))
    ids, now_rows, _ = examples(h, h.last_day, None, zone)
    x = _matrix(now_rows, FEATURES)
    p = calibrated.predict_proba(x)[:, 1] if len(ids) else np.array([])
    at = utcnow()
    with session_scope(engine) as session:
        states = _locked_states(session, list(h.refs), at)
        for cid in states:
            states[cid].pop("churn", None)
        for i, cid in enumerate(ids):
            states[cid]["churn"] = {"score": round(float(p[i]), 4), "reasons": reasons(plain, x[i], FEATURES),
                                    "as_of": h.last_day.isoformat(), "horizon_days": horizon}
        rows_out = [{"cid": cid, "st": st, "risk": (st.get("churn") or {}).get("score")} for cid, st in states.items()]
        from sqlalchemy import bindparam

        session.execute(update(_T).where(_T.c.customer_id == bindparam("cid"))
                        .values(state=bindparam("st"), churn_risk=bindparam("risk")), rows_out)
    return {"scored": len(ids), "not_enough_data": len(h.refs) - len(ids), "as_of": h.last_day.isoformat()}


def run(engine: Engine, horizon: int = 90) -> dict:
    with session_scope(engine) as session:
        h = load_history(session)
    if h.last_day is None:
        raise InvalidInput("no holdings: load some with `xinsheng ingest FILE --kind holdings` first")
    report = evaluate(h, horizon)
    report["current"] = score_current(engine, h, report["horizon_days"])
    from xinsheng.profiles.risk import save_silence, silence_arithmetic

    with session_scope(engine) as session:
        save_silence(session, silence_arithmetic(h), h.last_day.isoformat())  # for the revenue-at-risk page
    return report
