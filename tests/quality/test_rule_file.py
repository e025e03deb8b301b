"""A rule file the supervisor breaks is refused with its line; an edited one changes verdicts."""
from __future__ import annotations

import pytest

from xinsheng.quality.engine import check
from xinsheng.quality.rules import DEFAULT_RULES, RuleFileError, parse_rules
from xinsheng.quality.transcript import TranscriptError, Turn, parse_turns

SHIPPED = DEFAULT_RULES.read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_yaml_syntax_error_names_its_line():
    broken = SHIPPED.replace('    - "录音|录制|录下"', '    - "录音|录制|录下"\n   bad: [unclosed')
    with pytest.raises(RuleFileError) as err:
        parse_rules(broken, "rules.yaml")
    assert err.value.line in (_line_of(broken, "bad: [unclosed"), _line_of(broken, "bad: [unclosed") + 1)
    assert f"line {err.value.line}" in err.value.message


def test_a_pattern_that_does_not_compile_names_its_line():
    broken = SHIPPED.replace('"稍等|稍候', '"(稍等|稍候')
    with pytest.raises(RuleFileError) as err:
        parse_rules(broken, "rules.yaml")
    assert err.value.line == _line_of(broken, '"(稍等|稍候')


def test_an_unknown_concept_or_kind_names_the_rule_line():
    broken = SHIPPED.replace("require: {concept: recording, speaker: agent}", "require: {concept: recordin, speaker: agent}")
    with pytest.raises(RuleFileError) as err:
        parse_rules(broken, "rules.yaml")
    assert err.value.line == _line_of(broken, "concept: recordin,") and "recordin" in err.value.problem
    wrong_kind = SHIPPED.replace("kind: care\n    weight: 5\n    label_zh: 不抢话", "kind: nice\n    weight: 5\n    label_zh: 不抢话")
    with pytest.raises(RuleFileError) as err:
        parse_rules(wrong_kind, "rules.yaml")
    assert err.value.line == _line_of(wrong_kind, "code: talk_over")


def test_a_supervisor_adds_a_forbidden_statement_as_data():
    extra = SHIPPED.replace("  hold:\n", '  blame:\n    - "(你|您)自己的问题|怪(你|您)自己"\n  hold:\n') + (
        "  - code: no_blame\n    kind: forbidden\n    weight: 20\n    forbid: {concept: blame, speaker: agent}\n")
    rules = parse_rules(extra, "edited.yaml")
    turns = [Turn("customer", 0, 3, "钱转错了"), Turn("agent", 3.5, 6, "这是您自己的问题，我们管不了")]
    got = {f["rule"]: f for f in check(turns, rules, emotions=lambda t: [{}] * len(t))["findings"]}
    assert got["no_blame"]["passed"] is False and got["no_blame"]["evidence"] == "这是您自己的问题"


def test_a_transcript_line_that_is_no_turn_is_refused_with_its_line():
    good = '{"speaker": "agent", "start": 0, "end": 1, "text": "您好"}'
    with pytest.raises(TranscriptError) as err:
        parse_turns([good, '{"speaker": "robot", "start": 1, "end": 2, "text": "x"}'])
    assert err.value.line == 2
    with pytest.raises(TranscriptError) as err:
        parse_turns([good, "", '{"speaker": "agent", "start": 3, "end": 2, "text": "x"}'])
    assert err.value.line == 3
