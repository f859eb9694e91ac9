"""The batch near-duplicate comparison (`gram_codes` + `cosine_matrix`) gives exactly the
values of the plain set cosine, for any texts: Chinese, English, astral characters, one
character, empty."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.earlywarning.similarity import cosine, cosine_matrix, gram_codes, ngrams

# Few distinct characters, so that texts share bigrams and cosines are spread over 0…1.
TEXT = st.text(alphabet=st.sampled_from("ab c,恒达工资\U0001f600\U0002a6d6"), max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=6), st.lists(TEXT, min_size=1, max_size=8))
def test_cosine_matrix_equals_the_set_cosine_exactly(queries, rows):
    m = cosine_matrix([gram_codes(q) for q in queries], [gram_codes(r) for r in rows])
    assert m.shape == (len(queries), len(rows))
    for i, q in enumerate(queries):
        for j, r in enumerate(rows):
            assert m[i, j] == cosine(ngrams(q), ngrams(r))  # exactly, not approximately


@given(TEXT)
def test_gram_codes_are_one_distinct_integer_per_bigram(text):
    codes = gram_codes(text)
    assert len(codes) == len(ngrams(text)) == len(np.unique(codes))
    assert list(codes) == sorted(codes)


def test_a_one_character_text_is_not_confused_with_a_pair():
    # "a" alone is coded above every pair's range: never equal to "a" + any character.
    assert gram_codes("a")[0] & 0x1FFFFF == 0x1FFFFF > 0x10FFFF
    assert cosine_matrix([gram_codes("a")], [gram_codes("a\U0002a6d6")])[0, 0] == 0.0
    assert cosine_matrix([gram_codes("a")], [gram_codes("A")])[0, 0] == 1.0


def test_no_queries_or_no_rows_give_an_empty_matrix():
    assert cosine_matrix([], [gram_codes("abc")]).shape == (0, 1)
    assert cosine_matrix([gram_codes("abc")], []).shape == (1, 0)
    assert cosine_matrix([gram_codes("")], [gram_codes("")])[0, 0] == 0.0
