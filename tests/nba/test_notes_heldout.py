"""Note understanding on held-out phrasings (issue 16: "whatever the wording of the note").

These sentences were written before the generalisation layer (notes_general.py) and without
looking at the lexicon's word lists: from seed 003 (the client with bad teeth and 三高 given
crabs and wine, the client afraid of flying given a lounge, the film lover) and from how
advisors jot notes down. They must never be copied into ``data/concepts.yaml`` or
``data/morphemes.yaml``: the point is to measure what the reading does on wordings it was not
told about. ``benchmarks/eval_nba_notes.py`` prints precision and recall on them, with and
without the generalisation layer.

Each entry: (note, care gestures it rules out, care gestures it raises).
"""
from __future__ import annotations

from xinsheng.nba.catalogue import shipped_catalogue
from xinsheng.nba.notes import read_notes

CARE = ("gift_wine", "gift_hairy_crab", "airport_lounge", "movie_tickets", "golf_day", "skyline_dinner")
WINE, CRAB, LOUNGE, FILM, GOLF, SKY = CARE

HELD_OUT: list[tuple[str, set[str], set[str]]] = [
    # flying: likes
    ("常飞美国，看孩子", set(), {LOUNGE}),
    ("一年飞十几趟，基本住在航站楼", set(), {LOUNGE}),
    ("航空公司白金卡会员，常年飞来飞去", set(), {LOUNGE}),
    # flying: fears (seed 003: 很害怕坐飞机，只能坐高铁)
    ("坐飞机腿软", {LOUNGE}, set()),
    ("一上飞机就吐", {LOUNGE}, set()),
    ("上了飞机手心冒汗", {LOUNGE}, set()),
    ("对坐飞机有心理阴影", {LOUNGE}, set()),
    ("能坐高铁绝不坐飞机", {LOUNGE}, set()),
    ("飞行途中会头晕恶心", {LOUNGE}, set()),
    # alcohol (seed 003: 红酒现在都不敢喝)
    ("红酒现在都不敢喝了", {WINE}, set()),
    ("不沾酒", {WINE}, set()),
    ("戒酒了", {WINE}, set()),
    ("酒量差，一杯就倒", {WINE}, set()),
    ("肝不好，医生不让喝", {WINE}, set()),
    ("喝酒会上脸过敏", {WINE}, set()),
    ("爱喝两口小酒", set(), {WINE}),
    ("收藏了不少葡萄酒", set(), {WINE}),
    # diabetes and other conditions
    ("血糖高", {WINE}, set()),
    ("有点糖尿，在控糖", {WINE}, set()),
    ("每天打胰岛素", {WINE}, set()),
    ("尿酸高，关节老疼", {WINE, CRAB}, set()),
    # teeth (seed 003: 你看我的牙，这么好吃的东西我也吃不了)
    ("嘴里没几颗牙了", {CRAB}, set()),
    ("牙都快掉光了", {CRAB}, set()),
    ("刚拔了两颗牙", {CRAB}, set()),
    ("满口牙松动，吃东西费劲", {CRAB}, set()),
    # religion and diet
    ("信佛吃素", {CRAB}, set()),
    ("吃全素", {CRAB}, set()),
    ("家里供着菩萨，不杀生", {CRAB}, set()),
    ("清真", {WINE}, set()),
    ("只吃清真餐", {WINE}, set()),
    ("初一十五吃斋念佛", {CRAB}, set()),
    # seafood
    ("吃了海货就起疹子", {CRAB}, set()),
    ("一碰河鲜就浑身痒", {CRAB}, set()),
    # films (seed 003: 他喜欢看电影)
    ("看电影是最大爱好", set(), {FILM}),
    ("院线新片几乎场场不落", set(), {FILM}),
    ("周末总带孙子去影城", set(), {FILM}),
    ("对看片不感冒", {FILM}, set()),
    ("电影院太吵，从来不去", {FILM}, set()),
    # golf
    ("周末都在球场挥杆", set(), {GOLF}),
    ("高球打了十几年", set(), {GOLF}),
    ("打高尔夫腰受过伤，现在不打了", {GOLF}, set()),
    # heights
    ("住高层都不敢往阳台外看", {SKY}, set()),
    ("一到高的地方就头晕", {SKY}, set()),
    # nothing ruled out, nothing raised
    ("儿子是牙医", set(), set()),
    ("航天系统退休", set(), set()),
    ("素质很高，沟通顺畅", set(), set()),
    ("戒烟了，身体不错", set(), set()),
    ("血糖血压都正常", set(), set()),
    ("牙口很好，什么都嚼得动", set(), set()),
    ("在酒店做前台", set(), set()),
    ("糖果店老板", set(), set()),
    ("不怕飞，经常出国", set(), {LOUNGE}),
    ("老伴去年走了，心情低落", set(), set()),
    ("只接受上午来电", set(), set()),
]

