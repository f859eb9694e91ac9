"""accord participation-seed-demo [--if-empty] [--voters N] [--seed S]: demo consultations.

Run after `accord seed-demo` (small or medium); uses its first township coordinator and the
demo resident. Seeds one open consultation with comments, one responded with every comment
answered, one open with statements and an opinion map of N synthetic voters in three planted
camps (synthetic pseudonyms, no accounts), and a few suggestions. Writes go through the
services (audited); only the demo's past dates are set directly afterwards.
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accord.accounts.models import Membership, Role, User
from accord.core.audit import audit_record
from accord.participation import comments as csvc
from accord.participation import consultations as svc
from accord.participation import pseudonyms
from accord.participation import statements as st
from accord.participation import suggestions as sg
from accord.participation.models import Consultation, Vote

A = svc.ArticleInput

PARKING = (
    A(heading_en="Purpose", heading_zh="目的",
      body_en="These rules keep pavements and fire lanes in the township free of parked cars.",
      body_zh="本办法旨在保持本镇人行道和消防通道畅通。"),
    A(heading_en="Permits", heading_zh="停车证",
      body_en="Each household may hold one resident parking permit, free of charge.",
      body_zh="每户可免费申领一张居民停车证。"),
    A(heading_en="Night parking", heading_zh="夜间停车",
      body_en="Between 22:00 and 6:00 cars may park on the market square.",
      body_zh="22时至次日6时，车辆可停放在市场广场。"),
)  # fmt: skip
MARKET = (
    A(heading_en="Opening hours", heading_zh="营业时间",
      body_en="The morning market opens at 6:00 and closes at 12:00.",
      body_zh="早市6时开市，12时闭市。"),
    A(heading_en="Stalls", heading_zh="摊位",
      body_en="Stalls are allocated by lot every six months.",
      body_zh="摊位每半年抽签分配一次。"),
)  # fmt: skip
PARK = (
    A(heading_en="The plan", heading_zh="方案",
      body_en="The old brickworks site becomes a park with a playground and a sports field.",
      body_zh="旧砖厂地块改建为公园，设儿童游乐场和运动场。"),
)  # fmt: skip

COMMENTS_OPEN = [
    (2, "One permit is not enough for families with a carer who drives."),
    (3, "The square is dark at night; please add lights before cars park there."),
    (None, "Good idea overall, the pavements by the school are blocked every morning."),
    (1, "Fire lanes must come first, agreed."),
    (3, "Market traders arrive at 5:00, so night parking should end at 5:00."),
    (2, "Permits should also cover motorbikes."),
]
COMMENTS_DONE = [
    (1, "Open at 5:30 in summer, it is too hot later.", "partly", "Opening at 5:30 from June to August."),
    (1, "6:00 is fine.", "adopted", "Kept at 6:00 for the rest of the year."),
    (2, "Lots are unfair to traders who have been here for years.", "not_adopted",
     "The Market Regulation requires open allocation; long-standing traders get two lots."),
    (2, "Allocate by lot but every year, not every six months.", "adopted", "Changed to once a year."),
    (None, "Please fix the drains on the market street.", "out_of_scope",
     "Passed to the township's works office; not part of these rules."),
]  # fmt: skip
STATEMENTS = [
    "The park should have a sports field. · 公园应设运动场。",
    "Keep the old brickworks chimney as a landmark. · 保留旧砖厂烟囱作为地标。",
    "A playground matters more than a sports field. · 儿童游乐场比运动场更重要。",
    "Close the park at night. · 公园夜间应关闭。",
    "Build a car park next to the park. · 在公园旁建停车场。",
    "No car park: the money should go to trees. · 不建停车场，钱用于种树。",
    "Dogs should be allowed off the lead in one area. · 应划出遛狗区。",
    "The park needs public toilets. · 公园需要公共厕所。",
    "Allow a weekend market in the park. · 允许周末在公园设集市。",
    "Light the paths at night. · 夜间照亮步道。",
    "Sports clubs should be able to book the field. · 体育俱乐部应可预约场地。",
    "Keep the park quiet: no loudspeakers. · 公园保持安静，禁止高音喇叭。",
]


class Command(BaseCommand):
    help = "Seed demo consultations, an opinion map and suggestions (after seed-demo)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when consultations exist already (for `make demo`)")  # fmt: skip
        parser.add_argument("--voters", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        if options["if_empty"] and Consultation.objects.exists():
            self.stdout.write("consultations exist already: nothing to do (--if-empty)")
            return
        m = (
            Membership.objects.filter(role=Role.TOWNSHIP_COORDINATOR)
            .select_related("user", "area")
            .order_by("area__path", "user__username")
            .first()
        )
        if m is None:
            raise CommandError("no township coordinator: run `accord seed-demo` first")
        staff, town = m.user, m.area
        resident = User.objects.filter(username="resident").first()
        rnd = random.Random(options["seed"])
        today = timezone.localdate()

        def make(title_en, title_zh, arts, **kw):
            data = svc.ConsultationInput(
                area=town.code, title_en=title_en, title_zh=title_zh, opens_on=today,
                closes_on=today + dt.timedelta(days=29), articles=arts,
                explanation_en=kw.pop("explanation_en", ""), explanation_zh=kw.pop("explanation_zh", ""),
                **kw,
            )  # fmt: skip
            c = svc.consultation_create(actor=staff, data=data)
            return svc.consultation_transition(actor=staff, consultation=c, action="publish")

        # 1. open, with comments
        c1 = make(
            "Draft rules on parking in the township",
            "本镇停车管理办法（征求意见稿）",
            PARKING,
            explanation_en="Pavements and fire lanes are blocked; these rules set out where cars may park.",
            explanation_zh="人行道和消防通道经常被占用，本办法规定车辆停放位置。",
            decision_type="regulation",
        )
        for i, (art, text) in enumerate(COMMENTS_OPEN):
            who = resident if (resident and i % 2 == 0) else None
            csvc.comment_create(actor=who, consultation=c1, text=text, article=art)
        # 2. responded: every comment answered, the decision record linked
        c2 = make("Morning market rules", "早市管理规定", MARKET, decision_type="other")
        ids = {}
        for art, text, disp, reason in COMMENTS_DONE:
            who = resident if resident and disp == "partly" else None
            ids[text] = (
                csvc.comment_create(actor=who, consultation=c2, text=text, article=art).pk,
                disp,
                reason,
            )
        for pk, disp, reason in ids.values():
            csvc.comments_dispose(
                actor=staff, consultation=c2, comment_ids=[pk], disposition=disp, reason=reason
            )
        c2 = svc.consultation_transition(actor=staff, consultation=c2, action="close")
        svc.consultation_record_decision(
            actor=staff, consultation=c2,
            summary_en="The rules were adopted with two changes from the comments: summer opening at 5:30 and yearly allocation of stalls.",
            summary_zh="规定已通过，并根据意见作两处修改：夏季5:30开市，摊位每年分配一次。",
            url="/participation/",
        )  # fmt: skip
        svc.consultation_transition(actor=staff, consultation=c2, action="respond")
        Consultation.objects.filter(pk=c2.pk).update(
            opens_on=today - dt.timedelta(days=75), closes_on=today - dt.timedelta(days=46)
        )
        # 3. open with an opinion map of synthetic voters in three planted camps
        c3 = make(
            "The brickworks park: what should it have?",
            "砖厂公园：应该建什么？",
            PARK,
            explanation_en="Vote on the statements below or add your own.",
            explanation_zh="请对下列观点表态，或提出您的观点。",
            decision_type="plan",
            allow_statements=True,
        )
        stmts = [
            st.statement_add(consultation=c3, pseudonym=f"demo-author-{j}", text=t)
            for j, t in enumerate(STATEMENTS)
        ]
        sides = [[rnd.choice((1, -1)) for _ in stmts] for _camp in range(3)]
        for camp in sides:
            camp[7] = 1  # everyone wants toilets (a consensus statement)
        votes = []
        for i in range(options["voters"]):
            camp = sides[i % 3]
            p = pseudonyms.pseudonym(c3.salt, session_id=f"demo-voter-{options['seed']}-{i}")
            for j, s in enumerate(stmts):
                if rnd.random() < 0.3:
                    continue
                u = rnd.random()
                v = camp[j] if u < 0.8 else (-camp[j] if u < 0.9 else 0)
                votes.append(Vote(statement=s, pseudonym=p, value=v))
        with transaction.atomic():
            Vote.objects.bulk_create(votes, batch_size=2000)
            audit_record(actor=None, action="vote.seed_demo", object_type="consultation",
                         object_id=c3.reference, data={"votes": len(votes)})  # fmt: skip
        om = st.map_compute(consultation=c3)
        # suggestions
        s1 = sg.suggestion_create(actor=resident, area=town.code, title="Benches along the river path",
                                  text="Older people cannot walk the whole river path without a rest.")  # fmt: skip
        for k in range(12):
            sg.suggestion_cosign(suggestion=s1, pseudonym=f"demo-cosigner-{k}")
        s2 = sg.suggestion_create(actor=None, area=town.code, title="A reading room in the old post office",
                                  text="The building is empty; a reading room would give students a quiet place.")  # fmt: skip
        sg.suggestion_answer(actor=staff, suggestion=s2,
                             answer="The township will open a reading room in the old post office next spring.",
                             points=["Budget approved in the township plan.", "Volunteers from the library will run it."])  # fmt: skip
        self.stdout.write(
            f"consultations {c1.reference} (open), {c2.reference} (responded), {c3.reference} "
            f"(opinion map: {len(votes)} votes, {om.n_groups if om else 0} groups); "
            f"suggestions {s1.reference}, {s2.reference}; staff {staff.username}"
        )
