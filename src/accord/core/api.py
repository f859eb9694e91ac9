"""Reference data every part shares: the area tree (public)."""

from __future__ import annotations

from django.utils.translation import get_language
from ninja import Router, Schema

from accord.core.models import Area

router = Router(tags=["reference data"])


class AreaOut(Schema):
    code: str
    level: str
    name: str
    name_en: str
    name_zh: str
    parent: str | None


@router.get("/areas", response=list[AreaOut], auth=None)
def list_areas(request, level: str | None = None, parent: str | None = None):
    """Every area of the jurisdiction tree (public), optionally one level or one parent's
    children."""
    qs = Area.objects.select_related("parent").order_by("path")
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent__code=parent)
    lang = get_language() or "en"
    return [
        AreaOut(
            code=a.code,
            level=a.level,
            name=a.name(lang),
            name_en=a.name_en,
            name_zh=a.name_zh,
            parent=a.parent.code if a.parent else None,
        )
        for a in qs
    ]
