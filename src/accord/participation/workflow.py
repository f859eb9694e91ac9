"""The consultation's state table (pure): draft → open → closed → responded.

Guards read a frozen `ConsultationFacts`; the one `consultation_transition()` in
`consultations.py` asks this machine what is allowed."""

from __future__ import annotations

from dataclasses import dataclass

from accord.core.statemachine import SYSTEM, Machine, Transition

DRAFT, OPEN, CLOSED, RESPONDED = "draft", "open", "closed", "responded"
STAFF = "consultation_staff"  # a coordinator / supervisor / admin whose jurisdiction covers it

STATE_NAMES: dict[str, tuple[str, str]] = {
    DRAFT: ("Draft", "草稿"),
    OPEN: ("Open for comment", "征求意见中"),
    CLOSED: ("Comment period closed", "征求意见已截止"),
    RESPONDED: ("Responded", "已反馈"),
}

# Dispositions of a comment (Interim Regulations on Major Administrative Decision Procedures,
# art. 32: the decision says how the opinions were handled).
ADOPTED, PARTLY, NOT_ADOPTED, OUT_OF_SCOPE = "adopted", "partly", "not_adopted", "out_of_scope"
DISPOSITION_NAMES: dict[str, tuple[str, str]] = {
    ADOPTED: ("Adopted", "采纳"),
    PARTLY: ("Partly adopted", "部分采纳"),
    NOT_ADOPTED: ("Not adopted", "未采纳"),
    OUT_OF_SCOPE: ("Out of scope", "不属于征求范围"),
}

# The only reasons a comment or statement may be hidden. Criticism is never one of them.
HIDE_REASONS: dict[str, tuple[str, str]] = {
    "unlawful": ("Unlawful content", "违法内容"),
    "personal_data": ("Personal data of others", "含他人个人信息"),
    "spam": ("Spam", "垃圾信息"),
    "off_topic": ("Off-topic", "与主题无关"),
}


@dataclass(frozen=True)
class ConsultationFacts:
    status: str
    articles: int
    period_days: int
    min_days: int
    short_reason: str
    undisposed: int
    decision_summary: str


def has_articles(f: ConsultationFacts) -> str | None:
    return None if f.articles else "a draft needs at least one article before it is published"


def period_long_enough(f: ConsultationFacts) -> str | None:
    if f.period_days < 1:
        return "the comment period must end after it starts"
    if f.period_days < f.min_days and not f.short_reason.strip():
        return (
            f"a comment period of {f.period_days} days is under {f.min_days} days: give the "
            "public reason for the shorter period (State Council Order 713, art. 15)"
        )
    return None


def every_comment_answered(f: ConsultationFacts) -> str | None:
    if f.undisposed:
        return (
            f"{f.undisposed} comment(s) have no disposition yet: every comment needs a "
            "disposition with a reason before the consultation is responded"
        )
    return None


def has_decision_summary(f: ConsultationFacts) -> str | None:
    if not f.decision_summary.strip():
        return "say how the opinions were handled in the decision (art. 32) before responding"
    return None


CONSULTATION = Machine(
    "consultation",
    (
        Transition(
            "publish",
            {DRAFT},
            OPEN,
            {STAFF},
            (has_articles, period_long_enough),
            en="Publish for comment",
            zh="发布征求意见",
        ),
        Transition("close", {OPEN}, CLOSED, {STAFF, SYSTEM}, en="Close comments", zh="截止征求"),
        Transition(
            "respond",
            {CLOSED},
            RESPONDED,
            {STAFF},
            (every_comment_answered, has_decision_summary),
            en="Publish the response",
            zh="发布意见采纳情况",
        ),
    ),
)


def state_label(status: str, zh: bool = False) -> str:
    en, zh_ = STATE_NAMES.get(status, (status, status))
    return zh_ if zh else en


def disposition_label(code: str, zh: bool = False) -> str:
    en, zh_ = DISPOSITION_NAMES.get(code, ("Not yet answered", "尚未答复"))
    return zh_ if zh else en


def hide_reason_label(code: str, zh: bool = False) -> str:
    en, zh_ = HIDE_REASONS.get(code, (code, code))
    return zh_ if zh else en
