"""accord wellbeing-seed-demo [--if-empty]: the demo counselling network, on top of
`accord seed-demo` (its areas and county counsellors).

Creates a hotline, a hospital psychology department per county, a community psychological
service station per township (and a school counselling office and a social-work
organisation in the first district), two counsellors per township (`counselor.<township>`,
on call first, and `counselor.<township>.b`, second; password accord-demo-2026), the county
counsellor as head of its units, the on-call rota, a few synthetic counselling requests and
one crisis alert in each state. No realistic individual records: contacts are the reserved
demo number 100-0000-0000 and messages say "(demo)".
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accord.accounts.models import Membership, Role, User
from accord.accounts.services import user_create
from accord.core.models import Area
from accord.demo.generator import DEMO_PASSWORD
from accord.wellbeing import counselling, crisis
from accord.wellbeing.models import Counsellor, CrisisAlert, OnCall, Unit

WEEKDAYS = {d: [["08:30", "17:30"]] for d in ("mon", "tue", "wed", "thu", "fri")}
STATION_HOURS = {**WEEKDAYS, "sat": [["09:00", "12:00"]]}
EVENINGS = {d: [["18:00", "22:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
DEMO_CONTACT = "100-0000-0000"


def _slug(area: Area, role: str) -> str | None:
    m = (
        Membership.objects.filter(area=area, role=role, user__username__startswith=f"{role}.")
        .select_related("user")
        .first()
    )
    return m.user.username.split(".", 1)[1] if m else None


def _user(username: str, area: Area, name: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(actor=None, username=username, role=Role.COUNSELOR,
                           area_code=area.code, password=DEMO_PASSWORD, display_name=name,
                           validate=False)  # fmt: skip
    return user


class Command(BaseCommand):
    help = "Seed the demo counselling network, rota, requests and crisis alerts."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="do nothing if units exist")

    def handle(self, *args, **opts) -> None:
        if opts["if_empty"] and Unit.objects.exists():
            self.stdout.write("wellbeing units exist already: nothing to do (--if-empty)")
            return
        city = Area.objects.filter(parent__isnull=True).order_by("pk").first()
        if city is None:
            self.stderr.write("no areas: run `accord seed-demo` first")
            return
        with transaction.atomic():
            logins = self._network(city)
            self._activity(city)
            self._history(city)
        self.stdout.write(f"wellbeing demo: {Unit.objects.count()} units, "
                          f"{OnCall.objects.count()} rota places, "
                          f"{CrisisAlert.objects.count()} crisis alerts")  # fmt: skip
        for username, area in logins:
            self.stdout.write(f"  {username:<28} counsellor  {area}   password {DEMO_PASSWORD}")

    def _unit(self, code, kind, area, en, zh, **kw) -> Unit:
        unit, _ = Unit.objects.get_or_create(
            code=code, defaults=dict(kind=kind, area=area, name_en=en, name_zh=zh, **kw)
        )
        return unit

    def _network(self, city: Area) -> list[tuple[str, str]]:
        self._unit("HOTLINE-12356", "hotline", city, "Psychological assistance hotline 12356",
                   "12356心理援助热线", phone="12356", hours={"always": True},
                   languages=["zh", "en"], services=["phone"], capacity=0)  # fmt: skip
        logins = []
        city_rota = []
        for county in Area.objects.filter(parent=city).order_by("path"):
            head = User.objects.filter(
                memberships__role=Role.COUNSELOR, memberships__area=county
            ).first()
            hospital = self._unit(
                f"{county.code}-HOSP", "hospital", county,
                f"{county.name_en} People's Hospital, psychology clinic",
                f"{county.name_zh}人民医院心理门诊", phone="100-0000-0001", hours=WEEKDAYS,
                languages=["zh"], services=["in_person", "online"], capacity=40, head=head,
                address_en="Demo address", address_zh="演示地址",
            )  # fmt: skip
            if head:
                Counsellor.objects.get_or_create(user=head, unit=hospital)
                city_rota.append((head, hospital))
            for i, town in enumerate(Area.objects.filter(parent=county).order_by("path")):
                slug = _slug(town, Role.MEDIATOR) or town.code.lower()
                station = self._unit(
                    f"{town.code}-STN", "station", town,
                    f"{town.name_en} psychological service station",
                    f"{town.name_zh}心理服务站", phone="100-0000-0002", hours=STATION_HOURS,
                    languages=["zh", "en"] if i == 0 else ["zh"],
                    services=["in_person", "phone", "online"], capacity=15, head=head,
                    address_en=f"Community service centre, {town.name_en}",
                    address_zh=f"{town.name_zh}社区服务中心",
                )  # fmt: skip
                first = _user(f"counselor.{slug}", town, f"{town.name_zh}心理咨询师")
                second = _user(f"counselor.{slug}.b", town, f"{town.name_zh}心理咨询师（二）")
                for pos, u in enumerate((first, second), start=1):
                    Counsellor.objects.get_or_create(user=u, unit=station)
                    OnCall.objects.get_or_create(area=town, position=pos,
                                                 defaults={"user": u, "unit": station})  # fmt: skip
                if head:
                    Counsellor.objects.get_or_create(user=head, unit=station)
                logins += [(first.username, town.code), (second.username, town.code)]
                if county == Area.objects.filter(parent=city).order_by("path").first() and i == 0:
                    self._unit(f"{town.code}-SCH", "school", town,
                               "No. 1 Middle School counselling office", "第一中学心理辅导室",
                               phone="100-0000-0003", hours=WEEKDAYS, languages=["zh"],
                               services=["in_person"], capacity=10)  # fmt: skip
                    self._unit(f"{town.code}-SW", "social_work", town,
                               "Harbour social-work service centre", "港湾社会工作服务中心",
                               phone="100-0000-0004", hours=EVENINGS, languages=["zh"],
                               services=["phone", "online"], capacity=10)  # fmt: skip
        # alerts from someone who named no area: the county counsellors, in turn
        for pos, (user, unit) in enumerate(city_rota, start=1):
            OnCall.objects.get_or_create(area=city, position=pos,
                                         defaults={"user": user, "unit": unit})  # fmt: skip
        return logins

    def _history(self, city: Area) -> None:
        """Synthetic history for the weekly aggregates: closed alerts (no contact, no
        answers) in the last 8 weeks, 4-18 a week per township of the first district, so
        that some cells show and some are suppressed."""
        import random
        import secrets

        from accord.core.audit import audit_record

        rnd = random.Random(7)
        now = timezone.now()
        rows = []
        towns = Area.objects.filter(level="township", path__startswith=city.path).order_by("path")
        for town in towns[:3]:
            for week in range(1, 9):
                for _ in range(rnd.randint(4, 18)):
                    at = now - dt.timedelta(weeks=week, hours=rnd.randint(0, 160))
                    rows.append(CrisisAlert(
                        reference="WB-" + secrets.token_hex(5).upper(),
                        submission_key=f"demo-history-{secrets.token_hex(8)}", area=town,
                        level=rnd.choice(["urgent", "high"]), source="screening",
                        status="resolved", raised_at=at, acknowledged_at=at, closed_at=at,
                    ))  # fmt: skip
        CrisisAlert.objects.bulk_create(rows)
        audit_record(actor=None, action="wellbeing.demo.history", object_type="crisis_alert",
                     object_id=str(len(rows)), data={"count": len(rows)})  # fmt: skip

    def _activity(self, city: Area) -> None:
        """One crisis alert in each state and a few requests, in the first township."""
        town = (
            Area.objects.filter(level="township", path__startswith=city.path)
            .order_by("path")
            .first()
        )
        rota = crisis.rota_for(town)
        if not rota:
            return
        first = rota[0].user
        now = timezone.now()
        states = [("raised", 4), ("escalated", 22), ("acknowledged", 50), ("resolved", 26 * 60),
                  ("handed_over", 3 * 24 * 60)]  # fmt: skip
        for state, minutes_ago in states:
            at = now - dt.timedelta(minutes=minutes_ago)
            alert = crisis.alert_raise(area=town, level="urgent", source="screening",
                                       submission_key=f"demo-{state}", now=at)  # fmt: skip
            if state == "escalated":
                crisis.alerts_escalate_due(now=at + crisis.ack_interval())
            elif state != "raised":
                crisis.alert_transition(actor=first, reference=alert.reference,
                                        action="acknowledge", now=at + dt.timedelta(minutes=6))  # fmt: skip
                if state != "acknowledged":
                    action = "resolve" if state == "resolved" else "hand_over"
                    crisis.alert_transition(
                        actor=first, reference=alert.reference, action=action,
                        note="(demo) Called back; agreed a follow-up.", now=at + dt.timedelta(minutes=40),
                    )  # fmt: skip
        for mode in ("phone", "in_person"):
            counselling.request_create(actor=None, area=town, mode=mode, contact=DEMO_CONTACT,
                                       name="(demo)", message="(demo) Would like to talk.")  # fmt: skip
