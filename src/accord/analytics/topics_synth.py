"""A synthetic bilingual corpus with planted themes, for the tests and bench of
accord.analytics.topics (pure; no Django).

Each comment is a sentence template in Chinese or English filled with two or three of its
theme's words and two to four noise words shared by every theme (place names, times, generic
complaints), so a theme is recognisable only by its own words."""

from __future__ import annotations

import random

THEMES: dict[str, dict[str, list[str]]] = {
    "parking": {
        "en": ["parking", "cars", "spaces", "garage", "permit", "parked", "pavement", "tow"],
        "zh": ["停车", "车位", "车库", "停车证", "乱停", "汽车", "占道", "拖车"],
    },
    "noise": {
        "en": ["noise", "loud", "music", "night", "dancing", "construction", "quiet", "sleep"],
        "zh": ["噪音", "吵闹", "广场舞", "音乐", "夜里", "施工", "安静", "睡觉"],
    },
    "green": {
        "en": ["trees", "park", "garden", "grass", "green", "benches", "flowers", "playground"],
        "zh": ["绿地", "树木", "公园", "草坪", "花园", "绿化", "长椅", "花草"],
    },
    "bus": {
        "en": ["bus", "route", "stop", "timetable", "driver", "buses", "line", "transfer"],
        "zh": ["公交", "线路", "站点", "班次", "公交车", "司机", "换乘", "发车"],
    },
    "rent": {
        "en": ["rent", "landlord", "tenants", "lease", "deposit", "housing", "rents", "eviction"],
        "zh": ["房租", "租金", "房东", "租户", "押金", "租房", "合同", "涨租"],
    },
}

NOISE = {
    "en": ["street", "neighbourhood", "morning", "weekend", "residents", "problem", "older",
           "children", "community", "block", "worse", "every", "day", "near", "school"],
    "zh": ["街道", "小区", "早上", "周末", "居民", "老人", "孩子", "社区", "附近", "学校",
           "每天", "情况", "楼下", "越来越", "严重"],
}  # fmt: skip

# Templates are mostly function words (stop words to the grouping) with slots for the
# theme's words {a} {b} {c} and the shared noise words {n1} {n2}.
TEMPLATES = {
    "en": [
        "The {a} near our {n1} is a problem, and {b} too, every {n2}.",
        "Please do something about the {a} and the {b}; the {n1} think so.",
        "I would like {a} in the {n1}. {b} and {c} matter for {n2}.",
        "{a}? Since the {n1}, the {b} is {n2}.",
        "As one of the {n1}: the {a}, the {b}, the {c}.",
        "About {a}: the {n1} {n2}, and {b} and {c} should be looked at.",
        "What about the {a} or the {b} in this {n1}?",
        "{n1} {n2}: {a}, {b}.",
    ],
    "zh": [
        "我们{n1}的{a}问题很{n2}，{b}也是。",
        "希望解决{a}和{b}的问题，{n1}也这样认为。",
        "{n1}的{a}，还有{b}{c}，都需要看一下。",
        "{a}！{n1}{n2}都是{b}。",
        "作为{n1}，关于{a}、{b}和{c}我有建议。",
        "关于{a}，{n1}{n2}，{b}和{c}应该看一下。",
        "{n1}的{a}和{b}怎么办？",
        "{n1}{n2}：{a}，{b}。",
    ],
}


def planted_corpus(
    n_themes: int = 5, per_theme: int = 60, zh_share: float = 0.5, seed: int = 0
) -> tuple[list[str], list[int], list[str]]:
    """`per_theme` comments on each of the first `n_themes` themes, a share `zh_share` of
    them in Chinese, shuffled. Returns (texts, true theme index per text, theme names)."""
    names = list(THEMES)[:n_themes]
    rng = random.Random(seed)
    rows: list[tuple[str, int]] = []
    for t, name in enumerate(names):
        for _ in range(per_theme):
            lang = "zh" if rng.random() < zh_share else "en"
            a, b, c = rng.sample(THEMES[name][lang], 3)
            n1, n2 = rng.sample(NOISE[lang], 2)
            text = rng.choice(TEMPLATES[lang]).format(a=a, b=b, c=c, n1=n1, n2=n2)
            extra = rng.sample(NOISE[lang], rng.randint(0, 2))
            sep = "" if lang == "zh" else " "
            text = sep.join([text, *extra])
            rows.append((text, t))
    rng.shuffle(rows)
    return [r[0] for r in rows], [r[1] for r in rows], names