#: Written after the generalisation layer was built from the misses on HELD_OUT, and before
#: the layer was run on them: the unbiased measure of the layer (HELD_OUT informed it).
FRESH: list[tuple[str, set[str], set[str]]] = [
    ("出国一般选夜航班，常年商务舱", set(), {LOUNGE}),
    ("坐飞机耳朵疼得受不了", {LOUNGE}, set()),
    ("上次颠簸后再也不敢坐飞机", {LOUNGE}, set()),
    ("心脏不好，不能坐长途飞机", {LOUNGE}, set()),
    ("出门都是自驾，飞机能免则免", {LOUNGE}, set()),
    ("一滴酒都不能碰", {WINE}, set()),
    ("喝了酒就心慌", {WINE}, set()),
    ("胃出血后再没喝过", {WINE}, set()),
    ("好酒，家里有个酒窖", set(), {WINE}),
    ("糖尿病多年，甜的一口不碰", {WINE}, set()),
    ("血脂偏高，医生叮嘱少油少酒", {WINE, CRAB}, set()),
    ("尿酸一直超标", {WINE, CRAB}, set()),
    ("老人家牙齿松了好几颗", {CRAB}, set()),
    ("戴活动假牙，啃不动硬的", {CRAB}, set()),
    ("吃长素多年", {CRAB}, set()),
    ("是虔诚的佛教徒", {CRAB}, set()),
    ("穆斯林，不碰酒精", {WINE}, set()),
    ("海鲜吃多了会痛风发作", {CRAB, WINE}, set()),
    ("对甲壳类过敏", {CRAB}, set()),
    ("吃螃蟹嘴会肿", {CRAB}, set()),
    ("逢新片上映必去电影院", set(), {FILM}),
    ("家里装了家庭影院，爱看大片", set(), {FILM}),
    ("休息时喜欢去电影院", set(), {FILM}),
    ("看电影会睡着，没兴趣", {FILM}, set()),
    ("球龄二十年，常去球会", set(), {GOLF}),
    ("每周下场打一轮高尔夫", set(), {GOLF}),
    ("膝盖做过手术，打不了高尔夫了", {GOLF}, set()),
    ("坐摩天轮都紧张", {SKY}, set()),
    ("不敢站在高楼窗边", {SKY}, set()),
    ("海归博士", set(), set()),
    ("在航空公司做地勤", set(), set()),
    ("喜欢喝茶", set(), set()),
    ("影响不大", set(), set()),
    ("照片拍得好", set(), set()),
    ("宝贝孙子刚出生", set(), set()),
    ("人很朴素", set(), set()),
    ("新鲜事物接受快", set(), set()),
    ("杠杆炒股亏过钱", set(), set()),
    ("飞速发展的企业老板", set(), set()),
    ("不怕坐飞机", set(), set()),
    ("牙好胃口好", set(), set()),
    ("佛山人", set(), set()),
]


def judge(reader=read_notes, sentences=None) -> dict[str, dict[str, int]]:
    """Counts over (note, care gesture) pairs: tp/fp/fn for 'ruled out' and for 'raised'."""
    offers = [shipped_catalogue().by_code[c] for c in CARE]
    out = {k: {"tp": 0, "fp": 0, "fn": 0} for k in ("ruled_out", "raised")}
    for text, out_codes, up_codes in (HELD_OUT if sentences is None else sentences):
        reading = reader([text])
        got_out = {o.code for o in offers if reading.rules_out(o)}
        got_up = {o.code for o in offers if reading.raises(o)}
        for kind, got, want in (("ruled_out", got_out, out_codes), ("raised", got_up, up_codes)):
            out[kind]["tp"] += len(got & want)
            out[kind]["fp"] += len(got - want)
            out[kind]["fn"] += len(want - got)
    return out


def rates(c: dict[str, int]) -> tuple[float, float]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return p, r


def test_the_generalisation_layer_reads_the_held_out_wordings():
    (p_out, r_out), (p_up, r_up) = (rates(c) for c in judge().values())
    base = judge(lambda notes: read_notes(notes, general=False))
    assert r_out == 1.0 and r_up == 1.0 and p_out >= 0.9 and p_up == 1.0
    assert rates(base["ruled_out"])[1] < 0.6  # the lexicon alone misses half of them


def test_on_fresh_wordings_it_does_better_than_the_lexicon_alone():
    after = judge(sentences=FRESH)
    before = judge(lambda notes: read_notes(notes, general=False), FRESH)
    assert rates(after["ruled_out"])[1] >= 0.8 > rates(before["ruled_out"])[1]
    assert rates(after["ruled_out"])[0] >= 0.9 and rates(after["raised"])[0] == 1.0
    assert rates(after["raised"])[1] > rates(before["raised"])[1]


def test_no_test_wording_is_copied_into_the_word_lists():
    """No clause of a test note is in the morpheme layer; no whole note is in the concepts
    (single words such as 穆斯林 were in the concepts before these sentences were written)."""
    from importlib import resources

    data = resources.files("xinsheng.nba").joinpath("data")
    concepts, pieces = (data.joinpath(f).read_text("utf-8") for f in ("concepts.yaml", "morphemes.yaml"))
    for text, _o, _u in HELD_OUT + FRESH:
        assert len(text) <= 3 or text not in concepts, text
        for clause in text.replace("，", ",").split(","):
            assert len(clause) <= 2 or clause not in pieces, clause


def test_an_offer_a_new_wording_rules_out_is_excluded_with_the_note_as_reason():
    from datetime import datetime, timezone

    from xinsheng.nba.rank import Facts, rank

    facts = Facts(customer_ref="C-NOTE-1", segment="private", age=60, risk_level=3,
                  notes=("只接受上午来电", "坐飞机腿软", "嘴里没几颗牙了"))
    ranking = rank(shipped_catalogue(), facts, [], datetime(2026, 12, 1, tzinfo=timezone.utc), limit=20)
    reasons = {e["code"]: e["reason"] for e in ranking.excluded}
    assert reasons["airport_lounge"] == "坐飞机腿软"
    assert reasons["gift_hairy_crab"] == "嘴里没几颗牙了"
    assert "airport_lounge" not in {i["code"] for i in ranking.items}
