"""What a person reads when a participation write is refused: a message per error code (the
error's own text otherwise). Shared by the participation pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from accord.core.errors import DomainError

CODE_MESSAGES = {
    "empty_comment": gettext_lazy("The comment is empty."),
    "too_long": gettext_lazy("The text is too long."),
    "consultation_closed": gettext_lazy("This consultation is not open for comment."),
    "sign_in_to_comment": gettext_lazy("Sign in to comment on this consultation."),
    "unknown_article": gettext_lazy("The draft has no such article."),
    "bad_disposition": gettext_lazy("Choose a disposition."),
    "missing_reason": gettext_lazy("Every disposition needs a reason."),
    "no_comments": gettext_lazy("Choose at least one comment."),
    "missing_theme": gettext_lazy("Give the theme a name."),
    "bad_reason": gettext_lazy("A comment may be hidden only for one of the listed reasons."),
    "consultation_state": gettext_lazy("Not possible at this stage of the consultation."),
    "consultation_guard": gettext_lazy(
        "Not yet: every comment needs a disposition with a reason, and the decision must say "
        "how the opinions were handled; a period under the minimum needs a public reason."
    ),
    "consultation_role": gettext_lazy("You may not do this for this consultation."),
    "consultation_unknown": gettext_lazy("Unknown action."),
    "missing_text": gettext_lazy("Fill in the text in English and in Chinese."),
    "bad_period": gettext_lazy("The comment period ends before it starts."),
    "no_articles": gettext_lazy("The draft needs at least one article."),
    "unknown_area": gettext_lazy("Choose an area."),
    "bad_url": gettext_lazy("The decision record link must be a web address."),
    "forbidden": gettext_lazy("You may not do this."),
    "not_found": gettext_lazy("Not found."),
    "bad_time": gettext_lazy("Give the date and time of the hearing."),
    "past_hearing": gettext_lazy("A hearing is scheduled in the future."),
    "missing_place": gettext_lazy("Say where the hearing is held."),
    "hearing_notice_too_late": gettext_lazy(
        "Too late: hearing materials must be public at least 7 days before the hearing. "
        "Reschedule the hearing instead."
    ),
    "no_opinion_map": gettext_lazy("This consultation has no opinion map."),
    "too_many": gettext_lazy("You have added the most statements one person may add."),
    "bad_vote": gettext_lazy("Choose agree, disagree or pass."),
    "points_needed": gettext_lazy(
        "This suggestion has many co-signatures: reply point by point before answering."
    ),
    "empty_answer": gettext_lazy("The answer is empty."),
    "suggestion_answered": gettext_lazy("This suggestion has been answered."),
    "cosigned": gettext_lazy("You have co-signed this suggestion already."),
}


def message_for(exc: DomainError) -> str:
    return str(CODE_MESSAGES.get(exc.code, exc.detail))
