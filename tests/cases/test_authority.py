"""The authority pyramid: limits at their boundaries, who may decide, roles, broken files."""
from __future__ import annotations

from decimal import Decimal

import pytest

from xinsheng.cases.authority import default_authority, effective_level, load_authority
from xinsheng.cases.configfiles import ConfigFileError
from xinsheng.errors import Forbidden, InvalidInput


@pytest.fixture(scope="module")
def m():
    return load_authority()


@pytest.mark.parametrize("level, amount", [
    (1, 200), (1, "200.00"), (1, Decimal("0")), (2, 2000), (2, 200.01), (3, 20000), (3, "2000.01"),
    (4, 20000.01), (4, 10_000_000), (9, 10_000_000),
])
def test_decisions_within_the_level_pass(m, level, amount):
    m.check_decision(level, amount)  # no exception


@pytest.mark.parametrize("level, amount, need, label", [
    (1, 200.01, 2, "team lead"),       # one fen over the front line's 200
    (1, "200.01", 2, "team lead"),
    (1, 5000, 3, "complaint centre"),
    (2, 2000.01, 3, "complaint centre"),
    (3, 20000.01, 4, "head office, regulator-referred"),
])
def test_decisions_above_the_level_are_refused_naming_who_may(m, level, amount, need, label):
    with pytest.raises(Forbidden) as err:
        m.check_decision(level, amount)
    assert err.value.data["required_level"] == need
    assert f"needs authority level {need} ({label}); escalate the case" in err.value.message


def test_the_message_reads_well(m):
    with pytest.raises(Forbidden) as err:
        m.check_decision(1, 5000)
    assert err.value.message == "a compensation of 5,000 CNY needs authority level 3 (complaint centre); escalate the case"
    assert err.value.status == 403


@pytest.mark.parametrize("amount, need", [(0, 1), (200, 1), (200.01, 2), (2000, 2), (20000, 3), (20000.01, 4),
                                          (Decimal("1e9"), 4)])
def test_required_level(m, amount, need):
    assert m.required_level(amount) == need


@pytest.mark.parametrize("bad", [-0.01, -5, "-1", "abc", float("nan"), float("inf"), "Infinity", True, None, [1]])
def test_a_negative_or_non_numeric_amount_is_invalid_input(m, bad):
    with pytest.raises(InvalidInput) as err:
        m.check_decision(4, bad)
    assert err.value.data == {"field": "compensation_cny"} and err.value.status == 422
    assert "compensation_cny" in err.value.message


def test_labels_and_levels(m):
    assert [lv.level for lv in m.levels] == [1, 2, 3, 4]
    assert [m.label(n) for n in (1, 2, 3, 4)] == ["一线", "班组长", "投诉中心", "总行·监管转办"]
    assert m.label(2, "en") == "team lead"
    assert m.label(7, "en") == m.label(4, "en")  # above the top counts as the top
    assert [lv.compensation_limit_cny for lv in m.levels] == [Decimal(200), Decimal(2000), Decimal(20000), None]


@pytest.mark.parametrize("role, own, level", [
    ("agent", None, 1), ("support", None, 1), ("expert", None, 1), ("supervisor", None, 2),
    ("complaint_handler", None, 3), ("analyst", None, 1), ("agent", 4, 4), ("complaint_handler", 2, 2),
    ("supervisor", 12, 4),
])
def test_effective_level(m, role, own, level):
    assert m.effective_level(role, own) == level
    assert effective_level(role, own) == level  # the module function uses the default pyramid


def test_extension_approval_levels(m):
    assert (m.extension_level(1), m.extension_level(2), m.extension_level(3)) == (1, 3, None)


LIMITED = """
levels:
  - {level: 1, label: 一线, may_decide: [apology], compensation_limit_cny: 0}
  - {level: 2, label: 主管, may_decide: [apology, refund], compensation_limit_cny: "1,000"}
"""


def test_what_a_level_may_decide():
    m = load_authority(LIMITED)
    m.check_decision(1, 0, "apology")
    with pytest.raises(Forbidden) as err:
        m.check_decision(1, 0, "refund")
    assert err.value.data["required_level"] == 2 and err.value.message.startswith("a refund needs authority level 2")
    with pytest.raises(Forbidden) as err:
        m.check_decision(2, 50, "goodwill")  # nobody may
    assert err.value.data["required_level"] is None
    assert err.value.message == "no authority level may decide goodwill compensation"
    with pytest.raises(InvalidInput):
        m.check_decision(2, 50, "bribe")


def test_no_level_above_the_largest_limit():
    m = load_authority(LIMITED)
    with pytest.raises(Forbidden) as err:
        m.check_decision(2, 1000.5)
    assert err.value.data["required_level"] is None
    assert "the highest, level 2, may grant up to 1,000 CNY" in err.value.message


def test_default_authority_follows_the_setting(tmp_path, monkeypatch):
    from xinsheng.config import get_settings

    own = tmp_path / "a.yaml"
    own.write_text(LIMITED, "utf-8")
    monkeypatch.setenv("XINSHENG_CASES_AUTHORITY", str(own))
    get_settings.cache_clear()
    try:
        assert default_authority().top == 2
    finally:
        monkeypatch.delenv("XINSHENG_CASES_AUTHORITY")
        get_settings.cache_clear()
    assert default_authority().top == 4


BROKEN = [
    ("levels:\n  - {level: 2, label: a, compensation_limit_cny: 1}\n", 2, "expected 1, found 2"),
    ("levels:\n  - {level: 1, label: a, compensation_limit_cny: 100}\n"
     "  - {level: 2, label: b, compensation_limit_cny: 50}\n", 3, "level 2 may grant less (50 CNY) than level 1"),
    ("levels:\n  - {level: 1, label: a, compensation_limit_cny: unlimited}\n"
     "  - {level: 2, label: b, compensation_limit_cny: 50}\n", 3, "may grant less"),
    ("levels:\n  - level: 1\n    label: a\n    compensation_limit_cny: 10\n    may_decide: [apology, cash]\n",
     5, "unknown decision 'cash'"),
    ("levels:\n  - {level: 1, label: a, compensation_limit_cny: lots}\n", 2, "must be an amount in CNY"),
    ("levels:\n  - {level: 1, label: a, compensation_limit_cny: -5}\n", 2, "must be an amount of 0 or more"),
    ("levels:\n  - {level: 1, label: a, compensation_limit_cny: 5}\nrole_levels:\n  agnet: 1\n", 4,
     "unknown key 'agnet'"),
    ("levels:\n  - {level: 1, label: a, compensation_limit_cny: 5}\nrole_levels:\n  agent: 2\n", 4,
     "must be from 1 to 1"),
    ("levels: []\n", 1, "needs at least one level"),
    ("levels:\n  - {level: 1, label: a}\n", 2, "needs 'compensation_limit_cny'"),
    ("levels:\n  - {level: 1, label: a, compensation_limit_cny: 5\n", 3, "not valid YAML"),
    ("levels:\n  - {level: 1, label: a, compensation_limit_cny: 5, extensions: 1}\n"
     "  - {level: 2, label: b, compensation_limit_cny: 9}\n", 3, "fewer extensions"),
]


@pytest.mark.parametrize("text, line, problem", BROKEN)
def test_a_broken_authority_file_is_refused_with_line_and_problem(text, line, problem):
    with pytest.raises(ConfigFileError) as err:
        load_authority(text, source="bank_authority.yaml")
    assert err.value.message.startswith(f"bank_authority.yaml, line {line}: "), err.value.message
    assert problem in err.value.message
