"""Translatable labels for workflow actions, supervision colours and domain messages.

Presentation only: the workflow decides what is allowed; this module says it in the
reader's language. Domain errors carry English details; the messages listed here are
marked for translation so that `domain_message` can show them in Chinese too.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy, gettext_noop

from accord.cases import clock, workflow
from accord.core.errors import DomainError
from accord.core.i18n import is_zh

_ = gettext_lazy

ACTION_LABELS = {
    "register": _("Register"),
    "accept": _("Accept"),
    "reject": _("Reject"),
    "redirect": _("Redirect to another authority"),
    "assign": _("Assign"),
    "start": _("Start handling"),
    "record_attempt": _("Record a failed attempt"),
    "resolve": _("Resolve"),
    "refer": _("Refer to another channel"),
    "escalate": _("Escalate"),
    "follow_up": _("Record follow-up visit"),
    "close": _("Close"),
    "archive": _("Archive"),
    "withdraw": _("Withdraw"),
    "reopen": _("Reopen"),
    "party_rating": _("Rating by the party"),
}

ACTION_HELP = {
    "accept": _("Take the case in for handling."),
    "reject": _("Refuse the case. Give the reason; the parties will see the outcome."),
    "redirect": _("Send the case to the authority that is competent. Say which and why."),
    "assign": _("Give the case to a staff member. Leave the user name empty to take it yourself."),
    "start": _("Start working on the case."),
    "record_attempt": _(
        "Record a mediation attempt that did not succeed. After too many attempts the case "
        "moves up a tier."
    ),
    "resolve": _("Record how the dispute was resolved."),
    "refer": _("Guide the parties to arbitration, reconsideration, court or another channel."),
    "escalate": _("Move the case to the next tier. A party's request is always honoured."),
    "follow_up": _("Record the follow-up visit with the parties."),
    "close": _("Close the case after the follow-up visit."),
    "archive": _("Archive the closed case."),
    "withdraw": _("The applicant withdraws the case. Give the reason."),
    "reopen": _("Reopen the case. Give the reason."),
}

# Actions whose form is styled as a caution (they end or refuse a case).
CAUTION_ACTIONS = frozenset({"reject", "redirect", "withdraw"})

COLOUR_LABELS = {
    clock.RED: _("Red: overdue"),
    clock.YELLOW: _("Yellow: due soon"),
    clock.GREEN: _("Green: on time"),
    clock.GREY: _("Grey: clock suspended"),
}

# Domain messages that a form may show; marked so that the .po carries a translation.
KNOWN_MESSAGES = (
    gettext_noop("a note giving the reason is required"),
    gettext_noop("satisfaction (1-5) is required for a follow-up visit"),
    gettext_noop("say whether the agreement was performed (agreement_performed)"),
    gettext_noop(
        "the case is already at the highest tier; refer the parties to arbitration, "
        "administrative reconsideration or court instead"
    ),
    gettext_noop("the case has no assignee; assign it first"),
    gettext_noop("you may not take this case"),
    gettext_noop("only a coordinator may assign a case to someone else"),
    gettext_noop("this category cannot be filed anonymously; please sign in"),
    gettext_noop("description must not be empty"),
    gettext_noop("every party needs a name"),
    gettext_noop("amount must not be negative"),
    gettext_noop("no case with that reference and tracking secret"),
    gettext_noop("you may not add files to this case"),
    gettext_noop("the case is finished; no files can be added"),
    gettext_noop("the case can be rated once it has been resolved or referred"),
    gettext_noop("satisfaction (1-5) is required"),
)

CODE_MESSAGES = {
    "transition_state": _("This action is not possible in the case's current status."),
    "transition_role": _("You may not take this action on this case."),
    "transition_unknown": _("Unknown action."),
    "unknown_assignee": _("No staff member with that user name can handle this case."),
    "unknown_category": _("Please choose a category."),
    "unknown_area": _("Please choose an area."),
    "not_found": _("Not found."),
    "invalid": _("The input is not valid."),
    "not_rateable": _("The case can be rated once it has been resolved or referred."),
    "finished": _("The case is finished; no files can be added."),
    "too_many_files": _("Too many files."),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def colour_label(colour: str) -> str:
    label = COLOUR_LABELS.get(colour)
    return str(label) if label is not None else colour


def note_required(action: str) -> bool:
    transition = workflow.BY_ACTION.get(action)
    return transition is not None and workflow.needs_note in transition.guards


def domain_message(exc: DomainError) -> str:
    """The error in the reader's language: a translated message when we have one,
    else (in Chinese) a message for its code, else the English detail."""
    translated = gettext(exc.detail)
    if translated != exc.detail:
        return translated
    if is_zh() and exc.code in CODE_MESSAGES:
        return str(CODE_MESSAGES[exc.code])
    return exc.detail
