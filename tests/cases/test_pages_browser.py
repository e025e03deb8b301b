"""In a real browser: an agent opens a case from the customer page and escalates it; business
support finds it in the tier queue at once and reads the whole story; a decision above their
authority is refused beside the form; the monitor's pyramid; Chinese and English pages.

Expected values are set up by hand (which cases exist at which level and tier, what the
customer said), not read back from the code under test.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from tests.cases.builders import add_contact, add_customer, open_case, set_case
from tests.support.browser import browser_page

pytestmark = pytest.mark.browser
CALL = ("坐席：您好，请问有什么可以帮您？\n"
        "客户：我上周赎回的理财到现在还没到账，我非常着急！\n"
        "坐席：我帮您查一下。")
KEY_SENTENCE = "我上周赎回的理财到现在还没到账，我非常着急！"
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture
def world(engine, base_url):
    add_customer(engine)
    add_contact(engine, "call-1", agent_ref="A-1", started_at=datetime.now(timezone.utc) - timedelta(hours=2),
                text=CALL, topics=["wealth.redemption"])
    return base_url


def _no_ui_chinese(page, *data: str) -> list[str]:
    """CJK characters of the page's visible text, once the data (customer words, the brand,
    the link to the Chinese page) is taken out."""
    text = page.locator("body").inner_text()
    for d in (*data, "心声", "中文"):
        text = text.replace(d, "")
    return CJK.findall(text)


def test_open_escalate_hand_over_and_refuse_a_decision_above_authority(world, engine, browser, sign_in):
    base = world
    with browser_page("zh-CN", browser=browser) as page:
        sign_in(page, base, "agent", agent_ref="A-1")
        page.goto(base + "/customers/C-WANG")
        page.locator("#open-case summary").click()
        page.select_option("#open-kind", "complaint")
        page.fill("#open-title", "理财赎回款未到账")
        page.select_option("#open-topic", "wealth.redemption")
        page.select_option("#open-source", "call-1")
        page.fill("#open-text", "客户称上周赎回的理财款仍未到账")
        page.click("#open-case-submit")
        expect(page.locator("#case-ref")).to_have_text(re.compile(r"^CS\d+"))
        ref = page.locator("#case-ref").inner_text()
        expect(page.locator("#case-tier")).to_have_attribute("data-tier", "1")
        form = page.locator("#form-escalate")
        form.locator("select[name=to_tier]").select_option("2")
        form.locator("textarea[name=reason]").fill("客户已第二次来电，需业务支持核查资金流向")
        form.get_by_role("button", name="升级").click()
        expect(page.locator("#done")).to_contain_text(ref)  # back in the agent's queue: the case left it
        expect(page.locator(f"tr.case[data-ref='{ref}']")).to_have_count(0)

    with browser_page("zh-CN", browser=browser) as page:
        sign_in(page, base, "support")
        page.click("#nav-cases")
        page.click("#tab-tier")
        row = page.locator(f"tr.case[data-ref='{ref}']")
        expect(row).to_be_visible()
        expect(row).to_contain_text("理财赎回款未到账")
        row.get_by_role("link", name=ref).click()
        expect(page.locator("#case-tier")).to_have_attribute("data-tier", "2")
        expect(page.locator("#timeline li.item")).to_have_count(1)
        expect(page.locator("#timeline")).to_contain_text(KEY_SENTENCE)
        escalated = page.locator("#events li[data-action='escalate']")
        expect(escalated).to_contain_text("客户已第二次来电，需业务支持核查资金流向")
        expect(escalated).to_contain_text("升级")
        expect(page.locator("#handoff-sentences")).to_contain_text(KEY_SENTENCE)
        expect(page.locator("#handoff-sentences")).not_to_contain_text("我帮您查一下")  # the agent's words
        expect(page.locator("#handoff-topics")).to_contain_text("理财 › 赎回申购")
        expect(page.locator("#handoff-tried li[data-action='escalate']")).to_be_visible()
        expect(page.locator("#kb-suggestions h2")).to_have_text("知识推荐（按工单内容）")

        decide = page.locator("#form-decide")
        decide.locator("textarea[name=resolution]").fill("退还赎回延迟期间的利息并补偿")
        decide.locator("input[name=compensation_cny]").fill("1500")
        decide.get_by_role("button", name="作出处理决定").click()
        error = page.locator("#error-decide")
        expect(error).to_contain_text("L2 班组长")
        expect(error).to_contain_text("1,500")
        expect(page.locator("#form-decide input[name=compensation_cny]")).to_have_value("1500")
        expect(page.locator("#form-decide textarea[name=resolution]")).to_have_value("退还赎回延迟期间的利息并补偿")
        expect(page.locator("#case-status")).to_have_text("待处理")  # nothing was decided

        page.goto(f"{base}/cases/{ref}?lang=en")
        expect(page.locator("#handoff h2")).to_have_text("Hand-off summary")
        expect(page.locator("#kb-suggestions h2")).to_have_text("Suggested answers (for the case's text)")
        assert _no_ui_chinese(page, CALL, KEY_SENTENCE, "理财赎回款未到账", "客户称上周赎回的理财款仍未到账",
                              "客户已第二次来电，需业务支持核查资金流向") == []
        page.goto(f"{base}/cases?queue=tier&lang=en")
        expect(page.locator("#tab-tier")).to_contain_text("Unassigned in my tier")
        assert _no_ui_chinese(page, "理财赎回款未到账") == []


def test_monitor_pyramid_equals_the_cases_set_up_in_both_languages(world, engine, browser, sign_in):
    base = world
    placed = [(1, 1), (1, 1), (1, 2), (2, 2), (3, 3), (3, 3), (3, 3)]  # (level, tier) of open cases
    for level, tier in placed:
        set_case(engine, open_case(engine), authority_level=level, tier=tier)
    set_case(engine, open_case(engine), status="closed")  # closed: not in the pyramid
    # by hand: L1 = 2 at tier 1 + 1 at tier 2; L2 = 1 at tier 2; L3 = 3 at tier 3; L4 none; 7 in all
    expected = {"L4": ["0", "0", "0", "0"], "L3": ["0", "0", "3", "3"], "L2": ["0", "1", "0", "1"],
                "L1": ["2", "1", "0", "3"]}
    with browser_page("zh-CN", browser=browser) as page:
        sign_in(page, base, "supervisor")
        page.click("#nav-monitor")
        expect(page.locator("#open-total")).to_have_text("7")
        rows = page.locator("#table-pyramid tbody tr")
        expect(rows).to_have_count(4)
        for i in range(4):
            cells = rows.nth(i).locator("td").all_inner_texts()
            assert cells[1:] == expected[cells[0].split()[0]], cells
        expect(page.locator("#table-pyramid tfoot")).to_contain_text("合计")
        expect(page.locator("#chart-pyramid .main-svg").first).to_be_visible()
        expect(page.locator("#chart-sla .main-svg").first).to_be_visible()
        expect(page.locator("#table-sla tbody tr").first).to_contain_text("正常")
        page.goto(base + "/cases/monitor?lang=en")
        expect(page.locator("#panel-pyramid h2")).to_have_text("Open cases by authority level and tier (the pyramid)")
        expect(page.locator("#table-pyramid tbody tr").last.locator("td").first).to_have_text("L1 front line")
        expect(page.locator("#chart-ageing .main-svg").first).to_be_visible()
        assert _no_ui_chinese(page) == []
