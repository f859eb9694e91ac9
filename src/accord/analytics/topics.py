"""Suggested themes for free-text comments in Chinese and English (pure; no Django).

Chinese is segmented into words with jieba, English into lower-case words; stop words and
one-character Chinese words are dropped. Texts are grouped *per language* (a Chinese and an
English comment on the same subject share no words, so grouping them together would only
learn the language): each language's texts get TF-IDF vectors and k-means, with k chosen by
the cosine silhouette over 2..8 (or the caller's k, capped by the number of texts). Each
group's top terms are the heaviest terms of its centre, in the texts' own language. Staff
review and rename the groups; the same name given to a Chinese and an English group merges
them as one theme on the public page.

The result is aggregate: a label per text (the index of its group, or -1 for a text too
short to group) and per group its language, size and top terms. Deterministic for a seed.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import numpy as np

MIN_TOKENS = 2  # a text with fewer usable words is not grouped (label -1)
K_RANGE = (2, 8)
TOP_TERMS = 6

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[a-z][a-z'\-]*[a-z]|[a-z]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

EN_STOP = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not now of off on once only or other our ours out over
    own please really same she should so some such than that the their theirs them then there
    these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours think thing things lot many much
    get got make made us people one also still even very""".split()
)
ZH_STOP = frozenset(
    """的 了 和 是 在 我 我们 你 你们 他 她 它 他们 这 那 这个 那个 这些 那些 就 也 都 而 及
    与 或 一个 没有 不是 什么 怎么 因为 所以 但是 可以 希望 建议 觉得 认为 如果 还是 已经
    非常 真的 比较 有点 现在 问题 一些 一下 能够 能 会 要 让 把 被 给 对 对于 关于 之后 以后
    时候 大家 自己 这样 那样 还有 而且 并且 然后 其实 应该 需要 很多 太 很 最 更 吗 呢 吧 啊""".split()
)

_jieba = None


def _segmenter():
    global _jieba
    if _jieba is None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        _jieba = jieba
    return _jieba


def is_chinese(text: str) -> bool:
    """Mostly Chinese: more CJK characters than Latin letters."""
    cjk = len(_CJK.findall(text))
    latin = sum(ch.isascii() and ch.isalpha() for ch in text)
    return cjk > 0 and cjk >= latin


def tokens(text: str) -> list[str]:
    """The usable words of one text, in its own languages (both scripts are read)."""
    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        for w in _segmenter().lcut(run):
            if len(w) >= 2 and w not in ZH_STOP:
                out.append(w)
    for w in _LATIN_WORD.findall(text.lower()):
        if len(w) >= 3 and w not in EN_STOP:
            out.append(w)
    return out


@dataclass(frozen=True)
class Theme:
    index: int
    language: str  # "zh" or "en"
    size: int
    terms: tuple[str, ...]


@dataclass(frozen=True)
class ThemeResult:
    labels: list[int]  # per text: its theme's index, or -1 (too short to group)
    themes: list[Theme] = field(default_factory=list)
    k: dict[str, int] = field(default_factory=dict)  # groups chosen per language
    silhouette: dict[str, float | None] = field(default_factory=dict)


def _group(
    docs: list[list[str]], k: int | None, seed: int
) -> tuple[np.ndarray, list[tuple[str, ...]], float | None]:
    """k-means over TF-IDF for one language: labels 0..k-1, top terms per group, silhouette."""
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import silhouette_score

    n = len(docs)
    # A term in one text links no texts: dropped (min_df 2) once there are a few texts.
    vec = TfidfVectorizer(
        analyzer=lambda d: d, sublinear_tf=True, min_df=2 if n >= 6 else 1, max_df=0.6
    )
    try:
        x = vec.fit_transform(docs)
    except ValueError:  # every term pruned: one group
        return np.zeros(n, dtype=int), [()], None
    terms = np.array(vec.get_feature_names_out())
    if n < 3 or x.shape[1] < 2:
        cands = [1]
    elif k is not None:
        cands = [max(1, min(k, n - 1))]
    else:
        cands = list(range(K_RANGE[0], min(K_RANGE[1], n - 1) + 1))
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    for kk in cands:
        if kk == 1:
            labels = np.zeros(n, dtype=int)
            centres = np.asarray(x.mean(axis=0))
            score = -1.0
        else:
            km = KMeans(n_clusters=kk, n_init=10, random_state=seed).fit(x)
            labels, centres = km.labels_, km.cluster_centers_
            if len(set(labels)) < 2:
                continue
            score = float(silhouette_score(x, labels, metric="cosine"))
        if best is None or score > best[0] + 1e-9:
            best = (score, labels, centres)
    assert best is not None
    score, labels, centres = best
    # Groups renumbered by size (largest first), ties by first text, for stable output.
    order = sorted(
        set(labels.tolist()), key=lambda g: (-int((labels == g).sum()), int(np.argmax(labels == g)))
    )
    remap = {g: i for i, g in enumerate(order)}
    new = np.array([remap[g] for g in labels.tolist()], dtype=int)
    tops = []
    for g in order:
        w = centres[g]
        idx = [i for i in np.argsort(-w, kind="stable")[:TOP_TERMS] if w[i] > 0]
        tops.append(tuple(terms[i] for i in idx))
    return new, tops, (None if len(cands) == 1 and cands[0] == 1 else score)


def suggest_themes(texts: list[str], k: int | None = None, seed: int = 0) -> ThemeResult:
    """Suggested groups of `texts` (see the module doc). `k` is the number of groups per
    language (None: chosen by silhouette over 2..8)."""
    if k is not None and k < 1:
        raise ValueError("k must be at least 1")
    docs = [tokens(t or "") for t in texts]
    labels = [-1] * len(texts)
    themes: list[Theme] = []
    chosen: dict[str, int] = {}
    sil: dict[str, float | None] = {}
    for lang in ("zh", "en"):
        idx = [
            i
            for i, t in enumerate(texts)
            if len(docs[i]) >= MIN_TOKENS and (is_chinese(t or "") == (lang == "zh"))
        ]
        if not idx:
            continue
        g, tops, score = _group([docs[i] for i in idx], k, seed)
        base = len(themes)
        for j, terms in enumerate(tops):
            size = int((g == j).sum())
            themes.append(Theme(index=base + j, language=lang, size=size, terms=terms))
        for i, lab in zip(idx, g.tolist(), strict=True):
            labels[i] = base + lab
        chosen[lang] = len(tops)
        sil[lang] = score
    return ThemeResult(labels=labels, themes=themes, k=chosen, silhouette=sil)


def purity(labels: list[int], truth: list[int]) -> float:
    """Share of the grouped texts whose group's majority true class is their own (texts
    labelled -1 count as wrong)."""
    if not labels:
        return 0.0
    from collections import Counter

    groups: dict[int, Counter] = {}
    for lab, t in zip(labels, truth, strict=True):
        if lab >= 0:
            groups.setdefault(lab, Counter())[t] += 1
    return sum(c.most_common(1)[0][1] for c in groups.values()) / len(labels)
