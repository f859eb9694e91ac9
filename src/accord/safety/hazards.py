"""Writes on hazards: report (web form, API and Open311 share `hazard_report`), the one
`hazard_transition`, the five implementations, and escalation of overdue hazards. Each runs
in one transaction and audits in it."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from accord.accounts.models import STAFF_ROLES, Role, User
from accord.accounts.permissions import primary_role, roles_of
from accord.cases.clock import warning_date
from accord.core.audit import audit_record
from accord.core.calendar import BusinessCalendar
from accord.core.errors import NotFound, ValidationFailed
from accord.core.models import Area, Level
from accord.core.statemachine import SYSTEM, check_or_raise
from accord.safety import access, photos, workflow
from accord.safety.models import Counter, Hazard, HazardEvent, Listing, Photo, Place, Sector, Source
from accord.safety.workflow import MAJOR, S

MAX_DESCRIPTION = 4000
MAX_ADDRESS = 300
MAX_NOTE = 4000
STAFF_SOURCES = frozenset(
    {Source.INSPECTOR, Source.GRID_WORKER, Source.SELF_INSPECTION, Source.COMMITTEE,
     Source.INSPECTION}
)  # fmt: skip


@dataclass(frozen=True)
class HazardInput:
    description: str
    sector: str = ""
    place: int | None = None
    area: str = ""
    address: str = ""
    lat: float | None = None
    long: float | None = None
    source: str = ""


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def next_reference(year: int) -> str:
    """The year's next hazard reference, HZ-2026-0000001, under the counter's row lock."""
    counter, _ = Counter.objects.select_for_update().get_or_create(name=f"hazard-{year}")
    counter.value += 1
    counter.save(update_fields=["value"])
    return f"HZ-{year}-{counter.value:07d}"


def handling_area_for(area: Area) -> Area:
    """The township (street) above `area`: hazards are worked by the township's safety staff;
    an area above township level handles its own."""
    return area.ancestor_at(Level.TOWNSHIP) or area


def routing_for(area: Area, handling: Area, sector: Sector) -> list[dict[str, str]]:
    en, zh = area.name_en, area.name_zh
    if area.level == Level.GRID and area.parent_id:
        en, zh = f"{area.parent.name_en} › {en}", f"{area.parent.name_zh}{zh}"
    return [
        {
            "rule": "sector_department",
            "en": f"{sector.name_en}: the competent department is {sector.department_en}.",
            "zh": f"{sector.name_zh}：主管部门为{sector.department_zh}。",
        },
        {
            "rule": "area_township",
            "en": f"Reported in {en}: handled by {handling.name_en}.",
            "zh": f"发生在{zh}，由{handling.name_zh}办理。",
        },
    ]


def _source_for(actor: User | None, asked: str) -> str:
    if asked == Source.OPEN311:
        return Source.OPEN311
    if actor is None or not actor.is_authenticated:
        return Source.ANONYMOUS
    roles = roles_of(actor)
    if roles & set(STAFF_ROLES):
        if asked in STAFF_SOURCES:
            return asked
        return Source.INSPECTOR if Role.INSPECTOR in roles else Source.GRID_WORKER
    return Source.RESIDENT


def _place_and_area(data: HazardInput) -> tuple[Place | None, Area, Sector]:
    place = None
    if data.place is not None:
        place = (
            Place.objects.select_related("area", "sector")
            .filter(pk=data.place, active=True)
            .first()
        )
        if place is None:
            raise ValidationFailed(f"unknown place {data.place!r}", code="unknown_place")
        area = place.area
    else:
        area = Area.objects.filter(code=data.area).first() if data.area else None
        if area is None:
            raise ValidationFailed(
                gettext_noop("choose a registered place or an area"), code="unknown_area"
            )
    if data.sector:
        sector = Sector.objects.filter(code=data.sector, active=True).first()
        if sector is None:
            raise ValidationFailed(f"unknown sector {data.sector!r}", code="unknown_sector")
    elif place is not None:
        sector = place.sector
    else:
        raise ValidationFailed(
            gettext_noop("choose what kind of hazard it is"), code="unknown_sector"
        )
    return place, area, sector


def hazard_report(
    *, actor: User | None, data: HazardInput, photo_list: tuple[photos.CleanPhoto, ...] = ()
) -> tuple[Hazard, str]:
    """Take in a hazard report from anyone (Work Safety Law arts. 73-76): routed by area and
    sector. Returns the hazard and its tracking secret (shown once, stored hashed)."""
    description = (data.description or "").strip()
    if not description:
        raise ValidationFailed(gettext_noop("describe the hazard"), code="missing_description")
    if len(description) > MAX_DESCRIPTION:
        raise ValidationFailed(gettext_noop("the description is too long"), code="too_long")
    address = (data.address or "").strip()
    if len(address) > MAX_ADDRESS:
        raise ValidationFailed(f"the address is longer than {MAX_ADDRESS} characters")
    for value, lo, hi, name in ((data.lat, -90, 90, "lat"), (data.long, -180, 180, "long")):
        if value is not None and not lo <= value <= hi:
            raise ValidationFailed(f"{name} must be between {lo} and {hi}", code="bad_location")
    if len(photo_list) > settings.ACCORD_UPLOAD_MAX_FILES:
        raise ValidationFailed("too many photos", code="too_many_files")
    place, area, sector = _place_and_area(data)
    handling = handling_area_for(area)
    source = _source_for(actor, data.source)
    anonymous = actor is None or not actor.is_authenticated
    now = timezone.now()
    secret = secrets.token_urlsafe(12)
    written: list[str] = []
    try:
        with transaction.atomic():
            hazard = Hazard.objects.create(
                reference=next_reference(now.year),
                tracking_secret_hash=hash_secret(secret),
                place=place, area=area, handling_area=handling, sector=sector,
                address=address, description=description, lat=data.lat, long=data.long,
                source=source, status=S.REPORTED, filed_by=None if anonymous else actor,
                routing=routing_for(area, handling, sector),
                status_changed_at=now, created_at=now,
            )  # fmt: skip
            for p in photo_list:
                _save_photo(actor, hazard, p, Photo.Stage.REPORT, written)
            HazardEvent.objects.create(
                hazard=hazard, created_at=now, actor=None if anonymous else actor,
                action="report", to_status=hazard.status,
                data={"source": source, "photos": len(photo_list)},
            )  # fmt: skip
            audit_record(
                actor=actor, action="hazard.report", object_type="hazard",
                object_id=hazard.reference,
                data={"source": source, "area": area.code, "sector": sector.code,
                      "place": place.pk if place else None},
            )  # fmt: skip
    except BaseException:
        photos.remove(written)
        raise
    return hazard, secret


def _save_photo(actor, hazard: Hazard, photo: photos.CleanPhoto, stage: str, written: list):
    name = photos.store(photo)
    written.append(name)
    return Photo.objects.create(
        hazard=hazard, stage=stage, stored_name=name, width=photo.width, height=photo.height,
        size=len(photo.data), sha256=photos.sha256(photo),
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
        created_at=timezone.now(),
    )  # fmt: skip


def five_complete(h: Hazard) -> bool:
    return all(
        (h.five_responsibility.strip(), h.five_measures.strip(), h.five_funds.strip(),
         h.five_deadline is not None, h.five_contingency.strip())
    )  # fmt: skip


def facts_for(hazard: Hazard, actor: User | None, **inputs: Any) -> workflow.HazardFacts:
    listing = Listing.objects.filter(hazard=hazard).first() if hazard.pk else None
    photo_given = bool(inputs.pop("photo_given", False))
    return workflow.HazardFacts(
        status=hazard.status,
        grade=inputs.pop("grade", None) or hazard.grade,
        after_photo=photo_given or hazard.photos.filter(stage=Photo.Stage.RECTIFIED).exists(),
        five_complete=five_complete(hazard),
        plan_given=bool(hazard.plan.strip()),
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        rectifier_id=hazard.rectifier_id,
        listed=listing is not None and listing.delisted_on is None,
        published=listing is not None and listing.published_on is not None,
        deadline=hazard.deadline,
        today=timezone.localdate(),
        **inputs,
    )


def _deadline(hazard: Hazard, start: dt.date, days: int) -> None:
    hazard.deadline = BusinessCalendar.load().add_working_days(start, days)
    hazard.deadline_warning = warning_date(start, hazard.deadline)


def _listing(hazard: Hazard) -> Listing | None:
    return Listing.objects.select_for_update().filter(hazard=hazard).first()


def _on_grade(hazard, actor, ctx) -> None:
    hazard.grade = ctx["grade"]
    hazard.grade_criterion = ctx["criterion"]
    hazard.grade_note = ctx["note"]
    ctx["data"].update(grade=hazard.grade, criterion=hazard.grade_criterion)
    if hazard.grade == MAJOR:
        # Work Safety Law art. 65: stop the work that is exposed; it resumes on acceptance only.
        hazard.work_suspended = True
        today = ctx["today"]
        publish_by = BusinessCalendar.load().add_working_days(
            today, settings.ACCORD_SAFETY_PUBLISH_DAYS
        )
        Listing.objects.create(hazard=hazard, listed_on=today, publish_by=publish_by)
        ctx["data"]["listed"] = True


def _on_order(hazard, actor, ctx) -> None:
    _deadline(hazard, ctx["today"], ctx["days"])
    ctx["data"].update(days=ctx["days"], deadline=str(hazard.deadline))
    listing = _listing(hazard)
    if listing is not None:
        listing.deadline = hazard.deadline
        listing.save(update_fields=["deadline"])


def _on_rectified(hazard, actor, ctx) -> None:
    hazard.rectifier = actor
    if ctx["photo"] is not None:
        _save_photo(actor, hazard, ctx["photo"], Photo.Stage.RECTIFIED, ctx["written"])
        ctx["data"]["photo"] = True


def _on_pass(hazard, actor, ctx) -> None:
    ctx["data"]["work_resumed"] = hazard.work_suspended
    hazard.work_suspended = False
    listing = _listing(hazard)
    if listing is not None and listing.delisted_on is None:
        listing.delisted_on = ctx["today"]
        listing.save(update_fields=["delisted_on"])
        ctx["data"]["delisted"] = True


def _on_fail(hazard, actor, ctx) -> None:
    listing = _listing(hazard)
    if listing is not None and listing.delisted_on is None:
        listing.explanation = ctx["note"]  # stays listed, with the written explanation
        listing.save(update_fields=["explanation"])
        ctx["data"]["stays_listed"] = True


def _on_publish(hazard, actor, ctx) -> None:
    listing = _listing(hazard)
    listing.published_on = ctx["today"]
    listing.save(update_fields=["published_on"])
    ctx["data"]["published_on"] = str(listing.published_on)


def _on_extend(hazard, actor, ctx) -> None:
    ctx["data"].update(old=str(hazard.deadline), new=str(ctx["new_deadline"]))
    start = timezone.localdate(hazard.status_changed_at)
    hazard.deadline = ctx["new_deadline"]
    hazard.deadline_warning = warning_date(start, hazard.deadline)
    listing = _listing(hazard)
    if listing is not None:
        listing.deadline = hazard.deadline
        listing.extensions += 1
        listing.save(update_fields=["deadline", "extensions"])


EFFECTS: dict[str, Callable[..., None]] = {
    "grade": _on_grade,
    "order": _on_order,
    "close_on_spot": _on_rectified,
    "submit": _on_rectified,
    "pass": _on_pass,
    "fail": _on_fail,
    "publish": _on_publish,
    "extend": _on_extend,
}


def hazard_transition(
    *,
    actor: User,
    hazard: Hazard,
    action: str,
    note: str = "",
    grade: str = "",
    criterion: str = "",
    days: int | None = None,
    new_deadline: dt.date | None = None,
    photo: photos.CleanPhoto | None = None,
) -> Hazard:
    """The only way a hazard's status changes. Refusals: 409 state, 403 role, 422 guard or
    unknown action; nothing is written then (not even the photo)."""
    if len(note) > MAX_NOTE:
        raise ValidationFailed(f"the note is longer than {MAX_NOTE} characters")
    if action == "order" and days is None:
        days = settings.ACCORD_SAFETY_RECTIFY_DAYS.get(hazard.grade or "general", 5)
    written: list[str] = []
    try:
        with transaction.atomic():
            hazard = (
                Hazard.objects.select_for_update(of=("self",))
                .select_related("area", "handling_area", "sector")
                .get(pk=hazard.pk)
            )
            caps = access.hazard_capabilities(actor, hazard)
            inputs: dict[str, Any] = {"note": note, "criterion": criterion, "days": days,
                                      "new_deadline": new_deadline, "photo_given": photo is not None}  # fmt: skip
            if action == "grade":
                inputs["grade"] = grade
            facts = facts_for(hazard, actor, **inputs)
            transition = check_or_raise(workflow.HAZARD, action, facts, caps)
            now = timezone.now()
            from_status = hazard.status
            ctx = {"note": note.strip(), "grade": grade, "criterion": criterion, "days": days,
                   "new_deadline": new_deadline, "photo": photo, "written": written,
                   "today": timezone.localdate(), "data": {}}  # fmt: skip
            effect = workflow.HAZARD.effect_for(action, EFFECTS)
            if effect is not None:
                effect(hazard, actor, ctx)
            if transition.target is not None:
                hazard.status = transition.target
            if hazard.status != from_status:
                hazard.status_changed_at = now
            if hazard.status in workflow.FINISHED and hazard.closed_at is None:
                hazard.closed_at = now
            hazard.save()
            _event(hazard, actor, action, from_status, ctx["note"], ctx["data"], now)
    except BaseException:
        photos.remove(written)
        raise
    return hazard


def _event(hazard, actor, action, from_status, note, data, now) -> None:
    HazardEvent.objects.create(
        hazard=hazard, created_at=now, actor=actor, action=action, from_status=from_status,
        to_status=hazard.status, note=note, data=data,
    )  # fmt: skip
    audit_record(
        actor=actor, role=primary_role(actor) if actor else "", action=f"hazard.{action}",
        object_type="hazard", object_id=hazard.reference,
        data={"from": from_status, "to": hazard.status, **data},
    )  # fmt: skip


FIVE_EDITABLE = frozenset({S.GRADED, S.ORDERED, S.RECTIFYING})


def hazard_five_record(
    *, actor: User, hazard: Hazard, responsibility: str, measures: str, funds: str,
    deadline: dt.date | None, contingency: str, plan: str,
) -> Hazard:  # fmt: skip
    """Record a major hazard's five implementations and rectification plan (partly filled
    is allowed; rectification cannot start until all are there)."""
    texts = {"responsibility": responsibility, "measures": measures, "funds": funds,
             "contingency": contingency, "plan": plan}  # fmt: skip
    for name, value in texts.items():
        if len(value or "") > MAX_NOTE:
            raise ValidationFailed(f"{name} is longer than {MAX_NOTE} characters")
    with transaction.atomic():
        hazard = (
            Hazard.objects.select_for_update(of=("self",))
            .select_related("area", "handling_area")
            .get(pk=hazard.pk)
        )
        if workflow.INSPECTOR not in access.hazard_capabilities(actor, hazard):
            raise NotFound(f"no hazard {hazard.reference!r}")
        if hazard.grade != MAJOR:
            raise ValidationFailed(gettext_noop("the five implementations are for major hazards"),
                                   code="not_major")  # fmt: skip
        if hazard.status not in FIVE_EDITABLE:
            from accord.core.errors import Conflict

            raise Conflict(gettext_noop("the five implementations can no longer be changed"),
                           code="transition_state")  # fmt: skip
        if deadline is not None and deadline < timezone.localdate(hazard.created_at):
            raise ValidationFailed(
                gettext_noop("the deadline cannot be before the report"), code="bad_date"
            )
        hazard.five_responsibility = responsibility.strip()
        hazard.five_measures = measures.strip()
        hazard.five_funds = funds.strip()
        hazard.five_deadline = deadline
        hazard.five_contingency = contingency.strip()
        hazard.plan = plan.strip()
        hazard.save()
        done = [n for n in workflow.FIVE_FIELDS if _filled(hazard, n)]
        now = timezone.now()
        _event(hazard, actor, "five", hazard.status, "", {"filled": done,
               "plan": bool(hazard.plan)}, now)  # fmt: skip
    return hazard


def _filled(h: Hazard, name: str) -> bool:
    value = getattr(h, f"five_{name}")
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


# --- escalation of overdue hazards (scheduled; idempotent) ------------------------------------


def _overdue_keys(hazard: Hazard, today: dt.date) -> list[str]:
    keys = []
    if hazard.status in workflow.OPEN_WITH_DEADLINE and hazard.deadline and hazard.deadline < today:
        keys.append(f"deadline:{hazard.deadline}")
    listing = getattr(hazard, "listing", None)
    if (
        listing is not None and listing.delisted_on is None and listing.published_on is None
        and listing.publish_by < today
    ):  # fmt: skip
        keys.append(f"publish:{listing.publish_by}")
    return [k for k in keys if k not in hazard.escalations]


def hazards_escalate_overdue(*, today: dt.date | None = None, dry_run: bool = False) -> list[str]:
    """Escalate every hazard past its rectification deadline or its listing's publication
    date: one level up (the handling unit moves to the county), an event and an audit record
    each. Idempotent: an overrun is escalated once (a new deadline is a new overrun)."""
    today = today or timezone.localdate()
    candidates = Hazard.objects.exclude(status__in=workflow.FINISHED).filter(
        deadline__lt=today
    ) | Hazard.objects.exclude(status__in=workflow.FINISHED).filter(
        listing__published_on=None, listing__delisted_on=None, listing__publish_by__lt=today
    )
    done = []
    for hazard in candidates.distinct().select_related("listing").order_by("pk"):
        if not _overdue_keys(hazard, today):
            continue
        if dry_run:
            done.append(hazard.reference)
            continue
        with transaction.atomic():
            hazard = (
                Hazard.objects.select_for_update(of=("self",))
                .select_related("handling_area", "listing")
                .get(pk=hazard.pk)
            )
            keys = _overdue_keys(hazard, today)
            if not keys:
                continue  # escalated since we looked
            check_or_raise(workflow.HAZARD, "escalate", facts_for(hazard, None), {SYSTEM})
            data: dict[str, Any] = {"overdue": keys, "from_unit": hazard.handling_area.code}
            parent = hazard.handling_area.parent
            if parent is not None and hazard.handling_area.level != Level.COUNTY:
                hazard.handling_area = parent
            data["to_unit"] = hazard.handling_area.code
            hazard.escalation_level += 1
            hazard.escalations = [*hazard.escalations, *keys]
            hazard.save()
            _event(hazard, None, "escalate", hazard.status, "", data, timezone.now())
        done.append(hazard.reference)
    return done
