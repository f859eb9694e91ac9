"""The bigram codes (`similarity.gram_codes`) of case descriptions for the near-copy check
(`earlywarning.groups`), decrypted and cut once per process and kept in a bounded cache."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import numpy as np

from accord.cases.models import Case
from accord.core import crypto
from accord.earlywarning.similarity import gram_codes


class _GramCache:
    """(case id, row key) → bigram codes of its description (`gram_codes`), most recently
    used first, per process. The row key is random per row, so a reused id (a rolled-back test) never hits.

    Every filing is compared with up to NEARDUP_LOOKBACK recent cases of its township and
    category; decrypting and cutting those again for each filing was most of the intake's
    time. Descriptions never change after filing (purge empties them, and anonymised cases are
    not compared), so an entry never goes stale. It holds derived codes in memory only, never in
    the database."""

    def __init__(self, size: int = 8192) -> None:
        self.size = size
        self._d: OrderedDict[tuple[int, Any], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: Iterable[tuple[int, Any]]) -> dict[tuple[int, Any], np.ndarray]:
        with self._lock:
            out = {}
            for key in keys:
                g = self._d.get(key)
                if g is not None:
                    self._d.move_to_end(key)
                    out[key] = g
            return out

    def put(self, key: tuple[int, Any], grams: np.ndarray) -> None:
        with self._lock:
            self._d[key] = grams
            self._d.move_to_end(key)
            while len(self._d) > self.size:
                self._d.popitem(last=False)


_GRAMS = _GramCache()


def codes_of(keys: list[tuple[int, Any]]) -> dict[tuple[int, Any], np.ndarray]:
    """The bigram codes of these cases' descriptions (from the cache, else decrypted)."""
    found = _GRAMS.get_many(keys)
    missing = [pk for pk, row_key in keys if (pk, row_key) not in found]
    if missing:
        rows = Case.objects.filter(pk__in=missing).values_list("pk", "description", "row_key")
        for pk, raw, row_key in rows:
            g = gram_codes(_plain(raw, row_key))
            _GRAMS.put((pk, row_key), g)
            found[(pk, row_key)] = g
    return found


def _plain(raw: str, row_key) -> str:
    """A case description read with values_list (no model instance): decrypt it here."""
    if not crypto.is_sealed(raw):
        return raw or ""
    return crypto.unseal(raw, crypto.aad(Case._meta.db_table, "description", row_key))


def remember(key: tuple[int, Any], codes: np.ndarray) -> None:
    """Keep the codes of a description just cut (a new case's, read from its instance)."""
    _GRAMS.put(key, codes)
