"""accord safety-seed-demo [--places N] [--hazards N] [--seed S] [--if-empty]: the demo's
registry of places and hazards in every state.

Run after `accord seed-demo`. Uses its areas and staff (`inspector.<county>`, `admin`) and
adds `inspector.qingshi` (role inspector over Qingshi Street, password as the other demo
users) when there is none. Everything goes through the services (audited); afterwards some
dates are moved back so that the board shows green, yellow and red deadlines, and of the two
major hazards under listed supervision one is overdue.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from PIL import Image

from accord.accounts.models import Membership, Role, User
from accord.accounts.services import user_create
from accord.core.calendar import BusinessCalendar
from accord.core.models import Area, Level
from accord.demo import names as N
from accord.safety import hazards, photos, places
from accord.safety.models import Hazard, Inspection, Listing, Place
from accord.safety.workflow import S

DEMO_PASSWORD = "accord-demo-2026"  # noqa: S105 - the published demo password, by design
KINDS = [  # kind, sector, Chinese suffix, English suffix
    ("enterprise", "hazardous_chemicals", "化工有限公司", "Chemicals Co."),
    ("enterprise", "industry_trade", "机械厂", "Machinery Works"),
    ("construction_site", "construction", "建设项目工地", "Building Site"),
    ("market", "markets", "农贸市场", "Farmers' Market"),
    ("school", "schools", "小学", "Primary School"),
    ("residential", "residential", "小区", "Residential Compound"),
    ("residential", "gas", "燃气站", "Gas Station"),
    ("market", "special_equipment", "商场", "Shopping Mall"),
]
TEXTS = [
    ("fire", "消防通道被杂物堵塞，安全出口上锁。", "Fire exit blocked by goods; the emergency door is locked."),
    ("gas", "楼道里有燃气异味，管道接口锈蚀。", "Smell of gas in the stairwell; the pipe joint is rusted."),
    ("construction", "脚手架未设防护网，材料堆放在人行道上。", "Scaffolding without safety net; materials piled on the pavement."),
    ("special_equipment", "电梯经常停在两层之间，检验标志过期。", "The lift often stops between floors; its inspection sticker expired."),
    ("hazardous_chemicals", "化学品桶露天存放，有泄漏痕迹。", "Chemical drums stored in the open, with signs of leaking."),
    ("markets", "电线私拉乱接，插线板串联使用。", "Makeshift wiring and daisy-chained power strips in the stalls."),
    ("schools", "校门口护栏松动，围墙有裂缝。", "Loose railings at the school gate; cracks in the boundary wall."),
    ("residential", "电动车在楼道内充电。", "E-bikes being charged inside the stairwell."),
]  # fmt: skip
# target state -> how many (small demo); the two listed major hazards are added on top.
TARGETS = {S.REPORTED: 14, S.VERIFIED: 8, S.REJECTED: 5, S.GRADED: 8, S.ORDERED: 14,
           S.RECTIFYING: 16, S.REINSPECTION: 8, S.CLOSED: 27}  # fmt: skip


def _photo(rnd: random.Random) -> photos.CleanPhoto:
    buffer = io.BytesIO()
    colour = tuple(rnd.randrange(40, 220) for _ in range(3))
    Image.new("RGB", (320, 240), colour).save(buffer, "PNG")
    return photos.clean_photo(io.BytesIO(buffer.getvalue()))


def _person(rnd: random.Random) -> str:
    s_zh, _s = N.SURNAMES[rnd.randrange(len(N.SURNAMES))]
    g1 = N.GIVEN[rnd.randrange(len(N.GIVEN))]
    g2 = N.GIVEN[rnd.randrange(len(N.GIVEN))]
    return s_zh + g1[0] + g2[0]


class Command(BaseCommand):
    help = "Seed the demo's registry of places and hazards (run after seed-demo)."

    def add_arguments(self, parser):
        parser.add_argument("--places", type=int, default=300)
        parser.add_argument("--hazards", type=int, default=100)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when hazards exist already (for `make demo`)")  # fmt: skip

    def handle(self, *args, **options):
        if options["if_empty"] and (Hazard.objects.exists() or Place.objects.exists()):
            self.stdout.write("safety data exist already: nothing to do (--if-empty)")
            return
        town = Area.objects.filter(code="LJ-DH-QS").first()
        county = Area.objects.filter(code="LJ-DH").first()
        if town is None or county is None:
            raise CommandError("run `accord seed-demo` first (no Qingshi Street, LJ-DH-QS)")
        rnd = random.Random(options["seed"])
        local = self._inspector(town)
        county_insp = self._county_inspector(county)
        made = self._places(rnd, options["places"])
        self.stdout.write(f"{len(made)} places registered")
        n = self._hazards(rnd, town, county, local, county_insp, made, options["hazards"])
        self.stdout.write(f"{n} hazards in every state; 2 major hazards under listed supervision")
        self.stdout.write(f"{self._inspections(rnd, town, local, made)} inspections")
        self.stdout.write(f"{self._incidents(rnd, town, local)} incidents (one larger accident)")
        self.stdout.write(
            f"log in as {local.username} / {DEMO_PASSWORD} (inspector, Qingshi Street)"
        )

    def _inspector(self, town: Area) -> User:
        user = User.objects.filter(username="inspector.qingshi").first()
        if user is None:
            user = user_create(actor=None, username="inspector.qingshi", role=Role.INSPECTOR,
                               area_code=town.code, password=None, display_name="检查员 青石")  # fmt: skip
            User.objects.filter(pk=user.pk).update(password=make_password(DEMO_PASSWORD))
        return user

    def _county_inspector(self, county: Area) -> User:
        m = Membership.objects.filter(role=Role.INSPECTOR, area=county).select_related("user")
        if m.exists():
            return m.first().user
        user = user_create(actor=None, username="inspector.donghu", role=Role.INSPECTOR,
                           area_code=county.code, password=None)  # fmt: skip
        User.objects.filter(pk=user.pk).update(password=make_password(DEMO_PASSWORD))
        return user

    def _places(self, rnd: random.Random, total: int) -> list[Place]:
        communities = list(Area.objects.filter(level=Level.COMMUNITY).order_by("path"))
        # Qingshi Street gets a denser registry, so the inspector's lists are full.
        weighted = [c for c in communities if c.path.startswith("/LJ/LJ-DH/LJ-DH-QS/")] * 4
        weighted += communities
        out = []
        for i in range(total):
            comm = weighted[i % len(weighted)] if i < len(weighted) else rnd.choice(weighted)
            grid = comm.children.order_by("code").first() or comm
            kind, sector, zh, en = KINDS[rnd.randrange(len(KINDS))]
            stem_zh, stem_en = N.COMPANY_STEMS[rnd.randrange(len(N.COMPANY_STEMS))]
            name = f"{comm.name_zh[:2]}{stem_zh}{zh} {stem_en} {en}"
            p = places.place_create(actor=None, system=True, data=places.PlaceInput(
                kind=kind, name=f"{name} #{i + 1}", area=grid.code, sector=sector,
                address=f"{comm.name_zh}{rnd.randint(1, 200)}号",
                responsible_name=_person(rnd), responsible_phone=f"139{rnd.randint(10**7, 10**8 - 1)}",
                safety_manager_name=_person(rnd),
                safety_manager_phone=f"138{rnd.randint(10**7, 10**8 - 1)}",
                licences="营业执照；安全生产许可证" if kind == "enterprise" else "营业执照",
            ))  # fmt: skip
            if sector == "hazardous_chemicals":
                places.source_file(
                    actor=None, system=True, place=p, name="储罐区 Tank farm",
                    grade=rnd.choice([2, 3, 4]),
                    filed_on=timezone.localdate() - dt.timedelta(days=rnd.randint(60, 900)),
                    filing_number=f"LJ-WXY-{2024 + rnd.randint(0, 2)}-{i + 1:04d}",
                )  # fmt: skip
            out.append(p)
        return out

    def _hazards(self, rnd, town, county, local, county_insp, made, total) -> int:
        from accord.accounts.models import Role as R

        admin = User.objects.filter(memberships__role=R.ADMIN).first()
        in_town = [p for p in made if p.area.path.startswith(town.path)]
        # Elsewhere in the county (the county inspector's jurisdiction), not in other counties.
        elsewhere = [
            p for p in made
            if p.area.path.startswith(county.path) and not p.area.path.startswith(town.path)
        ] or in_town  # fmt: skip
        scale = max(total, 10) / 100
        count = 0
        for target, n in TARGETS.items():
            for i in range(max(1, round(n * scale))):
                home = i % 4 != 3  # three in four in Qingshi Street
                place = rnd.choice(in_town if home else elsewhere)
                first, second = (local, county_insp) if home else (county_insp, admin or local)
                self._one(rnd, place, target, first, second, grade="general")
                count += 1
        # A closed major hazard (delisted), and the two still under listed supervision.
        for target, overdue in ((S.CLOSED, False), (S.RECTIFYING, True), (S.ORDERED, False)):
            place = rnd.choice([p for p in in_town if p.sector.code == "hazardous_chemicals"]
                               or in_town)  # fmt: skip
            self._one(rnd, place, target, local, county_insp, grade="major", overdue=overdue)
            count += 1
        return count

    def _inspections(self, rnd, town, local, made, total: int = 24) -> int:
        """Inspections in Qingshi Street against the seeded checklists, one in four with a
        finding (filed as a hazard through the inspection service)."""
        from accord.safety import inspections
        from accord.safety.models import Checklist

        lists = {c.sector.code: c for c in Checklist.objects.select_related("sector")}
        fallback = lists.get("fire")
        in_town = [p for p in made if p.area.path.startswith(town.path)]
        notes = ["通道堆放杂物，影响疏散。Boxes block the escape route.",
                 "记录缺失近三个月。Three months missing from the record.",
                 "设备未按期检测。Equipment not tested on schedule."]  # fmt: skip
        count = 0
        for i in range(min(total, len(in_town))):
            place = in_town[i]
            checklist = lists.get(place.sector.code) or fallback
            if checklist is None:
                break
            results = {item["code"]: {"result": "ok"} for item in checklist.items}
            if i % 4 == 0:
                item = rnd.choice(checklist.items)
                results[item["code"]] = {"result": "finding", "note": rnd.choice(notes)}
            done = inspections.inspection_record(actor=local, data=inspections.InspectionInput(
                place=place.pk, checklist=checklist.code, results=results))  # fmt: skip
            Inspection.objects.filter(pk=done.pk).update(
                inspected_on=timezone.localdate() - dt.timedelta(days=rnd.randint(0, 120))
            )
            count += 1
        return count

    def _incidents(self, rnd, town, local) -> int:
        """Incidents of this year in Qingshi Street's communities: minor ones and one larger
        accident (3 deaths), which vetoes its community's annual assessment."""
        from accord.safety import incidents

        communities = list(town.children.order_by("code"))
        if not communities:
            return 0
        today = timezone.localdate()
        plan = [(0, 1, "fall", "construction"), (0, 2, "struck", "construction"),
                (0, 0, "fire", "fire"), (1, 0, "electric", "industry_trade"),
                (0, 1, "machinery", "industry_trade"), (3, 4, "explosion", "gas")]  # fmt: skip
        for n, (deaths, serious, cause, sector) in enumerate(plan):
            incidents.incident_record(actor=local, data=incidents.IncidentInput(
                occurred_on=today - dt.timedelta(days=rnd.randint(0, max(0, today.timetuple()
                                                                             .tm_yday - 1))),
                area=communities[n % len(communities)].code, sector=sector, cause=cause,
                deaths=deaths, serious_injuries=serious))  # fmt: skip
        return len(plan)

    def _one(self, rnd, place, target, first, second, *, grade, overdue=False) -> None:
        sector = place.sector.code
        text = next((t for t in TEXTS if t[0] == sector), rnd.choice(TEXTS))
        reporter = rnd.choice(["anonymous", "inspector", "grid"])
        actor = first if reporter == "inspector" else None
        h, _secret = hazards.hazard_report(actor=actor, data=hazards.HazardInput(
            description=f"{text[1]} {text[2]}", place=place.pk, address=place.address,
        ), photo_list=(_photo(rnd),) if rnd.random() < 0.5 else ())  # fmt: skip
        T = hazards.hazard_transition
        if target == S.REPORTED:
            return self._age(h, rnd)
        if target == S.REJECTED:
            T(
                actor=first,
                hazard=h,
                action="reject",
                note="现场核实不构成隐患。 Not a hazard on site.",
            )
            return self._age(h, rnd)
        h = T(actor=first, hazard=h, action="verify")
        if target == S.VERIFIED:
            return self._age(h, rnd)
        criterion = "general_fix_at_once" if grade == "general" else "major_hard_to_remove"
        h = T(actor=first, hazard=h, action="grade", grade=grade, criterion=criterion)
        if grade == "major":
            h = T(actor=first, hazard=h, action="publish")
        if target == S.GRADED:
            return self._age(h, rnd)
        if target == S.CLOSED and grade == "general" and rnd.random() < 0.4:
            T(actor=first, hazard=h, action="close_on_spot", photo=_photo(rnd),
              note="当场整改完毕，负责人签字确认。 Removed on the spot; signed off.")  # fmt: skip
            return self._age(h, rnd)
        days = 5 if grade == "general" else 40
        h = T(actor=first, hazard=h, action="order", days=days)
        if grade == "major":
            h = hazards.hazard_five_record(
                actor=first, hazard=h, responsibility="企业主要负责人 The plant's director",
                measures="更换储罐阀门，增设泄漏报警 Replace the valves, add leak alarms",
                funds="人民币 30 万元 CNY 300,000", deadline=h.deadline,
                contingency="泄漏应急疏散预案 Leak evacuation plan",
                plan="第1周隔离，第2-4周更换，第5周试压验收 Isolate, replace, pressure-test",
            )  # fmt: skip
        if target == S.ORDERED:
            return self._age(h, rnd, overdue=overdue)
        h = T(actor=first, hazard=h, action="start")
        if target == S.RECTIFYING:
            return self._age(h, rnd, overdue=overdue)
        h = T(actor=first, hazard=h, action="submit", photo=_photo(rnd),
              note="已按要求整改。 Rectified as ordered.")  # fmt: skip
        if target == S.REINSPECTION:
            return self._age(h, rnd)
        T(actor=second, hazard=h, action="pass", note="复查合格。 Re-inspection passed.")
        return self._age(h, rnd)

    def _age(self, h: Hazard, rnd: random.Random, overdue: bool = False) -> None:
        """Move the dates back (demo only) so that deadlines show every colour."""
        h.refresh_from_db()
        now = timezone.now()
        back = rnd.randint(0, 9) if not overdue else 40
        entered = now - dt.timedelta(days=back)
        fields = {"created_at": now - dt.timedelta(days=back + rnd.randint(1, 10)),
                  "status_changed_at": entered}  # fmt: skip
        if h.deadline is not None:
            from accord.cases.clock import warning_date

            days = 5 if h.grade == "general" else 20
            start = timezone.localdate(entered)
            deadline = BusinessCalendar.load().add_working_days(start, days)
            fields.update(deadline=deadline, deadline_warning=warning_date(start, deadline))
            Listing.objects.filter(hazard=h).update(deadline=deadline)
        with transaction.atomic():
            Hazard.objects.filter(pk=h.pk).update(**fields)
            listing = Listing.objects.filter(hazard=h).first()
            if listing is not None:
                shift = dt.timedelta(days=back)
                listing.listed_on -= shift
                listing.publish_by -= shift
                if listing.published_on:
                    listing.published_on -= shift
                if listing.delisted_on:
                    listing.delisted_on = timezone.localdate()
                listing.save()
