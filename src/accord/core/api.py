from __future__ import annotations

from django.utils.translation import get_language
from ninja import Router, Schema

from accord.cases.models import Category
from accord.core.models import Area

router = Router(tags=["reference data"])


class AreaOut(Schema):
    code: str
    level: str
    name: str
    name_en: str
    name_zh: str
    parent: str | None


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str
    name_zh: str
    default_tier: str
    department: str
    help: str
    channels: list[str]
    allow_anonymous: bool


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


@router.get("/categories", response=list[CategoryOut], auth=None)
def list_categories(request):
    """Dispute categories with their default tier and competent department (public)."""
    zh = (get_language() or "en").startswith("zh")
    return [
        CategoryOut(
            code=c.code,
            name=c.name_zh if zh else c.name_en,
            name_en=c.name_en,
            name_zh=c.name_zh,
            default_tier=c.default_tier,
            department=c.department_zh if zh else c.department_en,
            help=c.help_zh if zh else c.help_en,
            channels=c.channels,
            allow_anonymous=c.allow_anonymous,
        )
        for c in Category.objects.filter(active=True)
    ]
