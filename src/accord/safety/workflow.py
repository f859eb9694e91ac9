"""The hazard's state table (pure): report → verify → grade → order rectification →
rectifying → re-inspection → closed (or back to rectifying), on `core.statemachine`.

Law and practice it encodes (docs/safety.md):
- Work Safety Law (2021) art. 41: hazards are investigated and recorded; a major hazard is
  reported and supervised. Interim Provisions on Hazard Investigation (State Administration
  of Work Safety Order 16, art. 3): a *general* hazard does little harm and can be removed at
  once; a *major* hazard is hard to remove, needs (partial) suspension of work or cannot be
  removed by the unit alone.
- A general hazard may close on the spot with an after-photo and a sign-off.
- A major hazard's rectification starts only when the five implementations (五落实:
  responsibility, measures, funds, deadline, contingency plan) and the plan are filled.
- The re-inspector is never the person who recorded the rectification (a second pair of eyes).
- Work suspended for a major hazard resumes only on a passed acceptance (art. 65).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.utils.translation import gettext_noop

from accord.core.statemachine import SYSTEM, Machine, Transition

INSPECTOR = "inspector"  # safety staff over the hazard's area or handling unit
REPORTER = "reporter"  # the signed-in person who reported it (read only)


class S:
    REPORTED = "reported"
    VERIFIED = "verified"
    REJECTED = "rejected"
    GRADED = "graded"
    ORDERED = "rectification_ordered"
    RECTIFYING = "rectifying"
    REINSPECTION = "reinspection"
    CLOSED = "closed"


FINISHED = frozenset({S.CLOSED, S.REJECTED})
OPEN_WITH_DEADLINE = frozenset({S.ORDERED, S.RECTIFYING, S.REINSPECTION})
GENERAL, MAJOR = "general", "major"

# Criteria a grade is judged by (code -> grade, English, Chinese).
CRITERIA: dict[str, tuple[str, str, str]] = {
    "general_fix_at_once": (
        GENERAL,
        "Little harm and easy to remove: can be removed at once after it is found",
        "危害和整改难度较小，发现后能够立即整改排除",
    ),
    "major_hard_to_remove": (
        MAJOR,
        "Great harm or hard to remove: work must stop in whole or in part for some time",
        "危害和整改难度较大，应当全部或者局部停产停业，并经过一定时间整改治理方能排除",
    ),
    "major_external": (
        MAJOR,
        "External factors: the unit cannot remove it by itself",
        "因外部因素影响致使生产经营单位自身难以排除",
    ),
    "major_sector_standard": (
        MAJOR,
        "Meets the sector's criteria for a major accident hazard",
        "符合行业重大事故隐患判定标准",
    ),
}
FIVE_FIELDS = ("responsibility", "measures", "funds", "deadline", "contingency")


@dataclass(frozen=True)
class HazardFacts:
    status: str
    grade: str = ""  # the hazard's grade (or the grade being given)
    criterion: str = ""
    note: str = ""
    days: int | None = None  # rectification period asked for (working days)
    after_photo: bool = False
    five_complete: bool = False
    plan_given: bool = False
    actor_id: int | None = None
    rectifier_id: int | None = None
    listed: bool = False
    published: bool = False
    deadline: dt.date | None = None
    new_deadline: dt.date | None = None
    today: dt.date | None = None

    def assuming_inputs(self) -> HazardFacts:
        """The same facts with every typed-in input valid (a note, a grade, a photo sent with
        the form): what a page may offer (the state guards still decide)."""
        far = (self.deadline or self.today or dt.date(2000, 1, 1)) + dt.timedelta(days=3650)
        return replace(
            self, grade=self.grade or GENERAL, criterion=self.criterion or "general_fix_at_once",
            note=self.note or "·", days=self.days or 1, new_deadline=far, after_photo=True,
        )  # fmt: skip


def needs_note(f: HazardFacts) -> str | None:
    return None if f.note.strip() else gettext_noop("a note is required for this step")


def grade_given(f: HazardFacts) -> str | None:
    if f.grade not in (GENERAL, MAJOR):
        return gettext_noop("choose a grade: general or major")
    rule = CRITERIA.get(f.criterion)
    if rule is None or rule[0] != f.grade:
        return gettext_noop("choose the criterion the grade was judged by (it must fit the grade)")
    return None


def days_valid(f: HazardFacts) -> str | None:
    if f.days is None or not 1 <= f.days <= 250:
        return gettext_noop("the rectification period must be 1 to 250 working days")
    return None


def is_general(f: HazardFacts) -> str | None:
    return (
        None
        if f.grade == GENERAL
        else gettext_noop("only a general hazard can be closed on the spot")
    )


def after_photo(f: HazardFacts) -> str | None:
    return None if f.after_photo else gettext_noop("add a photo taken after the hazard was removed")


def five_if_major(f: HazardFacts) -> str | None:
    if f.grade == MAJOR and not (f.five_complete and f.plan_given):
        return gettext_noop(
            "a major hazard's rectification starts only when the five implementations "
            "(responsibility, measures, funds, deadline, contingency plan) and the plan are filled"
        )
    return None


def not_rectifier(f: HazardFacts) -> str | None:
    if f.actor_id is not None and f.actor_id == f.rectifier_id:
        return gettext_noop(
            "the re-inspection must be done by someone other than who recorded the rectification"
        )
    return None


def major_only(f: HazardFacts) -> str | None:
    return (
        None
        if f.grade == MAJOR
        else gettext_noop("only major hazards are under listed supervision")
    )


def unpublished(f: HazardFacts) -> str | None:
    if not f.listed:
        return gettext_noop("the hazard is not listed for supervision")
    return gettext_noop("the listing is already published") if f.published else None


def before_deadline(f: HazardFacts) -> str | None:
    if f.deadline is None:
        return gettext_noop("there is no deadline to extend")
    if f.today is not None and f.today > f.deadline:
        return gettext_noop("an extension must be asked before the deadline passes")
    if f.new_deadline is None or f.new_deadline <= f.deadline:
        return gettext_noop("the new deadline must be later than the current one")
    return None


HAZARD = Machine(
    "hazard",
    (
        Transition("verify", {S.REPORTED}, S.VERIFIED, {INSPECTOR},
                   en="Verify on site", zh="现场核实"),
        Transition("reject", {S.REPORTED, S.VERIFIED}, S.REJECTED, {INSPECTOR}, (needs_note,),
                   en="Not a hazard", zh="不构成隐患"),
        Transition("grade", {S.VERIFIED}, S.GRADED, {INSPECTOR}, (grade_given,),
                   en="Grade", zh="定级"),
        Transition("close_on_spot", {S.GRADED}, S.CLOSED, {INSPECTOR},
                   (is_general, after_photo, needs_note),
                   en="Removed on the spot (sign off)", zh="立即整改并签字销号"),
        Transition("order", {S.GRADED}, S.ORDERED, {INSPECTOR}, (days_valid,),
                   en="Order rectification", zh="下达整改通知"),
        Transition("start", {S.ORDERED}, S.RECTIFYING, {INSPECTOR}, (five_if_major,),
                   en="Rectification started", zh="开始整改"),
        Transition("submit", {S.RECTIFYING}, S.REINSPECTION, {INSPECTOR},
                   (after_photo, needs_note),
                   en="Rectification done: ask for re-inspection", zh="整改完成，申请复查"),
        Transition("pass", {S.REINSPECTION}, S.CLOSED, {INSPECTOR}, (not_rectifier,),
                   en="Re-inspection passed (acceptance)", zh="复查验收通过"),
        Transition("fail", {S.REINSPECTION}, S.RECTIFYING, {INSPECTOR},
                   (not_rectifier, needs_note),
                   en="Re-inspection failed", zh="复查不通过"),
        Transition("publish", {S.GRADED, S.ORDERED, S.RECTIFYING, S.REINSPECTION}, None,
                   {INSPECTOR}, (major_only, unpublished),
                   en="Publish the listing", zh="公布挂牌督办"),
        Transition("extend", {S.ORDERED, S.RECTIFYING}, None, {INSPECTOR},
                   (before_deadline, needs_note),
                   en="Extend the deadline", zh="延期整改"),
        Transition("escalate", {S.GRADED, S.ORDERED, S.RECTIFYING, S.REINSPECTION}, None,
                   {SYSTEM}, en="Escalated (overdue)", zh="逾期升级督办"),
    ),
)  # fmt: skip

# Actions whose form asks for a note (the page marks it required).
NOTE_ACTIONS = frozenset({"reject", "close_on_spot", "submit", "fail", "extend"})
# Actions that take a photo (after rectification).
PHOTO_ACTIONS = frozenset({"close_on_spot", "submit"})


def label(action: str, zh: bool = False) -> str:
    t = HAZARD.by_action.get(action)
    return t.label(zh) if t else action


def criterion_label(code: str, zh: bool = False) -> str:
    rule = CRITERIA.get(code)
    return (rule[2] if zh else rule[1]) if rule else ""
