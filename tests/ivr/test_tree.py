"""The menu tree as data: the shipped tree, and broken trees refused with the reason."""
import pytest

from xinsheng.ivr.tree import TreeInvalid, builtin_tree, describe, offered, parse_tree

STATIC = ["balance", "transfer", "card", "credit_card", "wealth", "loan", "fx", "case_progress", "complaint", "agent"]

SMALL = """
root: root
nodes:
  root:
    prompt: {zh: 请选择, en: Please choose}
    options:
      - {code: balance, label: {zh: 余额, en: Balance}}
      - {code: more, label: {zh: 更多, en: More}, goto: more}
      - {code: complaint, label: {zh: 投诉, en: Complaints}, pinned: true}
  more:
    prompt: {zh: 更多, en: More}
    options:
      - {code: back, label: {zh: 返回, en: Back}, goto: %s}
"""


def _problems(source: str) -> list[tuple[str, str]]:
    with pytest.raises(TreeInvalid) as err:
        parse_tree(source)
    return [(p.where, p.key) for p in err.value.problems]


def test_shipped_tree_has_the_contract_codes_in_static_order():
    tree = builtin_tree()
    root = tree.node("root")
    assert [o.code for o in root.options] == STATIC
    assert [o.code for o in offered(root, open_case=False)] == [c for c in STATIC if c != "case_progress"]
    assert [o.code for o in offered(root, open_case=True)] == STATIC
    assert root.option("complaint").pinned and root.option("case_progress").requires == "open_case"
    assert root.option("transfer").label == {"zh": "转账汇款", "en": "Transfers and remittances"}


def test_a_tree_without_a_loop_is_accepted():
    tree = parse_tree(SMALL % "null")
    assert list(tree.nodes) == ["root", "more"]


def test_a_loop_is_refused_with_its_path():
    problems = _problems(SMALL % "root")
    assert problems == [("nodes.more.options[0].goto", "ivr_tree_loop")]
    with pytest.raises(TreeInvalid) as err:
        parse_tree(SMALL % "root")
    assert describe(err.value.problems[0], "zh") == "菜单形成循环：root → more → root"
    assert describe(err.value.problems[0], "en") == "The menu loops: root → more → root"


def test_a_missing_node_is_refused():
    assert _problems(SMALL % "nowhere") == [("nodes.more.options[0].goto", "ivr_tree_missing_node")]


def test_removing_or_unpinning_complaint_is_refused():
    removed = SMALL.replace("      - {code: complaint, label: {zh: 投诉, en: Complaints}, pinned: true}\n", "")
    assert _problems(removed % "null") == [("nodes.root.options", "ivr_tree_removed")]
    unpinned = SMALL.replace(", pinned: true", "")
    assert _problems(unpinned % "null") == [("nodes.root.options", "ivr_tree_unpinned")]
    moved = (SMALL % "null").replace("      - {code: complaint, label: {zh: 投诉, en: Complaints}, pinned: true}\n", "") \
        + "      - {code: complaint, label: {zh: 投诉, en: Complaints}, pinned: true}\n"
    assert _problems(moved) == [("nodes.root.options", "ivr_tree_removed")]


def test_missing_english_label_duplicate_code_and_bad_yaml():
    no_en = (SMALL % "null").replace("{zh: 余额, en: Balance}", "{zh: 余额}")
    assert _problems(no_en) == [("nodes.root.options[0].label.en", "ivr_tree_missing_lang")]
    dup = (SMALL % "null").replace("code: more, label: {zh: 更多", "code: balance, label: {zh: 更多")
    assert _problems(dup) == [("nodes.root.options[1].code", "ivr_tree_duplicate")]
    assert _problems("nodes: [unclosed")[0][1] == "ivr_tree_yaml"
