"""Chinese personal names (with pinyin for e-mail addresses), by generation and gender."""
from __future__ import annotations

import random

from xinsheng.demo.rand import cpick

__all__ = ["person_name", "SURNAMES"]

# (surname, pinyin, relative frequency)
SURNAMES: tuple[tuple[str, str, int], ...] = (
    ("王", "wang", 72), ("李", "li", 72), ("张", "zhang", 68), ("刘", "liu", 55), ("陈", "chen", 45),
    ("杨", "yang", 31), ("黄", "huang", 24), ("赵", "zhao", 20), ("吴", "wu", 20), ("周", "zhou", 19),
    ("徐", "xu", 14), ("孙", "sun", 13), ("马", "ma", 12), ("朱", "zhu", 12), ("胡", "hu", 11),
    ("郭", "guo", 11), ("何", "he", 10), ("高", "gao", 10), ("林", "lin", 10), ("罗", "luo", 9),
    ("郑", "zheng", 9), ("梁", "liang", 8), ("谢", "xie", 7), ("宋", "song", 7), ("唐", "tang", 6),
    ("许", "xu", 6), ("韩", "han", 6), ("冯", "feng", 6), ("邓", "deng", 6), ("曹", "cao", 5),
    ("彭", "peng", 5), ("曾", "zeng", 5), ("肖", "xiao", 5), ("田", "tian", 5), ("董", "dong", 5),
    ("袁", "yuan", 4), ("潘", "pan", 4), ("于", "yu", 4), ("蒋", "jiang", 4), ("蔡", "cai", 4),
    ("余", "yu", 4), ("杜", "du", 4), ("叶", "ye", 4), ("程", "cheng", 4), ("苏", "su", 3),
    ("魏", "wei", 3), ("吕", "lv", 3), ("丁", "ding", 3), ("任", "ren", 3), ("沈", "shen", 3),
    ("姚", "yao", 3), ("卢", "lu", 3), ("姜", "jiang", 3), ("崔", "cui", 3), ("钟", "zhong", 3),
    ("谭", "tan", 3), ("陆", "lu", 3), ("汪", "wang", 3), ("范", "fan", 3), ("金", "jin", 3),
    ("石", "shi", 2), ("廖", "liao", 2), ("贾", "jia", 2), ("夏", "xia", 2), ("韦", "wei", 2),
    ("方", "fang", 2), ("白", "bai", 2), ("邹", "zou", 2), ("孟", "meng", 2), ("熊", "xiong", 2),
    ("秦", "qin", 2), ("邱", "qiu", 2), ("江", "jiang", 2), ("尹", "yin", 2), ("薛", "xue", 2),
    ("段", "duan", 2), ("雷", "lei", 2), ("侯", "hou", 2), ("龙", "long", 2), ("史", "shi", 2),
    ("陶", "tao", 2), ("黎", "li", 2), ("贺", "he", 2), ("顾", "gu", 2), ("毛", "mao", 2),
    ("郝", "hao", 1), ("龚", "gong", 1), ("邵", "shao", 1), ("万", "wan", 1), ("钱", "qian", 1),
    ("严", "yan", 1), ("武", "wu", 1), ("戴", "dai", 1), ("孔", "kong", 1), ("欧阳", "ouyang", 1),
    ("司马", "sima", 1), ("上官", "shangguan", 1),
)

