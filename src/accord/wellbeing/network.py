"""Writes of the counselling network: units, counsellors' posts and the on-call rota, as
loaded by `accord wellbeing-load FILE.json`. One transaction, audited; bad data is refused
as a whole (nothing half-loaded)."""

from __future__ import annotations

from django.db import transaction

from accord.accounts.models import Membership, Role, User
from accord.core.audit import audit_record
from accord.core.errors import ValidationFailed
from accord.core.models import Area
from accord.wellbeing.hours import valid as hours_valid
from accord.wellbeing.models import Counsellor, Mode, OnCall, Unit, UnitKind

UNIT_FIELDS = {"code", "kind", "name_en", "name_zh", "area", "phone", "address_en",
               "address_zh", "hours", "languages", "services", "capacity", "head", "active",
               "counsellors"}  # fmt: skip


def _area(code: str) -> Area:
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise ValidationFailed(f"unknown area {code!r}", code="unknown_area")
    return area


def _counsellor(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None or not Membership.objects.filter(user=user, role=Role.COUNSELOR).exists():
        raise ValidationFailed(f"{username!r} is not a user with the counselor role",
                               code="not_a_counsellor")  # fmt: skip
    return user


def network_load(*, actor, data: dict) -> dict:
    """data = {"units": [{code, kind, name_en, name_zh, area, hours, languages, services,
    capacity, head, counsellors: [username...]}], "rota": {area code: [[username, unit]...]}}.
    Units are created or updated by code; a listed area's rota is replaced."""
    units_in, rota_in = data.get("units", []), data.get("rota", {})
    if set(data) - {"units", "rota"}:
        raise ValidationFailed(f"unknown keys {sorted(set(data) - {'units', 'rota'})}")
    with transaction.atomic():
        for u in units_in:
            extra = set(u) - UNIT_FIELDS
            if extra:
                raise ValidationFailed(f"unit {u.get('code')!r}: unknown fields {sorted(extra)}")
            if u.get("kind") not in UnitKind.values:
                raise ValidationFailed(
                    f"unit {u.get('code')!r}: kind must be one of {UnitKind.values}"
                )
            if not hours_valid(u.get("hours", {})):
                raise ValidationFailed(f"unit {u.get('code')!r}: hours are not valid")
            if set(u.get("services", [])) - set(Mode.values):
                raise ValidationFailed(f"unit {u.get('code')!r}: services must be in {Mode.values}")
            fields = {
                k: v for k, v in u.items() if k not in {"code", "area", "head", "counsellors"}
            }
            fields["area"] = _area(u["area"])
            fields["head"] = _counsellor(u["head"]) if u.get("head") else None
            unit, _ = Unit.objects.update_or_create(code=u["code"], defaults=fields)
            for username in u.get("counsellors", []):
                Counsellor.objects.get_or_create(user=_counsellor(username), unit=unit)
        for code, entries in rota_in.items():
            area = _area(code)
            OnCall.objects.filter(area=area).delete()
            for pos, (username, unit_code) in enumerate(entries, start=1):
                unit = Unit.objects.filter(code=unit_code).first()
                if unit is None:
                    raise ValidationFailed(f"rota {code}: unknown unit {unit_code!r}")
                OnCall.objects.create(
                    area=area, position=pos, user=_counsellor(username), unit=unit
                )
        summary = {"units": [u["code"] for u in units_in], "rota_areas": sorted(rota_in)}
        audit_record(actor=actor, action="wellbeing.network.load", object_type="unit",
                     object_id=str(len(units_in)), data=summary)  # fmt: skip
    return summary
