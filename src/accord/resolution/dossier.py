"""The dossier of a case: a JSON bundle and a PDF (fpdf2 with a CJK font from Debian).

The PDF embeds Noto Sans CJK SC (Debian package fonts-noto-cjk) so that Chinese text renders
and can be extracted. The font is looked up in ACCORD_CJK_FONT (a .ttf/.otf/.ttc path), then
in the usual Debian locations; if none is found a clear error says how to install it.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accord.accounts.models import User
from accord.accounts.permissions import primary_role
from accord.cases.models import Case
from accord.core.audit import audit_record
from accord.core.errors import DomainError
from accord.resolution import present
from accord.resolution.models import Document, FollowUp
from accord.resolution.selectors import dossier_checklist

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


class FontMissing(DomainError):
    status = 503
    code = "cjk_font_missing"


@functools.lru_cache(maxsize=4)
def _find_font(configured: str | None) -> tuple[str, int]:
    paths = [configured] if configured else list(FONT_CANDIDATES)
    for path in paths:
        if path and Path(path).is_file():
            return path, _sc_index(path)
    raise FontMissing(
        "No CJK font found for the dossier PDF (looked for "
        + ", ".join(p for p in paths if p)
        + "). Install it with `apt-get install -y fonts-noto-cjk` or set ACCORD_CJK_FONT "
        "to a .ttf/.otf/.ttc file with Chinese glyphs."
    )


def _sc_index(path: str) -> int:
    """In a font collection, the index of the Simplified Chinese face (0 otherwise)."""
    if not path.lower().endswith(".ttc"):
        return 0
    from fontTools.ttLib import TTCollection

    collection = TTCollection(path, lazy=True)
    for i, font in enumerate(collection.fonts):
        name = font["name"].getDebugName(1) or ""
        if name.endswith(" SC") or "SC" in name.split():
            return i
    return 0


def cjk_font() -> tuple[str, int]:
    return _find_font(getattr(settings, "ACCORD_CJK_FONT", None))


def bundle(case: Case, *, actor: Any) -> dict[str, Any]:
    """Everything in the dossier as JSON."""
    procs = case.proceedings.select_related("handling_area", "case", "previous", "assignee")
    return {
        "case": {
            "reference": case.reference,
            "category": case.category.code,
            "area": case.area.code,
            "handling_area": case.handling_area.code,
            "tier": case.tier,
            "status": case.status,
            "description": case.description,
            "created_at": case.created_at,
            "closed_at": case.closed_at,
            "parties": [
                {"role": p.role, "kind": p.kind, "name": p.name} for p in case.parties.all()
            ],
        },
        "timeline": [
            {
                "at": e.created_at,
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "note": e.note,
                "data": e.data,
            }
            for e in case.events.order_by("created_at", "id")
        ],
        "proceedings": [present.proceeding_detail(p, actor) for p in procs],
        "follow_ups": [
            present.followup_dict(f)
            for f in FollowUp.objects.filter(case=case).select_related("case", "proceeding")
        ],
        "documents": [
            {**present.document_summary(d), "body": d.body}
            for d in Document.objects.filter(case=case).select_related("proceeding")
        ],
        "checklist": dossier_checklist(case),
        "exported_at": timezone.now(),
    }


def pdf(case: Case, *, actor: Any) -> bytes:
    """The dossier as a PDF: cover with the checklist, then every document, then the timeline."""
    from fpdf import FPDF

    path, index = cjk_font()
    doc = FPDF(format="A4")
    doc.set_auto_page_break(auto=True, margin=15)
    doc.add_font("cjk", fname=path, collection_font_number=index)
    doc.set_title(f"{case.reference} 卷宗 dossier")

    def heading(text: str) -> None:
        doc.set_font("cjk", size=15)
        doc.multi_cell(0, 9, text, new_x="LMARGIN", new_y="NEXT", align="L")
        doc.ln(2)

    def body(text: str) -> None:
        doc.set_font("cjk", size=10.5)
        doc.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT", align="L")
        doc.ln(3)

    doc.add_page()
    heading(f"卷宗 Dossier · {case.reference}")
    lines = [
        f"纠纷类别 Category: {case.category.name_zh} / {case.category.name_en}",
        f"发生地 Area: {case.area.name_zh} / {case.area.name_en}",
        f"承办单位 Handling unit: {case.handling_area.name_zh} / {case.handling_area.name_en}",
        f"状态 Status: {case.status}",
        "",
        "卷内材料清单 Checklist:",
    ]
    for item in dossier_checklist(case):
        mark = "√" if item["present"] else ("×" if item["required"] else "-")
        lines.append(f"[{mark}] {item['zh']} / {item['en']}")
    body("\n".join(lines))
    body("案情 Description:\n" + case.description)
    for d in Document.objects.filter(case=case).order_by("created_at", "id"):
        doc.add_page()
        heading(d.title)
        body(d.body)
    doc.add_page()
    heading("办理过程 Timeline")
    for e in case.events.order_by("created_at", "id"):
        when = timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M")
        extra = e.data.get("proceeding", "") if isinstance(e.data, dict) else ""
        body(f"{when}  {e.action}  {e.from_status}→{e.to_status}  {extra}  {e.note}".strip())
    return bytes(doc.output())


def dossier_export_audit(*, actor: User, case: Case, fmt: str) -> None:
    """The dossier holds personal data: every export is audited."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            role=primary_role(actor),
            action="dossier.export",
            object_type="case",
            object_id=case.reference,
            data={"format": fmt},
        )
