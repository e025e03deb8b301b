"""The bot never silently ignores a customer reference: an unknown one is a 404 naming it."""
from __future__ import annotations

from tests.knowledge.conftest import ask


def test_unknown_customer_ref_answers_404_naming_it(faq, bot, ingest):
    res = bot.post("/api/v1/assist/answer", json={"question": "转账失败怎么办", "customer_ref": "C-NOBODY"})
    assert res.status_code == 404
    body = res.json()
    assert body["error"] == "not_found" and "C-NOBODY" in body["message"]
    assert body["data"] == {"field": "customer_ref", "customer_ref": "C-NOBODY"}
    assert ingest.post("/api/v1/customers", json={"customer_ref": "C-NOBODY"}).status_code == 200
    assert ask(bot, "转账失败怎么办", customer_ref="C-NOBODY")["decision"] == "answer"
    assert ask(bot, "转账失败怎么办")["decision"] == "answer", "no customer_ref: nothing to check"
