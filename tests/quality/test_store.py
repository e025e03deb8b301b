"""``xinsheng qa run``'s work: stored phone calls with transcripts are checked once, their
findings kept, failed mandatory rules queued for review, verdicts recorded."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.quality.builders import T0, add_calls
from xinsheng.db import session_scope
from xinsheng.errors import InvalidInput
from xinsheng.interactions.models import Interaction
from xinsheng.quality.actions import do_check_calls, do_review, drawn_for_sample
from xinsheng.quality.models import QaCheck, QaFinding, QaReview
from xinsheng.quality.rules import default_rules


def test_calls_are_checked_once_and_failures_queued(engine):
    ids = add_calls(engine, ["d01_wealth_disclosed", "d02_fund_promise_no_disclosure", "d06_details_before_identity_no_notice"])
    with session_scope(engine) as s:
        s.add(Interaction(source="test", external_id="no-turns", channel="phone", started_at=T0, attributes={}, pii=[]))
    with session_scope(engine) as s:
        report = do_check_calls(s)
    # d02 misses the risk disclosure, d06 the identity check and the recording notice: both mandatory
    assert report["checked"] == 3 and report["without_transcript"] == 1
    assert report["failed_mandatory"] == 2
    with session_scope(engine) as s:
        checks = {c.interaction_id: c for c in s.scalars(select(QaCheck))}
        assert checks[ids["d02_fund_promise_no_disclosure"]].score == 45.0
        assert checks[ids["d02_fund_promise_no_disclosure"]].needs_review
        assert checks[ids["d01_wealth_disclosed"]].needs_review == drawn_for_sample(ids["d01_wealth_disclosed"],
                                                                                   default_rules().review_sample)
        assert checks[ids["d01_wealth_disclosed"]].team == "理财一组"
        promise = s.scalar(select(QaFinding).where(QaFinding.rule == "forbidden_promise", QaFinding.passed.is_(False)))
        assert promise.evidence == "这个肯定不会亏"
    with session_scope(engine) as s:
        assert do_check_calls(s)["checked"] == 0  # nothing new


def test_an_overturn_needs_a_reason_and_a_second_verdict_replaces_the_first(engine):
    add_calls(engine, ["d02_fund_promise_no_disclosure"])
    with session_scope(engine) as s:
        do_check_calls(s)
    with session_scope(engine) as s:
        fid = s.scalar(select(QaFinding.id).where(QaFinding.rule == "forbidden_promise"))
        with pytest.raises(InvalidInput) as err:
            do_review(s, fid, "overturn", "  ", "sup1")
        assert err.value.data["field"] == "reason"
        do_review(s, fid, "confirm", None, "sup1")
    with session_scope(engine) as s:
        do_review(s, fid, "overturn", "客户自己说的，不是坐席承诺", "sup2")
    with session_scope(engine) as s:
        (review,) = s.scalars(select(QaReview)).all()
        assert (review.verdict, review.reviewer, review.rule) == ("overturn", "sup2", "forbidden_promise")


def test_the_random_sample_is_stable_and_near_its_share():
    drawn = [drawn_for_sample(i, 0.1) for i in range(1, 5001)]
    assert drawn == [drawn_for_sample(i, 0.1) for i in range(1, 5001)]
    assert 0.08 < sum(drawn) / 5000 < 0.12  # binomial sd ≈ 0.004
    assert not any(drawn_for_sample(i, 0.0) for i in range(100))
