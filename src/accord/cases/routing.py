"""Tiered routing: which tier handles a case, and why.

"Small matters stay in the village, major matters stay in the township, nothing is pushed
upward": a case starts at its category's default tier and is raised only by the rules of
DESIGN §5, each of which adds a human-readable reason in English and Chinese. Pure code: the
policy is a dataclass a deployment can change through settings (ACCORD_* values).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

TIERS = ("community", "township", "county", "city")
TIER_NAMES = {
    "community": ("community", "社区（村）"),
    "township": ("township", "乡镇（街道）"),
    "county": ("county", "县（区）"),
    "city": ("city", "市"),
}


def tier_rank(tier: str) -> int:
    return TIERS.index(tier)


def higher(a: str, b: str) -> str:
    return a if tier_rank(a) >= tier_rank(b) else b


def next_tier(tier: str) -> str | None:
    i = tier_rank(tier)
    return TIERS[i + 1] if i + 1 < len(TIERS) else None


@dataclass(frozen=True)
class RoutingPolicy:
    collective_parties: int = 10  # ≥ this many people: collective dispute → at least township
    amount_township: Decimal = Decimal("100000")  # amount from which → at least township
    amount_county: Decimal = Decimal("1000000")  # amount from which → at least county
    violence_tier: str = "township"  # risk of violence → township + police liaison (art. 25)
    # "3-3-1": failed attempts allowed at a tier before the case moves up.
    attempts_per_tier: dict[str, int] = field(
        default_factory=lambda: {"community": 3, "township": 3, "county": 1}
    )
    top_tier: str = "county"  # beyond it the parties are guided to arbitration or court


@dataclass(frozen=True)
class Reason:
    rule: str
    en: str
    zh: str


@dataclass(frozen=True)
class RoutingInput:
    category_code: str
    category_en: str
    category_zh: str
    default_tier: str
    department_en: str
    department_zh: str
    people_count: int = 1
    amount: Decimal | None = None
    risk_of_violence: bool = False
    current_tier: str | None = None  # None at intake
    failed_attempts_at_tier: int = 0
    overdue: bool = False
    party_requested: bool = False
    staff_requested: bool = False

    @classmethod
    def for_category(cls, category: Any, **facts: Any) -> RoutingInput:
        """Build the input from a category (anything with the Category model's fields) and
        the case facts (people_count, amount, risk_of_violence, current_tier, ...)."""
        return cls(
            category_code=category.code,
            category_en=category.name_en,
            category_zh=category.name_zh,
            default_tier=category.default_tier,
            department_en=category.department_en,
            department_zh=category.department_zh,
            **facts,
        )


@dataclass(frozen=True)
class RoutingDecision:
    tier: str
    reasons: tuple[Reason, ...]
    police_liaison: bool = False
    guide_to_formal_channels: bool = False

    def reasons_as_dicts(self) -> list[dict[str, str]]:
        """The form stored in `Case.routing`."""
        return [{"rule": r.rule, "en": r.en, "zh": r.zh} for r in self.reasons]

    def explanation(self, language: str = "en") -> list[str]:
        zh = language.lower().startswith("zh")
        return [r.zh if zh else r.en for r in self.reasons]


def _tier_en(t: str) -> str:
    return TIER_NAMES[t][0]


def _tier_zh(t: str) -> str:
    return TIER_NAMES[t][1]


def route(inp: RoutingInput, policy: RoutingPolicy | None = None) -> RoutingDecision:
    """Decide the tier. At intake (`current_tier` None) start from the category default;
    later, never lower the current tier: a case only moves up."""
    policy = policy or RoutingPolicy()
    reasons: list[Reason] = []
    if inp.current_tier is None:
        tier = inp.default_tier
        reasons.append(
            Reason(
                "category_default",
                f"{inp.category_en} disputes start at the {_tier_en(tier)} tier "
                f"({inp.department_en}).",
                f"{inp.category_zh}纠纷默认由{_tier_zh(tier)}层级办理（{inp.department_zh}）。",
            )
        )
    else:
        tier = inp.current_tier

    def raise_to(target: str, rule: str, en: str, zh: str) -> None:
        nonlocal tier
        if tier_rank(target) > tier_rank(tier):
            tier = target
            reasons.append(Reason(rule, en, zh))

    if inp.people_count >= policy.collective_parties:
        raise_to(
            "township",
            "collective",
            f"{inp.people_count} people are involved (≥ {policy.collective_parties}): a "
            "collective dispute is handled at least at the township tier.",
            f"涉及{inp.people_count}人（≥{policy.collective_parties}人），属群体性纠纷，"
            "至少由乡镇（街道）层级办理。",
        )
    police = False
    if inp.risk_of_violence:
        police = True
        raise_to(
            policy.violence_tier,
            "violence",
            "There is a risk of violence: handled at least at the township tier with police "
            "liaison (People's Mediation Law art. 25).",
            "存在激化为暴力的风险：至少由乡镇（街道）层级办理，并通报公安机关"
            "（《人民调解法》第二十五条）。",
        )
    if inp.amount is not None:
        if inp.amount >= policy.amount_county:
            raise_to(
                "county",
                "amount",
                f"The amount in dispute ({inp.amount:,.0f} yuan) is at least "
                f"{policy.amount_county:,.0f} yuan: handled at the county tier.",
                f"争议金额{inp.amount:,.0f}元，达到{policy.amount_county:,.0f}元，由县（区）层级办理。",
            )
        elif inp.amount >= policy.amount_township:
            raise_to(
                "township",
                "amount",
                f"The amount in dispute ({inp.amount:,.0f} yuan) is at least "
                f"{policy.amount_township:,.0f} yuan: handled at least at the township tier.",
                f"争议金额{inp.amount:,.0f}元，达到{policy.amount_township:,.0f}元，"
                "至少由乡镇（街道）层级办理。",
            )

    guide = False
    limit = policy.attempts_per_tier.get(tier)
    if limit is not None and inp.failed_attempts_at_tier >= limit:
        up = next_tier(tier)
        if tier_rank(tier) >= tier_rank(policy.top_tier) or up is None:
            guide = True
            reasons.append(
                Reason(
                    "attempts_exhausted",
                    f"{inp.failed_attempts_at_tier} failed attempts at the {_tier_en(tier)} "
                    "tier (3-3-1 rule): the parties are guided to arbitration or court.",
                    f"{_tier_zh(tier)}层级调解{inp.failed_attempts_at_tier}次未成（“3-3-1”规则）："
                    "引导当事人申请仲裁或向法院起诉。",
                )
            )
        else:
            raise_to(
                up,
                "attempts",
                f"{inp.failed_attempts_at_tier} failed attempts at the {_tier_en(tier)} tier "
                f"(3-3-1 rule): moved to the {_tier_en(up)} tier.",
                f"{_tier_zh(tier)}层级调解{inp.failed_attempts_at_tier}次未成（“3-3-1”规则）："
                f"提交{_tier_zh(up)}层级办理。",
            )
    if inp.overdue:
        up = next_tier(tier)
        if up is not None:
            raise_to(
                up,
                "overdue",
                f"The deadline at the {_tier_en(tier)} tier was overrun: moved to the "
                f"{_tier_en(up)} tier.",
                f"{_tier_zh(tier)}层级办理超期：提交{_tier_zh(up)}层级办理。",
            )
    if inp.party_requested:
        up = next_tier(tier)
        if up is not None:
            raise_to(
                up,
                "party_request",
                f"A party asked for escalation; the request is honoured: moved to the "
                f"{_tier_en(up)} tier.",
                f"当事人申请提级办理，依申请提交{_tier_zh(up)}层级办理。",
            )
    if inp.staff_requested and not inp.party_requested:
        up = next_tier(tier)
        if up is not None:
            raise_to(
                up,
                "staff_decision",
                f"Staff escalated the case: moved to the {_tier_en(up)} tier.",
                f"工作人员决定提级：提交{_tier_zh(up)}层级办理。",
            )
    return RoutingDecision(tier, tuple(reasons), police, guide)


def policy_from_settings() -> RoutingPolicy:
    from django.conf import settings

    return RoutingPolicy(
        collective_parties=settings.ACCORD_COLLECTIVE_PARTIES,
        amount_township=Decimal(settings.ACCORD_AMOUNT_TOWNSHIP),
        amount_county=Decimal(settings.ACCORD_AMOUNT_COUNTY),
        attempts_per_tier=dict(settings.ACCORD_ATTEMPTS_PER_TIER),
    )
