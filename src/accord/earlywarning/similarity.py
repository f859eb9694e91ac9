"""Near-duplicate descriptions and group thresholds. Pure.

Character n-grams need no word segmentation, so the same code compares Chinese and English
text: "恒达建筑拖欠工资" and "Hengda owes wages" are each cut into overlapping character pairs
after Unicode (NFKC) folding, lower-casing and collapsing punctuation and spaces.
"""

from __future__ import annotations

import math
import re
import unicodedata

import numpy as np
from scipy.sparse import csr_matrix
from scipy.stats import poisson

_SEP = re.compile(r"[\W_]+", re.UNICODE)


def normalise_text(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).lower()
    return _SEP.sub(" ", s).strip()


def ngrams(text: str, n: int = 2) -> frozenset[str]:
    """The set of character n-grams of the normalised text (a text shorter than n is one
    gram)."""
    s = normalise_text(text)
    if len(s) < n:
        return frozenset([s]) if s else frozenset()
    return frozenset(s[i : i + n] for i in range(len(s) - n + 1))


def cosine(a: frozenset[str], b: frozenset[str]) -> float:
    """Cosine similarity of two n-gram sets seen as 0/1 vectors: |a ∩ b| / √(|a|·|b|). Sets
    rather than counts: the intersection runs in C, which matters because every filing is
    compared with the recent cases of its township and category."""
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def gram_codes(text: str) -> np.ndarray:
    """The character bigrams of `ngrams(text)` as exact integers, sorted: a pair is its two
    code points (21 bits each); a one-character text is its code point over 21 set bits,
    which no pair can be (code points end at 0x10FFFF). For `cosine_matrix`."""
    codes = sorted(
        (ord(g[0]) << 21) | (ord(g[1]) if len(g) == 2 else 0x1FFFFF) for g in ngrams(text, 2)
    )
    return np.array(codes, dtype=np.int64)


def cosine_matrix(queries: list[np.ndarray], rows: list[np.ndarray]) -> np.ndarray:
    """`cosine` of every query against every row (an array of len(queries) × len(rows)),
    from `gram_codes`: the intersections are counted with one sparse matrix product instead
    of a set intersection per pair. The values are exactly those of `cosine` (the same
    integer counts, one division and one square root each)."""
    out = np.zeros((len(queries), len(rows)))
    if not queries or not rows:
        return out
    q_len = np.array([len(a) for a in queries], dtype=np.int64)
    r_len = np.array([len(b) for b in rows], dtype=np.int64)
    _values, cols = np.unique(np.concatenate([*queries, *rows]), return_inverse=True)
    width = int(cols.max()) + 1 if cols.size else 1
    split = int(q_len.sum())

    def matrix(lengths: np.ndarray, columns: np.ndarray) -> csr_matrix:
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        ones = np.ones(len(columns), dtype=np.int64)
        return csr_matrix((ones, columns, indptr), shape=(len(lengths), width))

    inter = (matrix(q_len, cols[:split]) @ matrix(r_len, cols[split:]).T).toarray()
    denom = np.sqrt((q_len[:, None] * r_len[None, :]).astype(np.float64))
    np.divide(inter, denom, out=out, where=denom > 0)
    return out


def similarity(a: str, b: str, n: int = 2) -> float:
    """Cosine similarity of the character n-gram sets, 0 … 1."""
    return cosine(ngrams(a, n), ngrams(b, n))


def group_threshold(
    baseline_cases: int, baseline_days: int, window_days: int, min_cases: int, q: float = 0.999
) -> int:
    """How many cases against one respondent within `window_days` make a group: at least
    `min_cases`, and more than that respondent's usual number (the `q` quantile of a Poisson
    with the rate seen over the previous `baseline_days`), so that a large landlord or employer
    with a steady trickle of complaints is not flagged every month."""
    if baseline_days <= 0:
        return min_cases
    mean = baseline_cases * window_days / baseline_days
    usual = int(poisson.ppf(q, mean)) if mean > 0 else 0
    return max(min_cases, usual + 1)
