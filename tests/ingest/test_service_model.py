"""A bank's own model switches the service without code: XINSHENG_VOC_MODEL makes ingest
analyse with it, and every stored analysis says which model produced it."""
from __future__ import annotations

import random

from sqlalchemy import select

from tests.factories import interaction
from tests.insights.counts import write_ndjson
from xinsheng.config import get_settings
from xinsheng.db import session_scope
from xinsheng.ingest.files import ingest_file
from xinsheng.interactions.models import Interaction, InteractionAnalysis
from xinsheng.voc.registry import save_model_dir
from xinsheng.voc.train import train_model

_INTENTS = {
    "房贷提前还款": ["我想{a}提前还一部分房贷", "房贷{a}能不能提前结清", "{a}提前还款要付违约金吗"],
    "外币兑换": ["{a}想换一些美元", "日元{a}怎么兑换", "{a}外币现钞去哪个网点换"],
}
_FILL = ["", "请问", "麻烦问下", "我", "下个月"]


def _bank_model(folder):
    rng = random.Random(5)
    rows = [(rng.choice(tpl).format(a=rng.choice(_FILL)), label)
            for label, tpl in _INTENTS.items() for _ in range(60)]
    model = train_model("topic", [r[0] for r in rows], [r[1] for r in rows])
    return save_model_dir(folder, model, "topic")


def test_ingest_analyses_with_the_configured_bank_model(engine, settings_env, tmp_path, monkeypatch):
    folder = _bank_model(tmp_path / "bank_topics")
    monkeypatch.setenv("XINSHENG_VOC_MODEL", str(folder))
    get_settings.cache_clear()
    src = tmp_path / "contacts.ndjson"
    write_ndjson(src, [interaction(1, customer_ref=None, text="请问房贷可以提前还款吗"),
                       interaction(2, customer_ref=None, text="我想把人民币换成美元现钞")])

    report = ingest_file(src, "interactions", engine)

    assert report.accepted == 2
    with session_scope(engine) as s:
        rows = s.execute(select(Interaction.external_id, InteractionAnalysis.topics, InteractionAnalysis.model_version)
                         .join(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
                         .order_by(Interaction.external_id)).all()
    assert [r.topics[0]["code"] for r in rows] == ["房贷提前还款", "外币兑换"]
    assert all(r.model_version.startswith("bank_topics:topic:") for r in rows)


def test_without_a_configured_model_the_built_in_one_is_recorded(engine, settings_env, tmp_path):
    src = tmp_path / "contacts.ndjson"
    write_ndjson(src, [interaction(1, customer_ref=None, text="手机银行登录不上")])

    ingest_file(src, "interactions", engine)

    with session_scope(engine) as s:
        analysis = s.scalars(select(InteractionAnalysis)).one()
    assert analysis.model_version == "builtin"
    assert analysis.topics[0]["code"] == "mobile_banking.login_failure"
