"""Documents from templates, in Simplified Chinese and English.

Each kind has two plain-text templates, `resolution/documents/<kind>.<en|zh>.txt`; a document
is rendered once per language and stored, so what was issued is what is kept.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from accord.resolution import workflow as wf

TITLES = {
    "acceptance_notice": ("Notice of acceptance", "受理通知书"),
    "rights_notice": ("Notice of rights", "权利告知书"),
    "mediation_agreement": ("Mediation agreement", "人民调解协议书"),
    "referral_letter": ("Referral letter", "转介函"),
    "supervision_order": ("Supervision order", "督办通知书"),
    "dossier_cover": ("Dossier cover", "卷宗封面"),
}
TEMPLATED = tuple(TITLES)
LANGUAGES = (("en", "en"), ("zh", "zh-hans"))

ROLE_ZH = {"applicant": "申请人", "respondent": "被申请人", "third_party": "第三人"}


def party_rows(parties: Any) -> list[dict[str, str]]:
    return [
        {"name": p.name, "role": p.role, "role_zh": ROLE_ZH.get(p.role, p.role)} for p in parties
    ]


def channel_context(channel: str, prefix: str = "") -> dict[str, str]:
    en, zh = wf.CHANNEL_NAMES.get(channel, (channel, channel))
    return {f"{prefix}channel_en": en, f"{prefix}channel_zh": zh}


def render(kind: str, context: dict[str, Any]) -> list[tuple[str, str, str]]:
    """[(language, title, body)] for English and Chinese."""
    out = []
    for suffix, language in LANGUAGES:
        with translation.override(language):
            body = render_to_string(f"resolution/documents/{kind}.{suffix}.txt", context)
        en, zh = TITLES[kind]
        out.append((language, zh if suffix == "zh" else en, body.strip() + "\n"))
    return out
