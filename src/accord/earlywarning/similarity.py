"""Near-duplicate descriptions and group thresholds. Pure.

Character n-grams need no word segmentation, so the same code compares Chinese and English
text: "恒达建筑拖欠工资" and "Hengda owes wages" are each cut into overlapping character pairs
after Unicode (NFKC) folding, lower-casing and collapsing punctuation and spaces.
"""

from __future__ import annotations

import math
import re
import unicodedata

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
