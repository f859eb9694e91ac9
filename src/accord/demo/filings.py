"""What a demo case says when it is filed: where, who (applicant and respondent), how many
people, the amount, the description in Chinese or English, the intake channel.

The case is a `cases.models.Case` instance, routed as `cases.filing.case_create` routes a
filing (`routing.route` on the case's routing input, the handling unit the ancestor of its
area at the tier). It is not saved here: `demo.lives` plays its timeline and `demo.writer`
writes it in bulk.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import math
import random
from decimal import Decimal

from django.db.models import Max

from accord.accounts.models import Role
from accord.cases import routing
from accord.cases.filing import handling_area_for
from accord.cases.filing import routing_input as _routing_input
from accord.cases.identity import hash_secret, normalise_org_name
from accord.cases.models import Case, Category
from accord.cases.workflow import S
from accord.core.models import Level
from accord.demo import names as N
from accord.demo.jurisdiction import Node, Staff, person
from accord.demo.situations import Situation
from accord.demo.writer import Row


def tracking_secret(seed: int, reference: str) -> str:
    """The demo case's tracking secret: derived from the seed, so a demo user can be told
    one. (Real cases get a random secret; demo data is not confidential.)"""
    digest = hashlib.sha256(f"accord-demo:{seed}:{reference}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()[:16]


class Filer:
    """Per-run state for filing cases: the random stream (shared with `demo.lives`), the
    categories, the staff, the next case id and the references used per year."""

    def __init__(self, seed: int, staff: dict[tuple[str, str], Staff], rnd: random.Random):
        self.seed = seed
        self.staff = staff
        self.rnd = rnd
        self.policy = routing.policy_from_settings()
        self.categories = {c.code: c for c in Category.objects.order_by("code")}
        self.counters: dict[int, int] = {}
        # Ids are given by the generator, so that child rows need no round trip.
        self.next_id = (Case.objects.aggregate(m=Max("id"))["m"] or 0) + 1

    # ---- people and text

    def org_name(self, code: str, comm: Node) -> tuple[str, str]:
        rnd = self.rnd
        town, county = comm.anc[Level.TOWNSHIP], comm.anc[Level.COUNTY]
        if code == "medical":
            zh, en = N.HOSPITALS[rnd.randrange(len(N.HOSPITALS))]
            return (
                zh.format(county=county.zh, township=town.zh),
                en.format(county=county.en, township=town.en),
            )
        if code == "relocation":
            zh, en = N.RELOCATION_BODIES[rnd.randrange(len(N.RELOCATION_BODIES))]
            return (
                zh.format(county=county.zh, township=town.zh),
                en.format(county=county.en, township=town.en),
            )
        trades = N.TRADES.get(code) or N.TRADES["contract_debt"]
        s_zh, s_en = N.COMPANY_STEMS[rnd.randrange(len(N.COMPANY_STEMS))]
        t_zh, t_en = trades[rnd.randrange(len(trades))]
        suffix = rnd.random()
        zh = (
            s_zh
            + t_zh
            + ("有限公司" if suffix < 0.7 else "有限责任公司" if suffix < 0.85 else "公司")
        )
        return zh, f"{s_en} {t_en} Co., Ltd."

    def amount(self, code: str, people: int) -> Decimal | None:
        rng = N.CATEGORY_PROFILE[code]["amount"]
        if rng is None or (code == "property" and self.rnd.random() < 0.4):
            return None
        lo, hi = rng
        value = math.exp(self.rnd.uniform(math.log(lo), math.log(hi)))
        if code == "labour" and people > 1:
            value *= min(people, 60) * 0.6
        return Decimal(int(round(value, -2)) or 100)

    def people(self, code: str, collective: float | None = None) -> int:
        r = self.rnd.random()
        share = collective
        if share is None:
            share = {"labour": 0.06, "environment": 0.10, "relocation": 0.08}.get(code, 0.012)
        if r < share:
            return self.rnd.randint(10, 60)
        r = self.rnd.random()
        if r < 0.58:
            return 1
        if r < 0.86:
            return 2
        if r < 0.95:
            return 3
        return self.rnd.randint(4, 9)

    # ---- one case

    def make_case(
        self, code: str, comm: Node, created: dt.datetime, channel: str, sit: Situation | None
    ) -> tuple[Case, list[Row], Node]:
        """A new case in community `comm` (or one of its grids): the case, its two parties
        and the area node it happened in."""
        rnd = self.rnd
        cat = self.categories[code]
        prof = N.CATEGORY_PROFILE[code]
        area = comm if (not comm.children or rnd.random() < 0.2) else rnd.choice(comm.children)
        people = self.people(code, sit.collective if sit else None)
        amount = self.amount(code, people)
        violence = rnd.random() < (
            0.03 if code in ("neighbour", "family", "relocation", "labour") else 0.01
        )
        vulnerable = rnd.random() < 0.06
        lang = "zh" if rnd.random() < 0.75 else "en"
        a_zh, a_en = person(rnd)
        applicant = a_zh if lang == "zh" else a_en
        kind = prof["respondent"]
        if kind == "mixed":
            kind = "organisation" if rnd.random() < 0.3 else "person"
        if sit is not None:
            kind = "organisation"
            r_name = sit.respondents[rnd.randrange(len(sit.respondents))]
            r_text = r_name if lang == "zh" else sit.respondent_en
        elif code == "rural_land" and rnd.random() < 0.15:
            kind = "organisation"
            vzh = comm.zh
            r_name = N.VILLAGE_COMMITTEE[0].format(
                community=vzh.removesuffix("村").removesuffix("社区")
            )
            r_text = r_name if lang == "zh" else N.VILLAGE_COMMITTEE[1].format(community=comm.en)
        elif kind == "organisation":
            zh, en = self.org_name(code, comm)
            r_name = zh if lang == "zh" or rnd.random() < 0.6 else en
            r_text = zh if lang == "zh" else en
        else:
            p_zh, p_en = person(rnd)
            r_name = p_zh if lang == "zh" else p_en
            r_text = r_name
        templates = N.DESCRIPTIONS[code][lang]
        choices = list(sit.templates) if sit else list(range(len(templates)))

        def fits(i: int) -> bool:
            t = templates[i]
            if amount is None and "{amt}" in t:
                return False
            if people < 2 and "{n}" in t:
                return False
            return created.month in (12, 1, 2) or ("春节" not in t and "Spring" not in t)

        choices = (
            [i for i in choices if fits(i)] or [i for i in range(len(templates)) if fits(i)] or [0]
        )
        text = templates[choices[rnd.randrange(len(choices))]].format(
            a=applicant,
            r=r_text,
            amt=f"{amount:,.0f}" if amount is not None else "",
            m=rnd.randint(2, 14),
            n=people,
        )
        year = created.year
        n = self.counters.get(year, 0) + 1
        self.counters[year] = n
        reference = f"AC-{year}-{n:07d}"
        filed_by = None
        if channel == "web" and rnd.random() < 0.4:
            resident = self.staff.get((Role.RESIDENT, comm.code))
            filed_by = resident.pk if resident else None
        case = Case(
            id=self.next_id,
            reference=reference,
            tracking_secret_hash=hash_secret(tracking_secret(self.seed, reference)),
            category=cat,
            area=area.model,
            description=text,
            people_count=people,
            amount=amount,
            channel=channel,
            risk_of_violence=violence,
            vulnerable_party=vulnerable,
            status=S.REGISTERED,
            filed_by_id=filed_by,
            created_at=created,
            status_changed_at=created,
        )
        # Routed as case_create routes a filing.
        decision = routing.route(_routing_input(case), self.policy)
        case.tier = decision.tier
        case.handling_area = handling_area_for(case.area, decision.tier)
        case.routing = decision.reasons_as_dicts()
        case.police_liaison = decision.police_liaison
        contact = f"1{rnd.choice('3578')}{rnd.randint(0, 9)}****{rnd.randint(0, 9999):04d}"
        parties = [
            Row(
                case_id=self.next_id,
                role="applicant",
                kind="person",
                name=applicant,
                contact=contact,
                normalised_name="",
            ),
            Row(
                case_id=self.next_id,
                contact="",
                role="respondent",
                kind=kind,
                name=r_name,
                normalised_name=normalise_org_name(r_name) if kind == "organisation" else "",
            ),
        ]
        self.next_id += 1
        return case, parties, area