_GIVEN: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("old", "M"): (
        ("建国", "jianguo"), ("国强", "guoqiang"), ("德明", "deming"), ("志刚", "zhigang"),
        ("建华", "jianhua"), ("卫东", "weidong"), ("振华", "zhenhua"), ("福生", "fusheng"),
        ("保国", "baoguo"), ("宝山", "baoshan"), ("永福", "yongfu"), ("长林", "changlin"),
        ("树林", "shulin"), ("国庆", "guoqing"), ("学文", "xuewen"), ("德华", "dehua"),
        ("春生", "chunsheng"), ("忠", "zhong"), ("海", "hai"), ("明", "ming"),
    ),
    ("old", "F"): (
        ("秀英", "xiuying"), ("桂兰", "guilan"), ("淑珍", "shuzhen"), ("玉兰", "yulan"),
        ("凤英", "fengying"), ("秀兰", "xiulan"), ("桂芳", "guifang"), ("素芬", "sufen"),
        ("玉珍", "yuzhen"), ("美华", "meihua"), ("丽华", "lihua"), ("淑华", "shuhua"),
        ("秀珍", "xiuzhen"), ("翠英", "cuiying"), ("桂英", "guiying"), ("兰", "lan"),
        ("芬", "fen"), ("珍", "zhen"),
    ),
    ("mid", "M"): (
        ("伟", "wei"), ("磊", "lei"), ("勇", "yong"), ("军", "jun"), ("杰", "jie"), ("涛", "tao"),
        ("斌", "bin"), ("强", "qiang"), ("海涛", "haitao"), ("建军", "jianjun"), ("志强", "zhiqiang"),
        ("晓东", "xiaodong"), ("立新", "lixin"), ("海波", "haibo"), ("永刚", "yonggang"),
        ("文斌", "wenbin"), ("国栋", "guodong"), ("春雷", "chunlei"), ("亮", "liang"), ("鹏", "peng"),
    ),
    ("mid", "F"): (
        ("丽", "li"), ("静", "jing"), ("敏", "min"), ("燕", "yan"), ("艳", "yan"), ("娟", "juan"),
        ("霞", "xia"), ("红梅", "hongmei"), ("海燕", "haiyan"), ("晓红", "xiaohong"),
        ("丽娟", "lijuan"), ("雪梅", "xuemei"), ("小芳", "xiaofang"), ("慧", "hui"),
        ("晓燕", "xiaoyan"), ("春燕", "chunyan"), ("丹", "dan"), ("琳", "lin"),
    ),
    ("young", "M"): (
        ("浩然", "haoran"), ("子轩", "zixuan"), ("宇航", "yuhang"), ("俊杰", "junjie"),
        ("博文", "bowen"), ("梓豪", "zihao"), ("一鸣", "yiming"), ("嘉豪", "jiahao"),
        ("泽宇", "zeyu"), ("天佑", "tianyou"), ("睿", "rui"), ("昊", "hao"), ("鹏飞", "pengfei"),
        ("子豪", "zihao"), ("思远", "siyuan"), ("宇", "yu"), ("晨", "chen"), ("俊熙", "junxi"),
    ),
    ("young", "F"): (
        ("欣怡", "xinyi"), ("雨涵", "yuhan"), ("梓涵", "zihan"), ("诗琪", "shiqi"), ("佳怡", "jiayi"),
        ("思雨", "siyu"), ("晓彤", "xiaotong"), ("可馨", "kexin"), ("婷", "ting"), ("璐", "lu"),
        ("雪", "xue"), ("梦琪", "mengqi"), ("欣然", "xinran"), ("子涵", "zihan"), ("语桐", "yutong"),
        ("佳琪", "jiaqi"), ("一诺", "yinuo"), ("若曦", "ruoxi"),
    ),
}

_SURNAME_CUM: list[int] = []
_acc = 0
for _s in SURNAMES:
    _acc += _s[2]
    _SURNAME_CUM.append(_acc)


def _generation(birth_year: int) -> str:
    if birth_year < 1965:
        return "old"
    return "mid" if birth_year < 1988 else "young"


def person_name(rng: random.Random, birth_year: int, gender: str | None) -> tuple[str, str]:
    """A (name, pinyin) pair whose given name fits the birth year and gender."""
    surname, sur_py, _ = cpick(rng, SURNAMES, _SURNAME_CUM)
    sex = gender if gender in ("M", "F") else rng.choice(("M", "F"))
    given, given_py = rng.choice(_GIVEN[(_generation(birth_year), sex)])
    return surname + given, sur_py + given_py
