"""Documents from templates, in Simplified Chinese and English, and documents staff add.

Each kind has two plain-text templates, `resolution/documents/<kind>.<en|zh>.txt`; a document
is rendered once per language and stored (`issue`), so what was issued is what is kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accord.accounts.models import User
from accord.accounts.permissions import primary_role
from accord.cases.models import Case
from accord.core.audit import audit_record
from accord.core.errors import Forbidden, ValidationFailed
from accord.resolution import workflow as wf
from accord.resolution.access import case_capabilities
from accord.resolution.inputs import clean_text
from accord.resolution.models import Clock, Document, Proceeding, StatuteRule

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


def issue(
    kind: str, p: Proceeding, actor: User | None, extra: dict[str, Any] | None = None
) -> list[Document]:
    """Render and store the document `kind` of proceeding `p`, once per language."""
    case = p.case
    ctx: dict[str, Any] = {
        "case": case,
        "p": p,
        "parties": party_rows(p.parties.all()),
        "clocks": list(p.clocks.select_related("rule").exclude(state=Clock.State.STOPPED)),
        **channel_context(p.channel),
        **(extra or {}),
    }
    now = timezone.now()
    docs = []
    for language, title, body in render(kind, ctx):
        docs.append(
            Document.objects.create(
                case=case,
                proceeding=p,
                kind=kind,
                language=language,
                title=title,
                body=body,
                created_by=actor if actor is not None and actor.is_authenticated else None,
                created_at=now,
            )
        )
    return docs


def rights_routes(case: Case, today: dt.date) -> list[dict[str, str]]:
    """The routes open after a failed mediation (art. 26), for this case's category first."""
    preferred = wf.channels_of_category(case.category.channels)
    formal = [c for c in preferred if c in wf.FORMAL]
    for c in (wf.LITIGATION_REFERRAL, wf.ADMIN_RECONSIDERATION, wf.PETITION):
        if c not in formal:
            formal.append(c)
    rows = []
    limits = {r.channel: r for r in StatuteRule.objects.filter(kind="limitation", active=True)}
    for c in formal:
        en, zh = wf.CHANNEL_NAMES[c]
        rule = limits.get(c)
        rows.append(
            {
                "channel": c,
                "en": en,
                "zh": zh,
                "limit_en": rule.basis_en if rule else "",
                "limit_zh": rule.basis_zh if rule else "",
            }
        )
    return rows


def document_add(
    *, actor: User, case: Case, kind: str, title: str, body: str, proceeding: Proceeding | None
) -> Document:
    if kind not in Document.Kind.values or kind in TEMPLATED:
        raise ValidationFailed(
            f"kind must be one of {', '.join(k for k in Document.Kind.values if k not in TEMPLATED)}"
        )
    title = clean_text(title, "title", required=True, limit=200)
    body = clean_text(body, "body", required=True, limit=50000)
    if wf.HANDLER not in case_capabilities(actor, case):
        raise Forbidden("you may not add documents to this case")
    with transaction.atomic():
        doc = Document.objects.create(
            case=case,
            proceeding=proceeding,
            kind=kind,
            language="",
            title=title,
            body=body,
            created_by=actor,
            created_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            role=primary_role(actor),
            action="document.add",
            object_type="case",
            object_id=case.reference,
            data={"kind": kind, "document": doc.pk},
        )
    return doc
