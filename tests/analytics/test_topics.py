"""accord.analytics.topics: planted bilingual themes are recovered, the result is
deterministic, and empty, one-text and too-short inputs are handled."""

from __future__ import annotations

import pytest

from accord.analytics.topics import purity, suggest_themes, tokens
from accord.analytics.topics_synth import planted_corpus


def test_planted_themes_are_recovered():
    texts, truth, _ = planted_corpus(n_themes=5, per_theme=40, seed=1)
    r = suggest_themes(texts, seed=0)
    assert purity(r.labels, truth) >= 0.8
    assert set(r.k) == {"zh", "en"}
    assert all(2 <= k <= 8 for k in r.k.values())
    assert sum(t.size for t in r.themes) == sum(lab >= 0 for lab in r.labels)
    # Top terms are in the group's own language.
    for t in r.themes:
        assert t.terms
        zh = all(any("\u4e00" <= ch <= "\u9fff" for ch in w) for w in t.terms)
        assert zh == (t.language == "zh")


def test_given_k_per_language():
    texts, truth, _ = planted_corpus(n_themes=3, per_theme=30, zh_share=0.0, seed=2)
    r = suggest_themes(texts, k=3, seed=0)
    assert r.k == {"en": 3}
    assert purity(r.labels, truth) >= 0.9


def test_deterministic_for_a_seed():
    texts, _, _ = planted_corpus(n_themes=4, per_theme=25, seed=3)
    assert suggest_themes(texts, seed=7) == suggest_themes(texts, seed=7)


def test_empty_one_and_short_texts():
    assert suggest_themes([]).labels == []
    assert suggest_themes([]).themes == []
    one = suggest_themes(["The parking on our street is a problem for cars"])
    assert one.labels == [0] and one.themes[0].size == 1
    r = suggest_themes(["ok", "", "的", "停车位太少，汽车乱停"])
    assert r.labels[:3] == [-1, -1, -1]
    assert r.labels[3] == 0 and r.themes[0].language == "zh"
    with pytest.raises(ValueError):
        suggest_themes(["a b"], k=0)


def test_chinese_is_segmented_into_words():
    assert "停车" in tokens("小区停车很难")
    assert "parking" in tokens("The PARKING is bad") and "the" not in tokens("the parking")
