"""Permission predicates on cases: the workflow capabilities an actor holds on one case."""

from __future__ import annotations

from accord.accounts.models import CASE_STAFF_ROLES, COORDINATOR_ROLES, User
from accord.accounts.permissions import has_role_over, roles_of
from accord.cases import workflow
from accord.cases.models import Case


def case_capabilities(user: User | None, case: Case) -> set[str]:
    """What `user` may do on `case`, as workflow capabilities."""
    caps: set[str] = set()
    if user is None or not user.is_authenticated:
        return caps
    if has_role_over(user, case.area, CASE_STAFF_ROLES) or has_role_over(
        user, case.handling_area, CASE_STAFF_ROLES
    ):
        caps.add(workflow.STAFF)
        if has_role_over(user, case.handling_area, COORDINATOR_ROLES) or has_role_over(
            user, case.area, COORDINATOR_ROLES
        ):
            caps.add(workflow.COORDINATOR)
        if case.assignee_id == user.pk:
            caps.add(workflow.ASSIGNEE)
    if (
        case.filed_by_id is not None
        and case.filed_by_id == user.pk
        and not (roles_of(user) & set(CASE_STAFF_ROLES))
    ):
        # The person who filed acts as the applicant; staff who typed in a walk-in's case do
        # not become a party to it.
        caps.add(workflow.APPLICANT)
    return caps
