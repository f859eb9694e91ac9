"""Near-duplicate descriptions and group thresholds. Pure.

Character n-grams need no word segmentation, so the same code compares Chinese and English
text: "恒达建筑拖欠工资" and "Hengda owes wages" are each cut into overlapping character pairs
after Unicode (NFKC) folding, lower-casing and collapsing punctuation and spaces.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

from scipy.stats import poisson

_SEP = re.compile(r"[\W_]+", re.UNICODE)


def normalise_text(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).lower()
    return _SEP.sub(" ", s).strip()


def ngrams(text: str, n: int = 2) -> Counter[str]:
    """Character n-grams of the normalised text (a text shorter than n is one gram)."""
    s = normalise_text(text)
    if len(s) < n:
        return Counter([s]) if s else Counter()
    return Counter(s[i : i + n] for i in range(len(s) - n + 1))


def cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb)


def similarity(a: str, b: str, n: int = 2) -> float:
    """Cosine similarity of character n-gram counts, 0 … 1."""
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
