"""Survey definitions, triggers and fatigue rules, read from YAML (``surveys/data/surveys.yaml``,
or the file named by ``XINSHENG_SURVEYS_FILE``).

Scores follow the standard definitions (docs/surveys.md, ../shared CONTRACT "Surveys"):

* CSAT 1–5: value = share of answers 4 or 5, in %;
* NPS 0–10: value = % promoters (9–10) − % detractors (0–6), in points from −100 to 100;
* CES 1–7: value = the mean score (1 very little effort, 7 a great deal).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import time
from functools import lru_cache
from pathlib import Path

import yaml

from xinsheng.errors import InvalidInput

DEFAULT_FILE = Path(__file__).parent / "data" / "surveys.yaml"
LANGS = ("zh", "en")
#: metric -> (lowest score, highest score)
SCALES: dict[str, tuple[int, int]] = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
AFTER = ("contact", "case_closed")


@dataclass(frozen=True)
class Survey:
    code: str
    metric: str
    question: dict[str, str]
    low: dict[str, str]
    high: dict[str, str]
    open_question: dict[str, str] | None = None
    points: int = 0  # incentive per answered invitation (0: none)

    @property
    def scale(self) -> tuple[int, int]:
        return SCALES[self.metric]


@dataclass(frozen=True)
class Trigger:
    code: str
    after: str
    survey: str
    sampling: float = 1.0
    channels: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()

    def matches(self, after: str, *, channel: str | None = None, event: str | None = None,
                outcome: str | None = None, kind: str | None = None) -> bool:
        """True when this trigger covers the event (an empty list matches anything)."""
        if after != self.after:
            return False
        pairs = ((self.channels, channel), (self.events, event), (self.outcomes, outcome), (self.kinds, kind))
        return all(not wanted or value in wanted for wanted, value in pairs)


@dataclass(frozen=True)
class Fatigue:
    days_between: int = 30
    quiet_start: time | None = time(21, 0)
    quiet_end: time | None = time(8, 0)
    expires_days: int = 7
    max_delay_hours: int = 48


@dataclass(frozen=True)
class SurveyConfig:
    surveys: dict[str, Survey]
    triggers: tuple[Trigger, ...]
    fatigue: Fatigue = field(default_factory=Fatigue)

    def survey(self, code: str) -> Survey | None:
        return self.surveys.get(code)

    def by_metric(self, metric: str) -> Survey | None:
        return next((s for s in self.surveys.values() if s.metric == metric), None)


def _bad(where: str, problem: str) -> InvalidInput:
    return InvalidInput(f"surveys file: {where}: {problem}", data={"field": where})


def _texts(raw, where: str, required: bool = True) -> dict[str, str] | None:
    if raw is None and not required:
        return None
    if not isinstance(raw, dict) or any(not isinstance(raw.get(lang), str) or not raw[lang].strip()
                                        for lang in LANGS):
        raise _bad(where, "needs a zh and an en text")
    return {lang: raw[lang] for lang in LANGS}


def _survey(code: str, raw: dict) -> Survey:
    metric = raw.get("metric")
    if metric not in SCALES:
        raise _bad(f"surveys.{code}.metric", f"must be one of {', '.join(SCALES)}")
    points = raw.get("points", 0)
    if not isinstance(points, int) or isinstance(points, bool) or not 0 <= points <= 100_000:
        raise _bad(f"surveys.{code}.points", "a whole number from 0 to 100000")
    return Survey(code=code, metric=metric, points=points,
                  question=_texts(raw.get("question"), f"surveys.{code}.question"),
                  low=_texts(raw.get("low"), f"surveys.{code}.low"), high=_texts(raw.get("high"), f"surveys.{code}.high"),
                  open_question=_texts(raw.get("open_question"), f"surveys.{code}.open_question", required=False))


def _trigger(i: int, raw: dict, surveys: dict[str, Survey]) -> Trigger:
    where = f"triggers[{i}]"
    if not isinstance(raw, dict) or raw.get("after") not in AFTER:
        raise _bad(f"{where}.after", f"must be one of {', '.join(AFTER)}")
    if raw.get("survey") not in surveys:
        raise _bad(f"{where}.survey", f"unknown survey {raw.get('survey')!r}")
    sampling = raw.get("sampling", 1.0)
    if not isinstance(sampling, (int, float)) or not 0 <= sampling <= 1:
        raise _bad(f"{where}.sampling", "a number from 0 to 1")
    lists = {k: tuple(str(v) for v in (raw.get(k) or ())) for k in ("channels", "events", "outcomes", "kinds")}
    return Trigger(code=str(raw.get("code") or f"trigger{i}"), after=raw["after"], survey=raw["survey"],
                   sampling=float(sampling), **lists)


def _clock(text: str) -> time:
    hh, mm = text.split(":")
    return time(int(hh), int(mm))


def _fatigue(raw: dict | None) -> Fatigue:
    raw = raw or {}
    quiet = raw.get("quiet_hours")
    start = end = None
    if quiet:
        try:
            start, end = (_clock(part.strip()) for part in str(quiet).split("-"))
        except ValueError:
            raise _bad("fatigue.quiet_hours", "HH:MM-HH:MM, e.g. 21:00-08:00") from None
    ints = {k: raw.get(k, getattr(Fatigue, k)) for k in ("days_between", "expires_days", "max_delay_hours")}
    for k, v in ints.items():
        if not isinstance(v, int) or v < 0:
            raise _bad(f"fatigue.{k}", "a whole number ≥ 0")
    return Fatigue(quiet_start=start, quiet_end=end, **ints)


def parse_config(text: str) -> SurveyConfig:
    """The configuration in ``text`` (YAML); a mistake answers InvalidInput naming its place."""
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise _bad("file", f"not valid YAML ({exc})") from None
    surveys_raw = raw.get("surveys") or {}
    if not isinstance(surveys_raw, dict) or not surveys_raw:
        raise _bad("surveys", "at least one survey")
    surveys = {str(code): _survey(str(code), body or {}) for code, body in surveys_raw.items()}
    triggers = tuple(_trigger(i, t, surveys) for i, t in enumerate(raw.get("triggers") or []))
    return SurveyConfig(surveys=surveys, triggers=triggers, fatigue=_fatigue(raw.get("fatigue")))


@lru_cache(maxsize=4)
def _load(path: str) -> SurveyConfig:
    return parse_config(Path(path).read_text(encoding="utf-8"))


def load_config() -> SurveyConfig:
    """The configuration in force (``XINSHENG_SURVEYS_FILE``, else the shipped file)."""
    return _load(os.environ.get("XINSHENG_SURVEYS_FILE") or str(DEFAULT_FILE))
