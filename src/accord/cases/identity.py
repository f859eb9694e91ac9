"""How cases and parties are recognised without plaintext: the tracking secret's hash, the
normalised name of an organisation (so spellings of one company compare equal) and the keyword
blind index of a case's description (and its rebuild after the index key changed)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from django.db import transaction

from accord.cases.models import Case, CaseSearchToken
from accord.core.crypto import search_tokens

_ORG_SUFFIXES = (
    "有限责任公司", "股份有限公司", "有限公司", "集团", "公司", "co., ltd.", "co. ltd", "co ltd",
    "company limited", "limited", "ltd", "inc", "llc", "corporation", "corp", "company", "co",
)  # fmt: skip


def normalise_org_name(name: str) -> str:
    """Fold case, width and punctuation and strip legal-form suffixes, so that
    "Hengda Construction Co., Ltd." and "HENGDA CONSTRUCTION" compare equal."""
    s = unicodedata.normalize("NFKC", name).lower().strip()
    changed = True
    while changed:
        changed = False
        for suffix in _ORG_SUFFIXES:
            if s.endswith(suffix) and len(s) > len(suffix):
                s = s[: -len(suffix)].rstrip(" ,.")
                changed = True
    return re.sub(r"[\W_]+", "", s)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


DESCRIPTION_INDEX = "case.description"


def description_tokens(case: Case) -> list[str]:
    """The keyword blind index of the case's description (keyed HMAC per word), sorted."""
    return sorted(search_tokens(DESCRIPTION_INDEX, case.description or ""))


def rebuild_description_index(*, progress=None, batch: int = 500) -> int:
    """Recompute the keyword blind index of every case (after ACCORD_INDEX_KEY changed)."""
    total = Case.objects.count()
    done = written = 0
    last = 0
    while True:
        with transaction.atomic():
            cases = list(Case.objects.filter(pk__gt=last).order_by("pk")[:batch])
            if not cases:
                break
            CaseSearchToken.objects.filter(case__in=cases).delete()
            rows = [CaseSearchToken(case=c, token=t) for c in cases for t in description_tokens(c)]
            CaseSearchToken.objects.bulk_create(rows)
            written += len(rows)
            done += len(cases)
            last = cases[-1].pk
        if progress:
            progress(f"  case keyword index: {done:,}/{total:,} cases")
    return written
